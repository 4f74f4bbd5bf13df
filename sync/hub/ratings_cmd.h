// `kiosk-hub ratings …`: the staff command line for ratings (好差评) at the
// centre — the headline figures per service, department, kiosk or month, the
// list of bad ratings with their follow-up state, and recording a follow-up
// step. docs/HUB-STAFF.md is the manual; hubdb/rating_queries.h does the work.
//
//   kiosk-hub ratings stats [--by service|department|kiosk|month] [--from D] [--to D] [--json|--csv]
//   kiosk-hub ratings bad [--open] [--contact] [--json]
//   kiosk-hub ratings follow-up UUID ACTION [--note N] [--actor A]
//
// The call-back contact is printed for staff only when asked (--contact) and
// is never logged.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::hub {

// Adds the `ratings` subcommand to `app`. `dataDir` and `dbSpec` are the
// values of kiosk-hub's --data and --db, read when the command runs (so they
// must outlive the returned function). After parsing, when
// app.got_subcommand("ratings"), call the returned function: it runs the
// chosen subcommand and returns the exit code (0 ok, 1 failure, 2 bad usage
// or input).
std::function<int()> addRatingsCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec);

}  // namespace kiosk::hub
