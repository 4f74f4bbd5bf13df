// reduce() for maintenance mode and the setup screen: the PIN pad, page
// changes, technician commands and their answers, the touch and scanner
// tests, and leaving (by hand or when nobody touches the screen). Like the
// rest of the reducer it is pure: checking the PIN, gathering the pages'
// facts and carrying out commands are Effects for the app loop.
#include "reducer.h"

#include <algorithm>
#include <utility>

namespace kiosk::state {
namespace {

Effects leave(AppState& s, bool idle) {
    const bool wasOpen = s.maint.mode == MaintMode::Open;
    const MaintenanceState old = std::move(s.maint);
    s.maint = MaintenanceState{};
    s.maint.pinSet = old.pinSet;
    s.idle = IdleState{s.nowMs, false, 0};
    Effects fx{ResetUiState{}};
    // Only a session that got past the PIN is an action worth reporting.
    if (wasOpen) fx.emplace_back(RunMaint{MaintCommand::Leave, idle ? 1 : 0});
    return fx;
}

struct MaintReducer {
    AppState& s;
    MaintenanceState& m = s.maint;

    Effects operator()(const maint::Open&) {
        if (m.mode != MaintMode::Off) return {};
        Effects fx = wipeSession(s);  // the visitor's entries never meet a technician
        m = MaintenanceState{};
        m.mode = MaintMode::Pin;
        m.lastActivityMs = s.nowMs;
        fx.emplace_back(CheckPin{""});  // learns whether a PIN is set and whether it is locked
        return fx;
    }
    Effects operator()(const maint::PinKey& a) {
        m.lastActivityMs = s.nowMs;
        const bool setup = m.mode == MaintMode::Setup && m.setup.step == SetupStep::Pin && !m.pinSet;
        if (m.mode != MaintMode::Pin && !setup) return {};
        if (a.key == 'C') return setup ? Effects{} : leave(s, false);
        if (a.key == 'B') {
            if (!m.pin.empty()) m.pin.pop_back();
            return {};
        }
        if (a.key >= '0' && a.key <= '9') {
            if (int(m.pin.size()) < kMaintPinMax) m.pin.push_back(a.key);
            if (!setup) m.pinMessageKey.clear();
            return {};
        }
        if (a.key != 'E') return {};
        if (setup) {
            if (m.pin.size() < 6) {
                m.pinMessageKey = i18n::Key{"maint.pin_short"}.id;
                return {};
            }
            if (m.setup.firstPin.empty()) {  // the app checks the rules before asking for the repeat
                m.setup.firstPin = std::exchange(m.pin, {});
                return {SavePin{m.setup.firstPin, true}};
            }
            if (m.pin != m.setup.firstPin) {
                m.setup.firstPin.clear();
                m.pin.clear();
                m.pinMessageKey = i18n::Key{"setup.pin_mismatch"}.id;
                return {};
            }
            m.setup.firstPin.clear();
            return {SavePin{std::exchange(m.pin, {})}};
        }
        if (m.pin.empty()) return {};
        return {CheckPin{std::exchange(m.pin, {})}};
    }
    Effects operator()(const maint::PinAnswered& a) {
        if (m.mode != MaintMode::Pin) return {};
        m.pinSet = a.result != PinResult::NotSet;
        m.attemptsLeft = a.attemptsLeft;
        m.lockedUntilEpochMs = a.lockedUntilEpochMs;
        switch (a.result) {
            case PinResult::Ok:
                m.mode = MaintMode::Open;
                m.page = MaintPage::Device;
                m.pinMessageKey.clear();
                m.lockedUntilEpochMs = 0;
                return {ResetUiState{}, LoadMaintInfo{}};
            case PinResult::Wrong: m.pinMessageKey = i18n::Key{"maint.pin_wrong"}.id; break;
            case PinResult::Locked: m.pinMessageKey = i18n::Key{"maint.pin_locked"}.id; break;
            case PinResult::NotSet: m.pinMessageKey = i18n::Key{"maint.pin_not_set"}.id; break;
        }
        return {};
    }
    Effects operator()(const maint::ShowPage& a) {
        if (m.mode != MaintMode::Open) return {};
        m.page = a.page;
        s.maintScroll = ScrollState{};
        m.messageKey.clear();
        m.messageDetail.clear();
        m.confirmRestart = false;
        return {ResetUiState{}, LoadMaintInfo{}};
    }
    Effects operator()(const maint::InfoLoaded& a) {
        if (m.mode == MaintMode::Off) return {};
        m.info = a.info;
        m.infoLoaded = true;
        return {};
    }
    Effects operator()(const maint::Do& a) {
        m.lastActivityMs = s.nowMs;
        if (m.mode == MaintMode::Setup) {
            switch (a.command) {
                case MaintCommand::SetupFindFiles:
                case MaintCommand::PrintTest:
                case MaintCommand::Rotate: return {RunMaint{a.command, a.arg}};
                case MaintCommand::SetupProvision:
                    if (m.setup.working) return {};
                    m.setup.working = true;
                    m.setup.resultKey.clear();
                    return {RunMaint{a.command, a.arg}};
                case MaintCommand::SetupSkip: {
                    m = MaintenanceState{};
                    return {ResetUiState{}, RunMaint{MaintCommand::SetupSkip, 0}};
                }
                default: return {};
            }
        }
        if (m.mode != MaintMode::Open) return {};
        switch (a.command) {
            case MaintCommand::Leave: return leave(s, false);
            case MaintCommand::Restart:
                if (!m.confirmRestart) {
                    m.confirmRestart = true;
                    return {};
                }
                m.confirmRestart = false;
                m.restartRequested = true;
                return {RunMaint{MaintCommand::Restart, 0}};
            case MaintCommand::Refresh: return {LoadMaintInfo{}};
            default:
                m.confirmRestart = false;
                m.messageKey = i18n::Key{"maint.working"}.id;
                m.messageDetail.clear();
                return {RunMaint{a.command, a.arg}};
        }
    }
    Effects operator()(const maint::Done& a) {
        if (m.mode == MaintMode::Setup) {
            m.setup.working = false;
            m.setup.resultKey = a.messageKey;
            m.setup.resultDetail = a.detail;
            if (m.setup.step == SetupStep::Connect && a.ok && a.messageKey == "setup.connected") m.setup.connected = true;
            if (m.setup.step == SetupStep::Pin) {
                m.pinMessageKey = a.messageKey;
                if (!a.ok) m.setup.firstPin.clear();  // a weak PIN: start again
                else if (a.messageKey == "setup.pin_saved") {
                    m.pinSet = true;
                    m.setup.step = SetupStep::Done;
                }
            }
            return {};
        }
        if (m.mode != MaintMode::Open) return {};
        m.messageKey = a.messageKey;
        m.messageDetail = a.detail;
        return {LoadMaintInfo{}};
    }
    Effects operator()(const maint::Touch& a) {
        if (m.mode != MaintMode::Open || m.page != MaintPage::Touch) return {};
        m.touches.push_back(a.mark);
        if (m.touches.size() > kMaintTouchesKept) m.touches.erase(m.touches.begin());
        return {};
    }
    Effects operator()(const maint::Scanned& a) {
        if (m.mode != MaintMode::Open) return {};
        m.scans.push_back(a.line);
        if (m.scans.size() > kMaintScansKept) m.scans.erase(m.scans.begin());
        m.lastActivityMs = s.nowMs;
        return {};
    }
    Effects operator()(const maint::SetupStart& a) {
        m = MaintenanceState{};
        m.mode = MaintMode::Setup;
        m.pinSet = a.pinSet;
        m.lastActivityMs = s.nowMs;
        return {ResetUiState{}, LoadMaintInfo{}, RunMaint{MaintCommand::SetupFindFiles, 0}};
    }
    Effects operator()(const maint::SetupFiles& a) {
        if (m.mode != MaintMode::Setup) return {};
        m.setup.files = a.files;
        m.setup.fileLabels = a.labels;
        return {};
    }
    Effects operator()(const maint::SetupGo& a) {
        if (m.mode != MaintMode::Setup || m.setup.working) return {};
        if (a.step == SetupStep::Done && m.setup.step == SetupStep::Done) {  // "start serving visitors"
            m = MaintenanceState{};
            return {ResetUiState{}, RunMaint{MaintCommand::SetupSkip, 1}};
        }
        m.setup.step = a.step;
        m.setup.resultKey.clear();
        m.setup.resultDetail.clear();
        m.pin.clear();
        m.pinMessageKey.clear();
        m.setup.firstPin.clear();
        return {ResetUiState{}, LoadMaintInfo{}};
    }
};

}  // namespace

Effects reduceMaintenance(AppState& state, const MaintEvent& event) { return std::visit(MaintReducer{state}, event); }

Effects maintenanceTick(AppState& s) {
    auto& m = s.maint;
    if ((m.mode == MaintMode::Pin || m.mode == MaintMode::Open) &&
        s.nowMs >= m.lastActivityMs + s.settings.maintIdleExitMs)
        return leave(s, true);
    return {};
}

}  // namespace kiosk::state
