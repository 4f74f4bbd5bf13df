// SyncWorker (sync_worker.h).
#include "sync_worker.h"

#include "backoff.h"
#include "base/log.h"
#include "bundle/install.h"
#include "bundle/trusted_time.h"
#include "crypto/crypto.h"
#include "crypto/x509.h"
#include "hub_client.h"
#include "outbox/outbox.h"
#include "sync_engine.h"

#include <fmt/format.h>
#include <sys/statvfs.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace kiosk::sync {
namespace {

auto logger() { return log::channel("sync"); }

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t diskFreeMb(const std::filesystem::path& dir) {
    struct statvfs s {};
    if (statvfs(dir.c_str(), &s) != 0) return -1;
    return std::int64_t(s.f_bavail) * std::int64_t(s.f_frsize) / (1024 * 1024);
}

}  // namespace

struct SyncWorker::Impl {
    WorkerOptions opt;
    std::function<void(const WorkerStatus&)> onChange;
    std::thread thread;
    std::mutex mutex;
    std::condition_variable cv;
    bool stopping = false, kicked = false;
    std::atomic<bool> cancel{false};  // set by stop(): abandons a request in flight (HubClient)
    osupdate::Memory osMemory;        // between cycles: the offer, its last error, a hash-mismatch wait
    nlohmann::json osSent;            // the "os" object of the last heartbeat the hub took
    bool syncedMarked = false;        // RUNTIME_DIRECTORY/synced written
    bool reinstall = false;  // the next cycle downloads the installed content version again
    WorkerStatus status;
    Backoff backoff;
    std::int64_t lastHeartbeatS = 0;
    std::int64_t lastProgressS = 0;  // last time a record was acknowledged, or nothing was pending

    // Sleeps up to `ms`; true when woken by stop() (then the loop ends).
    bool sleepFor(std::int64_t ms) {
        std::unique_lock lock(mutex);
        cv.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping || kicked; });
        kicked = false;
        return stopping;
    }

    void publish() {
        if (onChange) onChange(status);
        status.contentInstalledNow = 0;
    }

    osupdate::Target osTarget() {
        return osupdate::Target{opt.osUpdates, opt.osVersion, opt.osReserveBytes, &osMemory};
    }

    void heartbeat(HubClient& client, outbox::Outbox& box, const HubConfig& config, bundle::TrustedTime& clock,
                   const nlohmann::json& os) {
        const auto st = box.status(unixNow() * 1000).value_or(outbox::Status{});
        auto cert = crypto::inspectCert(config.certPem);
        nlohmann::json hb = {
            {"app_version", opt.appVersion},
            {"content_version", status.contentVersion},
            {"outbox", {{"pending", st.pending}, {"sending", st.sending}, {"acked", st.acked}, {"rejected", st.rejected},
                        {"oldest_pending_age_s", st.oldestPendingAgeMs / 1000}}},
            {"last_sync", status.lastSyncS},
            {"stalled", status.stalled},
            {"cert_not_after", cert ? cert->validity.notAfter : 0},
            {"disk_free_mb", diskFreeMb(opt.dataDir)},
            {"printer", opt.printerState ? opt.printerState() : "unknown"},
            {"trusted_time", clock.nowS()},
        };
        if (!os.empty()) hb["os"] = os;  // the running OS and its update state (absent off the OS image)
        // sendHeartbeat adds the unreported maintenance actions ("maintenance").
        auto res = sendHeartbeat(client, opt.dataDir, std::move(hb));
        if (res && res->status >= 200 && res->status < 300) {
            lastHeartbeatS = unixNow();
            osSent = os;
        }
    }

    void cycle() {
        auto config = loadHubConfig(opt.dataDir);
        status.provisioned = config.has_value();
        if (!config) {
            status.online = false;
            status.lastError = config.error().message;
            return;
        }
        auto box = outbox::Outbox::open(opt.dataDir.string(), config->deviceId);
        if (!box) {
            status.lastError = box.error().message;
            return;
        }
        bundle::TrustedTime clock(opt.dataDir / "trusted-time.json", bundle::buildEpochS());
        ClientOptions copts;
        copts.cancel = &cancel;
        copts.maxDownloadBytesPerS = opt.downloadBytesPerS;
        HubClient client(*config, copts);
        bool again = false;
        {
            std::lock_guard lock(mutex);
            again = std::exchange(reinstall, false);
        }
        SyncEngine engine(*box, client, ContentTarget{opt.contentDb, &clock, again}, osTarget());
        const SyncReport r = engine.runOnce();
        const std::int64_t now = unixNow();
        status.online = r.ok || r.httpStatus != 0;  // an answer, even a refusal, means the network works
        if (r.ok) status.lastSyncS = now;
        status.lastError = !r.ok ? r.error : !r.contentError.empty() ? r.contentError : r.osError;
        status.siteConfigChanged = r.siteConfigChanged;
        if (r.contentInstalled) {
            status.contentInstalledNow = r.contentInstalled;
        }
        if (!opt.contentDb.empty()) status.contentVersion = bundle::readInstalledVersion(opt.contentDb).value_or(0);
        const auto st = box->status(now * 1000).value_or(outbox::Status{});
        status.pending = st.pending + st.sending;
        status.rejected = st.rejected;
        // Online but not draining: answers come back, yet nothing pending moves.
        if (status.pending == 0 || r.stored + r.duplicates > 0) lastProgressS = now;
        const std::int64_t stallS = opt.stallAlertS > 0 ? opt.stallAlertS : std::int64_t(opt.stallAlertMin) * 60;
        const bool stalled = status.online && status.pending > 0 && now - lastProgressS >= stallS;
        if (stalled && !status.stalled)
            logger()->error("online but not draining: {} records pending for {} min without a delivery ({})", status.pending,
                            (now - lastProgressS) / 60, r.error.empty() ? "no error reported" : r.error);
        status.stalled = stalled;
        if (r.ok && !syncedMarked && !opt.runtimeDir.empty()) {
            // The first complete cycle since the process started: the image
            // marks a freshly installed system good on this file.
            if (auto w = osupdate::writeSyncedMarker(opt.runtimeDir, now); w) {
                syncedMarked = true;
                logger()->info("first complete sync: wrote {}", (opt.runtimeDir / "synced").string());
            } else {
                logger()->warn("first complete sync, but the marker was not written: {}", w.error().message);
            }
        }
        if (r.ok) {
            backoff.reset();
            // A changed OS update state goes to the hub at once, not with the next scheduled heartbeat.
            const nlohmann::json os = protocol::toJson(osupdate::report(opt.dataDir, osTarget()));
            if (now - lastHeartbeatS >= opt.heartbeatS || os != osSent) heartbeat(client, *box, *config, clock, os);
            // Judged by trusted time: a clock set years ahead must not renew
            // every cycle, one set in the past must not miss the window.
            if (auto rn = renewIfDue(opt.dataDir, *config, opt.renewBeforeDays, clock.nowS()); !rn)
                logger()->warn("{}", rn.error().message);
            else if (*rn)
                logger()->info("device certificate renewed");
        }
        (void)clock.flush();
        m_lastReport = r;
    }

    void loop() {
        lastProgressS = unixNow();
        for (;;) {
            if (opt.beat) opt.beat(0);
            cycle();
            publish();
            std::int64_t waitMs = std::int64_t(opt.intervalS) * 1000;
            if (!status.provisioned) waitMs = 30'000;
            else if (!m_lastReport.ok) {
                waitMs = backoff.next(m_lastReport.retryAfterS);
                logger()->info("sync failed ({}); next attempt in {} ms", m_lastReport.error, waitMs);
            }
            if (opt.beat) opt.beat(waitMs);
            if (sleepFor(waitMs)) {
                if (opt.stopped) opt.stopped();
                return;
            }
        }
    }

    SyncReport m_lastReport;
};

SyncWorker::SyncWorker(WorkerOptions options, std::function<void(const WorkerStatus&)> onChange)
    : m(std::make_unique<Impl>()) {
    m->opt = std::move(options);
    m->onChange = std::move(onChange);
    m->backoff = Backoff(1000, std::max<std::int64_t>(1, m->opt.retryCapMs));
}

SyncWorker::~SyncWorker() { stop(); }

void SyncWorker::start() {
    if (m->thread.joinable()) return;
    m->stopping = false;
    m->cancel = false;
    m->thread = std::thread([this] { m->loop(); });
}

void SyncWorker::stop() {
    {
        std::lock_guard lock(m->mutex);
        m->stopping = true;
    }
    m->cancel = true;
    m->cv.notify_all();
    if (m->thread.joinable()) m->thread.join();
}

void SyncWorker::redownloadContent() {
    {
        std::lock_guard lock(m->mutex);
        m->reinstall = true;
        m->kicked = true;
    }
    m->cv.notify_all();
}

void SyncWorker::kick() {
    {
        std::lock_guard lock(m->mutex);
        m->kicked = true;
    }
    m->cv.notify_all();
}

}  // namespace kiosk::sync
