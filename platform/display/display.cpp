// SDL2 implementations of Display: a headless software surface and an SDL
// window with an OpenGL 3 or SDL_Renderer path; plus the parts every backend
// shares (rotation of draw data and pointer, screen power).
#include "display.h"

#include "rotation.h"

#include "base/log.h"

#include <SDL.h>
#include <SDL_opengl.h>
#include <fmt/format.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

#include <cfloat>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

namespace platform {
namespace {

using kiosk::ErrorCode;
using kiosk::fail;

auto logger() { return kiosk::log::channel("display"); }

// ---------------------------------------------------------------------------
// SDL's software renderer drawing ImGui unturned into a canvas of the logical
// size, then copied onto the panel turned pixel for pixel (rotatePixels).
// Used headless and for a window without a GPU. Turning the draw data does
// not work here: SDL's software renderer draws any triangle pair covering an
// axis-aligned rectangle as a rectangle copy, which garbles quarter-turned
// text. Owns the ImGui SDL_Renderer backend while open.
class SoftwareCanvas {
public:
    SoftwareCanvas() = default;
    SoftwareCanvas(const SoftwareCanvas&) = delete;
    SoftwareCanvas& operator=(const SoftwareCanvas&) = delete;
    ~SoftwareCanvas() { close(); }

    // Makes the canvas w x h in `format` (a 32-bit SDL_PIXELFORMAT_*);
    // reopens it, and the ImGui backend with it, only when that changed. Call
    // outside a frame: the font texture is made again at the next NewFrame.
    kiosk::Result<void> ensure(int w, int h, Uint32 format) {
        if (m_canvas && m_canvas->w == w && m_canvas->h == h && m_canvas->format->format == format) return {};
        close();
        m_canvas = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, format);
        if (!m_canvas)
            return fail(ErrorCode::Unsupported, fmt::format("cannot create a {}x{} canvas: {}", w, h, SDL_GetError()));
        m_renderer = SDL_CreateSoftwareRenderer(m_canvas);
        if (!m_renderer) return fail(ErrorCode::Unsupported, fmt::format("no software renderer: {}", SDL_GetError()));
        if (!ImGui_ImplSDLRenderer_Init(m_renderer))
            return fail(ErrorCode::Internal, "ImGui SDL_Renderer backend failed to start");
        m_backend = true;
        return {};
    }

    void close() {
        if (m_backend) ImGui_ImplSDLRenderer_Shutdown();
        m_backend = false;
        if (m_renderer) SDL_DestroyRenderer(m_renderer);
        m_renderer = nullptr;
        if (m_canvas) SDL_FreeSurface(m_canvas);
        m_canvas = nullptr;
        if (m_scratch) SDL_FreeSurface(m_scratch);
        m_scratch = nullptr;
    }

    bool ready() const { return m_backend; }
    void newFrame() {
        if (m_backend) ImGui_ImplSDLRenderer_NewFrame();
    }
    void reloadFonts() {
        if (!m_backend) return;
        ImGui_ImplSDLRenderer_DestroyFontsTexture();
        ImGui_ImplSDLRenderer_CreateFontsTexture();
    }

    // Draws drawData (logical coordinates; null = background only) over
    // `bg` (0xRRGGBB) and copies the picture onto `panel`, turned.
    void present(ImDrawData* drawData, std::uint32_t bg, int rotation, SDL_Surface* panel) {
        const bool quarter = rotation == 90 || rotation == 270;
        const int lw = quarter ? panel->h : panel->w;
        const int lh = quarter ? panel->w : panel->h;
        if (!m_canvas || m_canvas->w != lw || m_canvas->h != lh) {
            // Only before the first frame (or after a failed ensure()): no
            // picture to show yet, just the background.
            SDL_FillRect(panel, nullptr, SDL_MapRGB(panel->format, Uint8(bg >> 16), Uint8(bg >> 8), Uint8(bg)));
            return;
        }
        // Cleared through the renderer, in order with its queued commands (a
        // direct SDL_FillRect on the surface can land before commands the
        // renderer still holds, and a dialog's shade then piles up).
        SDL_SetRenderDrawColor(m_renderer, Uint8(bg >> 16), Uint8(bg >> 8), Uint8(bg), 255);
        SDL_RenderClear(m_renderer);
        if (drawData) ImGui_ImplSDLRenderer_RenderDrawData(drawData);
        SDL_RenderPresent(m_renderer);
        SDL_Surface* target = panel;
        if (panel->format->format != m_canvas->format->format) {  // rotate in the canvas format, then convert
            if (!m_scratch || m_scratch->w != panel->w || m_scratch->h != panel->h) {
                if (m_scratch) SDL_FreeSurface(m_scratch);
                m_scratch = SDL_CreateRGBSurfaceWithFormat(0, panel->w, panel->h, 32, m_canvas->format->format);
                if (!m_scratch) return;
            }
            target = m_scratch;
        }
        SDL_LockSurface(m_canvas);
        SDL_LockSurface(target);
        rotatePixels(static_cast<const std::uint32_t*>(m_canvas->pixels), m_canvas->pitch / 4, lw, lh, rotation,
                     static_cast<std::uint32_t*>(target->pixels), target->pitch / 4);
        SDL_UnlockSurface(target);
        SDL_UnlockSurface(m_canvas);
        if (target != panel) SDL_BlitSurface(target, nullptr, panel, nullptr);
    }

private:
    SDL_Surface* m_canvas = nullptr;
    SDL_Renderer* m_renderer = nullptr;
    SDL_Surface* m_scratch = nullptr;  // when the panel's pixel format differs from the canvas's
    bool m_backend = false;
};

// ---------------------------------------------------------------------------
// Headless: SDL's software renderer into memory (SoftwareCanvas), the panel
// being a surface that capture() reads. No SDL video subsystem, no window, no
// platform backend: the app feeds input itself, in logical coordinates.
class HeadlessDisplay final : public Display {
public:
    ~HeadlessDisplay() override {
        m_canvas.close();
        if (m_surface) SDL_FreeSurface(m_surface);
    }

    kiosk::Result<void> open(int w, int h, bool rasterOnCapture) {
        m_rasterOnCapture = rasterOnCapture;
        m_surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
        if (!m_surface) return fail(ErrorCode::Unsupported, fmt::format("cannot create a {}x{} surface: {}", w, h, SDL_GetError()));
        return m_canvas.ensure(w, h, SDL_PIXELFORMAT_RGBA32);
    }

    int physicalWidth() const override { return m_surface->w; }
    int physicalHeight() const override { return m_surface->h; }
    const char* rendererName() const override { return "software (headless)"; }
    EventSummary waitEvents(int) override { return {}; }
    void reloadFonts() override { m_canvas.reloadFonts(); }
    kiosk::Result<Image> capture() override {
        if (m_unrasterized) {  // the last frame's draw data is still ImGui's until its next NewFrame
            m_canvas.present(m_lastWasBlack ? nullptr : ImGui::GetDrawData(), m_lastBg, frameRotation(), m_surface);
            m_unrasterized = false;
        }
        Image img;
        img.width = m_surface->w;
        img.height = m_surface->h;
        img.rgba.resize(std::size_t(img.width) * std::size_t(img.height) * 4);
        SDL_LockSurface(m_surface);
        for (int y = 0; y < img.height; ++y) {
            const auto* row = static_cast<const std::uint8_t*>(m_surface->pixels) + std::size_t(y) * std::size_t(m_surface->pitch);
            std::memcpy(&img.rgba[std::size_t(y) * std::size_t(img.width) * 4], row, std::size_t(img.width) * 4);
        }
        SDL_UnlockSurface(m_surface);
        for (std::size_t i = 3; i < img.rgba.size(); i += 4) img.rgba[i] = 255;  // opaque like a screen
        return img;
    }

protected:
    bool wantsTurnedDrawData() const override { return false; }
    void backendNewFrame() override {
        const bool quarter = frameRotation() == 90 || frameRotation() == 270;
        if (auto r = m_canvas.ensure(quarter ? m_surface->h : m_surface->w, quarter ? m_surface->w : m_surface->h,
                                     SDL_PIXELFORMAT_RGBA32);
            !r)
            logger()->error("{}", r.error().message);
        m_canvas.newFrame();
        ImGui::GetIO().DisplaySize = ImVec2(float(m_surface->w), float(m_surface->h));
    }
    void render(ImDrawData* drawData, std::uint32_t bg) override {
        if (m_rasterOnCapture) {
            m_unrasterized = true;
            m_lastWasBlack = drawData == nullptr;
            m_lastBg = bg;
            return;
        }
        m_canvas.present(drawData, bg, frameRotation(), m_surface);
    }

private:
    bool m_rasterOnCapture = false;
    bool m_unrasterized = false;  // render() was called since the panel was last drawn
    bool m_lastWasBlack = false;
    std::uint32_t m_lastBg = 0;
    SDL_Surface* m_surface = nullptr;  // the panel
    SoftwareCanvas m_canvas;
};

// ---------------------------------------------------------------------------
// A real window (desktop or full screen / KMS) with GL or an SDL_Renderer.
class WindowDisplay final : public Display {
public:
    ~WindowDisplay() override {
        if (m_gl) {
            ImGui_ImplOpenGL3_Shutdown();
            ImGui_ImplSDL2_Shutdown();
            SDL_GL_DeleteContext(m_gl);
        } else if (m_renderer) {
            ImGui_ImplSDLRenderer_Shutdown();
            ImGui_ImplSDL2_Shutdown();
            SDL_DestroyRenderer(m_renderer);
        } else if (m_software) {
            m_canvas.close();
            ImGui_ImplSDL2_Shutdown();
        }
        if (m_window) SDL_DestroyWindow(m_window);
        SDL_Quit();
    }

    kiosk::Result<void> open(const DisplayOptions& o) {
        // Closing the last window must not end a kiosk; SIGTERM still does.
        SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
        SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
        if (o.mode == DisplayMode::Fullscreen) SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
        if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0)
            return fail(ErrorCode::Unsupported,
                        fmt::format("no display: {} (run with --headless on machines without a screen)", SDL_GetError()));
        m_fullscreen = o.mode == DisplayMode::Fullscreen;
        Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
        if (m_fullscreen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
        else flags |= SDL_WINDOW_RESIZABLE;

        const bool tryGl = o.renderer != RendererKind::Software;
        if (tryGl) {
            SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
            SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
            SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
            SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 2);
            SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
            m_window = SDL_CreateWindow(o.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o.width,
                                        o.height, flags | SDL_WINDOW_OPENGL);
            if (m_window) m_gl = SDL_GL_CreateContext(m_window);
            if (m_gl) {
                SDL_GL_MakeCurrent(m_window, m_gl);
                SDL_GL_SetSwapInterval(1);
                ImGui_ImplSDL2_InitForOpenGL(m_window, m_gl);
                if (!ImGui_ImplOpenGL3_Init("#version 150")) {
                    ImGui_ImplSDL2_Shutdown();
                    SDL_GL_DeleteContext(m_gl);
                    m_gl = nullptr;
                } else {
                    m_name = "opengl3";
                }
            }
            if (!m_gl) {
                logger()->warn("OpenGL 3 is not available ({}); trying SDL's renderers", SDL_GetError());
                if (o.renderer == RendererKind::Gl)
                    return fail(ErrorCode::Unsupported, "renderer 'gl' was forced but OpenGL 3 is not available");
                if (m_window) SDL_DestroyWindow(m_window);
                m_window = nullptr;
            }
        }
        if (!m_gl) {
            m_window = SDL_CreateWindow(o.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, o.width,
                                        o.height, flags);
            if (!m_window) return fail(ErrorCode::Unsupported, fmt::format("cannot open a window: {}", SDL_GetError()));
            if (o.renderer != RendererKind::Software)
                m_renderer = SDL_CreateRenderer(m_window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
            SDL_RendererInfo info{};
            if (m_renderer && SDL_GetRendererInfo(m_renderer, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE)) {
                SDL_DestroyRenderer(m_renderer);  // SDL_RENDER_DRIVER=software: use the canvas below instead
                m_renderer = nullptr;
            }
            if (m_renderer) {
                m_name = fmt::format("sdl-{}", info.name ? info.name : "?");
                ImGui_ImplSDL2_InitForSDLRenderer(m_window);
                ImGui_ImplSDLRenderer_Init(m_renderer);
            } else {
                // No GPU: SDL's software renderer into a canvas, shown through
                // the window surface (what SDL's own software renderer does).
                SDL_Surface* panel = SDL_GetWindowSurface(m_window);
                if (!panel)
                    return fail(ErrorCode::Unsupported, fmt::format("no window surface for software rendering: {}", SDL_GetError()));
                m_format = panel->format->BytesPerPixel == 4 ? panel->format->format : Uint32(SDL_PIXELFORMAT_ARGB8888);
                if (auto r = m_canvas.ensure(panel->w, panel->h, m_format); !r) return r;
                m_software = true;
                m_name = "sdl-software";
                ImGui_ImplSDL2_InitForSDLRenderer(m_window);
            }
        }
        if (m_fullscreen) SDL_ShowCursor(SDL_DISABLE);
        logger()->info("display {} {}x{} via {} (video driver {})", m_fullscreen ? "fullscreen" : "windowed",
                       physicalWidth(), physicalHeight(), m_name, SDL_GetCurrentVideoDriver());
        return {};
    }

    int physicalWidth() const override { return pixelSize().first; }
    int physicalHeight() const override { return pixelSize().second; }
    const char* rendererName() const override { return m_name.c_str(); }

    void wake() override {
        SDL_Event e{};
        e.type = SDL_USEREVENT;
        SDL_PushEvent(&e);  // thread-safe
    }
    EventSummary waitEvents(int timeoutMs) override {
        EventSummary s;
        SDL_Event e;
        if (!SDL_WaitEventTimeout(&e, timeoutMs)) return s;
        do {
            switch (e.type) {
                case SDL_MOUSEMOTION:
                case SDL_MOUSEBUTTONDOWN:
                case SDL_MOUSEBUTTONUP:
                case SDL_MOUSEWHEEL:
                case SDL_FINGERDOWN:
                case SDL_FINGERUP:
                case SDL_FINGERMOTION:
                case SDL_KEYDOWN:
                case SDL_KEYUP:
                case SDL_TEXTINPUT:
                    s.input = true;
                    if (e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_FINGERDOWN || e.type == SDL_KEYDOWN) s.press = true;
                    // While dark, a touch only wakes the screen: it must not
                    // press whatever is under the finger.
                    if (screenPower()) ImGui_ImplSDL2_ProcessEvent(&e);
                    continue;
                default: ImGui_ImplSDL2_ProcessEvent(&e); break;
            }
            switch (e.type) {
                case SDL_QUIT: s.quit = true; break;
                case SDL_WINDOWEVENT:
                    if (e.window.event == SDL_WINDOWEVENT_CLOSE && !m_fullscreen) s.quit = true;
                    if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED || e.window.event == SDL_WINDOWEVENT_EXPOSED)
                        s.resized = true;
                    break;
                default: break;
            }
        } while (SDL_PollEvent(&e));
        return s;
    }

    void reloadFonts() override {
        if (m_gl) {
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            ImGui_ImplOpenGL3_CreateFontsTexture();
        } else if (m_software) {
            m_canvas.reloadFonts();
        } else {
            ImGui_ImplSDLRenderer_DestroyFontsTexture();
            ImGui_ImplSDLRenderer_CreateFontsTexture();
        }
    }

    kiosk::Result<Image> capture() override {
        return fail(ErrorCode::Unsupported, "screenshots are taken in --headless mode");
    }

protected:
    bool pointerFromSdl() const override { return true; }

    bool wantsTurnedDrawData() const override { return !m_software; }

    void backendNewFrame() override {
        if (m_gl) {
            ImGui_ImplOpenGL3_NewFrame();
        } else if (m_software) {
            const auto [w, h] = pixelSize();
            const bool quarter = frameRotation() == 90 || frameRotation() == 270;
            if (auto r = m_canvas.ensure(quarter ? h : w, quarter ? w : h, m_format); !r)
                logger()->error("{}", r.error().message);
            m_canvas.newFrame();
        } else {
            ImGui_ImplSDLRenderer_NewFrame();
        }
        ImGui_ImplSDL2_NewFrame();
    }

    void render(ImDrawData* drawData, std::uint32_t bg) override {
        if (m_gl) {
            glViewport(0, 0, physicalWidth(), physicalHeight());
            glClearColor(float((bg >> 16) & 0xFF) / 255.f, float((bg >> 8) & 0xFF) / 255.f, float(bg & 0xFF) / 255.f, 1.f);
            glClear(GL_COLOR_BUFFER_BIT);
            if (drawData) ImGui_ImplOpenGL3_RenderDrawData(drawData);
            SDL_GL_SwapWindow(m_window);
        } else if (m_software) {
            if (SDL_Surface* panel = SDL_GetWindowSurface(m_window)) {  // remade by SDL after a resize
                m_canvas.present(drawData, bg, frameRotation(), panel);
                SDL_UpdateWindowSurface(m_window);
            }
        } else {
            SDL_SetRenderDrawColor(m_renderer, Uint8(bg >> 16), Uint8(bg >> 8), Uint8(bg), 255);
            SDL_RenderClear(m_renderer);
            if (drawData) ImGui_ImplSDLRenderer_RenderDrawData(drawData);
            SDL_RenderPresent(m_renderer);
        }
    }

    // SDL keeps the display server from blanking while a window is up. Off:
    // let it blank if it is set up to (X11 DPMS/screensaver); on: stop it
    // again. Under KMS/DRM these calls do nothing; the backlight does the work.
    void screenPowerChanged(bool on) override {
        if (on) SDL_DisableScreenSaver();
        else SDL_EnableScreenSaver();
    }

private:
    // The drawable size in px, whichever way the window is drawn.
    std::pair<int, int> pixelSize() const {
        int w = 0, h = 0;
        if (m_gl) SDL_GL_GetDrawableSize(m_window, &w, &h);
        else if (m_renderer) SDL_GetRendererOutputSize(m_renderer, &w, &h);
        else if (m_window) SDL_GetWindowSizeInPixels(m_window, &w, &h);
        return {w, h};
    }

    SDL_Window* m_window = nullptr;
    SDL_GLContext m_gl = nullptr;
    SDL_Renderer* m_renderer = nullptr;
    bool m_software = false;  // no GPU: m_canvas drawn into the window surface
    SoftwareCanvas m_canvas;
    Uint32 m_format = SDL_PIXELFORMAT_ARGB8888;  // the canvas's pixel format (the window surface's when 32-bit)
    bool m_fullscreen = false;
    std::string m_name;
};

}  // namespace

// ---------------------------------------------------------------------------
// Shared by every backend: logical size, rotation, screen power.
int Display::width() const { return (m_rotation == 90 || m_rotation == 270) ? physicalHeight() : physicalWidth(); }
int Display::height() const { return (m_rotation == 90 || m_rotation == 270) ? physicalWidth() : physicalHeight(); }

kiosk::Result<void> Display::setRotation(int degrees) {
    if (!isValidRotation(degrees))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("rotation {} is not possible: set display.rotation to 0, 90, 180 or 270", degrees));
    if (degrees != m_rotation) logger()->info("rotation {} -> {} degrees", m_rotation, degrees);
    m_rotation = degrees;
    return {};
}

void Display::setScreenPower(bool on) {
    if (on == m_screenOn) return;
    m_screenOn = on;
    logger()->info("screen power {}", on ? "on" : "off");
    screenPowerChanged(on);
    if (on) m_ignorePointerUntilLifted = true;  // the waking finger may still be down
    else render(nullptr, 0x000000);             // dark now, even if the app draws nothing more
}

void Display::newFrame() {
    m_frameRotation = m_rotation;
    backendNewFrame();
    ImGuiIO& io = ImGui::GetIO();
    m_unitsW = io.DisplaySize.x;
    m_unitsH = io.DisplaySize.y;
    const SizeF physical{m_unitsW, m_unitsH};
    const SizeF logical = logicalSize(m_frameRotation, physical);
    io.DisplaySize = ImVec2(logical.w, logical.h);
    if (pointerFromSdl() && m_frameRotation != 0 && ImGui::IsMousePosValid(&io.MousePos)) {
        const PointF p = mapPixelToLogical({io.MousePos.x, io.MousePos.y}, m_frameRotation, physical);
        io.MousePos = ImVec2(p.x, p.y);
    }
    if (m_ignorePointerUntilLifted) {
        bool down = false;
        for (bool& b : io.MouseDown) down = std::exchange(b, false) || down;
        if (down) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        else m_ignorePointerUntilLifted = false;
    }
}

void Display::present(ImDrawData* drawData, std::uint32_t background) {
    if (!m_screenOn) {
        render(nullptr, 0x000000);
        return;
    }
    // Turn the data once: presenting the same ImGui frame again must not turn
    // it a second time.
    const bool turnedAlready = drawData == m_turnedData && ImGui::GetFrameCount() == m_turnedFrame;
    if (drawData && m_frameRotation != 0 && wantsTurnedDrawData() && !turnedAlready) {
        rotateDrawData(*drawData, m_frameRotation, SizeF{m_unitsW, m_unitsH});
        m_turnedData = drawData;
        m_turnedFrame = ImGui::GetFrameCount();
    }
    render(drawData, background);
}

kiosk::Result<std::unique_ptr<Display>> openDisplay(const DisplayOptions& options) {
    if (!isValidRotation(options.rotation))
        return fail(ErrorCode::Config, fmt::format("display.rotation = {} must be 0, 90, 180 or 270", options.rotation));
    std::unique_ptr<Display> display;
    if (options.mode == DisplayMode::Headless) {
        auto d = std::make_unique<HeadlessDisplay>();
        if (auto r = d->open(options.width, options.height, options.rasterOnCapture); !r) return std::unexpected(r.error());
        display = std::move(d);
    } else {
        auto d = std::make_unique<WindowDisplay>();
        if (auto r = d->open(options); !r) return std::unexpected(r.error());
        display = std::move(d);
    }
    if (auto r = display->setRotation(options.rotation); !r) return std::unexpected(r.error());
    ImGui::GetIO().DisplaySize = ImVec2(float(display->width()), float(display->height()));
    return display;
}

bool displayAvailable() {
    if (const char* v = std::getenv("SDL_VIDEODRIVER"); v && *v) return std::strcmp(v, "dummy") != 0;
    if (std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY")) return true;
    std::error_code ec;
    return std::filesystem::exists("/dev/dri/card0", ec);
}

}  // namespace platform
