// `kiosk-hub cases …`: the staff command line for the cases kiosks sent in
// (docs/HUB-STAFF.md):
//
//   kiosk-hub cases list [--status S] [--limit N] [--json]
//   kiosk-hub cases show NUMBER [--json] [--actor A]      (audited: it shows the visitor's details)
//   kiosk-hub cases update-status NUMBER STATUS [--note N] [--actor A]
//                   [--department D] [--reason R] [--merge-into NUMBER]
//
// A status change is sent down to the kiosk; the note stays at the hub.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::hub {

// Adds the `cases` subcommand to `app`; `dataDir` and `dbSpec` are
// kiosk-hub's --data and --db, read when the command runs (they must outlive
// the returned function). After parsing, when app.got_subcommand("cases"),
// the returned function runs it and returns the exit code (0 ok, 1 failure,
// 2 bad usage or input).
std::function<int()> addCasesCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec);

}  // namespace kiosk::hub
