// `kioskctl content …`: import editors' files and policy documents into a
// content database, print its statistics, search it as the kiosk would.
#pragma once

#include <CLI/CLI.hpp>

namespace kiosk::ctl {

// Adds the `content` subcommand tree to `app`; the returned function runs
// whichever content command was parsed (or returns -1 if none was).
std::function<int()> addContentCommands(CLI::App& app);

}  // namespace kiosk::ctl
