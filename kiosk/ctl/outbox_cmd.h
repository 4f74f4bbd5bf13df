// `kioskctl outbox …`: look into the queue of visitor submissions, or fill it
// for a test (docs/OUTBOX.md):
//
//   kioskctl outbox status [--json]   counts by state, oldest pending age
//   kioskctl outbox list [--json]     every record's public fields
//   kioskctl outbox import FILE | --example
//
// Never prints personal data: the sealed half of a record is only said to be
// there or not.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::ctl {

// Adds the commands; the returned function runs the parsed one (or returns
// -1 if none of them was parsed). `dataDir` is kioskctl's --data.
std::function<int()> addOutboxCommands(CLI::App& app, const std::string& dataDir);

}  // namespace kiosk::ctl
