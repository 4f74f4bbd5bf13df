// Sizes and colours of the touch UI, derived from the screen size and elder
// mode (适老化). Reference design is a 1080 px short side; `scale` maps it to
// the real screen. All sizes are in screen pixels.
#pragma once

#include <imgui.h>

namespace kiosk::ui {

enum class FontRole { Small, Body, Title, Display, Count };

struct Metrics {
    float scale = 1.0f;     // screen px per reference px
    bool elder = false;
    bool portrait = false;
    float target = 72.0f;   // minimum touch target height (≥ 48 px at 1080p; ≥ 64 px elder)
    float pad = 32.0f;      // screen edge padding
    float gap = 24.0f;      // space between blocks
    float radius = 14.0f;   // corner radius of cards and buttons
    float topBar = 104.0f;  // top bar height
    float fontPx[static_cast<int>(FontRole::Count)] = {24, 30, 42, 64};
};

Metrics computeMetrics(int width, int height, bool elder);

// Colours (packed ImU32) for the current mode.
struct Palette {
    ImU32 background, surface, text, textMuted, primary, primaryText, border, danger, success, shade, toast;
    ImU32 tiles[6];
};
const Palette& palette(bool elder);

// Applies spacing and colours to ImGui's style for this frame's metrics.
void applyStyle(const Metrics& m);

}  // namespace kiosk::ui
