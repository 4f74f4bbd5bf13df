// `kiosk-hub os-update …`: what staff run to offer a new OS image to the
// fleet (docs/HUB-STAFF.md "OS updates"):
//
//   kiosk-hub os-update publish FILE.raucb --version V [--compatible kiosk-amd64]
//   kiosk-hub os-update list [--json]
//   kiosk-hub os-update withdraw
//
// publish checks what it can without RAUC — a non-empty file starting with
// the squashfs magic "hsqs", a one-word version, no clash with a version or
// file published before — and only then copies the file into
// DATA/os-updates/<sha256>.raucb and makes it the offer; a refusal stores
// nothing. The bundle's signature is checked by RAUC on each kiosk.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::hub {

// Adds the `os-update` subcommand to `app`; `dataDir` and `dbSpec` are
// kiosk-hub's --data and --db, read when the command runs (they must outlive
// the returned function). After parsing, when app.got_subcommand("os-update"),
// the returned function runs it and returns the exit code (0 ok, 1 failure,
// 2 bad usage or input).
std::function<int()> addOsUpdateCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec);

}  // namespace kiosk::hub
