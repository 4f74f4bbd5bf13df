// `kiosk-hub serve` (serve_cmd.h): makes the keys on first start, opens the
// store, binds the device, staff and metrics listeners, and runs them until a
// signal — which a thread takes with sigwait, so that stopping is never done
// in a signal handler. Must not exit while a listener thread still runs.
#include "serve_cmd.h"

#include "base/log.h"
#include "crypto/crypto.h"
#include "crypto/x509.h"
#include "hub_cli.h"
#include "hub_config.h"
#include "keys.h"
#include "request_limits.h"
#include "server.h"
#include "staff_server.h"
#include "tls_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

namespace kiosk::hub {
namespace {

namespace fs = std::filesystem;

struct Options {
    std::string listen = "127.0.0.1:8443";
    std::vector<std::string> names;
    int pool = 8;
    std::string staffListen, consoleDir, metricsListen;
    std::string renewOverlap = "10m";
    std::int64_t certDays = 365;
};

int runServe(const Options& o, const std::string& dataDir, const std::string& dbSpec) {
    const auto colon = o.listen.rfind(':');
    if (colon == std::string::npos) return cliFailure({ErrorCode::InvalidArgument, "--listen must be HOST:PORT"});
    ServerOptions opt;
    opt.deviceCertDays = o.certDays;
    opt.renewOverlapS = parseDuration(o.renewOverlap);
    if (opt.renewOverlapS < 0 || opt.renewOverlapS > 3600)
        return cliFailure({ErrorCode::InvalidArgument,
                           fmt::format("--renew-overlap {}: use 0s to 1h, as in 90s, 10m or 1h", o.renewOverlap)});
    opt.dataDir = dataDir;
    opt.host = o.listen.substr(0, colon);
    opt.port = std::atoi(o.listen.c_str() + colon + 1);
    std::vector<std::string> hosts{opt.host, "127.0.0.1", "localhost"};
    hosts.insert(hosts.end(), o.names.begin(), o.names.end());
    bool created = false;
    auto keys = loadOrCreateKeys(dataDir, hosts, unixNow(), &created);
    if (!keys) return cliFailure(keys.error());
    if (created) log::channel("hub")->info("made the CA, server certificate and content-signing key in {}", dataDir);
    if (auto cert = crypto::inspectCert(keys->serverCert); cert && cert->validity.notAfter < unixNow())
        log::channel("hub")->error("the server certificate in {} expired; kiosks will refuse this hub", dataDir);
    auto config = loadHubConfig(dataDir);
    if (!config) return cliFailure(config.error());
    opt.config = *config;
    auto st = openStore(dataDir, dbSpec, o.pool);
    if (!st) return cliFailure(st.error());
    keepLargeBuffersOutOfTheHeap();  // one large request body must not keep the hub large
    // Each open connection is a descriptor: allow as many as the system
    // lets this process have, and say so when that is below the caps.
    if (rlimit rl{}; getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
        const auto needed = rlim_t(2 * opt.config.connections.maxConnections + 256);
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < needed)
            log::channel("hub")->warn("only {} open files allowed, fewer than connections_max ({}) on two listeners "
                                      "needs; raise LimitNOFILE or lower connections_max in hub.toml [limits]",
                                      rl.rlim_cur, opt.config.connections.maxConnections);
    }
    // Signals are taken by a thread, so stopping is not done in a handler.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    HubServer server(opt, *st->store, *keys, unixNow);
    auto port = server.bind();
    if (!port) return cliFailure(port.error());
    std::unique_ptr<StaffServer> staff;
    if (!o.staffListen.empty()) {
        const auto c = o.staffListen.rfind(':');
        if (c == std::string::npos) return cliFailure({ErrorCode::InvalidArgument, "--staff-listen must be HOST:PORT"});
        StaffServerOptions so;
        so.host = o.staffListen.substr(0, c);
        so.port = std::atoi(o.staffListen.c_str() + c + 1);
        so.config = opt.config;
        so.hubUrl = fmt::format("https://{}:{}", opt.host, *port);
        so.consoleDir = o.consoleDir;
        so.dataDir = dataDir;
        if (so.consoleDir.empty()) {
            std::error_code ec;
            const fs::path installed = fs::read_symlink("/proc/self/exe", ec).parent_path() / "../share/kiosk-hub/console";
            for (const fs::path& dir : {installed, fs::path(KIOSK_HUB_CONSOLE_BUILD_DIR)})
                if (fs::exists(dir / "index.html")) {
                    so.consoleDir = fs::weakly_canonical(dir).string();
                    break;
                }
            if (so.consoleDir.empty())
                log::channel("hub")->warn("no built staff console in {} or {}: serving its API only", installed.string(),
                                          KIOSK_HUB_CONSOLE_BUILD_DIR);
        } else if (!fs::exists(fs::path(so.consoleDir) / "index.html")) {
            return cliFailure({ErrorCode::InvalidArgument,
                               fmt::format("--console {}: no index.html there (build it: cmake --build …)", so.consoleDir)});
        }
        staff = std::make_unique<StaffServer>(so, *st->store, *keys, unixNow);
        auto sp = staff->bind();
        if (!sp) return cliFailure(sp.error());
        const std::string staffUrl = fmt::format("https://{}:{}/staff/", so.host, *sp);
        if (auto w = crypto::writeFileAtomic(fs::path(dataDir) / "staff.url", staffUrl + "\n", 0644); !w)
            return cliFailure(w.error());
        log::channel("hub")->info("staff console on {}", staffUrl);
    }
    // Monitoring's own listener: the counters only, nothing else answered.
    std::unique_ptr<httplib::Server> metrics;
    if (!o.metricsListen.empty()) {
        const auto c = o.metricsListen.rfind(':');
        if (c == std::string::npos) return cliFailure({ErrorCode::InvalidArgument, "--metrics-listen must be HOST:PORT"});
        metrics = std::make_unique<httplib::Server>();
        metrics->Get("/metrics", [&server](const httplib::Request&, httplib::Response& res) {
            res.set_content(server.metricsText(), "text/plain; version=0.0.4");
        });
        metrics->set_read_timeout(5, 0);
        metrics->set_write_timeout(5, 0);
        auto mp = bindTo(*metrics, o.metricsListen.substr(0, c), std::atoi(o.metricsListen.c_str() + c + 1),
                         "the metrics address is in use or wrong");
        if (!mp) return cliFailure(mp.error());
        if (auto w = crypto::writeFileAtomic(fs::path(dataDir) / "metrics.url",
                                             fmt::format("http://{}:{}/metrics\n", o.metricsListen.substr(0, c), *mp), 0644);
            !w)
            return cliFailure(w.error());
        log::channel("hub")->info("metrics on http://{}:{}/metrics", o.metricsListen.substr(0, c), *mp);
    }
    const std::string hubUrl = fmt::format("https://{}:{}", opt.host, *port);
    if (auto w = crypto::writeFileAtomic(fs::path(dataDir) / "hub.url", hubUrl + "\n", 0644); !w) return cliFailure(w.error());
    log::channel("hub")->info("kiosk-hub serving {} with {} ({})", hubUrl, st->db->describe(), st->db->dialect());
    std::thread signals([&] {
        int sig = 0;
        sigwait(&set, &sig);
        log::channel("hub")->info("signal {}: stopping", sig);
        server.stop();
        if (staff) staff->stop();
        if (metrics) metrics->stop();
    });
    std::thread staffThread;
    if (staff) staffThread = std::thread([&] { staff->run(); });
    std::thread metricsThread;
    if (metrics) metricsThread = std::thread([&] { metrics->listen_after_bind(); });
    server.run();
    if (staff) staff->stop();
    if (staffThread.joinable()) staffThread.join();
    if (metrics) metrics->stop();
    if (metricsThread.joinable()) metricsThread.join();
    pthread_kill(signals.native_handle(), SIGTERM);  // wake the waiter if run() ended first
    signals.join();
    return 0;
}

}  // namespace

std::function<int()> addServeCommand(CLI::App& app, const std::string& dataDir, const std::string& dbSpec) {
    auto o = std::make_shared<Options>();
    auto* serve = app.add_subcommand("serve", "Serve kiosks over HTTPS (mutual TLS for devices)");
    serve->add_option("--listen", o->listen, "HOST:PORT to listen on; port 0 picks a free one (written to DATA/hub.url)")
        ->capture_default_str();
    serve->add_option("--name", o->names, "Extra DNS names or IPs for a new server certificate (repeatable)");
    serve->add_option("--pool", o->pool, "Database connections")->capture_default_str();
    serve->add_option("--staff-listen", o->staffListen,
                      "HOST:PORT for the staff console (its own listener, no device certificates; port 0 picks a "
                      "free one, written to DATA/staff.url); none when not given");
    serve->add_option("--console", o->consoleDir,
                      "Folder of the built staff console (index.html, assets/); default: the installed one, else this "
                      "build's");
    serve->add_option("--metrics-listen", o->metricsListen,
                      "HOST:PORT of a plain-HTTP listener serving only GET /metrics (Prometheus) for monitoring; keep "
                      "it on loopback or a management network. The device listener's /metrics needs a device "
                      "certificate");
    serve->add_option("--renew-overlap", o->renewOverlap,
                      "How long a device certificate stays accepted after the kiosk renewed it (requests in flight "
                      "during the swap): 0s to 1h")
        ->capture_default_str();
    serve->add_option("--device-cert-days", o->certDays, "Lifetime of device certificates it issues (kiosks renew 30 days before)")
        ->capture_default_str()
        ->check(CLI::Range(1, 3650));

    return [o, &dataDir, &dbSpec]() -> int { return runServe(*o, dataDir, dbSpec); };
}

}  // namespace kiosk::hub
