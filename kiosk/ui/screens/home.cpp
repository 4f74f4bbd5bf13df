// Home / attract screen: a welcome line, the site name and the six service
// tiles (3×2 in landscape, 2×3 in portrait).
#include "screens.h"

#include <algorithm>

namespace kiosk::ui {
namespace {

struct TileDef {
    const char* id;
    Icon icon;
    i18n::Key title;
    i18n::Key desc;
    state::ScreenId to;
};

constexpr TileDef kTiles[] = {
    {"home.tile.guide", Icon::Guide, i18n::Key{"tile.guide"}, i18n::Key{"tile.guide_desc"}, state::ScreenId::ServiceGuide},
    {"home.tile.policies", Icon::Policy, i18n::Key{"tile.policies"}, i18n::Key{"tile.policies_desc"}, state::ScreenId::Policies},
    {"home.tile.check", Icon::Check, i18n::Key{"tile.check"}, i18n::Key{"tile.check_desc"}, state::ScreenId::PolicyCheck},
    {"home.tile.feedback", Icon::Feedback, i18n::Key{"tile.feedback"}, i18n::Key{"tile.feedback_desc"}, state::ScreenId::Feedback},
    {"home.tile.rating", Icon::Rating, i18n::Key{"tile.rating"}, i18n::Key{"tile.rating_desc"}, state::ScreenId::Rating},
    {"home.tile.lookup", Icon::Lookup, i18n::Key{"tile.lookup"}, i18n::Key{"tile.lookup_desc"}, state::ScreenId::CaseLookup},
};

}  // namespace

void drawHome(const Ctx& c, const HomeView& v, state::ScrollState& scroll, state::Actions& out) {
    const ImVec2 origin = contentMin(c);
    const ImVec2 area = contentSize(c);
    ImGui::SetCursorScreenPos(origin);
    beginScroll(c, "home.scroll", scroll, area);

    const float width = area.x - 2 * c.metrics.pad;
    ImGui::SetCursorPosX(c.metrics.pad);
    ImGui::Dummy(ImVec2(0, c.metrics.pad * 0.8f));
    if (!(c.metrics.elder && !c.metrics.portrait)) {  // elder landscape needs the room for the tiles
        ImGui::SetCursorPosX(c.metrics.pad);
        paragraph(c, FontRole::Body, c.tr("home.welcome"), c.palette.textMuted, width);
    }
    ImGui::SetCursorPosX(c.metrics.pad);
    paragraph(c, FontRole::Display, v.siteName, c.palette.text, width);
    ImGui::SetCursorPosX(c.metrics.pad);
    paragraph(c, FontRole::Body, c.tr("home.prompt"), c.palette.textMuted, width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap));

    const int cols = c.metrics.portrait ? 2 : 3;
    const int rows = (int(std::size(kTiles)) + cols - 1) / cols;
    const float hintGap = c.metrics.gap * 0.6f, bottomPad = c.metrics.pad * 0.5f;
    const float hintH = hintGap + measureParagraph(c, FontRole::Small, c.tr("home.hint"), width) + bottomPad;
    const float used = ImGui::GetCursorPosY() + scroll.offset;
    const float avail = area.y - used - hintH;
    const float tileW = (width - float(cols - 1) * c.metrics.gap) / float(cols);
    float minTileH = 0.0f;
    for (const TileDef& t : kTiles) minTileH = std::max(minTileH, tileMinHeight(c, c.tr(t.desc.id), tileW));
    const float tileH = std::max(minTileH, (avail - float(rows - 1) * c.metrics.gap) / float(rows));

    const ImVec2 gridTop = ImGui::GetCursorScreenPos();
    for (int i = 0; i < int(std::size(kTiles)); ++i) {
        const TileDef& t = kTiles[i];
        const int col = i % cols, row = i / cols;
        ImGui::SetCursorScreenPos(ImVec2(origin.x + c.metrics.pad + float(col) * (tileW + c.metrics.gap),
                                         gridTop.y + float(row) * (tileH + c.metrics.gap)));
        if (tile(c, t.id, t.icon, c.tr(t.title.id), c.tr(t.desc.id), ImVec2(tileW, tileH), c.palette.tiles[i % 6]))
            out.emplace_back(state::Navigate{t.to});
    }
    ImGui::SetCursorScreenPos(
        ImVec2(origin.x + c.metrics.pad, gridTop.y + float(rows) * tileH + float(rows - 1) * c.metrics.gap + hintGap));
    paragraph(c, FontRole::Small, c.tr("home.hint"), c.palette.textMuted, width);
    ImGui::Dummy(ImVec2(0, bottomPad));
    endScroll(c, scroll);
}

}  // namespace kiosk::ui
