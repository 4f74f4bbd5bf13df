// Shared pieces of the content screens.
#include "content_common.h"

#include "base/utf8.h"

#include <fmt/format.h>

namespace kiosk::ui {

std::string utf8Prefix(const std::string& text, std::size_t maxChars) {
    std::size_t i = 0, n = 0;
    for (; i < text.size() && n < maxChars; ++n) (void)decodeUtf8(text, i);
    return i >= text.size() ? text : text.substr(0, i) + "…";
}

std::string timeLimitText(const Ctx& c, const content::TimeLimit& t) { return timeLimitText(c.lang, t); }

std::string labelled(const Ctx& c, std::string_view label, std::string_view value) {
    return labelled(c.lang, label, value);
}

std::string serviceCount(const Ctx& c, int n) {
    return fmt::format(fmt::runtime(c.tr(n == 1 ? i18n::Key{"guide.count_one"}.id : i18n::Key{"guide.count"}.id)), n);
}

std::string joinNames(const Ctx& c, const std::vector<std::string>& zh, const std::vector<std::string>& en) {
    static const std::string none;
    std::string out;
    for (std::size_t k = 0; k < zh.size(); ++k)
        out += (out.empty() ? "" : c.lang == i18n::Lang::En ? "; " : "、") + pick(c, zh[k], k < en.size() ? en[k] : none);
    return out;
}

std::string scopeLabel(const Ctx& c, const std::string& scope) {
    if (scope == "全国") return c.tr("scope.country");
    if (scope == "跨省") return c.tr("scope.province");
    if (scope == "跨市") return c.tr("scope.city");
    if (scope == "跨区") return c.tr("scope.district");
    return scope;
}

const char* visitsKey(int visits) {
    return visits <= 0 ? i18n::Key{"guide.visits_0"}.id : visits == 1 ? i18n::Key{"guide.visits_1"}.id
                                                                     : i18n::Key{"guide.visits_2"}.id;
}

const char* tagKey(const std::string& tag) {
    if (tag == "高频") return i18n::Key{"tag.high_frequency"}.id;
    if (tag == "一件事") return i18n::Key{"tag.bundle"}.id;
    if (tag == "告知承诺制") return i18n::Key{"tag.commitment"}.id;
    if (tag == "容缺受理") return i18n::Key{"tag.tolerance"}.id;
    if (tag == "秒批") return i18n::Key{"tag.instant"}.id;
    if (tag == "好办") return i18n::Key{"tag.easy"}.id;
    if (tag == "快办") return i18n::Key{"tag.fast"}.id;
    if (tag == "跨省通办") return i18n::Key{"tag.cross_province"}.id;
    return nullptr;
}

ImU32 tagColor(const Ctx& c, const std::string& tag) {
    if (tag == "高频") return c.palette.danger;
    if (tag == "一件事") return c.palette.tiles[4];
    if (tag == "告知承诺制" || tag == "容缺受理") return c.palette.tiles[1];
    return c.palette.success;
}

const char* themeKey(const std::string& theme) {
    static const std::pair<const char*, const char*> kThemes[] = {
        {"企业开办", i18n::Key{"theme.start"}.id},       {"经营许可", i18n::Key{"theme.license"}.id},
        {"变更", i18n::Key{"theme.change"}.id},          {"工程建设", i18n::Key{"theme.construction"}.id},
        {"纳税缴费", i18n::Key{"theme.tax"}.id},         {"社保与用工", i18n::Key{"theme.social"}.id},
        {"人才服务", i18n::Key{"theme.talent"}.id},      {"融资与金融", i18n::Key{"theme.finance"}.id},
        {"知识产权", i18n::Key{"theme.ip"}.id},          {"涉外服务", i18n::Key{"theme.foreign"}.id},
        {"纠纷解决", i18n::Key{"theme.disputes"}.id},    {"注销与破产", i18n::Key{"theme.closure"}.id}};
    for (const auto& [name, key] : kThemes)
        if (theme == name) return key;
    return nullptr;
}

std::string themeLabel(const Ctx& c, const std::string& theme) {
    const char* key = themeKey(theme);
    return key ? c.tr(key) : theme;
}

const char* modeKey(content::RedemptionMode m) {
    switch (m) {
        case content::RedemptionMode::NoApplication: return i18n::Key{"mode.no_application"}.id;
        case content::RedemptionMode::Quick: return i18n::Key{"mode.quick"}.id;
        case content::RedemptionMode::Normal: break;
    }
    return i18n::Key{"mode.normal"}.id;
}

float beginPage(const Ctx& c, const char* id, state::ScrollState& scroll) {
    ImGui::SetCursorScreenPos(contentMin(c));
    beginScroll(c, id, scroll, contentSize(c));
    ImGui::Dummy(ImVec2(0, c.metrics.pad * 0.7f));
    ImGui::Indent(c.metrics.pad);
    return contentSize(c).x - 2 * c.metrics.pad;
}

void endPage(const Ctx& c, state::ScrollState& scroll) {
    ImGui::Dummy(ImVec2(0, c.metrics.pad));
    ImGui::Unindent(c.metrics.pad);
    endScroll(c, scroll);
}

std::string errorText(const Ctx& c, const std::map<std::string, state::FieldError>& errors, const char* field) {
    auto it = errors.find(field);
    if (it == errors.end()) return {};
    return c.lang == i18n::Lang::En ? it->second.en : it->second.zh;
}

void errorLine(const Ctx& c, const std::string& text, float width) {
    if (text.empty()) return;
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.15f));
    paragraph(c, FontRole::Small, text, c.palette.danger, width);
}

int chipFlow(const Ctx& c, std::string_view idPrefix, const std::vector<std::string>& labels,
             const std::vector<bool>& selected, float width) {
    int tapped = -1;
    const float gap = c.metrics.gap * 0.5f;
    const float left = ImGui::GetCursorScreenPos().x;
    float x = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const float w = std::min(width, measureText(c, FontRole::Body, labels[i]).x + 2 * c.metrics.gap);
        if (i > 0 && x + gap + w <= width) {
            ImGui::SameLine(0, gap);
            x += gap;
        } else if (i > 0) {
            ImGui::Dummy(ImVec2(0, gap * 0.6f));
            ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y));
            x = 0;
        }
        const std::string id = fmt::format("{}.{}", idPrefix, i);
        if (chip(c, id.c_str(), labels[i], i < selected.size() && selected[i], w)) tapped = int(i);
        x += w;
    }
    return tapped;
}

bool pageNotReady(const Ctx& c, const state::VisitorSession& s, float width) {
    if (!s.pageErrorKey.empty()) {
        paragraph(c, FontRole::Body, c.tr(s.pageErrorKey), c.palette.danger, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap));
        return true;
    }
    if (std::holds_alternative<std::monostate>(s.page)) {
        paragraph(c, FontRole::Body, c.tr("content.loading"), c.palette.textMuted, width);
        return true;
    }
    return false;
}

}  // namespace kiosk::ui
