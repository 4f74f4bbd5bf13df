// The kiosk's sync worker: a thread that runs sync cycles (sync_engine.h)
// while the UI thread never waits on the network. It syncs every
// `intervalS` seconds, at once when kicked (a new submission), backs off
// after failures (backoff.h), sends a heartbeat every `heartbeatS`, renews
// the device certificate when it nears expiry, and watches for "online but
// not draining": the hub answers yet records stay pending for
// `stallAlertMin` minutes — logged and reported in the status and heartbeat.
//
// The worker reports through `onChange` on its own thread; the app copies the
// status into its state on the UI thread (and reopens the content store after
// an install). stop() (or the destructor) ends the thread within a second.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kiosk::sync {

struct WorkerOptions {
    std::filesystem::path dataDir;      // outbox, hub.json, device certificate
    std::filesystem::path contentDb;    // content database to keep current ("" = leave alone)
    int intervalS = 30;
    int heartbeatS = 300;
    int stallAlertMin = 10;
    std::int64_t stallAlertS = 0;       // > 0: use these seconds instead of stallAlertMin (tests)
    int renewBeforeDays = 30;
    std::string appVersion;
    std::function<std::string()> printerState;  // "ok", "no paper", … (called on the worker thread)
    // Liveness for the service watchdog (called on the worker thread):
    // beat(0) as a cycle starts, beat(ms) before sleeping that long, and
    // stopped() as the thread ends.
    std::function<void(std::int64_t sleepMs)> beat;
    std::function<void()> stopped;
};

struct WorkerStatus {
    bool provisioned = false;
    bool online = false;                // the last exchange with the hub worked
    std::int64_t lastSyncS = 0;         // Unix s of the last complete cycle
    long pending = 0, rejected = 0;
    bool stalled = false;               // online but not draining
    std::int64_t contentVersion = 0;    // installed bundle version
    std::int64_t contentInstalledNow = 0;  // > 0 once, right after an install: reopen the content store
    std::string lastError;              // for the log / maintenance screen; never personal data
    bool siteConfigChanged = false;     // DATA/site-config.json changed: apply it
};

class SyncWorker {
public:
    SyncWorker(WorkerOptions options, std::function<void(const WorkerStatus&)> onChange);
    ~SyncWorker();
    SyncWorker(const SyncWorker&) = delete;
    SyncWorker& operator=(const SyncWorker&) = delete;

    void start();
    void stop();
    void kick();  // sync soon: something was just submitted
    // Sync soon and download the installed content version again (a
    // technician repairing a damaged catalog); checked like any bundle.
    void redownloadContent();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace kiosk::sync
