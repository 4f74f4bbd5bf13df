// Tests of platform/health: identity sources, disk space of a temp folder,
// uptime, TCP probes against real loopback sockets (a listener, a bound port
// that refuses, a listener whose accept queue is full so SYNs go unanswered)
// and the default-route decision on sample routing tables.
#include "health.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <vector>

namespace {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A TCP socket on 127.0.0.1, some free port; listening with `backlog`, or
// only bound (connections to it are refused) when backlog < 0.
struct LoopbackSocket {
    int fd = -1;
    std::uint16_t port = 0;
    explicit LoopbackSocket(int backlog) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        socklen_t len = sizeof a;
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        if (backlog >= 0) {
            EXPECT_EQ(::listen(fd, backlog), 0);
        }
    }
    ~LoopbackSocket() { ::close(fd); }
};

TEST(Health, IdentityPrefersTheHubThenTheMachine) {
    const auto hub = platform::deviceIdentity("KS0001");
    EXPECT_EQ(hub.id, "KS0001");
    EXPECT_EQ(hub.source, "hub");

    const auto own = platform::deviceIdentity("");
    EXPECT_FALSE(own.id.empty());
    std::ifstream in("/etc/machine-id");
    std::string raw;
    if (in >> raw && raw.size() == 32) {
        EXPECT_EQ(own.source, "machine-id");
        EXPECT_EQ(own.id.size(), 32u);
        EXPECT_EQ(own.id.find_first_not_of("0123456789abcdef"), std::string::npos) << own.id;
        EXPECT_NE(own.id, raw) << "the raw machine-id must not leave the machine";
        EXPECT_EQ(platform::deviceIdentity("").id, own.id) << "stable across calls";
    } else {
        EXPECT_EQ(own.source, "hostname");
    }
}

TEST(Health, DiskSpaceOfATempFolder) {
    const auto dir = std::filesystem::temp_directory_path();
    auto d = platform::diskSpace(dir.string());
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_GT(d->totalBytes, 0u);
    EXPECT_LE(d->freeBytes, d->totalBytes);

    auto missing = platform::diskSpace("/no/such/folder/here");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, kiosk::ErrorCode::NotFound);
}

TEST(Health, Uptime) {
    auto up = platform::uptimeMs();
    ASSERT_TRUE(up) << up.error().message;
    EXPECT_GT(*up, 0);
    EXPECT_EQ(platform::parseUptimeMs("12345.67 23456.78\n"), 12345670);
    EXPECT_EQ(platform::parseUptimeMs("5 1\n"), 5000);
    EXPECT_EQ(platform::parseUptimeMs("0.5"), 500);
    EXPECT_FALSE(platform::parseUptimeMs(""));
    EXPECT_FALSE(platform::parseUptimeMs("up 5 days"));
}

TEST(Health, ProbeReachesAListener) {
    LoopbackSocket listener(16);
    const auto p = platform::probeTcp("127.0.0.1", listener.port, 1000);
    EXPECT_TRUE(p.reachable) << p.error;
    EXPECT_EQ(p.error, "");
    EXPECT_GE(p.latencyMs, 0);
    EXPECT_LT(p.latencyMs, 1000);
    // A name goes through the lookup thread.
    const auto named = platform::probeTcp("localhost", listener.port, 2000);
    EXPECT_TRUE(named.reachable || named.error == "connection refused")  // localhost may be ::1 first
        << named.error;
}

TEST(Health, ProbeOfAClosedPortIsRefused) {
    LoopbackSocket bound(-1);  // bound, not listening: the port stays ours and refuses
    const auto start = nowMs();
    const auto p = platform::probeTcp("127.0.0.1", bound.port, 1000);
    EXPECT_FALSE(p.reachable);
    EXPECT_EQ(p.error, "connection refused");
    EXPECT_LT(nowMs() - start, 500);
}

TEST(Health, ProbeTimeoutIsBounded) {
    // A listener that never accepts, with its accept queue filled: Linux
    // drops further SYNs, so a connect neither succeeds nor fails.
    LoopbackSocket listener(0);
    std::vector<int> fillers;
    bool full = false;
    for (int i = 0; i < 16 && !full; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        fillers.push_back(fd);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(listener.port);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) continue;
        pollfd p{fd, POLLOUT, 0};
        full = ::poll(&p, 1, 200) == 0;
    }
    if (!full) {
        for (int fd : fillers) ::close(fd);
        GTEST_SKIP() << "this kernel completed every loopback connect to a full accept queue; no silent peer to time out on";
    }
    const auto start = nowMs();
    const auto p = platform::probeTcp("127.0.0.1", listener.port, 300);
    const auto took = nowMs() - start;
    EXPECT_FALSE(p.reachable);
    EXPECT_EQ(p.error, "timed out");
    EXPECT_GE(took, 250);
    EXPECT_LT(took, 1500);
    for (int fd : fillers) ::close(fd);
}

TEST(Health, ProbeOfAnUnknownNameIsBounded) {
    // Whatever DNS does here (answers "no such name", or never answers),
    // the probe returns within about its timeout.
    const auto start = nowMs();
    const auto p = platform::probeTcp("kiosk-hub.invalid", 443, 500);
    EXPECT_FALSE(p.reachable);
    EXPECT_FALSE(p.error.empty());
    EXPECT_LT(nowMs() - start, 1500);
}

TEST(Health, DefaultRouteFromRoutingTables) {
    const std::string header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
    const std::string v4Default = header +
                                  "eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                                  "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
    const std::string v4Local = header + "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
    const std::string v4Down = header + "eth0\t00000000\t0100A8C0\t0002\t0\t0\t100\t00000000\t0\t0\t0\n";
    const std::string zero(32, '0');
    const std::string v6Reject = zero + " 00 " + zero + " 00 " + zero + " ffffffff 00000001 00000000 00200200       lo\n";
    const std::string v6Default = zero + " 00 " + zero + " 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0\n";

    EXPECT_TRUE(platform::parseDefaultRoute(v4Default, ""));
    EXPECT_FALSE(platform::parseDefaultRoute(v4Local, ""));
    EXPECT_FALSE(platform::parseDefaultRoute(v4Down, "")) << "a route that is not up";
    EXPECT_FALSE(platform::parseDefaultRoute(v4Local, v6Reject)) << "the kernel's unreachable ::/0 on lo";
    EXPECT_TRUE(platform::parseDefaultRoute(v4Local, v6Reject + v6Default));
    EXPECT_FALSE(platform::parseDefaultRoute("", ""));
    EXPECT_FALSE(platform::parseDefaultRoute("garbage", "garbage"));
    (void)platform::hasDefaultRoute();  // reads the real tables without failing
}

}  // namespace
