// Is this file a content database a kiosk can swap in? Shared by the
// publisher (makeManifest, so a bad file is refused where it was made) and
// the kiosk (installBundle, before the swap). Reads the file, never writes it:
// SQLite opens it read-only with immutable=1, so no journal, WAL, shared
// memory or lock file is created next to it.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <filesystem>

namespace kiosk::bundle {

struct DbCheckTimes {
    double headerMs = 0;     // reading the 100-byte header
    double integrityMs = 0;  // PRAGMA user_version + PRAGMA integrity_check
};

// Checks, in order, with a message naming the file and what is wrong:
//  - the 100-byte header says "SQLite format 3";
//  - rollback-journal mode (header bytes 18/19 == 1), not WAL: the kiosk opens
//    the content read-only, and a WAL-mode file would need -wal/-shm files
//    beside it whose life we do not want to manage across a swap;
//  - PRAGMA user_version == `schema`;
//  - PRAGMA integrity_check answers "ok".
// Error code InvalidArgument for all of these, Io when the file cannot be read.
[[nodiscard]] Result<DbCheckTimes> checkContentDatabase(const std::filesystem::path& file, std::int64_t schema);

}  // namespace kiosk::bundle
