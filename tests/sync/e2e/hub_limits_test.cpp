// The hub against clients that cost it without asking anything of it (issue
// 18, findings 2 and 3), on the real kiosk-hub with both listeners:
//   - slow clients: hundreds of connections from one address that never
//     finish the TLS handshake, and some that finish it and then dribble
//     their headers, must not keep a real /healthz or staff login from being
//     answered; the per-address cap refuses the extra connections, the
//     deadlines close the held ones, and the hub serves that address again
//     once they are gone;
//   - large bodies: deeply nested JSON and bodies far over an endpoint's
//     limit get a clear 4xx, and the hub's memory stays small.
// Every connection goes to 127.0.0.1; the real requests come from 127.0.0.2
// (another loopback address), as a site that is not the attacker's would.
// Every loop is bounded in count and time.
#include "harness.h"

#include <openssl/ssl.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <poll.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <optional>

using namespace e2e;

namespace {

using harness::Clock;
using harness::closedByPeer;
using harness::Dribbler;
using harness::msSince;

// A client from another loopback address. A hub without the limits answers
// after ~30 s: measured, not cut off (the connection timeout covers the TLS
// handshake).
std::unique_ptr<httplib::SSLClient> clientFrom(const ConsoleHub& h, int port, const char* from) {
    return harness::tlsClient(port, h.dir / "hub/ca.crt", from, {.connectS = 40, .readS = 40, .writeS = 5});
}

// One value of the hub's /metrics (its monitoring listener), -1 when absent.
long metric(const ConsoleHub& h, const std::string& line) {
    httplib::Client c("127.0.0.1", h.metricsPort);
    c.set_connection_timeout(5, 0);
    auto r = c.Get("/metrics");
    if (!r || r->status != 200) return -1;
    const auto at = r->body.find(line + " ");
    if (at == std::string::npos) return -1;
    return std::atol(r->body.c_str() + at + line.size() + 1);
}

constexpr bool kSanitized =
#if defined(__SANITIZE_ADDRESS__)
    true;
#else
    false;
#endif

// Every test: its own folder and a kiosk-hub with its staff and monitoring
// listeners started in it.
class HubLimits : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(h.start()) << h.hub.log(); }

    const fs::path dir = testDir();
    ConsoleHub h{dir};
};

}  // namespace

TEST_F(HubLimits, TwoHundredStalledConnectionsFromOneAddressLeaveBothListenersAnswering) {
    std::signal(SIGPIPE, SIG_IGN);  // dribbling into a connection the hub closed
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    // Each measurement on a new connection, as a kiosk's sync cycle makes one.
    auto timedHealth = [&] {
        auto device = clientFrom(h, h.hub.port(), "127.0.0.2");
        const auto t0 = Clock::now();
        auto r = device->Get("/healthz");
        EXPECT_TRUE(r && r->status == 200) << (r ? r->body : httplib::to_string(r.error()));
        return msSince(t0);
    };
    auto timedLogin = [&] {
        auto staff = clientFrom(h, h.staffPort, "127.0.0.2");
        const auto t0 = Clock::now();
        auto r = staff->Post("/staff/api/login", nlohmann::json{{"username", "li"}, {"password", kPassword}}.dump(),
                             "application/json");
        EXPECT_TRUE(r && r->status == 200) << (r ? r->body : httplib::to_string(r.error()));
        return msSince(t0);
    };
    const double healthBefore = timedHealth(), loginBefore = timedLogin();

    // 20 dribblers and 200 connections that send nothing, per listener, all from 127.0.0.1.
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    std::vector<Dribbler> dribblers;
    std::vector<int> raw;
    for (int port : {h.hub.port(), h.staffPort}) {
        for (int i = 0; i < 20; ++i)
            if (auto d = harness::openDribbler(ctx, port, 2)) dribblers.push_back(*d);  // 2 s: an old hub never answers
        for (int i = 0; i < 200; ++i)
            if (const int fd = harness::connectFrom(port); fd >= 0) raw.push_back(fd);
    }
    std::atomic<bool> dribbling{true};
    std::thread drip([&] {
        for (int tick = 0; tick < 120 && dribbling; ++tick) {  // ≤ 60 s
            for (auto& d : dribblers) harness::dribble(d);
            std::this_thread::sleep_for(500ms);
        }
    });
    std::this_thread::sleep_for(300ms);

    // Real requests while all of that is held.
    const double healthDuring = timedHealth(), loginDuring = timedLogin();
    int refusedAtOnce = 0;
    for (int fd : raw) refusedAtOnce += closedByPeer(fd, Clock::now());
    std::printf("slow clients: %zu dribbling + %zu silent connections from 127.0.0.1; /healthz %.1f ms before, %.1f ms "
                "during; staff login %.1f ms before, %.1f ms during; %d of the silent ones refused at once\n",
                dribblers.size(), raw.size(), healthBefore, healthDuring, loginBefore, loginDuring, refusedAtOnce);
    EXPECT_LT(healthDuring, 5000) << "the device listener kept /healthz waiting behind slow connections";
    EXPECT_LT(loginDuring, 5000) << "the staff listener kept a login waiting behind slow connections";
    // 440 connections from one address, 64 allowed per listener.
    EXPECT_GE(refusedAtOnce, 250) << "connections over the per-address cap are closed at once";
    EXPECT_GE(metric(h, "kiosk_hub_connections_refused_total{reason=\"per_address\"}"), 150);

    // The deadlines (5 s handshake, 5 s headers) close everything held.
    const auto until = Clock::now() + 8s;
    int closedLater = 0;
    for (int fd : raw) closedLater += closedByPeer(fd, until);
    int dribblersCut = 0;
    for (auto& d : dribblers) dribblersCut += closedByPeer(d.fd, until);
    dribbling = false;
    drip.join();
    std::printf("slow clients: after the deadlines %d of %zu silent and %d of %zu dribbling connections are closed\n",
                closedLater, raw.size(), dribblersCut, dribblers.size());
    EXPECT_EQ(closedLater, int(raw.size()));
    EXPECT_EQ(dribblersCut, int(dribblers.size()));
    EXPECT_GE(metric(h, "kiosk_hub_connections_timed_out_total{phase=\"handshake\"}"), 40);
    EXPECT_GE(metric(h, "kiosk_hub_connections_timed_out_total{phase=\"headers\"}"), 1);
    for (int fd : raw) close(fd);
    for (auto& d : dribblers) harness::closeDribbler(d);
    SSL_CTX_free(ctx);

    // The attacker's address is served again once its connections are gone.
    auto same = clientFrom(h, h.hub.port(), "127.0.0.1");
    const auto t0 = Clock::now();
    auto again = same->Get("/healthz");
    ASSERT_TRUE(again) << httplib::to_string(again.error());
    EXPECT_EQ(again->status, 200);
    EXPECT_LT(msSince(t0), 5000);
    EXPECT_NE(h.hub.log().find("refusing connections from 127.0.0.1"), std::string::npos) << h.hub.log();
}

TEST_F(HubLimits, HugeAndDeeplyNestedBodiesGetA4xxAndTheHubStaysSmall) {
    ASSERT_EQ(h.addStaff("ed", "editor"), 0);
    provision(h.hub, dir / "kiosk", dir);
    const pid_t pid = h.hub.pid();
    const long rssStart = harness::procStatusKb(pid, "VmRSS");

    auto staff = h.client(h.staffPort);
    auto device = h.client(h.hub.port());
    staff->set_write_timeout(30, 0);
    device->set_write_timeout(30, 0);
    auto kiosk = std::make_unique<httplib::SSLClient>("127.0.0.1", h.hub.port(), (dir / "kiosk/device.crt").string(),
                                                      (dir / "kiosk/device-tls.key").string());
    kiosk->set_ca_cert_path((dir / "hub/ca.crt").c_str());
    kiosk->enable_server_certificate_verification(true);
    kiosk->set_read_timeout(30, 0);
    kiosk->set_write_timeout(30, 0);

    struct Case {
        const char* what;
        httplib::SSLClient* client;
        std::string path;
        std::size_t bytes;
        int status;
        const char* says;
        httplib::Headers headers;
    };
    auto login = staff->Post("/staff/api/login", nlohmann::json{{"username", "ed"}, {"password", kPassword}}.dump(),
                             "application/json");
    ASSERT_TRUE(login && login->status == 200);
    const std::string cookie = login->get_header_value("Set-Cookie").substr(0, login->get_header_value("Set-Cookie").find(';'));
    const std::string csrf = nlohmann::json::parse(login->body)["csrf"];
    std::vector<Case> cases = {
        {"16 MiB [[[… to the staff login", staff.get(), "/staff/api/login", 16u << 20, 413, "at most 4096 bytes", {}},
        {"32 MiB [[[… to /v1/enroll without a certificate", device.get(), "/v1/enroll", 32u << 20, 413,
         "at most 8192 bytes", {}},
        {"16 MiB [[[… to /v1/upload without a certificate", device.get(), "/v1/upload", 16u << 20, 401,
         "a device certificate is required", {}},
        {"16 MiB [[[… to /v1/upload from an enrolled kiosk", kiosk.get(), "/v1/upload", 16u << 20, 400,
         "nested deeper than 32 levels", {}},
        {"8 MiB [[[… to a content draft in a session", staff.get(), "/staff/api/content/drafts", 8u << 20, 400,
         "nested deeper than 32 levels", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}},
        {"16 MiB [[[… to a content draft without a session", staff.get(), "/staff/api/content/drafts", 16u << 20, 401,
         "log in first", {}},
    };
    for (const auto& c : cases) {
        const std::string body(c.bytes, '[');
        const auto t0 = Clock::now();
        auto r = c.client->Post(c.path, c.headers, body, "application/json");
        const double ms = msSince(t0);
        ASSERT_TRUE(r) << c.what << ": " << httplib::to_string(r.error());
        std::printf("large bodies: %s → %d in %.0f ms: %s; hub VmRSS %ld kB, VmHWM %ld kB\n", c.what, r->status, ms,
                    r->body.c_str(), harness::procStatusKb(pid, "VmRSS"), harness::procStatusKb(pid, "VmHWM"));
        EXPECT_EQ(r->status, c.status) << c.what << ": " << r->body;
        EXPECT_NE(r->body.find(c.says), std::string::npos) << c.what << ": " << r->body;
    }
    // The hub still answers, and a real small upload still works.
    auto health = device->Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    const long rssEnd = harness::procStatusKb(pid, "VmRSS"), hwm = harness::procStatusKb(pid, "VmHWM");
    std::printf("large bodies: hub VmRSS %ld kB at the start, %ld kB at the end; VmHWM (peak) %ld kB\n", rssStart, rssEnd,
                hwm);
    // Before the limits one 16 MiB login body alone took the hub to 654 MB
    // (the review) or 1.25 GB (the build machine). The bodies that are read
    // (16 + 8 MiB, with their buffers) raise the peak by a few tens of MB (37
    // MB in all on the build machine), and the memory goes back afterwards
    // (22 MB). Under the sanitizers the hub starts at ~600 MB (shadow
    // memory) and freed memory stays in ASan's quarantine (256 MB at most),
    // so there only the growth is bounded.
    if (kSanitized) {
        EXPECT_LT(hwm - rssStart, 400 * 1024) << "growth of the hub's peak resident size";
    } else {
        EXPECT_LT(hwm, 120 * 1024) << "peak resident size of the hub";
        EXPECT_LT(rssEnd, 60 * 1024) << "memory not handed back after the large bodies";
    }
}
