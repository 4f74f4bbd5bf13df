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
    int width = 1280;   // px; ignored for Fullscreen (the screen's size is used)
    int height = 800;   // px
    RendererKind renderer = RendererKind::Auto;
    std::string title = "kiosk";
};

// What waitEvents() saw.
struct EventSummary {
    bool input = false;    // a touch, mouse or key event reached ImGui
    bool quit = false;     // the process was asked to stop (SIGTERM/SIGINT, window closed when windowed)
    bool resized = false;  // the drawable size changed
};

class Display {
public:
    virtual ~Display() = default;
    virtual int width() const = 0;   // drawable size in px
    virtual int height() const = 0;
    virtual const char* rendererName() const = 0;

    // Waits up to timeoutMs (0 = poll) for events and feeds them to ImGui.
    virtual EventSummary waitEvents(int timeoutMs) = 0;
    // Platform + renderer NewFrame; call before ImGui::NewFrame().
    virtual void newFrame() = 0;
    // Fills the screen with `background` (0xRRGGBB) and renders the draw data
    // over it. A plain fill is far cheaper than a blended full-screen
    // triangle pair in SDL's software renderer.
    virtual void present(ImDrawData* drawData, std::uint32_t background) = 0;
    // Re-uploads the font atlas after it was rebuilt.
    virtual void reloadFonts() = 0;
    // Wakes waitEvents() from another thread (the sync worker has news).
    virtual void wake() {}
    // The last presented frame (headless only).
    [[nodiscard]] virtual kiosk::Result<Image> capture() = 0;
};

// Requires an ImGui context to exist. Initialises SDL as needed.
[[nodiscard]] kiosk::Result<std::unique_ptr<Display>> openDisplay(const DisplayOptions& options);

// True when a display server or a DRM device is likely usable.
bool displayAvailable();

}  // namespace platform
