// kioskctl sync (sync_cmd.h).
#include "sync_cmd.h"

#include "outbox/outbox.h"
#include "client/hub_client.h"
#include "client/sync_engine.h"

#include <fmt/format.h>

#include <chrono>
#include <memory>

namespace kiosk::ctl {
namespace {

const char* problemName(sync::TransportProblem p) {
    switch (p) {
        case sync::TransportProblem::None: return "none";
        case sync::TransportProblem::Offline: return "offline";
        case sync::TransportProblem::Timeout: return "timeout";
        case sync::TransportProblem::PinMismatch: return "pin_mismatch";
        case sync::TransportProblem::BadCertificate: return "bad_certificate";
        case sync::TransportProblem::Tls: return "tls";
        case sync::TransportProblem::TooLarge: return "too_large";
        case sync::TransportProblem::Other: return "other";
    }
    return "other";
}

}  // namespace

std::function<int()> addSyncCommands(CLI::App& app, const std::string& dataDir) {
    struct Opts {
        bool once = false, json = false;
        std::string content;
    };
    auto o = std::make_shared<Opts>();
    auto* sync = app.add_subcommand("sync", "Exchange data with the hub: upload the outbox, fetch case statuses");
    sync->add_flag("--once", o->once, "Run one cycle and exit (required: the kiosk app runs the continuous worker)")
        ->required();
    sync->add_flag("--json", o->json, "Print what moved as JSON");
    sync->add_option("--content", o->content,
                     "Content database to keep up to date from the hub (as in the kiosk config); omit to leave content alone");

    return [=, &dataDir]() -> int {
        if (sync->parsed()) {
            auto config = sync::loadHubConfig(dataDir);
            if (!config) return fmt::print(stderr, "kioskctl: {}\n", config.error().message), 1;
            auto box = outbox::Outbox::open(dataDir, config->deviceId);
            if (!box) return fmt::print(stderr, "kioskctl: {}\n", box.error().message), 1;
            sync::HubClient client(*config);
            bundle::TrustedTime clock(std::filesystem::path(dataDir) / "trusted-time.json", bundle::buildEpochS());
            sync::SyncEngine engine(*box, client, sync::ContentTarget{o->content, &clock});
            const sync::SyncReport r = engine.runOnce();
            bool renewed = false;
            if (r.ok) {
                // Trusted time (raised by this cycle's hub answers), not the system clock.
                auto rn = sync::renewIfDue(dataDir, *config, 30, clock.nowS());
                if (!rn) fmt::print(stderr, "kioskctl: {}\n", rn.error().message);
                renewed = rn.value_or(false);
            }
            if (o->json) {
                nlohmann::json out = {{"ok", r.ok},         {"batches", r.batches},
                                      {"sent", r.sent},     {"stored", r.stored},
                                      {"duplicates", r.duplicates}, {"dead_lettered", r.deadLettered},
                                      {"requeued", r.requeued},     {"statuses", r.statuses},
                                      {"problem", problemName(r.problem)}, {"http_status", r.httpStatus},
                                      {"error", r.error},   {"content_installed", r.contentInstalled},
                                      {"content_offered", r.contentOffered}, {"content_error", r.contentError},
                                      {"renewed", renewed}};
                if (r.retryAfterS) out["retry_after_s"] = *r.retryAfterS;
                fmt::print("{}\n", out.dump());
            } else {
                fmt::print("sent {} (stored {}, already there {}, dead-lettered {}, back to pending {}), {} case "
                           "status updates{}\n",
                           r.sent, r.stored, r.duplicates, r.deadLettered, r.requeued, r.statuses,
                           r.ok ? "" : "; stopped: " + r.error);
                if (r.retryAfterS) fmt::print("the hub asks to wait {} s before the next sync\n", *r.retryAfterS);
                if (r.contentInstalled) fmt::print("installed content version {}\n", r.contentInstalled);
                if (!r.contentError.empty()) fmt::print("content not updated: {}\n", r.contentError);
            }
            if (!r.ok) fmt::print(stderr, "kioskctl: sync stopped: {}\n", r.error);
            return r.ok ? 0 : 1;
        }
        return -1;
    };
}

}  // namespace kiosk::ctl
