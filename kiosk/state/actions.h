// User intents and timer events (Action) and the side effects the reducer
// asks the app loop to carry out (Effect). Both are small value types so that
// flows can be tested without a screen.
#pragma once

#include "app_state.h"

#include <string>
#include <variant>
#include <vector>

namespace kiosk::state {

// --- actions -------------------------------------------------------------
struct Navigate {
    ScreenId to;
    std::string param = {};
    std::string title = {};  // breadcrumb text, e.g. the service's name
};
struct Back {};
struct GoHome {};                  // asks for confirmation when a form holds input
struct ConfirmLeave { bool leave; };
struct ToggleLanguage {};
struct ToggleElderMode {};
struct UserActivity {};            // any touch or key, at state.nowMs
struct Tick { std::int64_t nowMs; };  // time passed
struct SubmitLookup {};
struct ClearLookup {};
struct LookupAnswered {
    std::string caseNo;
    bool found;
    std::string statusKey = {};
    std::vector<StatusLine> history = {};
};
struct ApplySiteSettings {  // from the centre (site-config.json)
    std::string siteName, siteNameEn;
    std::int64_t idleTimeoutMs = 0;  // 0 = keep
};
struct SetOnline {
    bool online;
    std::string lastSync = {};  // "09:28"; "" keeps the one shown
};
struct PageLoaded {
    ScreenId screen;
    std::string param;
    PageData data;
};
struct PageFailed {
    ScreenId screen;
    std::string param;
    std::string messageKey;  // i18n key
};
struct SetGuideTab { GuideTab tab; };
struct SearchEdited {};      // the search box text changed (edited in place)
struct SearchAnswered {
    std::string query;
    std::vector<content::SearchHit> hits;
};
struct SetPolicyFilter { content::PolicyFilter filter; };
struct CheckAnswered {                                     // the profile after this answer
    content::CompanyProfile profile;
    bool advance = true;                                   // false: a multi-select toggle
};
struct CheckStep { int step; };                            // go to a question (or kCheckQuestions: results)
struct Print { std::string kind; std::string id; };        // "service" | "bundle" checklist, "receipt"
struct CaseSetKind { int kind; };
struct CaseSetReply { int reply; };
struct CaseToggleAccept {};
struct CaseReview {};                                      // validate, then show the review page
struct CaseConfirm {};                                     // write it to the outbox
struct CaseSaved { std::string caseNo; };
struct CaseSaveFailed {};
struct CaseClearService {};
struct PickService { PickFor purpose; };                   // open 办事指南 to choose a service for a form
struct ServicePicked { PickedService service; };           // "choose this one" on a service page
struct StartRating { RatingTarget target; };               // open the rating form for this target
struct RatingChecked { std::string instance; int previous; };  // ratings already saved for the instance
struct RatingSetLevel { int level; };
struct RatingToggleReason { std::string code; };
struct RatingToggleCallback {};
struct RatingSubmit {};
struct RatingSaved {};
struct RatingSaveFailed {};

// The QR/barcode scanner read something; the reducer routes it to whatever
// wants it (see classifyScan in reducer.h).
struct ScanArrived { std::string text; };

// Maintenance mode and the setup screen (maintenance.h). One alternative of
// Action holds them all; reduceMaintenance() handles them.
enum class PinResult : std::uint8_t { Ok, Wrong, Locked, NotSet };
namespace maint {
struct Open {};                                      // the hidden gesture was made
struct PinKey { char key; };                         // '0'–'9', 'B' backspace, 'E' enter, 'C' cancel
struct PinAnswered { PinResult result; int attemptsLeft = 0; std::int64_t lockedUntilEpochMs = 0; };
struct ShowPage { MaintPage page; };
struct InfoLoaded { MaintInfo info; };
struct Do { MaintCommand command; int arg = 0; std::string text = {}; };
struct Done { std::string messageKey; std::string detail = {}; bool ok = true; };
struct Touch { TouchMark mark; };
struct Scanned { ScanLine line; };
struct SetupStart { bool pinSet; };                  // first start of an unprovisioned kiosk
struct SetupFiles { std::vector<std::string> files, labels; };
struct SetupGo { SetupStep step; };
}  // namespace maint
using MaintEvent = std::variant<maint::Open, maint::PinKey, maint::PinAnswered, maint::ShowPage, maint::InfoLoaded,
                                maint::Do, maint::Done, maint::Touch, maint::Scanned, maint::SetupStart,
                                maint::SetupFiles, maint::SetupGo>;
struct Maint { MaintEvent event; };

using Action = std::variant<Navigate, Back, GoHome, ConfirmLeave, ToggleLanguage, ToggleElderMode, UserActivity, Tick,
                            SubmitLookup, ClearLookup, LookupAnswered, SetOnline, PageLoaded, PageFailed, SetGuideTab,
                            SearchEdited, SearchAnswered, SetPolicyFilter, CheckAnswered, CheckStep, Print, CaseSetKind,
                            CaseSetReply, CaseToggleAccept, CaseReview, CaseConfirm, CaseSaved, CaseSaveFailed,
                            CaseClearService, PickService, ServicePicked, StartRating, RatingChecked, RatingSetLevel,
                            RatingToggleReason, RatingToggleCallback, RatingSubmit, RatingSaved, RatingSaveFailed,
                            ApplySiteSettings, Maint, ScanArrived>;
using Actions = std::vector<Action>;

// --- effects -------------------------------------------------------------
struct ResetUiState {};            // drop toolkit state kept outside AppState (focused field)
struct RebuildFonts {};            // text sizes changed (elder mode)
struct LookupCase { std::string caseNo; std::string mobileLast4; };

struct LoadPage {
    ScreenId screen;
    std::string param;
    content::PolicyFilter filter;  // for the policy list
};
struct RunSearch { std::string query; };
struct PrintChecklist { std::string kind; std::string id; };

struct SaveCase { CaseForm form; i18n::Lang lang; };       // to the outbox
struct CheckRatings { std::string instance; };             // count the ratings saved for an instance
struct SaveRating { RatingForm form; std::string reasonsVersion; i18n::Lang lang; };  // to the outbox
struct CheckPin { std::string pin; };                      // against the stored hash; answers maint::PinAnswered
struct LoadMaintInfo {};                                   // answers maint::InfoLoaded
struct RunMaint { MaintCommand command; int arg = 0; std::string text = {}; };  // carry out, log, report; answers maint::Done
struct SavePin { std::string pin; bool rulesOnly = false; };  // setup: check the rules (first entry) or store it; answers maint::Done

using Effect = std::variant<ResetUiState, RebuildFonts, LookupCase, LoadPage, RunSearch, PrintChecklist, SaveCase,
                            CheckRatings, SaveRating, CheckPin, LoadMaintInfo, RunMaint, SavePin>;
using Effects = std::vector<Effect>;

}  // namespace kiosk::state
