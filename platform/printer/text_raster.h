// Draws receipt text as 1-bit pictures for printers without a Chinese font
// (printer.text_mode = "raster"). Lines are rendered with FreeType from the
// kiosk's own font file and face (fonts.regular / fonts.face), so the slip
// uses the same glyphs as the screen; grey coverage is cut at 50 % into black
// and white dots. Also the picture type the QR code is drawn into.
//
// Never reads the clock or a device; the only file it opens is the font.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace platform::escpos {

// A 1-bit picture, one byte per dot (1 = black), rows top to bottom.
struct Bitmap {
    int width = 0;   // dots
    int height = 0;  // dots
    std::vector<std::uint8_t> dots;

    Bitmap() = default;
    Bitmap(int w, int h) : width(w), height(h), dots(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0) {}
    void set(int x, int y) {
        if (x >= 0 && y >= 0 && x < width && y < height) dots[static_cast<std::size_t>(y) * width + x] = 1;
    }
    bool at(int x, int y) const { return dots[static_cast<std::size_t>(y) * width + x] != 0; }
};

// One size of text: the pixel size of the em and whether it is made bold.
struct TextStyle {
    int pixelSize = 24;  // dots per em; 24 matches the printer's own Font A height
    bool bold = false;   // thickens the outlines by 1/24 em
};

class TextRaster {
public:
    // Opens `fontPath` (a .ttc/.otf/.ttf) at `faceIndex`.
    [[nodiscard]] static kiosk::Result<std::unique_ptr<TextRaster>> open(const std::string& fontPath, int faceIndex);
    ~TextRaster();
    TextRaster(const TextRaster&) = delete;
    TextRaster& operator=(const TextRaster&) = delete;

    // Horizontal advance of `cp`, dots.
    int advance(char32_t cp, const TextStyle& style);
    // Height of one line of `style` (the em plus 1/8 em above and below), dots.
    static int lineHeight(const TextStyle& style);
    // One line of text (no wrapping: what does not fit is clipped) in a
    // picture `width` dots wide and lineHeight() high, left-aligned or centred.
    Bitmap drawLine(std::string_view utf8, const TextStyle& style, int width, bool centre);

private:
    struct Impl;
    explicit TextRaster(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace platform::escpos
