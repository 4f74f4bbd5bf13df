// kiosk-hub's staff accounts from the command line (the first admin has no
// console to make it in):
//   kiosk-hub staff add --user NAME --role handler|editor|manager|admin [--sites A,B|*]
//             (the password is read from standard input, never an argument)
//   kiosk-hub staff sites --user NAME --sites A,B|*   (audited)
//   kiosk-hub staff list [--json]
//   kiosk-hub staff disable|enable --user NAME   (disabling ends its sessions)
//   kiosk-hub staff audit [--limit N] [--json]
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::hub {

std::function<int()> addStaffCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec);

}  // namespace kiosk::hub
