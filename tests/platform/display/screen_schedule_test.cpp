// The screen schedule and the wake rule on a fixed clock: parsing, a full
// day minute by minute, an off time after midnight, secondsUntilChange, a
// visitor mid-session at the off time, waking on touch and going dark again.
#include "screen_schedule.h"

#include <gtest/gtest.h>

namespace {

using platform::ScreenPower;
using platform::ScreenSchedule;
using State = ScreenPower::State;

std::tm at(int h, int m, int s = 0) {
    std::tm t{};
    t.tm_year = 126;  // 2026
    t.tm_mon = 0;
    t.tm_mday = 15;
    t.tm_hour = h;
    t.tm_min = m;
    t.tm_sec = s;
    return t;
}

ScreenSchedule schedule(const char* on, const char* off) {
    auto s = ScreenSchedule::parse(on, off);
    EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
    return s ? *s : ScreenSchedule{};
}

// A fake day for ScreenPower: monotonic ms since 00:00 of day one and the
// matching wall time.
struct Day {
    std::int64_t ms = 0;
    std::tm local() const {
        const std::int64_t s = (ms / 1000) % 86400;
        return at(int(s / 3600), int(s / 60 % 60), int(s % 60));
    }
    void set(int h, int m, int day = 0) { ms = (std::int64_t(day) * 86400 + h * 3600 + m * 60) * 1000; }
};

constexpr std::int64_t kWake = 120'000;  // the idle timeout, 2 min

}  // namespace

TEST(DisplaySchedule, ParsesAndRejectsWithTheKeyName) {
    EXPECT_TRUE(ScreenSchedule::parse("", "")->alwaysOn());
    const auto s = ScreenSchedule::parse("07:30", "22:05");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->onMinute(), 7 * 60 + 30);
    EXPECT_EQ(s->offMinute(), 22 * 60 + 5);
    for (auto [on, off, key] : {std::tuple{"7:30", "22:00", "on_at"}, std::tuple{"07:30", "24:00", "off_at"},
                                std::tuple{"07:30", "", "both"}, std::tuple{"07:60", "22:00", "on_at"},
                                std::tuple{"08:00", "08:00", "both"}, std::tuple{"aa:bb", "01:00", "on_at"}}) {
        const auto r = ScreenSchedule::parse(on, off);
        ASSERT_FALSE(r.has_value()) << on << " " << off;
        EXPECT_NE(r.error().message.find(key), std::string::npos) << r.error().message;
    }
}

TEST(DisplaySchedule, AlwaysOnWithoutTimes) {
    const ScreenSchedule s;
    for (int h = 0; h < 24; ++h) EXPECT_TRUE(s.shouldBeOn(at(h, 17)));
    EXPECT_EQ(s.secondsUntilChange(at(3, 0)), ScreenSchedule::kNever);
}

TEST(DisplaySchedule, FullDaySameDay) {
    const ScreenSchedule s = schedule("08:00", "20:30");
    int onMinutes = 0;
    for (int m = 0; m < 24 * 60; ++m) {
        const bool on = s.shouldBeOn(at(m / 60, m % 60));
        EXPECT_EQ(on, m >= 8 * 60 && m < 20 * 60 + 30) << m;
        onMinutes += on;
    }
    EXPECT_EQ(onMinutes, 12 * 60 + 30);
}

TEST(DisplaySchedule, OffTimeAfterMidnight) {
    const ScreenSchedule s = schedule("07:30", "01:00");
    EXPECT_TRUE(s.shouldBeOn(at(7, 30)));
    EXPECT_TRUE(s.shouldBeOn(at(23, 59)));
    EXPECT_TRUE(s.shouldBeOn(at(0, 0)));
    EXPECT_TRUE(s.shouldBeOn(at(0, 59)));
    EXPECT_FALSE(s.shouldBeOn(at(1, 0)));
    EXPECT_FALSE(s.shouldBeOn(at(7, 29)));
    int onMinutes = 0;
    for (int m = 0; m < 24 * 60; ++m) onMinutes += s.shouldBeOn(at(m / 60, m % 60));
    EXPECT_EQ(onMinutes, 24 * 60 - 6 * 60 - 30);
}

TEST(DisplaySchedule, SecondsUntilChange) {
    const ScreenSchedule s = schedule("07:30", "01:00");
    EXPECT_EQ(s.secondsUntilChange(at(7, 29, 30)), 30);
    EXPECT_EQ(s.secondsUntilChange(at(7, 30, 0)), (24 + 1) * 3600 - 7 * 3600 - 30 * 60);  // next: 01:00 tomorrow
    EXPECT_EQ(s.secondsUntilChange(at(23, 0, 0)), 2 * 3600);                              // across midnight
    EXPECT_EQ(s.secondsUntilChange(at(1, 0, 0)), 6 * 3600 + 30 * 60);
    // Walking the day: the answer always lands exactly on a change.
    for (int m = 0; m < 24 * 60; m += 7) {
        const std::tm t = at(m / 60, m % 60, 13);
        const int d = s.secondsUntilChange(t);
        ASSERT_GT(d, 0);
        const int target = (m * 60 + 13 + d) % 86400;
        const std::tm before = at((target - 60 + 86400) % 86400 / 3600, (target - 60 + 86400) % 86400 / 60 % 60);
        const std::tm after = at(target / 3600, target / 60 % 60);
        EXPECT_EQ(target % 60, 0);
        EXPECT_NE(s.shouldBeOn(before), s.shouldBeOn(after)) << m;
    }
}

TEST(DisplayPower, FullDayWithoutVisitorsFollowsTheSchedule) {
    ScreenPower p(schedule("07:30", "01:00"), kWake);
    Day d;
    int changes = 0;
    bool last = p.update(d.ms, d.local());
    EXPECT_TRUE(last);  // 00:00 is inside opening hours
    for (int m = 1; m <= 24 * 60; ++m) {
        d.ms = std::int64_t(m) * 60'000;
        const bool on = p.update(d.ms, d.local());
        if (on != last) ++changes;
        last = on;
        const int mod = m % (24 * 60);
        EXPECT_EQ(on, mod < 60 || mod >= 7 * 60 + 30) << m;
    }
    EXPECT_EQ(changes, 2);
}

TEST(DisplayPower, StartsDarkAtNight) {
    ScreenPower p(schedule("08:00", "20:00"), kWake);
    Day d;
    d.set(3, 0);
    EXPECT_FALSE(p.update(d.ms, d.local()));
    EXPECT_EQ(p.state(), State::Dark);
}

TEST(DisplayPower, VisitorMidSessionKeepsItLitPastTheOffTime) {
    ScreenPower p(schedule("08:00", "20:00"), kWake);
    Day d;
    d.set(19, 59);
    EXPECT_TRUE(p.update(d.ms, d.local()));
    p.activity(d.ms + 30'000);  // 19:59:30, a visitor touches
    d.set(20, 0);
    EXPECT_TRUE(p.update(d.ms, d.local()));
    EXPECT_EQ(p.state(), State::Awake);
    EXPECT_EQ(p.msUntilNextChange(d.ms, d.local()), 90'000);  // 19:59:30 + 2 min
    p.activity(d.ms + 60'000);  // still busy at 20:01
    d.ms += 150'000;            // 20:02:30
    EXPECT_TRUE(p.update(d.ms, d.local()));
    d.ms += 30'000;  // 20:03:00 = 20:01 + 2 min
    EXPECT_FALSE(p.update(d.ms, d.local()));
    EXPECT_EQ(p.state(), State::Dark);
}

TEST(DisplayPower, TouchWakesThenItGoesDarkAgain) {
    ScreenPower p(schedule("07:30", "01:00"), kWake);
    Day d;
    d.set(2, 0);
    EXPECT_FALSE(p.update(d.ms, d.local()));
    EXPECT_EQ(p.msUntilNextChange(d.ms, d.local()), (5 * 3600 + 30 * 60) * 1000LL);
    EXPECT_TRUE(p.activity(d.ms));  // the waking touch
    EXPECT_FALSE(p.activity(d.ms + 1000));  // later touches are ordinary
    EXPECT_TRUE(p.update(d.ms + 1000, d.local()));
    EXPECT_EQ(p.state(), State::Awake);
    EXPECT_EQ(p.msUntilNextChange(d.ms + 1000, d.local()), kWake);
    EXPECT_TRUE(p.update(d.ms + 1000 + kWake - 1, d.local()));
    EXPECT_FALSE(p.update(d.ms + 1000 + kWake, d.local()));
    EXPECT_EQ(p.state(), State::Dark);
    // Dark until the on time, then lit without anybody touching it.
    d.set(7, 29);
    EXPECT_FALSE(p.update(d.ms, d.local()));
    d.set(7, 30);
    EXPECT_TRUE(p.update(d.ms, d.local()));
    EXPECT_EQ(p.state(), State::Lit);
    EXPECT_FALSE(p.activity(d.ms));  // a touch in opening hours wakes nothing
}

TEST(DisplayPower, WokenJustBeforeTheOnTimeStaysLit) {
    ScreenPower p(schedule("07:30", "01:00"), kWake);
    Day d;
    d.set(7, 29);
    EXPECT_FALSE(p.update(d.ms, d.local()));
    EXPECT_TRUE(p.activity(d.ms));
    d.set(7, 30);
    EXPECT_TRUE(p.update(d.ms + 200'000, at(7, 33)));
    EXPECT_EQ(p.state(), State::Lit);
}

TEST(DisplayPower, AlwaysOnNeverDarkens) {
    ScreenPower p(ScreenSchedule{}, kWake);
    Day d;
    for (int h = 0; h < 24; ++h) {
        d.set(h, 0);
        EXPECT_TRUE(p.update(d.ms, d.local()));
    }
    EXPECT_EQ(p.msUntilNextChange(d.ms, d.local()), ScreenSchedule::kNever);
}
