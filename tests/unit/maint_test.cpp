// Maintenance mode's data layer on a fake clock and real files in a temp
// folder: the PIN rules, the hash file, the lockout (5 wrong → 5 min, then
// doubling, capped at 24 h, reset by a right PIN, surviving a restart), the
// action log the heartbeat reports, the per-device settings file
// (DATA/device.toml) and the rotating log file. PIN hashes here use 1000
// PBKDF2 iterations so the suite stays fast; production uses kPinIterations.
#include "harness/temp_dir.h"
#include "base/log.h"
#include "config/config.h"
#include "maint/action_log.h"
#include "maint/pin.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace kiosk;
using maint::PinGuard;
using maint::PinVerdict;

namespace {

constexpr std::uint32_t kFast = 1000;
constexpr std::int64_t kT0 = 1'795'250'710'000;  // 2026-11-21, epoch ms
constexpr std::int64_t kMin = 60'000;
constexpr const char* kRight = "30571964";
constexpr const char* kWrong = "30571965";

// Temp folders made by a test are removed when the test program ends.
class TempDirs : public ::testing::Environment {
public:
    void TearDown() override { dirs.clear(); }
    std::vector<std::unique_ptr<harness::TempDir>> dirs;
};
TempDirs* const g_temp = static_cast<TempDirs*>(::testing::AddGlobalTestEnvironment(new TempDirs));

fs::path freshDir(const std::string& name) {
    g_temp->dirs.push_back(std::make_unique<harness::TempDir>("kiosk_maint_test-" + name));
    return g_temp->dirs.back()->path();
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

unsigned modeOf(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 0777;
}

// Five wrong PINs from `at`; returns the last check.
maint::PinCheck lockOut(PinGuard& g, std::int64_t at) {
    maint::PinCheck c;
    for (int i = 0; i < maint::kPinAttempts; ++i) c = g.check(kWrong, at);
    return c;
}

std::vector<std::string> actionsIn(const fs::path& dir) {
    std::vector<std::string> out;
    const auto recent = maint::recentActions(dir, 1000);  // kept: the loop must not run over a temporary
    for (const auto& a : recent.value()) out.push_back(a.action);
    return out;
}

}  // namespace

// ---------------------------------------------------------------- PIN rules

TEST(PinRules, RefusesWeakPinsAndSaysWhy) {
    auto why = [](std::string_view pin) {
        auto r = maint::checkPinRules(pin);
        return r ? std::string() : r.error().message;
    };
    EXPECT_NE(why("12345").find("6 to 12 digits"), std::string::npos) << why("12345");
    EXPECT_NE(why("1234567890123").find("6 to 12 digits"), std::string::npos);
    EXPECT_NE(why("12a456").find("digits only"), std::string::npos);
    EXPECT_NE(why("").find("6 to 12"), std::string::npos);
    EXPECT_NE(why("777777").find("one digit repeated"), std::string::npos);
    EXPECT_NE(why("123456").find("straight run"), std::string::npos);
    EXPECT_NE(why("654321").find("straight run"), std::string::npos);
    EXPECT_NE(why("0123456789").find("straight run"), std::string::npos);
    EXPECT_NE(why("890123").find("straight run"), std::string::npos) << "runs wrap past 9";
    EXPECT_NE(why("345678").find("straight run"), std::string::npos);
    EXPECT_EQ(why("345678").find("345678"), std::string::npos) << "the message never quotes the PIN";
    EXPECT_EQ(why("9999999").find("9999999"), std::string::npos) << "the message never quotes the PIN";
    EXPECT_EQ(why("305719"), "");
    EXPECT_EQ(why("123457"), "");
    EXPECT_EQ(why("305719643021"), "");
}

// ------------------------------------------------------------- hash storage

TEST(Pin, StoredAsASaltedSlowHashInA0600File) {
    const auto dir = freshDir("hash");
    EXPECT_FALSE(maint::pinIsSet(dir));
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    EXPECT_TRUE(maint::pinIsSet(dir));
    const auto file = dir / "maintenance-pin.json";
    EXPECT_EQ(modeOf(file), 0600u);
    const std::string text = slurp(file);
    EXPECT_EQ(text.find(kRight), std::string::npos) << "the PIN itself is never stored";
    const auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j["kdf"], "pbkdf2-hmac-sha256");
    EXPECT_EQ(j["iterations"], kFast);
    EXPECT_EQ(j["salt"].get<std::string>().size(), 32u) << "16 random bytes";
    // A second hash of the same PIN has its own salt.
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    EXPECT_NE(nlohmann::json::parse(slurp(file))["salt"], j["salt"]);
    EXPECT_FALSE(maint::setPin(dir, "123456", kFast).has_value()) << "the rules apply to setPin too";
}

TEST(Pin, DefaultIterationCountIsStored) {
    const auto dir = freshDir("iterations");
    ASSERT_TRUE(maint::setPin(dir, kRight).has_value());
    EXPECT_EQ(nlohmann::json::parse(slurp(dir / "maintenance-pin.json"))["iterations"], maint::kPinIterations);
    PinGuard g(dir);
    EXPECT_EQ(g.check(kRight, kT0).verdict, PinVerdict::Ok);
}

TEST(Pin, NotSetWhenMissingOrDamaged) {
    const auto dir = freshDir("notset");
    PinGuard g(dir);
    EXPECT_EQ(g.check(kRight, kT0).verdict, PinVerdict::NotSet);
    std::ofstream(dir / "maintenance-pin.json") << "{\"format\": \"kiosk-maint-pin/1\", \"hash\": \"zz\"}";
    EXPECT_FALSE(maint::pinIsSet(dir));
    EXPECT_EQ(g.check(kRight, kT0).verdict, PinVerdict::NotSet);
    // A tampered iteration count must not stall the pad.
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    auto j = nlohmann::json::parse(slurp(dir / "maintenance-pin.json"));
    j["iterations"] = 4'000'000'000u;
    std::ofstream(dir / "maintenance-pin.json") << j.dump();
    EXPECT_FALSE(maint::pinIsSet(dir));
}

// ---------------------------------------------------------------- lockout

TEST(PinGuard, RightPinOpensWithFullAttempts) {
    const auto dir = freshDir("right");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    const auto c = g.check(kRight, kT0);
    EXPECT_EQ(c.verdict, PinVerdict::Ok);
    EXPECT_EQ(c.attemptsLeft, 5);
    EXPECT_EQ(c.lockedUntilMs, 0);
    EXPECT_EQ(g.lockedUntilMs(kT0), 0);
}

TEST(PinGuard, WrongPinsCountDownAndTheFifthLocksForFiveMinutes) {
    const auto dir = freshDir("countdown");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    for (int left = 4; left >= 1; --left) {
        const auto c = g.check(kWrong, kT0);
        EXPECT_EQ(c.verdict, PinVerdict::Wrong);
        EXPECT_EQ(c.attemptsLeft, left);
        EXPECT_EQ(c.lockedUntilMs, 0);
    }
    const auto fifth = g.check(kWrong, kT0 + 1000);
    EXPECT_EQ(fifth.verdict, PinVerdict::Wrong);
    EXPECT_EQ(fifth.attemptsLeft, 0);
    EXPECT_EQ(fifth.lockedUntilMs, kT0 + 1000 + 5 * kMin);
    EXPECT_EQ(g.lockedUntilMs(kT0 + 2000), kT0 + 1000 + 5 * kMin);
}

TEST(PinGuard, WhileLockedEvenTheRightPinIsRefusedWithoutLookingAtIt) {
    const auto dir = freshDir("locked");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    const auto until = lockOut(g, kT0).lockedUntilMs;
    auto c = g.check(kRight, kT0 + 4 * kMin);
    EXPECT_EQ(c.verdict, PinVerdict::Locked);
    EXPECT_EQ(c.lockedUntilMs, until);
    EXPECT_EQ(c.attemptsLeft, 0);
    // Not even read (let alone hashed) while locked: without the PIN file it
    // still answers Locked, not NotSet.
    const std::string saved = slurp(dir / "maintenance-pin.json");
    fs::remove(dir / "maintenance-pin.json");
    EXPECT_EQ(g.check(kRight, kT0 + 4 * kMin).verdict, PinVerdict::Locked);
    std::ofstream(dir / "maintenance-pin.json") << saved;
    // Five minutes on, it opens, with five attempts again.
    EXPECT_EQ(g.check(kWrong, until).attemptsLeft, 4);
    c = g.check(kRight, until);
    EXPECT_EQ(c.verdict, PinVerdict::Ok);
    EXPECT_EQ(g.lockedUntilMs(until), 0);
}

TEST(PinGuard, SecondLockoutIsTenMinutesThirdTwentyAndARightPinResetsTheDoubling) {
    const auto dir = freshDir("doubling");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    std::int64_t t = kT0;
    for (std::int64_t minutes : {5, 10, 20}) {
        const auto c = lockOut(g, t);
        EXPECT_EQ(c.lockedUntilMs, t + minutes * kMin) << minutes;
        t = c.lockedUntilMs;
    }
    EXPECT_EQ(g.check(kRight, t).verdict, PinVerdict::Ok);
    EXPECT_EQ(lockOut(g, t).lockedUntilMs, t + 5 * kMin) << "back to 5 min after a right PIN";
}

TEST(PinGuard, LockoutLengthsAreFiveTenTwentyAndCappedAtADay) {
    const auto dir = freshDir("lengths");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    std::int64_t t = kT0;
    std::vector<std::int64_t> lengths;
    for (int i = 0; i < 12; ++i) {
        const auto until = lockOut(g, t).lockedUntilMs;
        lengths.push_back((until - t) / kMin);
        t = until;
    }
    const std::vector<std::int64_t> expected{5, 10, 20, 40, 80, 160, 320, 640, 1280, 1440, 1440, 1440};
    EXPECT_EQ(lengths, expected);
}

TEST(PinGuard, StateSurvivesARestart) {
    const auto dir = freshDir("restart");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    {
        PinGuard g(dir);
        for (int i = 0; i < 3; ++i) (void)g.check(kWrong, kT0);
    }
    {
        PinGuard g(dir);  // the app restarted
        EXPECT_EQ(g.check(kWrong, kT0).attemptsLeft, 1) << "the count went on";
        EXPECT_EQ(g.check(kWrong, kT0).lockedUntilMs, kT0 + 5 * kMin);
    }
    PinGuard g(dir);  // power cycle while locked
    EXPECT_EQ(g.lockedUntilMs(kT0 + kMin), kT0 + 5 * kMin);
    EXPECT_EQ(g.check(kRight, kT0 + kMin).verdict, PinVerdict::Locked);
    // And the doubling is remembered across the restart.
    EXPECT_EQ(lockOut(g, kT0 + 5 * kMin).lockedUntilMs, kT0 + 15 * kMin);
    EXPECT_EQ(modeOf(dir / "maintenance-lock.json"), 0600u);
}

TEST(PinGuard, CorruptOrMissingLockFileStartsAFreshCount) {
    const auto dir = freshDir("corrupt");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    (void)g.check(kWrong, kT0);
    std::ofstream(dir / "maintenance-lock.json") << "{not json";
    EXPECT_EQ(g.check(kWrong, kT0).attemptsLeft, 4);
    std::ofstream(dir / "maintenance-lock.json") << R"({"format": "kiosk-maint-lock/1", "failures": "x"})";
    EXPECT_EQ(g.lockedUntilMs(kT0), 0);
    EXPECT_EQ(g.check(kRight, kT0).verdict, PinVerdict::Ok);
    fs::remove(dir / "maintenance-lock.json");
    EXPECT_EQ(g.check(kWrong, kT0).attemptsLeft, 4);
    EXPECT_TRUE(fs::exists(dir / "maintenance-lock.json"));
}

TEST(PinGuard, SettingANewPinEndsTheLockout) {
    const auto dir = freshDir("reset");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    ASSERT_GT(lockOut(g, kT0).lockedUntilMs, 0);
    ASSERT_TRUE(maint::setPin(dir, "97310468", kFast).has_value());
    EXPECT_EQ(g.lockedUntilMs(kT0), 0);
    EXPECT_EQ(g.check(kRight, kT0).verdict, PinVerdict::Wrong) << "the old PIN is gone";
    EXPECT_EQ(g.check("97310468", kT0).verdict, PinVerdict::Ok);
}

TEST(PinGuard, AClockSetBackDoesNotStretchTheLock) {
    const auto dir = freshDir("clockback");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    (void)lockOut(g, kT0);
    const std::int64_t yearAgo = kT0 - 365LL * 86'400'000;
    EXPECT_EQ(g.lockedUntilMs(yearAgo), yearAgo + 5 * kMin) << "five minutes from the new now, not a year";
}

TEST(PinGuard, RecordsEntryWrongPinsAndTheLockout) {
    const auto dir = freshDir("audit");
    ASSERT_TRUE(maint::setPin(dir, kRight, kFast).has_value());
    PinGuard g(dir);
    (void)g.check(kRight, kT0);
    (void)lockOut(g, kT0);
    (void)g.check(kRight, kT0 + kMin);  // locked: not recorded again
    const std::vector<std::string> expected{"entered",   "wrong_pin", "wrong_pin", "wrong_pin",
                                            "wrong_pin", "wrong_pin", "lockout"};
    EXPECT_EQ(actionsIn(dir), expected);
    const auto log = slurp(dir / "maintenance-log.jsonl");
    EXPECT_EQ(log.find(kWrong), std::string::npos) << "no PIN in the log";
    EXPECT_NE(log.find("lockout 1 for 5 min"), std::string::npos) << log;
}

// ------------------------------------------------------------- action log

TEST(ActionLog, RecordsReportsOnceAndKeepsIds) {
    const auto dir = freshDir("actions");
    EXPECT_TRUE(maint::unreportedActions(dir)->empty());
    ASSERT_TRUE(maint::recordAction(dir, maint::action::kSyncNow, "", kT0).has_value());
    ASSERT_TRUE(maint::recordAction(dir, maint::action::kRotation, "rotation 90", kT0 + 1).has_value());
    auto u = maint::unreportedActions(dir);
    ASSERT_TRUE(u.has_value());
    ASSERT_EQ(u->size(), 2u);
    EXPECT_EQ((*u)[0].id, 1);
    EXPECT_EQ((*u)[0].action, "sync_now");
    EXPECT_EQ((*u)[1].detail, "rotation 90");
    EXPECT_EQ((*u)[1].at, kT0 + 1);
    ASSERT_TRUE(maint::markReported(dir, 1).has_value());
    u = maint::unreportedActions(dir);
    ASSERT_EQ(u->size(), 1u);
    EXPECT_EQ((*u)[0].id, 2);
    ASSERT_TRUE(maint::markReported(dir, 2).has_value());
    EXPECT_TRUE(maint::unreportedActions(dir)->empty());
    ASSERT_TRUE(maint::recordAction(dir, maint::action::kLeft, "", kT0 + 2).has_value());
    EXPECT_EQ(maint::unreportedActions(dir)->at(0).id, 3) << "ids keep rising after reports";
    EXPECT_EQ(maint::recentActions(dir, 2)->size(), 2u);
    EXPECT_EQ(modeOf(dir / "maintenance-log.jsonl"), 0600u);
    // Every line is {id, at, action, detail}.
    std::istringstream lines(slurp(dir / "maintenance-log.jsonl"));
    for (std::string line; std::getline(lines, line);) {
        const auto j = nlohmann::json::parse(line);
        EXPECT_TRUE(j.contains("id") && j.contains("at") && j.contains("action") && j.contains("detail")) << line;
    }
}

TEST(ActionLog, RefusesOddActionWordsAndTrimsDetail) {
    const auto dir = freshDir("words");
    EXPECT_FALSE(maint::recordAction(dir, "Sync Now", "", kT0).has_value());
    EXPECT_FALSE(maint::recordAction(dir, "", "", kT0).has_value());
    ASSERT_TRUE(maint::recordAction(dir, "left", std::string(500, 'x') + "\nline", kT0).has_value());
    const auto a = maint::unreportedActions(dir)->at(0);
    EXPECT_EQ(a.detail.size(), 200u);
    EXPECT_EQ(a.detail.find('\n'), std::string::npos);
}

TEST(ActionLog, ATornLastLineIsSkippedAndDoesNotSwallowTheNext) {
    const auto dir = freshDir("torn");
    ASSERT_TRUE(maint::recordAction(dir, "sync_now", "", kT0).has_value());
    std::ofstream(dir / "maintenance-log.jsonl", std::ios::app) << R"({"id": 2, "at": 17952)";  // power cut
    ASSERT_TRUE(maint::recordAction(dir, "left", "", kT0 + 1).has_value());
    const auto u = maint::unreportedActions(dir);
    ASSERT_EQ(u->size(), 2u);
    EXPECT_EQ(u->at(1).action, "left");
    EXPECT_EQ(u->at(1).id, 2);
}

TEST(ActionLog, StaysBounded) {
    const auto dir = freshDir("bounded");
    {
        std::ofstream out(dir / "maintenance-log.jsonl");
        for (int i = 1; i <= 1100; ++i)
            out << nlohmann::json{{"id", i}, {"at", kT0 + i}, {"action", "sync_now"}, {"detail", ""}}.dump() << "\n";
    }
    // Never reported (the hub was away): the newest 1000 unreported are kept.
    ASSERT_TRUE(maint::recordAction(dir, "left", "", kT0 + 2000).has_value());
    auto u = maint::unreportedActions(dir);
    ASSERT_EQ(u->size(), maint::kUnreportedKept);
    EXPECT_EQ(u->back().id, 1101);
    EXPECT_EQ(u->front().id, 102);
    // Reported: the newest 500 stay for the technician.
    ASSERT_TRUE(maint::markReported(dir, 1101).has_value());
    EXPECT_TRUE(maint::unreportedActions(dir)->empty());
    const auto all = maint::recentActions(dir, 5000);
    ASSERT_EQ(all->size(), maint::kReportedKept);
    EXPECT_EQ(all->back().id, 1101);
    ASSERT_TRUE(maint::recordAction(dir, "left", "", kT0 + 3000).has_value());
    EXPECT_EQ(maint::unreportedActions(dir)->at(0).id, 1102);
}

// ------------------------------------------------------ device settings file

TEST(DeviceSettings, WrittenMergedAndOverlaid) {
    const auto dir = freshDir("device");
    ASSERT_TRUE(config::writeDeviceSettings(dir, {{"display.rotation", "90"}, {"printer.kind", "\"escpos\""}}).has_value());
    ASSERT_TRUE(config::writeDeviceSettings(dir, {{"printer.device", "\"tcp:10.0.0.9:9100\""}, {"printer.width_dots", "384"}})
                    .has_value());
    auto base = config::parse("[display]\nrotation = 180\n[site]\nname = \"x\"\n", "site.toml");
    ASSERT_TRUE(base.has_value());
    auto c = config::overlayFile(*base, dir / "device.toml");
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_EQ(c->rotation, 90) << "the device file wins over the site file";
    EXPECT_EQ(c->printerKind, "escpos") << "the first write was kept";
    EXPECT_EQ(c->printerDevice, "tcp:10.0.0.9:9100");
    EXPECT_EQ(c->printerWidthDots, 384);
    EXPECT_EQ(c->siteName, "x");
    EXPECT_EQ(modeOf(dir / "device.toml"), 0644u);
}

TEST(DeviceSettings, BadValuesAreRefusedAndTheFileStaysAsItWas) {
    const auto dir = freshDir("devicebad");
    ASSERT_TRUE(config::writeDeviceSettings(dir, {{"display.rotation", "90"}}).has_value());
    const std::string before = slurp(dir / "device.toml");
    auto r = config::writeDeviceSettings(dir, {{"display.rotation", "45"}});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("device.toml"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("display.rotation"), std::string::npos) << r.error().message;
    r = config::writeDeviceSettings(dir, {{"printer.kind", "\"laser\""}});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("escpos"), std::string::npos) << "names the allowed words: " << r.error().message;
    r = config::writeDeviceSettings(dir, {{"printer.colour", "true"}});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("printer.colour"), std::string::npos) << r.error().message;
    EXPECT_FALSE(config::writeDeviceSettings(dir, {{"data.dir", "\"/tmp\""}}).has_value());
    EXPECT_FALSE(config::writeDeviceSettings(dir, {{"printer.kind", "escpos"}}).has_value()) << "strings need quotes";
    EXPECT_EQ(slurp(dir / "device.toml"), before);
}

TEST(DeviceSettings, OverlayNamesTheFileAndKeyAndMissingIsNotFound) {
    const auto dir = freshDir("overlay");
    auto base = config::defaults();
    ASSERT_TRUE(base.has_value());
    auto missing = config::overlayFile(*base, dir / "device.toml");
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    std::ofstream(dir / "device.toml") << "[display]\nrotation = 100\n";
    auto bad = config::overlayFile(*base, dir / "device.toml");
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().message.find((dir / "device.toml").string()), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("display.rotation"), std::string::npos) << bad.error().message;
    std::ofstream(dir / "device.toml") << "[printer]\nspeed = 3\n";
    bad = config::overlayFile(*base, dir / "device.toml");
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().message.find("device.toml:2"), std::string::npos) << bad.error().message;
}

// ------------------------------------------------------------ log file sink

TEST(LogFile, LinesGoToARotatingBoundedFile) {
    const auto dir = freshDir("logs");
    const auto file = log::logFileIn(dir);
    ASSERT_TRUE(log::addFileSink(file, 4096, 3).has_value());
    log::channel("maint")->info("first line for the file");
    EXPECT_NE(slurp(file).find("info [maint] first line for the file"), std::string::npos) << "flushed at once";
    for (int i = 0; i < 400; ++i) log::channel("maint")->info("filler line {} to make the file rotate", i);
    EXPECT_TRUE(fs::exists(dir / "logs/kiosk.1.log"));
    EXPECT_TRUE(fs::exists(dir / "logs/kiosk.2.log"));
    EXPECT_FALSE(fs::exists(dir / "logs/kiosk.3.log")) << "three files at most";
    std::uintmax_t total = 0;
    for (const auto& e : fs::directory_iterator(dir / "logs")) total += e.file_size();
    EXPECT_LE(total, 3u * 4096u + 512u);
    EXPECT_NE(slurp(file).find("filler line 399"), std::string::npos);
    // Leave the suite's later tests logging to stderr only.
    ASSERT_TRUE(log::addFileSink(freshDir("logs-after") / "after.log").has_value());
}
