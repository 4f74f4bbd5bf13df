// When the kiosk may ask for the reboot into an installed OS update: the rule
// as a pure function of the app's state, the local time and what the files
// say, so that every case runs in a unit test on a made-up clock. It must
// never read a file or a clock itself: App::checkOsReboot() gathers the
// facts and writes DATA/updates/reboot-request (os_update.h) when it says so.
//
// A reboot interrupts nobody only when, all at once:
//   - an update is installed and waits (installed.json for a version other
//     than the running one) and no reboot-request was written for it yet;
//   - local time is inside update.reboot_window;
//   - the visitor side is at rest: the home screen with nothing stacked on
//     it, no visitor session (nobody has touched it since the last wipe), no
//     dialog and no idle countdown, not in maintenance or setup mode;
//   - no touch for kRebootQuietMs (a visitor's, a technician's, or one that
//     only woke a dark screen).
#pragma once

#include "config/config.h"
#include "state/app_state.h"

#include <cstdint>
#include <ctime>

namespace kiosk::app {

inline constexpr std::int64_t kRebootQuietMs = 2 * 60 * 1000;  // no touch for this long

struct RebootFacts {
    bool updateWaiting = false;     // installed.json names a version other than the running one
    bool alreadyRequested = false;  // reboot-request exists, or this run wrote it for that update
    std::tm local{};                // local wall time (tm_hour, tm_min are read)
    std::int64_t lastInputMs = 0;   // monotonic ms of the app's last input of any kind, including a
                                    // touch that only woke a dark screen (never a visitor action)
};

enum class RebootVerdict {
    Now,             // write the request
    NothingWaiting,  // no installed update, or it was requested already
    OutsideWindow,
    VisitorBusy,     // a visitor session, a page, a dialog or the countdown
    Maintenance,     // maintenance or setup mode
    TouchedRecently, // within kRebootQuietMs
};
const char* verdictName(RebootVerdict v);

RebootVerdict decideReboot(const state::AppState& state, const config::DayWindow& window, const RebootFacts& facts);

}  // namespace kiosk::app
