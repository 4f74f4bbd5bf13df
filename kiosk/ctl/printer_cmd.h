// `kioskctl printer test|status`: print a test page on the configured receipt
// printer and report what the printer says about itself (paper, cover, online).
// A technician runs these after fitting or servicing a printer; scripts use --json.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace kiosk::ctl {

// Adds `printer test` and `printer status`; the returned function runs the
// parsed one and returns its exit code (0 ok, 1 failure, 2 bad usage), or -1
// if neither was parsed.
std::function<int()> addPrinterCommands(CLI::App& app);

}  // namespace kiosk::ctl
