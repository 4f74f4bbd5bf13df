// The fleet and what is published to it, shared by the command line
// (`kiosk-hub devices | provision-file | content publish`) and the staff
// console (staff_server.h), so that both show and do the same:
//   - a device as JSON, with the flags staff act on: stale (not heard from
//     for kStaleAfterS, or never) and outbox_growing (records waiting for
//     over an hour, or the kiosk reporting it cannot drain);
//   - a provisioning file with a fresh one-time enrollment token;
//   - a content database signed and stored as the next bundle version.
#pragma once

#include "hubdb/store.h"
#include "keys.h"
#include "protocol/protocol.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace kiosk::hub {

inline constexpr std::int64_t kStaleAfterS = 24 * 3600;  // a working day without a heartbeat

nlohmann::json deviceJson(const hubdb::Device& d, std::int64_t now);

// Records the token (valid `ttlS` from `now`) for `site` and returns the file
// a technician carries to the terminal (keep it private).
[[nodiscard]] Result<protocol::ProvisionFile> makeProvisionFile(hubdb::HubStore& store, const HubKeys& keys,
                                                                const std::string& site, const std::string& hubUrl,
                                                                std::int64_t ttlS, std::int64_t now);

struct PublishedContent {
    std::int64_t version = 0, size = 0;
    std::string sha256, expires;  // expires: ISO 8601 UTC
};
// Signs the content database `file` (made by kioskctl content import, or the
// console's importer) as the next version; kiosks install it on their next
// sync. A file that is not a content database is refused (InvalidArgument).
[[nodiscard]] Result<PublishedContent> publishContent(hubdb::Database& db, const HubKeys& keys,
                                                      const std::filesystem::path& file, std::int64_t ttlS,
                                                      std::int64_t now);

}  // namespace kiosk::hub
