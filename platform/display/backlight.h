// The panel's backlight through Linux sysfs (/sys/class/backlight/NAME:
// brightness, max_brightness, optional bl_power): brightness in percent and
// power for the screen schedule. Tests point it at a fake tree in a temporary
// folder. It must never fail the kiosk: errors are values whose message says
// what to fix (usually the udev rule of docs/DISPLAY.md), and a machine with
// no backlight (an HDMI monitor) simply gets a no-op.
#pragma once

#include "base/error.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace platform {

inline constexpr const char* kBacklightRoot = "/sys/class/backlight";
// The rule docs/DISPLAY.md gives; error messages name it.
inline constexpr const char* kBacklightUdevRule = "/etc/udev/rules.d/90-kiosk-backlight.rules";

class Backlight {
public:
    // A no-op backlight ("none").
    Backlight() = default;

    // `spec` is display.backlight: "none" (no-op), "auto" (the first entry
    // under `root` in name order; none there = no-op, not an error), or a
    // folder such as /sys/class/backlight/intel_backlight (must exist).
    // Reads max_brightness and the current brightness.
    [[nodiscard]] static kiosk::Result<Backlight> open(std::string_view spec,
                                                       const std::filesystem::path& root = kBacklightRoot);

    bool present() const { return !m_folder.empty(); }  // false: every call does nothing
    const std::filesystem::path& folder() const { return m_folder; }
    int maxBrightness() const { return m_max; }
    bool hasBlPower() const { return m_hasBlPower; }

    // Writes round(percent * max / 100), at least 1, to brightness.
    // percent: 1–100 (display.brightness allows 5–100). While powered off the
    // value is kept and written when power returns.
    [[nodiscard]] kiosk::Result<void> setBrightness(int percent);
    // On/off for the screen schedule: bl_power 0 / 4 (FB_BLANK_POWERDOWN)
    // when the driver has it, else brightness 0 and back to the last level.
    [[nodiscard]] kiosk::Result<void> setPower(bool on);
    bool powered() const { return m_powered; }

private:
    kiosk::Result<void> write(const char* file, int value) const;

    std::filesystem::path m_folder;
    int m_max = 0;
    int m_level = 0;  // raw brightness to show while powered
    bool m_hasBlPower = false;
    bool m_powered = true;
};

}  // namespace platform
