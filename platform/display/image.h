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
// differs by more than `channelTolerance` (0–255).
struct ImageDiff {
    bool sameSize = false;
    std::int64_t differingPixels = 0;
    double differingRatio = 1.0;  // differingPixels / all pixels
    Image visual;                 // the actual image dimmed, differing pixels red
};
ImageDiff compareImages(const Image& expected, const Image& actual, int channelTolerance);

}  // namespace platform
