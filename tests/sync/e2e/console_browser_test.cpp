// The staff console in a real browser: Debian's chromium driven by
// playwright-core (tests/console/console.mjs) against a real kiosk-hub with
// its staff listener and the console Vite built, and a real kiosk (kioskctl
// sync, and the headless kiosk app for what a visitor sees). The browser
// signs in (told of the failed tries before), takes a case to 办结 — which the kiosk's 办件查询 then shows —,
// follows up a bad rating, reads the statistics (checked against `kiosk-hub
// ratings stats`) and makes a provisioning file. Screenshots of each page
// land in the test's folder (docs/console/ keeps a reviewed copy).
#include "harness.h"

#include <nlohmann/json.hpp>

using namespace e2e;

namespace {

// A rating as kiosk/app/app.cpp saveRating() makes it.
std::string enqueueRating(const fs::path& kioskData, const std::string& level, bool callback, const std::string& instance,
                          bool followUp, std::int64_t atMs) {
    records::RatingRecord r;
    r.pub.targetKind = "service";
    r.pub.targetId = "svc-yyzz";
    r.pub.targetName = "营业执照设立登记";
    r.pub.departmentId = "dep-sc";
    r.pub.instance = instance;
    r.pub.followUp = followUp;
    r.pub.level = level;
    if (records::isBadLevel(level)) r.pub.reasons = {"等候时间长"};
    r.pub.callback = callback;
    if (callback) r.personal = {"王小明", "13812345678"};
    return enqueueAs(kioskData, "KS0001", "rating", records::toJson(r.pub), records::toJson(r.personal), atMs);
}

// One phase of console.mjs; its JSON, or null with the failure recorded.
nlohmann::json browser(const ConsoleHub& h, const std::string& phase, const std::string& user,
                       const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {NODE_BIN, CONSOLE_TEST_SCRIPT, phase, "--url",
                                     fmt::format("https://127.0.0.1:{}/staff/", h.staffPort), "--user", user,
                                     "--password", kPassword, "--out", (h.dir / "screens").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const Ran r = run(args, h.dir / ("browser-" + phase), 120s);
    EXPECT_EQ(r.code, 0) << phase << ":\n" << r.err << r.out;
    auto j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
    if (j.is_discarded()) {
        ADD_FAILURE() << phase << " printed no JSON: " << r.out << r.err;
        return nullptr;
    }
    EXPECT_EQ(j["console_errors"], nlohmann::json::array()) << phase << ": the page logged errors";
    return j;
}

// Runs the kiosk app (offscreen window, software renderer) until the hub's
// device list shows its heartbeat with content `version` (≤ 40 s); the
// device's JSON, or null.
nlohmann::json runKioskAppUntilContent(ConsoleHub& h, const fs::path& dir, int version) {
    Proc kiosk = spawnKioskApp(dir);
    nlohmann::json device;
    for (int i = 0; i < 160 && device.is_null(); ++i) {
        int code = 0;
        const std::string out = h.hub.cli({"devices", "--json"}, &code);
        auto d = nlohmann::json::parse(out.substr(0, out.find('\n')), nullptr, false);
        if (!d.is_discarded() && d["heartbeat"].value("content_version", 0) == version) device = d;
        else std::this_thread::sleep_for(250ms);
    }
    kill(kiosk.pid, SIGTERM);
    EXPECT_EQ(waitFor(kiosk, 15s), 0) << slurp(kiosk.err);
    return device;
}

std::string cell(const nlohmann::json& row, int i) { return row["cells"][i].get<std::string>(); }

std::string percent(const nlohmann::json& rate) {
    return rate.is_null() ? "n/a" : fmt::format("{:.1f}%", rate.get<double>() * 100.0);
}

}  // namespace

TEST(ConsoleBrowser, StaffCloseACaseFollowUpABadRatingReadFiguresAndProvisionInTheBrowser) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("li", "handler"), 0);
    ASSERT_EQ(h.addStaff("wang", "manager"), 0);
    ASSERT_EQ(h.addStaff("root", "admin"), 0);
    provision(h.hub, dir / "kiosk", dir);

    // At the kiosk: a case, two good ratings, a bad one with a call-back contact,
    // an anonymous bad one, then the visitor's re-rating of the first bad one.
    const auto numbers = enqueue(dir / "kiosk", 1);
    ASSERT_EQ(numbers.size(), 1u);
    const std::int64_t t0 = 1'700'000'100'000;
    enqueueRating(dir / "kiosk", "very_satisfied", false, "i-1", false, t0);
    enqueueRating(dir / "kiosk", "satisfied", false, "i-2", false, t0 + 1);
    enqueueRating(dir / "kiosk", "dissatisfied", true, "i-3", false, t0 + 2);
    enqueueRating(dir / "kiosk", "very_dissatisfied", false, "i-4", false, t0 + 3);
    enqueueRating(dir / "kiosk", "satisfied", false, "i-3", true, t0 + 4);
    ASSERT_EQ(syncOnce(dir / "kiosk", dir)["stored"], 6);

    // Signing in: a wrong password is refused on the page; the handler sees
    // only the handler's sections.
    const auto in = browser(h, "login", "li");
    ASSERT_FALSE(in.is_null());
    EXPECT_EQ(in["refused"], "用户名或密码错误") << in.dump();
    EXPECT_EQ(in["nav"], nlohmann::json::array({"诉求工单", "差评整改", "统计分析"})) << in.dump();
    // The two wrong passwords before it are told to the owner, in both languages, until dismissed.
    EXPECT_EQ(in["bannerZh"], "自您上次登录以来，您的账号有 2 次登录失败。如非本人操作，请告知系统管理员。") << in.dump();
    EXPECT_EQ(in["bannerEn"],
              "2 failed sign-in attempts since your last sign-in. If that was not you, tell your administrator.")
        << in.dump();
    EXPECT_EQ(in["bannerAfterDismiss"], 0) << in.dump();

    // A case to 办结 in the browser, then at the kiosk.
    const auto c = browser(h, "case", "li", {"--case", numbers[0]});
    ASSERT_FALSE(c.is_null());
    EXPECT_EQ(c["status"], "办结");
    EXPECT_EQ(c["banner"], 0) << "told once: the next sign-in has no failures to tell";
    EXPECT_NE(c["history"].dump().find("派单至 区市场监管局"), std::string::npos) << c.dump();
    EXPECT_EQ(c["landed"], "#/cases") << "a handler typing the audit log's address lands on the cases";
    EXPECT_EQ(syncOnce(dir / "kiosk", dir)["statuses"], 5) << "the five changes came down";
    // A manager reads the same case with the visitor's details masked.
    const auto mc = browser(h, "maskedCase", "wang", {"--case", numbers[0]});
    ASSERT_FALSE(mc.is_null());
    const std::string personal = mc["personal"].get<std::string>();
    EXPECT_NE(personal.find("已脱敏"), std::string::npos) << personal;
    EXPECT_NE(personal.find("138****5678"), std::string::npos) << personal;
    EXPECT_NE(personal.find("王**"), std::string::npos) << personal;
    EXPECT_NE(personal.find("仅限工单处理人员查看"), std::string::npos) << personal;
    EXPECT_EQ(personal.find("13812345678"), std::string::npos) << personal;
    std::ofstream(dir / "lookup.kss") << "tap-id home.tile.lookup\ntap-id lookup.case_no\ntype " << numbers[0]
                                      << "\ntap-id lookup.mobile4\ntype 5678\ntap-id lookup.submit\nscreenshot "
                                      << (dir / "screens/kiosk-lookup.png").string() << "\n";
    const Ran k = run({KIOSK_BIN, "--headless", "--data", (dir / "kiosk").string(), "--script",
                       (dir / "lookup.kss").string(), "--stats", (dir / "stats.json").string()},
                      dir / "kiosk-run");
    ASSERT_EQ(k.code, 0) << k.err;
    EXPECT_EQ(nlohmann::json::parse(slurp(dir / "stats.json"))["last_lookup_status"], "lookup.status_closed");

    // The bad rating with a contact: call-back, rectification, feedback.
    int code = 0;
    const std::string badOut = h.hub.cli({"ratings", "bad", "--json"}, &code);
    ASSERT_EQ(code, 0) << badOut;
    std::string uuid;
    for (std::size_t at = 0; at < badOut.size();) {
        const std::size_t end = badOut.find('\n', at);
        const auto j = nlohmann::json::parse(badOut.substr(at, end - at), nullptr, false);
        if (!j.is_discarded() && j["callback"] == true) uuid = j["uuid"];
        at = end == std::string::npos ? badOut.size() : end + 1;
    }
    ASSERT_FALSE(uuid.empty()) << badOut;
    // The anonymous 差评 arrived 30 days ago: past its 5 working days, it is overdue.
    {
        auto db = hubdb::openDatabase((dir / "hub/hub.db").string(), 1);
        ASSERT_TRUE(db.has_value());
        auto aged = (*db)->with([&](hubdb::Connection& conn) {
            return conn.script(fmt::format("UPDATE record SET received_at = received_at - {} WHERE kind = 'rating' AND "
                                        "uuid <> '{}' AND public_data LIKE '%very_dissatisfied%'",
                                        30 * 86'400, uuid));
        });
        ASSERT_TRUE(aged.has_value());
    }
    const std::string overdue = h.hub.cli({"ratings", "bad", "--json"});
    EXPECT_NE(overdue.find(R"("overdue":true)"), std::string::npos) << overdue;
    const auto f = browser(h, "followup", "li", {"--rating", uuid});
    ASSERT_FALSE(f.is_null());
    EXPECT_EQ(f["masked"], "王**  138****5678");
    EXPECT_EQ(f["full"], "王小明  13812345678");
    EXPECT_EQ(f["state"], "已反馈");
    EXPECT_EQ(f["overdueBadge"], 1) << "the overdue follow-up stands out";
    EXPECT_NE(f["rerating"].get<std::string>().find("满意"), std::string::npos) << "the visitor's re-rating is shown";
    const std::string audit = h.hub.cli({"staff", "audit", "--json"});
    EXPECT_NE(audit.find(R"("action":"rating.contact")"), std::string::npos) << "showing the full contact is logged";
    EXPECT_NE(audit.find(R"("action":"rating.follow-up","actor":"li")"), std::string::npos) << audit;

    // The figures on the page are the CLI's.
    const auto s = browser(h, "stats", "wang");
    ASSERT_FALSE(s.is_null());
    const auto cli = nlohmann::json::parse(h.hub.cli({"ratings", "stats", "--by", "service", "--json"}));
    ASSERT_EQ(s["rows"].size(), cli["rows"].size() + 1) << s.dump() << "\n" << cli.dump();
    for (std::size_t i = 0; i <= cli["rows"].size(); ++i) {
        const bool total = i == cli["rows"].size();
        const auto& want = total ? cli["total"] : cli["rows"][i];
        const auto& got = s["rows"][i];
        if (!total) {
            EXPECT_EQ(got["key"], want["key"].is_null() ? "" : want["key"].get<std::string>());
        }
        EXPECT_EQ(cell(got, 2), std::to_string(want["total"].get<long>())) << got.dump();
        EXPECT_EQ(cell(got, 3), percent(want["good_rate"])) << got.dump();
        EXPECT_EQ(cell(got, 4), std::to_string(want["bad"].get<long>())) << got.dump();
        EXPECT_EQ(cell(got, 6), std::to_string(want["bad_called_back"].get<long>())) << got.dump();
        EXPECT_EQ(cell(got, 7), percent(want["callback_rate"])) << got.dump();
        EXPECT_EQ(cell(got, 9), percent(want["rectify_rate"])) << got.dump();
    }
    EXPECT_EQ(cli["total"]["total"], 5);
    EXPECT_EQ(cli["total"]["bad"], 2);
    EXPECT_EQ(cli["total"]["bad_called_back"], 1);
    const std::string csv = h.hub.cli({"ratings", "stats", "--by", "service", "--csv"});
    EXPECT_EQ(s["csv"], "\xEF\xBB\xBF" + csv) << "the page's CSV is the CLI's";

    // An editor publishes a policy document; the kiosk app installs it and
    // says so in its heartbeat; the content page shows the kiosk up to date.
    ASSERT_EQ(h.addStaff("zhao", "editor"), 0);
    const auto ct = browser(h, "content", "zhao", {"--file", KIOSK_CORPUS_DIR "/qingpu-2025-work-points.txt"});
    ASSERT_FALSE(ct.is_null());
    ASSERT_EQ(ct["documents"].size(), 1u) << ct.dump();
    EXPECT_NE(ct["documents"][0].get<std::string>().find("青浦区"), std::string::npos) << ct.dump();
    EXPECT_GT(ct["nested"].get<int>(), 0) << "the measure tree has nested measures";
    EXPECT_GT(ct["units"].get<int>(), 0) << "responsible units are shown";
    EXPECT_NE(ct["error"].get<std::string>().find("services.json"), std::string::npos) << ct.dump();
    EXPECT_EQ(ct["published"], "已发布为版本 1");
    const auto device = runKioskAppUntilContent(h, dir, 1);
    ASSERT_FALSE(device.is_null()) << "the kiosk app did not report content version 1";
    const auto ck = browser(h, "contentKiosks", "wang", {"--kiosk", "KS0001"});
    ASSERT_FALSE(ck.is_null());
    EXPECT_NE(ck["row"].get<std::string>().find("1 最新"), std::string::npos) << ck.dump();

    // The fleet, a provisioning file a kiosk accepts, and the audit log.
    const auto fl = browser(h, "fleet", "root");
    ASSERT_FALSE(fl.is_null());
    ASSERT_EQ(fl["devices"].size(), 1u);
    EXPECT_EQ(fl["devices"][0]["id"], "KS0001");
    EXPECT_EQ(fl["provision"]["site"], "青浦区行政服务中心");
    std::ofstream(dir / "console-prov.json") << fl["provision"].dump();
    const Ran p = kioskctl(dir / "kiosk2", {"provision", "--file", (dir / "console-prov.json").string()}, dir / "provision2");
    EXPECT_EQ(p.code, 0) << p.out << p.err;
    EXPECT_NE(p.out.find("enrolled as KS0002"), std::string::npos) << p.out;
    // Revoked from the page (after the browser's confirmation): its next sync is refused.
    const auto rv = browser(h, "revoke", "root", {"--kiosk", "KS0002"});
    ASSERT_FALSE(rv.is_null());
    EXPECT_NE(rv["question"].get<std::string>().find("吊销终端 KS0002"), std::string::npos) << rv.dump();
    EXPECT_NE(rv["row"].get<std::string>().find("已吊销"), std::string::npos) << rv.dump();
    EXPECT_EQ(rv["buttons"], 0) << rv.dump();
    int syncCode = 0;
    const auto refused = syncOnce(dir / "kiosk2", dir, &syncCode);
    EXPECT_NE(syncCode, 0);
    EXPECT_EQ(refused["http_status"], 403) << refused.dump();

    // The same pages in English and on a tablet.
    EXPECT_FALSE(browser(h, "stats", "wang", {"--lang", "en", "--width", "800", "--height", "1100"}).is_null());
    EXPECT_EQ(h.hub.log().find("王小明"), std::string::npos) << "no personal data in the log";
    EXPECT_EQ(h.hub.log().find("13812345678"), std::string::npos) << "no personal data in the log";
}
