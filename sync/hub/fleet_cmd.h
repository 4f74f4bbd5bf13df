// The kiosk-hub commands about the fleet of kiosks (docs/HUB-STAFF.md):
//
//   kiosk-hub provision-file --site NAME --out FILE [--ttl 24h] [--url URL]
//   kiosk-hub device revoke ID
//   kiosk-hub devices [--json]
//
// provision-file writes what a technician carries to a new terminal (a
// one-time enrolment token: keep the file private); devices lists site, last
// seen, certificate expiry, OS and outbox state of every kiosk.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::hub {

// Adds the `provision-file`, `device` and `devices` subcommands to `app`;
// `dataDir` and `dbSpec` are kiosk-hub's --data and --db, read when the
// command runs (they must outlive the returned function). After parsing,
// when app.got_subcommand() names one of them, the returned function runs it
// and returns the exit code (0 ok, 1 failure, 2 bad usage or input).
std::function<int()> addFleetCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec);

}  // namespace kiosk::hub
