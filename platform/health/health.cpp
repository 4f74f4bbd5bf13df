// Device identity and machine health: statvfs, /proc, a non-blocking TCP
// connect bounded by poll(2). The name lookup runs on a helper thread
// because getaddrinfo has no timeout; if it outlives the probe it finishes
// on its own and frees what it holds.
#include "health.h"

#include <fmt/format.h>
#include <systemd/sd-id128.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <thread>
#include <unistd.h>

namespace platform {
namespace {

// This application's key for sd_id128_get_machine_app_specific: the same
// machine always gets the same kiosk id, which says nothing about its
// machine-id to anyone else.
constexpr sd_id128_t kKioskAppId = SD_ID128_MAKE(3d, 72, 8c, f1, d1, 46, 49, 70, 9f, 8c, 7b, 46, 45, 28, 35, 29);

std::optional<std::string> readFile(const char* path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

using Clock = std::chrono::steady_clock;

std::int64_t msSince(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

std::string connectError(int err) {
    switch (err) {
        case ECONNREFUSED: return "connection refused";
        case ETIMEDOUT: return "timed out";
        case ENETUNREACH:
        case EHOSTUNREACH: return "no route";
        default: return std::strerror(err);
    }
}

// The shared state of one name lookup; the helper thread keeps it alive.
struct Lookup {
    std::mutex mutex;
    std::condition_variable done;
    bool finished = false;
    int rc = 0;
    addrinfo* result = nullptr;
    ~Lookup() {
        if (result) freeaddrinfo(result);
    }
};

struct AddrInfoDeleter {
    void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

// Resolves host:port within the deadline; on success returns the list (owned
// by `keep`), else sets `error`.
const addrinfo* resolve(const std::string& host, std::uint16_t port, Clock::time_point deadline,
                        std::shared_ptr<Lookup>& keep, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    const std::string service = std::to_string(port);
    keep = std::make_shared<Lookup>();

    // Literal addresses need no lookup thread.
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* numeric = nullptr;
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &numeric) == 0) {
        keep->result = numeric;
        return numeric;
    }
    hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
    try {
        std::thread([keep, host, service, hints] {
            addrinfo* found = nullptr;
            const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
            std::lock_guard lock(keep->mutex);
            keep->rc = rc;
            keep->result = found;
            keep->finished = true;
            keep->done.notify_all();
        }).detach();
    } catch (const std::system_error&) {
        error = "could not start the name lookup";
        return nullptr;
    }
    std::unique_lock lock(keep->mutex);
    if (!keep->done.wait_until(lock, deadline, [&] { return keep->finished; })) {
        error = "timed out (name lookup)";
        return nullptr;
    }
    if (keep->rc != 0) {
        error = keep->rc == EAI_NONAME || keep->rc == EAI_NODATA ? "name not found"
                : keep->rc == EAI_AGAIN                        ? "name lookup failed (DNS not answering)"
                                                               : gai_strerror(keep->rc);
        return nullptr;
    }
    return keep->result;
}

// One non-blocking connect, bounded by the deadline. 0 = connected, else errno.
int connectOnce(const addrinfo& a, Clock::time_point deadline) {
    const int fd = ::socket(a.ai_family, a.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a.ai_protocol);
    if (fd < 0) return errno;
    int err = 0;
    if (::connect(fd, a.ai_addr, a.ai_addrlen) < 0) {
        err = errno;
        if (err == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            for (;;) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
                if (left <= 0) {
                    err = ETIMEDOUT;
                    break;
                }
                const int n = ::poll(&p, 1, static_cast<int>(left));
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) {
                    err = n == 0 ? ETIMEDOUT : errno;
                    break;
                }
                socklen_t len = sizeof err;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
                break;
            }
        }
    }
    ::close(fd);
    return err;
}

}  // namespace

DeviceIdentity deviceIdentity(std::string_view hubAssignedId) {
    if (!hubAssignedId.empty()) return {std::string(hubAssignedId), "hub"};
    sd_id128_t id{};
    if (sd_id128_get_machine_app_specific(kKioskAppId, &id) >= 0) {
        char text[SD_ID128_STRING_MAX];
        return {sd_id128_to_string(id, text), "machine-id"};
    }
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return {host, "hostname"};
    return {"unknown", "none"};
}

kiosk::Result<DiskSpace> diskSpace(const std::string& path) {
    struct statvfs s {};
    if (statvfs(path.c_str(), &s) != 0)
        return kiosk::fail(errno == ENOENT ? kiosk::ErrorCode::NotFound : kiosk::ErrorCode::Io,
                           fmt::format("cannot read disk space of {}: {}", path, std::strerror(errno)));
    const std::uint64_t unit = s.f_frsize ? s.f_frsize : s.f_bsize;
    return DiskSpace{std::uint64_t(s.f_bavail) * unit, std::uint64_t(s.f_blocks) * unit};
}

std::optional<std::int64_t> parseUptimeMs(std::string_view text) {
    // "SECONDS.FRACTION IDLE": read the first number by hand (no locale).
    std::int64_t whole = 0, frac = 0, scale = 1000;
    std::size_t i = 0;
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) whole = whole * 10 + (text[i] - '0');
    if (i < text.size() && text[i] == '.')
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
            if (scale > 1) frac += (text[i] - '0') * (scale /= 10);
    if (i < text.size() && text[i] != ' ' && text[i] != '\n') return std::nullopt;
    return whole * 1000 + frac;
}

kiosk::Result<std::int64_t> uptimeMs() {
    auto text = readFile("/proc/uptime");
    if (!text) return kiosk::fail(kiosk::ErrorCode::Io, "cannot read /proc/uptime (is /proc mounted?)");
    auto ms = parseUptimeMs(*text);
    if (!ms) return kiosk::fail(kiosk::ErrorCode::Parse, "/proc/uptime does not start with a number of seconds");
    return *ms;
}

TcpProbe probeTcp(const std::string& host, std::uint16_t port, int timeoutMs) {
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::milliseconds(std::max(timeoutMs, 1));
    TcpProbe probe;
    std::shared_ptr<Lookup> keep;
    const addrinfo* list = resolve(host, port, deadline, keep, probe.error);
    if (!list) return probe;
    int err = ETIMEDOUT;
    for (const addrinfo* a = list; a; a = a->ai_next) {
        const auto t = Clock::now();
        err = connectOnce(*a, deadline);
        if (err == 0) {
            probe.reachable = true;
            probe.latencyMs = msSince(t);
            return probe;
        }
        if (Clock::now() >= deadline) break;
    }
    probe.error = connectError(err);
    return probe;
}

bool parseDefaultRoute(std::string_view v4, std::string_view v6) {
    constexpr unsigned kRtfUp = 0x0001, kRtfReject = 0x0200;
    // IPv4: "Iface Destination Gateway Flags RefCnt Use Metric Mask ..." in hex.
    std::istringstream in4{std::string(v4)};
    std::string line;
    std::getline(in4, line);  // header
    while (std::getline(in4, line)) {
        std::istringstream f(line);
        std::string iface, dest, gateway, mask;
        unsigned flags = 0;
        long refcnt = 0, use = 0, metric = 0;
        if (!(f >> iface >> dest >> gateway >> std::hex >> flags >> std::dec >> refcnt >> use >> metric >> mask)) continue;
        if (dest == "00000000" && mask == "00000000" && (flags & kRtfUp) && !(flags & kRtfReject)) return true;
    }
    // IPv6: "dest plen src plen nexthop metric refcnt use flags iface", no header.
    std::istringstream in6{std::string(v6)};
    while (std::getline(in6, line)) {
        std::istringstream f(line);
        std::string dest, plen, src, splen, next, metric, refcnt, use, flagsHex, iface;
        if (!(f >> dest >> plen >> src >> splen >> next >> metric >> refcnt >> use >> flagsHex >> iface)) continue;
        unsigned flags = 0;
        if (std::from_chars(flagsHex.data(), flagsHex.data() + flagsHex.size(), flags, 16).ec != std::errc()) continue;
        if (dest == std::string(32, '0') && plen == "00" && iface != "lo" && (flags & kRtfUp) && !(flags & kRtfReject))
            return true;
    }
    return false;
}

bool hasDefaultRoute() {
    return parseDefaultRoute(readFile("/proc/net/route").value_or(""), readFile("/proc/net/ipv6_route").value_or(""));
}

std::vector<std::string> interfaceAddresses() {
    std::vector<std::string> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    for (ifaddrs* a = list; a; a = a->ifa_next) {
        if (!a->ifa_addr || !(a->ifa_flags & IFF_UP) || (a->ifa_flags & IFF_LOOPBACK)) continue;
        char text[INET6_ADDRSTRLEN] = {};
        if (a->ifa_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
        else if (a->ifa_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr, text, sizeof text);
        else
            continue;
        out.push_back(fmt::format("{} {}", a->ifa_name, text));
    }
    freeifaddrs(list);
    return out;
}


}  // namespace platform
