// One sync cycle between a kiosk's outbox and the hub:
//   1. upload pending records in batches; per record the hub answers
//      201/200 (stored now / stored before) → acknowledged, personal data
//      purged; 409/422 → dead-lettered (kept for the technician, never
//      blocking the queue); no answer → back to pending;
//   2. fetch case status changes after the kiosk's cursor (for 办件查询);
//   3. when a content target is given: fetch the signed manifest and, if it
//      is newer than the installed content, download the bundle (resuming a
//      partial download) and install it with bundle::installBundle — which
//      refuses a wrong signature, a rollback, an expired manifest or a
//      damaged file and then leaves the old content in place;
//   4. when OS updates are on: the offered OS bundle, downloaded (resumed)
//      into DATA/updates and handed to the root-side installer
//      (os_update.h).
// A transport failure or a refusal stops the cycle with every record it was
// sending back in `pending`: nothing is lost, and the hub's idempotency key
// makes the resend harmless. The caller decides when to run the next cycle
// (backoff.h); this class never sleeps.
#pragma once

#include "hub_client.h"
#include "os_update.h"
#include "bundle/trusted_time.h"
#include "outbox/outbox.h"

#include <filesystem>

#include <optional>
#include <string>

namespace kiosk::sync {

struct SyncReport {
    int batches = 0;
    int sent = 0, stored = 0, duplicates = 0, deadLettered = 0, requeued = 0;
    int statuses = 0;
    bool ok = true;                          // the cycle reached its end
    TransportProblem problem = TransportProblem::None;
    int httpStatus = 0;                      // when the hub refused a request
    std::string error;                       // for the log: never personal data
    std::optional<std::int64_t> retryAfterS; // the hub asked us to wait
    std::optional<std::int64_t> hubTimeS;    // Date of the last authenticated answer
    std::int64_t contentInstalled = 0;       // bundle version installed in this cycle (0 = none)
    std::int64_t contentOffered = 0;         // the hub's latest version (0 = none published / not asked)
    std::string contentError;                // a refused or failed content update (the old content stays)
    bool siteConfigChanged = false;          // DATA/site-config.json was rewritten this cycle
    std::string osOffered;                   // OS version the hub offers ("" = none / not asked)
    std::string osSkipped;                   // why it was not fetched (running, pending, installed, failed …)
    std::string osDownloaded;                // OS version handed to the installer in this cycle
    std::string osError;                     // the OS update step failed (the cycle itself may be ok)
};

// Where content goes and the clock expiry is judged by (TrustedTime).
struct ContentTarget {
    std::filesystem::path database;          // "" = do not fetch content
    bundle::TrustedTime* time = nullptr;
    bool reinstall = false;                  // fetch and install the installed version again
};

class SyncEngine {
public:
    SyncEngine(outbox::Outbox& box, const HubClient& client, ContentTarget content = {}, osupdate::Target os = {})
        : m_box(box), m_client(client), m_content(std::move(content)), m_os(std::move(os)) {}
    SyncReport runOnce(int batchSize = 200, int maxBatches = 1000);

private:
    bool upload(SyncReport& r, int batchSize, int maxBatches);
    bool fetchStatuses(SyncReport& r);
    void fetchContent(SyncReport& r);
    void fetchSiteConfig(SyncReport& r);
    void fetchOsUpdate(SyncReport& r);
    outbox::Outbox& m_box;
    const HubClient& m_client;
    ContentTarget m_content;
    osupdate::Target m_os;
};

// Sends one heartbeat: `body` (the kiosk's state, docs/PROTOCOL.md) plus
// "maintenance", the technician actions the hub has not confirmed yet
// (kiosk/maint/action_log.h; at most kHeartbeatActionsMax, oldest first).
// After a 2xx answer they are marked reported, so none is sent twice; after
// any other outcome they go again with the next heartbeat.
std::expected<HttpResponse, TransportError> sendHeartbeat(const HubClient& client, const std::filesystem::path& dataDir,
                                                          nlohmann::json body);

// When the last complete sync cycle ended (Unix s), as runOnce() records it in
// DATA/last-sync.json (to the minute: it is rewritten at most once a minute);
// nothing when this kiosk never completed one.
std::optional<std::int64_t> lastSyncS(const std::filesystem::path& dataDir);

}  // namespace kiosk::sync
