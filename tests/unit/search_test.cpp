// Content search on a real database built from the demo content: every
// query length, Simplified↔Traditional, width and punctuation variants,
// hostile FTS syntax, ranking (titles first, expired last), pinyin initials.
// Also the browsing queries, the 好差评 reason set, and schema migration.
#include "content/authoring.h"
#include "contentbuild/content_writer.h"
#include "store/content_store.h"
#include "store/schema.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>
#include <set>

namespace fs = std::filesystem;
using namespace kiosk;

namespace {

// Demo content plus two documents written here: one in Traditional script,
// one expired, both mentioning 社保 so ranking can be checked.
content::Content testContent() {
    auto read = content::readAuthoringFiles({KIOSK_SOURCE_DIR "/assets/content/services.json",
                                             KIOSK_SOURCE_DIR "/assets/content/policies.json"});
    EXPECT_TRUE(read.has_value()) << (read ? "" : read.error().message);
    content::Content c = read ? read->content : content::Content{};
    content::PolicyDocument trad;
    trad.id = "doc.trad";
    trad.title = "關於進一步優化營商環境的實施意見";
    trad.issuers = {"某區人民政府"};
    trad.validity = "有效";
    trad.level = "区";
    trad.district = "测试区";
    trad.published = "2025-03-01";
    trad.measures = {{"一、", "優化社保登記", "企業辦理社會保險登記實行一網通辦，減少申請材料。", {"區人社局"}, {}}};
    c.documents.push_back(trad);
    content::PolicyDocument old;
    old.id = "doc.old";
    old.title = "社保补贴暂行办法";
    old.issuers = {"测试区人民政府"};
    old.validity = "已失效";
    old.expiry = "2020-12-31";
    old.level = "区";
    old.district = "测试区";
    old.published = "2018-01-01";
    old.measures = {{"一、", "社保补贴", "对吸纳就业的企业给予社保补贴。", {}, {}}};
    c.documents.push_back(old);
    return c;
}

class Search : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        // ctest runs each test as its own process, in parallel: one file each.
        s_path = (fs::temp_directory_path() / ("kiosk_search_test-" + std::to_string(getpid()) + ".db")).string();
        contentbuild::BuildOptions o;
        o.version = "test";
        o.created = "2026-01-15T00:00:00Z";
        o.today = "2026-01-15";
        auto stats = contentbuild::writeContentDb(testContent(), s_path, o);
        ASSERT_TRUE(stats.has_value()) << stats.error().message;
    }
    static void TearDownTestSuite() {
        if (!std::getenv("KIOSK_KEEP_TEST_DB")) fs::remove(s_path);
    }

    std::vector<content::SearchHit> find(std::string_view q, int limit = 20) {
        auto store = store::ContentStore::open(s_path);
        EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
        if (!store) return {};
        auto hits = store->search(q, limit, "2026-01-15");
        EXPECT_TRUE(hits.has_value()) << (hits ? "" : hits.error().message);
        return hits ? *hits : std::vector<content::SearchHit>{};
    }
    static bool has(const std::vector<content::SearchHit>& hits, std::string_view id) {
        return std::any_of(hits.begin(), hits.end(), [&](const auto& h) { return h.id == id; });
    }
    static std::string plain(const std::string& s) { return content::renderMarks(s, "", ""); }

    static inline std::string s_path;
};

}  // namespace

TEST_F(Search, OneCharacterQueriesFindServices) {
    const auto hits = find("税");
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits.front().kind, "service");
    EXPECT_NE(plain(hits.front().title).find("税"), std::string::npos) << plain(hits.front().title);
    EXPECT_NE(hits.front().title.find(content::kMarkOpen), std::string::npos) << "the hit is highlighted";
}

TEST_F(Search, TwoCharacterQueriesAreCorrect) {
    // The FTS5 trigram trap: a 2-character query must still find every kind.
    const auto hits = find("印章");
    ASSERT_FALSE(hits.empty());
    EXPECT_NE(plain(hits.front().title).find("印章"), std::string::npos);
    const auto social = find("社保");
    EXPECT_TRUE(has(social, "doc.old#一、") || has(social, "doc.old")) << "expired documents stay searchable";
}

TEST_F(Search, ThreeAndMoreCharacters) {
    EXPECT_FALSE(find("营业执照").empty());
    const auto hits = find("公司设立登记");
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits.front().kind, "service");
    EXPECT_TRUE(hits.front().titleHit);
}

TEST_F(Search, SimplifiedFindsTraditionalAndBack) {
    const auto simp = find("优化社保登记");
    EXPECT_TRUE(has(simp, "doc.trad#一、")) << "Simplified query, Traditional text";
    const auto trad = find("營業執照");
    EXPECT_FALSE(trad.empty()) << "Traditional query, Simplified text";
    const auto two = find("區人社局");
    EXPECT_TRUE(has(two, "doc.trad#一、"));
    // The snippet shows the original (Traditional) text with the hit marked.
    for (const auto& h : simp)
        if (h.id == "doc.trad#一、") {
            EXPECT_NE(h.title.find("優化社保登記"), std::string::npos) << h.title;
        }
}

TEST_F(Search, WidthCaseAndPunctuationVariantsMatch) {
    const auto a = find("营业执照");
    const auto b = find("营业，执照");
    const auto c = find(" 营 业 执 照 ");
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a.size(), b.size());
    EXPECT_EQ(a.size(), c.size());
    EXPECT_EQ(find("ＩＣＰ").size(), find("icp").size());
}

TEST_F(Search, HostileSyntaxIsJustText) {
    for (const char* q : {"\"", "\"\"\"", "*", "社保*", "NEAR(社保 补贴)", "社保 AND 补贴", "社保 OR", "(((", "title:社保",
                          "-社保", "^社保", "'; DROP TABLE service; --", "{title}: 社保", "\\", "\x01\x02"}) {
        auto store = store::ContentStore::open(s_path);
        ASSERT_TRUE(store.has_value());
        auto hits = store->search(q, 10, "2026-01-15");
        EXPECT_TRUE(hits.has_value()) << q << ": " << (hits ? "" : hits.error().message);
    }
    // Operators are matched as text: "社保 AND 补贴" means the characters 社保and补贴, found nowhere.
    EXPECT_TRUE(find("社保 AND 补贴").empty());
    EXPECT_EQ(find("社保*").size(), find("社保").size());
    EXPECT_EQ(find("NEAR(社保)").size(), find("near社保").size());
}

TEST_F(Search, TitleHitsComeFirstAndExpiredLast) {
    const auto hits = find("社保", 50);
    ASSERT_GE(hits.size(), 3u);
    bool seenBody = false, seenExpired = false;
    for (const auto& h : hits) {
        if (h.expired) seenExpired = true;
        else EXPECT_FALSE(seenExpired) << "an in-force hit after an expired one: " << h.id;
        if (!h.expired) {
            if (!h.titleHit) seenBody = true;
            else EXPECT_FALSE(seenBody) << "a title hit after a body hit: " << h.id;
        }
    }
    EXPECT_TRUE(seenExpired);
    for (std::size_t i = 1; i < hits.size(); ++i) EXPECT_GT(hits[i - 1].score, hits[i].score);
}

TEST_F(Search, PinyinInitialsFindServiceNames) {
    // 有限责任公司设立登记 = yxzrgs sldj; 分公司设立登记 = fgs sldj.
    const auto hits = find("gssldj");
    ASSERT_GE(hits.size(), 2u);
    EXPECT_TRUE(hits[0].pinyinHit && hits[1].pinyinHit);
    EXPECT_NE(plain(hits[0].title).find("公司设立登记"), std::string::npos) << plain(hits[0].title);
    const auto prefix = find("yxzr");
    ASSERT_FALSE(prefix.empty());
    EXPECT_EQ(plain(prefix[0].title), "有限责任公司设立登记") << "names starting with the initials come first";
    EXPECT_TRUE(find("zzzzqx").empty());
    // 公积金 is gong ji jin: the canonical reading of 积 (from 積), not the variant zhi.
    const auto gjj = find("zfgjj");
    ASSERT_FALSE(gjj.empty());
    EXPECT_NE(plain(gjj[0].title).find("住房公积金"), std::string::npos) << plain(gjj[0].title);
}

TEST_F(Search, EmptyAndPunctuationOnlyQueriesReturnNothing) {
    EXPECT_TRUE(find("").empty());
    EXPECT_TRUE(find("，。！？").empty());
}

// --- browsing queries the screens use --------------------------------------------
TEST_F(Search, ThemesCoverEveryLifeCycleStage) {
    auto store = store::ContentStore::open(s_path);
    ASSERT_TRUE(store.has_value());
    auto themes = store->themes();
    ASSERT_TRUE(themes.has_value());
    ASSERT_EQ(themes->size(), 12u);
    for (const auto& t : *themes) EXPECT_GE(t.services, 3) << t.theme;
    auto list = store->servicesByTheme("企业开办");
    ASSERT_TRUE(list.has_value());
    EXPECT_EQ(int(list->services.size()), (*themes)[0].services);
}

TEST_F(Search, ServiceDetailHasDepartmentPlacesAndMaterials) {
    auto store = store::ContentStore::open(s_path);
    ASSERT_TRUE(store.has_value());
    auto list = store->servicesByTheme("企业开办");
    ASSERT_TRUE(list && !list->services.empty());
    auto v = store->service(list->services[0].id);
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_FALSE(v->departmentName.empty());
    EXPECT_NE(v->departmentName.rfind("dept.", 0), 0u) << "a name, not an id";
    EXPECT_FALSE(v->service.materials.empty());
    EXPECT_FALSE(v->places.empty());
    EXPECT_FALSE(v->places[0].windows.empty());
    EXPECT_LE(v->service.promised.value, v->service.statutory.value);
    EXPECT_FALSE(store->service("svc.none").has_value());
}

TEST_F(Search, BundleMergesMaterialsByName) {
    auto store = store::ContentStore::open(s_path);
    ASSERT_TRUE(store.has_value());
    auto ids = store->bundles();
    ASSERT_TRUE(ids.has_value());
    ASSERT_EQ(ids->size(), 5u);
    for (const auto& [id, name, nameEn] : *ids) {
        auto b = store->bundle(id);
        ASSERT_TRUE(b.has_value()) << id;
        std::size_t memberMaterials = 0;
        std::set<std::string> names;
        for (const auto& m : b->members) {
            auto s = store->service(m.id);
            ASSERT_TRUE(s.has_value());
            memberMaterials += s->service.materials.size();
            for (const auto& mat : s->service.materials) names.insert(mat.name);
        }
        EXPECT_EQ(b->materials.size(), names.size()) << id << ": each name once";
        EXPECT_LT(b->materials.size(), memberMaterials) << id << ": shared materials are merged";
        EXPECT_FALSE(b->departments.empty());
    }
}

TEST_F(Search, PoliciesFilterAndPutExpiredLast) {
    auto store = store::ContentStore::open(s_path);
    ASSERT_TRUE(store.has_value());
    auto all = store->documents({}, "2026-01-15");
    ASSERT_TRUE(all.has_value());
    ASSERT_GE(all->size(), 6u);
    bool seenExpired = false;
    for (const auto& d : *all) {
        if (d.expired) seenExpired = true;
        else EXPECT_FALSE(seenExpired) << d.id;
    }
    EXPECT_TRUE(seenExpired);
    content::PolicyFilter f;
    f.inForceOnly = true;
    auto inForce = store->documents(f, "2026-01-15");
    ASSERT_TRUE(inForce.has_value());
    EXPECT_LT(inForce->size(), all->size());
    for (const auto& d : *inForce) EXPECT_FALSE(d.expired);
    f = {};
    f.district = "测试区";
    auto district = store->documents(f, "2026-01-15");
    ASSERT_TRUE(district.has_value());
    EXPECT_EQ(district->size(), 2u);
    auto doc = store->document("doc.trad", "2026-01-15");
    ASSERT_TRUE(doc.has_value());
    ASSERT_EQ(doc->measures.size(), 1u);
    EXPECT_EQ(doc->measures[0].units, std::vector<std::string>{"區人社局"});
    auto guides = store->guides("2026-01-15");
    ASSERT_TRUE(guides.has_value());
    EXPECT_GE(guides->size(), 12u);
    EXPECT_TRUE(std::any_of(guides->begin(), guides->end(), [](const auto& g) { return g.expired; }));
}

// --- 好差评 reason options ----------------------------------------------------------
namespace {

void expectSameReasons(const content::RatingReasonSet& got, const content::RatingReasonSet& want) {
    EXPECT_EQ(got.version, want.version);
    for (int level = 0; level < records::kRatingLevels; ++level) {
        ASSERT_EQ(got.levels[level].size(), want.levels[level].size()) << records::kRatingLevelList[std::size_t(level)].code;
        for (std::size_t i = 0; i < want.levels[level].size(); ++i) {
            const auto& g = got.levels[level][i];
            const auto& w = want.levels[level][i];
            EXPECT_EQ(g.code, w.code) << records::kRatingLevelList[std::size_t(level)].code << "[" << i << "]";
            EXPECT_EQ(g.text, w.text) << w.code;
            EXPECT_EQ(g.textEn, w.textEn) << w.code;
        }
    }
}

std::string tempDb(const char* name) {
    return (fs::temp_directory_path() / (std::string(name) + "-" + std::to_string(getpid()) + ".db")).string();
}

}  // namespace

TEST_F(Search, DemoRatingReasonsComeBackAsImported) {
    auto read = content::readAuthoringFiles({KIOSK_SOURCE_DIR "/assets/content/services.json"});
    ASSERT_TRUE(read.has_value()) << read.error().message;
    ASSERT_FALSE(read->content.ratingReasons.version.empty());
    auto store = store::ContentStore::open(s_path);
    ASSERT_TRUE(store.has_value());
    auto set = store->ratingReasons();
    ASSERT_TRUE(set.has_value()) << set.error().message;
    expectSameReasons(*set, read->content.ratingReasons);
}

// Order within a level is the editors' order, not the codes' order; an
// empty text_en stays empty; a content without a set reads back as none.
TEST(ContentDb, RatingReasonsKeepTheirOrder) {
    content::Content c;
    c.ratingReasons.version = "2026.2";
    c.ratingReasons.levels[0] = {{"Z9", "一次办成", "Done in one visit"}, {"A1", "材料精简", ""}};
    c.ratingReasons.levels[1] = {{"M5", "办事顺利", "Went smoothly"}};
    c.ratingReasons.levels[2] = {{"B2", "等候时间稍长", ""}};
    c.ratingReasons.levels[3] = {{"Y3", "等候时间过长", ""}, {"C7", "多次跑腿", ""}, {"C6", "材料重复提交", ""}};
    c.ratingReasons.levels[4] = {{"D1", "推诿扯皮", "Passed from desk to desk"}};
    contentbuild::BuildOptions o;
    o.version = "test";
    o.created = "2026-01-15T00:00:00Z";
    o.today = "2026-01-15";
    const std::string path = tempDb("kiosk_reasons_test");
    auto stats = contentbuild::writeContentDb(c, path, o);
    ASSERT_TRUE(stats.has_value()) << stats.error().message;
    EXPECT_EQ(stats->ratingReasons, 8);
    {
        auto store = store::ContentStore::open(path);
        ASSERT_TRUE(store.has_value()) << store.error().message;
        auto set = store->ratingReasons();
        ASSERT_TRUE(set.has_value()) << set.error().message;
        expectSameReasons(*set, c.ratingReasons);
    }
    ASSERT_TRUE(contentbuild::writeContentDb(content::Content{}, path, o).has_value());
    {
        auto store = store::ContentStore::open(path);
        ASSERT_TRUE(store.has_value()) << store.error().message;
        auto set = store->ratingReasons();
        ASSERT_TRUE(set.has_value()) << set.error().message;
        expectSameReasons(*set, content::RatingReasonSet{});
    }
    fs::remove(path);
}

// A database written before reason sets existed (schema 1) is migrated when
// opened and has no reason set; everything else still reads.
TEST(ContentDb, SchemaOneDatabaseMigratesOnOpen) {
    const std::string path = tempDb("kiosk_schema1_test");
    fs::remove(path);
    {
        auto db = sql::Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        ASSERT_TRUE(db.has_value()) << db.error().message;
        ASSERT_TRUE(store::attachSearch(*db).has_value());  // the search tables need the tokenizer
        auto migrated = store::migrate(*db, 1);
        ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
        EXPECT_EQ(store::schemaVersion(*db).value_or(-1), 1);
        EXPECT_EQ(db->scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'rating_reason'").value_or(-1), 0);
        ASSERT_TRUE(db->exec("INSERT INTO meta VALUES('version', 'v1-content');"
                             "INSERT INTO department VALUES('dept.a', '甲局', '', '', '', '')")
                        .has_value());
    }
    auto store = store::ContentStore::open(path);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    auto info = store->info();
    ASSERT_TRUE(info.has_value()) << info.error().message;
    EXPECT_EQ(info->schema, store::kContentSchemaVersion);
    EXPECT_EQ(info->version, "v1-content");
    auto set = store->ratingReasons();
    ASSERT_TRUE(set.has_value()) << set.error().message;
    expectSameReasons(*set, content::RatingReasonSet{});
    auto departments = store->departments();
    ASSERT_TRUE(departments.has_value()) << departments.error().message;
    ASSERT_EQ(departments->size(), 1u);
    EXPECT_EQ((*departments)[0].name, "甲局");
    fs::remove(path);
}
