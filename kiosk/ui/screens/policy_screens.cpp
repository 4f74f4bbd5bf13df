// 政策查询: documents filtered by district / level / year with an in-force
// switch, a document with its measure tree, and one measure with its
// responsible units and support guides (申兑指南).
#include "content_common.h"

#include <fmt/format.h>

namespace kiosk::ui {
namespace {

const char* levelKey(const std::string& level) {
    if (level == "国家") return i18n::Key{"policy.level_country"}.id;
    if (level == "市") return i18n::Key{"policy.level_city"}.id;
    if (level == "区") return i18n::Key{"policy.level_district"}.id;
    if (level == "街镇") return i18n::Key{"policy.level_town"}.id;
    return nullptr;
}

// One row of filter chips: "全部" plus each value.
template <class T, class Label>
bool filterRow(const Ctx& c, const char* name, const char* labelKey, const std::vector<T>& values, T& current, T none,
               Label&& label, float width) {
    bool changed = false;
    // The label sits in a fixed column left of its chips; chips wrap under
    // themselves, not under the label.
    const float labelW = 110.0f * c.metrics.scale * (c.metrics.elder ? 1.4f : 1.0f);
    const ImVec2 row = ImGui::GetCursorScreenPos();
    textAt(c, FontRole::Body, ImVec2(row.x, row.y + (c.metrics.target - c.px(FontRole::Body)) * 0.5f), c.palette.textMuted,
           c.tr(labelKey));
    const float x0 = row.x + labelW;
    float x = x0;
    width -= labelW;
    ImGui::SetCursorScreenPos(ImVec2(x0, row.y));
    auto place = [&](const std::string& text) {
        const float w = measureText(c, FontRole::Body, text).x + 2 * c.metrics.gap;
        if (x > x0 && x + w > x0 + width) {
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
            ImGui::SetCursorScreenPos(ImVec2(x0, ImGui::GetCursorScreenPos().y));
            x = x0;
        } else if (x > x0) {
            ImGui::SameLine(0, c.metrics.gap * 0.5f);
        }
        x += w + c.metrics.gap * 0.5f;
    };
    place(c.tr("policy.filter_all"));
    const std::string allId = fmt::format("policy.{}.all", name);
    if (chip(c, allId.c_str(), c.tr("policy.filter_all"), current == none)) {
        current = none;
        changed = true;
    }
    int i = 0;
    for (const auto& v : values) {
        const std::string text = label(v);
        place(text);
        const std::string id = fmt::format("policy.{}.{}", name, i++);
        if (chip(c, id.c_str(), text, current == v)) {
            current = v;
            changed = true;
        }
    }
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    return changed;
}

}  // namespace

void drawPolicies(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "policies.scroll", scroll);
    const auto* d = std::get_if<state::PoliciesData>(&s.page);
    if (!d) {
        pageNotReady(c, s, width);
    } else {
        content::PolicyFilter f = s.policies.filter;
        bool changed = false;
        changed |= filterRow(c, "district", "policy.filter_district", d->facets.districts, f.district, std::string(),
                             [](const std::string& v) { return v; }, width);
        changed |= filterRow(c, "level", "policy.filter_level", d->facets.levels, f.level, std::string(),
                             [&](const std::string& v) { return levelKey(v) ? std::string(c.tr(levelKey(v))) : v; }, width);
        changed |= filterRow(c, "topic", "policy.filter_topic", d->facets.topics, f.topic, std::string(),
                             [](const std::string& v) { return v; }, width);
        changed |= filterRow(c, "year", "policy.filter_year", d->facets.years, f.year, 0,
                             [](int y) { return std::to_string(y); }, width);
        if (chip(c, "policy.in_force", c.tr("policy.in_force_only"), f.inForceOnly)) {
            f.inForceOnly = !f.inForceOnly;
            changed = true;
        }
        if (changed) out.emplace_back(state::SetPolicyFilter{f});
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));
        paragraph(c, FontRole::Small, fmt::format(fmt::runtime(c.tr("policy.count")), d->documents.size()), c.palette.textMuted,
                  width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
        if (d->documents.empty()) paragraph(c, FontRole::Body, c.tr("policy.none"), c.palette.textMuted, width);
        int i = 0;
        for (const auto& doc : d->documents) {
            const std::string id = fmt::format("policy.doc.{}", i++);
            std::string sub = doc.docNumber.empty() ? doc.published : doc.docNumber + " · " + doc.published;
            if (!doc.district.empty()) sub += " · " + doc.district;
            sub += " · " + fmt::format(fmt::runtime(c.tr("policy.measures")), doc.measures);
            RowSpec row{id.c_str(), doc.title, sub};
            row.dimmed = doc.expired;
            row.badges.emplace_back(c.tr(doc.expired ? "policy.expired" : "policy.in_force"),
                                    doc.expired ? c.palette.textMuted : c.palette.success);
            if (listRow(c, row, width))
                out.emplace_back(state::Navigate{state::ScreenId::PolicyDocument, doc.id, doc.title});
        }
    }
    endPage(c, scroll);
}

void drawPolicyDocument(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "document.scroll", scroll);
    if (!pageNotReady(c, s, width)) {
        if (const auto* v = std::get_if<content::DocumentView>(&s.page)) {
            const auto& d = v->summary;
            paragraph(c, FontRole::Title, d.title, d.expired ? c.palette.textMuted : c.palette.text, width);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
            const ImVec2 bp = ImGui::GetCursorScreenPos();
            badge(c, bp, c.tr(d.expired ? "policy.expired" : "policy.in_force"), d.expired ? c.palette.danger : c.palette.success,
                  IM_COL32_WHITE);
            ImGui::Dummy(ImVec2(0, c.px(FontRole::Small) * 1.45f + c.metrics.gap * 0.4f));
            beginCard(c, width);
            const float inner = width - 2 * c.metrics.gap;
            auto line = [&](const char* key, const std::string& value) {
                if (!value.empty())
                    paragraph(c, FontRole::Body, labelled(c, c.tr(key), value), c.palette.text, inner);
            };
            line("policy.doc_number", d.docNumber);
            std::string issuers;
            for (const auto& i : v->issuers) issuers += (issuers.empty() ? "" : "、") + i;
            line("policy.issuers", issuers);
            line("policy.published", d.published);
            endCard(c);
            sectionHeader(c, fmt::format("{}（{}）", c.tr("policy.measure_tree"),
                                         fmt::format(fmt::runtime(c.tr("policy.measures")), v->measures.size())),
                          width);
            int i = 0;
            for (const auto& m : v->measures) {
                const float indent = float(std::min(m.depth, 4)) * c.metrics.gap * 1.2f;
                const std::string id = fmt::format("document.measure.{}", i++);
                const std::string title = m.number + " " + (m.heading.empty() ? utf8Prefix(m.text, 40) : m.heading);
                std::string units;
                for (const auto& u : m.units) units += (units.empty() ? "" : "、") + u;
                const std::string unitsLine = units.empty() ? "" : labelled(c, c.tr("policy.units"), units);
                RowSpec row{id.c_str(), title, unitsLine};
                if (m.hasGuide) row.badges.emplace_back(c.tr("policy.has_guide"), c.palette.tiles[3]);
                ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x + indent, ImGui::GetCursorScreenPos().y));
                // listRow ends on a new line, back at the page's left edge.
                if (listRow(c, row, width - indent))
                    out.emplace_back(state::Navigate{state::ScreenId::MeasureDetail, d.id + "#" + m.path, m.number});
            }
        }
    }
    endPage(c, scroll);
}

void drawMeasureDetail(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    (void)out;
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "measure.scroll", scroll);
    if (!pageNotReady(c, s, width)) {
        if (const auto* v = std::get_if<state::MeasureData>(&s.page)) {
            const auto& m = v->measure;
            paragraph(c, FontRole::Small, fmt::format("{}《{}》", c.tr("policy.in_document"), v->document.title),
                      c.palette.textMuted, width);
            if (v->document.expired) paragraph(c, FontRole::Small, c.tr("policy.expired"), c.palette.danger, width);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
            paragraph(c, FontRole::Title, m.number + " " + m.heading, c.palette.text, width);
            if (!m.text.empty()) {
                ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
                paragraph(c, FontRole::Body, m.text, c.palette.text, width);
            }
            if (!m.units.empty()) {
                sectionHeader(c, c.tr("policy.units"), width);
                std::string units;
                for (const auto& u : m.units) units += (units.empty() ? "" : "、") + u;
                paragraph(c, FontRole::Body, units, c.palette.text, width);
            }
            for (const auto& g : v->guides) {
                sectionHeader(c, c.tr("policy.guide"), width);
                beginCard(c, width);
                const float inner = width - 2 * c.metrics.gap;
                paragraph(c, FontRole::Body, g.guide.title, c.palette.text, inner);
                ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
                auto line = [&](const char* key, const std::string& value) {
                    if (value.empty()) return;
                    paragraph(c, FontRole::Small, c.tr(key), c.palette.textMuted, inner);
                    paragraph(c, FontRole::Body, value, c.palette.text, inner);
                    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.2f));
                };
                line("policy.mode", c.tr(modeKey(g.guide.mode)));
                line("policy.beneficiaries", g.guide.beneficiaries);
                line("policy.conditions", g.guide.conditions);
                line("policy.amount", g.guide.amount);
                line("policy.window", g.guide.window);
                line("policy.payout", g.guide.payout);
                line("policy.where", g.guide.where);
                line("policy.phone", g.guide.phone);
                endCard(c);
            }
        }
    }
    endPage(c, scroll);
}

}  // namespace kiosk::ui
