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
    const Metrics& metrics;
    const Palette& palette;
    FontLibrary& fonts;
    i18n::Lang lang;
    ImVec2 screen;  // px
    float bottomInset = 0.0f;  // px hidden at the bottom (the on-screen keyboard)

    const char* tr(std::string_view key) const { return i18n::tr(lang, key); }
    ImFont* font(FontRole r) const { return fonts.font(r); }
    float px(FontRole r) const { return metrics.fontPx[static_cast<int>(r)]; }
};

// --- registry (scripts and tests) --------------------------------------
struct WidgetRect {
    ImVec2 min, max;
    ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};
void registryBeginFrame();
void registryRecord(std::string_view id, ImVec2 min, ImVec2 max);  // clipped to the current clip rect
void registryRecordAbsolute(std::string_view id, ImVec2 min, ImVec2 max);  // not clipped (overlays)
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

// A face for a satisfaction level: 0 broad smile … 2 straight … 4 deep frown.
void drawFace(ImDrawList* dl, ImVec2 center, float radius, int level, ImU32 color, float thickness);
// A rating level to tap: a face in `color` over its label. Selected: filled
// with `color`, face and label in white.
bool faceButton(const Ctx& c, const char* id, int level, std::string_view label, bool selected, ImVec2 size,
                ImU32 color);

// --- content building blocks ---------------------------------------------
// A bold section title with a rule under it, full `width`.
void sectionHeader(const Ctx& c, std::string_view title, float width);
// A small rounded label; returns its width. Drawn at `pos` (no layout).
float badge(const Ctx& c, ImVec2 pos, std::string_view text, ImU32 bg, ImU32 fg);
float badgeWidth(const Ctx& c, std::string_view text);
// A tappable row card: title, optional subtitle, optional badges on the
// right and a chevron. Height grows with the wrapped text.
struct RowSpec {
    const char* id;
    std::string_view title;          // may contain search marks
    std::string_view subtitle = {};  // may contain search marks
    std::vector<std::pair<std::string, ImU32>> badges = {};  // text, background
    std::string_view kind = {};      // small label before the title, e.g. 事项
    bool dimmed = false;             // expired: grey
};
bool listRow(const Ctx& c, const RowSpec& row, float width);
// A selectable chip / option button of at least target height.
bool chip(const Ctx& c, const char* id, std::string_view label, bool selected, float width = 0);
// Paragraph whose kMarkOpen…kMarkClose ranges are highlighted.
float markedParagraph(const Ctx& c, FontRole role, std::string_view text, ImU32 color, float width);
// A card: background drawn behind whatever is laid out between begin and end.
void beginCard(const Ctx& c, float width);
void endCard(const Ctx& c);
// A QR code of `text` with a quiet zone, `size` px square; false if it cannot be encoded.
bool qrCode(const Ctx& c, const char* id, std::string_view text, float size);

// --- input --------------------------------------------------------------
struct FieldSpec {
    const char* id;
    std::string_view label;
    std::string_view hint;
    std::size_t maxBytes = 256;
    bool digitsOnly = false;
    bool alnumOnly = false;
    std::string_view error;  // shown in red under the field (above a multi-line one) when not empty
    int lines = 1;           // > 1: a multi-line field, at least that many lines, wrapping and growing
    bool numericPad = false; // the on-screen keyboard shows digits (without filtering what is typed)
    std::size_t maxChars = 0;  // > 0: a "n / max" counter beside the label, red when over
};
// A labelled text field, full width of `width`. Returns true when edited.
bool textField(const Ctx& c, const FieldSpec& spec, std::string& value, float width);

// --- scrolling --------------------------------------------------------------
// A region scrolled by dragging (with inertia) or the mouse wheel. Taps on
// widgets inside still work; a drag beyond a few px cancels the tap.
void beginScroll(const Ctx& c, const char* id, state::ScrollState& s, ImVec2 size);
void endScroll(const Ctx& c, state::ScrollState& s);

// Frame time for animations (seconds), from ImGui's io.DeltaTime.
float frameSeconds();

}  // namespace kiosk::ui
