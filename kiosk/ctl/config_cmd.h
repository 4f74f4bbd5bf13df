// `kioskctl config …`: check a site's configuration file before it reaches a
// kiosk, or print every key with its default (assets/config/kiosk.toml):
//
//   kioskctl config check FILE   as the kiosk reads it at start, with DATA/device.toml over it
//   kioskctl config defaults
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::ctl {

// Adds the commands; the returned function runs the parsed one (or returns
// -1 if none of them was parsed). `dataDir` is kioskctl's --data (its option
// must already be on `app`: whether it was given decides which device.toml
// is checked).
std::function<int()> addConfigCommands(CLI::App& app, const std::string& dataDir);

}  // namespace kiosk::ctl
