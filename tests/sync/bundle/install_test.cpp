// Verify-and-swap of content bundles on real SQLite files: a good bundle
// replaces the content; every kind of bad bundle is refused with a message
// that names the cause, and then the old content database and its version
// record are byte-for-byte what they were. Also the install intent record
// after a simulated crash, stale sidecar files, and the staging helpers.
#include "bundle_fixture.h"

#include <sys/stat.h>

using namespace bundletest;

namespace {

// A content database "old" installed as version 3 at TARGET, and a content
// database "new" ready to be staged.
class Install : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = freshDir(std::string("install-") + info->name());
        m_target = m_dir / "content.db";
        m_staging = stagingPathFor(m_target);
        makeDb(m_dir / "old.src", "old");
        makeDb(m_dir / "new.src", "new");
        fs::copy_file(m_dir / "old.src", m_staging);
        auto r = installBundle(request(signRaw(manifestForFile(m_staging, 3), hubKey().privatePem)));
        ASSERT_TRUE(r.has_value()) << r.error().message;
        m_oldTarget = bytesOf(m_target);
        m_oldRecord = bytesOf(versionFileFor(m_target));
        ASSERT_EQ(markerOf(m_target), "old");
        ASSERT_EQ(readInstalledVersion(m_target).value_or(-1), 3);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    InstallRequest request(SignedManifest sm) const {
        InstallRequest r;
        r.staging = m_staging;
        r.signedManifest = std::move(sm);
        r.contentPublicKeyPem = hubKey().publicPem;
        r.installedVersion = readInstalledVersion(m_target).value_or(0);
        r.trustedNowS = kNow;
        r.target = m_target;
        return r;
    }

    // Stages "new" and returns a request for it signed as `version`.
    InstallRequest stageNew(std::int64_t version = 4) {
        fs::remove(m_staging);
        fs::copy_file(m_dir / "new.src", m_staging);
        return request(signRaw(manifestForFile(m_staging, version), hubKey().privatePem));
    }

    // The refusal names its cause, and nothing of the installed content moved.
    void expectRefused(const InstallRequest& r, const std::string& why,
                       kiosk::ErrorCode code = kiosk::ErrorCode::InvalidArgument) {
        auto res = installBundle(r);
        ASSERT_FALSE(res.has_value()) << "expected a refusal: " << why;
        EXPECT_NE(res.error().message.find(why), std::string::npos) << res.error().message;
        EXPECT_EQ(res.error().code, code) << res.error().message;
        EXPECT_TRUE(bytesOf(m_target) == m_oldTarget) << "the old target changed after: " << res.error().message;
        EXPECT_EQ(bytesOf(versionFileFor(m_target)), m_oldRecord);
        EXPECT_EQ(readInstalledVersion(m_target).value_or(-1), 3);
        EXPECT_EQ(markerOf(m_target), "old");
        for (const char* side : {"-journal", "-wal", "-shm"})
            EXPECT_FALSE(fs::exists(m_target.string() + side)) << side;
    }

    fs::path m_dir, m_target, m_staging;
    std::string m_oldTarget, m_oldRecord;
};

}  // namespace

TEST_F(Install, GoodBundleReplacesTheContent) {
    auto r = installBundle(stageNew(4));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->version, 4);
    EXPECT_EQ(r->previousVersion, 3);
    EXPECT_EQ(r->sha256, shaOf(m_dir / "new.src"));
    EXPECT_TRUE(r->notes.empty());
    EXPECT_EQ(markerOf(m_target), "new");
    EXPECT_TRUE(integrityOk(m_target));
    EXPECT_EQ(shaOf(m_target), shaOf(m_dir / "new.src"));
    EXPECT_FALSE(fs::exists(m_staging)) << "the staging file became the target";
    EXPECT_EQ(readInstalledVersion(m_target).value_or(-1), 4);
    const auto rec = nlohmann::json::parse(bytesOf(versionFileFor(m_target)));
    EXPECT_EQ(rec["version"], 4);
    EXPECT_EQ(rec["sha256"], r->sha256);
    EXPECT_FALSE(rec.contains("pending"));
    EXPECT_GT(r->totalMs, 0.0);
}

TEST_F(Install, FirstBundleOnAnEmptyKiosk) {
    fs::remove(m_target);
    fs::remove(versionFileFor(m_target));
    ASSERT_EQ(readInstalledVersion(m_target).value_or(-1), 0);
    auto req = stageNew(1);
    EXPECT_EQ(req.installedVersion, 0);
    auto r = installBundle(req);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(markerOf(m_target), "new");
    EXPECT_EQ(readInstalledVersion(m_target).value_or(-1), 1);
}

TEST_F(Install, TamperedByteInTheBundleIsRefused) {
    auto req = stageNew();
    std::string bytes = bytesOf(m_staging);
    bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x01);
    writeBytes(m_staging, bytes);
    expectRefused(req, "sha256 mismatch");
}

TEST_F(Install, TamperedManifestFieldIsRefused) {
    const auto good = stageNew(4);
    for (const auto& [key, value] : {std::pair<const char*, nlohmann::json>{"version", 40},
                                     {"expires", formatIsoUtc(kNow + 52 * kWeek)},
                                     {"sha256", shaOf(m_dir / "old.src")},
                                     {"size", 12345},
                                     {"schema", 1}}) {
        auto req = good;
        req.signedManifest.manifest[key] = value;
        SCOPED_TRACE(key);
        expectRefused(req, "bad signature");
    }
    auto req = good;
    req.signedManifest.manifest["note"] = "added after signing";
    expectRefused(req, "bad signature");
    req = good;
    req.signedManifest.signatureB64 = "AAAA";
    expectRefused(req, "bad signature");
}

TEST_F(Install, BundleSignedByAnotherKeyIsRefused) {
    const auto other = crypto::generateEd25519().value();
    auto req = stageNew();
    req.signedManifest = signRaw(req.signedManifest.manifest, other.privatePem);
    expectRefused(req, "bad signature");

    // The right signature but a different provisioned key: same refusal.
    req = stageNew();
    req.contentPublicKeyPem = other.publicPem;
    expectRefused(req, "bad signature");

    // A provisioned key that is no key at all is a provisioning fault.
    req = stageNew();
    req.contentPublicKeyPem = "-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n";
    expectRefused(req, "re-provision", kiosk::ErrorCode::Config);
}

TEST_F(Install, RollbackToTheSameOrAnOlderVersionIsRefused) {
    expectRefused(stageNew(3), "rollback refused: bundle version 3 is not newer than installed 3");
    expectRefused(stageNew(2), "rollback refused: bundle version 2 is not newer than installed 3");
}

TEST_F(Install, ExpiredBundleIsRefused) {
    for (const std::int64_t expires : {kNow, kNow - 1, kNow - kWeek}) {
        fs::remove(m_staging);
        fs::copy_file(m_dir / "new.src", m_staging);
        auto req = request(signRaw(manifestForFile(m_staging, 4, expires), hubKey().privatePem));
        SCOPED_TRACE(expires);
        expectRefused(req, "expired: bundle version 4 expired at " + formatIsoUtc(expires));
    }
    // The trusted time decides, so the same bundle is good a second earlier.
    auto req = request(signRaw(manifestForFile(m_staging, 4, kNow), hubKey().privatePem));
    req.trustedNowS = 0;
    expectRefused(req, "no trusted time");
    req.trustedNowS = kNow - 1;
    EXPECT_TRUE(installBundle(req).has_value());
}

TEST_F(Install, SizeMismatchIsRefused) {
    // Longer than the manifest says: refused and to be discarded.
    auto req = stageNew();
    writeBytes(m_staging, bytesOf(m_staging) + "x");
    expectRefused(req, "size mismatch");

    // Shorter: an unfinished download, to be resumed.
    req = stageNew();
    const auto full = bytesOf(m_staging);
    writeBytes(m_staging, full.substr(0, full.size() - 100));
    expectRefused(req, "incomplete download", kiosk::ErrorCode::NotFound);

    // A signed manifest whose size disagrees with its own file.
    req = stageNew();
    auto m = manifestForFile(m_staging, 4);
    m["size"] = std::int64_t(full.size()) - 1;
    req.signedManifest = signRaw(m, hubKey().privatePem);
    expectRefused(req, "size mismatch");

    fs::remove(m_staging);
    expectRefused(req, "no staging file", kiosk::ErrorCode::NotFound);
}

TEST_F(Install, FileThatIsNotSqliteIsRefused) {
    fs::remove(m_staging);
    writeBytes(m_staging, std::string(8192, 'k'));
    expectRefused(request(signRaw(manifestForFile(m_staging, 4), hubKey().privatePem)), "not a SQLite database");
    writeBytes(m_staging, "");
    expectRefused(request(signRaw(manifestForFile(m_staging, 4), hubKey().privatePem)), "not a SQLite database");
}

TEST_F(Install, WrongSchemaIsRefused) {
    makeDb(m_dir / "v1.src", "new", 1);
    fs::remove(m_staging);
    fs::copy_file(m_dir / "v1.src", m_staging);
    expectRefused(request(signRaw(manifestForFile(m_staging, 4, kNow + kWeek, kSchema), hubKey().privatePem)),
                  "wrong schema: " + m_staging.string() + " has content schema 1 (PRAGMA user_version) but the "
                                                          "manifest says 2");
}

TEST_F(Install, DamagedDatabaseIsRefused) {
    // Correctly signed, but the publisher's file was broken: a b-tree page
    // overwritten in the middle. integrity_check must catch what the hash cannot.
    makeDb(m_dir / "big.src", "new", kSchema, 3000);
    std::string bytes = bytesOf(m_dir / "big.src");
    ASSERT_GT(bytes.size(), 8u * 4096u);
    for (std::size_t i = 5 * 4096 + 8; i < 5 * 4096 + 400; ++i) bytes[i] = char(0xA5);
    fs::remove(m_staging);
    writeBytes(m_staging, bytes);
    auto res = installBundle(request(signRaw(manifestForFile(m_staging, 4), hubKey().privatePem)));
    ASSERT_FALSE(res.has_value());
    EXPECT_TRUE(res.error().message.find("integrity") != std::string::npos ||
                res.error().message.find("malformed") != std::string::npos)
        << res.error().message;
    EXPECT_EQ(bytesOf(m_target), m_oldTarget);
    EXPECT_EQ(readInstalledVersion(m_target).value_or(-1), 3);
}

TEST_F(Install, WalModeBundleIsRefused) {
    fs::remove(m_staging);
    fs::copy_file(m_dir / "new.src", m_staging);
    {
        auto db = sql::Database::open(m_staging.string(), SQLITE_OPEN_READWRITE);
        ASSERT_TRUE(db.has_value());
        ASSERT_TRUE(db->exec("PRAGMA journal_mode = WAL").has_value());
    }
    fs::remove(m_staging.string() + "-wal");
    fs::remove(m_staging.string() + "-shm");
    expectRefused(request(signRaw(manifestForFile(m_staging, 4), hubKey().privatePem)), "WAL mode");
}

TEST_F(Install, StagingOutsideTheTargetFolderIsRefused) {
    auto req = stageNew();
    fs::create_directories(m_dir / "downloads");
    req.staging = m_dir / "downloads" / "content.db.staging";
    fs::copy_file(m_staging, req.staging);
    expectRefused(req, "not in the folder of the content database");
    EXPECT_TRUE(fs::exists(req.staging)) << "a refused staging file is the caller's to discard";

    req = stageNew();
    req.staging = m_target;
    expectRefused(req, "is the target itself");
}

// A WAL left behind by some other database, named TARGET-wal, is replayed by
// SQLite into whatever file is called TARGET — even by a read-only reader.
// The install must make sure it never meets the new content.
TEST_F(Install, StaleWalAndJournalNeverReachTheNewContent) {
    const std::string foreignWal = (m_dir / "foreign.wal").string();
    {
        auto other = sql::Database::open((m_dir / "other.db").string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        ASSERT_TRUE(other.has_value());
        ASSERT_TRUE(other->exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
                                "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                                "INSERT INTO meta VALUES('marker', 'foreign');")
                        .has_value());
        fs::copy_file(m_dir / "other.db-wal", foreignWal);  // copied while the WAL is live
    }
    // The hazard is real: the same WAL beside a copy of the new content takes it over.
    fs::copy_file(m_dir / "new.src", m_dir / "probe.db");
    fs::copy_file(foreignWal, m_dir / "probe.db-wal");
    EXPECT_EQ(markerOf(m_dir / "probe.db"), "foreign");

    fs::copy_file(foreignWal, m_target.string() + "-wal");
    writeBytes(m_target.string() + "-journal", "");
    auto r = installBundle(stageNew(4));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_FALSE(r->notes.empty());
    for (const auto& n : r->notes) std::cout << "  note: " << n << "\n";
    for (const char* side : {"-journal", "-wal", "-shm"})
        EXPECT_FALSE(fs::exists(m_target.string() + side)) << side;
    EXPECT_EQ(markerOf(m_target), "new");
    EXPECT_EQ(shaOf(m_target), shaOf(m_dir / "new.src"));
    EXPECT_TRUE(integrityOk(m_target));
}

// The two states a crash can leave between the intent record and the final
// one: rename not done (old content, version M) or done (new content, N).
TEST_F(Install, VersionAfterACrashFollowsTheContent) {
    const auto newSha = shaOf(m_dir / "new.src");
    const nlohmann::json intent{{"format", "kiosk-installed-version/1"},
                                {"version", 3},
                                {"pending", {{"version", 4}, {"sha256", newSha}}}};
    ASSERT_TRUE(crypto::writeFileAtomic(versionFileFor(m_target), intent.dump(), 0644).has_value());
    EXPECT_EQ(readInstalledVersion(m_target).value_or(-1), 3) << "rename not done: still the old content";
    fs::copy_file(m_dir / "new.src", m_target, fs::copy_options::overwrite_existing);
    EXPECT_EQ(readInstalledVersion(m_target).value_or(-1), 4) << "rename done: the new content is version 4";
    // Installing again from there: the intent is replaced by a plain record.
    auto r = installBundle(stageNew(5));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->previousVersion, 4);
    EXPECT_FALSE(nlohmann::json::parse(bytesOf(versionFileFor(m_target))).contains("pending"));
}

TEST_F(Install, UnreadableVersionRecordStopsUpdates) {
    writeBytes(versionFileFor(m_target), "{\"version\": 3");
    auto v = readInstalledVersion(m_target);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error().code, kiosk::ErrorCode::Parse);
    EXPECT_NE(v.error().message.find("Remove the file to reset"), std::string::npos) << v.error().message;
}

TEST(Staging, OffsetGrowsWithTheDownloadAndDiscardRemovesIt) {
    const auto dir = freshDir("staging");
    const auto staging = stagingPathFor(dir / "content.db");
    EXPECT_EQ(staging.filename(), "content.db.staging");
    EXPECT_EQ(stagingOffset(staging).value_or(99), 0u);
    writeBytes(staging, std::string(1000, 'a'));
    EXPECT_EQ(stagingOffset(staging).value_or(0), 1000u);
    {
        std::ofstream more(staging, std::ios::binary | std::ios::app);
        more << std::string(234, 'b');
    }
    EXPECT_EQ(stagingOffset(staging).value_or(0), 1234u);
    EXPECT_TRUE(discardStaging(staging).has_value());
    EXPECT_FALSE(fs::exists(staging));
    EXPECT_TRUE(discardStaging(staging).has_value()) << "discarding nothing is fine";
    fs::create_directories(staging);
    EXPECT_FALSE(stagingOffset(staging).has_value()) << "a folder is not a download";
    fs::remove_all(dir);
}
