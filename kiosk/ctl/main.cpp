// kioskctl: the technician's and content editor's command-line tool. It
// shares the kiosk's libraries (config, later content and outbox) but no UI.
// Human output by default; exit codes: 0 ok, 1 failure, 2 bad usage or input.
//
// Commands: `config check|defaults`, `content import|import-doc|stats|search`,
// `check uscc|mobile`, `outbox status|list|import`, `provision` (enrolment,
// device settings, maintenance PIN), `sync --once`, `status`, `logs`,
// `printer test|status`, `version`. Commands that read the kiosk's config
// apply DATA/device.toml over the site file, as the kiosk does at start.
//
// Each command group is one file (outbox_cmd, config_cmd, check_cmd,
// content_cmd, provision_cmd, sync_cmd, tech_cmd, printer_cmd) that adds its
// subcommands to the CLI11 app and returns the function that runs them (-1
// when none of its commands was given); main() only puts them together, in
// the order `--help` lists them. `version` is one line and stays here.
#include "check_cmd.h"
#include "config_cmd.h"
#include "content_cmd.h"
#include "outbox_cmd.h"
#include "printer_cmd.h"
#include "provision_cmd.h"
#include "sync_cmd.h"
#include "tech_cmd.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <functional>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    CLI::App cli{"kioskctl: provision, configure and inspect a kiosk"};
    cli.require_subcommand(1);

    std::string dataDir = "/var/lib/kiosk";
    cli.add_option("--data", dataDir, "The kiosk's data folder (outbox, device key); default /var/lib/kiosk");

    auto* version = cli.add_subcommand("version", "Print the kiosk software version");
    const std::vector<std::function<int()>> groups{
        kiosk::ctl::addOutboxCommands(cli, dataDir),    kiosk::ctl::addConfigCommands(cli, dataDir),
        kiosk::ctl::addCheckCommands(cli),              kiosk::ctl::addContentCommands(cli),
        kiosk::ctl::addProvisionCommand(cli, dataDir),  kiosk::ctl::addSyncCommands(cli, dataDir),
        kiosk::ctl::addTechCommands(cli, dataDir),      kiosk::ctl::addPrinterCommands(cli),
    };

    CLI11_PARSE(cli, argc, argv);

    for (const auto& run : groups)
        if (const int rc = run(); rc >= 0) return rc;
    if (version->parsed()) {
        fmt::print("kiosk {}\n", KIOSK_VERSION);
        return 0;
    }
    return 2;
}
