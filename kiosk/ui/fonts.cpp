// FontLibrary: mmap, glyph ranges from a bitset, FreeType atlas builds.
#include "fonts.h"

#include "base/log.h"
#include "base/utf8.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <imgui.h>
#include <imgui_freetype.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

namespace kiosk::ui {
namespace {
auto logger() { return log::channel("fonts"); }
}  // namespace

std::uint32_t nextCodepoint(std::string_view& s) {
    std::size_t i = 0;
    const char32_t cp = decodeUtf8(s, i);
    s.remove_prefix(i);
    return cp;
}

FontLibrary::~FontLibrary() {
    for (auto* m : {&m_regular, &m_bold})
        if (m->data && !(m == &m_bold && m_bold.data == m_regular.data))
            munmap(const_cast<void*>(m->data), m->size);
}

Result<FontLibrary::Mapping> FontLibrary::mapFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorCode::NotFound,
                    fmt::format("font file {} cannot be opened: install fonts-noto-cjk or set fonts.regular/fonts.bold "
                                "in the config",
                                path));
    struct stat st {};
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        ::close(fd);
        return fail(ErrorCode::Io, fmt::format("font file {} is empty or unreadable", path));
    }
    void* p = mmap(nullptr, std::size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) return fail(ErrorCode::Io, fmt::format("cannot map font file {}", path));
    return Mapping{p, std::size_t(st.st_size)};
}

Result<void> FontLibrary::open(const std::string& regular, const std::string& bold, int face) {
    auto r = mapFile(regular);
    if (!r) return std::unexpected(r.error());
    m_regular = *r;
    if (bold.empty() || bold == regular) {
        m_bold = m_regular;
    } else if (auto b = mapFile(bold); b) {
        m_bold = *b;
    } else {
        logger()->warn("{}; titles use the regular weight", b.error().message);
        m_bold = m_regular;
    }
    m_face = face;
    // Always present: printable ASCII, the replacement character and common
    // full-width punctuation.
    for (std::uint32_t c = 0x20; c < 0x7F; ++c)
        for (auto& w : m_wanted) w.set(c);
    addText("，。、；：？！“”‘’（）《》【】…—·￥　「」『』〔〕～％＋－×÷→←↑↓›✓○●□■◎※");
    return {};
}

void FontLibrary::addText(std::string_view text) {
    while (!text.empty()) {
        const std::uint32_t cp = nextCodepoint(text);
        if (cp < 65536)
            for (auto& w : m_wanted) w.set(cp);
    }
}

void FontLibrary::markBase() {
    for (int r = 0; r < kRoles; ++r) m_base[r] = m_wanted[r];
}

bool FontLibrary::resetToBase() {
    bool changed = false;
    for (int r = 0; r < kRoles; ++r) {
        changed |= m_wanted[r] != m_base[r];
        m_wanted[r] = m_base[r];
    }
    return changed;
}

Result<AtlasStats> FontLibrary::build(ImFontAtlas& atlas, const Metrics& m) {
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < kRoles; ++r) {
        auto& ranges = m_ranges[r];
        ranges.clear();
        for (std::uint32_t c = 1; c < 65536; ++c) {
            if (!m_wanted[r].test(c)) continue;
            std::uint32_t end = c;
            while (end + 1 < 65536 && m_wanted[r].test(end + 1)) ++end;
            ranges.push_back(std::uint16_t(c));
            ranges.push_back(std::uint16_t(end));
            c = end;
        }
        ranges.push_back(0);
    }

    detach(atlas);
    atlas.Clear();
    atlas.FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
    atlas.FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;
    atlas.TexDesiredWidth = 2048;
    for (int i = 0; i < int(FontRole::Count); ++i) {
        const bool bold = i >= int(FontRole::Title);
        const Mapping& file = bold ? m_bold : m_regular;
        ImFontConfig cfg;
        cfg.FontNo = m_face;
        // "Owned" stops ImGui 1.86 from copying the whole 20 MB file per size;
        // detach() hands ownership back before ImGui would free it.
        cfg.FontDataOwnedByAtlas = true;
        cfg.PixelSnapH = true;
        cfg.OversampleH = 1;
        cfg.OversampleV = 1;
        snprintf(cfg.Name, sizeof(cfg.Name), "NotoSansCJK-%s-%.0fpx", bold ? "Bold" : "Regular", double(m.fontPx[i]));
        m_fonts[i] = atlas.AddFontFromMemoryTTF(const_cast<void*>(file.data), int(file.size), m.fontPx[i], &cfg,
                                                reinterpret_cast<const ImWchar*>(m_ranges[i].data()));
        if (!m_fonts[i]) return fail(ErrorCode::Unsupported, "the font file could not be loaded by FreeType");
    }
    if (!atlas.Build())
        return fail(ErrorCode::Unsupported, "the font atlas could not be built (too many glyphs for one texture?)");

    m_stats.width = atlas.TexWidth;
    m_stats.height = atlas.TexHeight;
    m_stats.glyphs = 0;
    for (ImFont* f : m_fonts) m_stats.glyphs += f->Glyphs.Size;
    std::bitset<65536> all;
    for (const auto& w : m_wanted) all |= w;
    m_stats.codepoints = int(all.count());
    m_stats.buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ++m_stats.builds;
    for (int r = 0; r < kRoles; ++r) m_built[r] = m_wanted[r];
    m_needsRebuild = false;
    // Noto CJK has no U+FFFD, so ImGui would fall back to '?'; a box (□)
    // says "a character is missing here" without looking like punctuation.
    for (ImFont* f : m_fonts) {
        if (const ImFontGlyph* box = f->FindGlyphNoFallback(0x25A1); box && !f->FindGlyphNoFallback(0xFFFD)) {
            f->FallbackChar = 0x25A1;
            f->FallbackGlyph = box;
            f->FallbackAdvanceX = box->AdvanceX;
        }
    }
    // Any wanted code point a font still lacks is missing from the file.
    for (std::uint32_t c = 0x20; c < 65536; ++c) {
        if (!all.test(c) || m_lacking.test(c)) continue;
        int role = 0;
        while (!m_wanted[role].test(c)) ++role;
        if (!m_fonts[role]->FindGlyphNoFallback(ImWchar(c))) {
            m_lacking.set(c);
            logger()->warn("font has no glyph for U+{:04X}; it is shown as a box", c);
        }
    }
    logger()->info("atlas {}x{}: {} code points ({} new from the screen), {} glyphs in {} sizes, built in {:.1f} ms",
                   m_stats.width, m_stats.height, m_stats.codepoints, m_pendingAdds, m_stats.glyphs,
                   int(FontRole::Count), m_stats.buildMs);
    m_pendingAdds = 0;
    return m_stats;
}

void FontLibrary::detach(ImFontAtlas& atlas) {
    for (ImFontConfig& cfg : atlas.ConfigData) {
        if (cfg.FontData == m_regular.data || cfg.FontData == m_bold.data) {
            cfg.FontDataOwnedByAtlas = false;
            cfg.FontData = nullptr;
        }
    }
}

void FontLibrary::check(std::string_view text, FontRole role) {
    const int r = static_cast<int>(role);
    while (!text.empty()) {
        const std::uint32_t cp = nextCodepoint(text);
        if (cp < 0x20) continue;
        if (cp >= 65536) {
            if (m_loggedWide.insert(cp).second)
                logger()->warn("code point U+{:X} is outside the BMP and is shown as a box", cp);
            continue;
        }
        if (m_built[r].test(cp) || m_lacking.test(cp) || m_wanted[r].test(cp)) continue;
        logger()->debug("glyph U+{:04X} is not in the {} px atlas yet; adding it", cp, r);
        ++m_pendingAdds;
        m_wanted[r].set(cp);
        m_needsRebuild = true;
    }
}

}  // namespace kiosk::ui
