// The screen schedule and the wake rule of screen_schedule.h: minute
// arithmetic on a 24-hour circle and a three-state machine. Pure; the caller
// brings the time.
#include "screen_schedule.h"

#include <fmt/format.h>

#include <algorithm>

namespace platform {
namespace {

using kiosk::ErrorCode;
using kiosk::fail;

constexpr int kDayS = 24 * 60 * 60;

// "HH:MM" -> minutes after midnight, or -1.
int parseClock(std::string_view t) {
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (t.size() != 5 || t[2] != ':' || !digit(t[0]) || !digit(t[1]) || !digit(t[3]) || !digit(t[4])) return -1;
    const int h = (t[0] - '0') * 10 + (t[1] - '0');
    const int m = (t[3] - '0') * 10 + (t[4] - '0');
    if (h > 23 || m > 59) return -1;
    return h * 60 + m;
}

int minuteOfDay(const std::tm& t) { return std::clamp(t.tm_hour, 0, 23) * 60 + std::clamp(t.tm_min, 0, 59); }

}  // namespace

kiosk::Result<ScreenSchedule> ScreenSchedule::parse(std::string_view onAt, std::string_view offAt) {
    if (onAt.empty() && offAt.empty()) return ScreenSchedule{};
    if (onAt.empty() || offAt.empty())
        return fail(ErrorCode::Config, "set both display.on_at and display.off_at (or neither, for always on)");
    ScreenSchedule s;
    s.m_onMin = parseClock(onAt);
    s.m_offMin = parseClock(offAt);
    if (s.m_onMin < 0)
        return fail(ErrorCode::Config, fmt::format("display.on_at = \"{}\" must be a time of day as HH:MM (00:00–23:59)", onAt));
    if (s.m_offMin < 0)
        return fail(ErrorCode::Config, fmt::format("display.off_at = \"{}\" must be a time of day as HH:MM (00:00–23:59)", offAt));
    if (s.m_onMin == s.m_offMin)
        return fail(ErrorCode::Config,
                    fmt::format("display.on_at and display.off_at are both {}: give different times, or leave both \"\"", onAt));
    return s;
}

bool ScreenSchedule::shouldBeOn(const std::tm& local) const {
    if (alwaysOn()) return true;
    const int m = minuteOfDay(local);
    if (m_onMin < m_offMin) return m >= m_onMin && m < m_offMin;
    return m >= m_onMin || m < m_offMin;  // the off time is after midnight
}

int ScreenSchedule::secondsUntilChange(const std::tm& local) const {
    if (alwaysOn()) return kNever;
    const int nowS = minuteOfDay(local) * 60 + std::clamp(local.tm_sec, 0, 59);
    auto until = [&](int minute) {
        const int d = ((minute * 60 - nowS) % kDayS + kDayS) % kDayS;
        return d == 0 ? kDayS : d;  // at the boundary itself, the next one is a day away
    };
    return std::min(until(m_onMin), until(m_offMin));
}

ScreenPower::ScreenPower(ScreenSchedule schedule, std::int64_t wakePeriodMs)
    : m_schedule(schedule), m_wakePeriodMs(std::max<std::int64_t>(wakePeriodMs, 0)) {}

bool ScreenPower::recentlyActive(std::int64_t nowMs) const {
    return m_anyActivity && nowMs - m_lastActivityMs < m_wakePeriodMs;
}

bool ScreenPower::activity(std::int64_t nowMs) {
    m_lastActivityMs = nowMs;
    m_anyActivity = true;
    if (m_state != State::Dark) return false;
    m_state = State::Awake;
    return true;
}

bool ScreenPower::update(std::int64_t nowMs, const std::tm& local) {
    if (m_schedule.shouldBeOn(local)) {
        m_state = State::Lit;
    } else if (m_state != State::Dark) {
        m_state = recentlyActive(nowMs) ? State::Awake : State::Dark;
    }
    return lit();
}

std::int64_t ScreenPower::msUntilNextChange(std::int64_t nowMs, const std::tm& local) const {
    std::int64_t next = ScreenSchedule::kNever;
    if (const int s = m_schedule.secondsUntilChange(local); s != ScreenSchedule::kNever) next = std::int64_t(s) * 1000;
    if (m_state == State::Awake) {
        const std::int64_t wakeLeft = std::max<std::int64_t>(m_lastActivityMs + m_wakePeriodMs - nowMs, 0);
        next = next == ScreenSchedule::kNever ? wakeLeft : std::min(next, wakeLeft);
    }
    return next;
}

const char* ScreenPower::stateName(State s) {
    switch (s) {
        case State::Lit: return "lit";
        case State::Awake: return "awake";
        case State::Dark: return "dark";
    }
    return "?";
}

}  // namespace platform
