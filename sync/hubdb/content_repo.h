// Published content bundles, kept in the hub's database (not in a data
// folder) so that every hub process behind a load balancer serves the same
// versions: the signed manifest, and the bundle file itself in 1 MiB chunks
// so that a resumed download reads only what it needs.
#pragma once

#include "sql.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::hubdb {

inline constexpr std::int64_t kBundleChunk = 1 << 20;

struct PublishedBundle {
    std::int64_t version = 0, size = 0, createdAt = 0;
    std::string sha256;
    std::string signedManifest;  // {"manifest":{…},"signature":"…"}
};

// The next version number to publish (1 for the first).
[[nodiscard]] Result<std::int64_t> nextBundleVersion(Database& db);
// Stores a bundle file and its signed manifest in one transaction; a version
// that exists already is refused (two editors publishing at once: retry).
[[nodiscard]] Result<void> storeBundle(Database& db, const PublishedBundle& meta, const std::filesystem::path& file);
[[nodiscard]] Result<std::optional<PublishedBundle>> latestBundle(Database& db);
// The newest `limit` versions, newest first.
[[nodiscard]] Result<std::vector<PublishedBundle>> recentBundles(Database& db, int limit);
[[nodiscard]] Result<std::optional<PublishedBundle>> bundleByVersion(Database& db, std::int64_t version);
// Bytes [offset, offset + length) of a stored bundle.
[[nodiscard]] Result<std::string> readBundle(Database& db, std::int64_t version, std::int64_t offset, std::int64_t length);

}  // namespace kiosk::hubdb
