// Tests of platform/watchdog against a real unix datagram socket standing in
// for systemd's notify socket (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID set
// by the test). First the gating logic on synthetic times, where every
// message is deterministic; then threads on the real clock with a 200 ms
// interval: a UI loop that pets, stalls on a latch and resumes; a sync worker
// that stops beating and resumes. Waits are bounded; a watchdog that pets
// regardless of health fails these tests.
#include "watchdog.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <optional>
#include <filesystem>
#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using platform::Watchdog;
using platform::WatchdogOptions;

namespace {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void sleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// The service manager's end: a bound datagram socket plus the environment
// that points sd_notify at it. Restores the environment when done.
class FakeSystemd {
public:
    explicit FakeSystemd(std::int64_t watchdogUsec, pid_t pid = getpid()) {
        char tmpl[] = "/tmp/wd-test-XXXXXX";
        m_dir = mkdtemp(tmpl);
        m_path = m_dir + "/notify";
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        m_path.copy(addr.sun_path, sizeof addr.sun_path - 1);
        if (::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ADD_FAILURE() << "bind " << m_path;
        setenv("NOTIFY_SOCKET", m_path.c_str(), 1);
        if (watchdogUsec > 0) {
            setenv("WATCHDOG_USEC", std::to_string(watchdogUsec).c_str(), 1);
            setenv("WATCHDOG_PID", std::to_string(pid).c_str(), 1);
        }
    }
    ~FakeSystemd() {
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_USEC");
        unsetenv("WATCHDOG_PID");
        ::close(m_fd);
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    // Everything that has arrived and not been handed out yet (sd_notify's
    // send is synchronous: once it returned, the datagram is queued here).
    std::vector<std::string> drain() {
        receive();
        std::vector<std::string> out(m_queue.begin(), m_queue.end());
        m_queue.clear();
        return out;
    }

    // Waits (bounded) until a message matching `want` arrives; returns
    // everything received up to and including it (later ones stay queued),
    // or nullopt on timeout.
    std::optional<std::vector<std::string>> waitFor(const std::function<bool(const std::string&)>& want, int timeoutMs) {
        std::vector<std::string> seen;
        const auto end = nowMs() + timeoutMs;
        for (;;) {
            receive();
            while (!m_queue.empty()) {
                seen.push_back(m_queue.front());
                m_queue.pop_front();
                if (want(seen.back())) return seen;
            }
            if (nowMs() >= end) return std::nullopt;
            pollfd p{m_fd, POLLIN, 0};
            ::poll(&p, 1, 20);
        }
    }

private:
    void receive() {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n < 0) return;
            m_queue.emplace_back(buf, static_cast<std::size_t>(n));
        }
    }

    std::string m_dir, m_path;
    int m_fd = -1;
    std::deque<std::string> m_queue;
};

bool isPet(const std::string& m) { return m == "WATCHDOG=1"; }
auto statusContaining(std::string text) {
    return [text](const std::string& m) { return m.rfind("STATUS=", 0) == 0 && m.find(text) != std::string::npos; };
}
long count(const std::vector<std::string>& v, const std::function<bool(const std::string&)>& f) {
    return std::count_if(v.begin(), v.end(), f);
}
std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& m : v) s += "[" + m + "] ";
    return s;
}

// ─── Logic on synthetic time ────────────────────────────────────────────────

TEST(Watchdog, GatesPettingOnBothBeats) {
    FakeSystemd systemd(200'000);
    Watchdog wd({.frameMaxAgeMs = 0, .workerGraceMs = 300});
    ASSERT_TRUE(wd.enabled());
    ASSERT_EQ(wd.intervalMs(), 200);

    wd.status("serving");
    wd.ready();
    EXPECT_EQ(joined(systemd.drain()), "[STATUS=serving] [READY=1\nSTATUS=serving] ");

    wd.tick(0);  // no frame yet: the loop has not started
    EXPECT_EQ(count(systemd.drain(), isPet), 0);

    wd.frame(0);
    wd.tick(0);
    EXPECT_EQ(joined(systemd.drain()), "[STATUS=serving] [WATCHDOG=1] ");
    EXPECT_EQ(wd.nextDeadlineMs(), 100) << "half the interval";
    wd.frame(50);
    wd.tick(50);
    EXPECT_TRUE(systemd.drain().empty()) << "no more than one pet per half interval";
    wd.frame(100);
    wd.tick(100);
    EXPECT_EQ(joined(systemd.drain()), "[WATCHDOG=1] ");

    // The UI loop's last beat is 250 ms old at 350 (allowed: the 200 ms interval).
    wd.tick(350);
    auto m = systemd.drain();
    EXPECT_EQ(count(m, isPet), 0);
    EXPECT_EQ(count(m, statusContaining("UI loop")), 1) << joined(m);
    EXPECT_GT(*wd.nextDeadlineMs(), 350) << "a withheld watchdog must not make the loop spin";
    EXPECT_NE(wd.withheldReason().find("UI loop"), std::string::npos);
    wd.tick(380);
    EXPECT_TRUE(systemd.drain().empty()) << "the reason is said once, not every tick";

    wd.frame(400);
    wd.tick(400);
    EXPECT_EQ(joined(systemd.drain()), "[STATUS=serving] [WATCHDOG=1] ");
    EXPECT_EQ(wd.withheldReason(), "");

    // The worker beats at 400, then falls silent; grace 300 ms.
    wd.workerAlive(400);
    wd.frame(700);
    wd.tick(700);
    EXPECT_EQ(joined(systemd.drain()), "[WATCHDOG=1] ");
    wd.frame(701);
    wd.tick(701);
    m = systemd.drain();
    EXPECT_EQ(count(m, isPet), 0);
    EXPECT_EQ(count(m, statusContaining("sync worker")), 1) << joined(m);

    // A status set meanwhile waits until the spell ends.
    wd.status("serving, 2 pending");
    EXPECT_TRUE(systemd.drain().empty());
    wd.workerAlive(800);
    wd.frame(800);
    wd.tick(800);
    EXPECT_EQ(joined(systemd.drain()), "[STATUS=serving, 2 pending] [WATCHDOG=1] ");

    // Waiting: healthy until its wake time + grace without beats.
    wd.workerWaiting(800, 2000);
    wd.frame(2300);
    wd.tick(2300);
    EXPECT_EQ(count(systemd.drain(), isPet), 1);
    wd.frame(2301);
    wd.tick(2400);
    EXPECT_EQ(count(systemd.drain(), statusContaining("sync worker")), 1);

    // A stopped worker is not checked any more.
    wd.workerStopped();
    wd.frame(2500);
    wd.tick(2500);
    EXPECT_EQ(count(systemd.drain(), isPet), 1);
}

TEST(Watchdog, OffWithoutSystemd) {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    Watchdog wd;
    EXPECT_FALSE(wd.notifying());
    EXPECT_FALSE(wd.enabled());
    EXPECT_FALSE(wd.nextDeadlineMs());
    wd.ready();
    wd.frame(0);
    wd.tick(0);  // nothing to send to, nothing breaks
}

TEST(Watchdog, NotifyWithoutWatchdogOrForAnotherProcess) {
    {
        FakeSystemd systemd(0);  // Type=notify, no WatchdogSec
        Watchdog wd;
        EXPECT_TRUE(wd.notifying());
        EXPECT_FALSE(wd.enabled());
        wd.ready();
        wd.frame(0);
        wd.tick(0);
        EXPECT_EQ(joined(systemd.drain()), "[READY=1] ");
    }
    {
        FakeSystemd systemd(200'000, getpid() + 1);  // the watchdog is some other process's
        Watchdog wd;
        EXPECT_FALSE(wd.enabled());
        wd.frame(0);
        wd.tick(0);
        EXPECT_TRUE(systemd.drain().empty());
    }
}

// ─── Threads on the real clock ──────────────────────────────────────────────

// A stand-in for the app's main loop: every 10 ms frame() and (unless the
// tick runs elsewhere) tick(). stall() blocks it on a latch until resume();
// the destructor resumes it, so a failed assertion never leaves it hanging.
class UiLoop {
public:
    UiLoop(Watchdog& wd, bool ticks) : m_wd(wd), m_ticks(ticks), m_thread([this] { run(); }) {}
    ~UiLoop() {
        m_stop = true;
        resume();
        m_thread.join();
    }
    // Returns once the loop is blocked.
    void stall() {
        m_release = std::make_unique<std::latch>(1);
        std::latch entered(1);
        m_entered = &entered;
        m_stallRequested = true;
        entered.wait();
    }
    void resume() {
        if (m_release && m_stalled.exchange(false)) m_release->count_down();
    }

private:
    void run() {
        while (!m_stop) {
            if (m_stallRequested.exchange(false)) {
                m_stalled = true;
                m_entered.load()->count_down();
                m_release->wait();
            }
            const auto now = nowMs();
            m_wd.frame(now);
            if (m_ticks) m_wd.tick(now);
            sleepMs(10);
        }
    }
    Watchdog& m_wd;
    const bool m_ticks;
    std::atomic<bool> m_stop{false}, m_stallRequested{false}, m_stalled{false};
    std::unique_ptr<std::latch> m_release;  // set before a stall is requested, kept until the loop ends
    std::atomic<std::latch*> m_entered{nullptr};
    std::thread m_thread;
};

// Runs `body` on its own thread every 10 ms while `on`.
class Repeater {
public:
    explicit Repeater(std::function<void()> body) : m_body(std::move(body)), m_thread([this] { run(); }) {}
    ~Repeater() {
        m_stop = true;
        m_thread.join();
    }
    std::atomic<bool> on{true};

private:
    void run() {
        while (!m_stop) {
            if (on) m_body();
            sleepMs(10);
        }
    }
    std::function<void()> m_body;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

constexpr int kIntervalMs = 200;

TEST(WatchdogLive, HealthyLoopPetsAtHalfTheInterval) {
    FakeSystemd systemd(kIntervalMs * 1000);
    // About cadence only: a loop that lags on a loaded machine must not be
    // taken for a stalled one here.
    Watchdog wd({.frameMaxAgeMs = 10'000});
    const auto start = nowMs();
    {
        UiLoop loop(wd, true);
        auto seen = systemd.waitFor(isPet, 3000);
        ASSERT_TRUE(seen) << "no WATCHDOG=1 from a healthy loop";
        sleepMs(6 * kIntervalMs / 2);
    }
    const auto window = nowMs() - start;
    const auto pets = 1 + count(systemd.drain(), isPet);
    EXPECT_GE(pets, 3) << "in " << window << " ms";
    EXPECT_LE(pets, window / (kIntervalMs / 2) + 1) << "petting faster than half the interval";
}

TEST(WatchdogLive, StalledLoopStopsPettingUntilItResumes) {
    FakeSystemd systemd(kIntervalMs * 1000);
    Watchdog wd;
    UiLoop loop(wd, true);
    ASSERT_TRUE(systemd.waitFor(isPet, 3000));

    loop.stall();
    systemd.drain();  // whatever was sent before it blocked
    sleepMs(3 * kIntervalMs + 50);
    const auto during = systemd.drain();
    EXPECT_EQ(count(during, isPet), 0) << "petted while the loop was blocked: " << joined(during);

    loop.resume();
    EXPECT_TRUE(systemd.waitFor(isPet, 2000)) << "petting did not resume";
}

TEST(WatchdogLive, TickerElsewhereSeesTheStalledLoop) {
    // The same stall, with tick() on another thread: only the frame gate can
    // stop the pets now.
    FakeSystemd systemd(kIntervalMs * 1000);
    Watchdog wd;
    UiLoop loop(wd, false);
    Repeater ticker([&] { wd.tick(nowMs()); });
    ASSERT_TRUE(systemd.waitFor(isPet, 3000));

    loop.stall();
    ASSERT_TRUE(systemd.waitFor(statusContaining("UI loop"), 3000)) << "no STATUS naming the UI loop";
    sleepMs(3 * kIntervalMs + 50);
    const auto during = systemd.drain();
    EXPECT_EQ(count(during, isPet), 0) << joined(during);

    loop.resume();
    EXPECT_TRUE(systemd.waitFor(isPet, 2000)) << "petting did not resume";
}

TEST(WatchdogLive, SilentWorkerStopsPettingAndIsNamed) {
    FakeSystemd systemd(kIntervalMs * 1000);
    // The UI loop may lag far behind on a loaded machine without being
    // blamed here: this test is about the worker alone.
    Watchdog wd({.frameMaxAgeMs = 10'000, .workerGraceMs = 300});
    wd.status("serving");
    UiLoop loop(wd, true);
    std::atomic<bool> beaten{false};
    Repeater worker([&] {
        wd.workerAlive(nowMs());
        beaten = true;
    });
    ASSERT_TRUE(systemd.waitFor(isPet, 3000));
    // The worker must have beaten once: a worker that never did counts as
    // not started (healthy), and the loop's first pet can come before it.
    for (int i = 0; i < 300 && !beaten; ++i) sleepMs(10);
    ASSERT_TRUE(beaten);

    worker.on = false;  // the worker hangs (a started worker that no longer beats)
    auto seen = systemd.waitFor(statusContaining("sync worker"), 3000);
    ASSERT_TRUE(seen) << "no STATUS naming the worker; withheld: '" << wd.withheldReason() << "'; then: "
                      << joined(systemd.drain());
    sleepMs(3 * kIntervalMs + 50);
    const auto during = systemd.drain();
    EXPECT_EQ(count(during, isPet), 0) << "petted while the worker was silent: " << joined(during);
    EXPECT_EQ(count(during, statusContaining("sync worker")), 0) << "the reason is repeated: " << joined(during);

    worker.on = true;
    seen = systemd.waitFor(isPet, 2000);
    ASSERT_TRUE(seen) << "petting did not resume with the worker";
    EXPECT_EQ(count(*seen, [](const std::string& m) { return m == "STATUS=serving"; }), 1) << joined(*seen);
}

}  // namespace
