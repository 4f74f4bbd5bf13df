// Small helpers shared by kiosk-hub's command files (main.cpp, ratings_cmd.cpp): open the hub database the way every
// subcommand does — DATA/hub.db unless --db names one, schema migrated — and
// turn an Error into kiosk-hub's message and exit code. Never prints personal
// data: Error messages carry none (base/error.h). Text lines go out through
// printLine, which shows control characters instead of obeying them: much of
// what the CLI lists was sent by devices.
#pragma once

#include "base/error.h"
#include "hubdb/sql.h"
#include "hubdb/store.h"

#include <fmt/format.h>

#include <cstdio>
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
