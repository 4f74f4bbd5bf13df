// `kioskctl status` and `kioskctl logs`: what a technician at the kiosk (or
// over ssh) checks first. Status gathers identity, software and content
// versions, outbox counts, last sync, certificate expiry, disk, uptime, PIN
// and lockout state from the data folder without changing anything in it;
// logs prints the newest lines of the kiosk's rotating log file. Neither ever
// prints personal data: the outbox is shown as counts, the log holds none.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::ctl {

// Adds the commands; the returned function runs the parsed one and returns
// its exit code (0 ok, 1 failure, 2 bad usage), or -1 if neither was parsed.
// `dataDir` is kioskctl's --data.
std::function<int()> addTechCommands(CLI::App& app, const std::string& dataDir);

}  // namespace kiosk::ctl
