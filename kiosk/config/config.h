// The kiosk's configuration: one TOML file over compiled-in defaults.
//
// The defaults are assets/config/kiosk.toml, which also documents every key.
// A site file may set any subset of the keys. Anything not in the schema, a
// value of the wrong type, a number out of range or a word not in the allowed
// set is refused with an Error naming the file, the key and what is allowed:
// a kiosk must not start half-configured.
#pragma once

#include "base/error.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::config {

struct Config {
    std::string siteName;           // site.name, shown on home (zh)
    std::string siteNameEn;         // site.name_en, shown on home (en)
    std::string terminalCode = "KS01";  // site.terminal_code, starts case numbers, [A-Z0-9]{2,6}
    std::string dataDir;            // data.dir, outbox and device key
    std::string language = "zh-CN"; // ui.language: "zh-CN" | "en"
    bool elderMode = false;         // ui.elder_mode
    int idleTimeoutS = 90;          // idle.timeout_s, seconds, 15–3600
    int idleCountdownS = 30;        // idle.countdown_s, seconds, 20–300
    std::string displayMode = "fullscreen";  // display.mode: fullscreen | windowed
    int windowWidth = 1280;         // display.width, px
    int windowHeight = 800;         // display.height, px
    std::string renderer = "auto";  // display.renderer: auto | gl | software
    std::string fontRegular;        // fonts.regular, path to a .ttc/.otf
    std::string fontBold;           // fonts.bold, path to a .ttc/.otf
    int fontFace = 2;               // fonts.face, index in the collection, 0–4
    std::string contentDatabase;    // content.database, path of the content DB
    std::string printerOutput;      // printer.output, folder for the file printer
    int syncIntervalS = 30;         // sync.interval_s, 10–3600
    int heartbeatS = 300;           // sync.heartbeat_s, 30–86400
    int stallAlertMin = 10;         // sync.stall_alert_min, 1–1440
};

// The compiled-in defaults (the embedded kiosk.toml).
[[nodiscard]] Result<Config> defaults();

// Defaults overlaid with `text` (TOML). `origin` names the source in errors.
[[nodiscard]] Result<Config> parse(std::string_view text, std::string_view origin);

// Defaults overlaid with the file at `path`; no path means defaults only.
[[nodiscard]] Result<Config> load(const std::optional<std::filesystem::path>& path);

// The documented defaults file, as shipped.
std::string_view defaultsText();

}  // namespace kiosk::config
