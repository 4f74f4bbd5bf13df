// The headless Display with rotation, the way portrait goldens are made: a
// 1280x800 panel mounted 90/180/270 degrees, a small ImGui frame laid out at
// the logical size, and the captured PHYSICAL image checked pixel by pixel
// against the mapping of rotation.h (plain rectangles and a clipped child).
// Also screen power (black, pointer held back until lifted) and turning the
// draw data only once per frame.
#include "display.h"
#include "rotation.h"

#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>

namespace {

constexpr int kPanelW = 1280;
constexpr int kPanelH = 800;
constexpr std::uint32_t kBackground = 0x203040;  // 0xRRGGBB
constexpr ImU32 kRed = IM_COL32(255, 0, 0, 255);
constexpr ImU32 kGreen = IM_COL32(0, 255, 0, 255);

struct Rgb {
    int r, g, b;
};
constexpr Rgb kBg{0x20, 0x30, 0x40};

class DisplayHeadless : public ::testing::Test {
protected:
    void SetUp() override {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        ImGuiStyle& style = ImGui::GetStyle();
        style.WindowPadding = ImVec2(0, 0);
        style.WindowBorderSize = 0.0f;
        style.ChildBorderSize = 0.0f;
        style.WindowRounding = 0.0f;
    }
    void TearDown() override {
        m_display.reset();  // the backends shut down inside the context
        ImGui::DestroyContext();
    }

    void open(int rotation) {
        platform::DisplayOptions o;
        o.mode = platform::DisplayMode::Headless;
        o.width = kPanelW;
        o.height = kPanelH;
        o.rotation = rotation;
        auto d = platform::openDisplay(o);
        ASSERT_TRUE(d.has_value()) << d.error().message;
        m_display = std::move(*d);
    }

    platform::Image frame(const std::function<void()>& draw) {
        m_display->newFrame();
        ImGui::GetIO().DeltaTime = 1.0f / 60.0f;
        ImGui::NewFrame();
        draw();
        ImGui::Render();
        m_display->present(ImGui::GetDrawData(), kBackground);
        auto img = m_display->capture();
        EXPECT_TRUE(img.has_value());
        return img ? *img : platform::Image{};
    }

    // The colour the panel shows for the logical pixel (x, y).
    Rgb atLogical(const platform::Image& img, int x, int y) const {
        const platform::SizeF panel{float(kPanelW), float(kPanelH)};
        const platform::PointF p =
            platform::logicalToPhysical({float(x) + 0.5f, float(y) + 0.5f}, m_display->rotation(), panel);
        const int px = int(std::floor(p.x)), py = int(std::floor(p.y));
        EXPECT_TRUE(px >= 0 && px < img.width && py >= 0 && py < img.height) << px << "," << py;
        const std::size_t i = (std::size_t(py) * std::size_t(img.width) + std::size_t(px)) * 4;
        return {img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]};
    }

    // Every logical pixel of `inner` (shrunk by a 2 px margin against edge
    // blending) shows `in`; the ring between `inner` and `outer` shows `out`.
    void expectRegion(const platform::Image& img, ImVec4 inner, ImVec4 outer, Rgb in, Rgb out) const {
        auto near = [](Rgb a, Rgb b) {
            return std::abs(a.r - b.r) <= 8 && std::abs(a.g - b.g) <= 8 && std::abs(a.b - b.b) <= 8;
        };
        int bad = 0;
        for (int y = int(outer.y) + 2; y < int(outer.w) - 2; ++y) {
            for (int x = int(outer.x) + 2; x < int(outer.z) - 2; ++x) {
                const bool inside = x >= int(inner.x) + 2 && x < int(inner.z) - 2 && y >= int(inner.y) + 2 && y < int(inner.w) - 2;
                const bool outside = x < int(inner.x) - 2 || x >= int(inner.z) + 2 || y < int(inner.y) - 2 || y >= int(inner.w) + 2;
                if (!inside && !outside) continue;  // the edge itself
                const Rgb c = atLogical(img, x, y);
                if (!near(c, inside ? in : out) && ++bad <= 5)
                    ADD_FAILURE() << "rotation " << m_display->rotation() << ": logical (" << x << "," << y << ") is "
                                  << c.r << "," << c.g << "," << c.b << (inside ? " inside" : " outside");
            }
        }
        EXPECT_EQ(bad, 0);
    }

    std::unique_ptr<platform::Display> m_display;
};

void drawRect(ImVec2 a, ImVec2 b, ImU32 colour) { ImGui::GetForegroundDrawList()->AddRectFilled(a, b, colour); }

// A 60x40 child at logical (300, 500) whose content is a much larger rectangle.
void drawClippedChild() {
    ImGui::SetNextWindowPos(ImVec2(300, 500));
    ImGui::SetNextWindowSize(ImVec2(300, 300));
    ImGui::Begin("host", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
    ImGui::BeginChild("clip", ImVec2(60, 40), false, ImGuiWindowFlags_NoBackground);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(o.x - 50, o.y - 50), ImVec2(o.x + 200, o.y + 200), kGreen);
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace

TEST_F(DisplayHeadless, LogicalSizeFollowsRotationPhysicalDoesNot) {
    open(90);
    EXPECT_EQ(m_display->width(), 800);
    EXPECT_EQ(m_display->height(), 1280);
    EXPECT_EQ(m_display->physicalWidth(), 1280);
    EXPECT_EQ(m_display->physicalHeight(), 800);
    const platform::Image img = frame([] {});
    EXPECT_EQ(img.width, 1280);
    EXPECT_EQ(img.height, 800);
    EXPECT_EQ(ImGui::GetIO().DisplaySize.x, 800.0f);
    EXPECT_EQ(ImGui::GetIO().DisplaySize.y, 1280.0f);
}

TEST_F(DisplayHeadless, RectangleLandsWhereTheMappingSays) {
    for (int rotation : {0, 90, 180, 270}) {
        SCOPED_TRACE(rotation);
        open(rotation);
        const platform::Image img = frame([] { drawRect(ImVec2(100, 200), ImVec2(140, 260), kRed); });
        expectRegion(img, ImVec4(100, 200, 140, 260), ImVec4(80, 180, 160, 280), Rgb{255, 0, 0}, kBg);
        // Spot check against hand-worked panel coordinates for 90°: logical
        // (120, 230) is panel (230, 800 - 120) = (230, 680).
        if (rotation == 90) {
            const std::size_t i = (std::size_t(680) * std::size_t(img.width) + 230) * 4;
            EXPECT_EQ(img.rgba[i], 255);
            EXPECT_EQ(img.rgba[i + 1], 0);
        }
        m_display.reset();
    }
}

TEST_F(DisplayHeadless, ClippedChildStaysClippedAfterRotation) {
    for (int rotation : {0, 90, 180, 270}) {
        SCOPED_TRACE(rotation);
        open(rotation);
        const platform::Image img = frame(drawClippedChild);
        // Green only inside the child (300,500)-(360,540); the rest of the big
        // rectangle (250,450)-(500,700) is clipped away.
        expectRegion(img, ImVec4(300, 500, 360, 540), ImVec4(250, 450, 500, 700), Rgb{0, 255, 0}, kBg);
        m_display.reset();
    }
}

// A frame with text (textured quads), a clipped child and rectangles, turned,
// is the upright frame pixel for pixel. (SDL's software renderer would draw a
// turned glyph quad as a plain rectangle copy, garbling text; this catches it.)
// KIOSK_DISPLAY_TEST_OUT=DIR writes the panels as PNGs to look at.
TEST_F(DisplayHeadless, TurnedFrameIsTheUprightFramePixelForPixel) {
    auto draw = [] {
        ImGui::SetNextWindowPos(ImVec2(40, 60));
        ImGui::SetNextWindowSize(ImVec2(300, 100));  // an auto-sized window is hidden in its first frame
        ImGui::Begin("text", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
        ImGui::TextUnformatted("Kiosk 0123 rotated");
        ImGui::End();
        drawClippedChild();
        drawRect(ImVec2(0, 0), ImVec2(20, 20), kRed);  // marks the logical top-left corner
    };
    // The upright reference: the same 800x1280 logical picture on an
    // upright 800x1280 panel.
    platform::DisplayOptions o;
    o.mode = platform::DisplayMode::Headless;
    o.width = 800;
    o.height = 1280;
    auto upright = platform::openDisplay(o);
    ASSERT_TRUE(upright.has_value());
    m_display = std::move(*upright);
    const platform::Image reference = frame(draw);
    m_display.reset();

    for (int rotation : {90, 270}) {
        SCOPED_TRACE(rotation);
        open(rotation);
        const platform::Image img = frame(draw);
        if (const char* dir = std::getenv("KIOSK_DISPLAY_TEST_OUT")) {
            EXPECT_TRUE(platform::writePng(std::string(dir) + "/rotation-" + std::to_string(rotation) + ".png", img));
        }
        int differing = 0, textPixels = 0;
        for (int y = 0; y < reference.height; ++y)
            for (int x = 0; x < reference.width; ++x) {
                const std::size_t i = (std::size_t(y) * std::size_t(reference.width) + std::size_t(x)) * 4;
                const Rgb want{reference.rgba[i], reference.rgba[i + 1], reference.rgba[i + 2]};
                const Rgb got = atLogical(img, x, y);
                if (want.r > 0x80 && want.g > 0x80) ++textPixels;
                if (got.r != want.r || got.g != want.g || got.b != want.b) ++differing;
            }
        EXPECT_GT(textPixels, 100);  // the text was drawn at all
        EXPECT_EQ(differing, 0);
        m_display.reset();
    }
}

TEST_F(DisplayHeadless, RotationChangesAtRunTime) {
    open(0);
    EXPECT_EQ(m_display->width(), 1280);
    ASSERT_TRUE(m_display->setRotation(270).has_value());
    EXPECT_EQ(m_display->width(), 800);
    EXPECT_EQ(m_display->height(), 1280);
    const platform::Image img = frame([] { drawRect(ImVec2(10, 1000), ImVec2(60, 1100), kRed); });
    expectRegion(img, ImVec4(10, 1000, 60, 1100), ImVec4(0, 980, 80, 1120), Rgb{255, 0, 0}, kBg);

    const auto bad = m_display->setRotation(45);
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().message.find("0, 90, 180 or 270"), std::string::npos);
    EXPECT_EQ(m_display->rotation(), 270);
}

TEST_F(DisplayHeadless, OpeningWithABadRotationFails) {
    platform::DisplayOptions o;
    o.mode = platform::DisplayMode::Headless;
    o.rotation = 45;
    const auto d = platform::openDisplay(o);
    ASSERT_FALSE(d.has_value());
    EXPECT_NE(d.error().message.find("display.rotation"), std::string::npos);
}

TEST_F(DisplayHeadless, PresentingTheSameFrameTwiceTurnsItOnce) {
    open(90);
    m_display->newFrame();
    ImGui::NewFrame();
    drawRect(ImVec2(100, 200), ImVec2(140, 260), kRed);
    ImGui::Render();
    m_display->present(ImGui::GetDrawData(), kBackground);
    m_display->present(ImGui::GetDrawData(), kBackground);
    const auto img = m_display->capture();
    ASSERT_TRUE(img.has_value());
    expectRegion(*img, ImVec4(100, 200, 140, 260), ImVec4(80, 180, 160, 280), Rgb{255, 0, 0}, kBg);
}

TEST_F(DisplayHeadless, ScreenPowerOffShowsBlack) {
    open(90);
    m_display->setScreenPower(false);
    EXPECT_FALSE(m_display->screenPower());
    auto img = m_display->capture();  // dark at once, before any frame
    ASSERT_TRUE(img.has_value());
    auto allBlack = [](const platform::Image& i) {
        for (std::size_t k = 0; k < i.rgba.size(); k += 4)
            if (i.rgba[k] || i.rgba[k + 1] || i.rgba[k + 2]) return false;
        return true;
    };
    EXPECT_TRUE(allBlack(*img));
    EXPECT_TRUE(allBlack(frame([] { drawRect(ImVec2(0, 0), ImVec2(800, 1280), kRed); })));
    m_display->setScreenPower(true);
    const platform::Image lit = frame([] { drawRect(ImVec2(100, 200), ImVec2(140, 260), kRed); });
    expectRegion(lit, ImVec4(100, 200, 140, 260), ImVec4(80, 180, 160, 280), Rgb{255, 0, 0}, kBg);
}

// The touch that woke the screen must not press what is under it: after
// power returns, a pointer that is down is held back until it lifts.
TEST_F(DisplayHeadless, WakingTouchIsHeldBackUntilLifted) {
    open(90);
    ImGuiIO& io = ImGui::GetIO();
    m_display->setScreenPower(false);
    m_display->setScreenPower(true);
    io.MousePos = ImVec2(100, 200);  // headless input is logical already
    io.MouseDown[0] = true;
    m_display->newFrame();
    EXPECT_FALSE(io.MouseDown[0]);
    EXPECT_FALSE(ImGui::IsMousePosValid(&io.MousePos));
    m_display->newFrame();  // lifted (nothing pressed it again): the hold ends
    io.MousePos = ImVec2(100, 200);
    io.MouseDown[0] = true;
    m_display->newFrame();
    EXPECT_TRUE(io.MouseDown[0]);
    EXPECT_EQ(io.MousePos.x, 100.0f);  // not mapped: the app gives logical positions when headless
    EXPECT_EQ(io.MousePos.y, 200.0f);
}
