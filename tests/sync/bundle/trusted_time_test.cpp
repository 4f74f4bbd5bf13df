// The kiosk's trusted time: starts at the build date, never below it, rises
// only through authenticated observations, survives a reload, and says so
// when its file was missing or corrupt.
#include "bundle/trusted_time.h"

#include "bundle_fixture.h"

using namespace bundletest;

namespace {

constexpr std::int64_t kBuild = 1790000000;  // 2026-09-21: a pretend build date

// A boot clock that stands still, so that only observations move the time.
BootClock frozen() { return {"boot-test", 1000}; }

}  // namespace

TEST(TrustedTime, BuildEpochComesFromTheBuild) {
    EXPECT_GE(buildEpochS(), 1704067200) << "KIOSK_BUILD_EPOCH should be a date after 2024-01-01";
}

TEST(TrustedTime, MissingFileStartsFromTheBuildDate) {
    const auto dir = freshDir("time-missing");
    TrustedTime t(dir / "trusted-time.json", kBuild, TrustedTime::kPersistStepS, frozen);
    EXPECT_EQ(t.nowS(), kBuild);
    EXPECT_EQ(t.status().source, TrustedTimeStatus::Source::MissingFile);
    EXPECT_NE(t.status().message.find("build date"), std::string::npos) << t.status().message;
    EXPECT_FALSE(fs::exists(dir / "trusted-time.json")) << "loading writes nothing";
    fs::remove_all(dir);
}

TEST(TrustedTime, NeverBelowTheBuildDate) {
    const auto dir = freshDir("time-floor");
    const auto file = dir / "trusted-time.json";
    {
        TrustedTime old(file, kBuild - 1000 * 86400, 0, frozen);  // an older firmware saw this time
        ASSERT_TRUE(old.observeAuthenticated(kBuild - 400 * 86400).value_or(false));
    }
    TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, frozen);
    EXPECT_EQ(t.status().source, TrustedTimeStatus::Source::File);
    EXPECT_TRUE(t.status().raisedToBuildDate);
    EXPECT_EQ(t.nowS(), kBuild);
    EXPECT_FALSE(t.observeAuthenticated(kBuild - 1).value_or(true));
    EXPECT_FALSE(t.observeAuthenticated(0).value_or(true)) << "an RTC in 1970 changes nothing";
    EXPECT_EQ(t.nowS(), kBuild);
    fs::remove_all(dir);
}

TEST(TrustedTime, OnlyRises) {
    const auto dir = freshDir("time-rise");
    TrustedTime t(dir / "trusted-time.json", kBuild, TrustedTime::kPersistStepS, frozen);
    EXPECT_TRUE(t.observeAuthenticated(kBuild + 100).value_or(false));
    EXPECT_FALSE(t.observeAuthenticated(kBuild + 50).value_or(true));
    EXPECT_FALSE(t.observeAuthenticated(kBuild + 100).value_or(true));
    EXPECT_EQ(t.nowS(), kBuild + 100);
    EXPECT_TRUE(t.observeAuthenticated(kBuild + 101).value_or(false));
    EXPECT_EQ(t.nowS(), kBuild + 101);
    fs::remove_all(dir);
}

TEST(TrustedTime, PersistsAcrossReload) {
    const auto dir = freshDir("time-persist");
    const auto file = dir / "trusted-time.json";
    {
        // Writes at the first rise, then every 600 s of rise.
        TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, frozen);
        ASSERT_TRUE(t.observeAuthenticated(kBuild + 100).has_value());
        ASSERT_TRUE(t.observeAuthenticated(kBuild + 200).has_value());
    }
    {
        TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, frozen);
        EXPECT_EQ(t.status().source, TrustedTimeStatus::Source::File);
        EXPECT_FALSE(t.status().raisedToBuildDate);
        EXPECT_EQ(t.nowS(), kBuild + 100) << "a rise under the persist step stays in memory";
        ASSERT_TRUE(t.observeAuthenticated(kBuild + 900).has_value());
    }
    {
        TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, frozen);
        EXPECT_EQ(t.nowS(), kBuild + 900);
        ASSERT_TRUE(t.observeAuthenticated(kBuild + 950).has_value());
        ASSERT_TRUE(t.flush().has_value());
    }
    TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, frozen);
    EXPECT_EQ(t.nowS(), kBuild + 950);
    EXPECT_NE(t.status().message.find(formatIsoUtc(kBuild + 950)), std::string::npos) << t.status().message;
    fs::remove_all(dir);
}

TEST(TrustedTime, CorruptFileStartsFromTheBuildDateAndSaysSo) {
    const auto dir = freshDir("time-corrupt");
    const auto file = dir / "trusted-time.json";
    for (const char* text : {"{\"format\":\"kiosk-trusted-time/1\",\"latest\":", "",
                             "{\"format\":\"kiosk-trusted-time/1\",\"latest\":\"soon\"}", "[1,2,3]",
                             "{\"format\":\"other\",\"latest\":1999999999}"}) {
        writeBytes(file, text);
        TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, frozen);
        EXPECT_EQ(t.nowS(), kBuild) << text;
        EXPECT_EQ(t.status().source, TrustedTimeStatus::Source::CorruptFile) << text;
        EXPECT_NE(t.status().message.find("unreadable"), std::string::npos) << t.status().message;
    }
    {
        TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, frozen);
        EXPECT_TRUE(t.observeAuthenticated(kBuild + 5).value_or(false));  // repairs the file at once
    }
    TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, frozen);
    EXPECT_EQ(t.status().source, TrustedTimeStatus::Source::File);
    EXPECT_EQ(t.nowS(), kBuild + 5);
    fs::remove_all(dir);
}

// The reason it exists: with the trusted time, a bundle that expired is
// refused even when the machine's clock says 1970, and a good one is taken
// even when it says 2099 (the installer never sees the system clock).
TEST(TrustedTime, DecidesBundleExpiryWhateverTheSystemClockSays) {
    const auto dir = freshDir("time-expiry");
    TrustedTime t(dir / "trusted-time.json", kBuild, TrustedTime::kPersistStepS, frozen);
    ASSERT_TRUE(t.observeAuthenticated(kNow).has_value());
    const auto target = dir / "content.db";
    const auto staging = stagingPathFor(target);
    makeDb(staging, "new");
    InstallRequest r;
    r.staging = staging;
    r.target = target;
    r.contentPublicKeyPem = hubKey().publicPem;
    r.trustedNowS = t.nowS();
    r.signedManifest = signRaw(manifestForFile(staging, 1, kNow - 60), hubKey().privatePem);
    auto refused = installBundle(r);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("expired"), std::string::npos);
    r.signedManifest = signRaw(manifestForFile(staging, 1, kNow + 60), hubKey().privatePem);
    EXPECT_TRUE(installBundle(r).has_value());
    fs::remove_all(dir);
}

// Between observations the time moves on with the boot clock: from the
// observation itself on the same boot (even in another process, through the
// file), from loading the file on another boot. A Date older than that is
// not a rise — which is what keeps a hub answering with an old Date from
// making a bundle that expired meanwhile fresh again.
TEST(TrustedTime, AdvancesWithTheBootClockSinceItsAnchor) {
    const auto dir = freshDir("time-boot");
    const auto file = dir / "trusted-time.json";
    BootClock boot{"boot-a", 5000};
    auto clock = [&] { return boot; };
    {
        TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, clock);
        EXPECT_EQ(t.nowS(), kBuild) << "no file: the build date, from now on";
        boot.seconds += 30;
        EXPECT_EQ(t.nowS(), kBuild + 30);
        ASSERT_TRUE(t.observeAuthenticated(kBuild + 100).value_or(false));  // persisted: the first rise
        boot.seconds += 60;
        EXPECT_EQ(t.nowS(), kBuild + 160);
        EXPECT_FALSE(t.observeAuthenticated(kBuild + 120).value_or(true)) << "an older Date is no rise";
        EXPECT_EQ(t.nowS(), kBuild + 160);
    }
    boot.seconds += 40;  // another process, same boot: counted from the observation
    {
        TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, clock);
        EXPECT_EQ(t.nowS(), kBuild + 200);
        EXPECT_NE(t.status().message.find("plus 100 s since, on this boot"), std::string::npos) << t.status().message;
    }
    boot = {"boot-b", 20};  // rebooted: the file's time, counted from loading it
    {
        TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, clock);
        EXPECT_EQ(t.nowS(), kBuild + 100);
        boot.seconds += 7;
        EXPECT_EQ(t.nowS(), kBuild + 107);
    }
    boot = {"boot-b", 10};  // a boot-clock reading below the file's anchor is not trusted for "since"
    writeBytes(file, R"({"format":"kiosk-trusted-time/1","latest":1790000500,"boot_id":"boot-b","boot_s":50})");
    TrustedTime t(file, kBuild, TrustedTime::kPersistStepS, clock);
    EXPECT_EQ(t.nowS(), kBuild + 500);
    fs::remove_all(dir);
}
