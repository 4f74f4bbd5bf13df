// Time for the app, behind one interface so tests and headless scripts run on
// a fixed, virtual clock: monotonic milliseconds for timers and the local wall
// time shown in the top bar.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>

namespace platform {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::int64_t monotonicMs() const = 0;  // only ever rises
    virtual std::tm localTime() const = 0;         // for display only
    virtual std::int64_t epochMs() const = 0;      // wall clock, Unix ms: when something happened (records)
};

// The machine's clocks (steady_clock, localtime_r).
std::unique_ptr<Clock> makeSystemClock();

// A clock that moves only when told: starts at `startLocal` (civil time) and
// monotonic 0. Used by headless scripts so every run is identical.
class FixedClock final : public Clock {
public:
    explicit FixedClock(std::tm startLocal) : m_start(startLocal) {}
    std::int64_t monotonicMs() const override { return m_ms; }
    std::tm localTime() const override;
    std::int64_t epochMs() const override;
    void advance(std::int64_t ms) { m_ms += ms; }
    void setMs(std::int64_t ms) { m_ms = ms; }

private:
    std::tm m_start;
    std::int64_t m_ms = 0;
};

// 2026-01-15 09:30:00, the civil time headless runs start at by default.
std::tm defaultScriptTime();

}  // namespace platform
