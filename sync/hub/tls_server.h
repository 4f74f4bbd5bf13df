// The one TLS set-up of kiosk-hub's listeners and the server that runs their
// connections. TLS 1.2 or newer, no compression or renegotiation, the hub's
// server certificate; the device listener also asks for a device certificate
// (verified against the device CA if sent, required by its routes), the staff
// console's listener asks for none.
//
// TlsListener is a cpp-httplib Server (Debian's 0.11) whose connections are
// not handed to httplib's thread pool, where a client that never finishes
// its TLS handshake or its headers holds a thread for the whole read timeout
// (issue 18, finding 2). Instead:
//   - httplib's accept loop hands each socket over at once (the TaskQueue
//     runs the closure inline); the connection is refused there when its
//     address already holds `perAddress` connections or the listener
//     `maxConnections`;
//   - a reactor thread (epoll, non-blocking sockets; one per core, at most
//     4, connections shared out in turn) drives the TLS handshake, reads the request headers and a small body, and waits
//     between the requests of a keep-alive connection, each step with its
//     deadline — none of this holds a worker;
//   - only a request whose headers (and small body) are in goes to one of
//     `workers` threads, which runs httplib's own request handling on it
//     (routing, Range, content providers) and gives the connection back.
// It must never let a client that has sent nothing complete hold a worker.
#pragma once

#include "base/error.h"
#include "hub_config.h"
#include "keys.h"

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace kiosk::hub {

// The most body a request to METHOD PATH may carry (bytes); larger ones are
// answered 413 by the routes' pre-routing handler before the body is read.
using BodyLimit = std::function<std::size_t(std::string_view method, std::string_view path)>;

// Bodies up to this size (and within the route's limit) are read by the
// reactor before a worker sees the request; larger ones are read by the
// worker, after the pre-routing handler has checked who sends them.
inline constexpr std::size_t kReactorBodyBytes = 64 * 1024;

// What the listener refused or cut, for /metrics and the tests.
struct ListenerCounters {
    std::atomic<long> refusedPerAddress{0}, refusedTotal{0};
    std::atomic<long> handshakeTimeouts{0}, headerTimeouts{0}, bodyTimeouts{0}, idleClosed{0};
    std::atomic<long> open{0};
};

class TlsListener : public httplib::Server {
public:
    // Takes ownership of `ctx` (set up by makeTlsServer).
    TlsListener(SSL_CTX* ctx, ConnectionLimits limits, BodyLimit bodyLimit, std::string name);
    ~TlsListener() override;
    bool is_valid() const override;
    const ListenerCounters& counters() const;

    struct Impl;

private:
    bool process_and_close_socket(socket_t sock) override;
    std::unique_ptr<Impl> m;
};

// `name` ("device", "staff") is used in log lines.
[[nodiscard]] Result<std::unique_ptr<TlsListener>> makeTlsServer(const HubKeys& keys, bool askDeviceCert,
                                                                 const ConnectionLimits& limits, BodyLimit bodyLimit,
                                                                 std::string name);
// Binds `server` to host:port (0 = any free port); the port, or an error
// ending in `hint`.
[[nodiscard]] Result<int> bindTo(httplib::Server& server, const std::string& host, int port, const std::string& hint);

}  // namespace kiosk::hub
