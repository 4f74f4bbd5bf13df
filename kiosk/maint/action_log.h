// The audit trail of maintenance mode: every technician action (entered,
// wrong PIN, lockout, sync now, re-download content, restart app, rotation
// changed, printer test page, left …) is appended to DATA/maintenance-log.jsonl
// as one JSON object per line, {"id", "at" (epoch ms), "action", "detail"},
// and logged on the "maint" channel. The sync worker sends the actions the
// hub has not seen in its heartbeat ("maintenance") and marks them reported
// once the hub answered 2xx, so each reaches the hub once.
//
// `detail` is for the technician's context ("rotation 90", "4 attempts
// left") and must never hold personal data or a PIN; it is cut to 200 bytes.
// `action` is a short word from the list below ([a-z_], ≤ 40 characters).
//
// The file stays bounded: reported entries beyond the newest 500 are dropped
// when it is compacted, and at most 1000 unreported ones are kept (the
// oldest go first, with a warning) if the hub is out of reach for very long.
// A torn last line (power cut mid-append) is skipped. Writers in the kiosk
// and in kioskctl are serialised by a lock file next to the log.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::maint {

// The action words the kiosk and kioskctl use (the hub shows them as they are).
namespace action {
inline constexpr std::string_view kEntered = "entered";            // right PIN (PinGuard records it)
inline constexpr std::string_view kWrongPin = "wrong_pin";         // PinGuard records it
inline constexpr std::string_view kLockout = "lockout";            // PinGuard records it
inline constexpr std::string_view kSyncNow = "sync_now";
inline constexpr std::string_view kRedownload = "redownload_content";
inline constexpr std::string_view kRestart = "restart_app";
inline constexpr std::string_view kRotation = "rotation_changed";  // detail: "rotation 90"
inline constexpr std::string_view kPrintTest = "printer_test_page";
inline constexpr std::string_view kLeft = "left";
inline constexpr std::string_view kPinSet = "pin_set";             // kioskctl provision --pin-stdin, setup screen
inline constexpr std::string_view kSettings = "settings_changed";  // DATA/device.toml rewritten (detail: keys)
inline constexpr std::string_view kProvisioned = "provisioned";    // enrolled with the hub
}  // namespace action

struct MaintenanceAction {
    std::int64_t id = 0;  // increasing, unique per kiosk
    std::int64_t at = 0;  // epoch ms
    std::string action;
    std::string detail;
};

inline constexpr std::size_t kReportedKept = 500;     // reported entries kept for the technician
inline constexpr std::size_t kUnreportedKept = 1000;  // unreported entries kept while the hub is away
inline constexpr std::size_t kHeartbeatActionsMax = 100;  // sent per heartbeat (oldest first)

// Appends one action and logs it on the "maint" channel.
[[nodiscard]] Result<void> recordAction(const std::filesystem::path& dataDir, std::string_view action,
                                        std::string_view detail, std::int64_t epochMs);

// Actions the hub has not confirmed yet, oldest first (empty when there is no log).
[[nodiscard]] Result<std::vector<MaintenanceAction>> unreportedActions(const std::filesystem::path& dataDir);

// The hub has every action with id ≤ upToId; compacts the file.
[[nodiscard]] Result<void> markReported(const std::filesystem::path& dataDir, std::int64_t upToId);

// The newest `count` actions, reported or not, oldest first (for status screens).
[[nodiscard]] Result<std::vector<MaintenanceAction>> recentActions(const std::filesystem::path& dataDir,
                                                                   std::size_t count);

}  // namespace kiosk::maint
