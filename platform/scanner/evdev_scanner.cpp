// The evdev scanner: reads a keyboard-wedge scanner's input device with
// libevdev, grabbed so the UI never sees its keys. Key timestamps come from
// the kernel (CLOCK_MONOTONIC), so a busy UI thread that reads late still
// sees the true gaps between keys. An unplugged device is reopened every
// retryMs; the descriptor handed out by fd() is an epoll set that outlives
// any one device. Never logs key values or scan text.
#include "scanner.h"

#include "base/log.h"
#include "key_decoder.h"

#include <fmt/format.h>
#include <libevdev/libevdev.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

namespace platform {
namespace {

std::shared_ptr<spdlog::logger> logger() { return kiosk::log::channel("scanner"); }

std::int64_t clockMs(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return std::int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

std::string errnoText(int err) { return std::strerror(err); }

// One opened, grabbed input device.
struct Device {
    int fd = -1;
    libevdev* dev = nullptr;
    clockid_t clock = CLOCK_MONOTONIC;  // the clock of the event timestamps
    std::string path, deviceName;

    Device() = default;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    Device(Device&& o) noexcept { *this = std::move(o); }
    Device& operator=(Device&& o) noexcept {
        if (this != &o) {
            close();
            fd = std::exchange(o.fd, -1);
            dev = std::exchange(o.dev, nullptr);
            clock = o.clock;
            path = std::move(o.path);
            deviceName = std::move(o.deviceName);
        }
        return *this;
    }
    ~Device() { close(); }

    bool open() const { return fd >= 0; }
    void close() {
        if (dev) libevdev_free(dev);  // closing the descriptor ends the grab
        if (fd >= 0) ::close(fd);
        dev = nullptr;
        fd = -1;
    }
};

// Opens a node and reads its name; grabs nothing.
kiosk::Result<Device> openNode(const std::string& path) {
    Device d;
    d.path = path;
    d.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (d.fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            return kiosk::fail(kiosk::ErrorCode::NotFound,
                               fmt::format("scanner device {} does not exist (scanner.device); is it plugged in?", path));
        if (err == EACCES || err == EPERM)
            return kiosk::fail(kiosk::ErrorCode::Io,
                               fmt::format("no permission to read scanner device {}: add the kiosk user to group 'input'",
                                           path));
        return kiosk::fail(kiosk::ErrorCode::Io, fmt::format("could not open scanner device {}: {}", path, errnoText(err)));
    }
    if (const int rc = libevdev_new_from_fd(d.fd, &d.dev); rc < 0) {
        d.dev = nullptr;
        return kiosk::fail(kiosk::ErrorCode::Unsupported,
                           fmt::format("{} is not an input device ({}); set scanner.device to a /dev/input/event* node",
                                       path, errnoText(-rc)));
    }
    const char* name = libevdev_get_name(d.dev);
    d.deviceName = name ? name : "";
    return d;
}

// Opens a node for reading scans: it must have keys, gets monotonic
// timestamps and is grabbed.
kiosk::Result<Device> openScanner(const std::string& path) {
    auto d = openNode(path);
    if (!d) return std::unexpected(d.error());
    if (!libevdev_has_event_type(d->dev, EV_KEY))
        return kiosk::fail(kiosk::ErrorCode::Unsupported,
                           fmt::format("{} (\"{}\") has no keys: it is not a keyboard-wedge scanner", path, d->deviceName));
    if (libevdev_set_clock_id(d->dev, CLOCK_MONOTONIC) < 0) d->clock = CLOCK_REALTIME;
    if (const int rc = libevdev_grab(d->dev, LIBEVDEV_GRAB); rc < 0)
        return kiosk::fail(kiosk::ErrorCode::Io,
                           rc == -EBUSY ? fmt::format("scanner device {} is already grabbed by another program", path)
                                        : fmt::format("could not grab scanner device {}: {}", path, errnoText(-rc)));
    return d;
}

class EvdevScanner final : public Scanner {
public:
    EvdevScanner(std::string configured, EvdevScannerOptions options, int epollFd)
        : m_configured(std::move(configured)), m_options(options), m_epoll(epollFd), m_detector(options.burst) {}

    ~EvdevScanner() override {
        m_device.close();
        ::close(m_epoll);
    }

    EvdevScanner(const EvdevScanner&) = delete;
    EvdevScanner& operator=(const EvdevScanner&) = delete;

    // Opens the configured device (or the "auto" match); the error says why not.
    kiosk::Result<void> connect() {
        std::string path = m_configured;
        if (path == "auto") {
            auto found = findScannerDevice();
            if (!found) return std::unexpected(found.error());
            path = *found;
        }
        auto d = openScanner(path);
        if (!d) return std::unexpected(d.error());
        epoll_event ev{};
        ev.events = EPOLLIN;
        if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, d->fd, &ev) < 0)
            return kiosk::fail(kiosk::ErrorCode::Io, fmt::format("could not watch {}: {}", path, errnoText(errno)));
        m_device = std::move(*d);
        m_decoder.reset();
        m_detector.reset();
        logger()->info("scanner ready: {} (\"{}\"), grabbed", m_device.path, m_device.deviceName);
        setState("ok", fmt::format("evdev:{} ({})", m_device.path, m_device.deviceName));
        m_lastProblem.clear();
        return {};
    }

    void noteMissing(const kiosk::Error& e) {
        if (e.message != m_lastProblem) logger()->warn("scanner not available: {}", e.message);
        m_lastProblem = e.message;
        setState(e.message, fmt::format("evdev:{} (not open)", m_configured));
        m_retryDue = true;  // first attempt on the next poll, then every retryMs
    }

    int fd() const override { return m_epoll; }

    std::vector<ScanEvent> poll(std::int64_t nowMs) override {
        std::vector<ScanEvent> out;
        if (!m_device.open() && (m_retryDue || nowMs >= m_retryAtMs)) {
            m_retryDue = false;
            if (auto ok = connect(); !ok) {
                noteMissing(ok.error());
                m_retryDue = false;
                m_retryAtMs = nowMs + m_options.retryMs;
            }
        }
        if (m_device.open()) read(nowMs, out);
        m_detector.poll(nowMs, out);
        return out;
    }

    std::optional<std::int64_t> nextDeadlineMs() const override {
        auto deadline = m_detector.deadlineMs();
        if (!m_device.open()) {
            const std::int64_t retry = m_retryDue ? 0 : m_retryAtMs;
            deadline = deadline ? std::min(*deadline, retry) : retry;
        }
        return deadline;
    }

    std::string name() const override {
        std::lock_guard lock(m_mutex);
        return m_name;
    }
    std::string state() const override {
        std::lock_guard lock(m_mutex);
        return m_state;
    }

private:
    void setState(std::string state, std::string name) {
        std::lock_guard lock(m_mutex);
        m_state = std::move(state);
        m_name = std::move(name);
    }

    void read(std::int64_t nowMs, std::vector<ScanEvent>& out) {
        // Kernel timestamps, moved onto the caller's time base.
        const std::int64_t offset = nowMs - clockMs(m_device.clock);
        for (;;) {
            input_event ev{};
            int rc = libevdev_next_event(m_device.dev, LIBEVDEV_READ_FLAG_NORMAL, &ev);
            if (rc == -EAGAIN) return;
            if (rc == LIBEVDEV_READ_STATUS_SUCCESS) {
                if (auto ch = m_decoder.feed(ev.type, ev.code, ev.value)) {
                    const std::int64_t ms = std::int64_t(ev.input_event_sec) * 1000 + ev.input_event_usec / 1000;
                    m_detector.key(ms + offset, *ch, out);
                }
                continue;
            }
            if (rc == LIBEVDEV_READ_STATUS_SYNC) {
                // The kernel's buffer overflowed: keys were lost, so the code
                // being read is incomplete. Catch up on which keys are held
                // (Shift) and drop the burst.
                logger()->warn("scanner {}: input events were dropped; the code being read is discarded",
                               m_device.path);
                m_detector.reset();
                while (rc == LIBEVDEV_READ_STATUS_SYNC) {
                    rc = libevdev_next_event(m_device.dev, LIBEVDEV_READ_FLAG_SYNC, &ev);
                    if (rc == LIBEVDEV_READ_STATUS_SYNC) (void)m_decoder.feed(ev.type, ev.code, ev.value);
                }
                if (rc == -EAGAIN || rc == LIBEVDEV_READ_STATUS_SUCCESS) continue;
            }
            disconnect(nowMs, -rc);
            return;
        }
    }

    void disconnect(std::int64_t nowMs, int err) {
        const std::string path = m_device.path;
        logger()->warn("scanner {} went away ({}); looking for it every {} ms", path, errnoText(err), m_options.retryMs);
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_device.fd, nullptr);
        m_device.close();
        m_decoder.reset();
        m_detector.reset();  // a half-read code is not a scan
        m_lastProblem = fmt::format("disconnected: {}", path);
        setState(m_lastProblem, fmt::format("evdev:{} (not open)", m_configured));
        m_retryAtMs = nowMs + m_options.retryMs;
    }

    const std::string m_configured;  // "auto" or a path
    const EvdevScannerOptions m_options;
    const int m_epoll;
    Device m_device;
    KeyDecoder m_decoder;
    BurstDetector m_detector;
    bool m_retryDue = false;
    std::int64_t m_retryAtMs = 0;
    std::string m_lastProblem;  // the last reason logged, so a retry loop logs each reason once

    mutable std::mutex m_mutex;  // guards the two strings below
    std::string m_state = "ok", m_name;
};

}  // namespace

bool looksLikeScanner(std::string_view deviceName) {
    std::string lower(deviceName);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    for (const char* word : {"scanner", "barcode", "qr"})
        if (lower.find(word) != std::string::npos) return true;
    return false;
}

kiosk::Result<std::string> findScannerDevice(const std::string& directory) {
    namespace fs = std::filesystem;
    std::vector<std::pair<long, std::string>> nodes;
    std::error_code ec;
    for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string file = it->path().filename().string();
        if (file.rfind("event", 0) != 0) continue;
        const std::string digits = file.substr(5);
        if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        nodes.emplace_back(std::stol(digits), it->path().string());
    }
    std::sort(nodes.begin(), nodes.end());
    int denied = 0;
    for (const auto& node : nodes) {
        auto d = openNode(node.second);
        if (!d) {
            if (d.error().message.find("permission") != std::string::npos) ++denied;
            continue;
        }
        if (looksLikeScanner(d->deviceName)) return node.second;
    }
    std::string hint = denied > 0 ? fmt::format(" ({} of them could not be read: is the kiosk user in group 'input'?)", denied)
                                  : std::string();
    return kiosk::fail(kiosk::ErrorCode::NotFound,
                       fmt::format("no input device in {} has scanner, barcode or QR in its name{}; "
                                   "set scanner.device to the scanner's /dev/input/by-id/… path",
                                   directory, hint));
}

kiosk::Result<std::unique_ptr<Scanner>> makeEvdevScanner(const std::string& path, EvdevScannerOptions options) {
    if (path.empty())
        return kiosk::fail(kiosk::ErrorCode::InvalidArgument, "scanner.device is empty: no scanner is configured");
    const int epollFd = epoll_create1(EPOLL_CLOEXEC);
    if (epollFd < 0)
        return kiosk::fail(kiosk::ErrorCode::Io, fmt::format("could not create the scanner's epoll set: {}", errnoText(errno)));
    auto scanner = std::make_unique<EvdevScanner>(path, options, epollFd);
    if (auto ok = scanner->connect(); !ok) {
        if (!options.waitForDevice) return std::unexpected(ok.error());
        scanner->noteMissing(ok.error());
    }
    return std::unique_ptr<Scanner>(std::move(scanner));
}

}  // namespace platform
