// Bundle storage in the hub database (content_repo.h).
#include "content_repo.h"

#include <fmt/format.h>

#include <fstream>

namespace kiosk::hubdb {
namespace {

constexpr const char* kCols = "version, size, created_at, sha256, manifest";

PublishedBundle bundleFrom(const Row& r) {
    return PublishedBundle{asInt(r[0]), asInt(r[1]), asInt(r[2]), asText(r[3]), asText(r[4])};
}

Result<std::optional<PublishedBundle>> one(Database& db, const std::string& where, const Params& params) {
    std::optional<PublishedBundle> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("SELECT {} FROM content_bundle {}", kCols, where), params);
        if (!rows) return std::unexpected(rows.error());
        if (!rows->empty()) out = bundleFrom((*rows)[0]);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

}  // namespace

Result<std::int64_t> nextBundleVersion(Database& db) {
    std::int64_t next = 1;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query("SELECT coalesce(max(version), 0) + 1 FROM content_bundle");
        if (!rows) return std::unexpected(rows.error());
        next = asInt((*rows)[0][0], 1);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return next;
}

Result<void> storeBundle(Database& db, const PublishedBundle& meta, const std::filesystem::path& file) {
    return transaction(
        db,
        [&](Connection& c) -> Result<void> {
            auto ins = c.query(fmt::format("INSERT INTO content_bundle({}) VALUES($1, $2, $3, $4, $5)", kCols),
                               {meta.version, meta.size, meta.createdAt, meta.sha256, meta.signedManifest});
            if (!ins) {
                if (c.lastFailure() == SqlFailure::UniqueViolation)
                    return fail(ErrorCode::InvalidArgument,
                                fmt::format("content version {} was published meanwhile; publish again", meta.version));
                return std::unexpected(ins.error());
            }
            std::ifstream in(file, std::ios::binary);
            if (!in) return fail(ErrorCode::NotFound, fmt::format("cannot read {}", file.string()));
            std::string chunk(std::size_t(kBundleChunk), '\0');
            for (std::int64_t idx = 0;; ++idx) {
                in.read(chunk.data(), std::streamsize(chunk.size()));
                const auto n = in.gcount();
                if (n <= 0) break;
                auto w = c.query("INSERT INTO bundle_chunk(version, idx, data) VALUES($1, $2, $3)",
                                 {meta.version, idx, Blob{chunk.substr(0, std::size_t(n))}});
                if (!w) return std::unexpected(w.error());
            }
            return {};
        },
        1);  // a version clash is reported, not retried with the same number
}

Result<std::optional<PublishedBundle>> latestBundle(Database& db) {
    return one(db, "ORDER BY version DESC LIMIT 1", {});
}

Result<std::vector<PublishedBundle>> recentBundles(Database& db, int limit) {
    std::vector<PublishedBundle> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("SELECT {} FROM content_bundle ORDER BY version DESC LIMIT $1", kCols),
                            {std::int64_t(limit)});
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) out.push_back(bundleFrom(row));
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<std::optional<PublishedBundle>> bundleByVersion(Database& db, std::int64_t version) {
    return one(db, "WHERE version = $1", {version});
}

Result<std::string> readBundle(Database& db, std::int64_t version, std::int64_t offset, std::int64_t length) {
    std::string out;
    if (length <= 0) return out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        const std::int64_t first = offset / kBundleChunk, last = (offset + length - 1) / kBundleChunk;
        auto rows = c.query("SELECT idx, data FROM bundle_chunk WHERE version = $1 AND idx >= $2 AND idx <= $3 ORDER BY idx",
                            {version, first, last});
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) {
            const std::int64_t idx = asInt(row[0]);
            const std::string& data = *row[1];
            const std::int64_t start = idx * kBundleChunk;
            const std::int64_t from = std::max(offset, start) - start;
            const std::int64_t to = std::min(offset + length, start + std::int64_t(data.size())) - start;
            if (to > from) out.append(data, std::size_t(from), std::size_t(to - from));
        }
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

}  // namespace kiosk::hubdb
