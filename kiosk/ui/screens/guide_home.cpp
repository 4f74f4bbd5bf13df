// 办事指南 home: one search box for services and policies (results as you
// type), and below it the catalogue by theme, by department or by 一件事.
#include "content_common.h"

#include <fmt/format.h>

namespace kiosk::ui {
namespace {

void searchResults(const Ctx& c, const state::GuideState& g, float width, state::Actions& out) {
    if (g.searchedQuery != g.query) return;  // the answer to the current text is on its way
    if (g.results.empty()) {
        paragraph(c, FontRole::Body, fmt::format(fmt::runtime(c.tr("guide.no_results")), g.query), c.palette.textMuted, width);
        return;
    }
    paragraph(c, FontRole::Small, fmt::format(fmt::runtime(c.tr("guide.results")), g.results.size()), c.palette.textMuted,
              width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
    int i = 0;
    for (const auto& h : g.results) {
        const std::string id = fmt::format("guide.result.{}", i++);
        const std::string kindKey = "kind." + h.kind;
        std::string snippet = h.snippet.empty() ? h.context : h.snippet;
        for (std::size_t nl = snippet.find('\n'); nl != std::string::npos; nl = snippet.find('\n', nl))
            snippet.replace(nl, 1, " · ");
        RowSpec row{id.c_str(), h.title, snippet};
        row.kind = c.tr(kindKey);
        row.dimmed = h.expired;
        if (h.expired) row.badges.emplace_back(c.tr("policy.expired"), c.palette.textMuted);
        if (!listRow(c, row, width)) continue;
        const std::string title = content::renderMarks(h.title, "", "");
        if (h.kind == "service") out.emplace_back(state::Navigate{state::ScreenId::ServiceDetail, h.id, title});
        else if (h.kind == "bundle") out.emplace_back(state::Navigate{state::ScreenId::BundleDetail, h.id, title});
        else if (h.kind == "document") out.emplace_back(state::Navigate{state::ScreenId::PolicyDocument, h.id, title});
        else out.emplace_back(state::Navigate{state::ScreenId::MeasureDetail, h.id, title});
    }
}

void themeGrid(const Ctx& c, const state::GuideHomeData& d, float width, state::Actions& out) {
    const int cols = c.metrics.portrait ? 2 : (c.metrics.elder ? 3 : 4);
    const float w = (width - float(cols - 1) * c.metrics.gap) / float(cols);
    const float h = std::max(c.metrics.target * 1.6f, c.px(FontRole::Title) * 1.4f + c.px(FontRole::Small) * 1.6f + c.metrics.gap * 1.2f);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    int i = 0;
    for (const auto& t : d.themes) {
        const int col = i % cols, row = i / cols;
        const ImVec2 pos(origin.x + float(col) * (w + c.metrics.gap), origin.y + float(row) * (h + c.metrics.gap));
        ImGui::SetCursorScreenPos(pos);
        const std::string id = fmt::format("guide.theme.{}", i);
        const bool pressed = ImGui::InvisibleButton(id.c_str(), ImVec2(w, h));
        const bool held = ImGui::IsItemActive();
        registryRecord(id, pos, ImVec2(pos.x + w, pos.y + h));
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImU32 color = c.palette.tiles[i % 6];
        dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), held ? IM_COL32(0xE4, 0xEA, 0xF2, 0xFF) : c.palette.surface, c.metrics.radius);
        dl->AddRectFilled(pos, ImVec2(pos.x + 8.0f * c.metrics.scale, pos.y + h), color, c.metrics.radius, ImDrawFlags_RoundCornersLeft);
        dl->AddRect(pos, ImVec2(pos.x + w, pos.y + h), c.palette.border, c.metrics.radius, 0, c.metrics.elder ? 2.0f : 1.0f);
        const std::string name = themeLabel(c, t.theme);
        textAt(c, FontRole::Title, ImVec2(pos.x + c.metrics.gap * 1.2f, pos.y + c.metrics.gap * 0.6f), c.palette.text, name);
        textAt(c, FontRole::Small, ImVec2(pos.x + c.metrics.gap * 1.2f, pos.y + h - c.metrics.gap * 0.6f - c.px(FontRole::Small) * 1.2f),
               c.palette.textMuted, serviceCount(c, t.services));
        if (pressed) out.emplace_back(state::Navigate{state::ScreenId::ServiceList, "theme:" + t.theme, name});
        ++i;
    }
    const int rows = (i + cols - 1) / cols;
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + float(rows) * (h + c.metrics.gap)));
    ImGui::Dummy(ImVec2(0, 0));
}

}  // namespace

void drawGuideHome(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "guide.scroll", scroll);
    auto& g = s.guide;
    if (s.pickFor != state::PickFor::None) {
        beginCard(c, width);
        paragraph(c, FontRole::Body, c.tr(s.pickFor == state::PickFor::Case ? "rating.picking_case" : "rating.picking_rating"),
                  c.palette.primary, width - 2 * c.metrics.gap);
        endCard(c);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    }
    if (textField(c, {"guide.search", "", c.tr("guide.search_hint"), 60, false, false, ""}, g.query, width))
        out.emplace_back(state::SearchEdited{});
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.8f));

    if (!g.query.empty()) {
        searchResults(c, g, width, out);
    } else if (!pageNotReady(c, s, width)) {
        if (const auto* d = std::get_if<state::GuideHomeData>(&s.page)) {
            const std::pair<state::GuideTab, const char*> tabs[] = {{state::GuideTab::Themes, "guide.tab_themes"},
                                                                    {state::GuideTab::Departments, "guide.tab_departments"},
                                                                    {state::GuideTab::Bundles, "guide.tab_bundles"}};
            for (const auto& [tab, key] : tabs) {
                const std::string id = std::string("guide.") + (key + 6);
                if (chip(c, id.c_str(), c.tr(key), g.tab == tab)) out.emplace_back(state::SetGuideTab{tab});
                ImGui::SameLine(0, c.metrics.gap * 0.5f);
            }
            ImGui::NewLine();
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));
            if (g.tab == state::GuideTab::Themes) {
                themeGrid(c, *d, width, out);
            } else if (g.tab == state::GuideTab::Departments) {
                int i = 0;
                for (const auto& dept : d->departments) {
                    const std::string id = fmt::format("guide.dept.{}", i++);
                    RowSpec row{id.c_str(), pick(c, dept.name, dept.nameEn)};
                    row.badges.emplace_back(serviceCount(c, dept.services), c.palette.primary);
                    if (listRow(c, row, width))
                        out.emplace_back(state::Navigate{state::ScreenId::ServiceList, "dept:" + dept.id,
                                                         pick(c, dept.name, dept.nameEn)});
                }
            } else {
                int i = 0;
                for (const auto& b : d->bundles) {
                    const std::string wid = fmt::format("guide.bundle.{}", i++);
                    const std::string& name = pick(c, b.name, b.nameEn);
                    if (listRow(c, RowSpec{wid.c_str(), name}, width))
                        out.emplace_back(state::Navigate{state::ScreenId::BundleDetail, b.id, name});
                }
            }
        }
    }
    endPage(c, scroll);
}

}  // namespace kiosk::ui
