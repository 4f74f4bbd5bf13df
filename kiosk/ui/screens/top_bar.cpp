// Top bar: back/home on the left, the screen title, and on the right the
// language switch, elder-mode toggle, online indicator and clock.
#include "screens.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiosk::ui {

ImVec2 contentMin(const Ctx& c) { return ImVec2(0, c.metrics.topBar); }
ImVec2 contentSize(const Ctx& c) { return ImVec2(c.screen.x, c.screen.y - c.metrics.topBar - c.bottomInset); }

namespace {

bool iconButton(const Ctx& c, const char* id, Icon icon, std::string_view label, float h) {
    const float iconW = c.px(FontRole::Body) * 1.1f;
    const float w = iconW + measureText(c, FontRole::Body, label).x + c.metrics.gap * 1.6f;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const bool pressed = button(c, id, "", ImVec2(w, h), ButtonStyle::OnPrimary);
    const float cy = pos.y + h * 0.5f;
    drawIcon(ImGui::GetWindowDrawList(), icon, ImVec2(pos.x + c.metrics.gap * 0.6f + iconW * 0.5f, cy), iconW * 0.8f,
             c.palette.primaryText, std::max(2.0f, 3.0f * c.metrics.scale));
    textAt(c, FontRole::Body, ImVec2(pos.x + c.metrics.gap * 0.8f + iconW, cy - c.px(FontRole::Body) * 0.5f - 2.0f * c.metrics.scale),
           c.palette.primaryText, label);
    return pressed;
}

}  // namespace

void drawTopBar(const Ctx& c, const TopBarView& v, state::Actions& out) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float h = c.metrics.topBar;
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(c.screen.x, h), c.palette.primary);
    const float bh = std::min(h - 2 * c.metrics.gap * 0.5f, std::max(c.metrics.target, h * 0.7f));
    const float y = (h - bh) * 0.5f;
    float x = c.metrics.pad * 0.6f;

    if (v.canGoBack) {
        ImGui::SetCursorScreenPos(ImVec2(x, y));
        if (iconButton(c, "top.back", Icon::Back, c.tr("top.back"), bh)) out.emplace_back(state::Back{});
        x = ImGui::GetItemRectMax().x + c.metrics.gap * 0.5f;
    }
    if (v.showHome) {
        ImGui::SetCursorScreenPos(ImVec2(x, y));
        if (iconButton(c, "top.home", Icon::Home, c.tr("top.home"), bh)) out.emplace_back(state::GoHome{});
        x = ImGui::GetItemRectMax().x + c.metrics.gap;
    }

    // Right side, laid out from the right edge.
    float right = c.screen.x - c.metrics.pad * 0.6f;
    const ImVec2 clockSize = measureText(c, FontRole::Body, v.clock);
    right -= clockSize.x;
    textAt(c, FontRole::Body, ImVec2(right, (h - clockSize.y) * 0.5f), c.palette.primaryText, v.clock);
    right -= c.metrics.gap;

    // Online / offline, and under it when the last sync with the centre was.
    const char* status = c.tr(v.online ? "top.online" : "top.offline");
    const ImVec2 statusSize = measureText(c, FontRole::Small, status);
    const std::string synced =
        v.lastSync.empty() ? std::string() : fmt::format(fmt::runtime(c.tr("top.synced")), v.lastSync);
    const ImVec2 syncedSize = synced.empty() ? ImVec2(0, 0) : measureText(c, FontRole::Small, synced);
    const float dot = c.px(FontRole::Small) * 0.45f;
    const float colW = std::max(statusSize.x, syncedSize.x);
    right -= colW;
    const float blockH = statusSize.y + (synced.empty() ? 0.0f : syncedSize.y);
    const float top = (h - blockH) * 0.5f;
    textAt(c, FontRole::Small, ImVec2(right, top), c.palette.primaryText, status);
    if (!synced.empty()) textAt(c, FontRole::Small, ImVec2(right, top + statusSize.y), c.palette.primaryText, synced);
    right -= dot * 1.6f;
    dl->AddCircleFilled(ImVec2(right + dot * 0.5f, top + statusSize.y * 0.5f), dot * 0.5f,
                        v.online ? IM_COL32(0x5B, 0xE0, 0x7F, 0xFF) : IM_COL32(0xFF, 0xB0, 0x40, 0xFF));
    right -= c.metrics.gap;

    const char* elderLabel = c.tr(v.elder ? "top.elder_off" : "top.elder_on");
    const float elderW = measureText(c, FontRole::Body, elderLabel).x + c.metrics.gap * 2;
    right -= elderW;
    ImGui::SetCursorScreenPos(ImVec2(right, y));
    if (button(c, "top.elder", elderLabel, ImVec2(elderW, bh), ButtonStyle::OnPrimary))
        out.emplace_back(state::ToggleElderMode{});
    right -= c.metrics.gap * 0.5f;

    const char* langLabel = c.tr("top.switch_language");
    const float langW = std::max(c.metrics.target * 1.2f, measureText(c, FontRole::Body, langLabel).x + c.metrics.gap * 2);
    right -= langW;
    ImGui::SetCursorScreenPos(ImVec2(right, y));
    if (button(c, "top.language", langLabel, ImVec2(langW, bh), ButtonStyle::OnPrimary))
        out.emplace_back(state::ToggleLanguage{});
    right -= c.metrics.gap;

    // Title in what is left between the two sides; dropped when there is no room.
    if (!v.crumbs.empty()) {
        // Breadcrumb "办事指南 › 企业开办 › 公司设立登记": the current screen in the
        // title font; earlier ones smaller, dropped from the left when space runs out.
        const float avail = right - x;
        const std::string& current = v.crumbs.back();
        const ImVec2 titleSize = measureText(c, FontRole::Title, current);
        std::string trail;
        for (std::size_t i = v.crumbs.size() - 1; i-- > 0;) {
            std::string candidate = v.crumbs[i] + "  ›  " + trail;
            if (measureText(c, FontRole::Body, candidate).x + titleSize.x > avail) break;
            trail = std::move(candidate);
        }
        const float trailW = measureText(c, FontRole::Body, trail).x;
        if (!trail.empty())
            textAt(c, FontRole::Body, ImVec2(x, (h - c.px(FontRole::Body)) * 0.5f), c.palette.primaryText, trail);
        if (titleSize.x + trailW <= avail)
            textAt(c, FontRole::Title, ImVec2(x + trailW, (h - titleSize.y) * 0.5f), c.palette.primaryText, current);
    } else if (!v.date.empty()) {
        const ImVec2 dateSize = measureText(c, FontRole::Body, v.date);
        if (dateSize.x <= right - x)
            textAt(c, FontRole::Body, ImVec2(x + c.metrics.gap * 0.4f, (h - dateSize.y) * 0.5f), c.palette.primaryText, v.date);
    }
}

float drawPageHeader(const Ctx& c, std::string_view title, std::string_view subtitle) {
    const float width = c.screen.x - 2 * c.metrics.pad;
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float x = ImGui::GetCursorPosX();
    paragraph(c, FontRole::Title, title, c.palette.text, width);
    if (!subtitle.empty()) {
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.25f));
        ImGui::SetCursorPosX(x);
        paragraph(c, FontRole::Body, subtitle, c.palette.textMuted, width);
    }
    ImGui::Dummy(ImVec2(0, c.metrics.gap));
    return ImGui::GetCursorScreenPos().y - start.y;
}

}  // namespace kiosk::ui
