// Backlight over sysfs: small files holding one decimal number each, written
// with plain POSIX calls so a refusal keeps its errno (permission denied is
// the usual one on a fresh machine, and its message names the udev rule).
#include "backlight.h"

#include "base/log.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace platform {
namespace {

using kiosk::ErrorCode;
using kiosk::fail;

auto logger() { return kiosk::log::channel("display"); }

// The number in a sysfs attribute, or -1.
int readNumber(const std::filesystem::path& file) {
    std::ifstream in(file);
    long long v = -1;
    if (!(in >> v) || v < 0 || v > 1'000'000'000) return -1;
    return int(v);
}

}  // namespace

kiosk::Result<Backlight> Backlight::open(std::string_view spec, const std::filesystem::path& root) {
    if (spec == "none") return Backlight{};
    std::filesystem::path folder;
    std::error_code ec;
    if (spec == "auto") {
        std::vector<std::filesystem::path> found;
        for (std::filesystem::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
            if (std::filesystem::exists(it->path() / "max_brightness", ec)) found.push_back(it->path());
        if (found.empty()) {
            logger()->info("no backlight under {} (display.backlight = \"auto\"): brightness and power stay as they are",
                           root.string());
            return Backlight{};
        }
        std::sort(found.begin(), found.end());
        folder = found.front();
    } else {
        folder = std::filesystem::path(spec);
        if (!std::filesystem::is_directory(folder, ec))
            return fail(ErrorCode::NotFound,
                        fmt::format("display.backlight = \"{}\": no such folder. The names this machine has are in {}; "
                                    "or use \"auto\" or \"none\"",
                                    spec, root.string()));
    }
    Backlight b;
    b.m_max = readNumber(folder / "max_brightness");
    if (b.m_max <= 0)
        return fail(ErrorCode::Parse,
                    fmt::format("{} is not a usable backlight: {} is missing or not a positive number. Set "
                                "display.backlight to a folder under {} or to \"none\"",
                                folder.string(), (folder / "max_brightness").string(), root.string()));
    b.m_folder = folder;
    const int current = readNumber(folder / "brightness");
    b.m_level = current > 0 ? std::min(current, b.m_max) : b.m_max;
    b.m_hasBlPower = std::filesystem::exists(folder / "bl_power", ec);
    if (b.m_hasBlPower) b.m_powered = readNumber(folder / "bl_power") <= 0;
    logger()->info("backlight {} (max {}, {})", folder.string(), b.m_max, b.m_hasBlPower ? "bl_power" : "no bl_power");
    return b;
}

kiosk::Result<void> Backlight::write(const char* file, int value) const {
    const std::filesystem::path path = m_folder / file;
    const std::string text = std::to_string(value) + "\n";
    int fd = -1;
    do fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0) {
        ssize_t n = -1;
        do n = ::write(fd, text.data(), text.size());
        while (n < 0 && errno == EINTR);
        if (n < 0) err = errno;
        else if (std::size_t(n) != text.size()) err = EIO;
        ::close(fd);
    }
    if (err == 0) return {};
    if (err == EACCES || err == EPERM || err == EROFS)
        return fail(ErrorCode::Io,
                    fmt::format("cannot write {}: permission denied. The kiosk user needs write access to the "
                                "backlight: install the udev rule {} from docs/DISPLAY.md, add the kiosk user to "
                                "group 'video' and reboot (or set display.backlight = \"none\")",
                                path.string(), kBacklightUdevRule));
    if (err == ENOENT)
        return fail(ErrorCode::NotFound, fmt::format("cannot write {}: it is gone (was the backlight driver unloaded?); "
                                                     "check display.backlight",
                                                     path.string()));
    if (err == EINVAL)
        return fail(ErrorCode::Io, fmt::format("the backlight driver refused {} for {}", value, path.string()));
    return fail(ErrorCode::Io, fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
}

kiosk::Result<void> Backlight::setBrightness(int percent) {
    if (percent < 1 || percent > 100)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("brightness {}% is out of range: display.brightness must be 5–100", percent));
    if (!present()) return {};
    const long raw = std::lround(double(percent) * double(m_max) / 100.0);
    m_level = std::clamp(int(raw), 1, m_max);
    if (!m_powered && !m_hasBlPower) return {};  // brightness 0 is what "off" is; written when power returns
    return write("brightness", m_level);
}

kiosk::Result<void> Backlight::setPower(bool on) {
    if (!present()) return {};
    if (m_hasBlPower) {
        if (auto r = write("bl_power", on ? 0 : 4); !r) return r;
    } else {
        if (auto r = write("brightness", on ? m_level : 0); !r) return r;
    }
    m_powered = on;
    return {};
}

}  // namespace platform
