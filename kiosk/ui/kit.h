// The touch UI kit: the only place that turns text and targets into ImGui
// calls. Screens compose these widgets; they never call ImGui text functions
// directly, so every string is glyph-checked, every target is big enough and
// every interactive widget is findable by id from a test script.
//
// Widget ids are stable dotted names ("home.tile.guide"). The registry holds
// the on-screen rectangle of each id drawn in the last frame (only the part
// that is visible); `tap-id` in scripts taps its centre.
#pragma once

#include "fonts.h"
#include "i18n/strings.h"
#include "state/app_state.h"
#include "theme.h"

#include <imgui.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::ui {

// What every draw function needs to know about this frame.
struct Ctx {
    const Metrics& m;
    const Palette& p;
    FontLibrary& fonts;
    i18n::Lang lang;
    ImVec2 screen;  // px

    const char* tr(std::string_view key) const { return i18n::tr(lang, key); }
    ImFont* font(FontRole r) const { return fonts.font(r); }
    float px(FontRole r) const { return m.fontPx[static_cast<int>(r)]; }
};

// --- registry (scripts and tests) --------------------------------------
struct WidgetRect {
    ImVec2 min, max;
    ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};
void registryBeginFrame();
void registryRecord(std::string_view id, ImVec2 min, ImVec2 max);  // clipped to the current clip rect
std::optional<WidgetRect> registryFind(std::string_view id);
std::vector<std::string> registryIds();

// --- animation ----------------------------------------------------------
// A widget that moves by itself (inertia, fades) asks for another frame.
void requestAnimationFrame();
bool takeAnimationRequest();  // true once per request, clears it

// --- text ----------------------------------------------------------------
// Wrapped paragraph at the cursor with comfortable line spacing (≥ 1.3, 1.45
// in elder mode). Advances the cursor. Returns its height.
float paragraph(const Ctx& c, FontRole role, std::string_view text, ImU32 color, float width);
// Height paragraph() would take.
float measureParagraph(const Ctx& c, FontRole role, std::string_view text, float width);
// One line at an absolute position (no wrapping), glyph-checked.
void textAt(const Ctx& c, FontRole role, ImVec2 pos, ImU32 color, std::string_view text);
ImVec2 measureText(const Ctx& c, FontRole role, std::string_view text);
// Single line centred in a rectangle, shrinking nothing (caller sizes it).
void textCentered(const Ctx& c, FontRole role, ImVec2 min, ImVec2 max, ImU32 color, std::string_view text);

// --- buttons --------------------------------------------------------------
enum class ButtonStyle { Primary, Secondary, Danger, OnPrimary };
// A button at the cursor. Height is at least the minimum touch target.
bool button(const Ctx& c, const char* id, std::string_view label, ImVec2 size, ButtonStyle style);

enum class Icon { Guide, Policy, Check, Feedback, Rating, Lookup, Home, Back };
void drawIcon(ImDrawList* dl, Icon icon, ImVec2 center, float size, ImU32 color, float thickness);

// Smallest height at which a tile of `width` shows its icon, title and `desc`
// without overlap.
float tileMinHeight(const Ctx& c, std::string_view desc, float width);
// A home-screen tile: colour block with an icon, a title and a description.
bool tile(const Ctx& c, const char* id, Icon icon, std::string_view title, std::string_view desc, ImVec2 size,
          ImU32 color);

// --- input --------------------------------------------------------------
struct FieldSpec {
    const char* id;
    std::string_view label;
    std::string_view hint;
    std::size_t maxBytes = 256;
    bool digitsOnly = false;
    bool alnumOnly = false;
    std::string_view error;  // shown under the field in red when not empty
};
// A labelled single-line field, full width of `width`. Returns true when edited.
bool textField(const Ctx& c, const FieldSpec& spec, std::string& value, float width);

// --- scrolling --------------------------------------------------------------
// A region scrolled by dragging (with inertia) or the mouse wheel. Taps on
// widgets inside still work; a drag beyond a few px cancels the tap.
void beginScroll(const Ctx& c, const char* id, state::ScrollState& s, ImVec2 size);
void endScroll(const Ctx& c, state::ScrollState& s);

// Frame time for animations (seconds), from ImGui's io.DeltaTime.
float frameSeconds();

}  // namespace kiosk::ui
