// kioskctl: the technician's and content editor's command-line tool. It
// shares the kiosk's libraries (config, later content and outbox) but no UI.
// Human output by default; exit codes: 0 ok, 1 failure, 2 bad usage or input.
//
// Commands: `config check|defaults`, `content import|import-doc|stats|search`,
// `check uscc|mobile`, `outbox status|list|import`, `provision` (enrolment,
// device settings, maintenance PIN), `sync --once`, `status`, `logs`,
// `printer test|status`, `version`. Commands that read the kiosk's config
// apply DATA/device.toml over the site file, as the kiosk does at start.
#include "config/config.h"
#include "content_cmd.h"
#include "provision_cmd.h"
#include "sync_cmd.h"
#include "tech_cmd.h"
#include "printer_cmd.h"
#include "outbox_import.h"
#include "client/hub_client.h"
#include "outbox/outbox.h"
#include "validate/mobile.h"
#include "validate/uscc.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
    CLI::App cli{"kioskctl: provision, configure and inspect a kiosk"};
    cli.require_subcommand(1);

    std::string dataDir = "/var/lib/kiosk";
    cli.add_option("--data", dataDir, "The kiosk's data folder (outbox, device key); default /var/lib/kiosk");

    auto* version = cli.add_subcommand("version", "Print the kiosk software version");

    auto* outboxCmd = cli.add_subcommand("outbox", "Inspect the queue of visitor submissions");
    outboxCmd->require_subcommand(1);
    bool outboxJson = false;
    auto* outboxStatus = outboxCmd->add_subcommand(
        "status", "Counts by state (pending, sending, acked, rejected) and the oldest pending age; no personal data");
    outboxStatus->add_flag("--json", outboxJson, "Print JSON");
    auto* outboxList = outboxCmd->add_subcommand(
        "list", "Every record: sequence, number, kind, state, attempts, last error and public fields; no personal data");
    outboxList->add_flag("--json", outboxJson, "One JSON object per line");
    auto* outboxImport = outboxCmd->add_subcommand(
        "import", "Queue submissions from a JSON-lines file exactly as the kiosk UI does (new key and sequence each)");
    std::string importFile;
    bool importExample = false;
    outboxImport->add_option("FILE", importFile, "One submission per line (docs/PROTOCOL.md); '-' is not supported");
    outboxImport->add_flag("--example", importExample, "Print one valid line of each kind (case, rating) and exit");

    auto* config = cli.add_subcommand("config", "Check or print the kiosk configuration");
    config->require_subcommand(1);
    std::string file;
    auto* check = config->add_subcommand("check", "Validate a site configuration file as the kiosk would at start");
    check->add_option("FILE", file, "TOML file, e.g. /etc/kiosk/kiosk.toml")->required();
    auto* defaults = config->add_subcommand("defaults", "Print every key with its default and documentation");

    auto* checkCmd = cli.add_subcommand("check", "Check a unified social credit code or a mobile number");
    checkCmd->require_subcommand(1);
    std::string value;
    auto* uscc = checkCmd->add_subcommand("uscc", "Exit 0 and print 'valid' for a valid 统一社会信用代码 (GB 32100-2015)");
    uscc->add_option("CODE", value, "18 characters, letters in upper case")->required();
    auto* mobile = checkCmd->add_subcommand("mobile", "Exit 0 and print 'valid' for a mainland mobile number");
    mobile->add_option("NUMBER", value, "11 digits, optionally with +86 or 0086")->required();

    auto runContent = kiosk::ctl::addContentCommands(cli);
    auto runProvision = kiosk::ctl::addProvisionCommand(cli, dataDir);
    auto runSync = kiosk::ctl::addSyncCommands(cli, dataDir);
    auto runTech = kiosk::ctl::addTechCommands(cli, dataDir);
    auto runPrinter = kiosk::ctl::addPrinterCommands(cli);

    CLI11_PARSE(cli, argc, argv);

    if (const int rc = runContent(); rc >= 0) return rc;
    if (const int rc = runProvision(); rc >= 0) return rc;
    if (const int rc = runSync(); rc >= 0) return rc;
    if (const int rc = runTech(); rc >= 0) return rc;
    if (const int rc = runPrinter(); rc >= 0) return rc;
    if (outboxImport->parsed()) {
        if (importExample) {
            fmt::print("{}", kiosk::ctl::importExample());
            return 0;
        }
        if (importFile.empty()) {
            fmt::print(stderr, "kioskctl: give the FILE to import (or --example)\n");
            return 2;
        }
        // Provisioned kiosks number cases with the hub's terminal code.
        std::string terminal = "KS01";
        if (auto hub = kiosk::sync::loadHubConfig(dataDir); hub) terminal = hub->deviceId;
        auto r = kiosk::ctl::importSubmissions(dataDir, terminal, importFile);
        if (!r) {
            fmt::print(stderr, "{}\n", r.error().message);
            return r.error().code == kiosk::ErrorCode::InvalidArgument ? 2 : 1;
        }
        fmt::print("queued {} submissions ({} … {})\n", r->queued, r->firstNumber, r->lastNumber);
        return 0;
    }
    if (outboxStatus->parsed() || outboxList->parsed()) {
        if (!std::filesystem::exists(dataDir + "/outbox.db")) {
            fmt::print(stderr, "no outbox in {} (give the kiosk's data folder with --data)\n", dataDir);
            return 1;
        }
        auto box = kiosk::outbox::Outbox::open(dataDir, "");
        if (!box) {
            fmt::print(stderr, "{}\n", box.error().message);
            return 1;
        }
        if (outboxList->parsed()) {
            auto records = box->all();
            if (!records) {
                fmt::print(stderr, "{}\n", records.error().message);
                return 1;
            }
            for (const auto& r : *records) {
                // Public fields only: the sealed personal data is never printed.
                if (outboxJson) {
                    const nlohmann::json line = {{"seq", r.seq},           {"uuid", r.uuid},
                                                 {"number", r.caseNo},     {"kind", r.kind},
                                                 {"state", kiosk::outbox::stateName(r.state)},
                                                 {"created_ms", r.createdMs}, {"attempts", r.attempts},
                                                 {"last_error", r.lastError}, {"public", r.publicData},
                                                 {"personal_data_held", r.personalData.has_value() && !r.personalData->empty()}};
                    fmt::print("{}\n", line.dump());
                } else {
                    fmt::print("{:>6}  {}  {:<6}  {:<8}  attempts {}  {}{}\n", r.seq, r.caseNo, r.kind,
                               kiosk::outbox::stateName(r.state), r.attempts, r.publicData.dump(),
                               r.lastError.empty() ? "" : "  last error: " + r.lastError);
                }
            }
            return 0;
        }
        const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        auto st = box->status(nowMs);
        if (!st) {
            fmt::print(stderr, "{}\n", st.error().message);
            return 1;
        }
        if (outboxJson)
            fmt::print("{{\"pending\": {}, \"sending\": {}, \"acked\": {}, \"rejected\": {}, \"oldest_pending_age_s\": {}}}\n",
                       st->pending, st->sending, st->acked, st->rejected, st->oldestPendingAgeMs / 1000);
        else
            fmt::print("pending {}  sending {}  acked {}  rejected {}  oldest pending {} s\n", st->pending, st->sending,
                       st->acked, st->rejected, st->oldestPendingAgeMs / 1000);
        return 0;
    }
    if (uscc->parsed()) {
        const auto r = kiosk::validate::checkUscc(value);
        if (r.valid) fmt::print("valid\n");
        else fmt::print(stderr, "{}\n", r.messageEn);
        return r.valid ? 0 : 1;
    }
    if (mobile->parsed()) {
        const auto r = kiosk::validate::checkMobile(value);
        if (r.valid) fmt::print("valid\n");
        else fmt::print(stderr, "{}\n", r.messageEn);
        return r.valid ? 0 : 1;
    }
    if (version->parsed()) {
        fmt::print("kiosk {}\n", KIOSK_VERSION);
        return 0;
    }
    if (defaults->parsed()) {
        fmt::print("{}", kiosk::config::defaultsText());
        return 0;
    }
    if (check->parsed()) {
        auto c = kiosk::config::load(std::filesystem::path(file));
        if (!c) {
            fmt::print(stderr, "{}\n", c.error().message);
            return c.error().code == kiosk::ErrorCode::NotFound ? 1 : 2;
        }
        fmt::print("ok: {} (site \"{}\", language {}, idle {} s + {} s countdown, {} display, renderer {})\n", file,
                   c->siteName, c->language, c->idleTimeoutS, c->idleCountdownS, c->displayMode, c->renderer);
        // The kiosk applies DATA/device.toml over the site file: check it the same way.
        const auto* dataOpt = cli.get_option_no_throw("--data");
        const std::filesystem::path device =
            std::filesystem::path(dataOpt && dataOpt->count() > 0 ? dataDir : c->dataDir) / kiosk::config::kDeviceSettingsFile;
        if (std::error_code ec; std::filesystem::exists(device, ec)) {
            auto d = kiosk::config::overlayFile(*c, device);
            if (!d) {
                fmt::print(stderr, "{}\n", d.error().message);
                return 2;
            }
            fmt::print("ok: {} over it (rotation {}, printer {})\n", device.string(), d->rotation, d->printerKind);
        }
        return 0;
    }
    return 2;
}
