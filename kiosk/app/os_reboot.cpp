// decideReboot (os_reboot.h): the quiet-hours reboot rule.
#include "os_reboot.h"

#include <algorithm>

namespace kiosk::app {

const char* verdictName(RebootVerdict v) {
    switch (v) {
        case RebootVerdict::Now: return "now";
        case RebootVerdict::NothingWaiting: return "nothing waiting";
        case RebootVerdict::OutsideWindow: return "outside the reboot window";
        case RebootVerdict::VisitorBusy: return "a visitor is using the kiosk";
        case RebootVerdict::Maintenance: return "maintenance or setup mode";
        case RebootVerdict::TouchedRecently: return "touched recently";
    }
    return "?";
}

RebootVerdict decideReboot(const state::AppState& s, const config::DayWindow& window, const RebootFacts& f) {
    if (!f.updateWaiting || f.alreadyRequested) return RebootVerdict::NothingWaiting;
    const int minute = std::clamp(f.local.tm_hour, 0, 23) * 60 + std::clamp(f.local.tm_min, 0, 59);
    if (!window.contains(minute)) return RebootVerdict::OutsideWindow;
    if (s.maint.mode != state::MaintMode::Off) return RebootVerdict::Maintenance;
    const auto& v = s.session;
    if (v.active || v.nav.size() != 1 || state::currentScreen(s) != state::ScreenId::Home ||
        v.modal != state::Modal::None || s.idle.warning)
        return RebootVerdict::VisitorBusy;
    const std::int64_t lastTouch = std::max({s.idle.lastActivityMs, s.maint.lastActivityMs, f.lastInputMs});
    if (s.nowMs - lastTouch < kRebootQuietMs) return RebootVerdict::TouchedRecently;
    return RebootVerdict::Now;
}

}  // namespace kiosk::app
