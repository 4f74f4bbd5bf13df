// Child processes for the end-to-end tests and the benchmarks: the real
// programs (kiosk-hub, kioskctl, kiosk, scripts) started with their output in
// log files, waited for with a bound, and remembered until reaped so that a
// benchmark's Ctrl-C / SIGTERM handler can end whatever still runs. Also the
// loopback port helpers both need. Never waits without a bound; no
// GoogleTest here (the benchmarks link it too).
//
// [SECTION] Time and files
// [SECTION] Child processes
// [SECTION] Loopback ports
// [SECTION] Ctrl-C and SIGTERM
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace harness {

// [SECTION] Time and files

using Clock = std::chrono::steady_clock;

// Milliseconds from t0 to now.
double msSince(Clock::time_point t0);

// The whole file, or "" when it cannot be read.
std::string slurp(const std::filesystem::path& p);

// kB of a field of /proc/PID/status (VmRSS, VmHWM, …); -1 when absent.
long procStatusKb(pid_t pid, const char* field);

// [SECTION] Child processes

// Where a child's stdout and stderr go: each file truncated at the start, or
// appended to.
struct Output {
    std::filesystem::path out, err;
    bool appendOut = false;
    bool appendErr = false;
};

// Variables set (a value) or removed (nullopt) in the child only.
using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Starts `args` (args[0] is a path, no PATH search) with its output as
// `output` says and `env` applied to this process's environment. Returns its
// pid, or -1 when fork failed. The child is remembered until reap() (or the
// stop handler) has ended it. Safe to call from a process with threads:
// nothing but async-signal-safe calls happen between fork and exec.
pid_t spawn(const std::vector<std::string>& args, const Output& output, const EnvChanges& env = {});

// Waits ≤ `timeout` for `pid`: its exit code, 128 + signal when a signal
// ended it, or -1 when it took too long (it is SIGKILLed and reaped then) or
// there is no such child.
int reap(pid_t pid, std::chrono::milliseconds timeout);

// Whether `pid` has ended, without waiting; it is reaped and forgotten then.
bool ended(pid_t pid);

// What run() saw of one command.
struct Ran {
    int code = -1;         // exit code; 128 + signal when killed by one; -1 when killed for taking too long
    std::string out, err;  // the whole of its stdout and stderr files
    double ms = 0;         // wall time from fork to exit
};

// Runs `args` to the end (≤ `timeout`) with its output in LOGBASE.out and
// LOGBASE.err (each truncated or appended to as `appendOut` / `appendErr`
// say), and returns both files' contents.
Ran run(const std::vector<std::string>& args, const std::filesystem::path& logBase,
        std::chrono::milliseconds timeout = std::chrono::minutes(5), bool appendOut = false, bool appendErr = false);

// [SECTION] Loopback ports

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's choice);
// 0 when there is none.
int freePort();

// Whether something accepts TCP connections on 127.0.0.1:port.
bool portOpen(int port);

// [SECTION] Ctrl-C and SIGTERM

// Remembers a throw-away PostgreSQL server (scripts/pg-test-server.sh SCRIPT,
// its folder DIR) that stopChildrenAndExit() must stop; forgetPostgres() when
// it is stopped. Used by hub.h's PgServer.
void rememberPostgres(const std::string& script, const std::string& dir);
void forgetPostgres();

// The handler: SIGKILLs every child spawn() started that was not reaped yet
// (a hub, a kioskctl, the script starting PostgreSQL), runs
// `pg-test-server.sh stop` when a server may be running (≤ 90 s), and exits
// with 128 + sig. Only async-signal-safe calls (kill, fork, execv, waitpid,
// nanosleep, _exit).
[[noreturn]] void stopChildrenAndExit(int sig);

// Installs stopChildrenAndExit() for SIGINT and SIGTERM, and for an uncaught
// exception (std::terminate: its message on stderr, exit 134), so that no hub
// or PostgreSQL server outlives the program. Call once, early in main().
void installStopHandler();

}  // namespace harness
