// What the hub no longer takes on a device's word (docs/PROOF.md, security
// matrix, findings of the outside review): a kiosk cannot take over another
// kiosk's case numbers nor move a case back by uploading it again, staff notes
// never go down to a kiosk, a renewed certificate retires the one before it,
// device-sent text cannot drive the terminal of whoever runs the hub's CLI,
// and /metrics wants a device certificate or its own listener. Each runs the
// real kiosk-hub over TLS on 127.0.0.1 with real kiosks provisioned by the
// real kioskctl, and makes its hostile requests with a kiosk's own
// certificate (sync::HubClient), as a tampered kiosk would.
#include "harness.h"

#include "client/hub_client.h"
#include "protocol/case_number.h"
#include "protocol/protocol.h"

#include <gtest/gtest.h>

using namespace e2e;

namespace {

std::string uuidOf(int i) { return fmt::format("00000000-0000-4000-8000-{:012}", i); }

std::tm day() {
    std::tm d{};
    d.tm_year = 126;
    d.tm_mon = 11;
    d.tm_mday = 6;
    return d;
}

protocol::UploadItem caseItem(int i, const std::string& number) {
    protocol::UploadItem r;
    r.uuid = uuidOf(i);
    r.seq = i;
    r.kind = "case";
    r.number = number;
    r.createdMs = 1'800'000'000'000 + i;
    r.publicData = {{"case_kind", "投诉"}};
    r.personalData = {{"description", "材料被退回三次"}, {"contact_name", "张三"}, {"mobile", "13900001111"}};
    return r;
}

// The per-record answers of one upload, or a failure that says what came back.
std::vector<protocol::UploadAnswer> upload(const sync::HubConfig& kiosk, const std::vector<protocol::UploadItem>& items) {
    auto res = sync::HubClient(kiosk).post("/v1/upload", protocol::uploadRequest(items).dump());
    if (!res || res->status != 200) {
        ADD_FAILURE() << "upload: " << (res ? std::to_string(res->status) + " " + res->body : res.error().message);
        return {};
    }
    auto answers = protocol::parseUploadResponse(nlohmann::json::parse(res->body, nullptr, false));
    if (!answers) ADD_FAILURE() << answers.error().message;
    return answers.value_or(std::vector<protocol::UploadAnswer>{});
}

sync::HubConfig kioskConfig(const fs::path& data) {
    auto c = sync::loadHubConfig(data);
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
    return c.value_or(sync::HubConfig{});
}

nlohmann::json caseShown(const Hub& hub, const std::string& number) {
    int code = 0;
    const std::string out = hub.cli({"cases", "show", number, "--json"}, &code);
    EXPECT_EQ(code, 0) << out;
    return nlohmann::json::parse(out.substr(0, out.find('\n')), nullptr, false);
}

}  // namespace

TEST(DeviceTrust, AKioskCannotTakeOverAnotherKiosksCaseNorMoveItBack) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    fs::create_directories(dir / "a-work");
    fs::create_directories(dir / "b-work");
    provision(hub, dir / "a", dir / "a-work");
    provision(hub, dir / "b", dir / "b-work");
    const auto a = kioskConfig(dir / "a"), b = kioskConfig(dir / "b");
    ASSERT_EQ(a.deviceId, "KS0001");
    ASSERT_EQ(b.deviceId, "KS0002");

    // Kiosk A's real case, dispatched by staff.
    const auto numbers = enqueue(dir / "a", 1);
    ASSERT_EQ(syncOnce(dir / "a", dir)["stored"], 1);
    int code = 0;
    std::string out = hub.cli({"cases", "update-status", numbers[0], "accepted"}, &code);
    ASSERT_EQ(code, 0) << out;
    out = hub.cli({"cases", "update-status", numbers[0], "dispatched", "--department", "区市场监管局"}, &code);
    ASSERT_EQ(code, 0) << out;

    // B claims A's number, and a number of its own with a wrong check character.
    std::string badCheck = protocol::makeCaseNumber("KS0002", day(), 7);
    badCheck.back() = badCheck.back() == '0' ? '1' : '0';
    const std::string ownB = protocol::makeCaseNumber("KS0002", day(), 8);
    // KS0001 + a 7-digit tail: another terminal code's number (KS00010…) passed off as A's.
    const std::string longer = protocol::makeCaseNumber("KS00010", day(), 1);
    auto answers = upload(b, {caseItem(1, numbers[0]), caseItem(2, badCheck), caseItem(3, ownB)});
    ASSERT_EQ(answers.size(), 3u);
    EXPECT_EQ(answers[0].code, 422);
    EXPECT_NE(answers[0].message.find("does not start with this kiosk's terminal code KS0002"), std::string::npos)
        << answers[0].message;
    EXPECT_EQ(answers[1].code, 422);
    EXPECT_NE(answers[1].message.find("check character"), std::string::npos) << answers[1].message;
    EXPECT_EQ(answers[2].code, 201) << "the rest of the batch is stored";
    auto fromA = upload(a, {caseItem(4, longer)});
    ASSERT_EQ(fromA.size(), 1u);
    EXPECT_EQ(fromA[0].code, 422) << "a number one digit too long is not A's: " << fromA[0].message;
    // A number or key carrying control characters is not repeated into the
    // hub's log or the kiosk's dead-letter reason.
    auto forged = upload(a, {caseItem(6, "KS0001\n2026 fake log line\x1b[2J")});
    ASSERT_EQ(forged.size(), 1u);
    EXPECT_EQ(forged[0].code, 422);
    EXPECT_EQ(forged[0].message.find("fake log line"), std::string::npos) << forged[0].message;
    auto badKey = caseItem(7, protocol::makeCaseNumber("KS0001", day(), 7));
    badKey.uuid = "00000000-0000-4000-8000-0000000000\n\x1b";
    auto keyRes = sync::HubClient(a).post("/v1/upload", protocol::uploadRequest({badKey}).dump());
    ASSERT_TRUE(keyRes.has_value());
    EXPECT_EQ(keyRes->status, 400) << keyRes->body;
    EXPECT_EQ(hub.log().find("fake log line"), std::string::npos);
    EXPECT_EQ(hub.log().find('\x1b'), std::string::npos);

    // A itself uploads its dispatched case's number under a new key: refused,
    // and the case stays where staff put it.
    auto again = upload(a, {caseItem(5, numbers[0])});
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].code, 409);
    EXPECT_NE(again[0].message.find("already taken"), std::string::npos) << again[0].message;
    const auto shown = caseShown(hub, numbers[0]);
    ASSERT_FALSE(shown.is_discarded());
    EXPECT_EQ(shown["status"], "dispatched");
    EXPECT_EQ(shown["device"], "KS0001");
    int received = 0;
    for (const auto& e : shown["history"]) received += e["status"] == "received";
    EXPECT_EQ(received, 1) << shown.dump();

    // B hears nothing of A's case; A hears its statuses.
    auto updatesOf = [](const sync::HubConfig& k) {
        auto res = sync::HubClient(k).get("/v1/updates?after=0");
        EXPECT_TRUE(res && res->status == 200);
        return res ? res->body : std::string();
    };
    EXPECT_EQ(updatesOf(b).find(numbers[0]), std::string::npos);
    EXPECT_NE(updatesOf(a).find(numbers[0]), std::string::npos);
    EXPECT_EQ(hub.records(), 2) << "A's case and B's own";

    // A kiosk that queued a case under a code it does not own (here: B's
    // outbox numbering as KS0001) gets it dead-lettered with the reason.
    enqueue(dir / "b", 1);
    const auto s = syncOnce(dir / "b", dir);
    EXPECT_EQ(s["dead_lettered"], 1) << s.dump();
    EXPECT_EQ(outboxStatus(dir / "b").rejected, 1);
    EXPECT_NE(hub.log().find("does not start with this kiosk's terminal code"), std::string::npos);
}

TEST(DeviceTrust, StaffNotesReasonsAndDepartmentsNeverReachTheKiosk) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    const auto numbers = enqueue(dir / "kiosk", 1);
    ASSERT_EQ(syncOnce(dir / "kiosk", dir)["stored"], 1);
    int code = 0;
    for (const std::vector<std::string>& step :
         {std::vector<std::string>{"accepted", "--note", "内部备注：来访者情绪激动"},
          {"dispatched", "--department", "区市场监管局执法大队"},
          {"returned", "--reason", "不属本单位职责"},
          {"dispatched", "--department", "区税务局"}}) {
        std::vector<std::string> args{"cases", "update-status", numbers[0]};
        args.insert(args.end(), step.begin(), step.end());
        const std::string out = hub.cli(args, &code);
        ASSERT_EQ(code, 0) << out;
    }
    auto res = sync::HubClient(kioskConfig(dir / "kiosk")).get("/v1/updates?after=0");
    ASSERT_TRUE(res && res->status == 200);
    for (const char* secret : {"内部备注", "来访者", "市场监管局", "执法大队", "不属本单位职责", "税务局", "\"note\""})
        EXPECT_EQ(res->body.find(secret), std::string::npos) << secret << " went down: " << res->body;
    const auto j = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_TRUE(j.contains("updates"));
    ASSERT_EQ(j["updates"].size(), 5u) << res->body;
    for (const auto& u : j["updates"]) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : u.items()) keys.push_back(k);
        EXPECT_EQ(keys, (std::vector<std::string>{"at", "id", "number", "status"})) << u.dump();
    }
    // The kiosk still shows the statuses in 办件查询.
    (void)syncOnce(dir / "kiosk", dir);
    auto box = outbox::Outbox::open((dir / "kiosk").string(), "KS0001");
    ASSERT_TRUE(box.has_value());
    auto st = box->statusesOf(numbers[0]);
    ASSERT_TRUE(st && !st->empty());
    EXPECT_EQ(st->back().status, "dispatched");
}

TEST(DeviceTrust, ARenewedCertificateRetiresTheOneItReplaced) {
    const fs::path dir = testDir();
    // Certificates inside the 30-day renewal window, so the first sync renews.
    // No overlap: the replaced certificate is refused at once.
    Hub hub(dir / "hub", freePort(), {"--device-cert-days", "10", "--renew-overlap", "0s"});
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    const sync::HubConfig before = kioskConfig(dir / "kiosk");
    auto first = syncOnce(dir / "kiosk", dir);
    ASSERT_EQ(first["renewed"], true) << first.dump();
    auto old = sync::HubClient(before).get("/v1/updates?after=0");
    ASSERT_TRUE(old.has_value()) << old.error().message;
    EXPECT_EQ(old->status, 401) << old->body;
    EXPECT_NE(old->body.find("replaced by a renewed one"), std::string::npos) << old->body;
    auto oldUpload = sync::HubClient(before).post(
        "/v1/upload", protocol::uploadRequest({caseItem(1, protocol::makeCaseNumber("KS0001", day(), 1))}).dump());
    ASSERT_TRUE(oldUpload.has_value());
    EXPECT_EQ(oldUpload->status, 401);
    EXPECT_EQ(hub.records(), 0);
    auto renewAgain = sync::HubClient(before).post("/v1/renew", R"({"csr": "x"})");
    ASSERT_TRUE(renewAgain.has_value());
    EXPECT_EQ(renewAgain->status, 401) << "the old certificate cannot get itself a new one";
    enqueue(dir / "kiosk", 1);
    EXPECT_EQ(syncOnce(dir / "kiosk", dir)["stored"], 1) << "the new certificate works";
    hub.stop();

    // With the default overlap (10 min) a request in flight during the swap,
    // made with the replaced certificate, still gets through.
    const fs::path dir2 = dir / "overlap";
    fs::create_directories(dir2);
    Hub hub2(dir2 / "hub", freePort(), {"--device-cert-days", "10"});
    ASSERT_TRUE(hub2.start()) << hub2.log();
    provision(hub2, dir2 / "kiosk", dir2);
    const sync::HubConfig before2 = kioskConfig(dir2 / "kiosk");
    ASSERT_EQ(syncOnce(dir2 / "kiosk", dir2)["renewed"], true);
    auto inFlight = sync::HubClient(before2).get("/v1/updates?after=0");
    ASSERT_TRUE(inFlight.has_value());
    EXPECT_EQ(inFlight->status, 200) << inFlight->body;
}

TEST(DeviceTrust, TheCliShowsControlCharactersADeviceSentInsteadOfObeyingThem) {
    const fs::path dir = testDir();
    Hub hub(dir / "hub", freePort());
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    const auto k = kioskConfig(dir / "kiosk");
    // Clear the screen, retitle the terminal, a C1 CSI, and a faked extra line.
    const std::string hostile = "reboot\x1b[2J\x1b]0;owned\x07\xc2\x9b" "31m\nKS9999  fake-site  last seen";
    const nlohmann::json hb = {{"maintenance", {{{"action", hostile}, {"detail", "cable\rreplaced"}, {"at", 1}}}}};
    auto res = sync::HubClient(k).post("/v1/heartbeat", hb.dump());
    ASSERT_TRUE(res && res->status == 200);
    protocol::UploadItem rating;
    rating.uuid = uuidOf(9);
    rating.seq = 9;
    rating.kind = "rating";
    rating.number = protocol::makeCaseNumber("KS0001", day(), 9);
    rating.createdMs = 1'800'000'000'000;
    rating.publicData = {{"level", "dissatisfied"}, {"level_label", "不满意"},   {"target_kind", "service"},
                         {"target_id", "svc\x1b[1m"}, {"target_name", hostile}, {"reasons", {"等候\x1b[5m太久"}},
                         {"instance", "visit:1"}};
    // This hub refuses such a record (records.h), naming the field …
    const auto refused = upload(k, {rating});
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].code, 422);
    EXPECT_EQ(refused[0].message, "public.target_id holds a control character or malformed UTF-8");
    // … but an older hub stored what it was sent: its CLI must still show, not obey.
    {
        auto db = hubdb::openDatabase((dir / "hub/hub.db").string(), 1);
        ASSERT_TRUE(db.has_value());
        auto stored = hubdb::HubStore(**db).storeBatch("KS0001", {rating}, 1'800'000'000);
        ASSERT_TRUE(stored.has_value());
        ASSERT_EQ((*stored)[0].code, 201) << (*stored)[0].message;
    }

    int code = 0;
    for (const std::vector<std::string>& cmd : {std::vector<std::string>{"devices"}, {"ratings", "bad"}}) {
        const std::string out = hub.cli(cmd, &code);
        ASSERT_EQ(code, 0) << out;
        EXPECT_EQ(out.find('\x1b'), std::string::npos) << cmd[0] << ": an escape reached the terminal";
        EXPECT_EQ(out.find('\x07'), std::string::npos) << cmd[0];
        EXPECT_EQ(out.find('\r'), std::string::npos) << cmd[0];
        EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos) << cmd[0];
        EXPECT_NE(out.find("^[[2J^[]0;owned^G<U+009B>31m^JKS9999"), std::string::npos) << cmd[0] << ": " << out;
        EXPECT_EQ(out.find("\nKS9999"), std::string::npos) << cmd[0] << ": a line was faked";
    }
    EXPECT_NE(hub.cli({"ratings", "bad"}).find("等候^[[5m太久"), std::string::npos) << "Chinese text is kept as it is";
}

TEST(DeviceTrust, MetricsNeedADeviceCertificateOrTheirOwnListener) {
    const fs::path dir = testDir();
    const int metricsPort = freePort();
    Hub hub(dir / "hub", freePort(), {"--metrics-listen", fmt::format("127.0.0.1:{}", metricsPort)});
    ASSERT_TRUE(hub.start()) << hub.log();
    provision(hub, dir / "kiosk", dir);
    httplib::SSLClient anonymous("127.0.0.1", hub.port());
    anonymous.enable_server_certificate_verification(false);
    auto refused = anonymous.Get("/metrics");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
    EXPECT_EQ(refused->body.find("kiosk_hub_requests_total"), std::string::npos);
    auto device = sync::HubClient(kioskConfig(dir / "kiosk")).get("/metrics");
    ASSERT_TRUE(device.has_value());
    EXPECT_EQ(device->status, 200);
    EXPECT_NE(device->body.find("kiosk_hub_requests_total"), std::string::npos);
    httplib::Client monitor("127.0.0.1", metricsPort);
    auto scraped = monitor.Get("/metrics");
    ASSERT_TRUE(scraped);
    EXPECT_EQ(scraped->status, 200);
    EXPECT_NE(scraped->body.find("kiosk_hub_records_total{outcome=\"refused\"}"), std::string::npos) << scraped->body;
    auto other = monitor.Get("/healthz");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->status, 404) << "the monitoring listener answers /metrics only";
    EXPECT_EQ(slurp(dir / "hub/metrics.url"), fmt::format("http://127.0.0.1:{}/metrics\n", metricsPort));
}
