// The reducer: one function per action, all mutating AppState in place.
#include "reducer.h"

#include <algorithm>
#include <cctype>

namespace kiosk::state {

AppState makeInitialState(const Settings& settings, std::int64_t nowMs) {
    AppState s;
    s.settings = settings;
    s.nowMs = nowMs;
    s.session = freshSession(settings);
    s.idle.lastActivityMs = nowMs;
    return s;
}

VisitorSession freshSession(const Settings& settings) {
    VisitorSession v;
    v.lang = settings.defaultLang;
    v.elderMode = settings.defaultElderMode;
    return v;
}

bool hasVisitorInput(const VisitorSession& session) {
    return !session.lookup.caseNo.empty() || !session.lookup.mobileLast4.empty();
}

int idleSecondsLeft(const AppState& s) {
    if (!s.idle.warning) return 0;
    const std::int64_t left = std::max<std::int64_t>(0, s.idle.wipeAtMs - s.nowMs);
    return static_cast<int>((left + 999) / 1000);
}

std::string checkCaseNumber(const std::string& caseNo) {
    if (caseNo.size() < 6 || caseNo.size() > 32) return i18n::Key{"lookup.err_case_no"}.id;
    for (unsigned char c : caseNo)
        if (!std::isalnum(c)) return i18n::Key{"lookup.err_case_no"}.id;
    return {};
}

std::string checkMobileLast4(const std::string& digits) {
    if (digits.size() != 4) return i18n::Key{"lookup.err_mobile4"}.id;
    for (unsigned char c : digits)
        if (!std::isdigit(c)) return i18n::Key{"lookup.err_mobile4"}.id;
    return {};
}

namespace {

void showToast(AppState& s, std::string key) {
    s.session.toasts.push_back(Toast{std::move(key), s.nowMs + s.settings.toastMs});
}

Effects wipeSession(AppState& s) {
    const bool elderBefore = s.session.elderMode;
    s.session = freshSession(s.settings);
    s.idle = IdleState{s.nowMs, false, 0};
    ++s.wipes;
    Effects fx{ResetUiState{}};
    if (elderBefore != s.session.elderMode) fx.emplace_back(RebuildFonts{});
    return fx;
}

struct Reducer {
    AppState& s;

    Effects operator()(const Navigate& a) {
        if (s.session.nav.back() != a.to) s.session.nav.push_back(a.to);
        return {ResetUiState{}};
    }
    Effects operator()(const Back&) {
        if (s.session.nav.size() > 1) s.session.nav.pop_back();
        return {ResetUiState{}};
    }
    Effects operator()(const GoHome&) {
        if (hasVisitorInput(s.session)) {
            s.session.modal = Modal::ConfirmLeave;
            return {};
        }
        s.session.nav.assign(1, ScreenId::Home);
        return {ResetUiState{}};
    }
    Effects operator()(const ConfirmLeave& a) {
        s.session.modal = Modal::None;
        if (!a.leave) return {};
        s.session.lookup = CaseLookupForm{};
        s.session.nav.assign(1, ScreenId::Home);
        return {ResetUiState{}};
    }
    Effects operator()(const ToggleLanguage&) {
        s.session.lang = s.session.lang == i18n::Lang::Zh ? i18n::Lang::En : i18n::Lang::Zh;
        showToast(s, i18n::Key{"toast.language"}.id);
        return {};
    }
    Effects operator()(const ToggleElderMode&) {
        s.session.elderMode = !s.session.elderMode;
        showToast(s, s.session.elderMode ? i18n::Key{"toast.elder_on"}.id : i18n::Key{"toast.elder_off"}.id);
        return {RebuildFonts{}};
    }
    Effects operator()(const UserActivity&) {
        s.session.active = true;
        s.idle.lastActivityMs = s.nowMs;
        s.idle.warning = false;
        return {};
    }
    Effects operator()(const Tick& a) {
        s.nowMs = std::max(s.nowMs, a.nowMs);
        std::erase_if(s.session.toasts, [&](const Toast& t) { return t.expiresMs <= s.nowMs; });
        if (!s.session.active) return {};
        if (!s.idle.warning && s.nowMs >= s.idle.lastActivityMs + s.settings.idleTimeoutMs) {
            s.idle.warning = true;
            s.idle.wipeAtMs = s.idle.lastActivityMs + s.settings.idleTimeoutMs + s.settings.idleCountdownMs;
        }
        if (s.idle.warning && s.nowMs >= s.idle.wipeAtMs) return wipeSession(s);
        return {};
    }
    Effects operator()(const SubmitLookup&) {
        auto& f = s.session.lookup;
        std::transform(f.caseNo.begin(), f.caseNo.end(), f.caseNo.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        f.answered = false;
        f.errorField = CaseLookupForm::Field::None;
        f.errorKey.clear();
        if (auto e = checkCaseNumber(f.caseNo); !e.empty()) {
            f.errorField = CaseLookupForm::Field::CaseNo;
            f.errorKey = e;
            return {};
        }
        if (auto e = checkMobileLast4(f.mobileLast4); !e.empty()) {
            f.errorField = CaseLookupForm::Field::Mobile4;
            f.errorKey = e;
            return {};
        }
        return {LookupCase{f.caseNo, f.mobileLast4}};
    }
    Effects operator()(const ClearLookup&) {
        s.session.lookup = CaseLookupForm{};
        return {ResetUiState{}};
    }
    Effects operator()(const LookupAnswered& a) {
        auto& f = s.session.lookup;
        if (a.caseNo != f.caseNo) return {};  // the visitor changed the number meanwhile
        f.answered = true;
        f.found = a.found;
        f.answerCaseNo = a.caseNo;
        return {};
    }
    Effects operator()(const SetOnline& a) {
        s.online = a.online;
        return {};
    }
};

}  // namespace

Effects reduce(AppState& state, const Action& action) { return std::visit(Reducer{state}, action); }

const char* actionName(const Action& action) {
    static constexpr const char* kNames[] = {"Navigate",     "Back",           "GoHome",       "ConfirmLeave",
                                             "ToggleLanguage", "ToggleElderMode", "UserActivity", "Tick",
                                             "SubmitLookup", "ClearLookup",    "LookupAnswered", "SetOnline"};
    static_assert(std::size(kNames) == std::variant_size_v<Action>);
    return kNames[action.index()];
}

std::int64_t nextDeadlineMs(const AppState& s) {
    std::int64_t next = kNever;
    for (const auto& t : s.session.toasts) next = std::min(next, t.expiresMs);
    if (s.session.active) {
        if (!s.idle.warning) {
            next = std::min(next, s.idle.lastActivityMs + s.settings.idleTimeoutMs);
        } else {
            // Redraw at each whole second of the countdown, and at zero.
            const std::int64_t left = s.idle.wipeAtMs - s.nowMs;
            const std::int64_t step = left % 1000 == 0 ? 1000 : left % 1000;
            next = std::min(next, std::min(s.idle.wipeAtMs, s.nowMs + step));
        }
    }
    return next;
}

}  // namespace kiosk::state
