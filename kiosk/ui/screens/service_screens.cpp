// 办事指南 lists and details: the services of a theme or department, one
// service guide (conditions, materials checklist, steps, statutory vs
// promised time, fees, where and when, phones, tags, QR of the online
// address, print), and a 一件事 bundle with its merged materials.
#include "content_common.h"

#include <fmt/format.h>

namespace kiosk::ui {
namespace {

std::vector<std::pair<std::string, ImU32>> serviceBadges(const Ctx& c, const content::ServiceSummary& s) {
    std::vector<std::pair<std::string, ImU32>> b;
    for (const auto& t : s.tags)
        if (t == "高频" || t == "一件事")
            if (const char* k = tagKey(t)) b.emplace_back(c.tr(k), tagColor(c, t));
    return b;
}

// Two columns label | value, wrapping the value.
void fact(const Ctx& c, std::string_view label, std::string_view value, float width, ImU32 valueColor = 0) {
    const float labelW = std::min(width * 0.34f, 300.0f * c.metrics.scale * (c.metrics.elder ? 1.3f : 1.0f));
    const ImVec2 p = ImGui::GetCursorScreenPos();
    paragraph(c, FontRole::Body, label, c.palette.textMuted, labelW - c.metrics.gap);
    const float hl = ImGui::GetCursorScreenPos().y - p.y;
    ImGui::SetCursorScreenPos(ImVec2(p.x + labelW, p.y));
    paragraph(c, FontRole::Body, value, valueColor ? valueColor : c.palette.text, width - labelW);
    const float hv = ImGui::GetCursorScreenPos().y - p.y;
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + std::max(hl, hv)));
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
}

void numbered(const Ctx& c, const std::vector<std::string>& items, float width) {
    int n = 0;
    for (const auto& item : items) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const std::string num = fmt::format("{}.", ++n);
        textAt(c, FontRole::Body, ImVec2(p.x, p.y + (c.px(FontRole::Body) * 0.2f)), c.palette.primary, num);
        ImGui::SetCursorScreenPos(ImVec2(p.x + c.px(FontRole::Body) * 1.6f, p.y));
        paragraph(c, FontRole::Body, item, c.palette.text, width - c.px(FontRole::Body) * 1.6f);
        ImGui::SetCursorScreenPos(ImVec2(p.x, ImGui::GetCursorScreenPos().y));
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.2f));
    }
}

void materialsTable(const Ctx& c, const std::vector<content::Material>& ms, float width) {
    int n = 0;
    for (const auto& m : ms) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float box = c.px(FontRole::Body) * 0.9f;
        ImGui::GetWindowDrawList()->AddRect(ImVec2(p.x, p.y + c.px(FontRole::Body) * 0.25f),
                                            ImVec2(p.x + box, p.y + c.px(FontRole::Body) * 0.25f + box), c.palette.textMuted,
                                            3.0f, 0, 2.0f);
        const float indent = box + c.metrics.gap * 0.6f;
        ImGui::SetCursorScreenPos(ImVec2(p.x + indent, p.y));
        paragraph(c, FontRole::Body, fmt::format("{}. {}", ++n, m.name), c.palette.text, width - indent);
        // Copies, optional/容缺, forms as small badges on one line.
        const std::string copies = copiesText(c.lang, m);
        float x = p.x + indent;
        const float y = ImGui::GetCursorScreenPos().y + c.metrics.gap * 0.15f;
        x += badge(c, ImVec2(x, y), copies, c.palette.tiles[5], IM_COL32_WHITE) + c.metrics.gap * 0.4f;
        x += badge(c, ImVec2(x, y), c.tr(m.required ? "guide.required" : "guide.optional"),
                   m.required ? c.palette.primary : c.palette.textMuted, IM_COL32_WHITE) + c.metrics.gap * 0.4f;
        if (m.toleratedMissing) x += badge(c, ImVec2(x, y), c.tr("guide.tolerated"), c.palette.success, IM_COL32_WHITE) + c.metrics.gap * 0.4f;
        if (m.blankForm) x += badge(c, ImVec2(x, y), c.tr("guide.blank_form"), c.palette.tiles[1], IM_COL32_WHITE) + c.metrics.gap * 0.4f;
        if (m.sample) badge(c, ImVec2(x, y), c.tr("guide.sample"), c.palette.tiles[1], IM_COL32_WHITE);
        ImGui::SetCursorScreenPos(ImVec2(p.x, y + c.px(FontRole::Small) * 1.45f + c.metrics.gap * 0.2f));
        if (!m.notes.empty()) {
            ImGui::SetCursorScreenPos(ImVec2(p.x + indent, ImGui::GetCursorScreenPos().y));
            paragraph(c, FontRole::Small, m.notes, c.palette.textMuted, width - indent);
        }
        ImGui::SetCursorScreenPos(ImVec2(p.x, ImGui::GetCursorScreenPos().y));
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    }
}

}  // namespace

void drawServiceList(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "list.scroll", scroll);
    if (!pageNotReady(c, s, width)) {
        const auto* list = std::get_if<content::ServiceList>(&s.page);
        if (list) {
            const std::string title = list->titleEn.empty() || c.lang != i18n::Lang::En
                                          ? (themeKey(list->titleZh) ? themeLabel(c, list->titleZh) : list->titleZh)
                                          : list->titleEn;
            drawPageHeader(c, title, serviceCount(c, int(list->services.size())));
            if (list->services.empty()) paragraph(c, FontRole::Body, c.tr("guide.list_empty"), c.palette.textMuted, width);
            int i = 0;
            for (const auto& sv : list->services) {
                const std::string id = fmt::format("list.service.{}", i++);
                const std::string sub = fmt::format("{} · {}", fmt::format(fmt::runtime(c.tr("guide.promised_short")),
                                                                             timeLimitText(c, sv.promised)),
                                                    c.tr(visitsKey(sv.visits)));
                RowSpec row{id.c_str(), pick(c, sv.name, sv.nameEn), sub, serviceBadges(c, sv)};
                if (listRow(c, row, width))
                    out.emplace_back(state::Navigate{state::ScreenId::ServiceDetail, sv.id, pick(c, sv.name, sv.nameEn)});
            }
        }
    }
    endPage(c, scroll);
}

void drawServiceDetail(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "service.scroll", scroll);
    if (!pageNotReady(c, s, width)) {
        if (const auto* v = std::get_if<content::ServiceView>(&s.page)) {
            const auto& sv = v->service;
            const bool wide = !c.metrics.portrait;
            // Header: name, department, tags; print and QR on the right in landscape.
            const float qrSize = 200.0f * c.metrics.scale * (c.metrics.elder ? 1.2f : 1.0f);
            const float side = wide && !sv.channels.onlineUrl.empty() ? qrSize + c.metrics.gap * 2 : 0;
            const ImVec2 top = ImGui::GetCursorScreenPos();
            paragraph(c, FontRole::Title, pick(c, sv.name, sv.nameEn), c.palette.text, width - side);
            paragraph(c, FontRole::Body, labelled(c, c.tr("guide.department"), pick(c, v->departmentName, v->departmentNameEn)),
                      c.palette.textMuted, width - side);
            if (!sv.summary.empty()) paragraph(c, FontRole::Body, pick(c, sv.summary, sv.summaryEn), c.palette.text, width - side);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
            float x = ImGui::GetCursorScreenPos().x;
            const float y = ImGui::GetCursorScreenPos().y;
            x += badge(c, ImVec2(x, y), c.tr(visitsKey(sv.visits)), c.palette.primary, IM_COL32_WHITE) + c.metrics.gap * 0.4f;
            for (const auto& t : sv.tags)
                if (const char* k = tagKey(t)) x += badge(c, ImVec2(x, y), c.tr(k), tagColor(c, t), IM_COL32_WHITE) + c.metrics.gap * 0.4f;
            ImGui::Dummy(ImVec2(0, c.px(FontRole::Small) * 1.45f + c.metrics.gap * 0.6f));
            if (sv.status != "active")
                paragraph(c, FontRole::Body, c.tr(sv.status == "suspended" ? "guide.suspended" : "guide.withdrawn"),
                          c.palette.danger, width - side);
            if (s.pickFor != state::PickFor::None) {
                if (button(c, "service.pick", c.tr("rating.pick_this"), ImVec2(0, 0), ButtonStyle::Primary))
                    out.emplace_back(state::ServicePicked{state::PickedService{sv.id, sv.name, sv.nameEn}});
                ImGui::SameLine(0, c.metrics.gap * 0.5f);
            }
            if (button(c, "service.print", c.tr("guide.print"), ImVec2(0, 0), ButtonStyle::Secondary))
                out.emplace_back(state::Print{"service", sv.id});
            if (s.pickFor == state::PickFor::None) {
                ImGui::SameLine(0, c.metrics.gap * 0.5f);
                if (button(c, "service.rate", c.tr("rating.rate_service"), ImVec2(0, 0), ButtonStyle::Secondary))
                    out.emplace_back(state::StartRating{state::RatingTarget{"service", sv.id, sv.name, sv.nameEn, {}}});
            }
            const float headerBottom = ImGui::GetCursorScreenPos().y;
            if (side > 0) {
                ImGui::SetCursorScreenPos(ImVec2(top.x + width - qrSize, top.y));
                qrCode(c, "service.qr", sv.channels.onlineUrl, qrSize);
                const ImVec2 q = ImGui::GetCursorScreenPos();
                ImGui::SetCursorScreenPos(ImVec2(top.x + width - qrSize, q.y + c.metrics.gap * 0.2f));
                paragraph(c, FontRole::Small, c.tr("guide.scan_qr"), c.palette.textMuted, qrSize);
                ImGui::SetCursorScreenPos(ImVec2(top.x, std::max(headerBottom, ImGui::GetCursorScreenPos().y)));
            }
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));

            // Time limits and key facts.
            beginCard(c, width);
            const float inner = width - 2 * c.metrics.gap;
            fact(c, c.tr("guide.promised"), timeLimitText(c, sv.promised), inner, c.palette.success);
            fact(c, c.tr("guide.statutory"), timeLimitText(c, sv.statutory), inner);
            fact(c, c.tr("guide.case_kind"), c.tr(sv.caseKind == "即办件" ? "guide.instant" : "guide.commitment"), inner);
            fact(c, c.tr("guide.fees"),
                 sv.feesCharged ? fmt::format(fmt::runtime(c.tr("guide.fees_charged")), sv.feesBasis) : c.tr("guide.fees_free"),
                 inner);
            if (!sv.resultName.empty()) fact(c, c.tr("guide.result"), sv.resultName, inner);
            if (!sv.scope.empty()) fact(c, c.tr("guide.scope"), scopeLabel(c, sv.scope), inner);
            if (!v->coDepartmentNames.empty())
                fact(c, c.tr("guide.co_departments"), joinNames(c, v->coDepartmentNames, v->coDepartmentNamesEn), inner);
            endCard(c);

            if (sv.materials.empty() && sv.steps.empty() && sv.conditions.empty())
                paragraph(c, FontRole::Body, c.tr("guide.list_only"), c.palette.textMuted, width);
            if (!sv.conditions.empty()) {
                sectionHeader(c, c.tr("guide.conditions"), width);
                numbered(c, sv.conditions, width);
            }
            if (!sv.materials.empty()) {
                sectionHeader(c, c.tr("guide.materials"), width);
                materialsTable(c, sv.materials, width);
            }
            if (!sv.steps.empty()) {
                sectionHeader(c, c.tr("guide.steps"), width);
                std::vector<std::string> steps;
                for (const auto& st : sv.steps) steps.push_back(st.name + "：" + st.text);
                numbered(c, steps, width);
            }
            if (!v->places.empty()) {
                sectionHeader(c, c.tr("guide.where"), width);
                for (const auto& p : v->places) {
                    beginCard(c, width);
                    paragraph(c, FontRole::Body, pick(c, p.hall, p.hallEn), c.palette.text, inner);
                    paragraph(c, FontRole::Small, p.address, c.palette.textMuted, inner);
                    for (const auto& w : p.windows) paragraph(c, FontRole::Body, w, c.palette.primary, inner);
                    paragraph(c, FontRole::Small, labelled(c, c.tr("guide.hours"), p.hours), c.palette.textMuted, inner);
                    endCard(c);
                }
            }
            if (!sv.phoneConsult.empty() || !sv.phoneComplaint.empty()) {
                sectionHeader(c, c.tr("guide.phone_consult"), width);
                if (!sv.phoneConsult.empty()) fact(c, c.tr("guide.phone_consult"), sv.phoneConsult, width);
                if (!sv.phoneComplaint.empty()) fact(c, c.tr("guide.phone_complaint"), sv.phoneComplaint, width);
            }
            if (!sv.channels.onlineUrl.empty() && side == 0) {
                sectionHeader(c, c.tr("guide.online"), width);
                qrCode(c, "service.qr", sv.channels.onlineUrl, qrSize);
                paragraph(c, FontRole::Small, c.tr("guide.scan_qr"), c.palette.textMuted, width);
            }
            if (!v->bundles.empty()) {
                sectionHeader(c, c.tr("guide.in_bundles"), width);
                int i = 0;
                for (const auto& b : v->bundles) {
                    const std::string wid = fmt::format("service.bundle.{}", i++);
                    const std::string& name = pick(c, b.name, b.nameEn);
                    if (listRow(c, RowSpec{wid.c_str(), name}, width))
                        out.emplace_back(state::Navigate{state::ScreenId::BundleDetail, b.id, name});
                }
            }
            if (!sv.faq.empty()) {
                sectionHeader(c, c.tr("guide.faq"), width);
                for (const auto& f : sv.faq) {
                    paragraph(c, FontRole::Body, fmt::format(fmt::runtime(c.tr("guide.faq_q")), f.q), c.palette.text, width);
                    paragraph(c, FontRole::Body, fmt::format(fmt::runtime(c.tr("guide.faq_a")), f.a), c.palette.textMuted,
                              width);
                    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
                }
            }
            if (!sv.legalBasis.empty()) {
                sectionHeader(c, c.tr("guide.legal_basis"), width);
                numbered(c, sv.legalBasis, width);
            }
        }
    }
    endPage(c, scroll);
}

void drawBundleDetail(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "bundle.scroll", scroll);
    if (!pageNotReady(c, s, width)) {
        if (const auto* v = std::get_if<content::BundleView>(&s.page)) {
            drawPageHeader(c, pick(c, v->bundle.name, v->bundle.nameEn), v->bundle.summary);
            beginCard(c, width);
            const float inner = width - 2 * c.metrics.gap;
            fact(c, c.tr("guide.bundle_promised"), timeLimitText(c, v->bundle.promised), inner, c.palette.success);
            fact(c, c.tr("guide.bundle_departments"), joinNames(c, v->departments, v->departmentsEn), inner);
            endCard(c);
            if (button(c, "bundle.print", c.tr("guide.print"), ImVec2(0, 0), ButtonStyle::Secondary))
                out.emplace_back(state::Print{"bundle", v->bundle.id});
            sectionHeader(c, c.tr("guide.bundle_services"), width);
            int i = 0;
            for (const auto& m : v->members) {
                const std::string id = fmt::format("bundle.service.{}", i++);
                const std::string sub = fmt::format(fmt::runtime(c.tr("guide.promised_short")), timeLimitText(c, m.promised));
                if (listRow(c, RowSpec{id.c_str(), fmt::format("{}. {}", i, pick(c, m.name, m.nameEn)), sub}, width))
                    out.emplace_back(state::Navigate{state::ScreenId::ServiceDetail, m.id, pick(c, m.name, m.nameEn)});
            }
            sectionHeader(c, c.tr("guide.materials_merged"), width);
            materialsTable(c, v->materials, width);
        }
    }
    endPage(c, scroll);
}

}  // namespace kiosk::ui
