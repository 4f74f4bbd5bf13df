// `kioskctl sync`: run one sync cycle by hand (upload, case statuses, site
// settings, content). Enrolling is `kioskctl provision` (provision_cmd.h).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::ctl {

// Adds the commands; the returned function runs the parsed one (or returns
// -1 if none of them was parsed). `dataDir` is kioskctl's --data.
std::function<int()> addSyncCommands(CLI::App& app, const std::string& dataDir);

}  // namespace kiosk::ctl
