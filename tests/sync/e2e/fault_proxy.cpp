// fault-proxy: a TCP proxy for loopback tests that breaks connections the
// way a bad network does, between a kiosk and its hub. TLS passes through
// untouched (the kiosk still talks mTLS to the real hub); the proxy only
// reads TLS record headers to know when the request is out and the answer is
// coming, so a truncation lands in the hub's response, after the hub may
// already have stored the batch — the case that tests "never duplicated".
//
//   fault-proxy --to PORT [--listen PORT] [--seed N] [--every N] [--stall-ms MS]
//               [--stall-every N]
//
// Connections are taken in blocks of --every (default 10). In each block one
// connection is dropped (closed before anything is forwarded), one is reset
// (RST after a random 1–300,000 bytes either way: in the handshake or in one
// of the first uploads), one is truncated (the answers are cut after a random
// 0–40,000 bytes, then a clean close) and, in every
// --stall-every'th block from the first (default 4), one stalls: the answer is held for
// --stall-ms (default 10000) and then delivered. The rest pass. The order
// within a block is shuffled with --seed, so a run is repeatable and every
// fault is certain to happen. The listening port is printed on stdout; on
// SIGTERM or SIGINT the counts are printed as one JSON line and it exits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

enum class Fault { Pass, Drop, Reset, Truncate, Stall };

struct Options {
    int listenPort = 0, toPort = 0, every = 10, stallEvery = 4, stallMs = 10'000;
    unsigned seed = 1;
};

std::atomic<long> g_counts[5];
std::atomic<int> g_open{0};

class Schedule {
public:
    Schedule(const Options& o) : m_o(o), m_rng(o.seed) {}
    std::pair<Fault, unsigned> next() {
        std::lock_guard lock(m_mutex);
        if (m_block.empty()) {
            m_block.assign(std::size_t(std::max(m_o.every, 4)), Fault::Pass);
            m_block[0] = Fault::Drop;
            m_block[1] = Fault::Reset;
            m_block[2] = Fault::Truncate;
            if (m_o.stallEvery > 0 && m_blocks % m_o.stallEvery == 0) m_block[3] = Fault::Stall;
            ++m_blocks;
            std::shuffle(m_block.begin(), m_block.end(), m_rng);
        }
        const Fault f = m_block.back();
        m_block.pop_back();
        return {f, unsigned(m_rng())};
    }

private:
    const Options& m_o;
    std::mt19937 m_rng;
    std::mutex m_mutex;
    std::vector<Fault> m_block;
    long m_blocks = 0;
};

// Follows TLS records in one direction: how many application-data records
// (content type 23) have gone by.
struct RecordTracker {
    unsigned char header[5]{};
    int headerHave = 0;
    long bodyLeft = 0;
    int appRecords = 0;
    void feed(const unsigned char* p, long n) {
        while (n > 0) {
            if (bodyLeft > 0) {
                const long k = std::min(bodyLeft, n);
                bodyLeft -= k;
                p += k;
                n -= k;
                continue;
            }
            header[headerHave++] = *p++;
            --n;
            if (headerHave == 5) {
                headerHave = 0;
                bodyLeft = (long(header[3]) << 8) | header[4];
                if (header[0] == 23) ++appRecords;
            }
        }
    }
};

void hardClose(int fd) {
    linger l{1, 0};  // close with RST
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

bool sendAll(int fd, const unsigned char* p, long n) {
    while (n > 0) {
        const ssize_t w = send(fd, p, std::size_t(n), MSG_NOSIGNAL);
        if (w <= 0) return false;
        p += w;
        n -= w;
    }
    return true;
}

void relay(int client, const Options& o, Fault fault, unsigned r) {
    ++g_open;
    struct Done {
        ~Done() { --g_open; }
    } done;
    if (fault == Fault::Drop) {
        close(client);
        return;
    }
    const int server = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(o.toPort));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        hardClose(client);
        close(server);
        return;
    }
    // Kiosks keep one connection for a whole sync cycle (several batches), so
    // the break may come in any of its first requests, or in the handshake.
    const long resetAt = 1 + long(r % 300'000);  // bytes either way
    const long cutAfter = long(r % 40'000);      // bytes of the answers
    long moved = 0, answered = 0;
    RecordTracker fromClient;
    bool stalled = false;
    unsigned char buf[16384];
    // A whole exchange is bounded: the hub's own timeouts end idle ones first.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (poll(fds, 2, 1000) < 0) break;
        bool closed = false;
        for (int i = 0; i < 2 && !closed; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const int from = i == 0 ? client : server, to = i == 0 ? server : client;
            const ssize_t n = recv(from, buf, sizeof buf, 0);
            if (n <= 0) {
                closed = true;
                break;
            }
            long send = n;
            // The request is out once the client has sent its Finished and at
            // least one more application-data record.
            if (i == 0) fromClient.feed(buf, n);
            const bool answering = i == 1 && fromClient.appRecords >= 2;
            if (fault == Fault::Reset && moved + n >= resetAt) {
                (void)sendAll(to, buf, resetAt - moved);
                hardClose(client);
                hardClose(server);
                return;
            }
            if (fault == Fault::Truncate && answering) {
                send = std::min<long>(n, std::max<long>(0, cutAfter - answered));
                (void)sendAll(to, buf, send);
                if (answered + n >= cutAfter) {
                    shutdown(client, SHUT_RDWR);
                    close(client);
                    close(server);
                    return;
                }
                answered += n;
                moved += n;
                continue;
            }
            if (fault == Fault::Stall && answering && !stalled) {
                stalled = true;
                std::this_thread::sleep_for(std::chrono::milliseconds(o.stallMs));
            }
            if (!sendAll(to, buf, send)) {
                closed = true;
                break;
            }
            moved += n;
            if (i == 1) answered += n;
        }
        if (closed) break;
    }
    close(client);
    close(server);
}

int parseInt(const char* s, const char* name) {
    char* end = nullptr;
    const long v = std::strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 1'000'000) {
        std::fprintf(stderr, "fault-proxy: %s needs a whole number 0–1000000, not \"%s\"\n", name, s);
        std::exit(2);
    }
    return int(v);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (i + 1 >= argc) {
            std::fprintf(stderr, "fault-proxy: %s needs a value\n", k.c_str());
            return 2;
        }
        const char* v = argv[++i];
        if (k == "--to") o.toPort = parseInt(v, "--to");
        else if (k == "--listen") o.listenPort = parseInt(v, "--listen");
        else if (k == "--seed") o.seed = unsigned(parseInt(v, "--seed"));
        else if (k == "--every") o.every = parseInt(v, "--every");
        else if (k == "--stall-every") o.stallEvery = parseInt(v, "--stall-every");
        else if (k == "--stall-ms") o.stallMs = parseInt(v, "--stall-ms");
        else {
            std::fprintf(stderr, "fault-proxy: unknown option %s (--to --listen --seed --every --stall-every --stall-ms)\n",
                         k.c_str());
            return 2;
        }
    }
    if (o.toPort == 0) {
        std::fprintf(stderr, "fault-proxy: --to PORT (the hub's port on 127.0.0.1) is required\n");
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(o.listenPort));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(listener, 64) != 0) {
        std::fprintf(stderr, "fault-proxy: cannot listen on 127.0.0.1:%d: %s\n", o.listenPort, std::strerror(errno));
        return 1;
    }
    socklen_t len = sizeof a;
    getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    std::printf("%d\n", ntohs(a.sin_port));
    std::fflush(stdout);

    static Schedule schedule(o);
    std::thread([listener, &o] {
        for (;;) {
            const int c = accept(listener, nullptr, nullptr);
            if (c < 0) continue;
            if (g_open.load() >= 200) {  // bounded: a runaway client cannot exhaust threads
                hardClose(c);
                continue;
            }
            const auto [fault, r] = schedule.next();
            ++g_counts[int(fault)];
            std::thread(relay, c, std::cref(o), fault, r).detach();
        }
    }).detach();

    int sig = 0;
    sigwait(&set, &sig);
    std::printf("{\"pass\":%ld,\"drop\":%ld,\"reset\":%ld,\"truncate\":%ld,\"stall\":%ld}\n", g_counts[0].load(),
                g_counts[1].load(), g_counts[2].load(), g_counts[3].load(), g_counts[4].load());
    std::fflush(stdout);
    _exit(0);
}
