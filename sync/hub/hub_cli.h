// Small helpers shared by kiosk-hub's command files (serve_cmd.cpp, fleet_cmd.cpp, cases_cmd.cpp, content_cmd.cpp,
// ratings_cmd.cpp, staff_cmd.cpp, os_update_cmd.cpp): open the hub database the way every
// subcommand does — DATA/hub.db unless --db names one, schema migrated — read
// the clock and durations, and turn an Error into kiosk-hub's message and exit code. Never prints personal
// data: Error messages carry none (base/error.h). Text lines go out through
// printLine, which shows control characters instead of obeying them: much of
// what the CLI lists was sent by devices.
#pragma once

#include "base/error.h"
#include "hubdb/sql.h"
#include "hubdb/store.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

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

// A database and a store over it, as most subcommands use them.
struct OpenedStore {
    std::unique_ptr<hubdb::Database> db;
    std::unique_ptr<hubdb::HubStore> store;
};

// openHubDatabase with a store over it.
[[nodiscard]] inline Result<OpenedStore> openStore(const std::string& dataDir, const std::string& dbSpec, int pool) {
    auto db = openHubDatabase(dataDir, dbSpec, pool);
    if (!db) return std::unexpected(db.error());
    OpenedStore o{std::move(*db), nullptr};
    o.store = std::make_unique<hubdb::HubStore>(*o.db);
    return o;
}

// Seconds since 1970 (UTC), as the hub stores times.
inline std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "24h", "30m", "7d", "90s", "0s" → seconds; -1 when malformed. Callers
// that need a positive duration refuse 0 themselves.
inline std::int64_t parseDuration(const std::string& s) {
    if (s.size() < 2) return -1;
    char* end = nullptr;
    const long long n = std::strtoll(s.c_str(), &end, 10);
    if (n < 0 || end == s.c_str() || end != s.c_str() + s.size() - 1) return -1;
    switch (s.back()) {
        case 's': return n;
        case 'm': return n * 60;
        case 'h': return n * 3600;
        case 'd': return n * 86'400;
        default: return -1;
    }
}

// `text` as a terminal may show it: C0 controls and DEL in caret notation
// (ESC → ^[, LF → ^J, DEL → ^?) and C1 controls as <U+009B>, so that what a
// device sent can neither move the cursor, recolour or retitle the terminal,
// nor fake extra lines. Everything else, Chinese included, is kept.
inline std::string terminalSafe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            out += '^';
            out += static_cast<char>(c ^ 0x40);
        } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            out += fmt::format("<U+{:04X}>", static_cast<unsigned char>(text[++i]));
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// One line of CLI output (the newline added), made terminalSafe.
inline void printLine(std::string_view line) { fmt::print("{}\n", terminalSafe(line)); }

// Prints "kiosk-hub: MESSAGE" to stderr; exit code 2 for bad usage or input,
// 1 for anything else (as main.cpp).
inline int cliFailure(const Error& e) {
    fmt::print(stderr, "kiosk-hub: {}\n", e.message);
    return e.code == ErrorCode::InvalidArgument || e.code == ErrorCode::Config || e.code == ErrorCode::Parse ? 2 : 1;
}

}  // namespace kiosk::hub
