// The one class that hides the windowing system and the GPU from the app
// (after Tracy's Backend): it opens the screen, turns SDL events into Dear
// ImGui input, and renders ImGui draw data with the best renderer available.
//
// Three ways to run:
//   headless  - no display or GPU: SDL's software renderer into a memory
//               surface; input comes from the app (scripts), never from SDL.
//   windowed  - a normal desktop window (--windowed WxH).
//   fullscreen- the kiosk: borderless full screen, no cursor, works on X11,
//               Wayland and KMS/DRM (no display server).
// Renderers: OpenGL 3 (imgui_impl_opengl3), then SDL's accelerated renderer
// (GLES2/GL through SDL), then SDL's software renderer; or one forced.
//
// Rotation (docs/DISPLAY.md) is done here, invisible to the app: ImGui lays
// out at the LOGICAL size (width()/height()); present() puts the picture on
// the PHYSICAL panel turned (GPU renderers: the draw data is turned; SDL's
// software renderer: the finished picture is turned pixel for pixel, as that
// renderer garbles turned text); newFrame() turns SDL's pointer position
// back. The app never sees physical coordinates. Screen power: while off,
// present() shows black and pointer/key input is not given to ImGui.
#pragma once

#include "base/error.h"
#include "image.h"

#include <cstdint>
#include <memory>
#include <string>

struct ImDrawData;

namespace platform {

enum class RendererKind { Auto, Gl, Software };
enum class DisplayMode { Headless, Windowed, Fullscreen };

struct DisplayOptions {
    DisplayMode mode = DisplayMode::Fullscreen;
    int width = 1280;   // px, PHYSICAL (the panel or window); ignored for Fullscreen (the screen's size is used)
    int height = 800;   // px, PHYSICAL
    int rotation = 0;   // degrees clockwise the panel is mounted: 0 | 90 | 180 | 270 (rotation.h)
    RendererKind renderer = RendererKind::Auto;
    std::string title = "kiosk";
    // Headless only: every frame is laid out and its draw data made, but the
    // pixels are drawn only when capture() reads them (long scripted runs,
    // where SDL's software rasterizer would be 95 % of the time).
    bool rasterOnCapture = false;
};

// What waitEvents() saw.
struct EventSummary {
    bool input = false;    // a touch, mouse or key event reached ImGui
    bool press = false;    // among them a finger down, button down or key down (what wakes a dark screen) (screen power off: arrived and was held back)
    bool quit = false;     // the process was asked to stop (SIGTERM/SIGINT, window closed when windowed)
    bool resized = false;  // the drawable size changed
};

class Display {
public:
    virtual ~Display() = default;

    // The LOGICAL size the app lays out in, px: the physical size swapped for
    // rotation 90/270.
    int width() const;
    int height() const;
    // The panel's drawable size in px, whatever the rotation.
    virtual int physicalWidth() const = 0;
    virtual int physicalHeight() const = 0;
    virtual const char* rendererName() const = 0;

    // Degrees clockwise the panel is mounted (0 | 90 | 180 | 270). Takes
    // effect at the next newFrame(); width()/height() change at once.
    [[nodiscard]] kiosk::Result<void> setRotation(int degrees);
    int rotation() const { return m_rotation; }

    // Screen power as the app decides it (ScreenPower). Off: shows black at
    // once, present() draws only black, SDL input is reported but not given to
    // ImGui, and the display server may blank (SDL_EnableScreenSaver). On:
    // blanking is prevented again, and a finger still on the glass from the
    // waking touch is ignored until it lifts (it must not press a button).
    // The backlight is separate (backlight.h).
    void setScreenPower(bool on);
    bool screenPower() const { return m_screenOn; }

    // Waits up to timeoutMs (0 = poll) for events and feeds them to ImGui.
    virtual EventSummary waitEvents(int timeoutMs) = 0;
    // Platform + renderer NewFrame; call before ImGui::NewFrame(). Sets
    // io.DisplaySize to the logical size and maps the pointer from SDL to
    // logical coordinates. (Headless: the app sets io.MousePos itself, in
    // logical coordinates; nothing is mapped.)
    void newFrame();
    // Fills the screen with `background` (0xRRGGBB) and renders the draw data
    // over it, turned onto the panel (GPU renderers turn the draw data in
    // place, once per ImGui frame). A plain fill is far cheaper than a
    // blended full-screen triangle pair in SDL's software renderer. Black
    // only while the screen power is off.
    void present(ImDrawData* drawData, std::uint32_t background);
    // Re-uploads the font atlas after it was rebuilt.
    virtual void reloadFonts() = 0;
    // Wakes waitEvents() from another thread (the sync worker has news).
    virtual void wake() {}
    // The last presented frame as the PHYSICAL panel shows it, rotation
    // applied (headless only).
    [[nodiscard]] virtual kiosk::Result<Image> capture() = 0;

protected:
    // The backend's NewFrame. Must leave io.DisplaySize at the physical size
    // in ImGui units (window points; px when headless).
    virtual void backendNewFrame() = 0;
    // Clears to `background` and renders drawData (may be null: clear only)
    // as is, then shows the result.
    virtual void render(ImDrawData* drawData, std::uint32_t background) = 0;
    // Tells the display server whether it may blank the screen.
    virtual void screenPowerChanged(bool /*on*/) {}
    // True when render() wants the draw data already turned onto the panel
    // (GPU renderers); false when the backend turns the finished picture
    // itself (the software canvas, using frameRotation()).
    virtual bool wantsTurnedDrawData() const { return true; }
    // The rotation the current ImGui frame was laid out for.
    int frameRotation() const { return m_frameRotation; }
    // True when backendNewFrame() writes SDL's pointer position into
    // io.MousePos in physical coordinates (window modes), so newFrame() maps it.
    virtual bool pointerFromSdl() const { return false; }

private:
    int m_rotation = 0;
    int m_frameRotation = 0;  // the rotation newFrame() laid the current ImGui frame out for
    bool m_screenOn = true;
    bool m_ignorePointerUntilLifted = false;
    float m_unitsW = 0.0f, m_unitsH = 0.0f;  // physical size in ImGui units at the last newFrame()
    const ImDrawData* m_turnedData = nullptr;  // draw data already turned this ImGui frame
    int m_turnedFrame = -1;
};

// Requires an ImGui context to exist. Initialises SDL as needed.
[[nodiscard]] kiosk::Result<std::unique_ptr<Display>> openDisplay(const DisplayOptions& options);

// True when a display server or a DRM device is likely usable.
bool displayAvailable();

}  // namespace platform
