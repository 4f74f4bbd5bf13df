// Small helpers shared by kiosk-hub's command files (main.cpp, ratings_cmd.cpp): open the hub database the way every
// subcommand does — DATA/hub.db unless --db names one, schema migrated — and
// turn an Error into kiosk-hub's message and exit code. Never prints personal
// data: Error messages carry none (base/error.h).
#pragma once

#include "base/error.h"
#include "hubdb/sql.h"
#include "hubdb/store.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace kiosk::hub {

// `dbSpec` empty → the SQLite file DATA/hub.db (the folder is created);
// otherwise a SQLite path or postgresql://… (hubdb::openDatabase). The schema
// is brought up to date (HubStore::migrate) before returning.
[[nodiscard]] inline Result<std::unique_ptr<hubdb::Database>> openHubDatabase(const std::string& dataDir,
                                                                            const std::string& dbSpec, int pool = 1) {
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    const std::string spec = dbSpec.empty() ? (std::filesystem::path(dataDir) / "hub.db").string() : dbSpec;
    auto db = hubdb::openDatabase(spec, pool);
    if (!db) return std::unexpected(db.error());
    if (auto m = hubdb::HubStore(**db).migrate(); !m) return std::unexpected(m.error());
    return std::move(*db);
}

// Prints "kiosk-hub: MESSAGE" to stderr; exit code 2 for bad usage or input,
// 1 for anything else (as main.cpp).
inline int cliFailure(const Error& e) {
    fmt::print(stderr, "kiosk-hub: {}\n", e.message);
    return e.code == ErrorCode::InvalidArgument || e.code == ErrorCode::Config || e.code == ErrorCode::Parse ? 2 : 1;
}

}  // namespace kiosk::hub
