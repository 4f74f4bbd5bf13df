// TlsListener: kiosk-hub's connections driven by epoll reactor threads with
// deadlines, requests answered by a bounded worker pool through httplib's
// own request handling (tls_server.h); and the listeners' TLS set-up.
//
// [SECTION] One connection and its states
// [SECTION] The stream a worker answers on
// [SECTION] Reactor and workers
// [SECTION] TLS set-up and binding
#include "tls_server.h"

#include "base/log.h"
#include "request_limits.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace kiosk::hub {
namespace {

auto logger() { return log::channel("hub"); }

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The most request line + headers the reactor buffers; a client sending
// more is cut off (httplib's own limit is 8 KiB a line).
constexpr std::size_t kMaxHeaderBytes = 32 * 1024;

// [SECTION] One connection and its states
//
//   accept ──► admit(): over a cap ──► closed at once
//                │
//                ▼        SSL_accept done                     end of headers
//          Handshake ───────────────────────────► Headers ─────────────────┐
//          (handshake deadline)          ┌─byte─► (header deadline)        │ a small body
//                                        │                                 ▼ to read?
//                                      Idle                         Body (body deadline)
//                                 (keep-alive deadline)                    │ all in
//                                        ▲                                 ▼ dispatch()
//                                        └──── kept alive ◄──── Busy: a worker runs
//                                                               httplib's process_request
// Every state but Busy belongs to the reactor thread (drive(); sweep()
// closes what passed its deadline); Busy belongs to one worker (serve()),
// which closes the connection or hands it back. A request answered without
// its body being read (413, 401 before the body) is handed back as Drain:
// the answer is out and TLS closed, and the reactor reads and discards what
// the client still sends for up to a header timeout, then closes — closing
// at once would reset the connection and the client might never see the
// answer.
enum class Phase { Handshake, Idle, Headers, Body, Busy, Drain };

struct Reactor;

struct Conn {
    Reactor* home = nullptr;      // the reactor thread this connection returns to
    int fd = -1;
    SSL* ssl = nullptr;
    std::string addr, localAddr;
    int port = 0, localPort = 0;
    Phase phase = Phase::Handshake;
    std::int64_t deadlineMs = 0;
    std::uint32_t events = 0;     // registered with epoll (0 = not registered)
    std::string buf;              // decrypted bytes not yet handed to httplib
    std::size_t headerEnd = 0;    // length of request line + headers in buf; 0 = not complete
    std::size_t bodyLength = 0;   // Content-Length
    bool chunked = false;
    std::size_t expectAt = 0, expectLength = 0;  // an "Expect: 100-continue" line in buf (length 0: none)
    std::size_t requests = 0;     // answered on this connection
    bool graced = false;          // given its one extra second in this phase (sweep())
};

// Parses what the reactor needs from complete headers: method, path,
// Content-Length, chunked or not.
void parseHead(Conn& c, std::string& method, std::string& path) {
    const std::string_view head(c.buf.data(), c.headerEnd);
    const auto lineEnd = head.find('\n');
    const std::string_view line = head.substr(0, lineEnd);
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp1 != std::string_view::npos) method = std::string(line.substr(0, sp1));
    if (sp2 != std::string_view::npos) path = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
    c.bodyLength = 0;
    c.chunked = false;
    c.expectLength = 0;
    std::size_t pos = lineEnd == std::string_view::npos ? head.size() : lineEnd + 1;
    while (pos < head.size()) {
        auto end = head.find('\n', pos);
        if (end == std::string_view::npos) end = head.size();
        std::string_view h = head.substr(pos, end - pos);
        const std::size_t lineAt = pos;
        pos = end + 1;
        const auto colon = h.find(':');
        if (colon == std::string_view::npos) continue;
        std::string name(h.substr(0, colon));
        for (char& ch : name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        std::string_view value = h.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.remove_suffix(1);
        if (name == "content-length") c.bodyLength = std::size_t(std::strtoull(std::string(value).c_str(), nullptr, 10));
        else if (name == "transfer-encoding") c.chunked = true;
        else if (name == "expect" && (value == "100-continue" || value == "100-Continue")) {
            c.expectAt = lineAt;
            c.expectLength = std::min(pos, head.size()) - lineAt;
        }
    }
}

std::string peerText(const sockaddr_storage& a, int& port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (a.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&a);
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        port = ntohs(in->sin_port);
    } else if (a.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&a);
        inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        port = ntohs(in6->sin6_port);
    }
    return text;
}

// Waits ≤ `ms` for `events` on `fd`, in slices, giving up early when
// `stopping` is set. True when ready.
bool waitFor(int fd, short events, std::int64_t ms, const std::atomic<bool>& stopping) {
    const std::int64_t end = nowMs() + std::max<std::int64_t>(0, ms);
    for (;;) {
        if (stopping) return false;
        const std::int64_t left = end - nowMs();
        if (left <= 0) return false;
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, int(std::min<std::int64_t>(left, 250)));
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) return false;
    }
}

// [SECTION] The stream a worker answers on
//
// Serves the bytes the reactor already read, then reads from TLS with a
// per-read timeout and the request's body deadline; writes with a per-write
// timeout only (a download on a slow link may take long, as long as it
// moves).
class ConnStream final : public httplib::Stream {
public:
    ConnStream(Conn& c, std::int64_t ioMs, std::int64_t bodyDeadlineMs, const std::atomic<bool>& stopping)
        : m_c(c), m_ioMs(ioMs), m_bodyDeadlineMs(bodyDeadlineMs), m_stopping(stopping) {}

    bool is_readable() const override {
        return m_pos < m_c.buf.size() || SSL_pending(m_c.ssl) > 0 || waitFor(m_c.fd, POLLIN, readWaitMs(), m_stopping);
    }
    bool is_writable() const override { return !m_failed && waitFor(m_c.fd, POLLOUT, m_ioMs, m_stopping); }

    ssize_t read(char* ptr, std::size_t size) override {
        if (m_pos < m_c.buf.size()) {
            const std::size_t n = std::min(size, m_c.buf.size() - m_pos);
            std::memcpy(ptr, m_c.buf.data() + m_pos, n);
            m_pos += n;
            return ssize_t(n);
        }
        for (;;) {
            ERR_clear_error();
            const int r = SSL_read(m_c.ssl, ptr, int(std::min<std::size_t>(size, INT_MAX)));
            if (r > 0) {
                m_fromSocket += std::size_t(r);
                return r;
            }
            const int e = SSL_get_error(m_c.ssl, r);
            if ((e == SSL_ERROR_WANT_READ && waitFor(m_c.fd, POLLIN, readWaitMs(), m_stopping)) ||
                (e == SSL_ERROR_WANT_WRITE && waitFor(m_c.fd, POLLOUT, m_ioMs, m_stopping)))
                continue;
            m_failed = true;
            return -1;
        }
    }

    ssize_t write(const char* ptr, std::size_t size) override {
        if (m_failed) return -1;
        if (size == 0) return 0;
        for (;;) {
            ERR_clear_error();
            const int r = SSL_write(m_c.ssl, ptr, int(std::min<std::size_t>(size, 1 << 30)));
            if (r > 0) return r;
            const int e = SSL_get_error(m_c.ssl, r);
            if ((e == SSL_ERROR_WANT_WRITE && waitFor(m_c.fd, POLLOUT, m_ioMs, m_stopping)) ||
                (e == SSL_ERROR_WANT_READ && waitFor(m_c.fd, POLLIN, m_ioMs, m_stopping)))
                continue;
            m_failed = true;
            return -1;
        }
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = m_c.addr;
        port = m_c.port;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = m_c.localAddr;
        port = m_c.localPort;
    }
    socket_t socket() const override { return m_c.fd; }

    // Bytes of the buffer handed out (the rest is the next request's).
    std::size_t fromBuffer() const { return m_pos; }
    std::size_t fromSocket() const { return m_fromSocket; }
    bool failed() const { return m_failed; }
    bool pastBodyDeadline() const { return nowMs() >= m_bodyDeadlineMs; }

private:
    std::int64_t readWaitMs() const { return std::min(m_ioMs, m_bodyDeadlineMs - nowMs()); }

    Conn& m_c;
    std::int64_t m_ioMs, m_bodyDeadlineMs;
    const std::atomic<bool>& m_stopping;
    std::size_t m_pos = 0, m_fromSocket = 0;
    bool m_failed = false;
};

// One epoll thread and what it owns. Connections are shared out among a
// few of them (one per core, at most 4), so that a reconnecting fleet's TLS
// handshakes use every core.
struct Reactor {
    int epfd = -1, wakefd = -1;
    std::thread thread;
    std::deque<Conn*> incoming, returned;  // new, and back from a worker (TlsListener::Impl::mutex)
    std::unordered_set<Conn*> owned;       // every phase but Busy; this thread only
};

// httplib's accept loop enqueues one closure per accepted socket: run it at
// once (it only registers the socket), and stop the reactor and workers
// when httplib shuts the queue down (Server::stop()).
class InlineQueue final : public httplib::TaskQueue {
public:
    InlineQueue(std::function<void()> start, std::function<void()> stop) : m_stop(std::move(stop)) { start(); }
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override { m_stop(); }

private:
    std::function<void()> m_stop;
};

}  // namespace

// [SECTION] Reactor and workers

struct TlsListener::Impl {
    TlsListener& server;
    SSL_CTX* ctx;
    ConnectionLimits limits;
    BodyLimit bodyLimit;
    std::string name;
    ListenerCounters counters;

    std::mutex mutex;                                   // guards everything below up to the threads
    std::unordered_map<std::string, int> perAddress;    // open connections by address
    std::unordered_map<std::string, std::int64_t> lastCapLogMs;
    std::deque<Conn*> ready;                            // to the workers
    std::condition_variable readyCv;
    std::atomic<bool> stopping{false};

    std::vector<std::unique_ptr<Reactor>> reactors;
    std::size_t nextReactor = 0;                        // accept thread only
    std::vector<std::thread> workers;

    Impl(TlsListener& s, SSL_CTX* c, ConnectionLimits l, BodyLimit b, std::string n)
        : server(s), ctx(c), limits(l), bodyLimit(std::move(b)), name(std::move(n)) {}
    ~Impl() {
        if (ctx) SSL_CTX_free(ctx);
    }

    static void wake(Reactor& r) {
        const std::uint64_t one = 1;
        (void)!::write(r.wakefd, &one, sizeof one);
    }

    // On httplib's accept thread: the caps, then hand the socket to the reactor.
    void admit(int fd) {
        sockaddr_storage peer{}, local{};
        socklen_t plen = sizeof peer, llen = sizeof local;
        if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0 ||
            getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) {
            ::close(fd);
            return;
        }
        auto* c = new Conn;
        c->fd = fd;
        c->addr = peerText(peer, c->port);
        c->localAddr = peerText(local, c->localPort);
        {
            std::lock_guard lock(mutex);
            int& mine = perAddress[c->addr];
            const bool overAddress = mine >= limits.perAddress;
            const bool overTotal = counters.open >= limits.maxConnections;
            if (overAddress || overTotal || stopping) {
                if (mine == 0) perAddress.erase(c->addr);
                (overAddress ? counters.refusedPerAddress : counters.refusedTotal)++;
                const std::int64_t t = nowMs();
                if (lastCapLogMs.size() > 10'000) lastCapLogMs.clear();  // many addresses: forget, log again
                auto& last = lastCapLogMs[overAddress ? c->addr : std::string()];
                if (!stopping && t - last > 60'000) {
                    last = t;
                    if (overAddress)
                        logger()->warn("{} listener: refusing connections from {}: it holds {} already "
                                       "(connections_per_address in hub.toml [limits])",
                                       name, c->addr, limits.perAddress);
                    else
                        logger()->warn("{} listener: refusing connections: {} are open (connections_max in "
                                       "hub.toml [limits])",
                                       name, limits.maxConnections);
                }
                ::close(fd);
                delete c;
                return;
            }
            ++mine;
            ++counters.open;
        }
        const int flags = fcntl(fd, F_GETFL, 0);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->ssl = SSL_new(ctx);
        if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
            closeConn(c, false);
            return;
        }
        SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        SSL_clear_mode(c->ssl, SSL_MODE_AUTO_RETRY);
        c->deadlineMs = nowMs() + limits.handshakeTimeoutS * 1000LL;
        c->home = reactors[nextReactor++ % reactors.size()].get();
        {
            std::lock_guard lock(mutex);
            c->home->incoming.push_back(c);
        }
        wake(*c->home);
    }

    // Any thread: frees the connection and its place in the caps.
    void closeConn(Conn* c, bool graceful) {
        if (c->ssl) {
            if (graceful) {
                ERR_clear_error();
                (void)SSL_shutdown(c->ssl);  // one try: the close_notify, never a wait
            }
            SSL_free(c->ssl);
        }
        ::shutdown(c->fd, SHUT_RDWR);
        ::close(c->fd);
        {
            std::lock_guard lock(mutex);
            if (auto it = perAddress.find(c->addr); it != perAddress.end() && --it->second <= 0) perAddress.erase(it);
            --counters.open;
        }
        delete c;
    }

    // Reactor thread only.
    void watch(Conn* c, std::uint32_t events) {
        if (c->events == events) return;
        epoll_event ev{};
        ev.events = events;
        ev.data.ptr = c;
        epoll_ctl(c->home->epfd, c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c->fd, &ev);
        c->events = events;
    }
    void unwatch(Conn* c) {
        if (c->events != 0) epoll_ctl(c->home->epfd, EPOLL_CTL_DEL, c->fd, nullptr);
        c->events = 0;
    }
    void drop(Conn* c, bool graceful) {
        unwatch(c);
        c->home->owned.erase(c);
        closeConn(c, graceful);
    }

    // Reactor thread: moves `c` on as far as the bytes that have arrived let it.
    void drive(Conn* c) {
        if (c->phase == Phase::Drain) {
            char sink[16 * 1024];
            for (;;) {
                const ssize_t n = ::recv(c->fd, sink, sizeof sink, 0);
                if (n > 0) continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return watch(c, EPOLLIN);
                if (n < 0 && errno == EINTR) continue;
                return drop(c, false);
            }
        }
        if (c->phase == Phase::Handshake) {
            ERR_clear_error();
            const int r = SSL_accept(c->ssl);
            if (r != 1) {
                const int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_READ) return watch(c, EPOLLIN);
                if (e == SSL_ERROR_WANT_WRITE) return watch(c, EPOLLOUT);
                return drop(c, false);
            }
            // The first request's headers are due a header timeout after the handshake.
            c->phase = Phase::Headers;
            c->deadlineMs = nowMs() + limits.headerTimeoutS * 1000LL;
            c->graced = false;
        }
        if (c->phase == Phase::Idle && !c->buf.empty()) startHeaders(c);
        if (complete(c)) return dispatch(c);
        char chunk[16 * 1024];
        for (;;) {
            ERR_clear_error();
            const int r = SSL_read(c->ssl, chunk, int(sizeof chunk));
            if (r <= 0) {
                const int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_READ) return watch(c, EPOLLIN);
                if (e == SSL_ERROR_WANT_WRITE) return watch(c, EPOLLOUT);
                return drop(c, e == SSL_ERROR_ZERO_RETURN);
            }
            if (c->phase == Phase::Idle) startHeaders(c);
            c->buf.append(chunk, std::size_t(r));
            if (complete(c)) return dispatch(c);
            if (c->headerEnd == 0 && c->buf.size() > kMaxHeaderBytes) {
                logger()->warn("{} listener: closed a connection from {}: request headers over {} bytes", name, c->addr,
                               kMaxHeaderBytes);
                return drop(c, false);
            }
        }
    }

    void startHeaders(Conn* c) {
        c->phase = Phase::Headers;
        c->deadlineMs = nowMs() + limits.headerTimeoutS * 1000LL;
        c->graced = false;
    }

    // Whether the request in c->buf can go to a worker: headers complete and,
    // for a small body within its endpoint's limit, the body too.
    bool complete(Conn* c) {
        if (c->headerEnd == 0) {
            std::size_t end = c->buf.find("\r\n\r\n");
            std::size_t skip = 4;
            if (end == std::string::npos) {
                end = c->buf.find("\n\n");
                skip = 2;
            }
            if (end == std::string::npos) return false;
            c->headerEnd = end + skip;
            std::string method, path;
            parseHead(*c, method, path);
            const std::size_t limit = bodyLimit ? bodyLimit(method, path) : kReactorBodyBytes;
            if (c->chunked || c->bodyLength == 0 || c->bodyLength > std::min(limit, kReactorBodyBytes)) return true;
            c->phase = Phase::Body;
            c->deadlineMs = nowMs() + limits.bodyTimeoutS * 1000LL;
            c->graced = false;
            if (c->expectLength > 0) {
                // The client waits for this before it sends the body; httplib,
                // which would send it too, no longer sees the header.
                static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
                ERR_clear_error();
                (void)SSL_write(c->ssl, kContinue, int(sizeof kContinue - 1));
                c->buf.erase(c->expectAt, c->expectLength);
                c->headerEnd -= c->expectLength;
                c->expectLength = 0;
            }
        }
        if (c->phase != Phase::Body) return true;
        return c->buf.size() >= c->headerEnd + c->bodyLength;
    }

    void dispatch(Conn* c) {
        unwatch(c);
        c->home->owned.erase(c);
        c->phase = Phase::Busy;
        {
            std::lock_guard lock(mutex);
            ready.push_back(c);
        }
        readyCv.notify_one();
    }

    // Reactor thread: closes what passed its deadline. When the hub itself
    // is slow (a reconnecting fleet's handshakes), bytes may be waiting that
    // this thread has not read yet: a late connection is driven once more
    // first, and one that moved on since, or received bytes then, is given
    // one more second in this phase — a client that sends nothing gets none.
    void sweep(Reactor& r) {
        const std::int64_t t = nowMs();
        std::vector<Conn*> late;
        for (Conn* c : r.owned)
            if (c->deadlineMs <= t) late.push_back(c);
        for (Conn* c : late) {
            const Phase before = c->phase;
            const std::uint64_t readBefore = BIO_number_read(SSL_get_rbio(c->ssl));
            drive(c);  // may dispatch it or close it
            if (!r.owned.count(c) || c->phase != before || c->deadlineMs > t) continue;
            if (!c->graced && BIO_number_read(SSL_get_rbio(c->ssl)) > readBefore) {
                c->graced = true;
                c->deadlineMs = nowMs() + 1000;
                continue;
            }
            switch (c->phase) {
                case Phase::Handshake: ++counters.handshakeTimeouts; break;
                case Phase::Headers: ++counters.headerTimeouts; break;
                case Phase::Body: ++counters.bodyTimeouts; break;
                case Phase::Drain: break;
                default: ++counters.idleClosed; break;
            }
            drop(c, c->phase == Phase::Idle);
        }
    }

    void runReactor(Reactor& r) {
        std::vector<epoll_event> events(256);
        std::int64_t lastSweep = 0;
        while (!stopping) {
            const int n = epoll_wait(r.epfd, events.data(), int(events.size()), 100);
            for (int i = 0; i < n; ++i) {
                if (events[std::size_t(i)].data.ptr == nullptr) {
                    std::uint64_t count = 0;
                    (void)!::read(r.wakefd, &count, sizeof count);
                    continue;
                }
                auto* c = static_cast<Conn*>(events[std::size_t(i)].data.ptr);
                if (r.owned.count(c)) drive(c);
            }
            std::deque<Conn*> fresh, back;
            {
                std::lock_guard lock(mutex);
                fresh.swap(r.incoming);
                back.swap(r.returned);
            }
            for (Conn* c : fresh) {
                r.owned.insert(c);
                drive(c);
            }
            for (Conn* c : back) {
                r.owned.insert(c);
                if (c->phase == Phase::Drain) {
                    ERR_clear_error();
                    (void)SSL_shutdown(c->ssl);
                    ::shutdown(c->fd, SHUT_WR);
                    c->deadlineMs = nowMs() + limits.headerTimeoutS * 1000LL;
                    drive(c);
                    continue;
                }
                c->phase = Phase::Idle;
                c->headerEnd = 0;
                c->deadlineMs = nowMs() + limits.keepAliveTimeoutS * 1000LL;
                c->graced = false;
                // Bytes already here (pipelined, or in TLS's buffer) raise no epoll event.
                if (!c->buf.empty() || SSL_pending(c->ssl) > 0) drive(c);
                else watch(c, EPOLLIN);
            }
            if (const std::int64_t t = nowMs(); t - lastSweep >= 100) {
                lastSweep = t;
                sweep(r);
            }
        }
        for (Conn* c : std::vector<Conn*>(r.owned.begin(), r.owned.end())) drop(c, false);
        std::lock_guard lock(mutex);
        for (Conn* c : r.incoming) {
            SSL_free(c->ssl);
            c->ssl = nullptr;
            ::close(c->fd);
            if (auto it = perAddress.find(c->addr); it != perAddress.end() && --it->second <= 0) perAddress.erase(it);
            --counters.open;
            delete c;
        }
        r.incoming.clear();
    }

    // Worker thread: answers the request in c->buf with httplib's handling.
    void serve(Conn* c) {
        const std::int64_t t = nowMs();
        ConnStream strm(*c, limits.ioTimeoutS * 1000LL, t + limits.bodyTimeoutS * 1000LL, stopping);
        const bool last = c->requests + 1 >= server.keep_alive_max_count_;
        bool closedByClient = false;
        const bool ok = server.process_request(strm, last || stopping, closedByClient,
                                               [c](httplib::Request& req) { req.ssl = c->ssl; });
        ++c->requests;
        const std::size_t body = c->bodyLength;
        const bool bodyRead = !c->chunked && strm.fromBuffer() + strm.fromSocket() >= c->headerEnd + c->bodyLength;
        if (strm.failed() && strm.pastBodyDeadline()) ++counters.bodyTimeouts;
        c->buf.erase(0, std::min(strm.fromBuffer(), c->buf.size()));
        if (c->buf.capacity() > kReactorBodyBytes * 2) c->buf.shrink_to_fit();
        c->headerEnd = 0;
        giveMemoryBackAfter(body);
        if (ok && !strm.failed() && !bodyRead && !stopping) c->phase = Phase::Drain;  // answered without the body
        else if (!ok || closedByClient || last || stopping || strm.failed()) return closeConn(c, ok && !strm.failed());
        {
            std::lock_guard lock(mutex);
            c->home->returned.push_back(c);
        }
        wake(*c->home);
    }

    void runWorker() {
        for (;;) {
            Conn* c = nullptr;
            {
                std::unique_lock lock(mutex);
                readyCv.wait(lock, [&] { return stopping || !ready.empty(); });
                if (ready.empty()) return;
                c = ready.front();
                ready.pop_front();
            }
            if (stopping) closeConn(c, false);
            else serve(c);
        }
    }

    void start() {
        stopping = false;
        const int cores = int(std::thread::hardware_concurrency());
        for (int i = 0; i < std::clamp(cores, 1, 4); ++i) {
            auto r = std::make_unique<Reactor>();
            r->epfd = epoll_create1(EPOLL_CLOEXEC);
            r->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.ptr = nullptr;
            epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->wakefd, &ev);
            reactors.push_back(std::move(r));
        }
        for (auto& r : reactors) r->thread = std::thread([this, rp = r.get()] { runReactor(*rp); });
        for (int i = 0; i < limits.workers; ++i) workers.emplace_back([this] { runWorker(); });
    }

    void stop() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        readyCv.notify_all();
        for (auto& r : reactors) wake(*r);
        for (auto& w : workers) w.join();
        workers.clear();
        for (auto& r : reactors) {
            if (r->thread.joinable()) r->thread.join();
            // Handed back by a worker after the reactor ended.
            std::deque<Conn*> left;
            {
                std::lock_guard lock(mutex);
                left.swap(r->returned);
            }
            for (Conn* c : left) closeConn(c, false);
            ::close(r->epfd);
            ::close(r->wakefd);
        }
        reactors.clear();
    }
};

TlsListener::TlsListener(SSL_CTX* ctx, ConnectionLimits limits, BodyLimit bodyLimit, std::string name)
    : m(std::make_unique<Impl>(*this, ctx, limits, std::move(bodyLimit), std::move(name))) {
    new_task_queue = [this] {
        return new InlineQueue([this] { m->start(); }, [this] { m->stop(); });
    };
    set_keep_alive_timeout(limits.keepAliveTimeoutS);
    set_read_timeout(limits.ioTimeoutS, 0);
    set_write_timeout(limits.ioTimeoutS, 0);
}

TlsListener::~TlsListener() = default;

bool TlsListener::is_valid() const { return m->ctx != nullptr; }

const ListenerCounters& TlsListener::counters() const { return m->counters; }

bool TlsListener::process_and_close_socket(socket_t sock) {
    m->admit(sock);
    return true;
}

// [SECTION] TLS set-up and binding

Result<std::unique_ptr<TlsListener>> makeTlsServer(const HubKeys& k, bool askDeviceCert, const ConnectionLimits& limits,
                                                   BodyLimit bodyLimit, std::string name) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) return fail(ErrorCode::Config, "the TLS server could not be set up (OpenSSL)");
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    // A kiosk resumes its TLS session on a new connection (the hub closes a
    // keep-alive connection after a few requests). With client certificates
    // OpenSSL refuses resumption — an "internal error" alert — unless the
    // sessions carry this context.
    static const unsigned char kSessionContext[] = "kiosk-hub";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
    auto loadPem = [](const std::string& pem) { return BIO_new_mem_buf(pem.data(), int(pem.size())); };
    BIO* cb = loadPem(k.serverCert);
    X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    BIO_free(cb);
    BIO* kb = loadPem(k.serverKey);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    BIO_free(kb);
    BIO* ab = loadPem(k.caCert);
    X509* ca = PEM_read_bio_X509(ab, nullptr, nullptr, nullptr);
    BIO_free(ab);
    const bool ok = cert && key && ca && SSL_CTX_use_certificate(ctx, cert) == 1 &&
                    SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
    if (ok && askDeviceCert) {
        X509_STORE* st = SSL_CTX_get_cert_store(ctx);
        X509_STORE_add_cert(st, ca);
        STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
        sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca)));
        SSL_CTX_set_client_CA_list(ctx, names);
        // Ask for a device certificate, verify it if sent, but let
        // enrollment through without one; routes check (authenticate()).
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
    } else if (ok) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    if (cert) X509_free(cert);
    if (key) EVP_PKEY_free(key);
    if (ca) X509_free(ca);
    if (!ok) {
        SSL_CTX_free(ctx);
        return fail(ErrorCode::Config, "the server certificate, its key or the CA in the data folder cannot be loaded");
    }
    auto server = std::make_unique<TlsListener>(ctx, limits, std::move(bodyLimit), std::move(name));
    // Without TCP_NODELAY every answer waits for the client's delayed ACK
    // (Nagle): about 40 ms a request. (Set on each accepted socket as well.)
    server->set_tcp_nodelay(true);
    return server;
}

namespace {

// Debian's cpp-httplib 0.11 is built with a listen backlog of 5: when a
// fleet reconnects at once (the load bench's storm) the kernel drops SYNs
// and each kiosk waits the 1, 3, 7 s SYN retries. Linux lets a listening
// socket be given a new backlog by calling listen() again, and httplib does
// not hand out its socket, so it is found among this process's descriptors:
// the one listening on the port just bound.
void raiseListenBacklog(int port) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        const int fd = std::atoi(entry.path().filename().c_str());
        int listening = 0;
        socklen_t len = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
        sockaddr_storage addr{};
        socklen_t alen = sizeof addr;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) continue;
        const int p = addr.ss_family == AF_INET    ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                      : addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                                   : -1;
        if (p == port && ::listen(fd, SOMAXCONN) != 0)
            logger()->warn("could not raise the listen backlog on port {}: {}", port, std::strerror(errno));
    }
}

}  // namespace

Result<int> bindTo(httplib::Server& server, const std::string& host, int port, const std::string& hint) {
    int bound = port;
    if (port == 0) bound = server.bind_to_any_port(host);
    else if (!server.bind_to_port(host, port)) bound = -1;
    if (bound <= 0) return fail(ErrorCode::Io, fmt::format("cannot listen on {}:{}: {}", host, port, hint));
    raiseListenBacklog(bound);
    return bound;
}

}  // namespace kiosk::hub
