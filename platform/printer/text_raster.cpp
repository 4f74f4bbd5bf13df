// FreeType rendering of receipt lines (text_raster.h). Glyphs are rendered
// anti-aliased and then thresholded: at 24 dots per em that keeps the thin
// strokes of CJK characters that monochrome hinting tends to drop.
#include "text_raster.h"

#include "base/utf8.h"

#include <fmt/format.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include <filesystem>
#include <map>
#include <tuple>

namespace platform::escpos {
namespace {

constexpr int kInkThreshold = 128;  // grey coverage (0–255) from which a dot is black

int padding(const TextStyle& s) { return s.pixelSize / 8; }
// The baseline sits 0.88 em below the top of the em box (CJK fonts' ideographic
// box: 0.88 above, 0.12 below the baseline).
int baseline(const TextStyle& s) { return padding(s) + (s.pixelSize * 88 + 50) / 100; }
FT_Pos emboldenStrength(const TextStyle& s) { return s.bold ? FT_Pos{s.pixelSize} * 64 / 24 : 0; }

}  // namespace

struct TextRaster::Impl {
    FT_Library library = nullptr;
    FT_Face face = nullptr;
    std::map<std::tuple<char32_t, int, bool>, int> advances;
    int currentSize = 0;

    ~Impl() {
        if (face) FT_Done_Face(face);
        if (library) FT_Done_FreeType(library);
    }

    // Loads `cp` at the style's size into the glyph slot, emboldened if asked.
    bool load(char32_t cp, const TextStyle& s) {
        if (currentSize != s.pixelSize) {
            if (FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(s.pixelSize)) != 0) return false;
            currentSize = s.pixelSize;
        }
        if (FT_Load_Char(face, cp, FT_LOAD_DEFAULT | FT_LOAD_NO_BITMAP) != 0) return false;
        if (s.bold && face->glyph->format == FT_GLYPH_FORMAT_OUTLINE)
            FT_Outline_Embolden(&face->glyph->outline, emboldenStrength(s));
        return true;
    }
};

TextRaster::TextRaster(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TextRaster::~TextRaster() = default;

kiosk::Result<std::unique_ptr<TextRaster>> TextRaster::open(const std::string& fontPath, int faceIndex) {
    if (fontPath.empty())
        return kiosk::fail(kiosk::ErrorCode::Config,
                           "raster printing needs the kiosk's font: set fonts.regular (printer.text_mode = \"raster\")");
    std::error_code ec;
    if (!std::filesystem::exists(fontPath, ec))
        return kiosk::fail(kiosk::ErrorCode::NotFound,
                           fmt::format("font {} not found for raster printing: install fonts-noto-cjk or fix fonts.regular",
                                       fontPath));
    auto impl = std::make_unique<Impl>();
    if (FT_Init_FreeType(&impl->library) != 0)
        return kiosk::fail(kiosk::ErrorCode::Internal, "FreeType could not start");
    if (FT_New_Face(impl->library, fontPath.c_str(), faceIndex, &impl->face) != 0)
        return kiosk::fail(kiosk::ErrorCode::Unsupported,
                           fmt::format("{} has no font face {} FreeType can read (fonts.regular, fonts.face)", fontPath,
                                       faceIndex));
    return std::unique_ptr<TextRaster>(new TextRaster(std::move(impl)));
}

int TextRaster::advance(char32_t cp, const TextStyle& style) {
    const auto key = std::make_tuple(cp, style.pixelSize, style.bold);
    if (auto it = m_impl->advances.find(key); it != m_impl->advances.end()) return it->second;
    int a = 0;
    if (m_impl->load(cp, style))
        a = static_cast<int>((m_impl->face->glyph->advance.x + emboldenStrength(style) + 32) >> 6);
    m_impl->advances.emplace(key, a);
    return a;
}

int TextRaster::lineHeight(const TextStyle& style) { return style.pixelSize + 2 * padding(style); }

Bitmap TextRaster::drawLine(std::string_view utf8, const TextStyle& style, int width, bool centre) {
    Bitmap bm(width, lineHeight(style));
    int textWidth = 0;
    for (std::size_t i = 0; i < utf8.size();) textWidth += advance(kiosk::decodeUtf8(utf8, i), style);
    int penX = centre && textWidth < width ? (width - textWidth) / 2 : 0;
    const int base = baseline(style);
    for (std::size_t i = 0; i < utf8.size();) {
        const char32_t cp = kiosk::decodeUtf8(utf8, i);
        const int adv = advance(cp, style);
        if (m_impl->load(cp, style) && FT_Render_Glyph(m_impl->face->glyph, FT_RENDER_MODE_NORMAL) == 0) {
            const FT_GlyphSlot g = m_impl->face->glyph;
            const FT_Bitmap& src = g->bitmap;
            for (unsigned row = 0; row < src.rows; ++row)
                for (unsigned col = 0; col < src.width; ++col) {
                    const unsigned char grey = src.buffer[static_cast<long>(row) * src.pitch + col];
                    if (grey >= kInkThreshold)
                        bm.set(penX + g->bitmap_left + static_cast<int>(col), base - g->bitmap_top + static_cast<int>(row));
                }
        }
        penX += adv;
    }
    return bm;
}

}  // namespace platform::escpos
