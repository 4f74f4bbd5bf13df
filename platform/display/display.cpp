// SDL2 implementations of Display: a headless software surface and an SDL
// window with an OpenGL 3 or SDL_Renderer path.
#include "display.h"

#include "base/log.h"

#include <SDL.h>
#include <SDL_opengl.h>
#include <fmt/format.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace platform {
namespace {

using kiosk::ErrorCode;
using kiosk::fail;

auto logger() { return kiosk::log::channel("display"); }

// ---------------------------------------------------------------------------
// Headless: SDL software renderer drawing into a memory surface. No SDL video
// subsystem, no window, no platform backend: the app feeds input itself.
class HeadlessDisplay final : public Display {
public:
    ~HeadlessDisplay() override {
        if (m_renderer) {
            ImGui_ImplSDLRenderer_Shutdown();
            SDL_DestroyRenderer(m_renderer);
        }
        if (m_surface) SDL_FreeSurface(m_surface);
    }

    kiosk::Result<void> open(int w, int h) {
        m_surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
        if (!m_surface) return fail(ErrorCode::Unsupported, fmt::format("cannot create a {}x{} surface: {}", w, h, SDL_GetError()));
        m_renderer = SDL_CreateSoftwareRenderer(m_surface);
        if (!m_renderer) return fail(ErrorCode::Unsupported, fmt::format("no software renderer: {}", SDL_GetError()));
        if (!ImGui_ImplSDLRenderer_Init(m_renderer))
            return fail(ErrorCode::Internal, "ImGui SDL_Renderer backend failed to start");
        ImGui::GetIO().DisplaySize = ImVec2(float(w), float(h));
        return {};
    }

    int width() const override { return m_surface->w; }
    int height() const override { return m_surface->h; }
    const char* rendererName() const override { return "software (headless)"; }
    EventSummary waitEvents(int) override { return {}; }
    void newFrame() override {
        ImGui_ImplSDLRenderer_NewFrame();
        ImGui::GetIO().DisplaySize = ImVec2(float(m_surface->w), float(m_surface->h));
    }
    void present(ImDrawData* drawData, std::uint32_t bg) override {
        SDL_SetRenderDrawColor(m_renderer, Uint8(bg >> 16), Uint8(bg >> 8), Uint8(bg), 255);
        SDL_RenderClear(m_renderer);
        ImGui_ImplSDLRenderer_RenderDrawData(drawData);
        SDL_RenderPresent(m_renderer);
    }
    void reloadFonts() override {
        ImGui_ImplSDLRenderer_DestroyFontsTexture();
        ImGui_ImplSDLRenderer_CreateFontsTexture();
    }
    kiosk::Result<Image> capture() override {
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

private:
    SDL_Surface* m_surface = nullptr;
    SDL_Renderer* m_renderer = nullptr;
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
            const Uint32 rflags = o.renderer == RendererKind::Software ? SDL_RENDERER_SOFTWARE
                                                                       : (SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
            m_renderer = SDL_CreateRenderer(m_window, -1, rflags);
            if (!m_renderer && o.renderer != RendererKind::Software)
                m_renderer = SDL_CreateRenderer(m_window, -1, SDL_RENDERER_SOFTWARE);
            if (!m_renderer) return fail(ErrorCode::Unsupported, fmt::format("no SDL renderer: {}", SDL_GetError()));
            SDL_RendererInfo info{};
            SDL_GetRendererInfo(m_renderer, &info);
            m_name = fmt::format("sdl-{}", info.name ? info.name : "?");
            ImGui_ImplSDL2_InitForSDLRenderer(m_window);
            ImGui_ImplSDLRenderer_Init(m_renderer);
        }
        if (m_fullscreen) SDL_ShowCursor(SDL_DISABLE);
        logger()->info("display {} {}x{} via {} (video driver {})", m_fullscreen ? "fullscreen" : "windowed", width(),
                       height(), m_name, SDL_GetCurrentVideoDriver());
        return {};
    }

    int width() const override {
        int w = 0, h = 0;
        if (m_renderer) SDL_GetRendererOutputSize(m_renderer, &w, &h);
        else SDL_GL_GetDrawableSize(m_window, &w, &h);
        return w;
    }
    int height() const override {
        int w = 0, h = 0;
        if (m_renderer) SDL_GetRendererOutputSize(m_renderer, &w, &h);
        else SDL_GL_GetDrawableSize(m_window, &w, &h);
        return h;
    }
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
            ImGui_ImplSDL2_ProcessEvent(&e);
            switch (e.type) {
                case SDL_QUIT: s.quit = true; break;
                case SDL_MOUSEMOTION:
                case SDL_MOUSEBUTTONDOWN:
                case SDL_MOUSEBUTTONUP:
                case SDL_MOUSEWHEEL:
                case SDL_FINGERDOWN:
                case SDL_FINGERUP:
                case SDL_FINGERMOTION:
                case SDL_KEYDOWN:
                case SDL_KEYUP:
                case SDL_TEXTINPUT: s.input = true; break;
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

    void newFrame() override {
        if (m_gl) ImGui_ImplOpenGL3_NewFrame();
        else ImGui_ImplSDLRenderer_NewFrame();
        ImGui_ImplSDL2_NewFrame();
    }

    void present(ImDrawData* drawData, std::uint32_t bg) override {
        if (m_gl) {
            glViewport(0, 0, width(), height());
            glClearColor(float((bg >> 16) & 0xFF) / 255.f, float((bg >> 8) & 0xFF) / 255.f, float(bg & 0xFF) / 255.f, 1.f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(drawData);
            SDL_GL_SwapWindow(m_window);
        } else {
            SDL_SetRenderDrawColor(m_renderer, Uint8(bg >> 16), Uint8(bg >> 8), Uint8(bg), 255);
            SDL_RenderClear(m_renderer);
            ImGui_ImplSDLRenderer_RenderDrawData(drawData);
            SDL_RenderPresent(m_renderer);
        }
    }

    void reloadFonts() override {
        if (m_gl) {
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            ImGui_ImplOpenGL3_CreateFontsTexture();
        } else {
            ImGui_ImplSDLRenderer_DestroyFontsTexture();
            ImGui_ImplSDLRenderer_CreateFontsTexture();
        }
    }

    kiosk::Result<Image> capture() override {
        return fail(ErrorCode::Unsupported, "screenshots are taken in --headless mode");
    }

private:
    SDL_Window* m_window = nullptr;
    SDL_GLContext m_gl = nullptr;
    SDL_Renderer* m_renderer = nullptr;
    bool m_fullscreen = false;
    std::string m_name;
};

}  // namespace

kiosk::Result<std::unique_ptr<Display>> openDisplay(const DisplayOptions& options) {
    if (options.mode == DisplayMode::Headless) {
        auto d = std::make_unique<HeadlessDisplay>();
        if (auto r = d->open(options.width, options.height); !r) return std::unexpected(r.error());
        return d;
    }
    auto d = std::make_unique<WindowDisplay>();
    if (auto r = d->open(options); !r) return std::unexpected(r.error());
    return d;
}

bool displayAvailable() {
    if (const char* v = std::getenv("SDL_VIDEODRIVER"); v && *v) return std::strcmp(v, "dummy") != 0;
    if (std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY")) return true;
    std::error_code ec;
    return std::filesystem::exists("/dev/dri/card0", ec);
}

}  // namespace platform
