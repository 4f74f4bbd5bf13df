// Child processes, loopback ports and the Ctrl-C handler of the test and
// benchmark harness (process.h). Every child is started with spawn() and
// recorded until reap() (or the stop handler) has ended it, so that
// stopChildrenAndExit() can end whatever still runs.
#include "harness/process.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace harness {

// [SECTION] Time and files

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

long procStatusKb(pid_t pid, const char* field) {
    const std::string status = slurp(fmt::format("/proc/{}/status", pid));
    const auto at = status.find(std::string(field) + ":");
    return at == std::string::npos ? -1 : std::atol(status.c_str() + at + std::strlen(field) + 1);
}

// [SECTION] Child processes

namespace {

// Children started by spawn() and not reaped yet: 0 is a free slot. Read by
// stopChildrenAndExit(), so lock-free atomics only.
constexpr std::size_t kMaxChildren = 64;
std::atomic<pid_t> g_children[kMaxChildren]{};
static_assert(std::atomic<pid_t>::is_always_lock_free);

// The owner's pid: a child between fork and exec that receives the signal
// must not act as the owner.
std::atomic<pid_t> g_ownerPid{0};

// The pg-test-server.sh script and folder while a server may be running, for
// stopChildrenAndExit(); g_pgRunning is set after both are written.
char g_pgScript[4096];
char g_pgDir[4096];
std::atomic<bool> g_pgRunning{false};

void trackChild(pid_t pid) {
    for (auto& slot : g_children) {
        pid_t free = 0;
        if (slot.compare_exchange_strong(free, pid)) return;
    }
    // More than kMaxChildren at once: this one is not ended on Ctrl-C (never
    // happens here: a hub, a proxy and one command at a time).
}

void untrackChild(pid_t pid) {
    for (auto& slot : g_children) {
        pid_t mine = pid;
        if (slot.compare_exchange_strong(mine, 0)) return;
    }
}

// Waits ≤ `ms` for `pid` to end, then SIGKILLs and reaps it. Only
// async-signal-safe calls: also used by the Ctrl-C / SIGTERM handler.
void waitOrKill(pid_t pid, int ms) {
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

// This process's environment with `changes` applied, as NAME=VALUE strings.
std::vector<std::string> environmentWith(const EnvChanges& changes) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        bool changed = false;
        for (const auto& [n, v] : changes) changed = changed || n == name;
        if (!changed) env.push_back(entry);
    }
    for (const auto& [name, value] : changes)
        if (value) env.push_back(name + "=" + *value);
    return env;
}

}  // namespace

pid_t spawn(const std::vector<std::string>& args, const Output& output, const EnvChanges& env) {
    // Everything the child needs is made before fork: after fork in a process
    // with threads, only async-signal-safe calls are allowed.
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const std::vector<std::string> envStrings = environmentWith(env);
    std::vector<char*> envp;
    for (const auto& e : envStrings) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const std::string outPath = output.out.string(), errPath = output.err.string();
    const std::string cannot = args.empty() ? std::string("spawn: no program\n") : "cannot run " + args[0] + "\n";
    const int outFlags = O_WRONLY | O_CREAT | (output.appendOut ? O_APPEND : O_TRUNC);
    const int errFlags = O_WRONLY | O_CREAT | (output.appendErr ? O_APPEND : O_TRUNC);
    if (g_ownerPid.load() == 0) g_ownerPid = getpid();

    // Ctrl-C between fork and trackChild would miss the child: blocked until recorded.
    sigset_t stopSignals, old;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, &old);
    const pid_t pid = args.empty() ? -1 : fork();
    if (pid == 0) {
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        const int o = open(outPath.c_str(), outFlags, 0644);
        const int e = open(errPath.c_str(), errFlags, 0644);
        if (o < 0 || e < 0) _exit(127);
        dup2(o, 1);
        dup2(e, 2);
        execve(argv[0], argv.data(), envp.data());
        (void)!write(2, cannot.data(), cannot.size());
        _exit(127);
    }
    if (pid > 0) trackChild(pid);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return pid;
}

int reap(pid_t pid, std::chrono::milliseconds timeout) {
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
    untrackChild(pid);
    return code;
}

bool ended(pid_t pid) {
    int status = 0;
    if (pid <= 0 || waitpid(pid, &status, WNOHANG) != pid) return false;
    untrackChild(pid);
    return true;
}

Ran run(const std::vector<std::string>& args, const std::filesystem::path& logBase, std::chrono::milliseconds timeout,
        bool appendOut, bool appendErr) {
    const Output output{logBase.string() + ".out", logBase.string() + ".err", appendOut, appendErr};
    const auto t0 = Clock::now();
    const pid_t pid = spawn(args, output);
    Ran r;
    if (pid < 0) {
        r.err = fmt::format("cannot start {}: {}", args.empty() ? std::string("(nothing)") : args[0],
                            std::strerror(errno));
        return r;
    }
    r.code = reap(pid, timeout);
    r.ms = msSince(t0);
    r.out = slurp(output.out);
    r.err = slurp(output.err);
    return r;
}

// [SECTION] Loopback ports

int freePort() {
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

bool portOpen(int port) {
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

// [SECTION] Ctrl-C and SIGTERM

void rememberPostgres(const std::string& script, const std::string& dir) {
    g_pgRunning = false;
    const std::size_t s = std::min(script.size(), sizeof g_pgScript - 1);
    const std::size_t d = std::min(dir.size(), sizeof g_pgDir - 1);
    std::memcpy(g_pgScript, script.c_str(), s);
    g_pgScript[s] = '\0';
    std::memcpy(g_pgDir, dir.c_str(), d);
    g_pgDir[d] = '\0';
    g_pgRunning = true;
}

void forgetPostgres() { g_pgRunning = false; }

void stopChildrenAndExit(int sig) {
    if (getpid() != g_ownerPid.load()) _exit(128 + sig);  // a child before its exec
    for (auto& slot : g_children)
        if (const pid_t pid = slot.exchange(0); pid > 0) {
            kill(pid, SIGKILL);
            waitOrKill(pid, 5'000);
        }
    if (g_pgRunning.exchange(false)) {
        const pid_t pid = fork();
        if (pid == 0) {
            char bash[] = "/bin/bash";
            char stop[] = "stop";
            char* argv[] = {bash, g_pgScript, stop, g_pgDir, nullptr};
            execv(bash, argv);
            _exit(127);
        }
        if (pid > 0) waitOrKill(pid, 90'000);
    }
    _exit(128 + sig);
}

void installStopHandler() {
    g_ownerPid = getpid();
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

}  // namespace harness
