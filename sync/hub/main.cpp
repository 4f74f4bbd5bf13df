// kiosk-hub: the central server kiosks sync with, and the command line that
// central staff and technicians use on it.
//
//   kiosk-hub serve --data DIR [--listen HOST:PORT] [--db SPEC]
//   kiosk-hub provision-file --data DIR --site NAME --out FILE [--ttl 24h] [--url URL]
//   kiosk-hub device revoke ID --data DIR
//   kiosk-hub devices --data DIR [--json]
//   kiosk-hub content publish DB [--ttl 30d]
//   kiosk-hub cases list [--status S] [--json] | show NUMBER [--json] [--actor A] (audited)
//                   | update-status NUMBER STATUS [--note N]
//                   [--department D] [--reason R] [--merge-into NUMBER]
//   kiosk-hub ratings …  (ratings_cmd.h)
//   kiosk-hub serve … --staff-listen HOST:PORT    the web console's listener (staff_server.h)
//   kiosk-hub serve … --metrics-listen HOST:PORT  plain-HTTP GET /metrics for monitoring only
//   kiosk-hub staff add|list|sites|audit          (staff_cmd.h)
//   kiosk-hub os-update publish FILE --version V | list [--json] | withdraw  (os_update_cmd.h)
//
// Exit codes: 0 ok, 1 failure, 2 bad usage or input.
#include "base/log.h"
#include "crypto/crypto.h"
#include "crypto/x509.h"
#include "bundle/manifest.h"
#include "hubdb/case_queries.h"
#include "hubdb/content_repo.h"
#include "sqlite/sqlite.h"
#include "hubdb/store.h"
#include "case_desk.h"
#include "fleet.h"
#include "hubdb/staff_repo.h"
#include "lifecycle.h"
#include "hub_cli.h"
#include "keys.h"
#include "protocol/protocol.h"
#include "os_update_cmd.h"
#include "request_limits.h"
#include "ratings_cmd.h"
#include "server.h"
#include "staff_cmd.h"
#include "staff_server.h"
#include "tls_server.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include <sys/resource.h>

#include <csignal>
#include <chrono>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;
using namespace kiosk;

namespace {

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "24h", "30m", "7d", "90s", "0s" → seconds; -1 when malformed. Callers
// that need a positive duration refuse 0 themselves.
std::int64_t parseDuration(const std::string& s) {
    if (s.size() < 2) return -1;
    char* end = nullptr;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (n < 0 || end == s.c_str() || end != s.c_str() + s.size() - 1) return -1;
    switch (s.back()) {
        case 's': return n;
        case 'm': return n * 60;
        case 'h': return n * 3600;
        case 'd': return n * 86'400;
        default: return -1;
    }
}

struct Opened {
    std::unique_ptr<hubdb::Database> db;
    std::unique_ptr<hubdb::HubStore> store;
};

// The database every subcommand opens (hub_cli.h), with a store over it.
Result<Opened> openStore(const std::string& dataDir, const std::string& dbSpec, int pool) {
    auto db = hub::openHubDatabase(dataDir, dbSpec, pool);
    if (!db) return std::unexpected(db.error());
    Opened o{std::move(*db), nullptr};
    o.store = std::make_unique<hubdb::HubStore>(*o.db);
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    log::init();
    CLI::App cli{"kiosk-hub: the central server kiosks sync with"};
    cli.require_subcommand(1);
    std::string dataDir = "/var/lib/kiosk-hub";
    std::string dbSpec;
    cli.add_option("--data", dataDir, "Data folder: keys, certificates and (by default) the SQLite database")
        ->capture_default_str();
    cli.add_option("--db", dbSpec,
                   "Database: a SQLite file (default DATA/hub.db) or postgresql://user@host:port/dbname");

    auto* serve = cli.add_subcommand("serve", "Serve kiosks over HTTPS (mutual TLS for devices)");
    std::string listen = "127.0.0.1:8443";
    std::vector<std::string> names;
    int pool = 8;
    serve->add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free one (written to DATA/hub.url)")
        ->capture_default_str();
    serve->add_option("--name", names, "Extra DNS names or IPs for a new server certificate (repeatable)");
    serve->add_option("--pool", pool, "Database connections")->capture_default_str();
    std::string staffListen;
    serve->add_option("--staff-listen", staffListen,
                      "HOST:PORT for the staff console (its own listener, no device certificates; port 0 picks a "
                      "free one, written to DATA/staff.url); none when not given");
    std::string consoleDir;
    serve->add_option("--console", consoleDir,
                      "Folder of the built staff console (index.html, assets/); default: the installed one, else this "
                      "build's");
    std::string metricsListen;
    serve->add_option("--metrics-listen", metricsListen,
                      "HOST:PORT of a plain-HTTP listener serving only GET /metrics (Prometheus) for monitoring; keep "
                      "it on loopback or a management network. The device listener's /metrics needs a device "
                      "certificate");
    std::string renewOverlap = "10m";
    serve->add_option("--renew-overlap", renewOverlap,
                      "How long a device certificate stays accepted after the kiosk renewed it (requests in flight "
                      "during the swap): 0s to 1h")
        ->capture_default_str();
    std::int64_t certDays = 365;
    serve->add_option("--device-cert-days", certDays, "Lifetime of device certificates it issues (kiosks renew 30 days before)")
        ->capture_default_str()
        ->check(CLI::Range(1, 3650));

    auto* prov = cli.add_subcommand("provision-file", "Write what a technician carries to a new terminal");
    std::string site, out, ttl = "24h", url;
    prov->add_option("--site", site, "Site name the terminal serves (e.g. 青浦区行政服务中心)")->required();
    prov->add_option("--out", out, "File to write (keep it private: it holds a one-time token)")->required();
    prov->add_option("--ttl", ttl, "How long the enrollment token stays valid: 90s, 30m, 24h, 7d")->capture_default_str();
    prov->add_option("--url", url, "Hub URL kiosks reach (default: the URL in DATA/hub.url written by serve)");

    auto* device = cli.add_subcommand("device", "Manage one device");
    device->require_subcommand(1);
    auto* revoke = device->add_subcommand("revoke", "Refuse this device from its next request on");
    std::string deviceId;
    revoke->add_option("ID", deviceId, "Device ID, e.g. KS0001")->required();

    auto* devices = cli.add_subcommand("devices", "List the fleet: site, last seen, certificate expiry, OS version and "
                                                  "update state, revoked");
    bool json = false;
    devices->add_flag("--json", json, "One JSON object per device, one per line");

    auto* cases = cli.add_subcommand("cases", "Cases kiosks sent in, for the staff who handle them");
    cases->require_subcommand(1);
    auto* casesList = cases->add_subcommand("list", "Cases with their current status, oldest first");
    std::string statusFilter;
    int limit = 1000;
    casesList->add_option("--status", statusFilter, "Only cases in this status (received, accepted, …)");
    casesList->add_option("--limit", limit, "At most this many")->capture_default_str();
    casesList->add_flag("--json", json, "One JSON object per case, one per line");
    auto* casesShow = cases->add_subcommand("show", "One case: fields, contact details and status history");
    std::string number;
    casesShow->add_option("NUMBER", number, "Case number from the receipt")->required();
    casesShow->add_flag("--json", json, "Print JSON");
    auto* casesUpdate = cases->add_subcommand("update-status", "Move a case along its life cycle (sent down to the kiosk)");
    std::string newStatus, note, actor = "staff";
    casesShow->add_option("--actor", actor, "Who looks (written to the audit log with the case number)")
        ->capture_default_str();
    casesUpdate->add_option("NUMBER", number, "Case number")->required();
    casesUpdate->add_option("STATUS", newStatus,
                            "accepted, dispatched, handling, replied, closed, revisited, rated, returned, extended, merged")
        ->required();
    casesUpdate->add_option("--note", note, "Internal note (stays at the hub; never sent to kiosks)");
    casesUpdate->add_option("--actor", actor, "Who made the change")->capture_default_str();
    hub::CaseStep step;
    casesUpdate->add_option("--department", step.department, "派单 (dispatched) and 改派 (returned): the department");
    casesUpdate->add_option("--reason", step.reason, "延期 (extended) and 退单 (returned): why");
    casesUpdate->add_option("--merge-into", step.mergeInto, "并单 (merged): the case number it duplicates");

    auto* content = cli.add_subcommand("content", "Publish content databases to the fleet as signed bundles");
    content->require_subcommand(1);
    auto* publish = content->add_subcommand(
        "publish", "Sign DB (made by kioskctl content import) as the next version; kiosks install it on their next sync");
    std::string contentDb, contentTtl = "30d";
    publish->add_option("DB", contentDb, "Content database file")->required()->check(CLI::ExistingFile);
    publish->add_option("--ttl", contentTtl,
                        "How long kiosks accept this version before it counts as frozen (publish again before): 7d, 30d")
        ->capture_default_str();

    auto runRatings = hub::addRatingsCommands(cli, dataDir, dbSpec);
    auto runOsUpdate = hub::addOsUpdateCommands(cli, dataDir, dbSpec);
    auto runStaff = hub::addStaffCommands(cli, dataDir, dbSpec);

    CLI11_PARSE(cli, argc, argv);
    if (cli.got_subcommand("ratings")) return runRatings();
    if (cli.got_subcommand("os-update")) return runOsUpdate();
    if (cli.got_subcommand("staff")) return runStaff();

    if (publish->parsed()) {
        const std::int64_t ttlS = parseDuration(contentTtl);
        if (ttlS <= 0) return hub::cliFailure({ErrorCode::InvalidArgument, fmt::format("--ttl {}: use 7d or 30d", contentTtl)});
        auto keys = hub::loadOrCreateKeys(dataDir, {"127.0.0.1", "localhost"}, unixNow());
        if (!keys) return hub::cliFailure(keys.error());
        auto st = openStore(dataDir, dbSpec, 1);
        if (!st) return hub::cliFailure(st.error());
        auto published = hub::publishContent(*st->db, *keys, contentDb, ttlS, unixNow());
        if (!published) return hub::cliFailure(published.error());
        fmt::print("published content version {} ({} bytes, sha256 {}, expires {})\n", published->version, published->size,
                   published->sha256, published->expires);
        return 0;
    }

    if (casesList->parsed() || casesShow->parsed() || casesUpdate->parsed()) {
        auto st = openStore(dataDir, dbSpec, 1);
        if (!st) return hub::cliFailure(st.error());
        if (casesList->parsed()) {
            auto config = hub::loadHubConfig(dataDir);
            if (!config) return hub::cliFailure(config.error());
            auto list = hubdb::listCases(*st->db, statusFilter, limit);
            if (!list) return hub::cliFailure(list.error());
            const std::int64_t now = unixNow();
            auto day = [](std::int64_t t) {
                std::tm tm{};
                const std::time_t tt = std::time_t(t);
                gmtime_r(&tt, &tm);
                return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
            };
            for (const auto& c : *list) {
                const nlohmann::json j = hub::caseSummaryJson(c, *config, now);
                if (json)
                    fmt::print("{}\n", j.dump());
                else
                    hub::printLine(fmt::format("{}  {}  {} ({})  {}  due {}{}", c.number, c.deviceId, c.status,
                                               hub::statusLabel(c.status), c.pub.kind,
                                               j["due_at"].get<std::int64_t>() > 0 ? day(j["due_at"].get<std::int64_t>()) : "-",
                                               j["overdue"].get<bool>() ? "  OVERDUE" : ""));
            }
            return 0;
        }
        if (casesShow->parsed()) {
            auto d = hubdb::showCase(*st->db, number);
            if (!d) return hub::cliFailure(d.error());
            if (!*d) return hub::cliFailure({ErrorCode::NotFound, fmt::format("no case {} has reached the hub", number)});
            auto config = hub::loadHubConfig(dataDir);
            if (!config) return hub::cliFailure(config.error());
            // The visitor's details in full, as the console shows them to
            // handlers: the look is in the audit log there too.
            if (auto a = hubdb::addAudit(*st->db, unixNow(), actor, "case.view_personal", number, "kiosk-hub cases show"); !a)
                return hub::cliFailure(a.error());
            const nlohmann::json shown = hub::caseDetailJson(**d, *config, unixNow(), true);
            fmt::print("{}\n", shown.dump(json ? -1 : 2));
            return 0;
        }
        step.status = newStatus;
        step.note = note;
        auto stepNote = hub::caseStepNote(*st->db, number, step);
        if (!stepNote) return hub::cliFailure(stepNote.error());
        auto change = hub::changeCaseStatus(*st->store, number, newStatus, *stepNote, actor, unixNow());
        if (!change) return hub::cliFailure(change.error());
        if (auto a = hubdb::addAudit(*st->db, unixNow(), actor, "case.status", number,
                                     fmt::format("{} → {}", change->from, change->to));
            !a)
            return hub::cliFailure(a.error());
        const std::string from = change->from;
        fmt::print("case {}: {} → {} ({})\n", number, from, newStatus, hub::statusLabel(newStatus));
        return 0;
    }

    if (serve->parsed()) {
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos) return hub::cliFailure({ErrorCode::InvalidArgument, "--listen must be HOST:PORT"});
        hub::ServerOptions opt;
        opt.deviceCertDays = certDays;
        opt.renewOverlapS = parseDuration(renewOverlap);
        if (opt.renewOverlapS < 0 || opt.renewOverlapS > 3600)
            return hub::cliFailure({ErrorCode::InvalidArgument,
                                    fmt::format("--renew-overlap {}: use 0s to 1h, as in 90s, 10m or 1h", renewOverlap)});
        opt.dataDir = dataDir;
        opt.host = listen.substr(0, colon);
        opt.port = std::atoi(listen.c_str() + colon + 1);
        std::vector<std::string> hosts{opt.host, "127.0.0.1", "localhost"};
        hosts.insert(hosts.end(), names.begin(), names.end());
        bool created = false;
        auto keys = hub::loadOrCreateKeys(dataDir, hosts, unixNow(), &created);
        if (!keys) return hub::cliFailure(keys.error());
        if (created) log::channel("hub")->info("made the CA, server certificate and content-signing key in {}", dataDir);
        if (auto cert = crypto::inspectCert(keys->serverCert); cert && cert->validity.notAfter < unixNow())
            log::channel("hub")->error("the server certificate in {} expired; kiosks will refuse this hub", dataDir);
        auto config = hub::loadHubConfig(dataDir);
        if (!config) return hub::cliFailure(config.error());
        opt.config = *config;
        auto st = openStore(dataDir, dbSpec, pool);
        if (!st) return hub::cliFailure(st.error());
        hub::keepLargeBuffersOutOfTheHeap();  // one large request body must not keep the hub large
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
        hub::HubServer server(opt, *st->store, *keys, unixNow);
        auto port = server.bind();
        if (!port) return hub::cliFailure(port.error());
        std::unique_ptr<hub::StaffServer> staff;
        if (!staffListen.empty()) {
            const auto c = staffListen.rfind(':');
            if (c == std::string::npos)
                return hub::cliFailure({ErrorCode::InvalidArgument, "--staff-listen must be HOST:PORT"});
            hub::StaffServerOptions so;
            so.host = staffListen.substr(0, c);
            so.port = std::atoi(staffListen.c_str() + c + 1);
            so.config = opt.config;
            so.hubUrl = fmt::format("https://{}:{}", opt.host, *port);
            so.consoleDir = consoleDir;
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
                return hub::cliFailure({ErrorCode::InvalidArgument,
                                        fmt::format("--console {}: no index.html there (build it: cmake --build …)", so.consoleDir)});
            }
            staff = std::make_unique<hub::StaffServer>(so, *st->store, *keys, unixNow);
            auto sp = staff->bind();
            if (!sp) return hub::cliFailure(sp.error());
            const std::string staffUrl = fmt::format("https://{}:{}/staff/", so.host, *sp);
            if (auto w = crypto::writeFileAtomic(fs::path(dataDir) / "staff.url", staffUrl + "\n", 0644); !w)
                return hub::cliFailure(w.error());
            log::channel("hub")->info("staff console on {}", staffUrl);
        }
        // Monitoring's own listener: the counters only, nothing else answered.
        std::unique_ptr<httplib::Server> metrics;
        if (!metricsListen.empty()) {
            const auto c = metricsListen.rfind(':');
            if (c == std::string::npos)
                return hub::cliFailure({ErrorCode::InvalidArgument, "--metrics-listen must be HOST:PORT"});
            metrics = std::make_unique<httplib::Server>();
            metrics->Get("/metrics", [&server](const httplib::Request&, httplib::Response& res) {
                res.set_content(server.metricsText(), "text/plain; version=0.0.4");
            });
            metrics->set_read_timeout(5, 0);
            metrics->set_write_timeout(5, 0);
            auto mp = hub::bindTo(*metrics, metricsListen.substr(0, c), std::atoi(metricsListen.c_str() + c + 1),
                                  "the metrics address is in use or wrong");
            if (!mp) return hub::cliFailure(mp.error());
            if (auto w = crypto::writeFileAtomic(fs::path(dataDir) / "metrics.url",
                                                 fmt::format("http://{}:{}/metrics\n", metricsListen.substr(0, c), *mp), 0644);
                !w)
                return hub::cliFailure(w.error());
            log::channel("hub")->info("metrics on http://{}:{}/metrics", metricsListen.substr(0, c), *mp);
        }
        const std::string hubUrl = fmt::format("https://{}:{}", opt.host, *port);
        if (auto w = crypto::writeFileAtomic(fs::path(dataDir) / "hub.url", hubUrl + "\n", 0644); !w) return hub::cliFailure(w.error());
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
    if (prov->parsed()) {
        const std::int64_t ttlS = parseDuration(ttl);
        if (ttlS <= 0) return hub::cliFailure({ErrorCode::InvalidArgument, fmt::format("--ttl {}: use 90s, 30m, 24h or 7d", ttl)});
        if (url.empty()) {
            auto saved = crypto::readFile(fs::path(dataDir) / "hub.url");
            if (!saved)
                return hub::cliFailure({ErrorCode::InvalidArgument,
                                 "no --url given and no DATA/hub.url yet: start kiosk-hub serve once or pass --url"});
            url = saved->substr(0, saved->find_first_of("\r\n"));
        }
        auto keys = hub::loadOrCreateKeys(dataDir, {"127.0.0.1", "localhost"}, unixNow());
        if (!keys) return hub::cliFailure(keys.error());
        auto st = openStore(dataDir, dbSpec, 1);
        if (!st) return hub::cliFailure(st.error());
        auto p = hub::makeProvisionFile(*st->store, *keys, site, url, ttlS, unixNow());
        if (!p) return hub::cliFailure(p.error());
        if (auto w = crypto::writeFileAtomic(out, protocol::toJson(*p).dump(2) + "\n", 0600); !w) return hub::cliFailure(w.error());
        fmt::print("wrote {} for site {} (token valid for {}, until {})\n", out, site, ttl, p->expiresAt);
        return 0;
    }
    if (revoke->parsed()) {
        auto st = openStore(dataDir, dbSpec, 1);
        if (!st) return hub::cliFailure(st.error());
        auto r = st->store->revoke(deviceId, unixNow());
        if (!r) return hub::cliFailure(r.error());
        if (!*r) {
            auto d = st->store->device(deviceId);
            if (d && !d->has_value()) return hub::cliFailure({ErrorCode::NotFound, fmt::format("no device {}", deviceId)});
            fmt::print("device {} was already revoked\n", deviceId);
            return 0;
        }
        fmt::print("device {} revoked: refused from its next request\n", deviceId);
        return 0;
    }
    if (devices->parsed()) {
        auto st = openStore(dataDir, dbSpec, 1);
        if (!st) return hub::cliFailure(st.error());
        auto list = st->store->devices();
        if (!list) return hub::cliFailure(list.error());
        const std::int64_t now = unixNow();
        for (const auto& d : *list) {
            const nlohmann::json j = hub::deviceJson(d, now);
            const bool growing = j["outbox_growing"].get<bool>();
            const nlohmann::json& lastMaint = j["last_maintenance"];
            const protocol::OsReport os = protocol::osReportFrom(d.heartbeat);
            const auto& ob = d.heartbeat.value("outbox", nlohmann::json::object());
            if (json) {
                fmt::print("{}\n", j.dump());
            } else {
                std::string maint;
                if (lastMaint.is_object() && lastMaint.value("action", nlohmann::json()).is_string()) {
                    const std::string detail = lastMaint.value("detail", nlohmann::json()).is_string()
                                                   ? lastMaint["detail"].get<std::string>()
                                                   : std::string();
                    const auto at = lastMaint.value("at", nlohmann::json());
                    maint = fmt::format("  last maintenance {}{}{}", lastMaint["action"].get<std::string>(),
                                        detail.empty() ? "" : " (" + detail + ")",
                                        at.is_number_integer() ? " at " + bundle::formatIsoUtc(at.get<std::int64_t>() / 1000) : "");
                }
                std::string osText;
                if (!os.version.empty()) osText = "  OS " + os.version;
                if (os.update && os.update->state != "none")
                    osText += fmt::format("  update {}{}{}", os.update->state,
                                          os.update->version.empty() ? "" : " " + os.update->version,
                                          os.update->error.empty() ? "" : " (" + os.update->error + ")");
                hub::printLine(fmt::format("{}  {}  last seen {}  certificate until {}  pending {}{}{}{}{}{}", d.id, d.site,
                                           d.lastSeen ? std::to_string(*d.lastSeen) : "never", d.certNotAfter,
                                           ob.value("pending", 0), osText, j["stale"].get<bool>() ? "  STALE" : "",
                                           growing ? "  OUTBOX GROWING" : "", d.revokedAt ? "  REVOKED" : "", maint));
            }
        }
        return 0;
    }
    return 2;
}
