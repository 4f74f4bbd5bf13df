// OS bundle records and the current offer in the hub database (os_update_repo.h).
#include "os_update_repo.h"

#include <fmt/format.h>

namespace kiosk::hubdb {
namespace {

constexpr const char* kCols = "b.sha256, b.version, b.compatible, b.size, b.published_at, o.sha256";
constexpr const char* kFrom = "os_bundle b LEFT JOIN os_offer o ON o.sha256 = b.sha256 AND o.slot = 'current'";

OsBundle bundleFrom(const Row& r) {
    return OsBundle{asText(r[0]), asText(r[1]), asText(r[2]), asInt(r[3]), asInt(r[4]), r[5].has_value()};
}

Result<std::vector<OsBundle>> select(Database& db, const std::string& where, const Params& params) {
    std::vector<OsBundle> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("SELECT {} FROM {} {}", kCols, kFrom, where), params);
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) out.push_back(bundleFrom(row));
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<std::optional<OsBundle>> first(Result<std::vector<OsBundle>> list) {
    if (!list) return std::unexpected(list.error());
    if (list->empty()) return std::optional<OsBundle>();
    return std::optional<OsBundle>(list->front());
}

Result<std::string> conflictIn(Connection& c, const OsBundle& b) {
    auto rows = c.query("SELECT sha256, version FROM os_bundle WHERE sha256 = $1 OR version = $2", {b.sha256, b.version});
    if (!rows) return std::unexpected(rows.error());
    for (const auto& row : *rows) {
        const std::string sha = asText(row[0]), version = asText(row[1]);
        if (sha == b.sha256 && version != b.version)
            return fmt::format("this file (sha256 {}) was published before as version {}: publish it as {} to offer "
                               "it again, or build a new bundle for version {}",
                               sha, version, version, b.version);
        if (version == b.version && sha != b.sha256)
            return fmt::format("version {} is already published for another file (sha256 {}): kiosks tell bundles "
                               "apart by version, so give this bundle a version of its own",
                               version, sha);
    }
    return std::string();
}

}  // namespace

std::filesystem::path osBundleFile(const std::filesystem::path& dataDir, const std::string& sha256) {
    return dataDir / "os-updates" / (sha256 + ".raucb");
}

Result<std::string> osPublishConflict(Database& db, const OsBundle& b) {
    std::string why;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto w = conflictIn(c, b);
        if (!w) return std::unexpected(w.error());
        why = std::move(*w);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return why;
}

Result<void> publishOsBundle(Database& db, const OsBundle& b, std::int64_t now) {
    return transaction(db, [&](Connection& c) -> Result<void> {
        auto why = conflictIn(c, b);
        if (!why) return std::unexpected(why.error());
        if (!why->empty()) return fail(ErrorCode::InvalidArgument, *why);
        // A version race with another publisher fails the insert on the
        // UNIQUE version; transaction() retries and conflictIn() then says why.
        auto ins = c.query("INSERT INTO os_bundle(sha256, version, compatible, size, published_at) "
                           "VALUES($1, $2, $3, $4, $5) ON CONFLICT(sha256) DO NOTHING",
                           {b.sha256, b.version, b.compatible, b.size, now});
        if (!ins) return std::unexpected(ins.error());
        auto offer = c.query("INSERT INTO os_offer(slot, sha256, offered_at) VALUES('current', $1, $2) "
                             "ON CONFLICT(slot) DO UPDATE SET sha256 = excluded.sha256, offered_at = excluded.offered_at",
                             {b.sha256, now});
        if (!offer) return std::unexpected(offer.error());
        return {};
    });
}

Result<std::optional<OsBundle>> withdrawOsBundle(Database& db) {
    std::optional<OsBundle> out;
    auto r = transaction(db, [&](Connection& c) -> Result<void> {
        out.reset();
        auto rows = c.query(fmt::format("SELECT {} FROM {} WHERE o.sha256 IS NOT NULL", kCols, kFrom));
        if (!rows) return std::unexpected(rows.error());
        if (!rows->empty()) out = bundleFrom((*rows)[0]);
        auto del = c.query("DELETE FROM os_offer WHERE slot = 'current'");
        if (!del) return std::unexpected(del.error());
        return {};
    });
    if (!r) return std::unexpected(r.error());
    if (out) out->current = false;
    return out;
}

Result<std::optional<OsBundle>> currentOsBundle(Database& db) {
    return first(select(db, "WHERE o.sha256 IS NOT NULL", {}));
}

Result<std::optional<OsBundle>> osBundleBySha(Database& db, const std::string& sha256) {
    return first(select(db, "WHERE b.sha256 = $1", {sha256}));
}

Result<std::vector<OsBundle>> osBundles(Database& db) {
    return select(db, "ORDER BY b.published_at DESC, b.sha256", {});
}

}  // namespace kiosk::hubdb
