// A real kiosk-hub process and a private PostgreSQL server (hub.h).
#include "harness/hub.h"

#include "hubdb/sql.h"
#include "hubdb/store.h"

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <thread>

namespace harness {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// [SECTION] The hub

Hub::Hub(std::string bin, fs::path dir, int port, std::vector<std::string> serveArgs, std::string dbSpec)
    : m_bin(std::move(bin)), m_dir(std::move(dir)), m_port(port), m_serveArgs(std::move(serveArgs)),
      m_dbSpec(std::move(dbSpec)) {}

Hub::~Hub() { stop(m_endSignal); }

bool Hub::start() {
    stop();
    std::vector<std::string> args{m_bin, "--data", m_dir.string()};
    if (!m_dbSpec.empty()) args.insert(args.end(), {"--db", m_dbSpec});
    args.insert(args.end(), {"serve", "--listen", fmt::format("127.0.0.1:{}", m_port)});
    args.insert(args.end(), m_serveArgs.begin(), m_serveArgs.end());
    std::error_code ec;
    const auto size = fs::file_size(errPath(), ec);
    m_logFrom = ec ? 0 : size;
    m_pid = spawn(args, Output{m_dir.string() + ".out", errPath(), true, true});
    if (m_pid <= 0) return m_pid = -1, false;
    for (int i = 0; i < 400; ++i) {  // ≤ 10 s
        if (portOpen(m_port)) return true;
        if (ended(m_pid)) {
            m_pid = -1;
            return false;
        }
        std::this_thread::sleep_for(25ms);
    }
    stop();
    return false;
}

void Hub::stop(int sig) {
    if (m_pid <= 0) return;
    kill(m_pid, sig);
    (void)reap(m_pid, 10s);
    m_pid = -1;
}

std::string Hub::log() const { return slurp(errPath()); }

std::string Hub::latestLog() const {
    const std::string all = log();
    return m_logFrom < all.size() ? all.substr(m_logFrom) : all;
}

std::string Hub::cli(const std::vector<std::string>& args, int* code) const {
    std::vector<std::string> all{m_bin, "--data", m_dir.string()};
    if (!m_dbSpec.empty()) all.insert(all.end(), {"--db", m_dbSpec});
    all.insert(all.end(), args.begin(), args.end());
    const Ran r = run(all, m_dir.parent_path() / "hub-cli", 60s, false, true);
    if (code) *code = r.code;
    return r.out + r.err;
}

long Hub::records() const {
    auto db = kiosk::hubdb::openDatabase(m_dbSpec.empty() ? (m_dir / "hub.db").string() : m_dbSpec, 1);
    if (!db) return -1;
    kiosk::hubdb::HubStore store(**db);
    return store.recordCount().value_or(-1);
}

double Hub::cpuSeconds() const {
    if (m_pid <= 0) return -1;
    const std::string stat = slurp(fmt::format("/proc/{}/stat", m_pid));
    const auto paren = stat.rfind(')');  // the command name may hold spaces
    if (paren == std::string::npos) return -1;
    std::istringstream fields(stat.substr(paren + 1));
    std::string skip;
    for (int field = 3; field <= 13; ++field) fields >> skip;  // state … cmajflt
    unsigned long long utime = 0, stime = 0;                 // fields 14 and 15, clock ticks
    if (!(fields >> utime >> stime)) return -1;
    const long ticks = sysconf(_SC_CLK_TCK);
    return ticks > 0 ? double(utime + stime) / double(ticks) : -1;
}

// [SECTION] A private PostgreSQL server

namespace {

void removeLogs(const std::string& base) {
    std::error_code ec;
    fs::remove(base + ".out", ec);
    fs::remove(base + ".err", ec);
}

}  // namespace

PgServer::PgServer(fs::path script, fs::path dir) : m_script(std::move(script)), m_dir(std::move(dir)) {}

PgServer::~PgServer() { stop(); }

std::expected<std::string, std::string> PgServer::start() {
    const std::string script = m_script.string(), dir = m_dir.string();
    if (script.size() >= 4096 || dir.size() >= 4096)
        return std::unexpected(std::string("the path of pg-test-server.sh or of its folder is too long"));
    stop();
    rememberPostgres(script, dir);  // from here on a stop is owed, even if start fails half-way
    m_started = true;
    const Ran r = run({"/bin/bash", script, "start", dir}, dir + "-start", 120s);
    removeLogs(dir + "-start");
    if (r.code != 0) {
        std::string why = r.err.empty() ? fmt::format("pg-test-server.sh exited with {}", r.code) : r.err;
        while (!why.empty() && why.back() == '\n') why.pop_back();
        return std::unexpected(why.substr(why.rfind('\n') + 1));
    }
    std::string url = slurp(m_dir / "url");
    url = url.substr(0, url.find('\n'));
    if (url.empty()) return std::unexpected(std::string("pg-test-server.sh wrote no URL (KIOSK_NO_POSTGRES=1?)"));
    return url;
}

void PgServer::stop() {
    if (!m_started) return;
    const std::string dir = m_dir.string();
    (void)run({"/bin/bash", m_script.string(), "stop", dir}, dir + "-stop", 60s);
    removeLogs(dir + "-stop");
    forgetPostgres();
    m_started = false;
}

kiosk::Result<std::string> createDatabase(const std::string& adminUrl, const std::string& name) {
    auto admin = kiosk::hubdb::openDatabase(adminUrl, 1);
    if (!admin) return std::unexpected(admin.error());
    auto r = (*admin)->with([&](kiosk::hubdb::Connection& c) -> kiosk::Result<void> {
        for (const auto& sql :
             {fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name), fmt::format("CREATE DATABASE {}", name)})
            if (auto q = c.query(sql); !q) return std::unexpected(q.error());
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return adminUrl.substr(0, adminUrl.rfind('/') + 1) + name;
}

}  // namespace harness
