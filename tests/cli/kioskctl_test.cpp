// kioskctl as an editor or technician uses it: real processes, real files.
// A failed import must leave the previous database exactly as it was.
#include "harness/temp_dir.h"
#include "crypto/x509.h"

#include "run_kioskctl.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <set>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>

namespace fs = std::filesystem;

namespace {

using kioskctl_test::Out;
using kioskctl_test::run;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path freshDir(const std::string& name) {
    return harness::freshDir(fs::path(KIOSK_TEST_OUT) / name);
}

const std::string kAssets = KIOSK_SOURCE_DIR "/assets/content/";

// kioskctl with `input` on its stdin (as a technician pipes a PIN in).
Out runWithStdin(const std::string& input, const std::string& args, const fs::path& scratch) {
    const fs::path in = scratch / "stdin.txt";
    std::ofstream(in) << input;
    Out o = run(args + " < " + in.string());
    fs::remove(in);
    return o;
}

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST(Kioskctl, ImportBuildsADatabaseThatStatsAndSearchRead) {
    const auto dir = freshDir("Kioskctl.Import");
    const std::string db = (dir / "content.db").string();
    const Out imp = run("content import " + kAssets + "services.json " + kAssets + "policies.json " + kAssets +
                        "documents/qingpu-2025-work-points.txt --out " + db);
    ASSERT_EQ(imp.code, 0) << imp.text;
    EXPECT_NE(imp.text.find("73 measures (59 with responsible units)"), std::string::npos) << imp.text;
    const Out stats = run("content stats " + db + " --json");
    ASSERT_EQ(stats.code, 0) << stats.text;
    const auto j = nlohmann::json::parse(stats.text);
    EXPECT_GE(j["services"].get<int>(), 60);
    EXPECT_EQ(j["documents"].get<int>(), 5);
    EXPECT_EQ(j["rating_reasons_version"].get<std::string>(), "2026.1");
    ASSERT_EQ(j["rating_reasons_per_level"].size(), 5u);
    int reasons = 0;
    for (const auto& n : j["rating_reasons_per_level"]) {
        EXPECT_GE(n.get<int>(), 4);
        reasons += n.get<int>();
    }
    EXPECT_EQ(j["rating_reasons"].get<int>(), reasons);
    const Out text = run("content stats " + db);
    EXPECT_NE(text.text.find("好差评 reason set 2026.1"), std::string::npos) << text.text;
    const Out search = run("content search --db " + db + " 高效办成一件事 --limit 3 --json");
    ASSERT_EQ(search.code, 0) << search.text;
    std::istringstream lines(search.text);
    std::string first;
    std::getline(lines, first);
    const auto hit = nlohmann::json::parse(first);
    for (const char* key : {"id", "kind", "title", "snippet", "score"}) EXPECT_TRUE(hit.contains(key)) << key;
}

TEST(Kioskctl, AFailedImportLeavesTheOldDatabaseUntouched) {
    const auto dir = freshDir("Kioskctl.Failed");
    const std::string db = (dir / "content.db").string();
    ASSERT_EQ(run("content import " + kAssets + "services.json --out " + db).code, 0);
    const std::string before = slurp(db);
    std::ofstream(dir / "bad.json") << "{\n  \"format\": \"kiosk-content/1\",\n  \"bundles\": [\n"
                                       "    {\"id\": \"bundle.x\", \"name\": \"坏\", \"services\": [\"svc.nope\", \"svc.nada\"],\n"
                                       "     \"promised\": {\"value\": 1, \"unit\": \"days\"}}\n  ]\n}\n";
    const Out o = run("content import " + kAssets + "services.json " + (dir / "bad.json").string() + " --out " + db);
    EXPECT_EQ(o.code, 2) << o.text;
    EXPECT_NE(o.text.find("bad.json:4:"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("'svc.nope' is not a known service id"), std::string::npos) << o.text;
    EXPECT_NE(o.text.find("unit"), std::string::npos) << o.text;
    EXPECT_EQ(slurp(db), before) << "the old database must be byte-for-byte the same";
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << "left behind: " << e.path();
}

TEST(Kioskctl, ImportDocJsonSummaryCountsMeasuresAndUnits) {
    const auto dir = freshDir("Kioskctl.ImportDoc");
    const Out o = run("content import-doc " + kAssets + "documents/changning-2020-action-plan.txt " + kAssets +
                      "documents/jinshan-2023-action-plan.txt --out " + (dir / "docs.db").string() + " --json");
    ASSERT_EQ(o.code, 0) << o.text;
    const auto j = nlohmann::json::parse(o.text.substr(o.text.find('{')));
    ASSERT_EQ(j["imported_documents"].size(), 2u);
    EXPECT_EQ(j["imported_documents"][0]["measures"].get<int>(), 44);
    EXPECT_EQ(j["imported_documents"][0]["measures_with_units"].get<int>(), 36);
    EXPECT_FALSE(j["imported_documents"][0]["warnings"].empty()) << "changning's appendix is reported";
    EXPECT_EQ(j["imported_documents"][1]["measures"].get<int>(), 50);
    EXPECT_EQ(j["measures"].get<int>(), 94);
}

TEST(Kioskctl, NotAPolicyDocumentIsRefusedWithItsName) {
    const auto dir = freshDir("Kioskctl.NotADoc");
    std::ofstream(dir / "notes.txt") << "hello\n";
    const Out o = run("content import-doc " + (dir / "notes.txt").string() + " --out " + (dir / "x.db").string());
    EXPECT_EQ(o.code, 2) << o.text;
    EXPECT_NE(o.text.find("notes.txt"), std::string::npos) << o.text;
    EXPECT_FALSE(fs::exists(dir / "x.db"));
}

TEST(Kioskctl, ConfigCheckNamesTheKey) {
    const auto dir = freshDir("Kioskctl.Config");
    std::ofstream(dir / "site.toml") << "[idle]\ntimeout_s = 5\n";
    const Out o = run("config check " + (dir / "site.toml").string());
    EXPECT_EQ(o.code, 2);
    EXPECT_NE(o.text.find("'idle.timeout_s' = 5 is out of range; allowed 15 to 3600"), std::string::npos) << o.text;
    std::ofstream(dir / "good.toml") << "[site]\nname = \"青浦区企业服务中心\"\n";
    const Out ok = run("config check " + (dir / "good.toml").string());
    EXPECT_EQ(ok.code, 0) << ok.text;
}

TEST(Kioskctl, CheckUsccSaysValidOrWhatIsWrong) {
    for (const char* code : {"914403001922038216", "9144030071526726XG", "91350100M000100Y43"}) {
        const Out o = run(std::string("check uscc ") + code);
        EXPECT_EQ(o.code, 0) << code << ": " << o.text;
        EXPECT_EQ(o.text, "valid\n");
    }
    Out o = run("check uscc 91440300192203821");
    EXPECT_NE(o.code, 0);
    EXPECT_NE(o.text.find("18 characters; this one has 17"), std::string::npos) << o.text;
    o = run("check uscc 91440300O922038216");
    EXPECT_NE(o.text.find("Character 9"), std::string::npos) << o.text;
    o = run("check uscc 914403001922038217");
    EXPECT_NE(o.text.find("check character (position 18)"), std::string::npos) << o.text;
    o = run("check uscc 9144030071526726xg");
    EXPECT_NE(o.code, 0);
    EXPECT_EQ(o.text, "Character 17 ('x') is lower case; use 'X'\n");
    o = run("check uscc ９14403001922038216");
    EXPECT_NE(o.text.find("Character 1 is not a half-width"), std::string::npos) << o.text;
}

TEST(Kioskctl, CheckMobile) {
    for (const char* m : {"13800000000", "+8613800000000", "0086 138 0000 0000", "19912345678"}) {
        const Out o = run(std::string("check mobile '") + m + "'");
        EXPECT_EQ(o.code, 0) << m << ": " << o.text;
    }
    Out o = run("check mobile 1380000000");
    EXPECT_NE(o.code, 0);
    EXPECT_NE(o.text.find("11 digits; this one has 10"), std::string::npos) << o.text;
    o = run("check mobile 12800000000");
    EXPECT_NE(o.text.find("starts with 13 to 19"), std::string::npos) << o.text;
    o = run("check mobile １３800000000");
    EXPECT_NE(o.text.find("half-width"), std::string::npos) << o.text;
}

TEST(Kioskctl, OutboxStatusCountsWithoutPersonalData) {
    const auto dir = freshDir("Kioskctl.Outbox");
    EXPECT_NE(run("--data " + dir.string() + " outbox status").code, 0) << "no outbox yet";
    // Fill an outbox the way the kiosk does (the crash-test child submits
    // until it is stopped; a short run leaves some records).
    const std::string fill = "timeout -s KILL 0.5 " + std::string(OUTBOX_CRASH_CHILD) + " " + dir.string() + " > /dev/null";
    (void)std::system(fill.c_str());
    const Out o = run("--data " + dir.string() + " outbox status --json");
    ASSERT_EQ(o.code, 0) << o.text;
    const auto j = nlohmann::json::parse(o.text);
    EXPECT_GT(j["pending"].get<int>(), 0);
    EXPECT_EQ(j["acked"].get<int>(), 0);
    EXPECT_EQ(o.text.find("测试用户"), std::string::npos) << "no personal data";
}

TEST(Kioskctl, OutboxImportQueuesLikeTheUiOrNothingAtAll) {
    const auto dir = freshDir("Kioskctl.Import");
    const std::string data = "--data " + (dir / "data").string();
    const Out ex = run(data + " outbox import --example");
    ASSERT_EQ(ex.code, 0) << ex.text;
    std::ofstream(dir / "good.jsonl") << ex.text << ex.text;  // two of each kind
    const Out ok = run(data + " outbox import " + (dir / "good.jsonl").string());
    ASSERT_EQ(ok.code, 0) << ok.text;
    EXPECT_NE(ok.text.find("queued 4 submissions"), std::string::npos) << ok.text;
    // Each line got its own key and number, and personal data is sealed.
    const Out list = run(data + " outbox list --json");
    std::set<std::string> uuids, numbers;
    std::istringstream lines(list.text);
    for (std::string line; std::getline(lines, line);) {
        const auto j = nlohmann::json::parse(line);
        uuids.insert(j["uuid"].get<std::string>());
        numbers.insert(j["number"].get<std::string>());
        EXPECT_EQ(j["state"], "pending");
    }
    EXPECT_EQ(uuids.size(), 4u);
    EXPECT_EQ(numbers.size(), 4u);
    EXPECT_EQ(list.text.find("王小明"), std::string::npos);
    // One bad line: every problem named with its line, nothing queued.
    std::ofstream(dir / "bad.jsonl") << ex.text << "{\"kind\":\"case\",\"public\":{\"case_kind\":\"投诉\"}}\nnot json\n";
    const Out bad = run(data + " outbox import " + (dir / "bad.jsonl").string());
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.text.find("bad.jsonl:3: personal.description is required"), std::string::npos) << bad.text;
    EXPECT_NE(bad.text.find("bad.jsonl:4: is not valid JSON"), std::string::npos) << bad.text;
    const Out after = run(data + " outbox status --json");
    EXPECT_EQ(nlohmann::json::parse(after.text)["pending"], 4) << "nothing from the bad file";
}

// ------------------------------------------------------------ technicians

TEST(Kioskctl, StatusOnAFreshDataDir) {
    const auto dir = freshDir("Kioskctl.StatusFresh");
    const std::string data = "--data " + (dir / "data").string();
    const Out o = run(data + " status --json");
    ASSERT_EQ(o.code, 0) << o.text;
    const auto j = nlohmann::json::parse(o.text);
    EXPECT_EQ(j["provisioned"], false);
    EXPECT_FALSE(j["device_id"].get<std::string>().empty()) << "an id from the machine even before enrolment";
    EXPECT_NE(j["device_id_source"], "hub");
    EXPECT_TRUE(j["site"].is_null());
    EXPECT_EQ(j["app_version"], "0.1.0");
    EXPECT_TRUE(j["outbox"].is_null());
    EXPECT_TRUE(j["last_sync"].is_null());
    EXPECT_TRUE(j["certificate"].is_null());
    EXPECT_EQ(j["content"]["version"], 0);
    EXPECT_EQ(j["pin_set"], false);
    EXPECT_EQ(j["maintenance_locked"], false);
    EXPECT_GT(j["disk_free_mb"].get<std::int64_t>(), 0) << "measured on the folder's nearest existing parent";
    EXPECT_GT(j["uptime_s"].get<std::int64_t>(), 0);
    EXPECT_EQ(j["printer"], "see kioskctl printer status");
    EXPECT_FALSE(fs::exists(dir / "data")) << "status changes nothing";
    const Out text = run(data + " status");
    ASSERT_EQ(text.code, 0) << text.text;
    EXPECT_NE(text.text.find("not provisioned"), std::string::npos) << text.text;
    EXPECT_NE(text.text.find("NOT SET"), std::string::npos) << text.text;
}

TEST(Kioskctl, StatusAfterProvisioningLikeSetup) {
    const auto dir = freshDir("Kioskctl.StatusSetUp");
    const fs::path data = dir / "data";
    const std::string dataArg = "--data " + data.string();
    fs::create_directories(data);
    const std::int64_t now = unixNow();
    // What `kioskctl provision --file` leaves: hub.json, the key and a certificate valid 90 days.
    std::ofstream(data / "hub.json") << nlohmann::json{{"hub_url", "https://hub.example:8443"}, {"pins", {"sha256//x"}},
                                                       {"ca", ""}, {"content_public_key", ""},
                                                       {"site", "青浦区行政服务中心"}, {"device_id", "KS0042"}}
                                            .dump();
    auto key = kiosk::crypto::generateEcKey();
    ASSERT_TRUE(key.has_value());
    auto cert = kiosk::crypto::makeCaCert(*key, "KS0042", {now - 3600, now + 90 * 86'400 + 600});
    ASSERT_TRUE(cert.has_value());
    std::ofstream(data / "device-tls.key") << *key;
    std::ofstream(data / "device.crt") << *cert;
    // Two queued submissions, a sync two minutes ago, installed content version 3.
    const Out ex = run(dataArg + " outbox import --example");
    ASSERT_EQ(ex.code, 0) << ex.text;
    std::ofstream(dir / "two.jsonl") << ex.text;
    ASSERT_EQ(run(dataArg + " outbox import " + (dir / "two.jsonl").string()).code, 0);
    std::ofstream(data / "last-sync.json") << nlohmann::json{{"last_sync", now - 120}}.dump();
    std::ofstream(data / "content.db") << "SQLite format 3";
    std::ofstream(data / "content.db.version.json")
        << R"({"format": "kiosk-installed-version/1", "version": 3, "sha256": "x", "size": 15, "installed_at": "2026-11-20T08:00:00Z"})";
    std::ofstream(dir / "site.toml") << "[content]\ndatabase = \"" << (data / "content.db").string() << "\"\n";
    ASSERT_EQ(runWithStdin("30571964\n", dataArg + " provision --pin-stdin --rotation 180", dir).code, 0);
    // Locked out at the screen until ten minutes from now.
    std::ofstream(data / "maintenance-lock.json")
        << nlohmann::json{{"format", "kiosk-maint-lock/1"}, {"failures", 0}, {"lockouts", 2}, {"locked_at_ms", now * 1000},
                          {"locked_until_ms", (now + 600) * 1000}}
               .dump();

    const Out o = run(dataArg + " status --json --config " + (dir / "site.toml").string());
    ASSERT_EQ(o.code, 0) << o.text;
    const auto j = nlohmann::json::parse(o.text);
    EXPECT_EQ(j["provisioned"], true);
    EXPECT_EQ(j["device_id"], "KS0042");
    EXPECT_EQ(j["device_id_source"], "hub");
    EXPECT_EQ(j["site"], "青浦区行政服务中心");
    EXPECT_EQ(j["content"]["version"], 3);
    EXPECT_EQ(j["content"]["date"], "2026-11-20T08:00:00Z");
    EXPECT_EQ(j["outbox"]["pending"], 2);
    EXPECT_EQ(j["outbox"]["acked"], 0);
    EXPECT_EQ(j["last_sync"], now - 120);
    EXPECT_GE(j["last_sync_age_s"].get<std::int64_t>(), 120);
    EXPECT_LT(j["last_sync_age_s"].get<std::int64_t>(), 180);
    EXPECT_EQ(j["certificate"]["days_left"], 90);
    EXPECT_EQ(j["pin_set"], true);
    EXPECT_EQ(j["maintenance_locked"], true);
    EXPECT_EQ(j["maintenance_locked_until_ms"], (now + 600) * 1000);
    EXPECT_EQ(j["rotation"], 180) << "DATA/device.toml applied over the site config";
    EXPECT_EQ(j["last_maintenance"]["action"], "pin_set");
    EXPECT_EQ(o.text.find("王小明"), std::string::npos) << "outbox as counts only";
    const Out text = run(dataArg + " status --config " + (dir / "site.toml").string());
    EXPECT_NE(text.text.find("KS0042 (site 青浦区行政服务中心"), std::string::npos) << text.text;
    EXPECT_NE(text.text.find("(90 days left)"), std::string::npos) << text.text;
    EXPECT_NE(text.text.find("LOCKED until"), std::string::npos) << text.text;
    EXPECT_NE(text.text.find("pending 2"), std::string::npos) << text.text;
}

TEST(Kioskctl, LogsPrintsTheNewestLinesAcrossRotatedFiles) {
    const auto dir = freshDir("Kioskctl.Logs");
    const std::string data = "--data " + dir.string();
    const Out none = run(data + " logs");
    EXPECT_EQ(none.code, 1);
    EXPECT_NE(none.text.find("logs/kiosk.log"), std::string::npos) << none.text;
    fs::create_directories(dir / "logs");
    auto line = [](int i) { return "2026-11-21 09:30:0" + std::to_string(i) + ".000 info [sync] line " + std::to_string(i); };
    {
        std::ofstream older(dir / "logs/kiosk.1.log");
        for (int i = 1; i <= 5; ++i) older << line(i) << "\n";
        std::ofstream newest(dir / "logs/kiosk.log");
        for (int i = 6; i <= 8; ++i) newest << line(i) << "\n";
    }
    const Out o = run(data + " logs -n 5");
    ASSERT_EQ(o.code, 0) << o.text;
    EXPECT_EQ(o.text, line(4) + "\n" + line(5) + "\n" + line(6) + "\n" + line(7) + "\n" + line(8) + "\n");
    const Out j = run(data + " logs -n 2 --json");
    ASSERT_EQ(j.code, 0) << j.text;
    std::istringstream lines(j.text);
    std::string first;
    std::getline(lines, first);
    const auto f = nlohmann::json::parse(first);
    EXPECT_EQ(f["time"], "2026-11-21 09:30:07.000");
    EXPECT_EQ(f["level"], "info");
    EXPECT_EQ(f["channel"], "sync");
    EXPECT_EQ(f["message"], "line 7");
    EXPECT_EQ(run(data + " logs -n 0").code, 2);
}

TEST(Kioskctl, ProvisionTakesThePinFromStdinOnly) {
    const auto dir = freshDir("Kioskctl.Pin");
    const fs::path data = dir / "data";
    const std::string dataArg = "--data " + data.string();
    // Weak PINs: refused with the rule, exit 2, nothing stored, the PIN not echoed.
    for (const std::string weak : {"456789", "5555555", "12345"}) {
        const Out o = runWithStdin(weak + "\n", dataArg + " provision --pin-stdin", dir);
        EXPECT_EQ(o.code, 2) << o.text;
        EXPECT_NE(o.text.find("PIN refused"), std::string::npos) << o.text;
        EXPECT_EQ(o.text.find(weak), std::string::npos) << "no PIN in the output: " << o.text;
        EXPECT_FALSE(fs::exists(data / "maintenance-pin.json"));
    }
    EXPECT_NE(runWithStdin("456789\n", dataArg + " provision --pin-stdin", dir).text.find("straight run"), std::string::npos);
    EXPECT_NE(runWithStdin("5555555\n", dataArg + " provision --pin-stdin", dir).text.find("one digit repeated"),
              std::string::npos);
    EXPECT_EQ(runWithStdin("", dataArg + " provision --pin-stdin", dir).code, 2) << "no PIN at all";
    // A good PIN is stored as a hash (0600), and never shown.
    const Out ok = runWithStdin("30571964\n", dataArg + " provision --pin-stdin", dir);
    ASSERT_EQ(ok.code, 0) << ok.text;
    EXPECT_NE(ok.text.find("maintenance PIN set"), std::string::npos) << ok.text;
    EXPECT_EQ(ok.text.find("30571964"), std::string::npos) << ok.text;
    struct stat st {};
    ASSERT_EQ(::stat((data / "maintenance-pin.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const std::string stored = slurp(data / "maintenance-pin.json") + slurp(data / "maintenance-log.jsonl");
    EXPECT_EQ(stored.find("30571964"), std::string::npos);
    EXPECT_NE(stored.find("pin_set"), std::string::npos) << "the change is in the maintenance log";
    EXPECT_EQ(nlohmann::json::parse(run(dataArg + " status --json").text)["pin_set"], true);
    // There is no way to give it as an argument.
    EXPECT_NE(run(dataArg + " provision --pin 30571964").code, 0);
    EXPECT_NE(run(dataArg + " provision --pin-stdin 30571964 < /dev/null").code, 0);
}

TEST(Kioskctl, ProvisionWritesDeviceSettingsAndRefusesABadRotation) {
    const auto dir = freshDir("Kioskctl.Settings");
    const fs::path data = dir / "data";
    const std::string dataArg = "--data " + data.string();
    EXPECT_EQ(run(dataArg + " provision").code, 2) << "nothing to do";
    const Out o = run(dataArg + " provision --rotation 90 --printer escpos --printer-device tcp:10.0.0.9:9100 "
                                "--printer-text-mode raster");
    ASSERT_EQ(o.code, 0) << o.text;
    EXPECT_NE(o.text.find("[1/1] saving device settings"), std::string::npos) << "plain step lines when not on a terminal";
    const std::string toml = slurp(data / "device.toml");
    EXPECT_NE(toml.find("rotation = 90"), std::string::npos) << toml;
    EXPECT_NE(toml.find("escpos"), std::string::npos) << toml;
    EXPECT_NE(toml.find("tcp:10.0.0.9:9100"), std::string::npos) << toml;
    EXPECT_NE(toml.find("raster"), std::string::npos) << toml;
    // Merged, not replaced: a later rotation keeps the printer.
    ASSERT_EQ(run(dataArg + " provision --rotation 270").code, 0);
    const std::string after = slurp(data / "device.toml");
    EXPECT_NE(after.find("rotation = 270"), std::string::npos) << after;
    EXPECT_NE(after.find("escpos"), std::string::npos) << after;
    // Refused before anything is written.
    for (const std::string bad : {"--rotation 45", "--rotation ninety", "--printer laser", "--printer-text-mode utf8"}) {
        const Out r = run(dataArg + " provision " + bad);
        EXPECT_EQ(r.code, 2) << bad << ": " << r.text;
        EXPECT_EQ(slurp(data / "device.toml"), after) << bad;
    }
    EXPECT_NE(run(dataArg + " provision --rotation 45").text.find("0, 90, 180 or 270"), std::string::npos);
    // config check applies it the way the kiosk does.
    std::ofstream(dir / "site.toml") << "[site]\nname = \"x\"\n";
    const Out check = run(dataArg + " config check " + (dir / "site.toml").string());
    EXPECT_EQ(check.code, 0) << check.text;
    EXPECT_NE(check.text.find("rotation 270, printer escpos"), std::string::npos) << check.text;
    std::ofstream(data / "device.toml") << "[display]\nrotation = 45\n";
    const Out broken = run(dataArg + " config check " + (dir / "site.toml").string());
    EXPECT_EQ(broken.code, 2) << broken.text;
    EXPECT_NE(broken.text.find("device.toml"), std::string::npos) << broken.text;
    EXPECT_EQ(run(dataArg + " provision --rotation 90").code, 2) << "a broken device.toml is named, not overwritten";
}
