// Plain data describing everything the kiosk shows: where the visitor is,
// what they typed, which overlay is up, and the idle timer. The UI draws from
// this every frame; only reduce() (reducer.h) changes it.
//
// Everything belonging to one visitor lives in VisitorSession, so wiping a
// session is one assignment and cannot forget a field.
#pragma once

#include "content/policy_check.h"
#include "i18n/strings.h"
#include "maintenance.h"
#include "content/content_views.h"

#include <array>
#include <cstdint>
#include <map>
#include <variant>
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
    ServiceList,   // services of a theme ("theme:…") or a department ("dept:…")
    ServiceDetail, // one service guide, param = service id
    BundleDetail,  // 一件事, param = bundle id
    PolicyDocument,  // a document and its measure tree, param = document id
    MeasureDetail,   // one measure, param = "DOC#PATH"
    CaseReview,      // 我要反映: check before submitting
    CaseReceipt,     // 我要反映: the case number after submitting
    RatingForm,      // 好差评: levels, reasons, call-back contact
    RatingThanks,    // 好差评: thank you, then home
    Count
};

// Drag-to-scroll position of one scroll area (px from the top; px/s).
struct ScrollState {
    float offset = 0.0f;
    float velocity = 0.0f;
    float maxOffset = 0.0f;  // learned from the last frame's content height
};

// One page on the navigation stack, with its own scroll position so that
// Back returns to where the visitor was.
struct NavEntry {
    ScreenId screen = ScreenId::Home;
    std::string param;
    std::string title;  // shown in the breadcrumb ("" = the screen's own name)
    ScrollState scroll;
    bool same(const NavEntry& o) const { return screen == o.screen && param == o.param; }
};

// Data a page shows, loaded from the content database for the top entry.
struct GuideHomeData {
    std::vector<content::ThemeCount> themes;
    std::vector<content::DepartmentCount> departments;
    std::vector<content::BundleRef> bundles;
};
struct PoliciesData {
    content::PolicyFacets facets;
    std::vector<content::DocumentSummary> documents;
};
struct MeasureData {
    content::DocumentSummary document;
    content::MeasureNode measure;
    std::vector<content::GuideView> guides;  // support guides of this measure
};
struct CheckData {
    std::vector<content::GuideView> guides;
    std::vector<std::string> districts;
};
struct RatingHomeData {
    std::vector<content::DepartmentCount> departments;
    std::vector<content::WindowRef> windows;
};
using PageData = std::variant<std::monostate, GuideHomeData, content::ServiceList, content::ServiceView, content::BundleView,
                              PoliciesData, content::DocumentView, MeasureData, CheckData, RatingHomeData,
                              content::RatingReasonSet>;

enum class GuideTab : std::uint8_t { Themes, Departments, Bundles };

// 办事指南 home: tab and the search box (results as you type).
struct GuideState {
    GuideTab tab = GuideTab::Themes;
    std::string query;
    std::string searchedQuery;          // what `results` answer
    std::vector<content::SearchHit> results;
};

struct PoliciesState {
    content::PolicyFilter filter;
};

// 政策体检: the question being asked and the answers so far (never stored).
struct CheckState {
    int step = 0;                       // 0..kCheckQuestions-1, then results
    content::CompanyProfile profile;
};
inline constexpr int kCheckQuestions = 8;

// A problem found at one field, in both languages (validators give both).
struct FieldError {
    std::string zh, en;
};

// A service chosen from the catalog for a form (case or rating).
struct PickedService {
    std::string id, name, nameEn;
    bool operator==(const PickedService&) const = default;
};

// While a form waits for a service from the catalog, 办事指南 runs in pick
// mode: the service page offers "choose this one".
enum class PickFor : std::uint8_t { None, Case, Rating };

// 我要反映 / 帮办 / 办不成事: what the visitor typed (never written anywhere
// until they confirm; then it goes to the outbox and is cleared from here).
struct CaseForm {
    int kind = -1;                 // index into records::kCaseKindList, -1 = not chosen
    std::string description, enterprise, uscc, contact, mobile;
    PickedService service;         // related service (optional; id "" = none)
    int reply = 0;                 // 0 phone call, 1 text message
    bool accepted = false;         // privacy notice accepted
    std::map<std::string, FieldError> errors;  // field → problem
    bool saveFailed = false;
};

struct CaseReceiptData {
    std::string caseNo;
    PickedService service;         // the case's related service, for the rating offered next
};

// What a 好差评 rates. One rating per service instance plus one follow-up:
// the instance is the case when the rating follows one, otherwise this
// visit (kiosk run + session) and the target.
struct RatingTarget {
    std::string kind;              // "service" | "department" | "window" | "case"
    std::string id;                // service id, department id, "HALL/NO", case number
    std::string name, nameEn;
    std::string caseNo;            // the case this rating follows ("" = none)
};

struct RatingForm {
    RatingTarget target;
    std::string instance;          // see RatingTarget; set when the form opens
    int previous = -1;             // ratings already saved for the instance (-1 = not known yet)
    int level = -1;                // index into records::kRatingLevelList, -1 = not chosen
    std::vector<std::string> reasons;  // codes ticked, all of `level`'s set
    bool callback = false;         // bad rating: the visitor asks for a call back
    std::string contact, mobile;   // only with `callback`
    std::map<std::string, FieldError> errors;
    bool saveFailed = false;
};
inline constexpr int kRatingsPerInstance = 2;      // the rating and one follow-up (追加评价)
inline constexpr std::int64_t kThanksMs = 10'000;  // the thank-you page goes home by itself

// One step of a case's history as this kiosk knows it.
struct StatusLine {
    std::string key;   // i18n key ("lookup.status_accepted")
    std::string when;  // "2026-11-21 09:30", local time
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
    std::string statusKey;    // i18n key of the status this kiosk knows, when found
    std::vector<StatusLine> history;  // from the centre, oldest first (may be empty)
};

enum class Modal : std::uint8_t { None, ConfirmLeave };

struct Toast {
    std::string key;           // i18n key
    std::int64_t expiresMs = 0;
};

// The on-screen keyboard: mode and the pinyin composition being typed.
struct KeyboardState {
    bool chinese = true;
    std::string preedit;
    std::vector<std::string> candidates;
    int page = 0;
    bool lastPage = true;
};

// Everything that belongs to the current visitor. Wiped as a whole.
struct VisitorSession {
    std::vector<NavEntry> nav{NavEntry{}};  // navigation stack, [0] is Home
    PageData page;                         // data of nav.back(), once loaded
    bool pageLoading = false;
    std::string pageErrorKey;              // i18n key when the page could not be loaded
    GuideState guide;
    PoliciesState policies;
    CheckState check;
    i18n::Lang lang = i18n::Lang::Zh;
    bool elderMode = false;
    bool active = false;  // a visitor has touched the screen since the last wipe
    Modal modal = Modal::None;
    CaseLookupForm lookup;
    CaseForm caseForm;
    CaseReceiptData receipt;
    RatingForm rating;
    std::int64_t thanksUntilMs = 0;        // RatingThanks: when it returns home (0 = not showing)
    bool thanksCallback = false;           // RatingThanks: the visitor asked for a call back
    PickFor pickFor = PickFor::None;
    std::size_t pickDepth = 0;             // nav size of the form that asked for a service
    KeyboardState keyboard;
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
    std::string runId;               // random per kiosk start: tells visits apart in rating instances
    std::int64_t maintIdleExitMs = 120'000;  // maintenance mode leaves by itself after this long untouched
};

struct IdleState {
    std::int64_t lastActivityMs = 0;
    bool warning = false;            // the countdown overlay is showing
    std::int64_t wipeAtMs = 0;       // when the countdown reaches zero
};

struct AppState {
    Settings settings;
    std::int64_t nowMs = 0;          // monotonic ms, from the app's clock
    bool online = false;             // set by the sync worker
    std::string lastSync;            // "09:28", local time of the last complete sync ("" = never)
    VisitorSession session;
    IdleState idle;
    std::uint64_t wipes = 0;         // sessions wiped since start (for stats/tests)
    MaintenanceState maint;          // technician mode; Off for visitors
    ScrollState maintScroll;         // the maintenance page's scroll position
};

// A fresh state for these settings at time `nowMs`.
AppState makeInitialState(const Settings& settings, std::int64_t nowMs);

// A fresh visitor session in the site's default language and mode.
VisitorSession freshSession(const Settings& settings);

inline ScreenId currentScreen(const AppState& s) { return s.session.nav.back().screen; }

// True when a form holds something the visitor typed (leaving asks first).
bool hasVisitorInput(const VisitorSession& session);

// Seconds left on the idle countdown, rounded up (0 when not warning).
int idleSecondsLeft(const AppState& s);

}  // namespace kiosk::state
