// Plain data describing everything the kiosk shows: where the visitor is,
// what they typed, which overlay is up, and the idle timer. The UI draws from
// this every frame; only reduce() (reducer.h) changes it.
//
// Everything belonging to one visitor lives in VisitorSession, so wiping a
// session is one assignment and cannot forget a field.
#pragma once

#include "i18n/strings.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::state {

enum class ScreenId : std::uint8_t {
    Home,
    ServiceGuide,  // 办事指南
    Policies,      // 政策查询
    PolicyCheck,   // 政策体检
    Feedback,      // 我要反映 (cases)
    Rating,        // 好差评
    CaseLookup,    // 办件查询
    Count
};

// Drag-to-scroll position of one scroll area (px from the top; px/s).
struct ScrollState {
    float offset = 0.0f;
    float velocity = 0.0f;
    float maxOffset = 0.0f;  // learned from the last frame's content height
};

// 办件查询 form: what the visitor typed and what the kiosk answered.
struct CaseLookupForm {
    enum class Field : std::uint8_t { None, CaseNo, Mobile4 };
    std::string caseNo;       // as typed (uppercased on submit)
    std::string mobileLast4;  // 4 digits
    Field errorField = Field::None;
    std::string errorKey;     // i18n key of the message shown at errorField
    bool answered = false;    // a lookup ran; `answerCaseNo` holds its number
    bool found = false;
    std::string answerCaseNo;
};

enum class Modal : std::uint8_t { None, ConfirmLeave };

struct Toast {
    std::string key;           // i18n key
    std::int64_t expiresMs = 0;
};

// Everything that belongs to the current visitor. Wiped as a whole.
struct VisitorSession {
    std::vector<ScreenId> nav{ScreenId::Home};  // navigation stack, [0] is Home
    i18n::Lang lang = i18n::Lang::Zh;
    bool elderMode = false;
    bool active = false;  // a visitor has touched the screen since the last wipe
    Modal modal = Modal::None;
    CaseLookupForm lookup;
    std::array<ScrollState, static_cast<std::size_t>(ScreenId::Count)> scroll{};
    std::vector<Toast> toasts;
};

// Site settings the reducer needs (from config, fixed while running).
struct Settings {
    i18n::Lang defaultLang = i18n::Lang::Zh;
    bool defaultElderMode = false;
    std::int64_t idleTimeoutMs = 90'000;
    std::int64_t idleCountdownMs = 30'000;
    std::int64_t toastMs = 2'500;
    std::string siteName;
    std::string siteNameEn;
};

struct IdleState {
    std::int64_t lastActivityMs = 0;
    bool warning = false;            // the countdown overlay is showing
    std::int64_t wipeAtMs = 0;       // when the countdown reaches zero
};

struct AppState {
    Settings settings;
    std::int64_t nowMs = 0;          // monotonic ms, from the app's clock
    bool online = false;             // set by the sync worker (hub issue)
    VisitorSession session;
    IdleState idle;
    std::uint64_t wipes = 0;         // sessions wiped since start (for stats/tests)
};

// A fresh state for these settings at time `nowMs`.
AppState makeInitialState(const Settings& settings, std::int64_t nowMs);

// A fresh visitor session in the site's default language and mode.
VisitorSession freshSession(const Settings& settings);

inline ScreenId currentScreen(const AppState& s) { return s.session.nav.back(); }

// True when a form holds something the visitor typed (leaving asks first).
bool hasVisitorInput(const VisitorSession& session);

// Seconds left on the idle countdown, rounded up (0 when not warning).
int idleSecondsLeft(const AppState& s);

}  // namespace kiosk::state
