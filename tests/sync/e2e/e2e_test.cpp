// End-to-end tests of kiosk ↔ hub sync with the real programs: `kiosk-hub
// serve` on 127.0.0.1 (a free port, keys made for the test in its own data
// folder), `kioskctl provision` / `sync --once`, the kiosk app headless for
// the status lookup, and SIGKILL at random moments. Records are queued with
// the kiosk's own Outbox class, exactly as the UI does. Every loop is bounded
// in count and time.
#include "crypto/crypto.h"
#include "crypto/x509.h"
#include "client/hub_client.h"
#include "client/sync_engine.h"
#include "hubdb/store.h"
#include "maint/action_log.h"
#include "outbox/outbox.h"
#include "backends.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness.h"
#include "proof_cycles.h"
#include <nlohmann/json.hpp>

#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace kiosk;

using namespace e2e;

TEST(E2E, SubmitWhileTheHubIsDownThenEveryRecordArrivesOnce) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    hub.stop();

    enqueue(dir / "kiosk", 50);
    int code = 0;
    auto down = syncOnce(dir / "kiosk", dir, &code);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(down["problem"], "offline") << down.dump();
    EXPECT_EQ(outboxStatus(dir / "kiosk").pending, 50) << "a failed attempt puts everything back";

    ASSERT_TRUE(hub.start()) << hub.log();
    auto up = syncOnce(dir / "kiosk", dir, &code);
    EXPECT_EQ(code, 0) << up.dump();
    EXPECT_EQ(up["stored"], 50);
    EXPECT_EQ(hub.records(), 50);
    const auto st = outboxStatus(dir / "kiosk");
    EXPECT_EQ(st.acked, 50);
    EXPECT_EQ(st.pending, 0);
    auto again = syncOnce(dir / "kiosk", dir, &code);
    EXPECT_EQ(again["sent"], 0);
    EXPECT_EQ(hub.records(), 50);
    // Personal data left the kiosk once the hub confirmed it.
    const std::string disk = slurp(dir / "kiosk/outbox.db") + slurp(dir / "kiosk/outbox.db-wal");
    EXPECT_EQ(disk.find("王小明"), std::string::npos);
}

TEST(E2E, KillingTheHubAndTheKioskMidUploadStillStoresEachRecordOnce) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    const int want = prooftest::cycles(6);
    // Enough records that every cycle's sync is still uploading when killed.
    const int kRecords = std::max(3000, want * 40);
    enqueue(dir / "kiosk", kRecords);
    std::mt19937 rng(20261121);
    const auto deadline = std::chrono::steady_clock::now() + 90s * std::max(1, want / 6);
    // Alternate: kill the hub while a sync runs, then kill the sync itself.
    int cycle = 0;
    for (; cycle < want && std::chrono::steady_clock::now() < deadline; ++cycle) {
        Proc sync = spawn({KIOSKCTL_BIN, "--data", (dir / "kiosk").string(), "sync", "--once", "--json"},
                          dir / fmt::format("sync-{}", cycle));
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 250)(rng)));
        if (cycle % 2 == 0) {
            hub.stop(SIGKILL);
            (void)waitFor(sync, 60s);
            ASSERT_TRUE(hub.start()) << hub.log();
        } else {
            kill(sync.pid, SIGKILL);
            (void)waitFor(sync, 10s);
        }
    }
    // Then let it finish: bounded number of calm cycles.
    for (int i = 0; i < 5 + kRecords / 1000 && outboxStatus(dir / "kiosk").acked < kRecords; ++i)
        (void)syncOnce(dir / "kiosk", dir);
    const auto st = outboxStatus(dir / "kiosk");
    std::cout << "proof: sync " << cycle << " kills (hub and kiosk alternately) over " << kRecords << " records; acked "
              << st.acked << ", stored at the hub " << hub.records() << ", rejected " << st.rejected << "\n";
    EXPECT_EQ(cycle, want) << "ran out of time";
    EXPECT_EQ(st.acked, kRecords);
    EXPECT_EQ(st.rejected, 0) << "a resent record is a replay (200), never a conflict";
    EXPECT_EQ(hub.records(), kRecords) << "each record stored exactly once";
}

TEST(E2E, AStatusChangeReachesTheKiosksLookup) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    const auto numbers = enqueue(dir / "kiosk", 1);
    const auto first = syncOnce(dir / "kiosk", dir);
    ASSERT_EQ(first["stored"], 1);
    EXPECT_EQ(first["statuses"], 1) << "received: the hub's first state";
    int code = 0;
    std::string out = hub.cli({"cases", "update-status", numbers[0], "accepted", "--note", "内部备注", "--actor", "li"}, &code);
    ASSERT_EQ(code, 0) << out;
    out = hub.cli({"cases", "update-status", numbers[0], "rated"}, &code);
    EXPECT_EQ(code, 2) << "not along the life cycle: " << out;
    EXPECT_NE(out.find("it can move to: dispatched, handling, merged"), std::string::npos) << out;
    const auto s = syncOnce(dir / "kiosk", dir);
    EXPECT_EQ(s["statuses"], 1) << s.dump();  // accepted
    // The visitor's 办件查询 at the kiosk shows it.
    std::ofstream(dir / "lookup.kss") << "tap-id home.tile.lookup\ntap-id lookup.case_no\ntype " << numbers[0]
                                      << "\ntap-id lookup.mobile4\ntype 5678\ntap-id lookup.submit\nscreenshot " << (dir / "found.png").string() << "\n";
    const Ran k = run({KIOSK_BIN, "--headless", "--data", (dir / "kiosk").string(), "--script", (dir / "lookup.kss").string(),
                       "--stats", (dir / "stats.json").string()},
                      dir / "kiosk-run");
    ASSERT_EQ(k.code, 0) << k.err;
    const auto stats = nlohmann::json::parse(slurp(dir / "stats.json"));
    EXPECT_EQ(stats["last_lookup_status"], "lookup.status_accepted");
    EXPECT_EQ(slurp(dir / "kiosk/outbox.db").find("内部备注"), std::string::npos) << "staff notes stay at the hub";
}

TEST(E2E, RefusalsSayWhy) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    enqueue(dir / "kiosk", 3);

    // A used token and an expired one.
    Ran r = kioskctl(dir / "other", {"provision", "--file", (dir / "prov.json").string()}, dir / "reuse");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("already been used"), std::string::npos) << r.err;
    int code = 0;
    (void)hub.cli({"provision-file", "--site", "x", "--ttl", "1s", "--out", (dir / "short.json").string(), "--url",
                   fmt::format("https://127.0.0.1:{}", hub.port())},
                  &code);
    ASSERT_EQ(code, 0);
    std::this_thread::sleep_for(2100ms);
    r = kioskctl(dir / "other2", {"provision", "--file", (dir / "short.json").string()}, dir / "expired");
    EXPECT_NE(r.err.find("has expired"), std::string::npos) << r.err;

    // Wrong pin: the kiosk refuses the hub before sending anything.
    const fs::path hubJson = dir / "kiosk/hub.json";
    const std::string good = slurp(hubJson);
    auto j = nlohmann::json::parse(good);
    j["pins"] = {"sha256//" + crypto::base64(std::string(32, 'x'))};
    std::ofstream(hubJson) << j.dump();
    auto s = syncOnce(dir / "kiosk", dir, &code);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(s["problem"], "pin_mismatch") << s.dump();
    EXPECT_EQ(outboxStatus(dir / "kiosk").pending, 3);

    // Wrong CA: a hub certificate this fleet's CA did not issue.
    auto otherKey = crypto::generateEcKey();
    ASSERT_TRUE(otherKey.has_value());
    auto otherCa = crypto::makeCaCert(*otherKey, "Someone else's CA", {0, 4'000'000'000});
    ASSERT_TRUE(otherCa.has_value());
    j = nlohmann::json::parse(good);
    j["ca"] = *otherCa;
    std::ofstream(hubJson) << j.dump();
    s = syncOnce(dir / "kiosk", dir, &code);
    EXPECT_EQ(s["problem"], "bad_certificate") << s.dump();
    std::ofstream(hubJson) << good;

    // Revoked: refused on the next request, with a log line at the hub.
    (void)hub.cli({"device", "revoke", "KS0001"}, &code);
    ASSERT_EQ(code, 0);
    s = syncOnce(dir / "kiosk", dir, &code);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(s["http_status"], 403) << s.dump();
    EXPECT_NE(s["error"].get<std::string>().find("revoked"), std::string::npos) << s.dump();
    EXPECT_NE(hub.log().find("device KS0001 was revoked"), std::string::npos) << hub.log();
    EXPECT_EQ(outboxStatus(dir / "kiosk").pending, 3) << "nothing is lost when refused";
    EXPECT_EQ(hub.records(), 0);

    // No client certificate at all: the hub answers 401 and logs it.
    auto config = sync::loadHubConfig(dir / "kiosk");
    ASSERT_TRUE(config.has_value()) << config.error().message;
    config->certPem.clear();
    config->keyPem.clear();
    auto res = sync::HubClient(*config).post("/v1/upload", R"({"records": []})");
    ASSERT_TRUE(res.has_value()) << res.error().message;
    EXPECT_EQ(res->status, 401);
    EXPECT_NE(hub.log().find("no client certificate"), std::string::npos) << hub.log();
    // Every device endpoint, not only the upload: 401, nothing served.
    sync::HubClient anonymous(*config);
    for (const char* path : {"/v1/updates?after=0", "/v1/config", "/v1/content/manifest", "/v1/content/bundle/1",
                             "/v1/os-update", "/v1/os-update/bundle/"
                             "0000000000000000000000000000000000000000000000000000000000000000"}) {
        auto g = anonymous.get(path);
        ASSERT_TRUE(g.has_value()) << path << ": " << g.error().message;
        EXPECT_EQ(g->status, 401) << path << ": " << g->body;
    }
    for (const char* path : {"/v1/heartbeat", "/v1/renew"}) {
        auto p = anonymous.post(path, "{}");
        ASSERT_TRUE(p.has_value()) << path << ": " << p.error().message;
        EXPECT_EQ(p->status, 401) << path << ": " << p->body;
    }
}

namespace {

// A TLS handshake with the hub from a bare OpenSSL client offering only
// TLS versions [minVersion, maxVersion]; true when it completes.
bool handshake(int port, int minVersion, int maxVersion) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) return false;
    SSL_CTX_set_security_level(ctx, 0);  // let this client really offer TLS 1.0/1.1
    SSL_CTX_set_min_proto_version(ctx, minVersion);
    SSL_CTX_set_max_proto_version(ctx, maxVersion);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    bool ok = false;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        SSL* ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        ok = SSL_connect(ssl) == 1;
        SSL_free(ssl);
    }
    close(fd);
    SSL_CTX_free(ctx);
    return ok;
}

}  // namespace

// The device listener's TLS: a device certificate that expired, or one from
// another CA, gets nothing stored; a client offering only TLS 1.0/1.1 does
// not get a session at all, while TLS 1.2 does (so the refusal is the
// version, not the test).
TEST(E2E, ExpiredOrForeignDeviceCertificatesAndTlsBelow12AreRefused) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    auto config = sync::loadHubConfig(dir / "kiosk");
    ASSERT_TRUE(config.has_value()) << config.error().message;
    const std::int64_t now = std::time(nullptr);
    auto csr = crypto::makeCsr(config->keyPem, "KS0001");
    ASSERT_TRUE(csr.has_value());
    auto caCert = crypto::readFile(dir / "hub/ca.crt");
    auto caKey = crypto::readFile(dir / "hub/ca.key");
    ASSERT_TRUE(caCert && caKey);
    const std::string body = R"({"records": [{"uuid": "00000000-0000-4000-8000-000000000001", "seq": 1, "kind": "case",)"
                             R"( "number": "KS000120260115000001X", "created_ms": 1, "public": {}, "personal": {}}]})";
    auto refused = [&](const std::string& certPem, const char* what) {
        sync::HubConfig c = *config;
        c.certPem = certPem;
        auto res = sync::HubClient(c).post("/v1/upload", body);
        EXPECT_TRUE(!res.has_value() || res->status == 401 || res->status == 403)
            << what << ": the hub answered " << (res ? std::to_string(res->status) + " " + res->body : "");
    };
    // The hub's own CA, but expired yesterday.
    auto expired = crypto::issueDeviceCert(*caCert, *caKey, *csr, "KS0001", 990001, {now - 10 * 86'400, now - 86'400});
    ASSERT_TRUE(expired.has_value());
    refused(*expired, "expired device certificate");
    // Valid dates, but another CA.
    auto otherKey = crypto::generateEcKey();
    ASSERT_TRUE(otherKey.has_value());
    auto otherCa = crypto::makeCaCert(*otherKey, "Kiosk fleet device CA", {now - 86'400, now + 365 * 86'400});
    ASSERT_TRUE(otherCa.has_value());
    auto foreign = crypto::issueDeviceCert(*otherCa, *otherKey, *csr, "KS0001", 990002, {now - 86'400, now + 86'400});
    ASSERT_TRUE(foreign.has_value());
    refused(*foreign, "a device certificate from another CA");
    EXPECT_EQ(hub.records(), 0) << "nothing stored from either";
    // The genuine certificate still works (the refusals were about the certificates).
    EXPECT_EQ(syncOnce(dir / "kiosk", dir)["ok"], true);

    EXPECT_FALSE(handshake(hub.port(), TLS1_VERSION, TLS1_1_VERSION)) << "TLS 1.0/1.1 must be refused";
    EXPECT_TRUE(handshake(hub.port(), TLS1_2_VERSION, TLS1_3_VERSION)) << "the control: TLS 1.2+ connects";
}

TEST(E2E, AnExpiredServerCertificateIsRefused) {
    const fs::path dir = testDir();
    // Keys made for the test: a CA and a server certificate that expired yesterday.
    const fs::path hd = dir / "hub";
    fs::create_directories(hd);
    const std::int64_t now = std::time(nullptr);
    auto caKey = crypto::generateEcKey();
    auto serverKey = crypto::generateEcKey();
    ASSERT_TRUE(caKey && serverKey);
    auto ca = crypto::makeCaCert(*caKey, "Kiosk fleet device CA", {now - 86'400 * 10, now + 86'400 * 365});
    ASSERT_TRUE(ca.has_value());
    auto cert = crypto::issueServerCert(*ca, *caKey, *serverKey, "kiosk-hub", {"127.0.0.1"}, {now - 86'400 * 10, now - 86'400});
    ASSERT_TRUE(cert.has_value());
    ASSERT_TRUE(crypto::writeFileAtomic(hd / "ca.key", *caKey, 0600).has_value());
    ASSERT_TRUE(crypto::writeFileAtomic(hd / "ca.crt", *ca, 0644).has_value());
    ASSERT_TRUE(crypto::writeFileAtomic(hd / "server.key", *serverKey, 0600).has_value());
    ASSERT_TRUE(crypto::writeFileAtomic(hd / "server.crt", *cert, 0644).has_value());
    Hub hub(hd, freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    EXPECT_NE(hub.log().find("server certificate"), std::string::npos) << hub.log();
    int code = 0;
    (void)hub.cli({"provision-file", "--site", "x", "--out", (dir / "p.json").string(), "--url",
                   fmt::format("https://127.0.0.1:{}", hub.port())},
                  &code);
    ASSERT_EQ(code, 0);
    const Ran r = kioskctl(dir / "kiosk", {"provision", "--file", (dir / "p.json").string()}, dir / "prov");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("not valid for this fleet"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "kiosk/hub.json")) << "not enrolled";
}

TEST(E2E, ACertificateNearExpiryIsRenewedAndTheNewOneWorks) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort(), {"--device-cert-days", "10"});  // inside the 30-day renewal window
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    const std::string before = slurp(dir / "kiosk/device.crt");
    enqueue(dir / "kiosk", 2);
    int code = 0;
    auto first = syncOnce(dir / "kiosk", dir, &code);
    ASSERT_EQ(code, 0) << first.dump();
    EXPECT_EQ(first["renewed"], true);
    const std::string after = slurp(dir / "kiosk/device.crt");
    EXPECT_NE(before, after);
    auto oldInfo = crypto::inspectCert(before), newInfo = crypto::inspectCert(after);
    ASSERT_TRUE(oldInfo && newInfo);
    EXPECT_EQ(newInfo->commonName, "KS0001") << "same device";
    EXPECT_NE(newInfo->pin, oldInfo->pin) << "a new key made on the device";
    EXPECT_EQ(*crypto::pinOfKey(slurp(dir / "kiosk/device-tls.key")), newInfo->pin);
    enqueue(dir / "kiosk", 1, 2);
    auto second = syncOnce(dir / "kiosk", dir, &code);
    EXPECT_EQ(code, 0) << second.dump();
    EXPECT_EQ(second["stored"], 1) << "the renewed certificate is accepted";
    EXPECT_NE(hub.log().find("renewed its certificate"), std::string::npos) << hub.log();
}

TEST(E2E, SiteSettingsComeDownAndABadHubConfigIsRefused) {
    const fs::path dir = testDir();
    fs::create_directories(dir / "hub");
    std::ofstream(dir / "hub/hub.toml") << "[case_deadlines]\n\"投诉\" = 13\n[sites.\"青浦区行政服务中心\"]\n"
                                           "name_en = \"Qingpu Service Center\"\nidle_timeout_s = 120\n";
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    int code = 0;
    (void)syncOnce(dir / "kiosk", dir, &code);
    ASSERT_EQ(code, 0);
    const auto site = nlohmann::json::parse(slurp(dir / "kiosk/site-config.json"));
    EXPECT_EQ(site["site_name"], "青浦区行政服务中心");
    EXPECT_EQ(site["site_name_en"], "Qingpu Service Center");
    EXPECT_EQ(site["idle_timeout_s"], 120);
    // Due dates of cases follow the configured working days.
    enqueue(dir / "kiosk", 1);
    (void)syncOnce(dir / "kiosk", dir, &code);
    const std::string list = hub.cli({"cases", "list", "--json"}, &code);
    ASSERT_EQ(code, 0) << list;
    const auto c = nlohmann::json::parse(list.substr(0, list.find('\n')));
    EXPECT_GE(c["due_at"].get<std::int64_t>() - c["received_at"].get<std::int64_t>(), 13 * 86'400) << list;
    EXPECT_EQ(c["overdue"], false);
    hub.stop();
    // A wrong key in hub.toml: the hub does not start, and says which.
    std::ofstream(dir / "hub/hub.toml") << "[sites.\"x\"]\nidle_timeout_s = 5\n";
    EXPECT_FALSE(hub.start());
    EXPECT_NE(hub.log().find("idle_timeout_s (15–3600)"), std::string::npos) << hub.log();
    std::ofstream(dir / "hub/hub.toml") << "[limits]\ndevice_burst = 0\n";
    EXPECT_FALSE(hub.start());
    EXPECT_NE(hub.log().find("limits.device_burst: allowed are device_requests_per_minute (1–60000), device_burst (1–10000)"),
              std::string::npos)
        << hub.log();
    std::ofstream(dir / "hub/hub.toml") << "[limits]\nconnections_per_address = 0\n";
    EXPECT_FALSE(hub.start());
    EXPECT_NE(hub.log().find("connections_per_address (1–100000)"), std::string::npos) << hub.log();
}

// The kiosk app itself (windowed, SDL's offscreen driver, software renderer):
// its sync worker delivers what is queued, installs the published content,
// sends a heartbeat the hub lists, and stops cleanly on SIGTERM.
TEST(E2E, TheKioskAppsWorkerSyncsInstallsContentAndSendsAHeartbeat) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    int code = 0;
    const std::string pub = hub.cli({"content", "publish", KIOSK_DEMO_CONTENT}, &code);
    ASSERT_EQ(code, 0) << pub;
    enqueue(dir / "kiosk", 3);
    // A technician was here before the kiosk went online: the first heartbeat carries it.
    ASSERT_TRUE(maint::recordAction(dir / "kiosk", maint::action::kRotation, "rotation 90", 1'795'250'000'000));
    Proc kiosk = spawnKioskApp(dir);
    nlohmann::json device;
    for (int i = 0; i < 120; ++i) {  // ≤ 30 s
        const std::string out = hub.cli({"devices", "--json"}, &code);
        auto d = nlohmann::json::parse(out.substr(0, out.find('\n')), nullptr, false);
        if (!d.is_discarded() && d["heartbeat"].value("content_version", 0) == 1 &&
            d["heartbeat"]["outbox"].value("acked", 0) == 3) {
            device = d;
            break;
        }
        std::this_thread::sleep_for(250ms);
    }
    kill(kiosk.pid, SIGTERM);
    EXPECT_EQ(waitFor(kiosk, 15s), 0) << slurp(kiosk.err);
    ASSERT_FALSE(device.is_null()) << "no heartbeat with the delivered records and the content: " << slurp(kiosk.err);
    EXPECT_EQ(hub.records(), 3);
    const auto& hb = device["heartbeat"];
    EXPECT_EQ(hb["printer"], "ok");
    EXPECT_EQ(hb["outbox"]["pending"], 0);
    EXPECT_GT(hb["last_sync"].get<std::int64_t>(), 0);
    EXPECT_EQ(hb["app_version"], "0.1.0");
    EXPECT_EQ(device["outbox_growing"], false);
    EXPECT_NE(slurp(kiosk.err).find("content version 1 in use"), std::string::npos) << slurp(kiosk.err);
    ASSERT_EQ(hb["maintenance"].size(), 2u) << hb.dump();
    EXPECT_EQ(hb["maintenance"][0]["action"], "provisioned") << "kioskctl provision recorded the enrolment";
    EXPECT_EQ(hb["maintenance"][1]["action"], "rotation_changed");
    EXPECT_EQ(device["last_maintenance"]["detail"], "rotation 90");
    EXPECT_TRUE(maint::unreportedActions(dir / "kiosk")->empty()) << "marked reported once the hub took it";
}

// A technician sets up a kiosk in one command: enrolment, device settings,
// the maintenance PIN from stdin and the first content, each step reported.
TEST(E2E, ProvisionSetsUpTheWholeKioskInOneGo) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    int code = 0;
    std::string out = hub.cli({"content", "publish", KIOSK_DEMO_CONTENT}, &code);
    ASSERT_EQ(code, 0) << out;
    out = hub.cli({"provision-file", "--site", "青浦区行政服务中心", "--out", (dir / "prov.json").string(), "--url",
                   fmt::format("https://127.0.0.1:{}", hub.port())},
                  &code);
    ASSERT_EQ(code, 0) << out;
    std::ofstream(dir / "pin.txt") << "30571964\n";
    const fs::path kiosk = dir / "kiosk";
    const Ran r = run({"/bin/sh", "-c",
                       fmt::format("exec {} --data {} provision --file {} --rotation 90 --printer escpos --pin-stdin "
                                   "--content {} < {}",
                                   KIOSKCTL_BIN, kiosk.string(), (dir / "prov.json").string(),
                                   (kiosk / "content.db").string(), (dir / "pin.txt").string())},
                      dir / "provision");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("enrolled as KS0001"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("installed content version 1"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("[1/4] enrolling with https://127.0.0.1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[4/4] first sync and content download"), std::string::npos) << r.err;
    EXPECT_EQ((r.out + r.err).find("30571964"), std::string::npos) << "the PIN is never printed";
    EXPECT_NE(slurp(kiosk / "device.toml").find("rotation = 90"), std::string::npos);
    EXPECT_TRUE(fs::exists(kiosk / "maintenance-pin.json"));
    EXPECT_TRUE(fs::exists(kiosk / "last-sync.json"));
    const Ran status = kioskctl(kiosk, {"status", "--json"}, dir / "status");
    ASSERT_EQ(status.code, 0) << status.err;
    const auto st = nlohmann::json::parse(status.out);
    EXPECT_EQ(st["device_id"], "KS0001");
    EXPECT_EQ(st["pin_set"], true);
    EXPECT_GE(st["certificate"]["days_left"].get<int>(), 300);
    EXPECT_LE(st["last_sync_age_s"].get<int>(), 60);
}

// Technician actions ride on the heartbeat: each reaches the hub once, the
// hub keeps the newest for `kiosk-hub devices`, and actions recorded while
// the hub is down wait for the next heartbeat that gets through.
TEST(E2E, MaintenanceActionsReachTheHubOnceWithTheHeartbeat) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    const fs::path kiosk = dir / "kiosk";
    auto config = sync::loadHubConfig(kiosk);
    ASSERT_TRUE(config.has_value()) << config.error().message;
    sync::HubClient client(*config);
    auto beat = [&] { return sync::sendHeartbeat(client, kiosk, {{"app_version", "0.1.0"}}); };
    auto listed = [&] {
        int code = 0;
        const std::string out = hub.cli({"devices", "--json"}, &code);
        EXPECT_EQ(code, 0) << out;
        return nlohmann::json::parse(out.substr(0, out.find('\n')), nullptr, false);
    };

    // `kioskctl provision` recorded the enrolment itself.
    ASSERT_EQ(maint::unreportedActions(kiosk)->size(), 1u);
    ASSERT_TRUE(maint::recordAction(kiosk, maint::action::kSyncNow, "", 1'795'250'000'000));
    ASSERT_TRUE(maint::recordAction(kiosk, maint::action::kRotation, "rotation 90", 1'795'250'001'000));
    auto r = beat();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->status, 200);
    auto d = listed();
    ASSERT_EQ(d["heartbeat"]["maintenance"].size(), 3u) << d.dump();
    EXPECT_EQ(d["heartbeat"]["maintenance"][0]["action"], "provisioned");
    EXPECT_EQ(d["last_maintenance"]["action"], "rotation_changed");
    EXPECT_EQ(d["last_maintenance"]["at"], 1'795'250'001'000);
    EXPECT_TRUE(maint::unreportedActions(kiosk)->empty());
    int code = 0;
    const std::string text = hub.cli({"devices"}, &code);
    EXPECT_NE(text.find("last maintenance rotation_changed (rotation 90) at 2026-11-21T"), std::string::npos) << text;

    // Not sent twice: the next heartbeat has none, the hub still shows the newest.
    r = beat();
    ASSERT_TRUE(r.has_value());
    d = listed();
    EXPECT_TRUE(d["heartbeat"]["maintenance"].empty()) << d.dump();
    EXPECT_EQ(d["last_maintenance"]["action"], "rotation_changed");
    std::size_t logged = 0;
    for (std::size_t at = 0; (at = hub.log().find("KS0001 maintenance: rotation_changed", at)) != std::string::npos; ++at)
        ++logged;
    EXPECT_EQ(logged, 1u) << hub.log();

    // Hub down: the action waits, then goes with the next heartbeat that gets through.
    hub.stop();
    ASSERT_TRUE(maint::recordAction(kiosk, maint::action::kLeft, "", 1'795'250'002'000));
    EXPECT_FALSE(beat().has_value());
    EXPECT_EQ(maint::unreportedActions(kiosk)->size(), 1u);
    ASSERT_TRUE(hub.start()) << hub.log();
    sync::HubClient again(*config);
    r = sync::sendHeartbeat(again, kiosk, {{"app_version", "0.1.0"}});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(listed()["last_maintenance"]["action"], "left");
    EXPECT_TRUE(maint::unreportedActions(kiosk)->empty());
}

// More batches than the hub serves on one keep-alive connection: the client
// reconnects and resumes its TLS session, which the hub must accept (with
// client certificates OpenSSL needs a session id context for that).
TEST(E2E, ManyBatchesInOneCycleAcrossReconnects) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    enqueue(dir / "kiosk", 2400);  // 12 batches of 200
    int code = 0;
    const auto r = syncOnce(dir / "kiosk", dir, &code);
    EXPECT_EQ(code, 0) << r.dump();
    EXPECT_EQ(r["stored"], 2400) << r.dump();
    EXPECT_EQ(r["batches"], 12);
    EXPECT_EQ(hub.records(), 2400);
}

// The same hub behaviour on both storage backends (SQLite file, PostgreSQL
// test server): records queued while the hub is down arrive once, a hub
// killed mid-upload loses and duplicates nothing, a status change comes down.
class E2EBackend : public ::testing::TestWithParam<hubdb::hubtest::Backend> {};

TEST_P(E2EBackend, DownUpKilledMidUploadAndAStatusComesDown) {
    if (auto why = GetParam().skipReason(); !why.empty()) GTEST_SKIP() << why;
    auto scratch = GetParam().fresh(hubdb::hubtest::currentTestName());
    ASSERT_TRUE(scratch);
    const fs::path dir = testDir();
    {
        Hub hub(dir / "hub", freePort(), {}, scratch->spec());
        ASSERT_TRUE(hub.start()) << hub.log();
        provision(hub, dir / "kiosk", dir);
        hub.stop();
        const auto numbers = enqueue(dir / "kiosk", 1500);
        int code = 0;
        EXPECT_EQ(syncOnce(dir / "kiosk", dir, &code)["problem"], "offline");
        ASSERT_TRUE(hub.start()) << hub.log();
        Proc sync = spawn({KIOSKCTL_BIN, "--data", (dir / "kiosk").string(), "sync", "--once", "--json"}, dir / "killed");
        std::this_thread::sleep_for(150ms);
        hub.stop(SIGKILL);
        (void)waitFor(sync, 60s);
        ASSERT_TRUE(hub.start()) << hub.log();
        for (int i = 0; i < 5 && outboxStatus(dir / "kiosk").acked < 1500; ++i) (void)syncOnce(dir / "kiosk", dir);
        EXPECT_EQ(outboxStatus(dir / "kiosk").acked, 1500);
        EXPECT_EQ(hub.records(), 1500);
        const std::string out = hub.cli({"cases", "update-status", numbers[0], "accepted"}, &code);
        ASSERT_EQ(code, 0) << out;
        (void)syncOnce(dir / "kiosk", dir);
        auto box = outbox::Outbox::open((dir / "kiosk").string(), "KS0001");
        ASSERT_TRUE(box.has_value());
        auto st = box->statusesOf(numbers[0]);
        ASSERT_TRUE(st.has_value());
        ASSERT_FALSE(st->empty());
        EXPECT_EQ(st->back().status, "accepted");
    }  // the hub stops before its database is dropped
}
INSTANTIATE_TEST_SUITE_P(Backends, E2EBackend, ::testing::ValuesIn(hubdb::hubtest::backends()),
                         [](const auto& p) { return std::string(p.param.name); });
