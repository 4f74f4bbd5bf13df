// Metrics and palettes. Elder mode: text ×1.4, targets ≥ 64 px at 1080p, and
// a higher-contrast palette (text and backgrounds ≥ 7:1 where possible).
#include "theme.h"

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

Metrics computeMetrics(int width, int height, bool elder) {
    Metrics m;
    const float shortSide = float(std::min(width, height));
    m.scale = std::clamp(shortSide / 1080.0f, 0.5f, 3.0f);
    m.elder = elder;
    m.portrait = height > width;
    const float k = elder ? 1.4f : 1.0f;
    m.target = (elder ? 100.0f : 76.0f) * m.scale;
    m.pad = 36.0f * m.scale;
    m.gap = 24.0f * m.scale;
    m.radius = 16.0f * m.scale;
    m.topBar = (elder ? 124.0f : 104.0f) * m.scale;
    const float base[] = {24.0f, 30.0f, 42.0f, 64.0f};
    for (int i = 0; i < int(FontRole::Count); ++i) m.fontPx[i] = std::round(base[i] * k * m.scale);
    return m;
}

const Palette& palette(bool elder) {
    static const Palette normal = {
        IM_COL32(0xF2, 0xF5, 0xF9, 0xFF),  // background
        IM_COL32(0xFF, 0xFF, 0xFF, 0xFF),  // surface
        IM_COL32(0x1A, 0x23, 0x33, 0xFF),  // text
        IM_COL32(0x4A, 0x55, 0x68, 0xFF),  // textMuted
        IM_COL32(0x16, 0x4E, 0xA8, 0xFF),  // primary
        IM_COL32(0xFF, 0xFF, 0xFF, 0xFF),  // primaryText
        IM_COL32(0xC8, 0xD1, 0xDC, 0xFF),  // border
        IM_COL32(0xB3, 0x26, 0x1E, 0xFF),  // danger
        IM_COL32(0x1E, 0x7B, 0x3A, 0xFF),  // success
        IM_COL32(0x0B, 0x12, 0x20, 0x99),  // shade behind dialogs
        IM_COL32(0x1A, 0x23, 0x33, 0xEE),  // toast
        {IM_COL32(0x16, 0x4E, 0xA8, 0xFF), IM_COL32(0x0E, 0x74, 0x7A, 0xFF), IM_COL32(0x2E, 0x7D, 0x32, 0xFF),
         IM_COL32(0xB2, 0x4A, 0x12, 0xFF), IM_COL32(0x7A, 0x2E, 0x8E, 0xFF), IM_COL32(0x37, 0x47, 0x8F, 0xFF)},
    };
    static const Palette high = {
        IM_COL32(0xFF, 0xFF, 0xFF, 0xFF), IM_COL32(0xFF, 0xFF, 0xFF, 0xFF), IM_COL32(0x00, 0x00, 0x00, 0xFF),
        IM_COL32(0x1F, 0x26, 0x33, 0xFF), IM_COL32(0x0B, 0x3A, 0x86, 0xFF), IM_COL32(0xFF, 0xFF, 0xFF, 0xFF),
        IM_COL32(0x33, 0x3D, 0x4D, 0xFF), IM_COL32(0x9A, 0x12, 0x0B, 0xFF), IM_COL32(0x14, 0x5A, 0x29, 0xFF),
        IM_COL32(0x00, 0x00, 0x00, 0xB3), IM_COL32(0x00, 0x00, 0x00, 0xF2),
        {IM_COL32(0x0B, 0x3A, 0x86, 0xFF), IM_COL32(0x07, 0x55, 0x5A, 0xFF), IM_COL32(0x1B, 0x5E, 0x20, 0xFF),
         IM_COL32(0x8A, 0x36, 0x08, 0xFF), IM_COL32(0x5C, 0x1E, 0x6E, 0xFF), IM_COL32(0x22, 0x2E, 0x6B, 0xFF)},
    };
    return elder ? high : normal;
}

void applyStyle(const Metrics& m) {
    ImGuiStyle& s = ImGui::GetStyle();
    const Palette& p = palette(m.elder);
    s.WindowPadding = ImVec2(0, 0);
    s.WindowBorderSize = 0;
    s.WindowRounding = 0;
    s.ChildBorderSize = 0;
    s.PopupBorderSize = 0;
    s.PopupRounding = m.radius;
    s.FrameRounding = m.radius * 0.6f;
    s.FrameBorderSize = m.elder ? 3.0f : 2.0f;
    s.FramePadding = ImVec2(20.0f * m.scale, (m.target - m.fontPx[int(FontRole::Body)]) * 0.5f);
    s.ItemSpacing = ImVec2(m.gap * 0.5f, 0.0f);  // vertical gaps are explicit Dummy()s
    s.ScrollbarSize = 0;
    s.TouchExtraPadding = ImVec2(4.0f * m.scale, 4.0f * m.scale);
    auto c = [](ImU32 v) { return ImGui::ColorConvertU32ToFloat4(v); };
    ImVec4* col = s.Colors;
    col[ImGuiCol_WindowBg] = c(p.background);
    col[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    col[ImGuiCol_PopupBg] = c(p.surface);
    col[ImGuiCol_Text] = c(p.text);
    col[ImGuiCol_TextDisabled] = c(p.textMuted);
    col[ImGuiCol_FrameBg] = c(p.surface);
    col[ImGuiCol_FrameBgHovered] = c(p.surface);  // touch screens do not hover
    col[ImGuiCol_FrameBgActive] = c(p.surface);
    col[ImGuiCol_Border] = c(p.border);
    col[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0);  // dialogs draw their own shade
    col[ImGuiCol_TextSelectedBg] = ImVec4(0.09f, 0.31f, 0.66f, 0.30f);
    col[ImGuiCol_NavHighlight] = ImVec4(0, 0, 0, 0);
}

}  // namespace kiosk::ui
