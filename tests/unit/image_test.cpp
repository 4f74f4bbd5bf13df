// PNG round trip and the golden comparison tolerance.
#include "image.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

using platform::Image;

namespace {
Image solid(int w, int h, std::uint8_t v) {
    Image img{w, h, std::vector<std::uint8_t>(std::size_t(w) * std::size_t(h) * 4, v)};
    for (std::size_t i = 3; i < img.rgba.size(); i += 4) img.rgba[i] = 255;
    return img;
}
}  // namespace

TEST(Image, PngRoundTrip) {
    const auto path = std::filesystem::temp_directory_path() / ("kiosk_image_test-" + std::to_string(getpid()) + ".png");
    Image a = solid(7, 5, 40);
    a.rgba[4 * 6] = 200;
    ASSERT_TRUE(platform::writePng(path, a).has_value());
    auto b = platform::readPng(path);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->rgba, a.rgba);
    std::filesystem::remove(path);
}

TEST(Image, CompareCountsOnlyPixelsBeyondTolerance) {
    Image a = solid(10, 10, 100);
    Image b = a;
    b.rgba[0] = 110;   // within tolerance 16
    b.rgba[40] = 180;  // beyond
    const auto d = platform::compareImages(a, b, 16);
    EXPECT_TRUE(d.sameSize);
    EXPECT_EQ(d.differingPixels, 1);
    EXPECT_DOUBLE_EQ(d.differingRatio, 0.01);
    EXPECT_FALSE(platform::compareImages(a, solid(10, 11, 100), 16).sameSize);
    EXPECT_FALSE(platform::readPng("/nonexistent.png").has_value());
}

TEST(Image, AShiftOfOnePixelPassesButAVanishedLineOrANewColourDoesNot) {
    auto withRow = [](int row, int rows, std::uint8_t grey) {
        Image img = solid(12, 12, 250);
        for (int y = row; y < row + rows; ++y)
            for (int x = 0; x < 12; ++x)
                for (int c = 0; c < 3; ++c) img.rgba[(std::size_t(y) * 12 + std::size_t(x)) * 4 + std::size_t(c)] = grey;
        return img;
    };
    const Image golden = withRow(5, 1, 100);
    EXPECT_GT(platform::compareImages(golden, withRow(6, 1, 100), 16).differingPixels, 0) << "exact by default";
    EXPECT_EQ(platform::compareImages(golden, withRow(6, 1, 100), 16, 1).differingPixels, 0) << "moved one pixel";
    EXPECT_EQ(platform::compareImages(golden, withRow(5, 2, 100), 16, 1).differingPixels, 0) << "one pixel thicker";
    EXPECT_EQ(platform::compareImages(golden, withRow(7, 1, 100), 16, 1).differingPixels, 24) << "moved two pixels";
    EXPECT_EQ(platform::compareImages(golden, solid(12, 12, 250), 16, 1).differingPixels, 12) << "the line vanished";
    EXPECT_EQ(platform::compareImages(golden, withRow(5, 1, 30), 16, 1).differingPixels, 12) << "another colour";
}
