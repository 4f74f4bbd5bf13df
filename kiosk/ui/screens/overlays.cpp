// Everything drawn over a screen: the idle countdown, the leave-confirmation
// dialog and toasts. Dialogs are ImGui modal popups so nothing underneath can
// be touched while they are up.
#include "screens.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiosk::ui {
namespace {

// Opens/closes popup `id` to match `wanted` and draws `body` inside it.
template <class Body>
void dialog(const Ctx& c, const char* id, bool wanted, Body&& body) {
    if (wanted && !ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
    const float w = std::min(c.screen.x - 2 * c.metrics.pad, 980.0f * c.metrics.scale * (c.metrics.elder ? 1.2f : 1.0f));
    ImGui::SetNextWindowPos(ImVec2(c.screen.x * 0.5f, c.screen.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(w, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(c.metrics.pad, c.metrics.pad));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, c.metrics.radius);
    const bool open = ImGui::BeginPopupModal(id, nullptr,
                                             ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    ImGui::PopStyleVar(2);
    if (!open) return;
    if (!wanted) {
        ImGui::CloseCurrentPopup();  // still drawn (empty) this frame: ask for the next one
        requestAnimationFrame();
    } else {
        // Shade everything underneath, top bar included, from the dialog's own
        // draw list (ImGui's modal dimming misses windows drawn later).
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->PushClipRect(ImVec2(0, 0), c.screen, false);
        dl->AddRectFilled(ImVec2(0, 0), c.screen, c.palette.shade);
        const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
        dl->AddRectFilled(wp, ImVec2(wp.x + ws.x, wp.y + ws.y), c.palette.surface, c.metrics.radius);
        dl->PopClipRect();
        body(w - 2 * c.metrics.pad);
    }
    ImGui::EndPopup();
}

}  // namespace

void drawOverlays(const Ctx& c, const OverlayView& v, state::Actions& out) {
    dialog(c, "##leave", v.modal == state::Modal::ConfirmLeave && !v.idleWarning, [&](float width) {
        paragraph(c, FontRole::Title, c.tr("leave.title"), c.palette.text, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
        paragraph(c, FontRole::Body, c.tr("leave.body"), c.palette.textMuted, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap));
        const float bw = (width - c.metrics.gap) * 0.5f;
        if (button(c, "leave.cancel", c.tr("leave.cancel"), ImVec2(bw, 0), ButtonStyle::Secondary))
            out.emplace_back(state::ConfirmLeave{false});
        ImGui::SameLine(0, c.metrics.gap);
        if (button(c, "leave.confirm", c.tr("leave.confirm"), ImVec2(bw, 0), ButtonStyle::Primary))
            out.emplace_back(state::ConfirmLeave{true});
    });

    dialog(c, "##idle", v.idleWarning, [&](float width) {
        paragraph(c, FontRole::Title, c.tr("idle.title"), c.palette.text, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
        const std::string secs = fmt::format("{}", v.idleSecondsLeft);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float numH = c.px(FontRole::Display) * 1.3f;
        textCentered(c, FontRole::Display, p, ImVec2(p.x + width, p.y + numH), c.palette.primary, secs);
        ImGui::Dummy(ImVec2(width, numH));
        paragraph(c, FontRole::Body, fmt::format(fmt::runtime(c.tr("idle.body")), v.idleSecondsLeft), c.palette.textMuted,
                  width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap));
        if (button(c, "idle.continue", c.tr("idle.continue"), ImVec2(width, 0), ButtonStyle::Primary))
            out.emplace_back(state::UserActivity{});
    });

    // Toasts: bottom centre, newest last, no input.
    float y = c.screen.y - c.metrics.pad * 1.5f;
    ImDrawList* fg = ImGui::GetForegroundDrawList();
    for (auto it = v.toastKeys.rbegin(); it != v.toastKeys.rend(); ++it) {
        const char* text = c.tr(*it);
        c.fonts.check(text, FontRole::Body);
        const ImVec2 ts = measureText(c, FontRole::Body, text);
        const ImVec2 pad(c.metrics.gap * 1.5f, c.metrics.gap * 0.8f);
        const ImVec2 max(c.screen.x * 0.5f + ts.x * 0.5f + pad.x, y);
        const ImVec2 min(c.screen.x * 0.5f - ts.x * 0.5f - pad.x, y - ts.y - 2 * pad.y);
        fg->AddRectFilled(min, max, c.palette.toast, (max.y - min.y) * 0.5f);
        fg->AddText(c.font(FontRole::Body), c.px(FontRole::Body), ImVec2(min.x + pad.x, min.y + pad.y), IM_COL32_WHITE,
                    text);
        y = min.y - c.metrics.gap * 0.5f;
    }
}

}  // namespace kiosk::ui
