// Touch widgets drawn with ImDrawList over ImGui's interaction logic.
#include "kit.h"

#include <imgui_internal.h>
#include <imgui_stdlib.h>
#include <fmt/format.h>
#include <qrencode.h>

#include "base/utf8.h"
#include "keyboard.h"
#include "content/content_views.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <map>
#include <utility>

namespace kiosk::ui {
namespace {

std::map<std::string, WidgetRect, std::less<>>& registry() {
    static std::map<std::string, WidgetRect, std::less<>> r;
    return r;
}
bool g_animate = false;
state::ScrollState* g_currentScroll = nullptr;  // the scroll area being drawn (fields scroll into view)

ImU32 darker(ImU32 c, float k) {
    ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
    return ImGui::GetColorU32(ImVec4(v.x * k, v.y * k, v.z * k, v.w));
}

float lineHeight(const Ctx& c, FontRole role) { return std::round(c.px(role) * (c.metrics.elder ? 1.5f : 1.4f)); }

// Splits `text` into lines that fit `width` (explicit '\n' respected).
std::vector<std::string_view> wrapLines(const Ctx& c, FontRole role, std::string_view text, float width) {
    std::vector<std::string_view> lines;
    ImFont* f = c.font(role);
    const float size = c.px(role);
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p < end) {
        const char* nl = std::find(p, end, '\n');
        const char* s = p;
        while (s < nl) {
            const char* brk = f->CalcWordWrapPositionA(size / f->FontSize, s, nl, width);
            if (brk == s) brk = s + 1;  // always progress
            // Keep closing punctuation off the start of the next line (kinsoku).
            std::string_view rest(brk, std::size_t(nl - brk));
            if (!rest.empty()) {
                std::string_view probe = rest;
                const std::uint32_t cp = nextCodepoint(probe);
                static constexpr std::u32string_view kNoStart = U"，。、；：？！）》」』】〕”’…%,.;:?!)";
                if (kNoStart.find(char32_t(cp)) != std::u32string_view::npos) brk = probe.data();
            }
            std::string_view line(s, std::size_t(brk - s));
            while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
            lines.push_back(line);
            s = brk;
            while (s < nl && *s == ' ') ++s;
        }
        if (nl == s && (nl == p)) lines.push_back({});  // empty line
        p = nl < end ? nl + 1 : end;
    }
    return lines;
}

}  // namespace

// --- registry --------------------------------------------------------------
void registryBeginFrame() {
    registry().clear();
    clearFocusedField();
}

void registryRecord(std::string_view id, ImVec2 min, ImVec2 max) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec4 clip = dl->_ClipRectStack.Size ? dl->_ClipRectStack.back() : ImVec4(min.x, min.y, max.x, max.y);
    WidgetRect r{ImVec2(std::max(min.x, clip.x), std::max(min.y, clip.y)),
                 ImVec2(std::min(max.x, clip.z), std::min(max.y, clip.w))};
    if (r.max.x - r.min.x < 2 || r.max.y - r.min.y < 2) return;  // not visible
    registry().insert_or_assign(std::string(id), r);
}

void registryRecordAbsolute(std::string_view id, ImVec2 min, ImVec2 max) {
    registry().insert_or_assign(std::string(id), WidgetRect{min, max});
}

std::optional<WidgetRect> registryFind(std::string_view id) {
    auto& r = registry();
    if (auto it = r.find(id); it != r.end()) return it->second;
    return std::nullopt;
}

std::vector<std::string> registryIds() {
    std::vector<std::string> out;
    for (const auto& [k, v] : registry()) out.push_back(k);
    return out;
}

void requestAnimationFrame() { g_animate = true; }
bool takeAnimationRequest() { return std::exchange(g_animate, false); }
float frameSeconds() { return std::clamp(ImGui::GetIO().DeltaTime, 0.001f, 0.1f); }

// --- text ------------------------------------------------------------------
float measureParagraph(const Ctx& c, FontRole role, std::string_view text, float width) {
    return float(wrapLines(c, role, text, width).size()) * lineHeight(c, role);
}

float paragraph(const Ctx& c, FontRole role, std::string_view text, ImU32 color, float width) {
    c.fonts.check(text, role);
    const auto lines = wrapLines(c, role, text, width);
    const float lh = lineHeight(c, role);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float inset = std::round((lh - c.px(role)) * 0.5f);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const ImVec2 pos(origin.x, origin.y + float(i) * lh + inset);
        dl->AddText(c.font(role), c.px(role), pos, color, lines[i].data(), lines[i].data() + lines[i].size());
    }
    const float h = float(lines.size()) * lh;
    ImGui::Dummy(ImVec2(width, h));
    return h;
}

ImVec2 measureText(const Ctx& c, FontRole role, std::string_view text) {
    return c.font(role)->CalcTextSizeA(c.px(role), FLT_MAX, 0.0f, text.data(), text.data() + text.size());
}

void textAt(const Ctx& c, FontRole role, ImVec2 pos, ImU32 color, std::string_view text) {
    c.fonts.check(text, role);
    ImGui::GetWindowDrawList()->AddText(c.font(role), c.px(role), ImVec2(std::round(pos.x), std::round(pos.y)), color,
                                        text.data(), text.data() + text.size());
}

void textCentered(const Ctx& c, FontRole role, ImVec2 min, ImVec2 max, ImU32 color, std::string_view text) {
    const ImVec2 sz = measureText(c, role, text);
    textAt(c, role, ImVec2(min.x + (max.x - min.x - sz.x) * 0.5f, min.y + (max.y - min.y - sz.y) * 0.5f), color, text);
}

// --- buttons ---------------------------------------------------------------
namespace {
// A touch target of `size` at the cursor, recorded for scripted touches:
// where it is, and whether it was pressed (released on it) or is held now.
struct TouchBox {
    ImVec2 pos, max;
    bool pressed, held;
};
TouchBox touchBox(const char* id, ImVec2 size) {
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const bool pressed = ImGui::InvisibleButton(id, size);
    const bool held = ImGui::IsItemActive();
    const ImVec2 max(pos.x + size.x, pos.y + size.y);
    registryRecord(id, pos, max);
    return {pos, max, pressed, held};
}
}  // namespace

bool button(const Ctx& c, const char* id, std::string_view label, ImVec2 size, ButtonStyle style) {
    size.y = std::max(size.y, c.metrics.target);
    if (size.x <= 0) size.x = measureText(c, FontRole::Body, label).x + 2 * c.metrics.gap + c.metrics.pad;
    size.x = std::max(size.x, c.metrics.target);
    const auto [pos, max, pressed, held] = touchBox(id, size);
    ImU32 bg = c.palette.primary, fg = c.palette.primaryText, border = 0;
    switch (style) {
        case ButtonStyle::Primary: break;
        case ButtonStyle::Secondary: bg = c.palette.surface; fg = c.palette.primary; border = c.palette.primary; break;
        case ButtonStyle::Danger: bg = c.palette.danger; break;
        case ButtonStyle::OnPrimary: bg = darker(c.palette.primary, 0.78f); fg = c.palette.primaryText; border = IM_COL32(255, 255, 255, 90); break;
    }
    if (held) bg = darker(bg, 0.82f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, max, bg, c.metrics.radius * 0.6f);
    if (border) dl->AddRect(pos, max, border, c.metrics.radius * 0.6f, 0, c.metrics.elder ? 3.0f : 2.0f);
    textCentered(c, FontRole::Body, pos, max, fg, label);
    return pressed;
}

void drawIcon(ImDrawList* dl, Icon icon, ImVec2 o, float s, ImU32 col, float t) {
    const float h = s * 0.5f;
    auto P = [&](float x, float y) { return ImVec2(o.x + x * h, o.y + y * h); };
    switch (icon) {
        case Icon::Guide:  // a document with lines
            dl->AddRect(P(-0.7f, -0.9f), P(0.7f, 0.9f), col, s * 0.06f, 0, t);
            for (float y : {-0.45f, -0.05f, 0.35f}) dl->AddLine(P(-0.4f, y), P(0.4f, y), col, t);
            break;
        case Icon::Policy:  // a seal: circle with a star-like cross
            dl->AddCircle(o, h * 0.85f, col, 40, t);
            dl->AddNgonFilled(o, h * 0.38f, col, 5);
            break;
        case Icon::Check:  // clipboard with a tick
            dl->AddRect(P(-0.7f, -0.8f), P(0.7f, 0.95f), col, s * 0.06f, 0, t);
            dl->AddRectFilled(P(-0.3f, -0.98f), P(0.3f, -0.68f), col, s * 0.03f);
            dl->AddPolyline(std::array{P(-0.38f, 0.12f), P(-0.08f, 0.45f), P(0.42f, -0.25f)}.data(), 3, col, 0, t * 1.3f);
            break;
        case Icon::Feedback: {  // speech bubble
            dl->AddRect(P(-0.9f, -0.75f), P(0.9f, 0.45f), col, s * 0.12f, 0, t);
            dl->AddTriangleFilled(P(-0.45f, 0.42f), P(-0.05f, 0.42f), P(-0.55f, 0.9f), col);
            for (float x : {-0.45f, 0.0f, 0.45f}) dl->AddCircleFilled(P(x, -0.15f), t * 1.1f, col);
            break;
        }
        case Icon::Rating: {  // star
            ImVec2 pts[10];
            for (int i = 0; i < 10; ++i) {
                const float a = -IM_PI / 2 + float(i) * IM_PI / 5;
                const float r = (i % 2 == 0) ? 0.95f : 0.42f;
                pts[i] = P(std::cos(a) * r, std::sin(a) * r + 0.05f);
            }
            dl->AddPolyline(pts, 10, col, ImDrawFlags_Closed, t);
            break;
        }
        case Icon::Lookup:  // magnifier
            dl->AddCircle(P(-0.15f, -0.15f), h * 0.58f, col, 40, t);
            dl->AddLine(P(0.27f, 0.27f), P(0.85f, 0.85f), col, t * 1.6f);
            break;
        case Icon::Home:
            dl->AddPolyline(std::array{P(-0.85f, 0.0f), P(0.0f, -0.8f), P(0.85f, 0.0f)}.data(), 3, col, 0, t);
            dl->AddPolyline(std::array{P(-0.6f, -0.2f), P(-0.6f, 0.8f), P(0.6f, 0.8f), P(0.6f, -0.2f)}.data(), 4, col, 0, t);
            break;
        case Icon::Back:
            dl->AddPolyline(std::array{P(0.35f, -0.75f), P(-0.4f, 0.0f), P(0.35f, 0.75f)}.data(), 3, col, 0, t * 1.2f);
            break;
    }
}

namespace {
float tileIconSize(const Ctx& c, float tileH) {
    return std::min(tileH * 0.34f, 96.0f * c.metrics.scale * (c.metrics.elder ? 1.2f : 1.0f));
}
}  // namespace

void drawFace(ImDrawList* dl, ImVec2 o, float r, int level, ImU32 col, float t) {
    dl->AddCircle(o, r, col, 48, t);
    const float eyeY = o.y - r * 0.25f, eyeX = r * 0.36f, eyeR = std::max(t * 0.9f, r * 0.1f);
    dl->AddCircleFilled(ImVec2(o.x - eyeX, eyeY), eyeR, col);
    dl->AddCircleFilled(ImVec2(o.x + eyeX, eyeY), eyeR, col);
    // Mouth: a curve bending up (smile) or down (frown) by level.
    static constexpr float kBend[] = {0.55f, 0.3f, 0.0f, -0.3f, -0.5f};
    const float bend = kBend[std::clamp(level, 0, 4)] * r;
    const float y = o.y + r * (bend >= 0 ? 0.28f : 0.5f), w = r * 0.48f;
    const ImVec2 a(o.x - w, y), b(o.x + w, y);
    dl->AddBezierCubic(a, ImVec2(o.x - w * 0.45f, y + bend), ImVec2(o.x + w * 0.45f, y + bend), b, col, t * 1.2f, 24);
}


bool faceButton(const Ctx& c, const char* id, int level, std::string_view label, bool selected, ImVec2 size,
                ImU32 color) {
    const auto [pos, max, pressed, held] = touchBox(id, size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImU32 bg = selected ? color : c.palette.surface;
    if (held) bg = darker(bg, 0.88f);
    dl->AddRectFilled(pos, max, bg, c.metrics.radius);
    dl->AddRect(pos, max, selected ? color : c.palette.border, c.metrics.radius, 0, selected ? 4.0f : (c.metrics.elder ? 3.0f : 2.0f));
    const ImU32 fg = selected ? IM_COL32_WHITE : color;
    const float labelH = lineHeight(c, FontRole::Body);
    const float radius = std::min(size.x * 0.3f, (size.y - labelH - c.metrics.gap) * 0.38f);
    const ImVec2 centre(pos.x + size.x * 0.5f, pos.y + c.metrics.gap * 0.5f + radius * 1.1f);
    drawFace(dl, centre, radius, level, fg, std::max(2.0f, radius * 0.09f));
    textCentered(c, FontRole::Body, ImVec2(pos.x, max.y - labelH - c.metrics.gap * 0.5f), ImVec2(max.x, max.y - c.metrics.gap * 0.5f),
                 selected ? IM_COL32_WHITE : c.palette.text, label);
    return pressed;
}

float tileMinHeight(const Ctx& c, std::string_view desc, float width) {
    const float inner = c.metrics.pad * 0.8f;
    const float icon = 96.0f * c.metrics.scale * (c.metrics.elder ? 1.2f : 1.0f);
    return 2 * inner + icon * 1.24f + c.metrics.gap * 0.5f + c.px(FontRole::Title) * 1.3f +
           measureParagraph(c, FontRole::Small, desc, width - 2 * inner);
}

bool tile(const Ctx& c, const char* id, Icon icon, std::string_view title, std::string_view desc, ImVec2 size,
          ImU32 color) {
    const auto [pos, max, pressed, held] = touchBox(id, size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, max, held ? darker(color, 0.82f) : color, c.metrics.radius);
    const float inner = c.metrics.pad * 0.8f;
    const float iconSize = tileIconSize(c, size.y);
    const ImVec2 iconCenter(pos.x + inner + iconSize * 0.5f, pos.y + inner + iconSize * 0.5f);
    dl->AddCircleFilled(iconCenter, iconSize * 0.62f, IM_COL32(255, 255, 255, 40), 48);
    drawIcon(dl, icon, iconCenter, iconSize * 0.62f, IM_COL32(255, 255, 255, 255), std::max(2.0f, 4.0f * c.metrics.scale));
    // Title under the icon, description under the title: titles line up
    // across a row whatever the length of the descriptions.
    const float textW = size.x - 2 * inner;
    const float titleY = pos.y + inner + iconSize * 1.24f + c.metrics.gap * 0.5f;
    textAt(c, FontRole::Title, ImVec2(pos.x + inner, titleY), IM_COL32(255, 255, 255, 255), title);
    ImGui::SetCursorScreenPos(ImVec2(pos.x + inner, titleY + c.px(FontRole::Title) * 1.3f));
    paragraph(c, FontRole::Small, desc, IM_COL32(255, 255, 255, 235), textW);
    ImGui::SetCursorScreenPos(ImVec2(pos.x, max.y));
    return pressed;
}

// --- content building blocks ---------------------------------------------------
void sectionHeader(const Ctx& c, std::string_view title, float width) {
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));
    const ImVec2 p = ImGui::GetCursorScreenPos();
    paragraph(c, FontRole::Title, title, c.palette.text, width);
    const float y = ImGui::GetCursorScreenPos().y + 2.0f * c.metrics.scale;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + std::min(width, 96.0f * c.metrics.scale), y + 4.0f * c.metrics.scale),
                                              c.palette.primary, 2.0f * c.metrics.scale);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));
}

float badgeWidth(const Ctx& c, std::string_view text) {
    return measureText(c, FontRole::Small, text).x + c.metrics.gap;
}

float badge(const Ctx& c, ImVec2 pos, std::string_view text, ImU32 bg, ImU32 fg) {
    const float w = badgeWidth(c, text);
    const float h = c.px(FontRole::Small) * 1.45f;
    ImGui::GetWindowDrawList()->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), bg, h * 0.25f);
    textAt(c, FontRole::Small, ImVec2(pos.x + c.metrics.gap * 0.5f, pos.y + (h - c.px(FontRole::Small)) * 0.5f - 1.0f), fg, text);
    return w;
}

namespace {
struct Marked {
    std::string plain;
    std::vector<std::pair<std::size_t, std::size_t>> ranges;  // byte ranges in `plain`
};
Marked splitMarks(std::string_view text) {
    Marked m;
    std::size_t open = std::string::npos;
    for (char ch : text) {
        if (ch == content::kMarkOpen) open = m.plain.size();
        else if (ch == content::kMarkClose) {
            if (open != std::string::npos) m.ranges.emplace_back(open, m.plain.size());
            open = std::string::npos;
        } else m.plain += ch;
    }
    return m;
}
}  // namespace

float markedParagraph(const Ctx& c, FontRole role, std::string_view text, ImU32 color, float width) {
    const Marked m = splitMarks(text);
    if (m.ranges.empty()) return paragraph(c, role, m.plain, color, width);
    c.fonts.check(m.plain, role);
    const auto lines = wrapLines(c, role, m.plain, width);
    const float lh = lineHeight(c, role);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float inset = std::round((lh - c.px(role)) * 0.5f);
    ImFont* f = c.font(role);
    const float px = c.px(role);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const ImVec2 pos(origin.x, origin.y + float(i) * lh + inset);
        const std::size_t lineStart = std::size_t(lines[i].data() - m.plain.data());
        const std::size_t lineEnd = lineStart + lines[i].size();
        for (const auto& [a, b] : m.ranges) {
            const std::size_t s0 = std::max(a, lineStart), s1 = std::min(b, lineEnd);
            if (s0 >= s1) continue;
            const char* base = m.plain.data();
            const float x0 = f->CalcTextSizeA(px, FLT_MAX, 0, base + lineStart, base + s0).x;
            const float x1 = f->CalcTextSizeA(px, FLT_MAX, 0, base + lineStart, base + s1).x;
            dl->AddRectFilled(ImVec2(pos.x + x0 - 1, pos.y - 2), ImVec2(pos.x + x1 + 1, pos.y + px + 2),
                              IM_COL32(0xFF, 0xE0, 0x82, 0xFF), 3.0f);
        }
        dl->AddText(f, px, pos, color, lines[i].data(), lines[i].data() + lines[i].size());
    }
    const float h = float(lines.size()) * lh;
    ImGui::Dummy(ImVec2(width, h));
    return h;
}

namespace {
ImDrawListSplitter g_cardSplit;
ImVec2 g_cardStart;
float g_cardWidth = 0;
}  // namespace

void beginCard(const Ctx& c, float width) {
    g_cardSplit.Split(ImGui::GetWindowDrawList(), 2);
    g_cardSplit.SetCurrentChannel(ImGui::GetWindowDrawList(), 1);
    g_cardStart = ImGui::GetCursorScreenPos();
    g_cardWidth = width;
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.8f));
    ImGui::Indent(c.metrics.gap);
}

void endCard(const Ctx& c) {
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.8f));
    ImGui::Unindent(c.metrics.gap);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    g_cardSplit.SetCurrentChannel(dl, 0);
    const ImVec2 end(g_cardStart.x + g_cardWidth, ImGui::GetCursorScreenPos().y);
    dl->AddRectFilled(g_cardStart, end, c.palette.surface, c.metrics.radius);
    dl->AddRect(g_cardStart, end, c.palette.border, c.metrics.radius, 0, c.metrics.elder ? 2.0f : 1.0f);
    g_cardSplit.Merge(dl);
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.6f));
}

bool listRow(const Ctx& c, const RowSpec& row, float width) {
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float pad = c.metrics.gap * 0.9f;
    float badgesW = 0;
    for (const auto& b : row.badges) badgesW += badgeWidth(c, b.first) + c.metrics.gap * 0.4f;
    const float chevron = c.px(FontRole::Body);
    const float textW = width - 2 * pad - chevron - (badgesW > 0 ? std::min(badgesW, width * 0.4f) + c.metrics.gap : 0);
    const float kindW = row.kind.empty() ? 0 : badgeWidth(c, row.kind) + c.metrics.gap * 0.4f;
    const float titleH = measureParagraph(c, FontRole::Body, row.title, textW - kindW);
    const float subH = row.subtitle.empty() ? 0 : measureParagraph(c, FontRole::Small, row.subtitle, textW) + c.metrics.gap * 0.2f;
    const float h = std::max(c.metrics.target, titleH + subH + 2 * pad * 0.8f);
    const bool pressed = ImGui::InvisibleButton(row.id, ImVec2(width, h));
    const bool held = ImGui::IsItemActive();
    registryRecord(row.id, pos, ImVec2(pos.x + width, pos.y + h));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + h), held ? darker(c.palette.surface, 0.92f) : c.palette.surface, c.metrics.radius * 0.7f);
    dl->AddRect(pos, ImVec2(pos.x + width, pos.y + h), c.palette.border, c.metrics.radius * 0.7f, 0, c.metrics.elder ? 2.0f : 1.0f);
    const ImU32 fg = row.dimmed ? c.palette.textMuted : c.palette.text;
    float y = pos.y + (h - titleH - subH) * 0.5f;
    if (!row.kind.empty())
        badge(c, ImVec2(pos.x + pad, y + (lineHeight(c, FontRole::Body) - c.px(FontRole::Small) * 1.45f) * 0.5f), row.kind,
              row.dimmed ? c.palette.border : darker(c.palette.primary, 1.0f), IM_COL32_WHITE);
    ImGui::SetCursorScreenPos(ImVec2(pos.x + pad + kindW, y));
    markedParagraph(c, FontRole::Body, row.title, fg, textW - kindW);
    if (!row.subtitle.empty()) {
        ImGui::SetCursorScreenPos(ImVec2(pos.x + pad, y + titleH + c.metrics.gap * 0.2f));
        markedParagraph(c, FontRole::Small, row.subtitle, c.palette.textMuted, textW);
    }
    float bx = pos.x + width - pad - chevron - badgesW;
    for (const auto& b : row.badges) {
        bx += badge(c, ImVec2(bx, pos.y + (h - c.px(FontRole::Small) * 1.45f) * 0.5f), b.first, b.second, IM_COL32_WHITE) +
              c.metrics.gap * 0.4f;
    }
    drawIcon(dl, Icon::Back, ImVec2(pos.x + width - pad - chevron * 0.4f, pos.y + h * 0.5f), -chevron * 0.6f,
             c.palette.textMuted, std::max(2.0f, 3.0f * c.metrics.scale));
    ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + h));
    ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.4f));
    return pressed;
}

bool chip(const Ctx& c, const char* id, std::string_view label, bool selected, float width) {
    const float w = width > 0 ? width : measureText(c, FontRole::Body, label).x + 2 * c.metrics.gap;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float h = c.metrics.target;
    const bool pressed = ImGui::InvisibleButton(id, ImVec2(w, h));
    const bool held = ImGui::IsItemActive();
    registryRecord(id, pos, ImVec2(pos.x + w, pos.y + h));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImU32 bg = selected ? c.palette.primary : c.palette.surface;
    if (held) bg = darker(bg, 0.88f);
    dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), bg, h * 0.5f);
    dl->AddRect(pos, ImVec2(pos.x + w, pos.y + h), selected ? c.palette.primary : c.palette.border, h * 0.5f, 0, c.metrics.elder ? 3.0f : 2.0f);
    // Long labels (industry names) wrap inside wide chips.
    const float textW = w - c.metrics.gap;
    const float th = measureParagraph(c, FontRole::Body, label, textW);
    if (th <= lineHeight(c, FontRole::Body) + 0.5f) {
        textCentered(c, FontRole::Body, pos, ImVec2(pos.x + w, pos.y + h), selected ? c.palette.primaryText : c.palette.text, label);
    } else {
        ImGui::SetCursorScreenPos(ImVec2(pos.x + c.metrics.gap * 0.5f, pos.y + (h - th) * 0.5f));
        paragraph(c, FontRole::Body, label, selected ? c.palette.primaryText : c.palette.text, textW);
    }
    ImGui::SetCursorScreenPos(ImVec2(pos.x + w, pos.y));
    ImGui::Dummy(ImVec2(0, h));
    return pressed;
}

bool qrCode(const Ctx& /*c*/, const char* id, std::string_view text, float size) {
    const std::string s(text);
    QRcode* code = QRcode_encodeString(s.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) return false;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const int quiet = 2;
    const float module = std::floor(size / float(code->width + 2 * quiet));
    const float real = module * float(code->width + 2 * quiet);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, ImVec2(pos.x + real, pos.y + real), IM_COL32_WHITE);
    for (int y = 0; y < code->width; ++y)
        for (int x = 0; x < code->width; ++x)
            if (code->data[y * code->width + x] & 1) {
                const ImVec2 a(pos.x + float(x + quiet) * module, pos.y + float(y + quiet) * module);
                dl->AddRectFilled(a, ImVec2(a.x + module, a.y + module), IM_COL32_BLACK);
            }
    QRcode_free(code);
    ImGui::Dummy(ImVec2(real, real));
    registryRecord(id, pos, ImVec2(pos.x + real, pos.y + real));
    return true;
}

// --- input -------------------------------------------------------------------
namespace {
struct FieldLimits {
    std::size_t maxBytes;
    bool digitsOnly;
    bool alnumOnly;
    bool multiline;
};

int fieldCallback(ImGuiInputTextCallbackData* data) {
    const auto* lim = static_cast<const FieldLimits*>(data->UserData);
    if (data->EventFlag == ImGuiInputTextFlags_CallbackCharFilter) {
        const ImWchar ch = data->EventChar;
        if (ch == '\n' && lim->multiline) return 0;
        if (ch < 0x20) return 1;  // no controls; an emoji arrives as U+FFFD and validation names it
        if (isInvisibleFormat(ch)) return 1;  // dropped: they would draw as boxes or reorder the text
        if (lim->digitsOnly && !(ch >= '0' && ch <= '9')) return 1;
        if (lim->alnumOnly && !((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
            return 1;
        return 0;
    }
    if (data->EventFlag == ImGuiInputTextFlags_CallbackEdit && std::size_t(data->BufTextLen) > lim->maxBytes) {
        int cut = int(lim->maxBytes);
        while (cut > 0 && (static_cast<unsigned char>(data->Buf[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
        data->DeleteChars(cut, data->BufTextLen - cut);
    }
    return 0;
}
}  // namespace

bool textField(const Ctx& c, const FieldSpec& spec, std::string& value, float width) {
    const bool hasError = !spec.error.empty();
    if (!spec.label.empty()) {
        const ImVec2 labelAt = ImGui::GetCursorScreenPos();
        paragraph(c, FontRole::Body, spec.label, c.palette.text, width);
        if (spec.maxChars > 0) {
            std::size_t n = 0;
            for (std::size_t i = 0; i < value.size(); ++n) (void)decodeUtf8(value, i);
            const std::string count = fmt::format("{} / {}", n, spec.maxChars);
            const float w = measureText(c, FontRole::Small, count).x;
            textAt(c, FontRole::Small, ImVec2(labelAt.x + width - w, labelAt.y + (c.px(FontRole::Body) - c.px(FontRole::Small))),
                   n > spec.maxChars ? c.palette.danger : c.palette.textMuted, count);
        }
        if (spec.lines > 1 && !spec.hint.empty()) paragraph(c, FontRole::Small, spec.hint, c.palette.textMuted, width);
        // A multi-line field can be taller than the screen: its message goes above it.
        if (spec.lines > 1 && hasError) paragraph(c, FontRole::Small, spec.error, c.palette.danger, width);
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.3f));
    }
    ImGui::PushFont(c.font(FontRole::Body));
    ImGui::PushStyleColor(ImGuiCol_Border, ImGui::ColorConvertU32ToFloat4(hasError ? c.palette.danger : c.palette.border));
    ImGui::PushStyleColor(ImGuiCol_TextDisabled, ImGui::ColorConvertU32ToFloat4(c.palette.textMuted));
    ImGui::SetNextItemWidth(width);
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    FieldLimits lim{spec.maxBytes, spec.digitsOnly, spec.alnumOnly, spec.lines > 1};
    const std::string hint(spec.hint);
    const std::string imguiId = std::string("##") + spec.id;  // the label is drawn above, not beside
    const int flags = ImGuiInputTextFlags_CallbackCharFilter | ImGuiInputTextFlags_CallbackEdit;
    bool edited = false;
    if (spec.lines > 1) {
        // ImGui 1.86 neither wraps a multi-line field nor draws its hint (the
        // hint goes under the label). ImGui keeps editing the text, drawn
        // invisible; the kit draws it wrapped over a background of its own
        // (ImGui's field is a child window drawn above this one, so it must be
        // see-through), and the field grows with the text. The caret stays at
        // the end: the on-screen keyboard only appends and deletes, so what
        // the visitor sees is where the next character goes.
        const ImGuiStyle& style = ImGui::GetStyle();
        const float lh = lineHeight(c, FontRole::Body);
        const float innerW = width - style.FramePadding.x * 2 - c.px(FontRole::Body) * 0.5f;
        auto shownLines = [&] {
            const std::size_t n = wrapLines(c, FontRole::Body, value, innerW).size();
            return n + (!value.empty() && value.back() == '\n' ? 1 : 0);
        };
        const float h = lh * float(std::max<std::size_t>(std::size_t(spec.lines), shownLines())) + style.FramePadding.y * 2;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), style.FrameRounding);
        ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0, 0, 0, 0));
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0, 0, 0, 0));
        edited = ImGui::InputTextMultiline(imguiId.c_str(), &value, ImVec2(width, h),
                                           flags | ImGuiInputTextFlags_NoHorizontalScroll, fieldCallback, &lim);
        ImGui::PopStyleColor(2);
        const bool active = ImGui::IsItemActive();
        if (active) {
            if (ImGuiInputTextState* st = ImGui::GetInputTextState(ImGui::GetItemID()))
                st->Stb.cursor = st->Stb.select_start = st->Stb.select_end = st->CurLenW;
        }
        const auto lines = wrapLines(c, FontRole::Body, value, innerW);
        const ImVec2 origin(pos.x + style.FramePadding.x, pos.y + style.FramePadding.y);
        const float inset = std::round((lh - c.px(FontRole::Body)) * 0.5f);
        dl->PushClipRect(pos, ImGui::GetItemRectMax(), true);
        for (std::size_t i = 0; i < lines.size(); ++i)
            textAt(c, FontRole::Body, ImVec2(origin.x, origin.y + float(i) * lh + inset), c.palette.text, lines[i]);
        if (active) {
            const bool newLine = value.empty() || value.back() == '\n';
            const std::size_t row = lines.empty() ? 0 : lines.size() - (newLine ? 0 : 1);
            const float x = newLine || lines.empty() ? 0.0f : measureText(c, FontRole::Body, lines.back()).x;
            const ImVec2 a(origin.x + x + 1, origin.y + float(row) * lh + inset);
            dl->AddRectFilled(a, ImVec2(a.x + 2, a.y + c.px(FontRole::Body)), c.palette.text);
        }
        dl->PopClipRect();
    } else {
        edited = ImGui::InputTextWithHint(imguiId.c_str(), hint.c_str(), &value, flags, fieldCallback, &lim);
    }
    registryRecord(spec.id, pos, ImGui::GetItemRectMax());
    if (ImGui::IsItemActive()) {
        noteFocusedField(spec.digitsOnly || spec.numericPad, ImGui::GetItemRectMax().y);
        // Keep the focused field above the keyboard: scroll it into view.
        const float visibleBottom = ImGui::GetWindowPos().y + ImGui::GetWindowHeight();
        const float below = ImGui::GetItemRectMax().y + c.metrics.gap - visibleBottom;
        if (below > 1.0f && g_currentScroll) {
            g_currentScroll->offset += below;
            requestAnimationFrame();
        }
    }
    ImGui::PopStyleColor(2);
    ImGui::PopFont();
    c.fonts.check(value, FontRole::Body);
    c.fonts.check(spec.hint, FontRole::Body);
    if (hasError && !(spec.lines > 1 && !spec.label.empty())) {
        ImGui::Dummy(ImVec2(0, c.metrics.gap * 0.15f));
        paragraph(c, FontRole::Small, spec.error, c.palette.danger, width);
    }
    return edited;
}

// --- scrolling ---------------------------------------------------------------
namespace {
struct DragTrack {
    ImGuiID area = 0;
    bool pressed = false;
    bool dragging = false;
    float startY = 0.0f;
    float lastY = 0.0f;
    float velocity = 0.0f;
};
DragTrack g_drag;
float g_scrollStartY = 0.0f;
constexpr float kDragThresholdRef = 14.0f;  // px at 1080p before a touch becomes a drag
}  // namespace

void beginScroll(const Ctx& c, const char* id, state::ScrollState& s, ImVec2 size) {
    const ImGuiIO& io = ImGui::GetIO();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const ImRect rect(pos, ImVec2(pos.x + size.x, pos.y + size.y));
    const ImGuiID area = ImGui::GetID(id);
    const bool blocked = ImGui::GetTopMostPopupModal() != nullptr;
    const float dt = frameSeconds();

    if (!blocked && ImGui::IsMouseClicked(0) && rect.Contains(io.MousePos)) {
        g_drag = DragTrack{area, true, false, io.MousePos.y, io.MousePos.y, 0.0f};
        s.velocity = 0.0f;  // a touch stops a fling
    }
    if (g_drag.area == area && g_drag.pressed) {
        if (io.MouseDown[0]) {
            const float dy = io.MousePos.y - g_drag.lastY;
            if (!g_drag.dragging && std::fabs(io.MousePos.y - g_drag.startY) > kDragThresholdRef * c.metrics.scale) {
                g_drag.dragging = true;
                ImGui::ClearActiveID();  // the touch was a drag: cancel the tap underneath
            }
            if (g_drag.dragging) {
                s.offset -= dy;
                g_drag.velocity = 0.7f * (-dy / dt) + 0.3f * g_drag.velocity;
            }
            g_drag.lastY = io.MousePos.y;
        } else {
            if (g_drag.dragging) s.velocity = g_drag.velocity;
            g_drag = DragTrack{};
        }
    }
    if (!blocked && rect.Contains(io.MousePos) && io.MouseWheel != 0.0f) {
        s.offset -= io.MouseWheel * c.px(FontRole::Body) * 3.0f;
        s.velocity = 0.0f;
    }
    // Inertia: exponential decay with a 0.33 s time constant.
    if (std::fabs(s.velocity) > 20.0f * c.metrics.scale) {
        s.offset += s.velocity * dt;
        s.velocity *= std::exp(-dt / 0.33f);
        requestAnimationFrame();
    } else {
        s.velocity = 0.0f;
    }
    if (s.offset < 0.0f || s.offset > s.maxOffset) {
        s.offset = std::clamp(s.offset, 0.0f, s.maxOffset);
        s.velocity = 0.0f;
    }
    s.offset = std::round(s.offset);

    ImGui::BeginChild(id, size, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                                           ImGuiWindowFlags_NoBackground);
    g_currentScroll = &s;
    g_scrollStartY = ImGui::GetCursorPosY();
    ImGui::SetCursorPosY(g_scrollStartY - s.offset);
}

void endScroll(const Ctx& c, state::ScrollState& s) {
    const float contentH = ImGui::GetCursorPosY() + s.offset - g_scrollStartY;
    const float visibleH = ImGui::GetWindowHeight();
    s.maxOffset = std::max(0.0f, contentH - visibleH);
    if (s.maxOffset > 0.0f) {  // a thin position indicator, not a scroll bar to aim at
        const ImVec2 wp = ImGui::GetWindowPos();
        const float trackH = visibleH - 2 * c.metrics.gap * 0.5f;
        const float barH = std::max(c.metrics.target * 0.6f, trackH * visibleH / (contentH));
        const float y = wp.y + c.metrics.gap * 0.5f + (trackH - barH) * (s.offset / s.maxOffset);
        const float x = wp.x + ImGui::GetWindowWidth() - 6.0f * c.metrics.scale;
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(x, y), ImVec2(x + 4.0f * c.metrics.scale, y + barH),
                                                  IM_COL32(0x4A, 0x55, 0x68, 0x80), 2.0f * c.metrics.scale);
    }
    ImGui::EndChild();
}

}  // namespace kiosk::ui
