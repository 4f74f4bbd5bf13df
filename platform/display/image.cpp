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

ImageDiff compareImages(const Image& expected, const Image& actual, int channelTolerance, int shiftPx) {
    ImageDiff d;
    d.sameSize = expected.width == actual.width && expected.height == actual.height &&
                 expected.rgba.size() == actual.rgba.size();
    if (!d.sameSize) return d;
    d.visual = actual;
    const int w = actual.width, h = actual.height;
    const std::size_t pixels = actual.rgba.size() / 4;
    auto close = [&](const std::uint8_t* a, const std::uint8_t* b) {
        for (int c = 0; c < 4; ++c)
            if (std::abs(int(a[c]) - int(b[c])) > channelTolerance) return false;
        return true;
    };
    // Does pixel (x, y) of `from` have a like in `in` within shiftPx?
    auto found = [&](const Image& from, const Image& in, int x, int y) {
        const std::uint8_t* p = &from.rgba[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 4];
        for (int dy = -shiftPx; dy <= shiftPx; ++dy)
            for (int dx = -shiftPx; dx <= shiftPx; ++dx) {
                const int xx = x + dx, yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                if (close(p, &in.rgba[(std::size_t(yy) * std::size_t(w) + std::size_t(xx)) * 4])) return true;
            }
        return false;
    };
    for (std::size_t i = 0; i < pixels; ++i) {
        const int x = int(i % std::size_t(w)), y = int(i / std::size_t(w));
        bool differs = !close(&expected.rgba[i * 4], &actual.rgba[i * 4]);
        if (differs && shiftPx > 0) differs = !(found(actual, expected, x, y) && found(expected, actual, x, y));
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
