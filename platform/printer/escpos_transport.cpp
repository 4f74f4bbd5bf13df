// Device-file and TCP transports (escpos_transport.h), over poll(2).
#include "escpos_transport.h"

#include "escpos_status.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

namespace platform::escpos {
namespace {

using Clock = std::chrono::steady_clock;

int msLeft(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd; false on timeout. Restarts on EINTR.
bool waitFor(int fd, short events, int timeoutMs, short* revents = nullptr) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, msLeft(deadline));
        if (n > 0) {
            if (revents) *revents = p.revents;
            return true;
        }
        if (n == 0) return false;
        if (errno != EINTR) return false;
    }
}

class FdTransport final : public Transport {
public:
    FdTransport(int fd, std::string device, bool socket) : m_fd(fd), m_device(std::move(device)), m_socket(socket) {}
    ~FdTransport() override {
        if (m_socket) {
            // Close gently: a socket closed with unread input sends a reset,
            // and a reset can make a printer drop data it has not printed.
            discardInput();
            ::shutdown(m_fd, SHUT_WR);
            char buf[256];
            const auto deadline = Clock::now() + std::chrono::milliseconds(500);
            while (waitFor(m_fd, POLLIN, msLeft(deadline)) && ::read(m_fd, buf, sizeof buf) > 0) {
            }
        }
        ::close(m_fd);
    }
    FdTransport(const FdTransport&) = delete;
    FdTransport& operator=(const FdTransport&) = delete;

    kiosk::Result<void> writeAll(std::string_view bytes, int stallTimeoutMs) override {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = m_socket ? ::send(m_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL)
                                       : ::write(m_fd, bytes.data() + done, bytes.size() - done);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                short revents = 0;
                if (!waitFor(m_fd, POLLOUT, stallTimeoutMs, &revents))
                    return kiosk::fail(kiosk::ErrorCode::Io,
                                       fmt::format("printer {} took no data for {} s ({} of {} bytes sent): check "
                                                   "paper and cover, then switch it off and on",
                                                   m_device, stallTimeoutMs / 1000, done, bytes.size()));
                continue;
            }
            const int e = n < 0 ? errno : EIO;
            return kiosk::fail(kiosk::ErrorCode::Io,
                               fmt::format("printer {} stopped taking data after {} of {} bytes: {} (is it still "
                                           "connected?)",
                                           m_device, done, bytes.size(), std::strerror(e)));
        }
        return {};
    }

    kiosk::Result<std::optional<std::uint8_t>> readByte(int timeoutMs) override {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
        for (;;) {
            short revents = 0;
            if (!waitFor(m_fd, POLLIN, msLeft(deadline), &revents)) return std::optional<std::uint8_t>{};
            std::uint8_t b = 0;
            const ssize_t n = ::read(m_fd, &b, 1);
            if (n == 1) return std::optional<std::uint8_t>{b};
            if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
                if (msLeft(deadline) == 0) return std::optional<std::uint8_t>{};
                continue;
            }
            // End of file (a regular file, a closed connection) or a device
            // that cannot be read: it will never answer.
            return std::optional<std::uint8_t>{};
        }
    }

    void discardInput() override {
        char buf[256];
        while (waitFor(m_fd, POLLIN, 0) && ::read(m_fd, buf, sizeof buf) > 0) {
        }
    }

private:
    int m_fd;
    std::string m_device;
    bool m_socket;
};

kiosk::Result<std::unique_ptr<Transport>> openDevice(const std::string& device) {
    const int fd = ::open(device.c_str(), O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        switch (e) {
            case ENOENT:
            case ENODEV:
            case ENXIO:
                return kiosk::fail(kiosk::ErrorCode::NotFound,
                                   fmt::format("printer device {} not found: is the printer plugged in and switched "
                                               "on? (printer.device)",
                                               device));
            case EACCES:
            case EPERM:
                return kiosk::fail(kiosk::ErrorCode::Io,
                                   fmt::format("no permission to open printer device {}: the kiosk user must be in "
                                               "the device's group (usually lp) (printer.device)",
                                               device));
            case EBUSY:
                return kiosk::fail(kiosk::ErrorCode::Io,
                                   fmt::format("printer device {} is in use by another program (a print spooler?): "
                                               "stop it (printer.device)",
                                               device));
            default:
                return kiosk::fail(kiosk::ErrorCode::Io, fmt::format("cannot open printer device {}: {} (printer.device)",
                                                                     device, std::strerror(e)));
        }
    }
    // Serial printers: no echo, no newline translation, no control characters.
    termios tio{};
    if (::isatty(fd) && ::tcgetattr(fd, &tio) == 0) {
        ::cfmakeraw(&tio);
        ::tcsetattr(fd, TCSANOW, &tio);
    }
    return std::make_unique<FdTransport>(fd, device, false);
}

kiosk::Result<std::unique_ptr<Transport>> openTcp(const std::string& device, int connectTimeoutMs) {
    // tcp:HOST:PORT, tcp:[V6]:PORT
    const std::string rest = device.substr(4);
    const auto colon = rest.rfind(':');
    std::string host = colon == std::string::npos ? "" : rest.substr(0, colon);
    const std::string port = colon == std::string::npos ? "" : rest.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const bool portOk = !port.empty() && port.size() <= 5 &&
                        port.find_first_not_of("0123456789") == std::string::npos && std::stoi(port) > 0 &&
                        std::stoi(port) < 65536;
    if (host.empty() || !portOk)
        return kiosk::fail(kiosk::ErrorCode::Config,
                           fmt::format("printer.device \"{}\" must be tcp:HOST:PORT, e.g. tcp:192.168.1.50:9100", device));

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
        return kiosk::fail(kiosk::ErrorCode::NotFound,
                           fmt::format("printer host {} cannot be resolved: {} (printer.device)", host, ::gai_strerror(rc)));
    std::string lastError = "no address";
    bool timedOut = false;
    for (addrinfo* a = found; a; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            lastError = std::strerror(errno);
            continue;
        }
        int err = 0;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            err = errno;
            if (err == EINPROGRESS) {
                short revents = 0;
                if (!waitFor(fd, POLLOUT, connectTimeoutMs, &revents)) {
                    err = ETIMEDOUT;
                } else {
                    socklen_t len = sizeof err;
                    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
                }
            }
        }
        if (err == 0) {
            ::freeaddrinfo(found);
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            return std::make_unique<FdTransport>(fd, device, true);
        }
        timedOut = timedOut || err == ETIMEDOUT;
        lastError = std::strerror(err);
        ::close(fd);
    }
    ::freeaddrinfo(found);
    if (timedOut)
        return kiosk::fail(kiosk::ErrorCode::Io,
                           fmt::format("printer at {} did not answer within {} ms: is it switched on and on the network? "
                                       "(printer.device)",
                                       device, connectTimeoutMs));
    return kiosk::fail(kiosk::ErrorCode::Io,
                       fmt::format("cannot connect to the printer at {}: {}: is it switched on, and is the port right "
                                   "(usually 9100)? (printer.device)",
                                   device, lastError));
}

}  // namespace

kiosk::Result<std::unique_ptr<Transport>> openTransport(const std::string& device, int connectTimeoutMs) {
    if (device.empty())
        return kiosk::fail(kiosk::ErrorCode::Config,
                           "no printer device configured: set printer.device to /dev/usb/lp0 or tcp:HOST:PORT");
    if (device.starts_with("tcp:")) return openTcp(device, connectTimeoutMs);
    return openDevice(device);
}

PrinterStatus queryStatus(Transport& transport, int replyTimeoutMs, int firstReplyTimeoutMs) {
    StatusReplies replies;
    std::optional<std::uint8_t>* slots[] = {&replies.printer, &replies.offline, &replies.error, &replies.paper};
    for (int n = 1; n <= 4; ++n) {
        transport.discardInput();  // a late answer to an earlier question must not be taken for this one
        if (auto w = transport.writeAll(statusQueryBytes(static_cast<StatusQuery>(n)), replyTimeoutMs); !w)
            return PrinterStatus{PrinterStatus::Code::Error, w.error().message};
        auto b = transport.readByte(n == 1 && firstReplyTimeoutMs >= 0 ? firstReplyTimeoutMs : replyTimeoutMs);
        if (!b) return PrinterStatus{PrinterStatus::Code::Error, b.error().message};
        *slots[n - 1] = *b;
        if (n == 1 && (!*b || !isStatusReply(**b))) break;
    }
    return interpretStatus(replies);
}

}  // namespace platform::escpos
