// TextFolder implementation.
#include "text_fold.h"

namespace kiosk::store {

TextFolder::TextFolder() : m_map(65536, 0) {}

void TextFolder::addMapping(char32_t from, char32_t to) {
    if (from < 0x10000 && to < 0x10000 && from != to) {
        if (!m_map[from]) ++m_mapped;
        m_map[from] = char16_t(to);
    }
}

bool TextFolder::isKept(char32_t cp) {
    if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    return (cp >= 0x00C0 && cp <= 0x024F && cp != 0xD7 && cp != 0xF7)  // Latin letters
           || (cp >= 0x0370 && cp <= 0x052F)                           // Greek, Cyrillic
           || (cp >= 0x2460 && cp <= 0x2473)                           // ①–⑳ (measure numbers)
           || (cp >= 0x3040 && cp <= 0x30FF)                           // kana
           || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF)  // CJK
           || (cp >= 0xAC00 && cp <= 0xD7AF)                           // Hangul
           || (cp >= 0xF900 && cp <= 0xFAFF)                           // CJK compatibility
           || (cp >= 0x20000 && cp <= 0x3134F);                        // CJK extensions
}

void TextFolder::fold(std::string_view text, std::vector<Unit>& out) const {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        char32_t cp = decodeUtf8(text, i);
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
        if (cp >= 'A' && cp <= 'Z') cp += 32;
        if (!isKept(cp)) continue;
        if (cp < 0x10000 && m_map[cp]) cp = m_map[cp];
        out.push_back(Unit{cp, std::uint32_t(start), std::uint32_t(i)});
    }
}

std::string TextFolder::foldToString(std::string_view text) const {
    std::vector<Unit> units;
    fold(text, units);
    std::string out;
    for (const auto& u : units) appendUtf8(out, u.cp);
    return out;
}

std::size_t TextFolder::foldedLength(std::string_view text) const {
    std::vector<Unit> units;
    fold(text, units);
    return units.size();
}

}  // namespace kiosk::store
