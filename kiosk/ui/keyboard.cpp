// On-screen keyboard layout and drawing.
#include "keyboard.h"

#include <algorithm>
#include <cmath>

namespace kiosk::ui {
namespace {

bool g_digits = false;
float g_fieldBottom = 0.0f;

const char* const kRows[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
const char* const kDigitRows[] = {"123", "456", "789"};

float keyH(const Ctx& c) { return std::max(c.metrics.target, 80.0f * c.metrics.scale * (c.metrics.elder ? 1.25f : 1.0f)); }
float candH(const Ctx& c) { return c.metrics.target; }

}  // namespace

void noteFocusedField(bool digitsOnly, float bottom) {
    g_digits = digitsOnly;
    g_fieldBottom = bottom;
}
bool focusedFieldDigitsOnly() { return g_digits; }
float focusedFieldBottom() { return g_fieldBottom; }
void clearFocusedField() {
    g_digits = false;
    g_fieldBottom = 0.0f;
}

float keyboardHeight(const Ctx& c, const KeyboardView& v) {
    const float gap = c.metrics.gap * 0.4f;
    const int rows = 4;
    return (v.digitsOnly ? 0.0f : candH(c) + gap) + float(rows) * (keyH(c) + gap) + gap;
}

std::vector<KeyRect> layoutKeyboard(const Ctx& c, const KeyboardView& v) {
    std::vector<KeyRect> keys;
    const float gap = c.metrics.gap * 0.4f;
    const float top = c.screen.y - keyboardHeight(c, v);
    const float kh = keyH(c);
    float y = top + gap;
    auto add = [&](KeyKind kind, std::string text, std::string id, float x, float w, int cand = -1) {
        keys.push_back({kind, std::move(text), cand, ImVec2(x, y), ImVec2(x + w, y + (kind == KeyKind::Candidate || kind == KeyKind::PagePrev || kind == KeyKind::PageNext ? candH(c) : kh)), std::move(id)});
    };
    if (v.digitsOnly) {
        const float w = std::min((c.screen.x - 4 * gap) / 3.0f, 260.0f * c.metrics.scale * (c.metrics.elder ? 1.3f : 1.0f));
        const float x0 = (c.screen.x - 3 * w - 2 * gap) * 0.5f;
        for (const char* row : kDigitRows) {
            for (int i = 0; i < 3; ++i) add(KeyKind::Text, std::string(1, row[i]), std::string("kb.key.") + row[i], x0 + float(i) * (w + gap), w);
            y += kh + gap;
        }
        add(KeyKind::Backspace, "", "kb.backspace", x0, w);
        add(KeyKind::Text, "0", "kb.key.0", x0 + w + gap, w);
        add(KeyKind::Done, "✓", "kb.done", x0 + 2 * (w + gap), w);
        return keys;
    }
    // Candidate bar: previous page, candidates, next page.
    {
        const float arrow = candH(c) * 1.2f;
        add(KeyKind::PagePrev, "‹", "kb.page_prev", gap, arrow);
        // The pinyin being composed leads the bar, then the candidates.
        float x = gap * 2 + arrow + (v.preedit.empty() ? 0.0f : measureText(c, FontRole::Body, v.preedit).x + c.metrics.gap);
        const float end = c.screen.x - gap * 2 - arrow;
        for (int i = 0; i < int(v.candidates.size()); ++i) {
            const float w = measureText(c, FontRole::Title, v.candidates[std::size_t(i)]).x + c.metrics.gap * 1.4f;
            if (x + w > end) break;
            add(KeyKind::Candidate, v.candidates[std::size_t(i)], "kb.cand." + std::to_string(i), x, w, i);
            x += w + gap;
        }
        add(KeyKind::PageNext, "›", "kb.page_next", end + gap, arrow);
        y += candH(c) + gap;
    }
    const float unit = (c.screen.x - 11 * gap) / 10.0f;
    for (int r = 0; r < 3; ++r) {
        const std::string row = kRows[r];
        float x = gap + (10.0f - float(row.size())) * (unit + gap) * 0.5f;
        if (r == 2) x = gap + (unit + gap) * 1.0f;
        for (char ch : row) {
            add(KeyKind::Text, std::string(1, ch), std::string("kb.key.") + ch, x, unit);
            x += unit + gap;
        }
        if (r == 2) add(KeyKind::Backspace, "", "kb.backspace", x, c.screen.x - x - gap);
        y += kh + gap;
    }
    const float small = unit * 1.5f;
    float x = gap;
    add(KeyKind::ToggleChinese, v.chinese ? "中" : "EN", "kb.lang", x, small);
    x += small + gap;
    for (const char* p : {"，", "。"}) {
        add(KeyKind::Text, p, std::string("kb.punct.") + (p[1] == '\xbc' ? "comma" : "stop"), x, unit * 0.9f);
        x += unit * 0.9f + gap;
    }
    const float doneW = unit * 2.0f;
    add(KeyKind::Space, "space", "kb.space", x, c.screen.x - x - doneW - 2 * gap);
    add(KeyKind::Done, "✓", "kb.done", c.screen.x - gap - doneW, doneW);
    return keys;
}

void drawKeyboard(const Ctx& c, const KeyboardView& v, const std::vector<KeyRect>& keys, int pressed) {
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    const float top = c.screen.y - keyboardHeight(c, v);
    dl->AddRectFilled(ImVec2(0, top), c.screen, IM_COL32(0xD5, 0xDB, 0xE4, 0xFF));
    if (!v.digitsOnly && !v.preedit.empty() && !keys.empty()) {
        // The pinyin being composed, at the start of the candidate bar.
        const ImVec2 sz = measureText(c, FontRole::Body, v.preedit);
        const float barTop = keys.front().min.y, barBottom = keys.front().max.y;
        const ImVec2 p(keys.front().max.x + c.metrics.gap * 0.6f, std::round((barTop + barBottom - sz.y) * 0.5f));
        c.fonts.check(v.preedit, FontRole::Body);
        dl->AddText(c.font(FontRole::Body), c.px(FontRole::Body), p, c.palette.primary, v.preedit.c_str());
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto& k = keys[i];
        registryRecordAbsolute(k.id, k.min, k.max);
        const bool candidateBar = k.kind == KeyKind::Candidate || k.kind == KeyKind::PagePrev || k.kind == KeyKind::PageNext;
        if ((k.kind == KeyKind::PagePrev && (v.firstPage || v.candidates.empty())) ||
            (k.kind == KeyKind::PageNext && (v.lastPage || v.candidates.empty())))
            continue;
        ImU32 bg = candidateBar ? IM_COL32(0xEE, 0xF1, 0xF5, 0xFF) : c.palette.surface;
        if (k.kind == KeyKind::Done) bg = c.palette.primary;
        if (k.kind == KeyKind::ToggleChinese || k.kind == KeyKind::Backspace) bg = IM_COL32(0xB8, 0xC2, 0xCF, 0xFF);
        if (int(i) == pressed) bg = IM_COL32(0x9A, 0xA8, 0xBA, 0xFF);
        dl->AddRectFilled(k.min, k.max, bg, c.metrics.radius * 0.5f);
        const std::string label = k.kind == KeyKind::Space       ? std::string(c.tr(v.chinese ? "kb.space_zh" : "kb.space_en"))
                                  : k.kind == KeyKind::Backspace ? std::string(c.tr("kb.backspace"))
                                                                 : k.text;
        const FontRole role = k.kind == KeyKind::Candidate ? FontRole::Title : FontRole::Body;
        c.fonts.check(label, role);
        const ImVec2 sz = measureText(c, role, label);
        const ImU32 fg = k.kind == KeyKind::Done ? c.palette.primaryText : c.palette.text;
        dl->AddText(c.font(role), c.px(role),
                    ImVec2(std::round((k.min.x + k.max.x - sz.x) * 0.5f), std::round((k.min.y + k.max.y - sz.y) * 0.5f)), fg,
                    label.c_str());
    }
}

}  // namespace kiosk::ui
