// The SQLite checks of a bundle file (see db_check.h). Opens the file through
// a "file:…?immutable=1" URI: SQLite then reads exactly the bytes that were
// hashed and creates nothing beside them.
#include "db_check.h"

#include "sqlite/sqlite.h"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstring>
#include <fstream>

namespace kiosk::bundle {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// RFC 3986 percent-encoding for a path inside an SQLite file: URI.
std::string fileUri(const std::filesystem::path& file) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "file:";
    for (const unsigned char c : std::filesystem::absolute(file).string()) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            out += char(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out + "?immutable=1";
}

}  // namespace

Result<DbCheckTimes> checkContentDatabase(const std::filesystem::path& file, std::int64_t schema) {
    DbCheckTimes times;
    auto t0 = Clock::now();
    {
        std::ifstream in(file, std::ios::binary);
        if (!in) return fail(ErrorCode::Io, fmt::format("cannot read {}", file.string()));
        std::array<char, 100> header{};
        in.read(header.data(), header.size());
        static constexpr char kMagic[] = "SQLite format 3";  // 15 characters and the NUL
        if (in.gcount() != std::streamsize(header.size()) || std::memcmp(header.data(), kMagic, sizeof kMagic) != 0)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} is not a SQLite database (its first bytes are not the SQLite header); "
                                    "a bundle must be a content database",
                                    file.string()));
        const int writeVersion = static_cast<unsigned char>(header[18]);
        const int readVersion = static_cast<unsigned char>(header[19]);
        if (writeVersion != 1 || readVersion != 1)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} is in {} mode (header bytes 18/19 = {}/{}); a content bundle must be in "
                                    "rollback-journal mode: run PRAGMA journal_mode=DELETE on it before publishing",
                                    file.string(), writeVersion == 2 ? "WAL" : "an unknown journal", writeVersion,
                                    readVersion));
    }
    times.headerMs = msSince(t0);

    t0 = Clock::now();
    auto db = sql::Database::open(fileUri(file), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    if (!db) return fail(ErrorCode::InvalidArgument, fmt::format("{} cannot be opened as a SQLite database: {}",
                                                                 file.string(), db.error().message));
    auto version = db->scalarInt("PRAGMA user_version");
    if (!version)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is not a readable SQLite database: {}", file.string(), version.error().message));
    if (*version != schema)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("wrong schema: {} has content schema {} (PRAGMA user_version) but the manifest says {}",
                                file.string(), *version, schema));
    auto check = db->prepare("PRAGMA integrity_check(20)");
    if (!check) return fail(ErrorCode::InvalidArgument, fmt::format("{} failed the integrity check: {}", file.string(),
                                                                    check.error().message));
    std::string problems;
    for (;;) {
        auto row = check->step();
        if (!row)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} failed the integrity check: {}", file.string(), row.error().message));
        if (!*row) break;
        const std::string line = check->text(0);
        if (line == "ok" && problems.empty()) continue;
        problems += (problems.empty() ? "" : "; ") + line;
    }
    if (!problems.empty())
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is damaged (PRAGMA integrity_check: {})", file.string(), problems));
    times.integrityMs = msSince(t0);
    return times;
}

}  // namespace kiosk::bundle
