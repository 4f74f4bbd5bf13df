// Placeholder page for a feature not built yet: says so politely and offers
// the way back. Never a crash, never an empty screen.
#include "screens.h"

#include <fmt/format.h>

namespace kiosk::ui {

void drawComingSoon(const Ctx& c, const ComingSoonView& v, state::ScrollState& scroll, state::Actions& out) {
    const ImVec2 area = contentSize(c);
    ImGui::SetCursorScreenPos(contentMin(c));
    beginScroll(c, "soon.scroll", scroll, area);
    const float width = area.x - 2 * c.m.pad;
    ImGui::Dummy(ImVec2(0, c.m.pad));
    ImGui::SetCursorPosX(c.m.pad);
    const char* feature = c.tr(v.featureKey);
    drawPageHeader(c, feature, c.tr("soon.title"));
    ImGui::SetCursorPosX(c.m.pad);
    const std::string body = fmt::format(fmt::runtime(c.tr("soon.body")), feature);
    paragraph(c, FontRole::Body, body, c.p.text, std::min(width, 1200.0f * c.m.scale));
    ImGui::Dummy(ImVec2(0, c.m.gap * 1.5f));
    ImGui::SetCursorPosX(c.m.pad);
    if (button(c, "soon.home", c.tr("soon.back_home"), ImVec2(0, 0), ButtonStyle::Primary))
        out.emplace_back(state::GoHome{});
    endScroll(c, scroll);
}

}  // namespace kiosk::ui
