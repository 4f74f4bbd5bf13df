// 好差评: choose what to rate (a service from the catalog, a window, a
// department), the rating form (five faces, the chosen level's reasons from
// content, a call-back contact for a bad rating) and the thank-you page that
// returns home by itself.
#include "content_common.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiosk::ui {
namespace {

// Level colours, best first: green through amber to red.
constexpr ImU32 kLevelColors[records::kRatingLevels] = {IM_COL32(46, 125, 50, 255), IM_COL32(104, 159, 56, 255),
                                                        IM_COL32(191, 134, 0, 255), IM_COL32(230, 81, 0, 255),
                                                        IM_COL32(198, 40, 40, 255)};

std::string levelLabel(const Ctx& c, int level) { return c.tr(fmt::format("rating.level_{}", level)); }

}  // namespace

std::string ratingTargetName(const Ctx& c, const state::RatingTarget& t) {
    if (t.kind == "case" && t.name.empty()) return c.tr("rating.this_case");
    return pick(c, t.name, t.nameEn);
}

void drawRatingHome(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "rating.scroll", scroll);
    drawPageHeader(c, c.tr("rating.title"), c.tr("rating.intro"));
    RowSpec pickRow{"rating.pick_service", c.tr("rating.pick_service"), c.tr("rating.pick_service_desc")};
    if (listRow(c, pickRow, width)) out.emplace_back(state::PickService{state::PickFor::Rating});
    ImGui::Dummy(ImVec2(0, c.metrics.gap));
    if (!pageNotReady(c, s, width)) {
        if (const auto* d = std::get_if<state::RatingHomeData>(&s.page)) {
            if (!d->windows.empty()) {
                sectionHeader(c, c.tr("rating.windows"), width);
                // Windows grouped by hall, in the order content lists them.
                std::size_t i = 0;
                while (i < d->windows.size()) {
                    const auto& hall = d->windows[i];
                    std::size_t end = i;
                    std::vector<std::string> labels;
                    while (end < d->windows.size() && d->windows[end].hall == hall.hall) {
                        const auto& w = d->windows[end++];
                        labels.push_back(fmt::format("{} {}", w.no, pick(c, w.name, w.nameEn)));
                    }
                    paragraph(c, FontRole::Body, pick(c, hall.hallName, hall.hallNameEn), c.palette.textMuted, width);
                    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.25f));
                    const int t = chipFlow(c, fmt::format("rating.window.{}", i), labels, {}, width);
                    if (t >= 0) {
                        const auto& w = d->windows[i + std::size_t(t)];
                        out.emplace_back(state::StartRating{state::RatingTarget{
                            "window", w.hall + "/" + w.no, fmt::format("{} {}", w.no, w.name),
                            fmt::format("{} {}", w.no, w.nameEn.empty() ? w.name : w.nameEn), {}}});
                    }
                    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));
                    i = end;
                }
            }
            sectionHeader(c, c.tr("rating.departments"), width);
            std::vector<std::string> labels;
            for (const auto& dept : d->departments) labels.push_back(pick(c, dept.name, dept.nameEn));
            const int t = chipFlow(c, "rating.dept", labels, {}, width);
            if (t >= 0) {
                const auto& dept = d->departments[std::size_t(t)];
                out.emplace_back(
                    state::StartRating{state::RatingTarget{"department", dept.id, dept.name, dept.nameEn, {}}});
            }
        }
    }
    endPage(c, scroll);
}

void drawRatingForm(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "ratingform.scroll", scroll);
    auto& f = s.rating;
    drawPageHeader(c, fmt::format(fmt::runtime(c.tr("rating.form_title")), ratingTargetName(c, f.target)), "");
    if (f.previous >= state::kRatingsPerInstance) {
        paragraph(c, FontRole::Body, c.tr("rating.no_more"), c.palette.text, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap));
        if (button(c, "rating.home", c.tr("rating.home"), ImVec2(std::min(width, c.metrics.target * 5), 0), ButtonStyle::Primary))
            out.emplace_back(state::GoHome{});
        return endPage(c, scroll);
    }
    if (pageNotReady(c, s, width)) return endPage(c, scroll);
    const auto* set = std::get_if<content::RatingReasonSet>(&s.page);
    if (!set || set->version.empty()) {
        paragraph(c, FontRole::Body, c.tr("rating.unavailable"), c.palette.danger, width);
        return endPage(c, scroll);
    }
    if (f.previous == 1) {
        paragraph(c, FontRole::Body, c.tr("rating.follow_up"), c.palette.primary, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    }

    paragraph(c, FontRole::Body, c.tr("rating.overall"), c.palette.text, width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    const float gap = c.metrics.gap * 0.5f;
    const float fw = (width - gap * float(records::kRatingLevels - 1)) / float(records::kRatingLevels);
    const ImVec2 faceSize(fw, std::clamp(fw * 0.75f, c.metrics.target * 2.0f, c.metrics.target * 2.6f));
    for (int i = 0; i < records::kRatingLevels; ++i) {
        if (i > 0) ImGui::SameLine(0, gap);
        const std::string id = fmt::format("rating.level.{}", i);
        if (faceButton(c, id.c_str(), i, levelLabel(c, i), f.level == i, faceSize, kLevelColors[i]))
            out.emplace_back(state::RatingSetLevel{i});
    }
    errorLine(c, errorText(c, f.errors, "level"), width);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));

    if (f.level >= 0) {
        const bool bad = records::isBadLevel(f.level);
        paragraph(c, FontRole::Body, c.tr(bad ? "rating.reasons_bad" : "rating.reasons_good"), c.palette.text, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
        const auto& reasons = set->levels[f.level];
        std::vector<std::string> labels;
        std::vector<bool> ticked;
        for (const auto& r : reasons) {
            labels.push_back(pick(c, r.text, r.textEn));
            ticked.push_back(std::find(f.reasons.begin(), f.reasons.end(), r.code) != f.reasons.end());
        }
        if (const int t = chipFlow(c, "rating.reason", labels, ticked, width); t >= 0)
            out.emplace_back(state::RatingToggleReason{reasons[std::size_t(t)].code});
        errorLine(c, errorText(c, f.errors, "reasons"), width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));

        if (bad) {
            beginCard(c, width);
            const float inner = width - 2 * c.metrics.gap;
            if (chip(c, "rating.callback", c.tr("rating.callback"), f.callback)) out.emplace_back(state::RatingToggleCallback{});
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
            if (f.callback) {
                const bool pairs = !c.metrics.portrait;
                const float half = pairs ? (inner - c.metrics.gap) * 0.5f : inner;
                const ImVec2 start = ImGui::GetCursorScreenPos();
                ImGui::BeginGroup();
                textField(c, {"rating.contact", c.tr("case.contact"), c.tr("case.contact_hint"), 200, false, false,
                              errorText(c, f.errors, "contact")},
                          f.contact, half);
                ImGui::EndGroup();
                const float leftBottom = ImGui::GetCursorScreenPos().y;
                if (pairs) ImGui::SetCursorScreenPos(ImVec2(start.x + half + c.metrics.gap, start.y));
                ImGui::BeginGroup();
                textField(c, {"rating.mobile", c.tr("case.mobile"), c.tr("case.mobile_hint"), 20, false, false,
                              errorText(c, f.errors, "mobile"), 1, true},
                          f.mobile, half);
                ImGui::EndGroup();
                ImGui::SetCursorScreenPos(ImVec2(start.x, std::max(leftBottom, ImGui::GetCursorScreenPos().y)));
                ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
                paragraph(c, FontRole::Small, c.tr("rating.callback_note"), c.palette.textMuted, inner);
            } else {
                paragraph(c, FontRole::Small, c.tr("rating.anonymous"), c.palette.textMuted, inner);
            }
            endCard(c);
        } else {
            paragraph(c, FontRole::Small, c.tr("rating.anonymous"), c.palette.textMuted, width);
        }
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
    }
    if (f.saveFailed) paragraph(c, FontRole::Body, c.tr("rating.err_save"), c.palette.danger, width);
    if (button(c, "rating.submit", c.tr("rating.submit"), ImVec2(std::min(width, c.metrics.target * 5), 0), ButtonStyle::Primary))
        out.emplace_back(state::RatingSubmit{});
    endPage(c, scroll);
}

void drawRatingThanks(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "thanks.scroll", scroll);
    const float r = 70.0f * c.metrics.scale * (c.metrics.elder ? 1.2f : 1.0f);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    drawFace(ImGui::GetWindowDrawList(), ImVec2(at.x + width * 0.5f, at.y + r + c.metrics.gap), r, 0, c.palette.success,
             std::max(3.0f, r * 0.08f));
    ImGui::Dummy(ImVec2(width, 2 * r + c.metrics.gap * 2));
    auto centred = [&](FontRole role, const char* key, ImU32 color) {
        const std::string text = c.tr(key);
        const float w = std::min(width, measureText(c, role, text).x);
        ImGui::SetCursorScreenPos(ImVec2(at.x + (width - w) * 0.5f, ImGui::GetCursorScreenPos().y));
        paragraph(c, role, text, color, w + 1.0f);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    };
    centred(FontRole::Title, "rating.thanks_title", c.palette.text);
    centred(FontRole::Body, "rating.thanks_body", c.palette.textMuted);
    if (s.thanksCallback) centred(FontRole::Body, "rating.thanks_callback", c.palette.textMuted);
    centred(FontRole::Small, "rating.thanks_home", c.palette.textMuted);
    ImGui::Dummy(ImVec2(0, c.metrics.gap));
    const float bw = std::min(width, c.metrics.target * 5);
    ImGui::SetCursorScreenPos(ImVec2(at.x + (width - bw) * 0.5f, ImGui::GetCursorScreenPos().y));
    if (button(c, "thanks.home", c.tr("rating.home"), ImVec2(bw, 0), ButtonStyle::Primary)) out.emplace_back(state::GoHome{});
    endPage(c, scroll);
}

}  // namespace kiosk::ui
