// Text folding for search: the one definition of "these two strings match"
// shared by the index (through the FTS5 tokenizer) and by queries.
//
//   full-width ASCII → ASCII, ideographic space → space
//   A-Z → a-z
//   Traditional → Simplified, one character at a time (table stored in the
//   content database, made from OpenCC's t2s at import)
//   punctuation, symbols and white space dropped, so "社保、医保" and
//   "社保医保" match, and query syntax characters never reach FTS5
//
// Each folded character keeps the byte range it came from, so snippets can
// highlight the original text.
#pragma once

#include "base/utf8.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiosk::store {

class TextFolder {
public:
    struct Unit {
        char32_t cp;          // folded code point
        std::uint32_t start;  // byte range in the source text
        std::uint32_t end;
    };

    TextFolder();
    // Adds Traditional→Simplified pairs (both single BMP characters).
    void addMapping(char32_t from, char32_t to);
    std::size_t mappings() const { return m_mapped; }

    void fold(std::string_view text, std::vector<Unit>& out) const;
    std::string foldToString(std::string_view text) const;
    // Number of folded characters (what counts as the query length).
    std::size_t foldedLength(std::string_view text) const;

    static bool isKept(char32_t cp);  // letters, digits, CJK; not punctuation/space/symbols

private:
    std::vector<char16_t> m_map;  // 65536 entries; 0 = unchanged
    std::size_t m_mapped = 0;
};


}  // namespace kiosk::store
