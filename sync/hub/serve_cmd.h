// `kiosk-hub serve`: the hub as a service (docs/HUB-STAFF.md):
//
//   kiosk-hub serve [--listen HOST:PORT] [--name N]… [--pool N]
//                   [--staff-listen HOST:PORT] [--console DIR] [--metrics-listen HOST:PORT]
//                   [--renew-overlap 10m] [--device-cert-days 365]
//
// The device listener (mutual TLS, server.h), the staff console's own
// listener (staff_server.h) and a plain-HTTP /metrics listener for
// monitoring only, until SIGTERM or SIGINT. Their URLs are written to
// DATA/hub.url, staff.url and metrics.url.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace kiosk::hub {

// Adds the `serve` subcommand to `app`; `dataDir` and `dbSpec` are
// kiosk-hub's --data and --db, read when the command runs (they must outlive
// the returned function). After parsing, when app.got_subcommand("serve"),
// the returned function serves until stopped and returns the exit code (0
// stopped by a signal, 1 failure, 2 bad usage or input).
std::function<int()> addServeCommand(CLI::App& app, const std::string& dataDir, const std::string& dbSpec);

}  // namespace kiosk::hub
