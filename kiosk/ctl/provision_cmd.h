// `kioskctl provision`: enroll this terminal with the hub from a technician's
// provisioning file and/or set its per-device settings (screen rotation,
// printer) in DATA/device.toml and its maintenance PIN. Everything given is
// checked before the first slow step, so a typo never leaves a half-done
// kiosk. The PIN is read from stdin only (--pin-stdin): a PIN on the command
// line would land in the shell history and in `ps`. Long steps report
// progress on stderr: a one-line bar on a terminal, plain step lines in a
// script or log. The PIN is never printed or logged.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::ctl {

// Adds `provision`; the returned function runs it when parsed and returns its
// exit code (0 ok, 1 failure, 2 bad usage or input), or -1 otherwise.
std::function<int()> addProvisionCommand(CLI::App& app, const std::string& dataDir);

}  // namespace kiosk::ctl
