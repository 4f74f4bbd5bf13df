// What the benchmark programs that talk to a real hub share (sync_bench,
// load_bench): child processes with bounded waits, a `kiosk-hub serve` on a
// loopback port, a private PostgreSQL server from scripts/pg-test-server.sh,
// and a Ctrl-C / SIGTERM handler that leaves neither running. Never waits
// without a bound; never prints personal data.
//
// [SECTION] Time and files
// [SECTION] Child processes
// [SECTION] The hub
// [SECTION] A private PostgreSQL server
// [SECTION] Ctrl-C and SIGTERM
#pragma once

#include "base/error.h"
#include "hubdb/sql.h"

#include "bench_stats.h"  // bench::cpuModel() for the programs' table headers

#include <fmt/format.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <expected>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bench {

// [SECTION] Time and files

using Clock = std::chrono::steady_clock;

// Milliseconds from t0 to now.
inline double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// The whole file, or "" when it cannot be read.
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// [SECTION] Child processes
//
// Every child is started with spawn() and recorded until reap() (or the stop
// handler) has ended it, so that stopChildrenAndExit() can end whatever
// still runs.

namespace detail {

// Children started by spawn() and not reaped yet: 0 is a free slot. Read by
// stopChildrenAndExit(), so lock-free atomics only.
inline constexpr std::size_t kMaxChildren = 16;
inline std::atomic<pid_t> g_children[kMaxChildren]{};
static_assert(std::atomic<pid_t>::is_always_lock_free);

// The benchmark's own pid: a child between fork and exec that receives the
// signal must not act as the benchmark.
inline std::atomic<pid_t> g_ownerPid{0};

inline void trackChild(pid_t pid) {
    for (auto& slot : g_children) {
        pid_t free = 0;
        if (slot.compare_exchange_strong(free, pid)) return;
    }
    // More than kMaxChildren at once: this one is not ended on Ctrl-C (never
    // happens with the benchmarks here: a hub plus one command at a time).
}

inline void untrackChild(pid_t pid) {
    for (auto& slot : g_children) {
        pid_t mine = pid;
        if (slot.compare_exchange_strong(mine, 0)) return;
    }
}

// Waits ≤ `ms` for `pid` to end, then SIGKILLs and reaps it. Only
// async-signal-safe calls: also used by the Ctrl-C / SIGTERM handler.
inline void waitOrKill(pid_t pid, int ms) {
    int status = 0;
    for (int waited = 0; waited < ms; waited += 10) {
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) return;
        const timespec tick{0, 10'000'000};
        nanosleep(&tick, nullptr);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace detail

// What run() saw of one command.
struct Ran {
    int code = -1;         // exit code; 128 + signal when killed by one; -1 when killed for taking too long
    std::string out, err;  // its stdout and stderr
    double ms = 0;         // wall time from fork to exit
};

// Starts `args` (args[0] is a path, no PATH search) with stdout in `out` and
// stderr in `err` — truncated, or appended to with `append`. Returns its pid,
// or -1 when fork failed. The child is recorded until reap() (or the stop
// handler) ends it.
inline pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& out,
                   const std::filesystem::path& err, bool append = false) {
    // Everything the child needs is made before fork: after fork in a process
    // with threads, only async-signal-safe calls are allowed.
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const std::string outPath = out.string(), errPath = err.string();
    const std::string cannot = args.empty() ? std::string("spawn: no program\n") : "cannot run " + args[0] + "\n";
    const int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);

    // Ctrl-C between fork and trackChild would miss the child: blocked until recorded.
    sigset_t stopSignals, old;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, &old);
    const pid_t pid = args.empty() ? -1 : fork();
    if (pid == 0) {
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        const int o = open(outPath.c_str(), flags, 0644);
        const int e = open(errPath.c_str(), flags, 0644);
        if (o < 0 || e < 0) _exit(127);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], argv.data());
        (void)!write(2, cannot.data(), cannot.size());
        _exit(127);
    }
    if (pid > 0) detail::trackChild(pid);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return pid;
}

// Waits ≤ `timeout` for `pid`: its exit code, 128 + signal when a signal
// ended it, or -1 when it took too long (it is SIGKILLed and reaped then) or
// there is no such child.
inline int reap(pid_t pid, std::chrono::milliseconds timeout) {
    using namespace std::chrono_literals;
    if (pid <= 0) return -1;
    const auto end = Clock::now() + timeout;
    int code = -1;
    for (;;) {
        int status = 0;
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (r < 0 && errno != EINTR) break;  // not our child (any more)
        if (Clock::now() > end) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            break;
        }
        std::this_thread::sleep_for(1ms);
    }
    detail::untrackChild(pid);
    return code;
}

// Runs `args` to the end (≤ `timeout`, default 5 min) with its output in
// LOGBASE.out and LOGBASE.err, and returns both.
inline Ran run(const std::vector<std::string>& args, const std::filesystem::path& logBase,
               std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
    const std::filesystem::path out = logBase.string() + ".out", err = logBase.string() + ".err";
    const auto t0 = Clock::now();
    const pid_t pid = spawn(args, out, err);
    Ran r;
    if (pid < 0) {
        r.err = fmt::format("cannot start {}: {}", args.empty() ? std::string("(nothing)") : args[0],
                            std::strerror(errno));
        return r;
    }
    r.code = reap(pid, timeout);
    r.ms = msSince(t0);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice);
// 0 when there is none.
inline int freePort() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    close(s);
    return port;
}

// Whether something accepts TCP connections on 127.0.0.1:port.
inline bool portOpen(int port) {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(s);
    return ok;
}

// [SECTION] The hub

// A `kiosk-hub --data DIR [--db SPEC] serve --listen 127.0.0.1:PORT`, started
// and stopped as often as the benchmark needs (a restart is an outage; the
// port stays the same so enrolled kiosks find it again). Its output goes to
// DIR.out and DIR.err beside the data folder: truncated at this object's
// first start, appended to at every later one. Stopped and reaped by the
// destructor.
class Hub {
public:
    // `bin`: the kiosk-hub binary; `dbSpec`: its --db ("" = SQLite in DIR/hub.db).
    Hub(std::string bin, std::filesystem::path dir, int port, std::string dbSpec = {})
        : m_bin(std::move(bin)), m_dir(std::move(dir)), m_port(port), m_dbSpec(std::move(dbSpec)) {}
    ~Hub() { stop(); }
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    // Arguments added after `serve --listen …` at the next start (e.g.
    // --staff-listen HOST:PORT).
    void setServeArgs(std::vector<std::string> args) { m_serveArgs = std::move(args); }

    // Starts it (stopping one this object still runs) and waits ≤ 10 s for
    // its port to accept connections. False when it exited or did not listen
    // in time (it is stopped then); log() says why.
    [[nodiscard]] bool start() {
        using namespace std::chrono_literals;
        stop();
        std::vector<std::string> args{m_bin, "--data", m_dir.string()};
        if (!m_dbSpec.empty()) args.insert(args.end(), {"--db", m_dbSpec});
        args.insert(args.end(), {"serve", "--listen", fmt::format("127.0.0.1:{}", m_port)});
        args.insert(args.end(), m_serveArgs.begin(), m_serveArgs.end());
        std::error_code ec;
        const auto size = std::filesystem::file_size(errPath(), ec);
        m_logFrom = m_started && !ec ? size : 0;
        m_pid = spawn(args, m_dir.string() + ".out", errPath(), m_started);
        m_started = true;
        if (m_pid <= 0) return m_pid = -1, false;
        for (int i = 0; i < 400; ++i) {  // ≤ 10 s
            if (portOpen(m_port)) return true;
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
                detail::untrackChild(m_pid);
                m_pid = -1;
                return false;
            }
            std::this_thread::sleep_for(25ms);
        }
        stop();
        return false;
    }

    // SIGTERM, then SIGKILL if it has not ended within 10 s. Nothing when it
    // does not run.
    void stop() {
        using namespace std::chrono_literals;
        if (m_pid <= 0) return;
        kill(m_pid, SIGTERM);
        (void)reap(m_pid, 10s);
        m_pid = -1;
    }

    // What it wrote to stderr since its latest start (DIR.err keeps them all).
    std::string log() const {
        const std::string all = slurp(errPath());
        return m_logFrom < all.size() ? all.substr(m_logFrom) : all;
    }

    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }  // -1 when none runs

    // User + system CPU seconds the running hub process has used since it
    // started (/proc/PID/stat); -1 when none runs or it cannot be read.
    double cpuSeconds() const {
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

private:
    std::string errPath() const { return m_dir.string() + ".err"; }

    std::string m_bin;
    std::filesystem::path m_dir;
    int m_port;
    std::string m_dbSpec;
    std::vector<std::string> m_serveArgs;
    pid_t m_pid = -1;            // the running hub, -1 when none
    bool m_started = false;      // started at least once: later starts append to the log
    std::uintmax_t m_logFrom = 0;  // where the latest start's output begins in DIR.err
};

// [SECTION] A private PostgreSQL server

namespace detail {

// The pg-test-server.sh script and folder while a server may be running, for
// stopChildrenAndExit(); g_pgRunning is set after both are written.
inline char g_pgScript[4096];
inline char g_pgDir[4096];
inline std::atomic<bool> g_pgRunning{false};

}  // namespace detail

// A throw-away PostgreSQL server from scripts/pg-test-server.sh in its own
// folder (trust authentication, loopback only): `start DIR` at start(),
// `stop DIR` at stop(), in the destructor, and from the Ctrl-C / SIGTERM
// handler. The script's own waits are bounded; so are ours (start ≤ 120 s,
// stop ≤ 60 s).
class PgServer {
public:
    // `script`: scripts/pg-test-server.sh; `dir`: the folder it may own (removed at stop).
    PgServer(std::filesystem::path script, std::filesystem::path dir)
        : m_script(std::move(script)), m_dir(std::move(dir)) {}
    ~PgServer() { stop(); }
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // The admin URL (postgresql://postgres@127.0.0.1:PORT/postgres), or why
    // there is none (the script's last line of stderr).
    [[nodiscard]] std::expected<std::string, std::string> start() {
        using namespace std::chrono_literals;
        const std::string script = m_script.string(), dir = m_dir.string();
        if (script.size() >= sizeof detail::g_pgScript || dir.size() >= sizeof detail::g_pgDir)
            return std::unexpected(std::string("the path of pg-test-server.sh or of its folder is too long"));
        stop();
        std::memcpy(detail::g_pgScript, script.c_str(), script.size() + 1);
        std::memcpy(detail::g_pgDir, dir.c_str(), dir.size() + 1);
        detail::g_pgRunning = true;  // from here on a stop is owed, even if start fails half-way
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

    // Stops the server and removes its folder; nothing when it was not started.
    void stop() {
        using namespace std::chrono_literals;
        if (!m_started) return;
        const std::string dir = m_dir.string();
        (void)run({"/bin/bash", m_script.string(), "stop", dir}, dir + "-stop", 60s);
        removeLogs(dir + "-stop");
        detail::g_pgRunning = false;
        m_started = false;
    }

private:
    static void removeLogs(const std::string& base) {
        std::error_code ec;
        std::filesystem::remove(base + ".out", ec);
        std::filesystem::remove(base + ".err", ec);
    }

    std::filesystem::path m_script, m_dir;
    bool m_started = false;
};

// A new, empty database `name` on the server at `adminUrl` (dropped first if
// it exists); returns its URL, for `kiosk-hub --db` or hubdb::openDatabase.
[[nodiscard]] inline kiosk::Result<std::string> createDatabase(const std::string& adminUrl, const std::string& name) {
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

// [SECTION] Ctrl-C and SIGTERM

// The handler: SIGKILLs every child spawn() started that was not reaped yet
// (a hub, a kioskctl, the script starting PostgreSQL), runs
// `pg-test-server.sh stop` when a server may be running (≤ 90 s), and exits
// with 128 + sig. Only async-signal-safe calls (kill, fork, execv, waitpid,
// nanosleep, _exit).
[[noreturn]] inline void stopChildrenAndExit(int sig) {
    if (getpid() != detail::g_ownerPid.load()) _exit(128 + sig);  // a child before its exec
    for (auto& slot : detail::g_children)
        if (const pid_t pid = slot.exchange(0); pid > 0) {
            kill(pid, SIGKILL);
            detail::waitOrKill(pid, 5'000);
        }
    if (detail::g_pgRunning.exchange(false)) {
        const pid_t pid = fork();
        if (pid == 0) {
            char bash[] = "/bin/bash";
            char stop[] = "stop";
            char* argv[] = {bash, detail::g_pgScript, stop, detail::g_pgDir, nullptr};
            execv(bash, argv);
            _exit(127);
        }
        if (pid > 0) detail::waitOrKill(pid, 90'000);
    }
    _exit(128 + sig);
}

// Installs stopChildrenAndExit() for SIGINT and SIGTERM, and for an uncaught
// exception (std::terminate: its message on stderr, exit 134), so that no hub
// or PostgreSQL server outlives the benchmark. Call once, early in main().
inline void installStopHandler() {
    detail::g_ownerPid = getpid();
    struct sigaction sa{};
    sa.sa_handler = stopChildrenAndExit;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);  // one handler at a time
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::set_terminate([] {
        if (const std::exception_ptr e = std::current_exception()) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                std::fprintf(stderr, "uncaught exception: %s\n", x.what());
            } catch (...) {
                std::fprintf(stderr, "uncaught exception\n");
            }
        }
        stopChildrenAndExit(SIGABRT);
    });
}

}  // namespace bench
