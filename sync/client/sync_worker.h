// The kiosk's sync worker: a thread that runs sync cycles (sync_engine.h)
// while the UI thread never waits on the network. It syncs every
// `intervalS` seconds, at once when kicked (a new submission), backs off
// after failures (backoff.h), sends a heartbeat every `heartbeatS`, renews
// the device certificate when it nears expiry, and watches for "online but
// not draining": the hub answers yet records stay pending for
// `stallAlertMin` minutes — logged and reported in the status and heartbeat.
//
// With OS updates on it also fetches the offered OS bundle for the image's
// installer (os_update.h) and reports the OS version and update state in the
// heartbeat, sent at once when that state changes. When `runtimeDir` is set
// ($RUNTIME_DIRECTORY) the first cycle that reaches the hub and completes
// without error writes RUNTIME_DIRECTORY/synced, once per process: the OS
// image takes it as proof that a freshly installed system works.
//
// The worker reports through `onChange` on its own thread; the app copies the
// status into its state on the UI thread (and reopens the content store after
// an install). stop() (or the destructor) ends the thread within a second,
// abandoning a download in flight (it resumes next time).
#pragma once

#include "os_update.h"

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
    // OS updates (config [update]): on only with a known running version.
    bool osUpdates = false;             // update.enabled
    std::string osVersion;              // VERSION= of update.os_release_file; "" = not on the OS image
    std::uint64_t osReserveBytes = osupdate::kFreeSpaceReserve;  // DATA keeps this much free after an OS download
    std::filesystem::path runtimeDir;   // $RUNTIME_DIRECTORY ("" = no "synced" marker)
    std::int64_t downloadBytesPerS = 0; // > 0: cap downloads at this rate (tests)
    std::int64_t retryCapMs = 60'000;   // longest wait between failed attempts (tests shorten it)
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
