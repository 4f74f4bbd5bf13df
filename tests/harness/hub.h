// A real kiosk-hub process for the end-to-end tests and the benchmarks: `serve`
// on a loopback port with the certificates it makes for itself in its data
// folder (the tests' and benchmarks' test CA), its command line run against
// the same folder and database, and a private PostgreSQL server from
// scripts/pg-test-server.sh for the benchmarks. Never waits without a bound;
// no GoogleTest here.
//
// [SECTION] The hub
// [SECTION] A private PostgreSQL server
#pragma once

#include "base/error.h"
#include "harness/process.h"

#include <csignal>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace harness {

// [SECTION] The hub

// A `kiosk-hub --data DIR [--db SPEC] serve --listen 127.0.0.1:PORT [SERVE ARGS]`,
// started and stopped as often as the caller needs (a restart is an outage;
// the port stays the same so enrolled kiosks find it again). Its output goes
// to DIR.out and DIR.err beside the data folder, appended to at every start
// (log() reads it all, latestLog() since the latest start). Stopped and
// reaped by the destructor with endSignal() (SIGTERM unless set).
class Hub {
public:
    // `bin`: the kiosk-hub binary; `serveArgs`: added after `serve --listen …`
    // (e.g. --staff-listen HOST:PORT); `dbSpec`: its --db ("" = SQLite in DIR/hub.db).
    Hub(std::string bin, std::filesystem::path dir, int port, std::vector<std::string> serveArgs = {},
        std::string dbSpec = {});
    ~Hub();
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    // Replaces the arguments added after `serve --listen …` at the next start.
    void setServeArgs(std::vector<std::string> args) { m_serveArgs = std::move(args); }
    // The signal the destructor stops it with: SIGTERM (shut down cleanly,
    // e.g. before its PostgreSQL server is stopped) or SIGKILL (quick).
    void setEndSignal(int sig) { m_endSignal = sig; }

    // Starts it (stopping one this object still runs) and waits ≤ 10 s for
    // its port to accept connections. False when it exited or did not listen
    // in time (it is stopped then); log() says why.
    [[nodiscard]] bool start();

    // Sends `sig` and waits ≤ 10 s for it to end (SIGKILL after that).
    // Nothing when it does not run.
    void stop(int sig = SIGTERM);

    // Everything it wrote to stderr in this data folder (DIR.err).
    std::string log() const;
    // What it wrote to stderr since its latest start.
    std::string latestLog() const;

    // Runs `kiosk-hub --data DIR [--db SPEC] ARGS` (≤ 60 s) with its output in
    // PARENT/hub-cli.out (truncated) and .err (appended to); returns stdout
    // followed by that whole stderr file, its exit code in `code`.
    std::string cli(const std::vector<std::string>& args, int* code = nullptr) const;

    // Records stored in its database; -1 when it cannot be read.
    long records() const;

    // User + system CPU seconds the running hub process has used since it
    // started (/proc/PID/stat); -1 when none runs or it cannot be read.
    double cpuSeconds() const;

    const std::string& bin() const { return m_bin; }
    const std::filesystem::path& dir() const { return m_dir; }
    const std::string& dbSpec() const { return m_dbSpec; }
    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }  // -1 when none runs

private:
    std::string errPath() const { return m_dir.string() + ".err"; }

    std::string m_bin;
    std::filesystem::path m_dir;
    int m_port;
    std::vector<std::string> m_serveArgs;
    std::string m_dbSpec;
    int m_endSignal = SIGTERM;
    pid_t m_pid = -1;              // the running hub, -1 when none
    std::uintmax_t m_logFrom = 0;  // where the latest start's output begins in DIR.err
};

// [SECTION] A private PostgreSQL server

// A throw-away PostgreSQL server from scripts/pg-test-server.sh in its own
// folder (trust authentication, loopback only): `start DIR` at start(),
// `stop DIR` at stop(), in the destructor, and from the Ctrl-C / SIGTERM
// handler (process.h). The script's own waits are bounded; so are ours
// (start ≤ 120 s, stop ≤ 60 s).
class PgServer {
public:
    // `script`: scripts/pg-test-server.sh; `dir`: the folder it may own (removed at stop).
    PgServer(std::filesystem::path script, std::filesystem::path dir);
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // The admin URL (postgresql://postgres@127.0.0.1:PORT/postgres), or why
    // there is none (the script's last line of stderr).
    [[nodiscard]] std::expected<std::string, std::string> start();

    // Stops the server and removes its folder; nothing when it was not started.
    void stop();

private:
    std::filesystem::path m_script, m_dir;
    bool m_started = false;
};

// A new, empty database `name` on the server at `adminUrl` (dropped first if
// it exists); returns its URL, for `kiosk-hub --db` or hubdb::openDatabase.
[[nodiscard]] kiosk::Result<std::string> createDatabase(const std::string& adminUrl, const std::string& name);

}  // namespace harness
