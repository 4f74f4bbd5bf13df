// The systemd notifier and health-gated watchdog over libsystemd's
// sd_notify. It never sends anything but READY/STATUS/STOPPING/WATCHDOG,
// and never puts personal data in a status line.
#include "watchdog.h"

#include "base/log.h"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdlib>

namespace platform {
namespace {

std::shared_ptr<spdlog::logger> logger() { return kiosk::log::channel("watchdog"); }

}  // namespace

Watchdog::Watchdog(WatchdogOptions options) : m_options(options) {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    m_notifying = socket != nullptr && *socket != '\0';
    std::uint64_t usec = 0;
    const int rc = sd_watchdog_enabled(0, &usec);
    if (rc < 0) logger()->warn("WATCHDOG_USEC/WATCHDOG_PID are malformed; the watchdog is off");
    if (rc > 0 && m_notifying) m_intervalMs = std::max<std::int64_t>(1, static_cast<std::int64_t>(usec / 1000));
    if (m_options.frameMaxAgeMs <= 0) m_options.frameMaxAgeMs = m_intervalMs;
    if (enabled())
        logger()->info("systemd watchdog on: interval {} ms, UI loop may pause {} ms, sync worker {} ms", m_intervalMs,
                       m_options.frameMaxAgeMs, m_options.workerGraceMs);
}

void Watchdog::send(const std::string& message) {
    if (!m_notifying) return;
    if (const int rc = sd_notify(0, message.c_str()); rc < 0)
        logger()->debug("sd_notify failed: {}", rc);
}

void Watchdog::ready() {
    std::lock_guard lock(m_mutex);
    send(m_status.empty() ? "READY=1" : "READY=1\nSTATUS=" + m_status);
}

void Watchdog::status(std::string_view text) {
    std::lock_guard lock(m_mutex);
    m_status = std::string(text);
    // One line: a newline would start another notify field (READY=1, …).
    std::replace(m_status.begin(), m_status.end(), '\n', ' ');
    // While withheld, the reason stays on show; the text returns afterwards.
    if (m_withheld.empty()) send("STATUS=" + m_status);
}

void Watchdog::stopping() {
    std::lock_guard lock(m_mutex);
    send("STOPPING=1");
}

void Watchdog::workerAlive(std::int64_t nowMs) {
    m_workerDeadlineMs.store(nowMs + m_options.workerGraceMs, std::memory_order_relaxed);
}

void Watchdog::workerWaiting(std::int64_t nowMs, std::int64_t wakeAtMs) {
    m_workerDeadlineMs.store(std::max(nowMs, wakeAtMs) + m_options.workerGraceMs, std::memory_order_relaxed);
}

void Watchdog::workerStopped() { m_workerDeadlineMs.store(-1, std::memory_order_relaxed); }

std::string Watchdog::checkHealth(std::int64_t nowMs) const {
    const std::int64_t frame = m_frameMs.load(std::memory_order_relaxed);
    if (frame < 0) return "UI loop has not started";
    if (nowMs - frame > m_options.frameMaxAgeMs)
        return fmt::format("UI loop stalled: no frame for {} ms (allowed {} ms)", nowMs - frame, m_options.frameMaxAgeMs);
    const std::int64_t worker = m_workerDeadlineMs.load(std::memory_order_relaxed);
    if (worker >= 0 && nowMs > worker)
        return fmt::format("sync worker stalled: silent {} ms past its grace of {} ms", nowMs - worker,
                           m_options.workerGraceMs);
    return {};
}

void Watchdog::tick(std::int64_t nowMs) {
    if (!enabled()) return;
    std::lock_guard lock(m_mutex);
    const std::string reason = checkHealth(nowMs);
    if (!reason.empty()) {
        // Report once per change of stalled part, not every tick.
        if (reason.substr(0, reason.find(':')) != m_withheld.substr(0, m_withheld.find(':'))) {
            logger()->warn("watchdog withheld: {}", reason);
            send("STATUS=watchdog withheld: " + reason);
        }
        m_withheld = reason;
        // Look again soon, but never spin the UI loop.
        m_nextTickMs = nowMs + std::max<std::int64_t>(10, m_intervalMs / 10);
        return;
    }
    if (!m_withheld.empty()) {
        logger()->info("watchdog resumed: {} recovered", m_withheld.substr(0, m_withheld.find(':')));
        m_withheld.clear();
        send("STATUS=" + (m_status.empty() ? std::string("running") : m_status));
    }
    if (m_lastPetMs && nowMs - *m_lastPetMs < m_intervalMs / 2) {
        m_nextTickMs = *m_lastPetMs + m_intervalMs / 2;
        return;
    }
    m_lastPetMs = nowMs;
    m_nextTickMs = nowMs + m_intervalMs / 2;
    send("WATCHDOG=1");
}

std::optional<std::int64_t> Watchdog::nextDeadlineMs() const {
    if (!enabled()) return std::nullopt;
    std::lock_guard lock(m_mutex);
    return m_nextTickMs;
}

std::string Watchdog::withheldReason() const {
    std::lock_guard lock(m_mutex);
    return m_withheld;
}

}  // namespace platform
