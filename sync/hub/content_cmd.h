// `kiosk-hub content …`: what editors run to send a content database to the
// fleet (docs/HUB-STAFF.md):
//
//   kiosk-hub content publish DB [--ttl 30d]
//
// publish signs DB (made by `kioskctl content import`) as the next version;
// kiosks install it on their next sync.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::hub {

// Adds the `content` subcommand to `app`; `dataDir` and `dbSpec` are
// kiosk-hub's --data and --db, read when the command runs (they must outlive
// the returned function). After parsing, when app.got_subcommand("content"),
// the returned function runs it and returns the exit code (0 ok, 1 failure,
// 2 bad usage or input).
std::function<int()> addContentCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec);

}  // namespace kiosk::hub
