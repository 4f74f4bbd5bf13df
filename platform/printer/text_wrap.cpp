// Line breaking for receipts (text_wrap.h). The text is cut into units first
// (a run of spaces, a Latin word, one CJK character), then units are laid
// out greedily; the only look-back is the punctuation rule.
#include "text_wrap.h"

#include "base/utf8.h"

#include <algorithm>
#include <cstdint>

namespace platform::escpos {
namespace {

enum class UnitKind : std::uint8_t { Space, Word, Cjk };

struct Unit {
    UnitKind kind = UnitKind::Word;
    std::string text;
    int width = 0;
    char32_t first = 0;  // first and last code point, for the punctuation rule
    char32_t last = 0;
};

// Must not start a line (closing punctuation, Chinese and ASCII).
bool noLineStart(char32_t cp) {
    static constexpr std::u32string_view kSet = U"，。、；：？！）》」』】〕〉〗”’…—％,.;:?!)]}%";
    return kSet.find(cp) != std::u32string_view::npos;
}

// Must not end a line (opening brackets and quotes).
bool noLineEnd(char32_t cp) {
    static constexpr std::u32string_view kSet = U"（《「『【〔〈〖“‘([{";
    return kSet.find(cp) != std::u32string_view::npos;
}

std::vector<Unit> splitUnits(std::string_view s, const MeasureFn& measure) {
    std::vector<Unit> units;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t start = i;
        const char32_t cp = kiosk::decodeUtf8(s, i);
        const UnitKind kind = cp == U' ' ? UnitKind::Space : breaksAnywhere(cp) ? UnitKind::Cjk : UnitKind::Word;
        // Spaces and word characters join the unit before them; a CJK
        // character is always a unit of its own.
        if (kind != UnitKind::Cjk && !units.empty() && units.back().kind == kind) {
            units.back().text.append(s.substr(start, i - start));
            units.back().width += measure(cp);
            units.back().last = cp;
            continue;
        }
        units.push_back(Unit{kind, std::string(s.substr(start, i - start)), measure(cp), cp, cp});
    }
    return units;
}

class LineBuilder {
public:
    LineBuilder(int width, const MeasureFn& measure) : m_width(width), m_measure(measure) {}

    void add(Unit u) {
        if (u.kind == UnitKind::Space) {
            if (m_units.empty() && !m_lines.empty()) return;  // a wrapped line starts at its first word
            if (m_lineWidth + u.width > m_width) {
                breakLine();
                return;
            }
            push(std::move(u));
            return;
        }
        if (m_lineWidth + u.width <= m_width) {
            push(std::move(u));
            return;
        }
        if (u.width > m_width) {  // wider than the paper: cut it into pieces that fit
            breakLine();
            cutLongUnit(u);
            return;
        }
        // Punctuation that must not start a line takes the unit before it
        // along; so does an opening bracket left at the end of the line.
        std::vector<Unit> carried;
        if (noLineStart(u.first)) moveLastUnit(carried);
        while (!m_units.empty() && m_units.back().kind != UnitKind::Space && noLineEnd(m_units.back().last))
            moveLastUnit(carried);
        breakLine();
        for (auto it = carried.rbegin(); it != carried.rend(); ++it) push(std::move(*it));
        if (m_lineWidth + u.width > m_width) breakLine();
        push(std::move(u));
    }

    std::vector<std::string> finish() {
        breakLine();
        if (m_lines.empty()) m_lines.emplace_back();
        return std::move(m_lines);
    }

private:
    bool hasInk() const {
        return std::any_of(m_units.begin(), m_units.end(), [](const Unit& u) { return u.kind != UnitKind::Space; });
    }
    void push(Unit u) {
        m_lineWidth += u.width;
        m_units.push_back(std::move(u));
    }
    // Moves the last word or character of the line into `carried`, if the
    // line keeps something else (otherwise the rule cannot be honoured).
    void moveLastUnit(std::vector<Unit>& carried) {
        int inkUnits = 0;
        for (const auto& x : m_units) inkUnits += x.kind != UnitKind::Space;
        if (inkUnits < 2 || m_units.back().kind == UnitKind::Space) return;
        m_lineWidth -= m_units.back().width;
        carried.push_back(std::move(m_units.back()));
        m_units.pop_back();
    }
    // Ends the line being filled; a line of nothing but spaces is dropped.
    void breakLine() {
        if (!hasInk()) {
            m_units.clear();
            m_lineWidth = 0;
            return;
        }
        while (!m_units.empty() && m_units.back().kind == UnitKind::Space) m_units.pop_back();
        std::string line;
        for (const auto& u : m_units) line += u.text;
        m_lines.push_back(std::move(line));
        m_units.clear();
        m_lineWidth = 0;
    }
    void cutLongUnit(const Unit& u) {
        std::size_t i = 0;
        while (i < u.text.size()) {
            const std::size_t start = i;
            const char32_t cp = kiosk::decodeUtf8(u.text, i);
            const int w = m_measure(cp);
            if (m_lineWidth + w > m_width && !m_units.empty()) breakLine();
            push(Unit{u.kind, u.text.substr(start, i - start), w, cp, cp});
        }
    }

    int m_width;
    const MeasureFn& m_measure;
    std::vector<Unit> m_units;  // the line being filled
    int m_lineWidth = 0;
    std::vector<std::string> m_lines;
};

}  // namespace

bool breaksAnywhere(char32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) ||   // hangul jamo
           (cp >= 0x2E80 && cp <= 0x303E) ||   // CJK radicals, symbols and punctuation
           (cp >= 0x3041 && cp <= 0x33FF) ||   // kana, bopomofo, CJK compatibility
           (cp >= 0x3400 && cp <= 0x4DBF) ||   // CJK extension A
           (cp >= 0x4E00 && cp <= 0x9FFF) ||   // CJK unified ideographs
           (cp >= 0xA960 && cp <= 0xA97F) ||   // hangul jamo extended
           (cp >= 0xAC00 && cp <= 0xD7A3) ||   // hangul syllables
           (cp >= 0xF900 && cp <= 0xFAFF) ||   // CJK compatibility ideographs
           (cp >= 0xFE30 && cp <= 0xFE4F) ||   // CJK compatibility forms
           (cp >= 0xFF00 && cp <= 0xFF60) ||   // full-width forms
           (cp >= 0xFFE0 && cp <= 0xFFE6) ||   // full-width signs
           (cp >= 0x20000 && cp <= 0x3FFFD);   // CJK extensions B and later
}

int fontAColumns(char32_t cp) { return cp < 0x80 ? 1 : 2; }

std::string sanitizeText(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        char32_t cp = kiosk::decodeUtf8(utf8, i);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) cp = U' ';  // C0, DEL, C1 controls
        kiosk::appendUtf8(out, cp);
    }
    return out;
}

std::vector<std::string> wrapText(std::string_view utf8, int width, const MeasureFn& measure) {
    LineBuilder lines(std::max(width, 1), measure);
    for (auto& u : splitUnits(utf8, measure)) lines.add(std::move(u));
    return lines.finish();
}

}  // namespace platform::escpos
