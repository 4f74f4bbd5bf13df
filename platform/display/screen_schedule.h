// When the screen is lit: the opening-hours schedule (display.on_at /
// display.off_at) and the wake rule on top of it. Both are pure: time comes in
// as arguments (local civil time for the schedule, monotonic ms for the wake
// rule), so a full day runs in a test in microseconds. They must never read a
// clock, touch SDL or the backlight: the app carries out what they decide
// (Display::setScreenPower, Backlight::setPower). See docs/DISPLAY.md.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <ctime>
#include <string_view>

namespace platform {

// The screen's opening hours: lit from `on` up to (not including) `off`,
// local wall time, minute resolution. `off` earlier than `on` means the off
// time is after midnight (on 07:30, off 01:00 = dark 01:00–07:30).
class ScreenSchedule {
public:
    static constexpr int kNever = -1;  // secondsUntilChange() of an always-on schedule

    // Always on.
    ScreenSchedule() = default;
    // "HH:MM" each (00:00–23:59); both "" = always on. One empty, a malformed
    // time or on == off is an error naming the config key.
    [[nodiscard]] static kiosk::Result<ScreenSchedule> parse(std::string_view onAt, std::string_view offAt);

    bool alwaysOn() const { return m_onMin < 0; }
    int onMinute() const { return m_onMin; }    // minutes after midnight, -1 when always on
    int offMinute() const { return m_offMin; }  // minutes after midnight, -1 when always on

    // Whether the schedule wants the screen lit at this local time (only
    // tm_hour, tm_min are read).
    bool shouldBeOn(const std::tm& local) const;
    // Seconds from `local` (tm_hour, tm_min, tm_sec) to the next on or off
    // time, 1..86400; kNever when always on. A wake-up hint only: on a day
    // the clocks change it is an hour off, so check shouldBeOn() again then.
    int secondsUntilChange(const std::tm& local) const;

private:
    int m_onMin = -1;
    int m_offMin = -1;
};

// The wake rule: whether the screen is lit right now.
//
//             update(): off time,        update(): wake period over
//             visitor active             since the last activity
//   [ Lit ] ------------------> [ Awake ] ----------------------> [ Dark ]
//      |                            ^                                |  ^
//      |                            +---- activity(): a touch -------+  |
//      +------------ update(): off time, nobody active -----------------+
//
//   update() at an on time takes Awake and Dark back to Lit.
//
// "Awake" covers both a visitor still mid-session at the off time and a
// visitor who woke the dark screen: it stays lit until `wakePeriodMs` (the
// idle timeout, after which the session is wiped anyway) has passed since the
// last activity, then goes dark again.
class ScreenPower {
public:
    enum class State { Lit, Awake, Dark };

    // Always lit (no schedule).
    ScreenPower() = default;
    // wakePeriodMs: how long the screen stays lit after the last touch
    // outside opening hours (use the idle timeout).
    ScreenPower(ScreenSchedule schedule, std::int64_t wakePeriodMs);

    // A touch, key or scan at nowMs (call for every input, lit or dark).
    // Returns true when it woke a dark screen: the app should then light it
    // and drop this touch (Display does so for SDL input).
    bool activity(std::int64_t nowMs);
    // Re-evaluates at nowMs / local wall time; returns whether the screen
    // should be lit. Call once per loop turn, before drawing.
    bool update(std::int64_t nowMs, const std::tm& local);

    State state() const { return m_state; }
    bool lit() const { return m_state != State::Dark; }
    // Milliseconds until update() may give another answer (the next
    // schedule change or the end of the wake period), ScreenSchedule::kNever
    // when nothing is pending. Use it to bound the event-loop sleep.
    std::int64_t msUntilNextChange(std::int64_t nowMs, const std::tm& local) const;

    static const char* stateName(State s);

private:
    bool recentlyActive(std::int64_t nowMs) const;

    ScreenSchedule m_schedule;
    std::int64_t m_wakePeriodMs = 0;
    std::int64_t m_lastActivityMs = 0;
    bool m_anyActivity = false;
    State m_state = State::Lit;
};

}  // namespace platform
