// Screen rotation as pure arithmetic: where a point of the app's LOGICAL
// picture lands on the PHYSICAL panel and back, for a panel mounted turned
// 0, 90, 180 or 270 degrees clockwise (display.rotation). Display uses these
// to turn ImGui's draw data before rendering and to turn touches back; the
// app's touch-test screen and the tests use them directly. This file must
// never touch SDL or keep state.
//
// Convention (the one kiosk.toml documents): `rotation` says how the panel is
// mounted, seen by the visitor, in degrees clockwise from its native
// landscape position. The picture is therefore drawn on the panel turned the
// other way, so it is upright for the visitor:
//
//   rotation   logical (x, y) -> physical (px, py)      logical size
//      0       (x, y)                                    pw x ph
//     90       (y, ph - x)        top edge -> panel's left edge   ph x pw
//    180       (pw - x, ph - y)                          pw x ph
//    270       (pw - y, x)        top edge -> panel's right edge  ph x pw
//
// Points are continuous coordinates (a W-wide picture spans 0..W), like
// ImGui's vertex positions and clip rectangles. An integer pixel index i is
// the point i + 0.5 (see mapPixelToLogical).
#pragma once

#include <cstdint>

struct ImDrawData;

namespace platform {

struct PointF {
    float x = 0.0f;
    float y = 0.0f;
};

struct SizeF {
    float w = 0.0f;
    float h = 0.0f;
};

// True for 0, 90, 180 and 270.
bool isValidRotation(int degrees);

// The size the app lays out in: the physical size, swapped for 90 and 270.
SizeF logicalSize(int rotation, SizeF physical);

// A logical point to the panel's coordinates. `physical` is the panel size.
PointF logicalToPhysical(PointF logical, int rotation, SizeF physical);
// A panel point (a mouse or touch position from SDL) to logical coordinates.
PointF physicalToLogical(PointF physical, int rotation, SizeF physicalSize);

// An integer pixel position on the panel (SDL's mouse coordinates) to a
// logical position, mapping pixel centres so the result stays inside
// 0..size-1 (a tap on the panel's last column is not a tap off-screen).
PointF mapPixelToLogical(PointF physicalPixel, int rotation, SizeF physicalSize);

// An SDL_FINGER* event position (normalised 0..1 over the panel) to logical
// pixels.
PointF fingerToLogical(float normalisedX, float normalisedY, int rotation, SizeF physicalSize);

// Copies a logical picture of 32-bit pixels onto the panel, turned: `src` is
// logicalW x logicalH, `dst` the panel (logicalSize() of it swapped back).
// Strides are in pixels. Exact, pixel for pixel. The software path uses this
// instead of rotateDrawData(): SDL's software renderer draws any triangle
// pair that covers an axis-aligned rectangle as a plain rectangle copy, which
// garbles quarter-turned text.
void rotatePixels(const std::uint32_t* src, int srcStride, int logicalW, int logicalH, int rotation,
                  std::uint32_t* dst, int dstStride);

// Turns ImGui draw data laid out at the logical size into panel coordinates,
// in place: every vertex position and every clip rectangle (a quarter turn
// keeps them axis-aligned); DisplayPos becomes (0,0) and DisplaySize
// `physical`. Textures are untouched, so any renderer draws the result.
// Display::present() does this once per frame for the GPU renderers;
// exposed for tests.
void rotateDrawData(ImDrawData& drawData, int rotation, SizeF physical);

}  // namespace platform
