// The content import as the hub's web console calls it (importFiles, no
// kioskctl process): a real policy document from the corpus yields a preview
// an editor can check — title, metadata, the nested measure tree with
// responsible units, warnings — and bad input is refused naming the file and
// line, leaving the previous database as it was.
#include "harness/temp_dir.h"
#include "contentbuild/importer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace kiosk;
using nlohmann::json;

namespace {

const std::string kContent = KIOSK_SOURCE_DIR "/assets/content/";
const std::string kQingpu = kContent + "documents/qingpu-2025-work-points.txt";

// A fresh directory of its own under the system's temp dir.
fs::path freshDir(const std::string& name) {
    return harness::freshTempDir(name);
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The node reached by following measure numbers from the top of a preview tree.
const json* findMeasure(const json& tree, const std::vector<std::string>& numbers) {
    const json* level = &tree;
    const json* found = nullptr;
    for (const auto& number : numbers) {
        found = nullptr;
        for (const auto& m : *level)
            if (m.at("number") == number) found = &m;
        if (found == nullptr) return nullptr;
        level = &found->at("children");
    }
    return found;
}

// Deepest level of the tree below `tree` (1 = only top-level measures).
int depth(const json& tree) {
    int d = 0;
    for (const auto& m : tree) d = std::max(d, 1 + depth(m.at("children")));
    return d;
}

bool anyWarning(const json& warnings, const std::string& kind, const std::string& text) {
    for (const auto& w : warnings)
        if (w.at("kind") == kind && w.at("message").get<std::string>().find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(Importer, PolicyDocumentPreviewHoldsMetadataAndMeasureTree) {
    const auto dir = freshDir("kiosk_importer_doc");
    const std::string db = (dir / "draft.db").string();
    contentbuild::ImportOptions o;
    o.topic = "营商环境";
    o.version = "test-1";
    o.asOf = "2025-06-01";
    auto r = contentbuild::importFiles({kQingpu}, db, o);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_TRUE(fs::exists(db));

    // The summary is kioskctl's --json.
    EXPECT_EQ(r->summary.at("version"), "test-1");
    EXPECT_EQ(r->summary.at("documents"), 1);
    EXPECT_EQ(r->summary.at("measures"), 73);
    ASSERT_EQ(r->summary.at("imported_documents").size(), 1u);
    EXPECT_EQ(r->summary["imported_documents"][0].at("measures_with_units"), 59);

    const json& p = r->preview;
    ASSERT_EQ(p.at("documents").size(), 1u);
    const json& doc = p["documents"][0];
    EXPECT_EQ(doc.at("id"), "doc.qingpu-2025-work-points");
    EXPECT_EQ(doc.at("title"), "青浦区2025年优化营商环境工作要点");
    EXPECT_EQ(doc.at("doc_number"), "青委办〔2025〕5号");
    EXPECT_EQ(doc.at("issuers"), (json{"中共青浦区委办公室", "青浦区人民政府办公室"}));
    EXPECT_EQ(doc.at("published"), "2025-02-14");
    EXPECT_EQ(doc.at("written"), "2025-02-14");
    EXPECT_EQ(doc.at("effective"), "");
    EXPECT_EQ(doc.at("expiry"), "");
    EXPECT_EQ(doc.at("district"), "青浦区") << "read from the title when no district is given";
    EXPECT_EQ(doc.at("level"), "区");
    EXPECT_EQ(doc.at("topic"), "营商环境");
    EXPECT_EQ(doc.at("measure_count"), 73);
    EXPECT_EQ(doc.at("measures_with_units"), 59);

    // The tree nests four levels deep, as the document numbers it.
    const json& tree = doc.at("measures");
    ASSERT_EQ(tree.size(), 3u);
    EXPECT_EQ(depth(tree), 4);
    const json* first = findMeasure(tree, {"二、", "（一）", "1.", "（1）"});
    ASSERT_NE(first, nullptr) << tree.dump(1).substr(0, 2000);
    EXPECT_EQ(first->at("path"), "二、/（一）/1./（1）");
    EXPECT_EQ(first->at("heading"), "高效办成一件事");
    EXPECT_TRUE(first->at("text").get<std::string>().starts_with("落实好国家、市“高效办成一件事”"));
    EXPECT_EQ(first->at("units"), (json{"区政务办", "各相关部门"}));
    EXPECT_EQ(first->at("line"), 21);
    EXPECT_TRUE(first->at("children").empty());

    // No authoring files: empty lists, counts of what was imported.
    EXPECT_TRUE(p.at("services").empty());
    EXPECT_TRUE(p.at("policies").empty());
    EXPECT_EQ(p.at("counts").at("documents"), 1);
    EXPECT_EQ(p.at("counts").at("measures"), 73);
    EXPECT_TRUE(p.at("warnings").is_array());
    fs::remove_all(dir);
}

// The demo content with a .txt document: services carry their department's
// name, policies from the JSON are listed apart from the imported document,
// and the document without any responsible unit is flagged.
TEST(Importer, AuthoringPreviewListsServicesAndWarnings) {
    const auto dir = freshDir("kiosk_importer_authoring");
    contentbuild::ImportOptions o;
    o.version = "test-2";
    auto r = contentbuild::importFiles({kContent + "services.json", kContent + "policies.json",
                                        kContent + "documents/jinshan-2023-action-plan.txt"},
                                       (dir / "draft.db").string(), o);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    const json& p = r->preview;
    ASSERT_FALSE(p.at("services").empty());
    EXPECT_EQ(p.at("counts").at("services"), p.at("services").size());
    EXPECT_EQ(p.at("counts").at("services"), r->summary.at("services"));
    EXPECT_EQ(p.at("counts").at("guides"), r->summary.at("guides"));
    EXPECT_EQ(p.at("counts").at("measures"), r->summary.at("measures"));
    for (const auto& s : p["services"]) {
        EXPECT_FALSE(s.at("id").get<std::string>().empty());
        EXPECT_FALSE(s.at("name").get<std::string>().empty()) << s.dump();
        EXPECT_FALSE(s.at("department_name").get<std::string>().empty()) << s.dump();
    }
    EXPECT_EQ(p.at("policies").size(), 4u);
    ASSERT_EQ(p.at("documents").size(), 1u);
    EXPECT_EQ(p["documents"][0].at("id"), "doc.jinshan-2023-action-plan");
    EXPECT_EQ(p.at("counts").at("documents"), 5);
    EXPECT_EQ(p.at("rating_reasons").at("version"), "2026.1");
    EXPECT_TRUE(anyWarning(p.at("warnings"), "units", "no measure names a responsible unit")) << p["warnings"].dump(1);
    fs::remove_all(dir);
}

TEST(Importer, BadAuthoringFileIsRefusedNamingFileAndLine) {
    const auto dir = freshDir("kiosk_importer_bad");
    const std::string db = (dir / "content.db").string();
    contentbuild::ImportOptions o;
    ASSERT_TRUE(contentbuild::importFiles({kContent + "services.json"}, db, o).has_value());
    const std::string before = slurp(db);

    const fs::path bad = dir / "bad.json";
    std::ofstream(bad) << "{\n  \"format\": \"kiosk-content/1\",\n  \"bundles\": [\n"
                          "    {\"id\": \"bundle.x\", \"name\": \"坏\", \"services\": [\"svc.nope\"],\n"
                          "     \"promised\": {\"value\": 1, \"unit\": \"working_days\"}}\n  ]\n}\n";
    auto r = contentbuild::importFiles({kContent + "services.json", bad.string(), kQingpu}, db, o);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find(bad.string() + ":4:"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("'svc.nope' is not a known service id"), std::string::npos) << r.error().message;
    EXPECT_EQ(slurp(db), before) << "a refused import must leave the database as it was";
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << "left behind: " << e.path();

    // Other refusals name the file too, before anything is written.
    const fs::path odd = dir / "notes.xml";
    std::ofstream(odd) << "<x/>\n";
    auto kind = contentbuild::prepareImport({odd.string()}, o);
    ASSERT_FALSE(kind.has_value());
    EXPECT_NE(kind.error().message.find("notes.xml: unknown kind of file"), std::string::npos) << kind.error().message;
    contentbuild::ImportOptions province = o;
    province.level = "省";
    auto level = contentbuild::prepareImport({kQingpu}, province);
    ASSERT_FALSE(level.has_value());
    EXPECT_NE(level.error().message.find("'省'"), std::string::npos) << level.error().message;
    EXPECT_FALSE(contentbuild::importFiles({}, db, o).has_value()) << "nothing to import must not blank the database";
    EXPECT_EQ(slurp(db), before);
    fs::remove_all(dir);
}
