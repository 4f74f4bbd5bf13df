// Published OS update bundles (RAUC .raucb files) and which one the hub
// offers to kiosks now. The database holds what each bundle is — version,
// sha256, size, RAUC compatible string — and the single current offer; the
// bytes are files in the hub's data folder, DATA/os-updates/<sha256>.raucb,
// named by their content (a bundle is hundreds of MiB, too big to keep in
// the database as content bundles are). Hubs that share one PostgreSQL must
// share that folder too. The hub never checks a bundle's RAUC signature:
// RAUC on the kiosk does.
//
// Rules kept here, in one transaction each: a version names one file and a
// file has one version (publishing the same file under the same version
// again just offers it again); there is at most one current offer.
#pragma once

#include "sql.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::hubdb {

struct OsBundle {
    std::string sha256;              // 64 lowercase hex digits; the file's name at the hub
    std::string version;             // as given to `os-update publish --version`
    std::string compatible;          // RAUC compatible string, e.g. kiosk-amd64
    std::int64_t size = 0;           // bytes
    std::int64_t publishedAt = 0;    // Unix s of the first publication
    bool current = false;            // the bundle offered now
};

// DATA/os-updates/<sha256>.raucb.
std::filesystem::path osBundleFile(const std::filesystem::path& dataDir, const std::string& sha256);

// Why `b` cannot be published next to what is recorded ("" = it can).
[[nodiscard]] Result<std::string> osPublishConflict(Database& db, const OsBundle& b);
// Records `b` (if new) and makes it the current offer. Refused with
// InvalidArgument (osPublishConflict's reason) when the version belongs to
// another file or the file was published under another version; nothing
// changes then.
[[nodiscard]] Result<void> publishOsBundle(Database& db, const OsBundle& b, std::int64_t now);
// Stops offering; the bundle withdrawn, or nothing when none was offered.
[[nodiscard]] Result<std::optional<OsBundle>> withdrawOsBundle(Database& db);
[[nodiscard]] Result<std::optional<OsBundle>> currentOsBundle(Database& db);
[[nodiscard]] Result<std::optional<OsBundle>> osBundleBySha(Database& db, const std::string& sha256);
// Every published bundle, newest first.
[[nodiscard]] Result<std::vector<OsBundle>> osBundles(Database& db);

}  // namespace kiosk::hubdb
