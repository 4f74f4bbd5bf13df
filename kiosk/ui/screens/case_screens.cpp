// 我要反映 (cases, 帮办, 办不成事): the form with a message at each field that
// needs one, the privacy notice to accept, a review page (mobile masked) and
// the receipt with the case number, its QR code and a printed slip.
#include "content_common.h"

#include "records/records.h"
#include "validate/mobile.h"

#include <fmt/format.h>

namespace kiosk::ui {
namespace {

// The chips' labels, in the order of records::kCaseKindList.
const char* const kKindKeys[] = {"case.kind_question", "case.kind_help",       "case.kind_complaint",
                                 "case.kind_report",   "case.kind_suggestion", "case.kind_failed"};
static_assert(std::size(kKindKeys) == records::kCaseKindList.size(), "a case kind without a label");

}  // namespace

void drawCaseForm(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "case.scroll", scroll);
    auto& f = s.caseForm;
    drawPageHeader(c, c.tr("case.title"), c.tr("case.intro"));

    paragraph(c, FontRole::Body, c.tr("case.kind"), c.palette.text, width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    const int cols = c.metrics.portrait ? 3 : 6;
    const float w = (width - float(cols - 1) * c.metrics.gap * 0.5f) / float(cols);
    for (int i = 0; i < int(std::size(kKindKeys)); ++i) {
        if (i % cols != 0) ImGui::SameLine(0, c.metrics.gap * 0.5f);
        else if (i > 0) ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
        const std::string id = fmt::format("case.kind.{}", i);
        if (chip(c, id.c_str(), c.tr(kKindKeys[i]), f.kind == i, w)) out.emplace_back(state::CaseSetKind{i});
    }
    errorLine(c, errorText(c, f.errors, "kind"), width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));

    const std::string descErr = errorText(c, f.errors, "description");
    textField(c, {"case.description", c.tr("case.description"), c.tr("case.description_hint"), 40000, false, false, descErr, 5,
                  false, records::kDescriptionMax},
              f.description, width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    // Landscape: fields in pairs side by side; portrait: one under another.
    const bool pairs = !c.metrics.portrait;
    const float half = pairs ? (width - c.metrics.gap) * 0.5f : width;
    auto field = [&](const char* id, const char* label, const char* hint, std::string& value, std::size_t max,
                     const char* errField, bool numeric = false) {
        const std::string err = errorText(c, f.errors, errField);
        ImGui::BeginGroup();
        textField(c, {id, c.tr(label), c.tr(hint), max, false, false, err, 1, numeric}, value, half);
        ImGui::EndGroup();
    };
    auto row = [&](auto&& left, auto&& right) {
        const ImVec2 start = ImGui::GetCursorScreenPos();
        left();
        const float leftBottom = ImGui::GetCursorScreenPos().y;
        if (pairs) ImGui::SetCursorScreenPos(ImVec2(start.x + half + c.metrics.gap, start.y));
        right();
        ImGui::SetCursorScreenPos(ImVec2(start.x, std::max(leftBottom, ImGui::GetCursorScreenPos().y)));
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    };
    row([&] { field("case.enterprise", "case.enterprise", "case.enterprise_hint", f.enterprise, 600, "enterprise"); },
        [&] { field("case.uscc", "case.uscc", "case.uscc_hint", f.uscc, 64, "uscc"); });
    row([&] { field("case.contact", "case.contact", "case.contact_hint", f.contact, 200, "contact"); },
        [&] { field("case.mobile", "case.mobile", "case.mobile_hint", f.mobile, 20, "mobile", true); });

    // Related service: chosen from 办事指南 (pick mode), optional.
    paragraph(c, FontRole::Body, c.tr("case.related"), c.palette.text, width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    if (f.service.id.empty()) {
        if (button(c, "case.related_pick", c.tr("case.related_pick"), ImVec2(0, 0), ButtonStyle::Secondary))
            out.emplace_back(state::PickService{state::PickFor::Case});
    } else {
        const float bw = measureText(c, FontRole::Body, c.tr("case.related_change")).x + 2 * c.metrics.gap;
        const float cw = measureText(c, FontRole::Body, c.tr("case.related_clear")).x + 2 * c.metrics.gap;
        const std::string name = pick(c, f.service.name, f.service.nameEn);
        const float nameW = std::max(c.metrics.target, std::min(measureText(c, FontRole::Body, name).x + 2 * c.metrics.gap,
                                                          width - bw - cw - c.metrics.gap));
        chip(c, "case.related_name", name, true, nameW);
        ImGui::SameLine(0, c.metrics.gap * 0.5f);
        if (chip(c, "case.related_pick", c.tr("case.related_change"), false, bw))
            out.emplace_back(state::PickService{state::PickFor::Case});
        ImGui::SameLine(0, c.metrics.gap * 0.5f);
        if (chip(c, "case.related_clear", c.tr("case.related_clear"), false, cw)) out.emplace_back(state::CaseClearService{});
    }
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));

    paragraph(c, FontRole::Body, c.tr("case.reply"), c.palette.text, width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    if (chip(c, "case.reply.0", c.tr("case.reply_phone"), f.reply == 0)) out.emplace_back(state::CaseSetReply{0});
    ImGui::SameLine(0, c.metrics.gap * 0.5f);
    if (chip(c, "case.reply.1", c.tr("case.reply_sms"), f.reply == 1)) out.emplace_back(state::CaseSetReply{1});
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));

    beginCard(c, width);
    const float inner = width - 2 * c.metrics.gap;
    paragraph(c, FontRole::Body, c.tr("case.privacy_title"), c.palette.text, inner);
    paragraph(c, FontRole::Small, c.tr("case.privacy"), c.palette.textMuted, inner);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
    if (chip(c, "case.accept", c.tr("case.accept"), f.accepted)) out.emplace_back(state::CaseToggleAccept{});
    errorLine(c, errorText(c, f.errors, "accept"), inner);
    endCard(c);
    if (f.saveFailed) paragraph(c, FontRole::Body, c.tr("case.err_save"), c.palette.danger, width);
    if (button(c, "case.submit", c.tr("case.submit"), ImVec2(std::min(width, c.metrics.target * 5), 0), ButtonStyle::Primary))
        out.emplace_back(state::CaseReview{});
    endPage(c, scroll);
}

void drawCaseReview(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "review.scroll", scroll);
    const auto& f = s.caseForm;
    drawPageHeader(c, c.tr("case.review_title"), "");
    beginCard(c, width);
    const float inner = width - 2 * c.metrics.gap;
    auto line = [&](const char* label, const std::string& value) {
        if (value.empty()) return;
        paragraph(c, FontRole::Small, c.tr(label), c.palette.textMuted, inner);
        paragraph(c, FontRole::Body, value, c.palette.text, inner);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    };
    line("case.kind", f.kind >= 0 ? c.tr(kKindKeys[f.kind]) : "");
    line("case.related", f.service.id.empty() ? std::string() : pick(c, f.service.name, f.service.nameEn));
    line("case.description", f.description);
    line("case.enterprise", f.enterprise);
    line("case.uscc", f.uscc);
    line("case.contact", f.contact);
    line("case.mobile", validate::maskMobile(validate::checkMobile(f.mobile).normalised));
    line("case.reply", c.tr(f.reply == 0 ? "case.reply_phone" : "case.reply_sms"));
    endCard(c);
    if (f.saveFailed) paragraph(c, FontRole::Body, c.tr("case.err_save"), c.palette.danger, width);
    const float bw = std::min((width - c.metrics.gap) * 0.5f, c.metrics.target * 5);
    if (button(c, "review.edit", c.tr("case.edit"), ImVec2(bw, 0), ButtonStyle::Secondary)) out.emplace_back(state::Back{});
    ImGui::SameLine(0, c.metrics.gap);
    if (button(c, "review.confirm", c.tr("case.confirm"), ImVec2(bw, 0), ButtonStyle::Primary))
        out.emplace_back(state::CaseConfirm{});
    endPage(c, scroll);
}

void drawCaseReceipt(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "receipt.scroll", scroll);
    drawPageHeader(c, c.tr("case.receipt_title"), c.tr("case.receipt_body"));
    beginCard(c, width);
    const float inner = width - 2 * c.metrics.gap;
    paragraph(c, FontRole::Small, c.tr("case.case_no"), c.palette.textMuted, inner);
    paragraph(c, FontRole::Display, s.receipt.caseNo, c.palette.primary, inner);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
    qrCode(c, "receipt.qr", s.receipt.caseNo, 220.0f * c.metrics.scale * (c.metrics.elder ? 1.2f : 1.0f));
    endCard(c);
    const float bw = std::min((width - 2 * c.metrics.gap) / 3.0f, c.metrics.target * 5);
    if (button(c, "receipt.print", c.tr("case.print"), ImVec2(bw, 0), ButtonStyle::Secondary))
        out.emplace_back(state::Print{"receipt", s.receipt.caseNo});
    ImGui::SameLine(0, c.metrics.gap);
    // 好差评 offered right after the case: the rating belongs to this case.
    if (button(c, "receipt.rate", c.tr("rating.rate_case"), ImVec2(bw, 0), ButtonStyle::Secondary)) {
        const auto& sv = s.receipt.service;
        out.emplace_back(state::StartRating{sv.id.empty()
                                                ? state::RatingTarget{"case", s.receipt.caseNo, {}, {}, s.receipt.caseNo}
                                                : state::RatingTarget{"service", sv.id, sv.name, sv.nameEn, s.receipt.caseNo}});
    }
    ImGui::SameLine(0, c.metrics.gap);
    if (button(c, "receipt.done", c.tr("case.done"), ImVec2(bw, 0), ButtonStyle::Primary)) out.emplace_back(state::GoHome{});
    endPage(c, scroll);
}

}  // namespace kiosk::ui
