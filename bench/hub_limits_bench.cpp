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
#include "hub_process.h"

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
using bench::Clock;
using bench::msSince;

namespace {

constexpr const char* kPassword = "bench password 1";
std::string g_hubBin = KIOSK_HUB_BIN;

int connectFrom(int port, const char* from) {
    const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in src{}, dst{};
    src.sin_family = dst.sin_family = AF_INET;
    inet_pton(AF_INET, from, &src.sin_addr);
    dst.sin_port = htons(std::uint16_t(port));
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
        connect(s, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
        close(s);
        return -1;
    }
    return s;
}

bool closedByPeer(int fd) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) return false;
    char b[256];
    const ssize_t n = recv(fd, b, sizeof b, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

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
        int port = 0, fd = -1;
        SSL* ssl = nullptr;
        bool dribble = false;
    };
    void open(Conn& c) {
        c.fd = connectFrom(c.port, "127.0.0.1");
        ++m_opened;
        if (c.fd < 0 || !c.dribble) return;
        timeval tv{1, 0};
        setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        c.ssl = SSL_new(m_ctx);
        SSL_set_fd(c.ssl, c.fd);
        if (SSL_connect(c.ssl) == 1) {
            const std::string start = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
            SSL_write(c.ssl, start.data(), int(start.size()));
        }
    }
    static void closeConn(Conn& c) {
        if (c.ssl) SSL_free(c.ssl);
        if (c.fd >= 0) close(c.fd);
        c.ssl = nullptr;
        c.fd = -1;
    }
    void run() {
        for (int port : m_ports) {
            for (int i = 0; i < m_dribblers; ++i) m_conns.push_back({port, -1, nullptr, true});
            for (int i = 0; i < m_silent; ++i) m_conns.push_back({port, -1, nullptr, false});
        }
        for (auto& c : m_conns) open(c);
        while (!m_stop) {
            for (auto& c : m_conns) {
                if (m_stop) break;
                if (c.fd < 0 || closedByPeer(c.fd)) {
                    closeConn(c);
                    open(c);
                } else if (c.ssl) {
                    (void)SSL_write(c.ssl, "a", 1);
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

std::unique_ptr<httplib::SSLClient> client(int port, const fs::path& ca, const char* from) {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
    c->set_ca_cert_path(ca.c_str());
    c->enable_server_certificate_verification(true);
    c->set_connection_timeout(60, 0);  // covers the TLS handshake, which a jammed hub answers late
    c->set_read_timeout(60, 0);
    c->set_write_timeout(30, 0);
    c->set_socket_options([from](socket_t s) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        inet_pton(AF_INET, from, &a.sin_addr);
        (void)bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    });
    return c;
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

long statusKb(pid_t pid, const char* field) {
    const std::string status = bench::slurp(fmt::format("/proc/{}/status", pid));
    const auto at = status.find(std::string(field) + ":");
    return at == std::string::npos ? -1 : std::atol(status.c_str() + at + std::strlen(field) + 1);
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
    bench::installStopHandler();
    const bool ownDir = dir.empty();
    if (ownDir) dir = fs::temp_directory_path() / fmt::format("kiosk-hub-limits-bench-{}", getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);

    fmt::print("{}\n", bench::machineLine("hub_limits_bench", KIOSK_BUILD_TYPE));
    fmt::print("kiosk-hub: {}\n", g_hubBin);
    std::string load = bench::slurp("/proc/loadavg");
    fmt::print("load average before the run: {}\n", load.substr(0, load.find(' ')));

    const fs::path hubDir = dir / "hub";
    fs::create_directories(hubDir);
    const int port = bench::freePort(), staffPort = bench::freePort();
    bench::Hub hub(g_hubBin, hubDir, port);
    hub.setServeArgs({"--staff-listen", fmt::format("127.0.0.1:{}", staffPort)});
    if (!hub.start()) {
        fmt::print("kiosk-hub did not start: {}\n", hub.log().substr(0, 400));
        return 1;
    }
    const auto added = bench::run({"/bin/sh", "-c",
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
    fmt::print("| (none: after the requests above) | — | — | {:.1f} | {:.1f} |\n", double(statusKb(hub.pid(), "VmRSS")) / 1024,
               double(statusKb(hub.pid(), "VmHWM")) / 1024);
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
        fmt::print("| {} | {} | {:.0f} | {:.1f} | {:.1f} |\n", b.what, answer, ms, double(statusKb(hub.pid(), "VmRSS")) / 1024,
                   double(statusKb(hub.pid(), "VmHWM")) / 1024);
    }
    hub.stop();
    if (ownDir) fs::remove_all(dir);
    return 0;
}
