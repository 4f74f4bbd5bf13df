// Slow clients and large bodies against one real `kiosk-hub serve` with its
// staff listener (a program, not a test; issue 18, findings 2 and 3). Prints
// two tables and never fails on a timing:
//   - answer time of real requests — GET /healthz on the device listener and
//     a staff login, each on a new TLS connection from 127.0.0.2 — with no
//     other connections, then while `--slow` silent connections and
//     `--dribblers` header-dribbling ones per listener come from 127.0.0.1
//     and are reopened as soon as the hub closes them (the attack of the
//     review, which reopened them every ~29 s);
//   - the hub's resident size (VmRSS, VmHWM from /proc/PID/status) after each
//     of the review's large bodies: 16 MiB of "[" to the staff login, 32 MiB
//     to /v1/enroll without a client certificate.
// `--hub PATH` runs another kiosk-hub build (e.g. one from before the fix):
// the before/after figures of docs/PROOF.md come from the same program.
//
//   build/release/bench/hub_limits_bench [--slow N] [--dribblers N] [--requests N] [--hub KIOSK_HUB] [--dir PATH]
#include "bench_stats.h"
#include "harness/hub.h"
#include "harness/net.h"
#include "harness/process.h"
#include "harness/temp_dir.h"

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include <poll.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using harness::Clock;
using harness::msSince;

namespace {

constexpr const char* kPassword = "bench password 1";
std::string g_hubBin = KIOSK_HUB_BIN;

// The attacker: silent and dribbling connections to both listeners from
// 127.0.0.1, each reopened once the hub has closed it.
class SlowClients {
public:
    SlowClients(std::vector<int> ports, int silent, int dribblers) : m_ports(std::move(ports)), m_silent(silent), m_dribblers(dribblers) {
        m_ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_verify(m_ctx, SSL_VERIFY_NONE, nullptr);
        m_thread = std::thread([this] { run(); });
    }
    ~SlowClients() {
        m_stop = true;
        m_thread.join();
        for (auto& c : m_conns) closeConn(c);
        SSL_CTX_free(m_ctx);
    }
    long opened() const { return m_opened; }

private:
    struct Conn {
        int port = 0;
        bool dribble = false;
        int fd = -1;               // a silent connection
        harness::Dribbler dribbler;  // a dribbling one
    };
    void open(Conn& c) {
        ++m_opened;
        if (!c.dribble) {
            c.fd = harness::connectFrom(c.port, "127.0.0.1");
            return;
        }
        if (auto d = harness::openDribbler(m_ctx, c.port, 1)) c.dribbler = *d;
    }
    static int fdOf(const Conn& c) { return c.dribble ? c.dribbler.fd : c.fd; }
    static void closeConn(Conn& c) {
        harness::closeDribbler(c.dribbler);
        if (c.fd >= 0) close(c.fd);
        c.fd = -1;
    }
    void run() {
        for (int port : m_ports) {
            for (int i = 0; i < m_dribblers; ++i) m_conns.push_back({port, true, -1, {}});
            for (int i = 0; i < m_silent; ++i) m_conns.push_back({port, false, -1, {}});
        }
        for (auto& c : m_conns) open(c);
        while (!m_stop) {
            for (auto& c : m_conns) {
                if (m_stop) break;
                if (fdOf(c) < 0 || harness::closedByPeer(fdOf(c), Clock::now())) {
                    closeConn(c);
                    open(c);
                } else if (c.dribble) {
                    harness::dribble(c.dribbler);
                }
            }
            std::this_thread::sleep_for(500ms);
        }
    }
    std::vector<int> m_ports;
    int m_silent, m_dribblers;
    SSL_CTX* m_ctx = nullptr;
    std::vector<Conn> m_conns;
    std::atomic<bool> m_stop{false};
    std::atomic<long> m_opened{0};
    std::thread m_thread;
};

// A new TLS connection from `from`; the connection timeout covers the TLS
// handshake, which a jammed hub answers late.
std::unique_ptr<httplib::SSLClient> client(int port, const fs::path& ca, const char* from) {
    return harness::tlsClient(port, ca, from, {.connectS = 60, .readS = 60, .writeS = 30});
}

struct Timings {
    std::vector<double> health, login;
    int failed = 0;
    double failedAfterMs = 0;  // the longest wait for a request that got no answer
};

// `n` of each request, each on a new connection from 127.0.0.2.
Timings measure(int devicePort, int staffPort, const fs::path& ca, int n) {
    Timings t;
    for (int i = 0; i < n; ++i) {
        auto d = client(devicePort, ca, "127.0.0.2");
        auto t0 = Clock::now();
        auto r = d->Get("/healthz");
        if (r && r->status == 200) t.health.push_back(msSince(t0));
        else ++t.failed, t.failedAfterMs = std::max(t.failedAfterMs, msSince(t0));
        auto s = client(staffPort, ca, "127.0.0.2");
        t0 = Clock::now();
        auto l = s->Post("/staff/api/login", nlohmann::json{{"username", "bench"}, {"password", kPassword}}.dump(),
                         "application/json");
        if (l && l->status == 200) t.login.push_back(msSince(t0));
        else ++t.failed, t.failedAfterMs = std::max(t.failedAfterMs, msSince(t0));
    }
    return t;
}

std::string failures(const Timings& t) {
    return t.failed == 0 ? "0" : fmt::format("{} (no answer, gave up after ≤ {:.1f} s)", t.failed, t.failedAfterMs / 1000);
}

std::string p50max(const std::vector<double>& v) {
    if (v.empty()) return "—";
    return fmt::format("{:.1f} / {:.1f}", bench::percentile(v, 0.5), bench::percentile(v, 1.0));
}

int usage() {
    fmt::print(stderr, "usage: hub_limits_bench [--slow N] [--dribblers N] [--requests N] [--hub KIOSK_HUB] [--dir PATH]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    int slow = 200, dribblers = 20, requests = 10;
    fs::path dir;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--slow" && i + 1 < argc) slow = std::atoi(argv[++i]);
        else if (a == "--dribblers" && i + 1 < argc) dribblers = std::atoi(argv[++i]);
        else if (a == "--requests" && i + 1 < argc) requests = std::atoi(argv[++i]);
        else if (a == "--hub" && i + 1 < argc) g_hubBin = argv[++i];
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else return usage();
    }
    if (slow < 0 || slow > 5000 || dribblers < 0 || dribblers > 500 || requests < 1 || requests > 1000) {
        fmt::print(stderr, "--slow 0–5000, --dribblers 0–500, --requests 1–1000\n");
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    harness::installStopHandler();
    const bool ownDir = dir.empty();
    dir = ownDir ? harness::freshTempDir("kiosk-hub-limits-bench") : harness::freshDir(dir);

    fmt::print("{}\n", bench::machineLine("hub_limits_bench", KIOSK_BUILD_TYPE));
    fmt::print("kiosk-hub: {}\n", g_hubBin);
    std::string load = harness::slurp("/proc/loadavg");
    fmt::print("load average before the run: {}\n", load.substr(0, load.find(' ')));

    const fs::path hubDir = dir / "hub";
    fs::create_directories(hubDir);
    const int port = harness::freePort(), staffPort = harness::freePort();
    harness::Hub hub(g_hubBin, hubDir, port);
    hub.setServeArgs({"--staff-listen", fmt::format("127.0.0.1:{}", staffPort)});
    if (!hub.start()) {
        fmt::print("kiosk-hub did not start: {}\n", hub.latestLog().substr(0, 400));
        return 1;
    }
    const auto added = harness::run({"/bin/sh", "-c",
                                   fmt::format("printf '%s\\n' '{}' | '{}' --data '{}' staff add --user bench --role admin",
                                               kPassword, g_hubBin, hubDir.string())},
                                  dir / "staff-add");
    if (added.code != 0) {
        fmt::print("kiosk-hub staff add failed: {}\n", added.err);
        return 1;
    }
    const fs::path ca = hubDir / "ca.crt";

    fmt::print("\nanswer time of real requests from 127.0.0.2 (new TLS connection each; ms, p50 / max; {} of each)\n", requests);
    fmt::print("| slow connections from 127.0.0.1 (per listener) | /healthz (device) | staff login | failed |\n");
    fmt::print("|---|---:|---:|---:|\n");
    const Timings quiet = measure(port, staffPort, ca, requests);
    fmt::print("| 0 | {} | {} | {} |\n", p50max(quiet.health), p50max(quiet.login), failures(quiet));
    {
        SlowClients attack({port, staffPort}, slow, dribblers);
        std::this_thread::sleep_for(1s);
        const Timings during = measure(port, staffPort, ca, requests);
        fmt::print("| {} silent + {} dribbling, reopened when closed | {} | {} | {} |\n", slow, dribblers,
                   p50max(during.health), p50max(during.login), failures(during));
        fmt::print("  (the attacker opened {} connections in all during the measurement)\n", attack.opened());
    }

    fmt::print("\nthe hub's memory under the review's large bodies (VmRSS and VmHWM of the kiosk-hub process, MB)\n");
    fmt::print("| body | answer | ms | VmRSS after | VmHWM (peak) so far |\n|---|---|---:|---:|---:|\n");
    fmt::print("| (none: after the requests above) | — | — | {:.1f} | {:.1f} |\n", double(harness::procStatusKb(hub.pid(), "VmRSS")) / 1024,
               double(harness::procStatusKb(hub.pid(), "VmHWM")) / 1024);
    struct Body {
        const char* what;
        int port;
        const char* path;
        std::size_t bytes;
    };
    for (const Body& b : {Body{"16 MiB of [ to POST /staff/api/login", staffPort, "/staff/api/login", std::size_t(16) << 20},
                          // The review's 32 MB (10^6): just under the old hub's 32,768,000-byte payload maximum.
                          Body{"32 MB of [ to POST /v1/enroll, no client certificate", port, "/v1/enroll", std::size_t(32'000'000)}}) {
        auto c = client(b.port, ca, "127.0.0.2");
        const std::string body(b.bytes, '[');
        const auto t0 = Clock::now();
        auto r = c->Post(b.path, body, "application/json");
        const double ms = msSince(t0);
        std::this_thread::sleep_for(500ms);
        std::string answer = r ? fmt::format("{}", r->status) : httplib::to_string(r.error());
        fmt::print("| {} | {} | {:.0f} | {:.1f} | {:.1f} |\n", b.what, answer, ms, double(harness::procStatusKb(hub.pid(), "VmRSS")) / 1024,
                   double(harness::procStatusKb(hub.pid(), "VmHWM")) / 1024);
    }
    hub.stop();
    if (ownDir) fs::remove_all(dir);
    return 0;
}
