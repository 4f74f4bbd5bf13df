// The rotation arithmetic of platform/display/rotation.h: round trips for all
// four rotations, the corners going where docs/DISPLAY.md says, pixel and
// finger mapping, and the in-place turn of ImGui draw data (vertices and clip
// rectangles) without any renderer.
#include "rotation.h"

#include <gtest/gtest.h>
#include <imgui.h>

namespace {

using platform::PointF;
using platform::SizeF;

constexpr SizeF kPanel{1280.0f, 800.0f};
constexpr int kRotations[] = {0, 90, 180, 270};

void expectNear(PointF a, PointF b) {
    EXPECT_NEAR(a.x, b.x, 1e-3f);
    EXPECT_NEAR(a.y, b.y, 1e-3f);
}

}  // namespace

TEST(DisplayRotation, OnlyQuarterTurnsAreValid) {
    for (int r : kRotations) EXPECT_TRUE(platform::isValidRotation(r)) << r;
    for (int r : {-90, 45, 360, 1}) EXPECT_FALSE(platform::isValidRotation(r)) << r;
}

TEST(DisplayRotation, LogicalSizeSwapsForPortrait) {
    EXPECT_EQ(platform::logicalSize(0, kPanel).w, 1280.0f);
    EXPECT_EQ(platform::logicalSize(90, kPanel).w, 800.0f);
    EXPECT_EQ(platform::logicalSize(90, kPanel).h, 1280.0f);
    EXPECT_EQ(platform::logicalSize(180, kPanel).h, 800.0f);
    EXPECT_EQ(platform::logicalSize(270, kPanel).w, 800.0f);
}

TEST(DisplayRotation, RoundTripsForAllRotations) {
    for (int r : kRotations) {
        const SizeF l = platform::logicalSize(r, kPanel);
        for (PointF p : {PointF{0, 0}, PointF{l.w, l.h}, PointF{12.5f, 700.0f}, PointF{l.w - 1, 3}, PointF{399, 799}}) {
            const PointF phys = platform::logicalToPhysical(p, r, kPanel);
            EXPECT_GE(phys.x, 0.0f);
            EXPECT_LE(phys.x, kPanel.w);
            EXPECT_GE(phys.y, 0.0f);
            EXPECT_LE(phys.y, kPanel.h);
            SCOPED_TRACE(r);
            expectNear(platform::physicalToLogical(phys, r, kPanel), p);
        }
        // And the other way round, from every panel corner.
        for (PointF q : {PointF{0, 0}, PointF{kPanel.w, 0}, PointF{0, kPanel.h}, PointF{640, 400}}) {
            SCOPED_TRACE(r);
            expectNear(platform::logicalToPhysical(platform::physicalToLogical(q, r, kPanel), r, kPanel), q);
        }
    }
}

// Rotation is how the panel is mounted, clockwise: the picture's top-left
// corner must be at the panel corner that the visitor sees top-left.
TEST(DisplayRotation, CornersFollowTheMounting) {
    // Mounted 90° clockwise: the panel's bottom-left corner is the visitor's top-left.
    expectNear(platform::logicalToPhysical({0, 0}, 90, kPanel), {0, kPanel.h});
    expectNear(platform::logicalToPhysical({800, 0}, 90, kPanel), {0, 0});
    expectNear(platform::logicalToPhysical({0, 0}, 180, kPanel), {kPanel.w, kPanel.h});
    // Mounted 270° clockwise (90° anticlockwise): the panel's top-right corner.
    expectNear(platform::logicalToPhysical({0, 0}, 270, kPanel), {kPanel.w, 0});
    expectNear(platform::logicalToPhysical({0, 1280}, 270, kPanel), {0, 0});
}

TEST(DisplayRotation, PixelsStayOnScreen) {
    for (int r : kRotations) {
        const SizeF l = platform::logicalSize(r, kPanel);
        for (PointF px : {PointF{0, 0}, PointF{kPanel.w - 1, kPanel.h - 1}, PointF{kPanel.w - 1, 0}, PointF{0, kPanel.h - 1}}) {
            const PointF p = platform::mapPixelToLogical(px, r, kPanel);
            EXPECT_GE(p.x, 0.0f) << r;
            EXPECT_LE(p.x, l.w - 1) << r;
            EXPECT_GE(p.y, 0.0f) << r;
            EXPECT_LE(p.y, l.h - 1) << r;
        }
    }
    // Panel pixel (0, 799) is logical pixel (0, 0) when mounted 90° clockwise.
    expectNear(platform::mapPixelToLogical({0, 799}, 90, kPanel), {0, 0});
}

TEST(DisplayRotation, FingersAreNormalisedOverThePanel) {
    expectNear(platform::fingerToLogical(0.5f, 0.5f, 90, kPanel), {400, 640});
    expectNear(platform::fingerToLogical(0.0f, 1.0f, 90, kPanel), {0, 0});
    expectNear(platform::fingerToLogical(1.0f, 0.0f, 270, kPanel), {0, 0});
    expectNear(platform::fingerToLogical(0.25f, 0.5f, 0, kPanel), {320, 400});
}

TEST(DisplayRotation, PixelsAreTurnedExactlyAsPointsAre) {
    constexpr int lw = 5, lh = 3;
    std::uint32_t src[lh][lw + 2] = {};  // stride 7: padding must be skipped
    for (int y = 0; y < lh; ++y)
        for (int x = 0; x < lw; ++x) src[y][x] = std::uint32_t(y * 100 + x + 1);
    for (int r : kRotations) {
        const SizeF logical{float(lw), float(lh)};
        const SizeF panel = platform::logicalSize(r, logical);  // swapping back is the same swap
        const int pw = int(panel.w), ph = int(panel.h);
        std::uint32_t dst[8][8] = {};  // stride 8
        platform::rotatePixels(&src[0][0], lw + 2, lw, lh, r, &dst[0][0], 8);
        for (int y = 0; y < lh; ++y)
            for (int x = 0; x < lw; ++x) {
                const PointF p = platform::logicalToPhysical({float(x) + 0.5f, float(y) + 0.5f}, r, panel);
                const int px = int(p.x), py = int(p.y);
                ASSERT_TRUE(px >= 0 && px < pw && py >= 0 && py < ph) << r;
                EXPECT_EQ(dst[py][px], src[y][x]) << "rotation " << r << " logical " << x << "," << y;
            }
    }
}

TEST(DisplayRotation, DrawDataVerticesAndClipRectsAreTurned) {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(800, 1280);  // logical: a 1280x800 panel mounted 90° clockwise
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int tw = 0, th = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &tw, &th);
    ImGui::NewFrame();
    ImDrawList* list = ImGui::GetForegroundDrawList();
    list->PushClipRect(ImVec2(10, 20), ImVec2(110, 70));
    list->AddRectFilled(ImVec2(0, 0), ImVec2(200, 200), IM_COL32(255, 0, 0, 255));
    list->PopClipRect();
    ImGui::Render();
    ImDrawData* dd = ImGui::GetDrawData();
    ASSERT_NE(dd, nullptr);

    platform::rotateDrawData(*dd, 90, kPanel);
    EXPECT_EQ(dd->DisplaySize.x, 1280.0f);
    EXPECT_EQ(dd->DisplaySize.y, 800.0f);
    bool sawClip = false;
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
        if (cmd.ElemCount == 0) continue;
        // logical x 10..110 -> physical y 800-110 .. 800-10; logical y 20..70 -> physical x 20..70
        EXPECT_FLOAT_EQ(cmd.ClipRect.x, 20.0f);
        EXPECT_FLOAT_EQ(cmd.ClipRect.y, 690.0f);
        EXPECT_FLOAT_EQ(cmd.ClipRect.z, 70.0f);
        EXPECT_FLOAT_EQ(cmd.ClipRect.w, 790.0f);
        sawClip = true;
    }
    EXPECT_TRUE(sawClip);
    ASSERT_GT(list->VtxBuffer.Size, 0);
    for (const ImDrawVert& v : list->VtxBuffer) {
        EXPECT_GE(v.pos.x, 0.0f);
        EXPECT_LE(v.pos.x, 200.0f);
        EXPECT_GE(v.pos.y, 600.0f);
        EXPECT_LE(v.pos.y, 800.0f);
    }
    ImGui::DestroyContext();
}
