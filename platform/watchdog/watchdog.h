// Talks to systemd's service manager (sd_notify): READY=1 once the kiosk is
// up, STATUS= lines for `systemctl status`, and WATCHDOG=1 keep-alives that
// are health-gated: the kiosk is restarted by systemd (WatchdogSec=) when
// its UI loop or its sync worker has stopped making progress, not merely
// when the process is gone. Petting is withheld, with a STATUS= naming the
// stalled part, while
//   - the UI loop's last frame() beat is older than frameMaxAgeMs, or
//   - the sync worker's last beat is older than workerGraceMs (a worker that
//     was never started, or was stopped, counts as healthy; one that said it
//     is waiting counts as healthy until its wake time + workerGraceMs).
//
//   UI loop thread, every iteration:  frame(now); tick(now);
//                                     sleep no longer than nextDeadlineMs()
//   sync worker thread:               workerAlive(now) per step of a cycle,
//                                     workerWaiting(now, wakeAt) before a sleep,
//                                     workerStopped() when the thread ends
//
// With no NOTIFY_SOCKET every call is a no-op; with NOTIFY_SOCKET but no
// WATCHDOG_USEC (or a WATCHDOG_PID of another process) only ready/status/
// stopping are sent. All members are safe to call from any thread. Times are
// monotonic ms of one clock (Clock::monotonicMs of the system clock).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace platform {

struct WatchdogOptions {
    std::int64_t frameMaxAgeMs = 0;      // UI loop beat may be this old (ms); 0 = the watchdog interval
    std::int64_t workerGraceMs = 300000; // sync worker beat may be this old (ms): one request can block for
                                         // hub_client totalTimeoutS (120 s); beat before each request
};

class Watchdog {
public:
    // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (and leaves them set).
    explicit Watchdog(WatchdogOptions options = {});
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    bool notifying() const { return m_notifying; }  // systemd listens (Type=notify)
    bool enabled() const { return m_intervalMs > 0; } // systemd expects WATCHDOG=1
    std::int64_t intervalMs() const { return m_intervalMs; }  // WatchdogSec in ms; 0 = disabled

    void ready();                       // READY=1 (plus the current status)
    void status(std::string_view text); // STATUS=text; shown again after a withheld spell ends
    void stopping();                    // STOPPING=1: a clean exit is under way, not a hang

    // Beats. frame(): once per UI loop iteration, whether it drew or not.
    void frame(std::int64_t nowMs) { m_frameMs.store(nowMs, std::memory_order_relaxed); }
    void workerAlive(std::int64_t nowMs);
    // The worker is about to sleep until wakeAtMs (backoff, the next cycle):
    // healthy until wakeAtMs + workerGraceMs without further beats.
    void workerWaiting(std::int64_t nowMs, std::int64_t wakeAtMs);
    void workerStopped();               // the worker thread ended: no longer checked

    // Sends WATCHDOG=1 if half an interval has passed since the last one and
    // both beats are recent; otherwise withholds it and says why in STATUS=.
    void tick(std::int64_t nowMs);

    // When tick() must run next (the UI loop's sleep deadline); nullopt when disabled.
    std::optional<std::int64_t> nextDeadlineMs() const;

    // "" while healthy, else why petting is withheld (for the maintenance screen).
    std::string withheldReason() const;

private:
    std::string checkHealth(std::int64_t nowMs) const;  // "" or the reason
    void send(const std::string& message);

    WatchdogOptions m_options;
    bool m_notifying = false;
    std::int64_t m_intervalMs = 0;

    std::atomic<std::int64_t> m_frameMs{-1};         // -1: no frame yet
    std::atomic<std::int64_t> m_workerDeadlineMs{-1}; // -1: worker not running; else beat expires after this

    mutable std::mutex m_mutex;  // guards the members below and orders messages
    std::optional<std::int64_t> m_lastPetMs;
    std::int64_t m_nextTickMs = 0;  // when tick() has something to do; 0 = at once
    std::string m_status;        // the app's own status text
    std::string m_withheld;      // current reason petting is withheld; "" = healthy
};

}  // namespace platform
