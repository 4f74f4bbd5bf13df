// The fake printer of the transport and kioskctl tests (fake_printer.h).
#include "fake_printer.h"

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

namespace printer_test {

FakePrinter::FakePrinter(Wire wire, std::map<int, std::uint8_t> replies) : m_wire(wire), m_replies(std::move(replies)) {
    if (::pipe(m_stopPipe) != 0) throw std::runtime_error("pipe");
    if (wire == Wire::Tcp) {
        m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        if (::bind(m_listenFd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_listenFd, 4) != 0 ||
            ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            throw std::runtime_error("listen");
        m_device = "tcp:127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    } else {
        m_listenFd = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (m_listenFd < 0 || ::grantpt(m_listenFd) != 0 || ::unlockpt(m_listenFd) != 0)
            throw std::runtime_error("posix_openpt");
        m_device = ::ptsname(m_listenFd);
        m_slaveFd = ::open(m_device.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        termios tio{};
        ::tcgetattr(m_slaveFd, &tio);
        ::cfmakeraw(&tio);
        ::tcsetattr(m_slaveFd, TCSANOW, &tio);
    }
    m_thread = std::thread([this] { run(); });
}

FakePrinter::~FakePrinter() {
    (void)!::write(m_stopPipe[1], "x", 1);
    m_thread.join();
    ::close(m_listenFd);
    if (m_slaveFd >= 0) ::close(m_slaveFd);
    ::close(m_stopPipe[0]);
    ::close(m_stopPipe[1]);
}

void FakePrinter::setReplies(std::map<int, std::uint8_t> replies) {
    std::lock_guard lock(m_mutex);
    m_replies = std::move(replies);
}

std::string FakePrinter::received() const {
    std::lock_guard lock(m_mutex);
    return m_received;
}

std::vector<std::string> FakePrinter::connections() const {
    std::lock_guard lock(m_mutex);
    return m_connections;
}

void FakePrinter::feed(const char* data, std::size_t n, int replyFd) {
    std::lock_guard lock(m_mutex);
    m_received.append(data, n);
    if (!m_connections.empty()) m_connections.back().append(data, n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto b = static_cast<std::uint8_t>(data[i]);
        if (m_parse == 2) {
            m_parse = 0;
            if (auto it = m_replies.find(b); it != m_replies.end()) {
                const char reply = static_cast<char>(it->second);
                (void)!::write(replyFd, &reply, 1);
            }
            continue;
        }
        if (m_parse == 1 && b == 0x04) {
            m_parse = 2;
            continue;
        }
        m_parse = b == 0x10 ? 1 : 0;
    }
}

void FakePrinter::run() {
    int client = -1;  // TCP: the connection being served
    char buf[4096];
    for (;;) {
        pollfd fds[2] = {{m_stopPipe[0], POLLIN, 0}, {m_wire == Wire::Tcp && client >= 0 ? client : m_listenFd, POLLIN, 0}};
        if (::poll(fds, 2, 1000) < 0 && errno != EINTR) break;
        if (fds[0].revents) break;
        if (!fds[1].revents) continue;
        if (m_wire == Wire::Pty) {
            const ssize_t n = ::read(m_listenFd, buf, sizeof buf);
            if (n > 0) feed(buf, static_cast<std::size_t>(n), m_listenFd);
            else std::this_thread::sleep_for(std::chrono::milliseconds(5));
            continue;
        }
        if (client < 0) {
            client = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
            std::lock_guard lock(m_mutex);
            m_connections.emplace_back();
            m_parse = 0;
            continue;
        }
        const ssize_t n = ::read(client, buf, sizeof buf);
        if (n > 0) {
            feed(buf, static_cast<std::size_t>(n), client);
        } else {  // the kiosk closed its side: so do we, like a printer
            ::close(client);
            client = -1;
        }
    }
    if (client >= 0) ::close(client);
}

}  // namespace printer_test
