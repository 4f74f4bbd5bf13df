// Font atlas built from the text the kiosk actually shows.
//
// Noto Sans CJK is memory-mapped once (not read into RAM per size) and each
// role (small, body, title, display) is rasterised by FreeType with only the
// code points that were added: UI strings, content text, candidates. Text
// drawn through the UI kit is checked against the atlas; a code point that is
// missing is logged with its value and added at the next rebuild, so a
// visitor never sees '?' for a character the font has.
#pragma once

#include "base/error.h"
#include "theme.h"

#include <bitset>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

struct ImFont;
struct ImFontAtlas;

namespace kiosk::ui {

struct AtlasStats {
    int width = 0;          // px
    int height = 0;         // px
    int glyphs = 0;         // glyphs rasterised over all roles
    int codepoints = 0;     // distinct code points requested
    double buildMs = 0.0;   // wall time of the last build
    int builds = 0;         // builds since start (first + rebuilds)
};

class FontLibrary {
public:
    FontLibrary() = default;
    ~FontLibrary();
    FontLibrary(const FontLibrary&) = delete;
    FontLibrary& operator=(const FontLibrary&) = delete;

    // Maps the regular and bold font files; `face` is the index in a .ttc.
    [[nodiscard]] Result<void> open(const std::string& regular, const std::string& bold, int face);

    // Adds every code point of UTF-8 `text` to the wanted set of every size.
    void addText(std::string_view text);

    // (Re)builds `atlas` with the wanted set at the sizes in `m`.
    [[nodiscard]] Result<AtlasStats> build(ImFontAtlas& atlas, const Metrics& m);

    // Takes the font files back from `atlas` so that ImGui never frees the
    // mapping. Call before the ImGui context (and its atlas) is destroyed.
    void detach(ImFontAtlas& atlas);

    ImFont* font(FontRole role) const { return m_fonts[static_cast<int>(role)]; }
    const AtlasStats& stats() const { return m_stats; }

    // Remembers the current wanted sets as the base every session starts from.
    void markBase();
    // Back to the base sets; true when that removed something (rebuild then).
    bool resetToBase();

    // Checks UTF-8 `text` drawn in `role` against the built atlas (cheap;
    // called for every text the kit draws). Missing code points are added to
    // that size only: a 64 px heading font does not rasterise menu text.
    void check(std::string_view text, FontRole role);
    // True when check() found code points to add; build() clears it.
    bool needsRebuild() const { return m_needsRebuild; }
    // Code points the font file itself lacks (logged once each).
    int missingFromFont() const { return int(m_lacking.count()); }

private:
    struct Mapping {
        const void* data = nullptr;
        std::size_t size = 0;
    };
    static Result<Mapping> mapFile(const std::string& path);

    Mapping m_regular, m_bold;
    int m_face = 2;
    static constexpr int kRoles = static_cast<int>(FontRole::Count);
    std::bitset<65536> m_wanted[kRoles];
    std::bitset<65536> m_base[kRoles];
    std::bitset<65536> m_built[kRoles];  // in the atlas now
    std::bitset<65536> m_lacking;  // requested, built, still absent: the font has no glyph
    std::set<std::uint32_t> m_loggedWide;  // non-BMP code points already logged
    std::vector<std::uint16_t> m_ranges[kRoles];
    ImFont* m_fonts[static_cast<int>(FontRole::Count)] = {};
    AtlasStats m_stats;
    bool m_needsRebuild = false;
    int m_pendingAdds = 0;  // code points check() added since the last build
};

// Decodes one UTF-8 code point at `s`, advancing it; invalid bytes give U+FFFD.
std::uint32_t nextCodepoint(std::string_view& s);

}  // namespace kiosk::ui
