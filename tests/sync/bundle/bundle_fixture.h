// Shared helpers of the bundle tests: temporary folders, small real content
// databases made with the SQLite API (a measure table, a meta marker, PRAGMA
// user_version), signing keys made per test run, and manifests built field by
// field so a test can describe files makeManifest() would refuse to publish.
#pragma once

#include "harness/temp_dir.h"
#include "bundle/install.h"
#include "bundle/manifest.h"
#include "crypto/crypto.h"
#include "sqlite/sqlite.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bundletest {

namespace fs = std::filesystem;
using namespace kiosk;
using namespace kiosk::bundle;

// 2026-11-21T08:00:00Z: the trusted "now" of the tests.
inline constexpr std::int64_t kNow = 1795248000;
inline constexpr std::int64_t kWeek = 7 * 24 * 3600;
inline constexpr int kSchema = 2;

inline fs::path freshDir(const std::string& name) {
    return harness::freshTempDir("kiosk-bundle-" + name);
}

inline std::string bytesOf(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void writeBytes(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

// A small content database in rollback-journal mode: `rows` measures and a
// meta row "marker" that tells the tests which database they are looking at.
inline void makeDb(const fs::path& path, const std::string& marker, int schema = kSchema, int rows = 200) {
    fs::remove(path);
    auto db = sql::Database::open(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    ASSERT_TRUE(db->exec("PRAGMA journal_mode = DELETE;"
                         "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                         "CREATE TABLE measure(id INTEGER PRIMARY KEY, document_id INTEGER, text TEXT);"
                         "BEGIN")
                    .has_value());
    auto st = db->prepare("INSERT INTO measure(document_id, text) VALUES(?, ?)");
    ASSERT_TRUE(st.has_value());
    for (int i = 0; i < rows; ++i) {
        st->bindAll(i / 10, fmt::format("{} 第{}条 对符合条件的企业给予一次性补贴，最高不超过{}万元。", marker, i, i % 50));
        ASSERT_TRUE(st->run().has_value());
    }
    auto meta = db->prepare("INSERT INTO meta VALUES('marker', ?)");
    ASSERT_TRUE(meta.has_value());
    meta->bind(1, marker);
    ASSERT_TRUE(meta->run().has_value());
    ASSERT_TRUE(db->exec(fmt::format("COMMIT; PRAGMA user_version = {};", schema)).has_value());
}

// The marker of a content database, opened read-only the way the kiosk does;
// "" when it cannot be read.
inline std::string markerOf(const fs::path& path) {
    auto db = sql::Database::open(path.string(), SQLITE_OPEN_READONLY);
    if (!db) return "";
    auto st = db->prepare("SELECT value FROM meta WHERE key = 'marker'");
    if (!st || !st->step().value_or(false)) return "";
    return st->text(0);
}

inline bool integrityOk(const fs::path& path) {
    auto db = sql::Database::open(path.string(), SQLITE_OPEN_READONLY);
    if (!db) return false;
    auto st = db->prepare("PRAGMA integrity_check");
    return st && st->step().value_or(false) && st->text(0) == "ok";
}

inline std::string shaOf(const fs::path& p) { return crypto::sha256FileHex(p).value_or(""); }

// A manifest with the given fields, without makeManifest()'s publisher checks.
// Created an hour before kNow, or a week before an earlier expiry.
inline nlohmann::json manifestFor(const std::string& sha256, std::int64_t size, std::int64_t version,
                                  std::int64_t expiresS = kNow + kWeek, std::int64_t schema = kSchema) {
    const std::int64_t createdS = std::min(kNow - 3600, expiresS - kWeek);
    return nlohmann::json{{"format", "kiosk-bundle/1"},   {"version", version},
                          {"sha256", sha256},             {"size", size},
                          {"created", formatIsoUtc(createdS)}, {"expires", formatIsoUtc(expiresS)},
                          {"schema", schema},             {"kind", "full"}};
}

inline nlohmann::json manifestForFile(const fs::path& file, std::int64_t version, std::int64_t expiresS = kNow + kWeek,
                                      std::int64_t schema = kSchema) {
    return manifestFor(shaOf(file), std::int64_t(fs::file_size(file)), version, expiresS, schema);
}

// Signs without readManifest()'s checks: the canonical bytes, as a hub would.
inline SignedManifest signRaw(const nlohmann::json& manifest, const std::string& privatePem) {
    auto sig = crypto::signEd25519(privatePem, manifest.dump());
    EXPECT_TRUE(sig.has_value());
    return SignedManifest{manifest, crypto::base64(sig.value_or(""))};
}

// One key pair for the whole test program (key generation is cheap, but the
// tests read better with one "hub key").
inline const crypto::Ed25519Pair& hubKey() {
    static const crypto::Ed25519Pair k = crypto::generateEd25519().value();
    return k;
}

}  // namespace bundletest
