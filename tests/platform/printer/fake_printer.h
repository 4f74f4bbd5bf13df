// A stand-in ESC/POS printer for tests: it records every byte it receives
// and answers DLE EOT n with the byte scripted for n (or stays silent when
// none is). It listens either on 127.0.0.1 at an ephemeral port (TCP, like a
// network printer on 9100) or behind a pseudo-terminal whose slave path is
// the "device file" (like a USB or serial printer).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace printer_test {

class FakePrinter {
public:
    enum class Wire { Tcp, Pty };
    // replies: DLE EOT n → the byte to answer; a query not in the map gets no answer.
    FakePrinter(Wire wire, std::map<int, std::uint8_t> replies);
    ~FakePrinter();
    FakePrinter(const FakePrinter&) = delete;
    FakePrinter& operator=(const FakePrinter&) = delete;

    std::string device() const { return m_device; }  // "tcp:127.0.0.1:PORT" or "/dev/pts/N"
    void setReplies(std::map<int, std::uint8_t> replies);
    std::string received() const;                  // every byte, all connections in order
    std::vector<std::string> connections() const;  // TCP: the bytes of each connection

private:
    void run();
    void feed(const char* data, std::size_t n, int replyFd);

    Wire m_wire;
    std::string m_device;
    int m_listenFd = -1;  // TCP listener, or the pty master
    int m_slaveFd = -1;   // pty: kept open so the master never sees a hang-up
    int m_stopPipe[2] = {-1, -1};
    mutable std::mutex m_mutex;
    std::map<int, std::uint8_t> m_replies;
    std::string m_received;
    std::vector<std::string> m_connections;
    int m_parse = 0;  // DLE EOT recogniser: 0 idle, 1 after DLE, 2 after DLE EOT
    std::thread m_thread;
};

}  // namespace printer_test
