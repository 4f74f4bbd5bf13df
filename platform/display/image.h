// RGBA8 images and PNG files (via Debian's libstb): screenshots, goldens and
// their diffs.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace platform {

struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba;  // width*height*4 bytes, rows top to bottom
};

[[nodiscard]] kiosk::Result<void> writePng(const std::filesystem::path& path, const Image& image);
[[nodiscard]] kiosk::Result<Image> readPng(const std::filesystem::path& path);

// Pixel comparison for golden screenshots. A pixel differs when any channel
// differs by more than `channelTolerance` (0–255). With `shiftPx` > 0 a pixel
// also matches a pixel of the other image up to that many pixels away, and
// this must hold both ways (each image's pixel finds its like in the other),
// so a line that moved or thickened by a pixel passes while a line that
// vanished, a changed glyph or a changed colour does not. Edges of shapes
// drawn at fractional coordinates were seen to land a pixel apart on
// different build machines (the same packages, another CPU: probably the
// math library's run-time choice of FMA code), so goldens made on one
// machine are compared with shiftPx = 1.
struct ImageDiff {
    bool sameSize = false;
    std::int64_t differingPixels = 0;
    double differingRatio = 1.0;  // differingPixels / all pixels
    Image visual;                 // the actual image dimmed, differing pixels red
};
ImageDiff compareImages(const Image& expected, const Image& actual, int channelTolerance, int shiftPx = 0);

}  // namespace platform
