// Connections to a hub under test, shared by the end-to-end tests and the
// benchmarks: an HTTPS client that trusts the test CA and can come from
// another loopback address (127.0.0.x all reach 127.0.0.1 on Linux, so the
// hub sees different clients), a raw TCP connection from such an address,
// and a "dribbler" that finishes its TLS handshake and then never ends its
// headers (the slow-client attack of issue 18). No GoogleTest here.
#pragma once

#include "harness/process.h"

#include <httplib.h>
#include <openssl/ssl.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace harness {

// Timeouts of tlsClient(), in seconds (httplib's: connect covers the TLS handshake).
struct ClientTimeouts {
    int connectS = 5;
    int readS = 30;
    int writeS = 5;  // httplib's default
};

// An HTTPS client of https://127.0.0.1:PORT that verifies the server against
// the CA certificate file `ca`; `from`: the loopback address it connects
// from ("" = the kernel's choice).
std::unique_ptr<httplib::SSLClient> tlsClient(int port, const std::filesystem::path& ca, const std::string& from = "",
                                              ClientTimeouts timeouts = {});

// A TCP connection from `from` to 127.0.0.1:port (close-on-exec), or -1.
int connectFrom(int port, const char* from = "127.0.0.1");

// Whether the peer has closed `fd` (EOF or reset) by `until` (now: at once).
// Bytes it sent before (TLS session tickets) are read and dropped on the way.
bool closedByPeer(int fd, Clock::time_point until);

// A client that finished its TLS handshake and then sends its headers one
// byte at a time (dribble()), never the end of them.
struct Dribbler {
    int fd = -1;
    SSL* ssl = nullptr;
};

// Connects from `from`, shakes hands (each socket read and write bounded by
// `ioTimeoutS`: a hub with every thread taken never answers) and sends the
// start of a request; nullopt when that failed (nothing left open then).
std::optional<Dribbler> openDribbler(SSL_CTX* ctx, int port, int ioTimeoutS, const char* from = "127.0.0.1");

// One more byte of the endless header.
void dribble(const Dribbler& d);

// Frees the TLS state and closes the connection.
void closeDribbler(Dribbler& d);

}  // namespace harness
