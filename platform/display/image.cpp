// PNG read/write through stb_image / stb_image_write (libstb0), and a
// tolerant pixel comparison for goldens.
#include "image.h"

#include <fmt/format.h>
#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdlib>

namespace platform {

kiosk::Result<void> writePng(const std::filesystem::path& path, const Image& image) {
    if (image.width <= 0 || image.height <= 0 ||
        image.rgba.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4)
        return kiosk::fail(kiosk::ErrorCode::InvalidArgument, "cannot write an empty or inconsistent image");
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (!stbi_write_png(path.c_str(), image.width, image.height, 4, image.rgba.data(), image.width * 4))
        return kiosk::fail(kiosk::ErrorCode::Io,
                           fmt::format("cannot write {}: check that the folder exists and is writable", path.string()));
    return {};
}

kiosk::Result<Image> readPng(const std::filesystem::path& path) {
    int w = 0, h = 0, n = 0;
    unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 4);
    if (!data)
        return kiosk::fail(kiosk::ErrorCode::NotFound,
                           fmt::format("cannot read PNG {}: {}", path.string(), stbi_failure_reason()));
    Image img;
    img.width = w;
    img.height = h;
    img.rgba.assign(data, data + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    stbi_image_free(data);
    return img;
}

ImageDiff compareImages(const Image& expected, const Image& actual, int channelTolerance) {
    ImageDiff d;
    d.sameSize = expected.width == actual.width && expected.height == actual.height &&
                 expected.rgba.size() == actual.rgba.size();
    if (!d.sameSize) return d;
    d.visual = actual;
    const std::size_t pixels = actual.rgba.size() / 4;
    for (std::size_t i = 0; i < pixels; ++i) {
        const std::uint8_t* a = &expected.rgba[i * 4];
        const std::uint8_t* b = &actual.rgba[i * 4];
        bool differs = false;
        for (int c = 0; c < 4; ++c) differs |= std::abs(int(a[c]) - int(b[c])) > channelTolerance;
        std::uint8_t* v = &d.visual.rgba[i * 4];
        if (differs) {
            ++d.differingPixels;
            v[0] = 255; v[1] = 0; v[2] = 0; v[3] = 255;
        } else {
            for (int c = 0; c < 3; ++c) v[c] = static_cast<std::uint8_t>(v[c] / 4 + 160);
        }
    }
    d.differingRatio = pixels ? double(d.differingPixels) / double(pixels) : 0.0;
    return d;
}

}  // namespace platform
