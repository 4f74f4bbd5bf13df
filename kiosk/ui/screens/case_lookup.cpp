// 办件查询: case number + last four digits of the mobile. Validation messages
// appear at the field they concern; the answer appears under the form.
#include "screens.h"

#include <fmt/format.h>

namespace kiosk::ui {

void drawCaseLookup(const Ctx& c, state::CaseLookupForm& form, state::ScrollState& scroll, state::Actions& out) {
    using Field = state::CaseLookupForm::Field;
    const ImVec2 area = contentSize(c);
    ImGui::SetCursorScreenPos(contentMin(c));
    beginScroll(c, "lookup.scroll", scroll, area);
    const float width = std::min(area.x - 2 * c.metrics.pad, 1100.0f * c.metrics.scale);
    ImGui::Dummy(ImVec2(0, c.metrics.pad));
    ImGui::SetCursorPosX(c.metrics.pad);
    drawPageHeader(c, c.tr("lookup.title"), c.tr("lookup.intro"));

    ImGui::SetCursorPosX(c.metrics.pad);
    ImGui::BeginGroup();
    const std::string caseErr = form.errorField == Field::CaseNo ? c.tr(form.errorKey) : "";
    if (textField(c, {"lookup.case_no", c.tr("lookup.case_no"), c.tr("lookup.case_no_hint"), 32, false, true, caseErr},
                  form.caseNo, width)) {
        form.answered = false;
    }
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    const std::string mobErr = form.errorField == Field::Mobile4 ? c.tr(form.errorKey) : "";
    if (textField(c, {"lookup.mobile4", c.tr("lookup.mobile4"), c.tr("lookup.mobile4_hint"), 4, true, false, mobErr},
                  form.mobileLast4, width * 0.5f)) {
        form.answered = false;
    }
    ImGui::Dummy(ImVec2(0, c.metrics.gap));
    const float bw = std::max(c.metrics.target * 3.0f, 240.0f * c.metrics.scale);
    if (button(c, "lookup.submit", c.tr("lookup.submit"), ImVec2(bw, 0), ButtonStyle::Primary))
        out.emplace_back(state::SubmitLookup{});
    ImGui::SameLine(0, c.metrics.gap);
    if (button(c, "lookup.clear", c.tr("lookup.clear"), ImVec2(bw * 0.8f, 0), ButtonStyle::Secondary))
        out.emplace_back(state::ClearLookup{});

    if (form.answered) {
        ImGui::Dummy(ImVec2(0, c.metrics.gap));
        const std::string msg = form.found ? fmt::format(fmt::runtime(c.tr("lookup.found")), form.answerCaseNo,
                                                         c.tr(form.statusKey))
                                           : fmt::format(fmt::runtime(c.tr("lookup.none")), form.answerCaseNo);
        beginCard(c, width);
        const float textW = width - 2 * c.metrics.gap;
        paragraph(c, FontRole::Body, msg, c.palette.text, textW);
        if (form.found && !form.history.empty()) {
            // The centre's steps, oldest first: time on the left, status beside it.
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
            paragraph(c, FontRole::Small, c.tr("lookup.history"), c.palette.textMuted, textW);
            const float timeW = measureText(c, FontRole::Body, "0000-00-00 00:00").x + c.metrics.gap;
            for (const auto& line : form.history) {
                const ImVec2 at = ImGui::GetCursorScreenPos();
                const float inset = std::round(c.px(FontRole::Body) * (c.metrics.elder ? 0.25f : 0.2f));  // as paragraph()
                textAt(c, FontRole::Body, ImVec2(at.x, at.y + inset), c.palette.textMuted, line.when);
                ImGui::SetCursorScreenPos(ImVec2(at.x + timeW, at.y));
                paragraph(c, FontRole::Body, c.tr(line.key), c.palette.text, textW - timeW);
                ImGui::SetCursorScreenPos(ImVec2(at.x, ImGui::GetCursorScreenPos().y));
            }
        }
        endCard(c);
    }
    ImGui::EndGroup();
    ImGui::Dummy(ImVec2(0, c.metrics.pad));
    endScroll(c, scroll);
}

}  // namespace kiosk::ui
