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
#include <utility>
#include <vector>

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
    int rotation = 0;               // display.rotation: 0 | 90 | 180 | 270, clockwise, touch mapped to match
    std::string screenOnAt;         // display.on_at, "HH:MM" local; "" with off_at "" = always on
    std::string screenOffAt;        // display.off_at, "HH:MM" local
    std::string backlight = "auto"; // display.backlight: "auto" | "none" | a /sys/class/backlight/NAME folder
    int brightness = 100;           // display.brightness, percent 5–100, where the hardware has a backlight
    std::string fontRegular;        // fonts.regular, path to a .ttc/.otf
    std::string fontBold;           // fonts.bold, path to a .ttc/.otf
    int fontFace = 2;               // fonts.face, index in the collection, 0–4
    std::string contentDatabase;    // content.database, path of the content DB
    std::string printerOutput;      // printer.output, folder for the file printer
    std::string printerKind = "file";      // printer.kind: file | escpos
    std::string printerDevice = "/dev/usb/lp0";  // printer.device: a device file or "tcp:HOST:PORT"
    std::string printerTextMode = "gb18030";     // printer.text_mode: gb18030 | raster
    int printerWidthDots = 576;     // printer.width_dots, 384 (58 mm) – 832
    std::string scannerDevice;      // scanner.device: "" none | "auto" | /dev/input/… evdev node
    int scannerBurstGapMs = 30;     // scanner.burst_gap_ms, 5–200: keys closer than this are a scan
    int maintenanceIdleExitS = 120; // maintenance.idle_exit_s, 30–3600
    int syncIntervalS = 30;         // sync.interval_s, 10–3600
    int heartbeatS = 300;           // sync.heartbeat_s, 30–86400
    int stallAlertMin = 10;         // sync.stall_alert_min, 1–1440
    bool updateEnabled = false;     // update.enabled: fetch OS updates from the hub (the OS image sets true)
    std::string osReleaseFile = "/etc/kiosk-image-release";  // update.os_release_file: VERSION= is the running OS
    std::string rebootWindow = "02:00-05:00";  // update.reboot_window, "HH:MM-HH:MM" local; may wrap midnight
};

// A daily stretch of local time, "HH:MM-HH:MM" (update.reboot_window): from
// the first minute up to, not including, the second. "22:00-04:00" wraps
// past midnight; the end may be "24:00"; "00:00-24:00" is the whole day.
struct DayWindow {
    int fromMin = 0;   // minutes after midnight, 0–1439
    int toMin = 1440;  // 1–1440; below fromMin: the window wraps midnight
    bool contains(int minuteOfDay) const {
        if (fromMin < toMin) return minuteOfDay >= fromMin && minuteOfDay < toMin;
        return minuteOfDay >= fromMin || minuteOfDay < toMin;
    }
};
// The error says what is wrong and shows the form; `key` names the setting.
[[nodiscard]] Result<DayWindow> parseDayWindow(std::string_view text, std::string_view key);

// The compiled-in defaults (the embedded kiosk.toml).
[[nodiscard]] Result<Config> defaults();

// Defaults overlaid with `text` (TOML). `origin` names the source in errors.
[[nodiscard]] Result<Config> parse(std::string_view text, std::string_view origin);

// Defaults overlaid with the file at `path`; no path means defaults only.
[[nodiscard]] Result<Config> load(const std::optional<std::filesystem::path>& path);

// The documented defaults file, as shipped.
std::string_view defaultsText();

// `base` overlaid with the TOML file at `file`, with the same strict schema
// validation as load() (errors name the file, line and key). NotFound when
// the file does not exist: callers overlay DATA/device.toml only if present.
[[nodiscard]] Result<Config> overlayFile(Config base, const std::filesystem::path& file);

// The per-device settings file in the kiosk's data folder (rotation, printer …),
// written by `kioskctl provision` and the maintenance screen and overlaid on
// the site config at start.
inline constexpr std::string_view kDeviceSettingsFile = "device.toml";

// Sets dotted keys in DATA/device.toml: each value is TOML value text
// ({"display.rotation", "90"}, {"printer.kind", "\"escpos\""}). Merges with
// what the file holds, checks the result against the schema (over the
// defaults) and only then replaces the file atomically (mode 0644). Refuses
// keys outside the schema, and data.dir (the file lives in the data folder).
[[nodiscard]] Result<void> writeDeviceSettings(const std::filesystem::path& dataDir,
                                               const std::vector<std::pair<std::string, std::string>>& keyValues);

}  // namespace kiosk::config
