// kiosk-hub: the central server kiosks sync with, and the command line that
// central staff and technicians use on it.
//
//   kiosk-hub [--data DIR] [--db SPEC] COMMAND …
//   kiosk-hub serve [--listen HOST:PORT] [--staff-listen …] [--metrics-listen …]   (serve_cmd.h)
//   kiosk-hub provision-file | device revoke | devices                          (fleet_cmd.h)
//   kiosk-hub cases list | show | update-status                                 (cases_cmd.h)
//   kiosk-hub content publish DB [--ttl 30d]                                    (content_cmd.h)
//   kiosk-hub ratings stats | bad | follow-up                                   (ratings_cmd.h)
//   kiosk-hub os-update publish | list | withdraw                               (os_update_cmd.h)
//   kiosk-hub staff add | sites | list | disable | enable | audit               (staff_cmd.h)
//
// Each command group is one file that adds its subcommands to the CLI11 app
// and returns the function that runs them; main() only puts them together,
// in the order `--help` lists them. Exit codes: 0 ok, 1 failure, 2 bad usage
// or input.
#include "base/log.h"
#include "cases_cmd.h"
#include "content_cmd.h"
#include "fleet_cmd.h"
#include "os_update_cmd.h"
#include "ratings_cmd.h"
#include "serve_cmd.h"
#include "staff_cmd.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

using namespace kiosk;

int main(int argc, char** argv) {
    log::init();
    CLI::App cli{"kiosk-hub: the central server kiosks sync with"};
    cli.require_subcommand(1);
    std::string dataDir = "/var/lib/kiosk-hub";
    std::string dbSpec;
    cli.add_option("--data", dataDir, "Data folder: keys, certificates and (by default) the SQLite database")
        ->capture_default_str();
    cli.add_option("--db", dbSpec,
                   "Database: a SQLite file (default DATA/hub.db) or postgresql://user@host:port/dbname");

    // Each top-level subcommand and the group that runs it.
    const auto runServe = hub::addServeCommand(cli, dataDir, dbSpec);
    const auto runFleet = hub::addFleetCommands(cli, dataDir, dbSpec);
    const std::vector<std::pair<std::string, std::function<int()>>> commands{
        {"serve", runServe},
        {"provision-file", runFleet},
        {"device", runFleet},
        {"devices", runFleet},
        {"cases", hub::addCasesCommands(cli, dataDir, dbSpec)},
        {"content", hub::addContentCommands(cli, dataDir, dbSpec)},
        {"ratings", hub::addRatingsCommands(cli, dataDir, dbSpec)},
        {"os-update", hub::addOsUpdateCommands(cli, dataDir, dbSpec)},
        {"staff", hub::addStaffCommands(cli, dataDir, dbSpec)},
    };

    CLI11_PARSE(cli, argc, argv);
    for (const auto& [name, run] : commands)
        if (cli.got_subcommand(name)) return run();
    return 2;
}
