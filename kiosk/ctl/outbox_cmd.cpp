// `kioskctl outbox status|list|import` (outbox_cmd.h): reads the outbox
// without changing it (status, list) or queues records as the kiosk UI does
// (import, outbox_import.h). Public fields only; personal data is never printed.
#include "outbox_cmd.h"

#include "client/hub_client.h"
#include "outbox/outbox.h"
#include "outbox_import.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <memory>

namespace kiosk::ctl {
namespace {

struct Options {
    CLI::App* status = nullptr;
    CLI::App* list = nullptr;
    CLI::App* import = nullptr;
    bool json = false;
    std::string importFile;
    bool importExample = false;
};

int importRecords(const Options& o, const std::string& dataDir) {
    if (o.importExample) {
        fmt::print("{}", importExample());
        return 0;
    }
    if (o.importFile.empty()) {
        fmt::print(stderr, "kioskctl: give the FILE to import (or --example)\n");
        return 2;
    }
    // Provisioned kiosks number cases with the hub's terminal code.
    std::string terminal = "KS01";
    if (auto hub = sync::loadHubConfig(dataDir); hub) terminal = hub->deviceId;
    auto r = importSubmissions(dataDir, terminal, o.importFile);
    if (!r) {
        fmt::print(stderr, "{}\n", r.error().message);
        return r.error().code == ErrorCode::InvalidArgument ? 2 : 1;
    }
    fmt::print("queued {} submissions ({} … {})\n", r->queued, r->firstNumber, r->lastNumber);
    return 0;
}

int showOutbox(const Options& o, const std::string& dataDir) {
    if (!std::filesystem::exists(dataDir + "/outbox.db")) {
        fmt::print(stderr, "no outbox in {} (give the kiosk's data folder with --data)\n", dataDir);
        return 1;
    }
    auto box = outbox::Outbox::open(dataDir, "");
    if (!box) {
        fmt::print(stderr, "{}\n", box.error().message);
        return 1;
    }
    if (o.list->parsed()) {
        auto records = box->all();
        if (!records) {
            fmt::print(stderr, "{}\n", records.error().message);
            return 1;
        }
        for (const auto& r : *records) {
            // Public fields only: the sealed personal data is never printed.
            if (o.json) {
                const nlohmann::json line = {{"seq", r.seq},           {"uuid", r.uuid},
                                             {"number", r.caseNo},     {"kind", r.kind},
                                             {"state", outbox::stateName(r.state)},
                                             {"created_ms", r.createdMs}, {"attempts", r.attempts},
                                             {"last_error", r.lastError}, {"public", r.publicData},
                                             {"personal_data_held", r.personalData.has_value() && !r.personalData->empty()}};
                fmt::print("{}\n", line.dump());
            } else {
                fmt::print("{:>6}  {}  {:<6}  {:<8}  attempts {}  {}{}\n", r.seq, r.caseNo, r.kind,
                           outbox::stateName(r.state), r.attempts, r.publicData.dump(),
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
    if (o.json)
        fmt::print("{{\"pending\": {}, \"sending\": {}, \"acked\": {}, \"rejected\": {}, \"oldest_pending_age_s\": {}}}\n",
                   st->pending, st->sending, st->acked, st->rejected, st->oldestPendingAgeMs / 1000);
    else
        fmt::print("pending {}  sending {}  acked {}  rejected {}  oldest pending {} s\n", st->pending, st->sending,
                   st->acked, st->rejected, st->oldestPendingAgeMs / 1000);
    return 0;
}

}  // namespace

std::function<int()> addOutboxCommands(CLI::App& app, const std::string& dataDir) {
    auto o = std::make_shared<Options>();
    auto* outboxCmd = app.add_subcommand("outbox", "Inspect the queue of visitor submissions");
    outboxCmd->require_subcommand(1);
    o->status = outboxCmd->add_subcommand(
        "status", "Counts by state (pending, sending, acked, rejected) and the oldest pending age; no personal data");
    o->status->add_flag("--json", o->json, "Print JSON");
    o->list = outboxCmd->add_subcommand(
        "list", "Every record: sequence, number, kind, state, attempts, last error and public fields; no personal data");
    o->list->add_flag("--json", o->json, "One JSON object per line");
    o->import = outboxCmd->add_subcommand(
        "import", "Queue submissions from a JSON-lines file exactly as the kiosk UI does (new key and sequence each)");
    o->import->add_option("FILE", o->importFile, "One submission per line (docs/PROTOCOL.md); '-' is not supported");
    o->import->add_flag("--example", o->importExample, "Print one valid line of each kind (case, rating) and exit");

    return [o, &dataDir]() -> int {
        if (o->import->parsed()) return importRecords(*o, dataDir);
        if (o->status->parsed() || o->list->parsed()) return showOutbox(*o, dataDir);
        return -1;
    };
}

}  // namespace kiosk::ctl
