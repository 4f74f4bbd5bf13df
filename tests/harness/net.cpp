// Connections to a hub under test (net.h).
#include "harness/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace harness {

std::unique_ptr<httplib::SSLClient> tlsClient(int port, const std::filesystem::path& ca, const std::string& from,
                                              ClientTimeouts timeouts) {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
    if (!from.empty()) c->set_interface(from);
    c->set_ca_cert_path(ca.c_str());
    c->enable_server_certificate_verification(true);
    c->set_connection_timeout(timeouts.connectS, 0);
    c->set_read_timeout(timeouts.readS, 0);
    c->set_write_timeout(timeouts.writeS, 0);
    return c;
}

int connectFrom(int port, const char* from) {
    const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    sockaddr_in src{}, dst{};
    src.sin_family = dst.sin_family = AF_INET;
    inet_pton(AF_INET, from, &src.sin_addr);
    dst.sin_port = htons(std::uint16_t(port));
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
        connect(s, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
        close(s);
        return -1;
    }
    return s;
}

bool closedByPeer(int fd, Clock::time_point until) {
    for (;;) {
        char b[4096];
        const ssize_t n = recv(fd, b, sizeof b, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return true;
        if (n > 0) continue;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        (void)poll(&p, 1, int(std::min<long>(left, 100)));
    }
}

std::optional<Dribbler> openDribbler(SSL_CTX* ctx, int port, int ioTimeoutS, const char* from) {
    Dribbler d{connectFrom(port, from), nullptr};
    if (d.fd < 0) return std::nullopt;
    timeval tv{ioTimeoutS, 0};
    setsockopt(d.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(d.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    d.ssl = SSL_new(ctx);
    SSL_set_fd(d.ssl, d.fd);
    if (SSL_connect(d.ssl) != 1) {
        closeDribbler(d);
        return std::nullopt;
    }
    const std::string start = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    SSL_write(d.ssl, start.data(), int(start.size()));
    return d;
}

void dribble(const Dribbler& d) {
    if (d.ssl) (void)SSL_write(d.ssl, "a", 1);
}

void closeDribbler(Dribbler& d) {
    if (d.ssl) SSL_free(d.ssl);
    if (d.fd >= 0) close(d.fd);
    d.ssl = nullptr;
    d.fd = -1;
}

}  // namespace harness
