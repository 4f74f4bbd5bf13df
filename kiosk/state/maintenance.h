// Technician state: maintenance mode (behind a hidden gesture and a PIN) and
// the setup screen of an unprovisioned kiosk. Kept apart from the visitor's
// session: entering maintenance wipes that session, and nothing a technician
// sees here is ever shown to a visitor.
//
//   Off --gesture--> Pin --right PIN--> Open --Leave / idle--> Off
//                     |  \--wrong x5--> (locked, says until when)
//                     +--Cancel / idle--> Off
//   Setup (unprovisioned first start) --Done / Skip--> Off
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace kiosk::state {

enum class MaintMode : std::uint8_t { Off, Pin, Open, Setup };
enum class MaintPage : std::uint8_t { Device, Network, Sync, Printer, Scanner, Touch, Logs, Count };

// What the maintenance screens show, gathered by the app (files, outbox,
// platform probes) when a page opens or the technician refreshes it.
struct MaintInfo {
    // device and site
    std::string deviceId, site, siteName, appVersion, hubUrl;
    bool provisioned = false;
    std::string contentVersion;         // "12 (2026-11-20)"; "" = no content
    std::int64_t uptimeS = -1;
    std::int64_t diskFreeBytes = -1, diskTotalBytes = -1;
    int rotation = 0;
    int width = 0, height = 0;          // logical screen size
    // network
    bool defaultRoute = false;
    std::vector<std::string> addresses; // "eth0 192.168.1.20"
    int hubReachable = -1;              // -1 not probed, 0 no, 1 yes
    std::string hubProbe;               // "12 ms" or what went wrong
    // sync
    int pending = 0, sending = 0, acked = 0, rejected = 0;
    std::int64_t oldestPendingS = 0;
    std::string lastSync;               // local "2026-11-21 09:30" ("" = never)
    int certDaysLeft = -1;              // -1 = no certificate
    std::string syncError;
    // printer and scanner
    std::string printerName;
    std::string printerCode = "unknown"; // ready | paper_low | paper_out | cover_open | offline | error | unknown
    std::string printerDetail;          // the printer's own words for a technician ("" when ready)
    std::string scannerName;            // "" = none configured
    // watchdog
    int watchdogState = 0;              // 0 off (not under systemd), 1 active, 2 withholding keep-alives
    std::int64_t watchdogIntervalS = 0;
    std::string watchdogWithheld;       // why keep-alives are withheld
    std::vector<std::string> logs;      // recent log lines, no personal data
};

// A touch on the touch-test page: where the app saw it (logical px) and
// where the panel reported it (physical px), to check the rotation mapping.
struct TouchMark {
    float x = 0, y = 0;
    float physX = 0, physY = 0;
};

// A scan on the scanner-test page: what kind of code it was and a masked
// form of it (a scan may hold a company's credit code).
struct ScanLine {
    std::string kindKey;  // i18n key
    std::string shown;    // "9131****0123 (18)"
};

// The setup screen's steps.
enum class SetupStep : std::uint8_t { Connect, Printer, Rotation, Pin, Done };

struct SetupState {
    SetupStep step = SetupStep::Connect;
    std::vector<std::string> files;     // provisioning files found (USB sticks, data folder): full paths
    std::vector<std::string> fileLabels;  // as shown: "DATA/provision.json", "/media/usb/provision.json"
    bool working = false;               // enrolment running
    std::string resultKey;              // i18n key of the last outcome
    std::string resultDetail;           // e.g. the hub's error, the device id
    bool connected = false;
    std::string firstPin;               // PIN step: the first entry, waiting for the repeat
};

struct MaintenanceState {
    MaintMode mode = MaintMode::Off;
    MaintPage page = MaintPage::Device;
    std::string pin;                    // digits typed on the PIN pad (never stored, cleared on leave)
    std::string pinMessageKey;          // i18n key under the PIN dots
    int attemptsLeft = -1;
    std::int64_t lockedUntilEpochMs = 0;
    bool pinSet = true;                 // a maintenance PIN exists on this kiosk
    std::int64_t lastActivityMs = 0;    // monotonic; idle exit after settings.maintIdleExitMs
    MaintInfo info;
    bool infoLoaded = false;
    std::vector<TouchMark> touches;     // newest last, bounded
    std::vector<ScanLine> scans;        // newest last, bounded
    std::string messageKey;             // outcome of the last action (i18n key)
    std::string messageDetail;
    bool confirmRestart = false;
    bool restartRequested = false;      // the app exits so the service manager restarts it
    SetupState setup;
};

// What a technician asks for on the maintenance screens.
enum class MaintCommand : std::uint8_t {
    Refresh,          // gather MaintInfo again
    SyncNow,
    Redownload,       // fetch the content bundle again
    Restart,          // ask first; then the app exits for a restart
    Rotate,           // arg = degrees
    PrintTest,
    ProbeNetwork,
    Leave,
    // setup screen
    SetupFindFiles,
    SetupProvision,   // arg = index into setup.files
    SetupSkip,
};

inline constexpr std::size_t kMaintTouchesKept = 40;
inline constexpr std::size_t kMaintScansKept = 8;
inline constexpr int kMaintPinMax = 12;

}  // namespace kiosk::state
