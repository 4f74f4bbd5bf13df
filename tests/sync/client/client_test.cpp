// The kiosk side of sync without a network: retry delays (full jitter, cap,
// Retry-After), the device identity swap after a certificate renewal
// surviving a crash at each step, and strict parsing of what the hub sends.
#include "harness/temp_dir.h"
#include "client/backoff.h"
#include "client/hub_client.h"
#include "client/sync_worker.h"
#include "outbox/outbox.h"
#include "crypto/crypto.h"
#include "crypto/x509.h"
#include "protocol/protocol.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <ctime>
#include <thread>

#include <filesystem>

namespace fs = std::filesystem;
using namespace kiosk;

TEST(Backoff, FullJitterGrowsToTheCapAndHonoursRetryAfter) {
    sync::Backoff b(1000, 60'000, 42);
    std::int64_t maxSeen = 0;
    for (int i = 0; i < 200; ++i) {
        const std::int64_t ceiling = b.ceilingMs();
        const std::int64_t d = b.next();
        EXPECT_GE(d, 0);
        EXPECT_LE(d, ceiling);
        EXPECT_LE(d, 60'000);
        maxSeen = std::max(maxSeen, d);
    }
    EXPECT_GT(maxSeen, 30'000) << "after many failures delays reach towards the cap";
    EXPECT_EQ(b.ceilingMs(), 60'000);
    b.reset();
    EXPECT_EQ(b.ceilingMs(), 1000);
    EXPECT_GE(b.next(30), 30'000) << "never sooner than the hub's Retry-After";
    EXPECT_LE(b.next(3600), 60'000) << "but a huge Retry-After is capped too";
    // Jitter: two kiosks failing together do not retry together.
    sync::Backoff a(1000, 60'000, 1), c(1000, 60'000, 2);
    int same = 0;
    for (int i = 0; i < 10; ++i) same += a.next() == c.next();
    EXPECT_LT(same, 3);
}

namespace {

fs::path freshDir(const char* name) {
    return harness::freshTempDir(fmt::format("client-{}", name));
}

struct Identity {
    std::string key, cert;
};

Identity makeIdentity(const std::string& caKey, const std::string& ca) {
    auto key = crypto::generateEcKey();
    auto csr = crypto::makeCsr(*key, "kiosk");
    auto cert = crypto::issueDeviceCert(ca, caKey, *csr, "KS0001", 7, {0, 4'000'000'000});
    return {*key, *cert};
}

void enrolledDir(const fs::path& d, const Identity& id) {
    ASSERT_TRUE(crypto::writeFileAtomic(d / "hub.json", R"({"hub_url":"https://127.0.0.1:1","device_id":"KS0001"})", 0644));
    ASSERT_TRUE(crypto::writeFileAtomic(d / "device-tls.key", id.key, 0600));
    ASSERT_TRUE(crypto::writeFileAtomic(d / "device.crt", id.cert, 0644));
}

bool matches(const sync::HubConfig& c) {
    auto pin = crypto::pinOfKey(c.keyPem);
    auto info = crypto::inspectCert(c.certPem);
    return pin && info && *pin == info->pin;
}

// An HTTPS server on 127.0.0.1 for the client to talk to (not listening
// yet): a CA of its own and the certificate it issued to the server, both
// valid from an hour before `now` for a day.
struct TlsServer {
    std::string caKey, ca, cert;
    std::unique_ptr<httplib::SSLServer> server;
};

// Makes one in DIR, its certificate and key in DIR/server.crt and DIR/server.key.
void makeTlsServer(const fs::path& d, std::int64_t now, TlsServer* out) {
    auto caKey = crypto::generateEcKey();
    auto ca = crypto::makeCaCert(*caKey, "CA", {now - 3600, now + 86'400});
    auto serverKey = crypto::generateEcKey();
    auto cert = crypto::issueServerCert(*ca, *caKey, *serverKey, "hub", {"127.0.0.1"}, {now - 3600, now + 86'400});
    ASSERT_TRUE(ca && serverKey && cert);
    ASSERT_TRUE(crypto::writeFileAtomic(d / "server.crt", *cert, 0644));
    ASSERT_TRUE(crypto::writeFileAtomic(d / "server.key", *serverKey, 0600));
    out->caKey = *caKey;
    out->ca = *ca;
    out->cert = *cert;
    out->server = std::make_unique<httplib::SSLServer>((d / "server.crt").c_str(), (d / "server.key").c_str());
    ASSERT_TRUE(out->server->is_valid());
}

}  // namespace

TEST(Renewal, ACrashAtAnyStepLeavesAMatchingKeyAndCertificate) {
    auto caKey = crypto::generateEcKey();
    auto ca = crypto::makeCaCert(*caKey, "CA", {0, 4'000'000'000});
    ASSERT_TRUE(caKey && ca);
    const Identity oldId = makeIdentity(*caKey, *ca), newId = makeIdentity(*caKey, *ca);

    // Crash after writing the new files, before any rename: the old pair stays.
    fs::path d = freshDir("before");
    enrolledDir(d, oldId);
    ASSERT_TRUE(crypto::writeFileAtomic(d / "device-tls.key.new", newId.key, 0600));
    ASSERT_TRUE(crypto::writeFileAtomic(d / "device.crt.new", newId.cert, 0644));
    auto c = sync::loadHubConfig(d);
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_TRUE(matches(*c));
    EXPECT_EQ(c->certPem, oldId.cert);
    EXPECT_FALSE(fs::exists(d / "device.crt.new"));

    // Crash between the two renames: the new key is in place, finish the swap.
    d = freshDir("between");
    enrolledDir(d, oldId);
    ASSERT_TRUE(crypto::writeFileAtomic(d / "device-tls.key", newId.key, 0600));
    ASSERT_TRUE(crypto::writeFileAtomic(d / "device.crt.new", newId.cert, 0644));
    c = sync::loadHubConfig(d);
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(matches(*c));
    EXPECT_EQ(c->certPem, newId.cert);

    // The whole swap.
    d = freshDir("done");
    enrolledDir(d, oldId);
    ASSERT_TRUE(sync::storeRenewedIdentity(d, newId.key, newId.cert).has_value());
    c = sync::loadHubConfig(d);
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(matches(*c));
    EXPECT_EQ(c->certPem, newId.cert);
}

TEST(Protocol, MalformedMessagesNameTheField) {
    auto up = protocol::parseUploadRequest(nlohmann::json::parse(R"({"records":[{"uuid":"x"}]})"));
    ASSERT_FALSE(up.has_value());
    EXPECT_NE(up.error().message.find("upload record 0: 'seq' is missing"), std::string::npos) << up.error().message;
    auto big = nlohmann::json{{"records", nlohmann::json::array()}};
    for (int i = 0; i < 501; ++i) big["records"].push_back(nlohmann::json::object());
    auto tooMany = protocol::parseUploadRequest(big);
    ASSERT_FALSE(tooMany.has_value());
    EXPECT_NE(tooMany.error().message.find("send at most 500"), std::string::npos);
    auto prov = protocol::parseProvisionFile(nlohmann::json{{"format", "kiosk-provision/1"}, {"hub_url", "http://x"}});
    ASSERT_FALSE(prov.has_value());
    auto insecure = protocol::parseProvisionFile(nlohmann::json{{"format", "kiosk-provision/1"},
                                                                {"hub_url", "http://x"},
                                                                {"pins", {"sha256//a"}},
                                                                {"ca", "c"},
                                                                {"content_public_key", "k"},
                                                                {"site", "s"},
                                                                {"token", "t"},
                                                                {"expires_at", 1}});
    ASSERT_FALSE(insecure.has_value());
    EXPECT_NE(insecure.error().message.find("https://"), std::string::npos) << insecure.error().message;
}

// A transfer that starts and then stalls is cut off by curl's low-speed
// limit and reported as a timeout (the sync cycle then retries with backoff).
TEST(HubClient, AStalledTransferIsDetected) {
    const std::int64_t now = std::time(nullptr);
    const fs::path d = freshDir("stall");
    TlsServer tls;
    ASSERT_NO_FATAL_FAILURE(makeTlsServer(d, now, &tls));
    httplib::SSLServer& server = *tls.server;
    std::atomic<bool> stop{false};
    server.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("application/octet-stream", [&](std::size_t offset, httplib::DataSink& sink) {
            if (offset == 0) return sink.write("0123456789", 10);
            for (int i = 0; i < 200 && !stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // ≤ 10 s
            return false;
        });
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread t([&] { server.listen_after_bind(); });
    sync::HubConfig config;
    config.hubUrl = fmt::format("https://127.0.0.1:{}", port);
    config.caPem = tls.ca;
    config.pins = {crypto::inspectCert(tls.cert)->pin};
    sync::ClientOptions opt;
    opt.lowSpeedBytesPerS = 100;
    opt.lowSpeedTimeS = 2;
    const auto start = std::chrono::steady_clock::now();
    auto r = sync::HubClient(config, opt).get("/slow");
    const auto took = std::chrono::steady_clock::now() - start;
    stop = true;
    server.stop();
    t.join();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().problem, sync::TransportProblem::Timeout) << r.error().message;
    EXPECT_LT(took, std::chrono::seconds(8)) << "cut off by the low-speed limit, not the total timeout";
}

// "Online but not draining": the hub answers, but every upload is refused
// (here 503), so records stay pending. The worker must say so in its status
// (and log it) once the threshold passes, and keep retrying with backoff.
TEST(SyncWorker, ReportsOnlineButNotDraining) {
    const std::int64_t now = std::time(nullptr);
    const fs::path d = freshDir("stalled");
    TlsServer tls;
    ASSERT_NO_FATAL_FAILURE(makeTlsServer(d, now, &tls));
    httplib::SSLServer& server = *tls.server;
    std::atomic<int> uploads{0};
    server.Post("/v1/upload", [&](const httplib::Request&, httplib::Response& res) {
        ++uploads;
        res.status = 503;
        res.set_content(R"({"error":"database unavailable"})", "application/json");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread t([&] { server.listen_after_bind(); });
    // An enrolled kiosk with one record queued.
    const fs::path data = d / "kiosk";
    const Identity id = makeIdentity(tls.caKey, tls.ca);
    enrolledDir(data, id);
    const nlohmann::json hub = {{"hub_url", fmt::format("https://127.0.0.1:{}", port)},
                                {"pins", {crypto::inspectCert(tls.cert)->pin}},
                                {"ca", tls.ca},
                                {"device_id", "KS0001"}};
    ASSERT_TRUE(crypto::writeFileAtomic(data / "hub.json", hub.dump(), 0644));
    {
        auto box = outbox::Outbox::open(data.string(), "KS0001");
        ASSERT_TRUE(box.has_value());
        outbox::Submission s;
        s.kind = "case";
        std::tm day{};
        day.tm_year = 126;
        day.tm_mday = 1;
        ASSERT_TRUE(box->enqueue(s, now * 1000, day).has_value());
    }
    std::mutex m;
    std::vector<sync::WorkerStatus> seen;
    sync::WorkerOptions opt;
    opt.dataDir = data;
    opt.stallAlertS = 2;
    // Full-jitter backoff could otherwise wait up to 60 s after a few refusals
    // and the stall is only judged after an attempt.
    opt.retryCapMs = 500;
    sync::SyncWorker worker(opt, [&](const sync::WorkerStatus& st) {
        std::lock_guard lock(m);
        seen.push_back(st);
    });
    worker.start();
    // The status that said "stalled", kept as it was: stopping the worker
    // below cancels the attempt in flight, and the status after that (not
    // online: the transfer was cut by us) says nothing about the hub.
    std::optional<sync::WorkerStatus> stalled;
    for (int i = 0; i < 100 && !stalled; ++i) {  // ≤ 10 s
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        std::lock_guard lock(m);
        if (!seen.empty() && seen.back().stalled) stalled = seen.back();
    }
    worker.stop();
    server.stop();
    t.join();
    ASSERT_TRUE(stalled.has_value()) << "no stalled status after " << uploads << " refused uploads";
    std::lock_guard lock(m);
    ASSERT_FALSE(seen.empty());
    EXPECT_TRUE(stalled->online) << "the hub answered: online";
    EXPECT_EQ(stalled->pending, 1);
    EXPECT_GE(uploads.load(), 2) << "it kept retrying";
    EXPECT_FALSE(seen.front().stalled) << "not before the threshold";
}
