// `kioskctl check …`: the kiosk's own checks of what visitors type, for a
// technician or editor to try a value:
//
//   kioskctl check uscc CODE       统一社会信用代码 (unified social credit code, GB 32100-2015)
//   kioskctl check mobile NUMBER   mainland mobile number
//
// Exit 0 and "valid", or exit 1 with the reason in English.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace kiosk::ctl {

// Adds the commands; the returned function runs the parsed one (or returns
// -1 if none of them was parsed).
std::function<int()> addCheckCommands(CLI::App& app);

}  // namespace kiosk::ctl
