// 政策体检: eight large-button questions about the company, each skippable,
// then the support measures it may qualify for with every condition shown as
// met / not met / unknown. The answers live only in the visitor session.
#include "content_common.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiosk::ui {
namespace {

using content::Band;
using content::CompanyProfile;

struct BandOption {
    const char* key;
    Band band;
};

const BandOption kYears[] = {{"check.years_0", {0, 1}},  {"check.years_1", {1, 3}},    {"check.years_3", {3, 5}},
                             {"check.years_5", {5, 10}}, {"check.years_10", {10, 1e9}}};
const BandOption kEmployees[] = {{"check.emp_0", {0, 10}},     {"check.emp_10", {10, 50}},     {"check.emp_50", {50, 300}},
                                 {"check.emp_300", {300, 1000}}, {"check.emp_1000", {1000, 1e9}}};
const BandOption kRevenue[] = {{"check.rev_0", {0, 100}},        {"check.rev_100", {100, 500}}, {"check.rev_500", {500, 2000}},
                               {"check.rev_2000", {2000, 10000}}, {"check.rev_10000", {10000, 1e12}}};
const std::pair<const char*, const char*> kSizes[] = {
    {"大", "check.size_large"}, {"中", "check.size_medium"}, {"小", "check.size_small"}, {"微", "check.size_micro"}};
const char* const kQualifications[] = {"高新技术企业", "专精特新", "科技型中小企业", "小巨人"};

std::string industryLabel(const Ctx& c, const std::string& letter) {
    if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'T') return letter;
    return c.tr(std::string("ind.") + char(letter[0] + 32));
}

// A grid of answer buttons; returns the index pressed or -1.
int options(const Ctx& c, const std::vector<std::string>& labels, int selected, float width, const char* idBase) {
    const int cols = c.metrics.portrait ? 2 : (labels.size() > 6 ? 4 : std::min<int>(int(labels.size()), 3));
    const float w = (width - float(cols - 1) * c.metrics.gap) / float(cols);
    int pressed = -1;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float h = c.metrics.target * 1.2f;
    for (int i = 0; i < int(labels.size()); ++i) {
        ImGui::SetCursorScreenPos(ImVec2(origin.x + float(i % cols) * (w + c.metrics.gap), origin.y + float(i / cols) * (h + c.metrics.gap * 0.6f)));
        const std::string id = fmt::format("{}.{}", idBase, i);
        if (chip(c, id.c_str(), labels[std::size_t(i)], i == selected, w)) pressed = i;
    }
    const int rows = (int(labels.size()) + cols - 1) / cols;
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + float(rows) * (h + c.metrics.gap * 0.6f)));
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
    return pressed;
}

std::string conditionText(const Ctx& c, const content::RuleCondition& cond) {
    auto join = [&](const std::vector<std::string>& values, auto&& label) {
        std::string out;
        for (const auto& v : values) out += (out.empty() ? "" : (c.lang == i18n::Lang::En ? ", " : "、")) + label(v);
        return out;
    };
    const auto f = [&](const char* key, const std::string& arg) { return fmt::format(fmt::runtime(c.tr(key)), arg); };
    if (cond.attr == "industry") return f("check.cond_industry", join(cond.values, [&](const auto& v) { return industryLabel(c, v); }));
    if (cond.attr == "size")
        return f("check.cond_size", join(cond.values, [&](const auto& v) {
                     for (const auto& [zh, key] : kSizes)
                         if (v == zh) return std::string(c.tr(key));
                     return v;
                 }));
    if (cond.attr == "district") return f("check.cond_district", join(cond.values, [](const auto& v) { return v; }));
    if (cond.attr == "years") return f("check.cond_years", cond.value);
    if (cond.attr == "employees") return f("check.cond_employees", cond.value);
    if (cond.attr == "revenue") return f("check.cond_revenue", cond.value);
    if (cond.attr == "qualifications") return f("check.cond_qualification", cond.value);
    if (cond.attr == "credit") return c.tr("check.cond_credit");
    if (cond.attr == "foreign") return c.tr("check.cond_foreign");
    if (cond.attr == "ip") return c.tr("check.cond_ip");
    return cond.attr;
}

void results(const Ctx& c, const state::CheckData& d, const CompanyProfile& p, float width, state::Actions& out) {
    struct Row {
        const content::GuideView* guide;
        content::CheckOutcome outcome;
    };
    std::vector<Row> rows;
    int qualifies = 0, may = 0;
    for (const auto& g : d.guides) {
        auto o = content::evaluate(g.rule, p, g.expired);
        if (o.match == content::Match::DoesNotQualify) continue;
        (o.match == content::Match::Qualifies ? qualifies : may)++;
        rows.push_back({&g, std::move(o)});
    }
    std::stable_partition(rows.begin(), rows.end(),
                          [](const Row& r) { return r.outcome.match == content::Match::Qualifies; });
    drawPageHeader(c, c.tr("check.result_title"), fmt::format(fmt::runtime(c.tr("check.summary")), qualifies, may));
    if (button(c, "check.restart", c.tr("check.restart"), ImVec2(0, 0), ButtonStyle::Secondary))
        out.emplace_back(state::CheckStep{0});
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));
    if (rows.empty()) paragraph(c, FontRole::Body, c.tr("check.no_match"), c.palette.textMuted, width);
    int i = 0;
    for (const auto& r : rows) {
        beginCard(c, width);
        const float inner = width - 2 * c.metrics.gap;
        const bool ok = r.outcome.match == content::Match::Qualifies;
        const ImVec2 bp = ImGui::GetCursorScreenPos();
        float x = bp.x;
        x += badge(c, bp, c.tr(ok ? "check.qualifies" : "check.may_qualify"), ok ? c.palette.success : c.palette.tiles[3],
                   IM_COL32_WHITE) + c.metrics.gap * 0.4f;
        badge(c, ImVec2(x, bp.y), c.tr(modeKey(r.guide->guide.mode)), c.palette.primary, IM_COL32_WHITE);
        ImGui::Dummy(ImVec2(0, c.px(FontRole::Small) * 1.45f + c.metrics.gap * 0.3f));
        paragraph(c, FontRole::Body, r.guide->guide.title, c.palette.text, inner);
        paragraph(c, FontRole::Small, fmt::format("{}《{}》", c.tr("policy.in_document"), r.guide->documentTitle),
                  c.palette.textMuted, inner);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
        for (const auto& cond : r.outcome.conditions) {
            const ImVec2 p0 = ImGui::GetCursorScreenPos();
            const char* key = cond.verdict == content::Verdict::Met      ? "check.met"
                              : cond.verdict == content::Verdict::NotMet ? "check.not_met"
                                                                         : "check.unknown";
            const ImU32 color = cond.verdict == content::Verdict::Met      ? c.palette.success
                                : cond.verdict == content::Verdict::NotMet ? c.palette.danger
                                                                           : c.palette.textMuted;
            const float bw = std::max(badgeWidth(c, c.tr("check.met")), std::max(badgeWidth(c, c.tr("check.not_met")),
                                                                                   badgeWidth(c, c.tr("check.unknown"))));
            const float lineH = c.px(FontRole::Body) * (c.metrics.elder ? 1.5f : 1.4f);
            badge(c, ImVec2(p0.x, p0.y + (lineH - c.px(FontRole::Small) * 1.45f) * 0.5f), c.tr(key), color, IM_COL32_WHITE);
            ImGui::SetCursorScreenPos(ImVec2(p0.x + bw + c.metrics.gap * 0.5f, p0.y));
            paragraph(c, FontRole::Body, conditionText(c, cond.condition), c.palette.text, inner - bw - c.metrics.gap * 0.5f);
            ImGui::SetCursorScreenPos(ImVec2(p0.x, ImGui::GetCursorScreenPos().y));
        }
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
        const std::string id = fmt::format("check.open.{}", i++);
        if (button(c, id.c_str(), c.tr("policy.guide"), ImVec2(0, 0), ButtonStyle::Secondary))
            out.emplace_back(state::Navigate{state::ScreenId::MeasureDetail,
                                             r.guide->guide.document + "#" + r.guide->guide.measurePath, r.guide->guide.title});
        endCard(c);
    }
}

}  // namespace

void drawPolicyCheck(const Ctx& c, state::VisitorSession& s, state::Actions& out) {
    auto& scroll = s.nav.back().scroll;
    const float width = beginPage(c, "check.scroll", scroll);
    const auto* d = std::get_if<state::CheckData>(&s.page);
    if (!d) {
        pageNotReady(c, s, width);
        endPage(c, scroll);
        return;
    }
    const int step = s.check.step;
    CompanyProfile p = s.check.profile;
    if (step >= state::kCheckQuestions) {
        results(c, *d, p, width, out);
        endPage(c, scroll);
        return;
    }
    if (step == 0) {
        paragraph(c, FontRole::Body, c.tr("check.intro"), c.palette.textMuted, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
    }
    paragraph(c, FontRole::Small, fmt::format(fmt::runtime(c.tr("check.step")), step + 1, state::kCheckQuestions),
              c.palette.primary, width);
    // Progress bar.
    const ImVec2 bar = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(bar, ImVec2(bar.x + width, bar.y + 8.0f * c.metrics.scale), c.palette.border, 4.0f * c.metrics.scale);
    dl->AddRectFilled(bar, ImVec2(bar.x + width * float(step + 1) / float(state::kCheckQuestions), bar.y + 8.0f * c.metrics.scale),
                      c.palette.primary, 4.0f * c.metrics.scale);
    ImGui::Dummy(ImVec2(0, 8.0f * c.metrics.scale + c.metrics.gap * 0.6f));

    auto answer = [&](CompanyProfile next, bool advance = true) {
        out.emplace_back(state::CheckAnswered{std::move(next), advance});
    };
    auto bandQuestion = [&](const char* q, const auto& opts, std::optional<Band>& field) {
        paragraph(c, FontRole::Title, c.tr(q), c.palette.text, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
        std::vector<std::string> labels;
        int selected = -1;
        for (std::size_t i = 0; i < std::size(opts); ++i) {
            labels.emplace_back(c.tr(opts[i].key));
            if (field && field->lo == opts[i].band.lo) selected = int(i);
        }
        if (int i = options(c, labels, selected, width, "check.option"); i >= 0) {
            field = opts[std::size_t(i)].band;
            answer(p);
        }
    };
    switch (step) {
        case 0: {
            paragraph(c, FontRole::Title, c.tr("check.q_industry"), c.palette.text, width);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            std::vector<std::string> labels;
            int selected = -1;
            for (char l = 'A'; l <= 'T'; ++l) {
                labels.push_back(industryLabel(c, std::string(1, l)));
                if (p.industry == std::string(1, l)) selected = l - 'A';
            }
            if (int i = options(c, labels, selected, width, "check.option"); i >= 0) {
                p.industry = std::string(1, char('A' + i));
                answer(p);
            }
            break;
        }
        case 1: {
            paragraph(c, FontRole::Title, c.tr("check.q_size"), c.palette.text, width);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            std::vector<std::string> labels;
            int selected = -1;
            for (std::size_t i = 0; i < std::size(kSizes); ++i) {
                labels.emplace_back(c.tr(kSizes[i].second));
                if (p.size == kSizes[i].first) selected = int(i);
            }
            if (int i = options(c, labels, selected, width, "check.option"); i >= 0) {
                p.size = kSizes[std::size_t(i)].first;
                answer(p);
            }
            break;
        }
        case 2: {
            paragraph(c, FontRole::Title, c.tr("check.q_district"), c.palette.text, width);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            std::vector<std::string> labels = d->districts;
            labels.emplace_back(c.tr("check.other_district"));
            int selected = -1;
            for (std::size_t i = 0; i < d->districts.size(); ++i)
                if (p.district == d->districts[i]) selected = int(i);
            if (p.district && selected < 0) selected = int(d->districts.size());
            if (int i = options(c, labels, selected, width, "check.option"); i >= 0) {
                p.district = std::size_t(i) < d->districts.size() ? d->districts[std::size_t(i)] : std::string("(other)");
                answer(p);
            }
            break;
        }
        case 3: bandQuestion("check.q_years", kYears, p.years); break;
        case 4: bandQuestion("check.q_employees", kEmployees, p.employees); break;
        case 5: bandQuestion("check.q_revenue", kRevenue, p.revenue); break;
        case 6: {
            paragraph(c, FontRole::Title, c.tr("check.q_features"), c.palette.text, width);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            std::vector<std::string> labels(std::begin(kQualifications), std::end(kQualifications));
            labels.emplace_back(c.tr("check.feature_foreign"));
            labels.emplace_back(c.tr("check.feature_ip"));
            const auto quals = p.qualifications.value_or(std::set<std::string>{});
            const int cols = c.metrics.portrait ? 2 : 3;
            const float w = (width - float(cols - 1) * c.metrics.gap) / float(cols);
            const ImVec2 origin = ImGui::GetCursorScreenPos();
            const float h = c.metrics.target * 1.2f;
            for (int i = 0; i < int(labels.size()); ++i) {
                const bool on = i < 4 ? quals.contains(kQualifications[i]) : (i == 4 ? p.foreign.value_or(false) : p.ip.value_or(false));
                ImGui::SetCursorScreenPos(ImVec2(origin.x + float(i % cols) * (w + c.metrics.gap), origin.y + float(i / cols) * (h + c.metrics.gap * 0.6f)));
                const std::string id = fmt::format("check.feature.{}", i);
                if (chip(c, id.c_str(), labels[std::size_t(i)], on, w)) {
                    auto q = quals;
                    if (i < 4) {
                        if (on) q.erase(kQualifications[i]);
                        else q.insert(kQualifications[i]);
                        p.qualifications = q;
                    } else if (i == 4) {
                        p.foreign = !on;
                    } else {
                        p.ip = !on;
                    }
                    answer(p, false);
                }
            }
            const int rows = (int(labels.size()) + cols - 1) / cols;
            ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + float(rows) * (h + c.metrics.gap * 0.6f)));
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
            if (button(c, "check.features_done", c.tr("check.done"), ImVec2(width * 0.5f, 0), ButtonStyle::Primary)) {
                // Answering means everything not selected is known to be absent.
                if (!p.qualifications) p.qualifications = std::set<std::string>{};
                if (!p.foreign) p.foreign = false;
                if (!p.ip) p.ip = false;
                answer(p);
            }
            break;
        }
        case 7: {
            paragraph(c, FontRole::Title, c.tr("check.q_credit"), c.palette.text, width);
            ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.5f));
            const int selected = !p.credit ? -1 : (*p.credit == "失信" ? 1 : 0);
            if (int i = options(c, {c.tr("check.credit_good"), c.tr("check.credit_bad")}, selected, width, "check.option");
                i >= 0) {
                p.credit = i == 0 ? "良好" : "失信";
                answer(p);
            }
            break;
        }
        default: break;
    }
    ImGui::Dummy(ImVec2(0, c.metrics.gap));
    if (step > 0) {
        if (button(c, "check.prev", c.tr("check.prev"), ImVec2(0, 0), ButtonStyle::Secondary))
            out.emplace_back(state::CheckStep{step - 1});
        ImGui::SameLine(0, c.metrics.gap);
    }
    if (button(c, "check.skip", c.tr(step + 1 == state::kCheckQuestions ? "check.results" : "check.skip"), ImVec2(0, 0),
               ButtonStyle::Secondary))
        out.emplace_back(state::CheckStep{step + 1});
    endPage(c, scroll);
}

}  // namespace kiosk::ui
