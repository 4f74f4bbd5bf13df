// OS updates on the kiosk without a network: the [update] config keys and
// their errors, the reboot window (wrapping midnight, the whole day), the
// quiet-hours reboot rule on a made-up clock (app/os_reboot.h), and what the
// files in DATA/updates make the kiosk report (client/os_update.h). The
// download itself runs against a real hub in tests/sync/e2e/os_update_e2e_test.cpp.
#include "harness/temp_dir.h"
#include "client/os_update.h"
#include "config/config.h"
#include "os_reboot.h"
#include "state/reducer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace kiosk;
namespace fs = std::filesystem;
namespace ou = kiosk::sync::osupdate;

namespace {

config::DayWindow window(std::string_view text) {
    auto w = config::parseDayWindow(text, "update.reboot_window");
    EXPECT_TRUE(w.has_value()) << text << ": " << w.error().message;
    return w.value_or(config::DayWindow{});
}

int at(int h, int m) { return h * 60 + m; }

std::tm localAt(int h, int m) {
    std::tm t{};
    t.tm_year = 126;
    t.tm_mday = 15;
    t.tm_hour = h;
    t.tm_min = m;
    return t;
}

state::Settings settings() {
    state::Settings s;
    s.idleTimeoutMs = 90'000;
    s.idleCountdownMs = 30'000;
    return s;
}

// A kiosk that started at monotonic 0 and has run for `ms` untouched.
state::AppState restingFor(std::int64_t ms) {
    state::AppState s = state::makeInitialState(settings(), 0);
    (void)state::reduce(s, state::Tick{ms});
    return s;
}

fs::path tempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return harness::freshTempDir("kiosk-os-update-" + std::string(info->name()));
}

void writeJson(const fs::path& p, const nlohmann::json& j) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << j.dump();
}

}  // namespace

// ── config ──

TEST(OsUpdateConfig, DefaultsAreOffWithTheImagesReleaseFileAndANightWindow) {
    auto c = config::defaults();
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_FALSE(c->updateEnabled);
    EXPECT_EQ(c->osReleaseFile, "/etc/kiosk-image-release");
    EXPECT_EQ(c->rebootWindow, "02:00-05:00");
    EXPECT_NE(config::defaultsText().find("reboot_window = \"02:00-05:00\""), std::string_view::npos);
}

TEST(OsUpdateConfig, ABadWindowIsRefusedWithItsLineAndTheForm) {
    auto c = config::parse("[update]\nenabled = true\nreboot_window = \"2-5\"\n", "site.toml");
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, ErrorCode::Config);
    EXPECT_NE(c.error().message.find("site.toml:3"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("'update.reboot_window' = \"2-5\""), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("HH:MM-HH:MM"), std::string::npos) << c.error().message;

    auto type = config::parse("[update]\nenabled = \"yes\"\n", "site.toml");
    ASSERT_FALSE(type.has_value());
    EXPECT_NE(type.error().message.find("'update.enabled' must be true or false"), std::string::npos)
        << type.error().message;
    auto unknown = config::parse("[update]\nchannel = \"beta\"\n", "site.toml");
    ASSERT_FALSE(unknown.has_value());
    EXPECT_NE(unknown.error().message.find("enabled, os_release_file, reboot_window"), std::string::npos)
        << unknown.error().message;
    auto noFile = config::parse("[update]\nos_release_file = \"\"\n", "site.toml");
    ASSERT_FALSE(noFile.has_value());
    EXPECT_NE(noFile.error().message.find("'update.os_release_file' must name a file"), std::string::npos)
        << noFile.error().message;
}

TEST(OsUpdateConfig, DeviceSettingsOverrideTheSiteFile) {
    const fs::path dir = tempDir();
    auto site = config::parse("[update]\nenabled = true\nreboot_window = \"01:00-03:00\"\n", "site.toml");
    ASSERT_TRUE(site.has_value()) << site.error().message;
    auto w = config::writeDeviceSettings(dir, {{"update.reboot_window", "\"22:30-04:00\""}});
    ASSERT_TRUE(w.has_value()) << w.error().message;
    auto c = config::overlayFile(*site, dir / config::kDeviceSettingsFile);
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_TRUE(c->updateEnabled);
    EXPECT_EQ(c->rebootWindow, "22:30-04:00");
    auto bad = config::writeDeviceSettings(dir, {{"update.reboot_window", "\"04:00-04:00\""}});
    ASSERT_FALSE(bad.has_value()) << "a device setting is checked like the site file";
    EXPECT_NE(bad.error().message.find("starts and ends at the same time"), std::string::npos) << bad.error().message;
    fs::remove_all(dir);
}

// ── the window ──

TEST(RebootWindow, AWindowWithinOneDayIncludesItsStartNotItsEnd) {
    const auto w = window("02:00-05:00");
    EXPECT_FALSE(w.contains(at(1, 59)));
    EXPECT_TRUE(w.contains(at(2, 0)));
    EXPECT_TRUE(w.contains(at(4, 59)));
    EXPECT_FALSE(w.contains(at(5, 0)));
    EXPECT_FALSE(w.contains(at(14, 0)));
}

TEST(RebootWindow, AWindowPastMidnightWraps) {
    const auto w = window("22:00-04:00");
    EXPECT_FALSE(w.contains(at(21, 59)));
    EXPECT_TRUE(w.contains(at(22, 0)));
    EXPECT_TRUE(w.contains(at(23, 59)));
    EXPECT_TRUE(w.contains(at(0, 0)));
    EXPECT_TRUE(w.contains(at(3, 59)));
    EXPECT_FALSE(w.contains(at(4, 0)));
    EXPECT_FALSE(w.contains(at(12, 0)));
}

TEST(RebootWindow, TwentyFourHundredEndsAtMidnightAndTheWholeDayIsAnyTime) {
    const auto late = window("22:00-24:00");
    EXPECT_TRUE(late.contains(at(23, 59)));
    EXPECT_FALSE(late.contains(at(0, 0)));
    EXPECT_FALSE(late.contains(at(21, 59)));
    const auto always = window("00:00-24:00");
    for (int m = 0; m < 24 * 60; ++m) ASSERT_TRUE(always.contains(m)) << m;
}

TEST(RebootWindow, MalformedWindowsSayWhatIsWrong) {
    for (const char* bad : {"", "02:00", "2:00-5:00", "02:00-25:00", "24:00-03:00", "02:60-03:00", "02:00-05:00x",
                            "03:00-03:00", "00:00-00:00"}) {
        auto w = config::parseDayWindow(bad, "update.reboot_window");
        ASSERT_FALSE(w.has_value()) << "'" << bad << "' was accepted";
        EXPECT_NE(w.error().message.find("update.reboot_window"), std::string::npos) << w.error().message;
        EXPECT_NE(w.error().message.find("HH:MM-HH:MM"), std::string::npos) << w.error().message;
    }
}

// ── the reboot rule, on a made-up clock ──

TEST(RebootRule, AnIdleKioskInsideTheWindowRebootsOnce) {
    const auto w = window("02:00-05:00");
    const state::AppState s = restingFor(3 * 60'000);
    app::RebootFacts f{true, false, localAt(3, 0), 0};
    EXPECT_EQ(app::decideReboot(s, w, f), app::RebootVerdict::Now);
    f.alreadyRequested = true;
    EXPECT_EQ(app::decideReboot(s, w, f), app::RebootVerdict::NothingWaiting) << "once";
    f = {false, false, localAt(3, 0), 0};
    EXPECT_EQ(app::decideReboot(s, w, f), app::RebootVerdict::NothingWaiting) << "no installed update";
}

TEST(RebootRule, OnlyInsideTheWindowIncludingOnePastMidnight) {
    const state::AppState s = restingFor(10 * 60'000);
    const auto night = window("02:00-05:00");
    EXPECT_EQ(app::decideReboot(s, night, {true, false, localAt(1, 59), 0}), app::RebootVerdict::OutsideWindow);
    EXPECT_EQ(app::decideReboot(s, night, {true, false, localAt(5, 0), 0}), app::RebootVerdict::OutsideWindow);
    EXPECT_EQ(app::decideReboot(s, night, {true, false, localAt(9, 30), 0}), app::RebootVerdict::OutsideWindow);
    const auto wrap = window("23:00-01:00");
    EXPECT_EQ(app::decideReboot(s, wrap, {true, false, localAt(23, 30), 0}), app::RebootVerdict::Now);
    EXPECT_EQ(app::decideReboot(s, wrap, {true, false, localAt(0, 30), 0}), app::RebootVerdict::Now);
    EXPECT_EQ(app::decideReboot(s, wrap, {true, false, localAt(1, 0), 0}), app::RebootVerdict::OutsideWindow);
    EXPECT_EQ(app::decideReboot(s, window("00:00-24:00"), {true, false, localAt(14, 7), 0}), app::RebootVerdict::Now);
}

TEST(RebootRule, AVisitorPagesDialogsAndTheCountdownHoldItBack) {
    const auto w = window("00:00-24:00");
    const app::RebootFacts f{true, false, localAt(3, 0), 0};

    // A visitor touched the home screen a minute ago: a session is running.
    state::AppState s = restingFor(60'000);
    (void)state::reduce(s, state::UserActivity{});
    (void)state::reduce(s, state::Tick{2 * 60'000});
    EXPECT_EQ(app::decideReboot(s, w, f), app::RebootVerdict::VisitorBusy);
    // The idle countdown is showing (timeout 90 s after the touch).
    (void)state::reduce(s, state::Tick{60'000 + 95'000});
    ASSERT_TRUE(s.idle.warning);
    EXPECT_EQ(app::decideReboot(s, w, f), app::RebootVerdict::VisitorBusy);
    // The countdown ends (+30 s): the session is wiped, which counts as the
    // last activity, so the kiosk waits two more quiet minutes.
    const std::int64_t wipedAt = 60'000 + 120'000;
    (void)state::reduce(s, state::Tick{wipedAt});
    ASSERT_FALSE(s.session.active);
    ASSERT_EQ(s.wipes, 1u);
    EXPECT_EQ(app::decideReboot(s, w, f), app::RebootVerdict::TouchedRecently);
    (void)state::reduce(s, state::Tick{wipedAt + app::kRebootQuietMs - 1});
    EXPECT_EQ(app::decideReboot(s, w, f), app::RebootVerdict::TouchedRecently);
    (void)state::reduce(s, state::Tick{wipedAt + app::kRebootQuietMs});
    EXPECT_EQ(app::decideReboot(s, w, f), app::RebootVerdict::Now);

    // Any page other than home, or a dialog, even without a session.
    state::AppState page = restingFor(10 * 60'000);
    (void)state::reduce(page, state::Navigate{state::ScreenId::CaseLookup});
    EXPECT_EQ(app::decideReboot(page, w, f), app::RebootVerdict::VisitorBusy);
    state::AppState dialog = restingFor(10 * 60'000);
    dialog.session.modal = state::Modal::ConfirmLeave;
    EXPECT_EQ(app::decideReboot(dialog, w, f), app::RebootVerdict::VisitorBusy);
}

TEST(RebootRule, MaintenanceSetupAndAWakeUpTouchHoldItBack) {
    const auto w = window("00:00-24:00");
    for (auto mode : {state::MaintMode::Pin, state::MaintMode::Open, state::MaintMode::Setup}) {
        state::AppState s = restingFor(10 * 60'000);
        s.maint.mode = mode;
        EXPECT_EQ(app::decideReboot(s, w, {true, false, localAt(3, 0), 0}), app::RebootVerdict::Maintenance);
    }
    // A technician left maintenance a minute ago (maintenance keeps its own clock).
    state::AppState left = restingFor(10 * 60'000);
    left.maint.lastActivityMs = 9 * 60'000;
    EXPECT_EQ(app::decideReboot(left, w, {true, false, localAt(3, 0), 0}), app::RebootVerdict::TouchedRecently);
    // A touch that only woke the dark screen reaches no reducer, but counts.
    const state::AppState dark = restingFor(10 * 60'000);
    EXPECT_EQ(app::decideReboot(dark, w, {true, false, localAt(3, 0), 9 * 60'000}), app::RebootVerdict::TouchedRecently);
    EXPECT_EQ(app::decideReboot(dark, w, {true, false, localAt(3, 0), 8 * 60'000}), app::RebootVerdict::Now);
}

// ── what the files say ──

TEST(OsUpdateFiles, TheRunningVersionComesFromVersionWithOrWithoutQuotes) {
    const fs::path dir = tempDir();
    auto missing = ou::readOsVersion(dir / "kiosk-image-release");
    ASSERT_TRUE(missing.has_value()) << missing.error().message;
    EXPECT_FALSE(missing->has_value()) << "no release file: not on the OS image";
    for (const auto& [line, want] : std::vector<std::pair<std::string, std::string>>{
             {"VERSION=0.2.0+202611211415.gb5d53f1", "0.2.0+202611211415.gb5d53f1"},
             {"VERSION=\"0.2.0\"", "0.2.0"},
             {"VERSION='0.3.0'", "0.3.0"}}) {
        std::ofstream(dir / "release") << "NAME=\"Kiosk OS\"\n" << line << "\nBUILD_ID=x\n";
        auto v = ou::readOsVersion(dir / "release");
        ASSERT_TRUE(v.has_value() && v->has_value()) << line;
        EXPECT_EQ(**v, want);
    }
    std::ofstream(dir / "release") << "NAME=\"Kiosk OS\"\n";
    auto none = ou::readOsVersion(dir / "release");
    ASSERT_FALSE(none.has_value());
    EXPECT_NE(none.error().message.find("no VERSION= line"), std::string::npos) << none.error().message;
    std::ofstream(dir / "release") << "VERSION=\"0.2 beta\"\n";
    EXPECT_FALSE(ou::readOsVersion(dir / "release").has_value()) << "a version is one word";
    fs::remove_all(dir);
}

TEST(OsUpdateFiles, TheReportedStateFollowsTheNewestStep) {
    const fs::path dir = tempDir();
    const ou::Paths p = ou::pathsIn(dir);
    ou::Memory mem;
    const ou::Target target{true, "0.1.0", ou::kFreeSpaceReserve, &mem};
    auto state = [&] { return ou::report(dir, target).update.value_or(protocol::OsUpdateState{"absent", "", ""}); };

    EXPECT_EQ(state().state, "none");
    EXPECT_EQ(ou::report(dir, target).version, "0.1.0");
    // Off: the version still goes out, the update state does not.
    EXPECT_FALSE(ou::report(dir, ou::Target{false, "0.1.0", 0, nullptr}).update.has_value());
    EXPECT_TRUE(protocol::toJson(ou::report(dir, ou::Target{true, "", 0, nullptr})).empty()) << "unknown: no os fields";

    writeJson(p.failedJson, {{"version", "0.2.0"}, {"sha256", "aa"}, {"error", "signature invalid"}, {"at", 100}});
    EXPECT_EQ(state().state, "failed");
    EXPECT_EQ(state().version, "0.2.0");
    EXPECT_EQ(state().error, "signature invalid");

    mem.offerVersion = "0.3.0";
    mem.lastError = "not enough free space";
    EXPECT_EQ(state().state, "downloading");
    EXPECT_EQ(state().version, "0.3.0");
    EXPECT_EQ(state().error, "not enough free space");
    mem.lastError.clear();
    EXPECT_EQ(state().state, "failed");
    std::ofstream(p.partFor(std::string(64, 'b'))) << "hsqs";
    EXPECT_EQ(state().state, "downloading") << "a partial download";

    writeJson(p.installedJson, {{"version", "0.3.0"}, {"sha256", "bb"}, {"slot", "rootfs.1"}, {"installed_at", 200}});
    EXPECT_EQ(state().state, "installed");
    EXPECT_EQ(state().version, "0.3.0");
    writeJson(p.pendingJson, {{"version", "0.4.0"}, {"sha256", "cc"}, {"size", 9}, {"downloaded_at", 300}});
    EXPECT_EQ(state().state, "pending");
    EXPECT_EQ(state().version, "0.4.0");

    // After the reboot into 0.3.0: installed.json describes what runs, and
    // the older failure is history.
    fs::remove(p.pendingJson);
    fs::remove(p.partFor(std::string(64, 'b')));
    const ou::Target rebooted{true, "0.3.0", ou::kFreeSpaceReserve, &mem};
    EXPECT_FALSE(ou::installedAwaitingReboot(p, "0.3.0").has_value());
    EXPECT_EQ(ou::report(dir, rebooted).update->state, "none");
    fs::remove_all(dir);
}

TEST(OsUpdateFiles, AnOfferIsSkippedWhenRunningWaitingInstalledOrFailed) {
    const fs::path dir = tempDir();
    const ou::Paths p = ou::pathsIn(dir);
    const protocol::OsUpdateOffer offer{"0.2.0", std::string(64, 'a'), 4096, "kiosk-amd64"};
    ou::Memory mem;
    const ou::Target target{true, "0.1.0", ou::kFreeSpaceReserve, &mem};
    EXPECT_EQ(ou::skipReason(offer, target, p, 1000), "");
    EXPECT_NE(ou::skipReason(offer, ou::Target{true, "0.2.0", 0, nullptr}, p, 1000).find("running already"),
              std::string::npos);
    mem.mismatchSha = offer.sha256;
    mem.mismatchUntilS = 1000 + 600;
    EXPECT_NE(ou::skipReason(offer, target, p, 1000).find("did not match its sha256"), std::string::npos);
    EXPECT_EQ(ou::skipReason(offer, target, p, 1600), "") << "tried again after the wait";
    writeJson(p.failedJson, {{"version", "0.2.0"}, {"sha256", offer.sha256}, {"error", "bad"}, {"at", 1}});
    EXPECT_NE(ou::skipReason(offer, target, p, 2000).find("failed to install"), std::string::npos);
    fs::remove(p.failedJson);
    writeJson(p.installedJson, {{"version", "0.2.0"}, {"sha256", offer.sha256}, {"installed_at", 1}});
    EXPECT_NE(ou::skipReason(offer, target, p, 2000).find("waits for a reboot"), std::string::npos);
    // Just rebooted into 0.1.0 from an update, not confirmed yet: a newer
    // offer waits, so that no download holds back the confirming sync.
    writeJson(p.installedJson, {{"version", "0.1.0"}, {"sha256", std::string(64, 'd')}, {"installed_at", 1}});
    EXPECT_NE(ou::skipReason(offer, target, p, 2000).find("on trial"), std::string::npos);
    fs::remove(p.installedJson);
    // Any pending.json: the installer has work in hand.
    writeJson(p.pendingJson, {{"version", "0.1.5"}, {"sha256", std::string(64, 'c')}});
    EXPECT_NE(ou::skipReason(offer, target, p, 2000).find("waits for the installer"), std::string::npos);
    fs::remove_all(dir);
}
