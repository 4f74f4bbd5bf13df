// The kiosk's half of OS updates: fetch the RAUC bundle the hub offers and
// hand it to the root-side installer through files in DATA/updates/ (the
// contract with images/, docs/PROTOCOL.md "OS updates"). The kiosk runs
// unprivileged and never installs anything itself; it must never write
// installed.json or failed.json (root's) and never download an offer the
// installer has already taken, installed or refused.
//
//   DATA/updates/                       mode 0750, made here
//     <sha256>.part     the download, resumed with Range: bytes=K-
//     pending.raucb     the verified bundle (renamed from the .part)
//     pending.json      {"version","sha256","size","downloaded_at"}: written
//                       last, atomically; root's path unit watches it
//     installed.json    root: {"version","sha256","slot","installed_at"}
//     failed.json       root: {"version","sha256","error","at"}
//     reboot-request    the kiosk: {"version","at"}, when idle in quiet hours
//
// One round (fetchOsUpdate), after the content step of a sync cycle:
//
//   GET /v1/os-update ── 204 / 404 ──► nothing offered
//        │ 200 offer
//        ▼
//   skipReason(): running version, pending.json (any), installed.json
//   naming the running version (on trial: wait for the confirmation) or the
//   offer's sha256, failed.json sha256, an earlier hash mismatch (1 h)
//        │ none
//        ▼
//   free space ≥ what is left to fetch + 200 MiB ── no ──► error, retry next round
//        ▼
//   GET /v1/os-update/bundle/SHA (Range from the .part's size) ── cut ──► keep .part
//        ▼
//   size and sha256 of the .part ── mismatch ──► delete it, error, wait 1 h
//        ▼
//   rename .part → pending.raucb, fsync folder, write pending.json
//
// A crash between the rename and pending.json leaves pending.raucb without
// pending.json: the installer never saw it, and the next round downloads the
// offer again and renames over it.
#pragma once

#include "base/error.h"
#include "hub_client.h"
#include "protocol/protocol.h"

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

namespace kiosk::sync::osupdate {

inline constexpr std::uint64_t kFreeSpaceReserve = 200ull << 20;  // bytes DATA keeps free after a download
inline constexpr std::int64_t kMismatchRetryS = 3600;              // wait after a bundle failed its sha256

// The files of the contract, for a data folder.
struct Paths {
    std::filesystem::path dir;             // DATA/updates
    std::filesystem::path pendingBundle;   // pending.raucb
    std::filesystem::path pendingJson;     // pending.json
    std::filesystem::path installedJson;   // installed.json
    std::filesystem::path failedJson;      // failed.json
    std::filesystem::path rebootRequest;   // reboot-request
    std::filesystem::path partFor(const std::string& sha256) const { return dir / (sha256 + ".part"); }
};
Paths pathsIn(const std::filesystem::path& dataDir);

// DATA/updates with mode 0750 (made if missing).
[[nodiscard]] Result<void> ensureDir(const Paths& p);

// pending.json, installed.json or failed.json as far as it can be read;
// nothing when the file is missing or is not a JSON object.
struct Marker {
    std::string version, sha256, error, slot;
    std::int64_t size = 0;
    std::int64_t at = 0;  // downloaded_at / installed_at / at
};
std::optional<Marker> readMarker(const std::filesystem::path& file);

// The running OS version: VERSION= of the image release file (shell-style
// KEY=value, the value optionally in single or double quotes). Nothing when
// the file does not exist (not running on the OS image: OS updates are off);
// an error when it exists but names no usable version.
[[nodiscard]] Result<std::optional<std::string>> readOsVersion(const std::filesystem::path& releaseFile);

// What one round may do, and what the caller keeps between rounds.
struct Memory {
    std::string offerVersion;          // the offer seen last ("" = none)
    std::string lastError;             // why the last round could not fetch it ("" = fine)
    std::string mismatchSha;           // an offer whose download failed its sha256 …
    std::int64_t mismatchUntilS = 0;   // … is not fetched again before this (Unix s)
};
struct Target {
    bool enabled = false;              // update.enabled
    std::string runningVersion;        // "" = unknown: OS updates are off
    std::uint64_t reserveBytes = kFreeSpaceReserve;
    Memory* memory = nullptr;          // kept by the sync worker; may be null (one-off runs)
};

// Why an offer is not fetched; "" when it should be.
std::string skipReason(const protocol::OsUpdateOffer& offer, const Target& target, const Paths& p, std::int64_t nowS);

struct Outcome {
    bool asked = false;                 // the hub was asked this round
    std::string offered;                // the offered version ("" = none)
    std::string skipped;                // why the offer was not fetched ("" = it was, or none offered)
    std::string downloaded;             // version handed to the installer this round
    std::string error;                  // the round failed at this step (heartbeat, log)
    std::optional<TransportError> transport;  // no answer from the hub: the cycle failed
    std::optional<std::int64_t> hubTimeS;     // Date of an authenticated answer
};

// One round (see the diagram above). Never throws; writes only in DATA/updates.
Outcome fetchOsUpdate(const HubClient& client, const std::filesystem::path& dataDir, const Target& target,
                      std::int64_t nowS);

// The heartbeat's "os" object for this kiosk now: the running version and,
// when OS updates are on, the state the files (and the last round's error
// in `memory`) show, newest step first — pending, installed (for a version
// other than the running one), downloading (a .part, or an error while
// fetching), failed, none.
protocol::OsReport report(const std::filesystem::path& dataDir, const Target& target);

// installed.json, when it names a version other than the running one: the
// new system waits in the other slot for a reboot.
std::optional<Marker> installedAwaitingReboot(const Paths& p, const std::string& runningVersion);

// Writes reboot-request = {"version","at"} atomically.
[[nodiscard]] Result<void> requestReboot(const Paths& p, const std::string& version, std::int64_t nowS);

// Writes DIR/synced = the Unix time, atomically: the OS image's sign that a
// freshly installed system reached the hub.
[[nodiscard]] Result<void> writeSyncedMarker(const std::filesystem::path& runtimeDir, std::int64_t nowS);

}  // namespace kiosk::sync::osupdate
