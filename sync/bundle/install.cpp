// Verify-and-swap of a content bundle (see install.h for the steps, the
// commit point and why each file is where it is). It must never modify TARGET
// other than by the one rename(), and never before every check has passed.
#include "install.h"

#include "crypto/crypto.h"
#include "db_check.h"
#include "sqlite/sqlite.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <system_error>

namespace kiosk::bundle {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kVersionFormat = "kiosk-installed-version/1";
constexpr const char* kSidecars[] = {"-journal", "-wal", "-shm"};

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// fsync a file or a folder by path.
Result<void> syncPath(const fs::path& path, bool folder) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (folder ? O_DIRECTORY : 0));
    if (fd < 0)
        return fail(ErrorCode::Io, fmt::format("cannot open {} to flush it: {}", path.string(), std::strerror(errno)));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return fail(ErrorCode::Io, fmt::format("cannot flush {} to disk: {}", path.string(), std::strerror(err)));
    return {};
}

fs::path folderOf(const fs::path& p) {
    const fs::path parent = fs::absolute(p).parent_path();
    std::error_code ec;
    const fs::path canon = fs::weakly_canonical(parent, ec);
    return ec ? parent : canon;
}

// The staging file must be a plain file beside TARGET: rename() is atomic
// only within one filesystem, and the same folder guarantees that.
Result<void> checkPlace(const fs::path& staging, const fs::path& target) {
    if (staging.empty() || target.empty())
        return fail(ErrorCode::InvalidArgument, "install request needs both a staging file and a target path");
    if (staging.filename() == target.filename() && folderOf(staging) == folderOf(target))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the staging file {} is the target itself; download into {}", staging.string(),
                                stagingPathFor(target).string()));
    if (folderOf(staging) != folderOf(target))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the staging file {} is not in the folder of the content database {}: an atomic "
                                "swap needs both in one folder; download into {}",
                                staging.string(), target.string(), stagingPathFor(target).string()));
    std::error_code ec;
    const auto st = fs::symlink_status(staging, ec);
    if (!ec && fs::exists(st) && !fs::is_regular_file(st))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the staging file {} is not a regular file (a link or a folder)", staging.string()));
    const auto tt = fs::status(target, ec);
    if (!ec && fs::is_directory(tt))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the content database path {} is a folder", target.string()));
    return {};
}

json versionRecord(std::int64_t version, const std::string& sha256, std::int64_t size, std::int64_t atS) {
    return json{{"format", kVersionFormat},
                {"version", version},
                {"sha256", sha256},
                {"size", size},
                {"installed_at", formatIsoUtc(atS)}};
}

// Before the commit point: make sure no journal or WAL of the old file can
// ever be applied to the new one (install.h explains why).
Result<void> clearSidecars(const fs::path& target, std::vector<std::string>& notes) {
    const std::string t = target.string();
    std::error_code ec;
    const bool journal = fs::exists(t + "-journal", ec), wal = fs::exists(t + "-wal", ec);
    bool any = journal || wal || fs::exists(t + "-shm", ec);
    if (!any) return {};
    if ((journal || wal) && fs::exists(target, ec)) {
        // Let SQLite replay the WAL or roll back the hot journal into the OLD
        // file, and leave WAL mode, so the old file alone holds its content.
        auto db = sql::Database::open(t, SQLITE_OPEN_READWRITE);
        Result<void> settled = db ? Result<void>{} : std::unexpected(db.error());
        if (settled) {
            auto n = db->scalarInt("SELECT count(*) FROM sqlite_master");
            settled = n ? db->exec("PRAGMA journal_mode = DELETE") : std::unexpected(n.error());
        }
        const char* what = journal && wal ? "rollback journal and WAL" : journal ? "rollback journal" : "WAL";
        notes.push_back(settled ? fmt::format("settled a leftover {} into the old content database before the swap",
                                              what)
                                : fmt::format("could not settle the old content database's leftover {} ({}); "
                                              "removing it: the old file is being replaced",
                                              what, settled.error().message));
    }
    bool removed = false;
    for (const char* suffix : kSidecars) {
        const fs::path side = t + suffix;
        if (!fs::exists(side, ec)) continue;
        if (!fs::remove(side, ec) && ec)
            return fail(ErrorCode::Io, fmt::format("cannot remove the stale {} before installing the new content: {}",
                                                   side.string(), ec.message()));
        notes.push_back(fmt::format("removed stale {}", side.filename().string()));
        removed = true;
    }
    if (removed) return syncPath(folderOf(target), true);
    return {};
}

struct PreviousRecord {
    std::optional<std::string> bytes;  // the version file as it was, if it existed
};

// Puts TARGET.version.json back after a failure before the commit point.
void restoreRecord(const fs::path& file, const PreviousRecord& previous) {
    std::error_code ec;
    if (previous.bytes) (void)crypto::writeFileAtomic(file, *previous.bytes, 0644);
    else fs::remove(file, ec);
}

}  // namespace

fs::path stagingPathFor(const fs::path& target) { return fs::path(target.string() + ".staging"); }
fs::path versionFileFor(const fs::path& target) { return fs::path(target.string() + ".version.json"); }

Result<std::int64_t> readInstalledVersion(const fs::path& target) {
    const fs::path file = versionFileFor(target);
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::int64_t{0};
    auto text = crypto::readFile(file);
    if (!text) return std::unexpected(text.error());
    auto unreadable = [&](std::string_view why) {
        return fail(ErrorCode::Parse,
                    fmt::format("{} is unreadable ({}); content updates are stopped so an older bundle cannot slip "
                                "in. Remove the file to reset: the next bundle then installs whatever its version",
                                file.string(), why));
    };
    json rec;
    try {
        rec = json::parse(*text);
    } catch (const json::exception&) {
        return unreadable("not JSON");
    }
    if (!rec.is_object() || rec.value("format", "") != kVersionFormat) return unreadable("unknown format");
    const auto v = rec.find("version");
    if (v == rec.end() || !v->is_number_integer() || v->get<std::int64_t>() < 0) return unreadable("no version");
    const std::int64_t committed = v->get<std::int64_t>();
    const auto pending = rec.find("pending");
    if (pending == rec.end()) return committed;
    // A crash came between the intent record and the final one: TARGET holds
    // the new bundle exactly when its bytes hash to the pending sha256.
    if (!pending->is_object() || !pending->contains("version") || !(*pending)["version"].is_number_integer() ||
        !pending->contains("sha256") || !(*pending)["sha256"].is_string())
        return unreadable("malformed pending install");
    if (!fs::exists(target, ec)) return committed;
    auto sha = crypto::sha256FileHex(target);
    if (!sha) return std::unexpected(sha.error());
    return *sha == (*pending)["sha256"].get<std::string>() ? (*pending)["version"].get<std::int64_t>() : committed;
}

Result<std::uint64_t> stagingOffset(const fs::path& staging) {
    struct stat st {};
    if (::stat(staging.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::uint64_t{0};
        return fail(ErrorCode::Io, fmt::format("cannot look at the staging file {}: {}", staging.string(),
                                               std::strerror(errno)));
    }
    if (!S_ISREG(st.st_mode))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the staging path {} is not a regular file; remove it", staging.string()));
    return std::uint64_t(st.st_size);
}

Result<void> discardStaging(const fs::path& staging) {
    std::error_code ec;
    fs::remove(staging, ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot remove the staging file {}: {}", staging.string(),
                                                   ec.message()));
    return {};
}

Result<InstallReport> installBundle(const InstallRequest& req) {
    const auto start = Clock::now();
    InstallReport rep;
    rep.previousVersion = req.installedVersion;

    // ── verify: nothing is written until every check has passed ──
    if (auto r = checkPlace(req.staging, req.target); !r) return std::unexpected(r.error());
    if (req.trustedNowS <= 0)  // a forgotten field would make every expiry check pass
        return fail(ErrorCode::InvalidArgument, "install request has no trusted time (TrustedTime::nowS())");

    auto t0 = Clock::now();
    auto fields = verifyManifest(req.signedManifest, req.contentPublicKeyPem);
    if (!fields) return std::unexpected(fields.error());
    if (fields->version <= req.installedVersion)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("rollback refused: bundle version {} is not newer than installed {}", fields->version,
                                req.installedVersion));
    if (fields->expiresS <= req.trustedNowS)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("expired: bundle version {} expired at {} and the trusted time is {}; a frozen or "
                                "replayed bundle is never installed, the hub must publish a fresh one",
                                fields->version, formatIsoUtc(fields->expiresS), formatIsoUtc(req.trustedNowS)));
    rep.signatureMs = msSince(t0);

    auto have = stagingOffset(req.staging);
    if (!have) return std::unexpected(have.error());
    std::error_code ec;
    if (*have == 0 && !fs::exists(req.staging, ec))
        return fail(ErrorCode::NotFound,
                    fmt::format("no staging file {}: download bundle version {} first", req.staging.string(),
                                fields->version));
    if (*have < std::uint64_t(fields->size))
        return fail(ErrorCode::NotFound,
                    fmt::format("incomplete download: {} has {} of {} bytes; resume from byte {}", req.staging.string(),
                                *have, fields->size, *have));
    if (*have > std::uint64_t(fields->size))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("size mismatch: {} has {} bytes but the signed manifest says {}; discard it and "
                                "download again",
                                req.staging.string(), *have, fields->size));

    t0 = Clock::now();
    auto sha = crypto::sha256FileHex(req.staging);
    if (!sha) return std::unexpected(sha.error());
    if (*sha != fields->sha256)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("sha256 mismatch: {} hashes to {} but the signed manifest says {}; the download is "
                                "damaged or was altered, discard it",
                                req.staging.string(), *sha, fields->sha256));
    rep.sha256Ms = msSince(t0);

    t0 = Clock::now();
    if (auto r = checkContentDatabase(req.staging, fields->schema); !r) return std::unexpected(r.error());
    rep.integrityMs = msSince(t0);

    // ── swap ──
    t0 = Clock::now();
    if (auto r = syncPath(req.staging, false); !r) return std::unexpected(r.error());
    rep.fsyncMs = msSince(t0);

    t0 = Clock::now();
    const fs::path versionFile = versionFileFor(req.target);
    PreviousRecord previous;
    if (fs::exists(versionFile, ec)) {
        auto bytes = crypto::readFile(versionFile);
        if (!bytes) return std::unexpected(bytes.error());
        previous.bytes = *bytes;
    }
    json intent{{"format", kVersionFormat},
                {"version", req.installedVersion},
                {"pending", {{"version", fields->version}, {"sha256", fields->sha256}}}};
    if (auto r = crypto::writeFileAtomic(versionFile, intent.dump(), 0644); !r)
        return fail(ErrorCode::Io, fmt::format("cannot record the install intent: {}", r.error().message));
    if (auto r = clearSidecars(req.target, rep.notes); !r) {
        restoreRecord(versionFile, previous);
        return std::unexpected(r.error());
    }
    rep.intentMs = msSince(t0);
    t0 = Clock::now();
    if (::rename(req.staging.c_str(), req.target.c_str()) != 0) {  // ◄── COMMIT POINT
        const int err = errno;
        restoreRecord(versionFile, previous);
        return fail(ErrorCode::Io, fmt::format("cannot move {} over {}: {}; the old content stays",
                                               req.staging.string(), req.target.string(), std::strerror(err)));
    }
    rep.renameMs = msSince(t0);
    t0 = Clock::now();
    if (auto r = syncPath(folderOf(req.target), true); !r)
        rep.notes.push_back(r.error().message + " (the swap is done; a power cut now could bring back the old content)");
    rep.folderFsyncMs = msSince(t0);

    t0 = Clock::now();
    if (auto r = crypto::writeFileAtomic(versionFile,
                                         versionRecord(fields->version, fields->sha256, fields->size, req.trustedNowS)
                                             .dump(),
                                         0644);
        !r)
        rep.notes.push_back(fmt::format("installed, but the version record was not updated ({}); it is worked out "
                                        "from the intent record until the next install",
                                        r.error().message));
    rep.stateMs = msSince(t0);

    rep.version = fields->version;
    rep.sha256 = fields->sha256;
    rep.size = fields->size;
    rep.totalMs = msSince(start);
    return rep;
}

}  // namespace kiosk::bundle
