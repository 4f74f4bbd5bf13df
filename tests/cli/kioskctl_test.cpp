// kioskctl as an editor or technician uses it: real processes, real files.
// A failed import must leave the previous database exactly as it was.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <set>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

struct Out {
    int code = -1;
    std::string text;  // stdout and stderr together
};

Out run(const std::string& args) {
    const std::string cmd = std::string(KIOSKCTL_BIN) + " " + args + " 2>&1";
    Out o;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return o;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) o.text.append(buf.data(), n);
    const int status = pclose(p);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return o;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path freshDir(const std::string& name) {
    const fs::path d = fs::path(KIOSK_TEST_OUT) / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

const std::string kAssets = KIOSK_SOURCE_DIR "/assets/content/";

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
