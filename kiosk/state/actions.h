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
struct Navigate { ScreenId to; };
struct Back {};
struct GoHome {};                  // asks for confirmation when a form holds input
struct ConfirmLeave { bool leave; };
struct ToggleLanguage {};
struct ToggleElderMode {};
struct UserActivity {};            // any touch or key, at state.nowMs
struct Tick { std::int64_t nowMs; };  // time passed
struct SubmitLookup {};
struct ClearLookup {};
struct LookupAnswered { std::string caseNo; bool found; };
struct SetOnline { bool online; };

using Action = std::variant<Navigate, Back, GoHome, ConfirmLeave, ToggleLanguage, ToggleElderMode,
                            UserActivity, Tick, SubmitLookup, ClearLookup, LookupAnswered, SetOnline>;
using Actions = std::vector<Action>;

// --- effects -------------------------------------------------------------
struct ResetUiState {};            // drop toolkit state kept outside AppState (focused field)
struct RebuildFonts {};            // text sizes changed (elder mode)
struct LookupCase { std::string caseNo; std::string mobileLast4; };

using Effect = std::variant<ResetUiState, RebuildFonts, LookupCase>;
using Effects = std::vector<Effect>;

}  // namespace kiosk::state
