// The whole frame: builds each screen's view from AppState and calls the
// screen, the top bar and the overlays. The only UI entry point the app loop
// uses.
#pragma once

#include "kit.h"
#include "state/actions.h"

#include <ctime>

namespace kiosk::ui {

// Draws one frame of the app into the current ImGui frame. `now` is the wall
// time for the clock. Text buffers and scroll positions in `state.session`
// are edited in place (immediate-mode widgets); everything else changes only
// through the Actions appended to `out`.
void drawApp(const Ctx& c, state::AppState& state, const std::tm& now, state::Actions& out);

// i18n key of a screen's name.
const char* screenTitleKey(state::ScreenId id);

}  // namespace kiosk::ui
