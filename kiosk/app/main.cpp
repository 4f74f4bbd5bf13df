// Entry point of the `kiosk` program: parses the command line, loads the
// configuration and runs the app interactively, or headless from a script.
// Exit codes: 0 ok, 1 runtime failure (message on stderr), 2 bad usage or
// configuration.
#include "app.h"
#include "base/log.h"
#include "config/config.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

namespace {

bool parseSize(const std::string& text, int& w, int& h) {
    static const std::regex re(R"((\d{3,5})x(\d{3,5}))");
    std::smatch m;
    if (!std::regex_match(text, m, re)) return false;
    w = std::stoi(m[1]);
    h = std::stoi(m[2]);
    return w >= 320 && h >= 240 && w <= 7680 && h <= 7680;
}

int writeStats(const std::string& path, const kiosk::app::RunStats& s) {
    nlohmann::json j = {
        {"first_frame_ms", s.firstFrameMs},
        {"frames_drawn", s.framesDrawn},
        {"frames_drawn_while_idle", s.framesDrawnWhileIdle},
        {"session_wipes", s.wipes},
        {"atlas_width", s.atlas.width},
        {"atlas_height", s.atlas.height},
        {"glyphs", s.atlas.glyphs},
        {"codepoints", s.atlas.codepoints},
        {"atlas_build_ms", s.atlas.buildMs},
        {"atlas_builds", s.atlas.builds},
        {"glyphs_missing_from_font", s.glyphsMissingFromFont},
        {"peak_rss_kb", s.peakRssKb},
        {"print_jobs", s.printJobs},
        {"cases_saved", s.casesSaved},
        {"ratings_saved", s.ratingsSaved},
        {"last_lookup_status", s.lastLookupStatus},
        {"content_open", s.contentOpen},
        {"content_open_ms", s.contentOpenMs},
        {"max_frame_ms", s.maxFrameMs},
        {"renderer", s.renderer},
        {"width", s.width},
        {"height", s.height},
        {"maint_mode", s.maintMode},
        {"maint_page", s.maintPage},
        {"screen", s.screen},
    };
    std::ofstream out(path);
    if (!out) {
        fmt::print(stderr, "kiosk: cannot write stats to {}\n", path);
        return 1;
    }
    out << j.dump(2) << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    (void)kiosk::app::msSinceProcessStart();  // start the first-frame stopwatch
    kiosk::log::init();

    CLI::App cli{"kiosk: self-service government services terminal for enterprises"};
    std::string configPath, windowed, size = "1920x1080", renderer, script, statsPath, screenshot, lang, content,
        printerOutput, dataDir;
    bool headless = false, elder = false, setup = false, rasterOnCapture = false;
    int rotation = -1;
    cli.add_option("--config", configPath, "TOML configuration file (defaults are built in; see assets/config/kiosk.toml)")
        ->check(CLI::ExistingFile);
    cli.add_option("--windowed", windowed, "Run in a desktop window of WxH pixels instead of full screen");
    cli.add_flag("--headless", headless, "No display or GPU: render with SDL's software renderer into memory");
    cli.add_option("--size", size, "Screen size WxH for --headless (default 1920x1080; 1080x1920 is portrait)");
    cli.add_option("--renderer", renderer, "auto, gl or software (overrides display.renderer)")
        ->check(CLI::IsMember({"auto", "gl", "software"}));
    cli.add_flag("--raster-on-capture", rasterOnCapture,
                 "Headless: draw pixels only for screenshots (every frame is still laid out; long soak runs)");
    cli.add_option("--script", script, "Replay a test script (needs --headless); see kiosk/app/script.h");
    cli.add_option("--stats", statsPath, "Write run statistics as JSON to this file at exit");
    cli.add_option("--screenshot", screenshot, "Headless: render the home screen to this PNG and exit");
    cli.add_option("--lang", lang, "Language a visitor session starts in (overrides ui.language)")
        ->check(CLI::IsMember({"zh-CN", "en"}));
    cli.add_flag("--elder", elder, "Start visitor sessions in elder mode (overrides ui.elder_mode)");
    cli.add_option("--rotation", rotation, "How the screen is mounted, degrees clockwise (overrides display.rotation)")
        ->check(CLI::IsMember({0, 90, 180, 270}));
    cli.add_flag("--setup", setup,
                 "Open the technician setup screen at start (an unprovisioned kiosk does by itself when run "
                 "interactively)");
    cli.add_option("--content", content, "Content database (overrides content.database)");
    cli.add_option("--printer-output", printerOutput, "Folder the file printer writes to (overrides printer.output)");
    cli.add_option("--data", dataDir, "Data folder: outbox and device key (overrides data.dir)");
    CLI11_PARSE(cli, argc, argv);

    auto config = kiosk::config::load(configPath.empty() ? std::nullopt
                                                         : std::optional<std::filesystem::path>(configPath));
    if (!config) {
        fmt::print(stderr, "kiosk: configuration refused: {}\n", config.error().message);
        return 2;
    }
    // Per-device settings (rotation, printer) saved by provisioning and the
    // maintenance screen override the site file; command-line options win over
    // both. A bad device.toml is reported and skipped rather than stopping the
    // kiosk: the maintenance screen, which can rewrite it, must stay reachable.
    const std::filesystem::path deviceSettings =
        std::filesystem::path(dataDir.empty() ? config->dataDir : dataDir) / kiosk::config::kDeviceSettingsFile;
    if (std::error_code ec; std::filesystem::exists(deviceSettings, ec)) {
        if (auto overlaid = kiosk::config::overlayFile(*config, deviceSettings)) config = std::move(*overlaid);
        else fmt::print(stderr, "kiosk: device settings ignored: {}\n", overlaid.error().message);
    }
    if (!lang.empty()) config->language = lang;
    if (elder) config->elderMode = true;
    if (rotation >= 0) config->rotation = rotation;
    if (!renderer.empty()) config->renderer = renderer;
    if (!content.empty()) config->contentDatabase = content;
    if (!printerOutput.empty()) config->printerOutput = printerOutput;
    if (!dataDir.empty()) config->dataDir = dataDir;

    platform::DisplayOptions display;
    display.title = "kiosk";
    display.renderer = config->renderer == "gl"         ? platform::RendererKind::Gl
                       : config->renderer == "software" ? platform::RendererKind::Software
                                                        : platform::RendererKind::Auto;
    display.width = config->windowWidth;
    display.height = config->windowHeight;
    display.mode = config->displayMode == "windowed" ? platform::DisplayMode::Windowed : platform::DisplayMode::Fullscreen;
    if (!windowed.empty()) {
        if (!parseSize(windowed, display.width, display.height)) {
            fmt::print(stderr, "kiosk: --windowed expects WxH such as 1280x800, got '{}'\n", windowed);
            return 2;
        }
        display.mode = platform::DisplayMode::Windowed;
    }
    const bool scripted = !script.empty() || !screenshot.empty();
    if ((scripted || rasterOnCapture) && !headless) {
        fmt::print(stderr, "kiosk: --script, --screenshot and --raster-on-capture need --headless\n");
        return 2;
    }
    if (headless) {
        display.mode = platform::DisplayMode::Headless;
        display.rasterOnCapture = rasterOnCapture;
        if (!parseSize(size, display.width, display.height)) {
            fmt::print(stderr, "kiosk: --size expects WxH such as 1920x1080, got '{}'\n", size);
            return 2;
        }
    }

    std::vector<kiosk::app::Step> steps;
    if (!script.empty()) {
        auto loaded = kiosk::app::loadScript(script);
        if (!loaded) {
            fmt::print(stderr, "kiosk: {}\n", loaded.error().message);
            return 2;
        }
        steps = std::move(*loaded);
    }
    if (!screenshot.empty()) steps.push_back({kiosk::app::Step::Kind::Screenshot, 0, 0, 0, 0, 0, 0, screenshot});

    std::unique_ptr<platform::Clock> clock;
    if (headless) clock = std::make_unique<platform::FixedClock>(platform::defaultScriptTime());
    else clock = platform::makeSystemClock();

    kiosk::app::App app(*config, display, std::move(clock));
    app.setForceSetup(setup);
    if (auto r = app.start(); !r) {
        fmt::print(stderr, "kiosk: cannot start: {}\n", r.error().message);
        return 1;
    }
    int rc = 0;
    if (headless) {
        if (auto r = app.runScript(steps); !r) {
            fmt::print(stderr, "kiosk: {}\n", r.error().message);
            rc = 1;
        }
    } else {
        rc = app.runInteractive();
    }
    if (!statsPath.empty() && writeStats(statsPath, app.stats()) != 0) rc = rc ? rc : 1;
    return rc;
}
