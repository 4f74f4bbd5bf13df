// Ratings at the centre (hubdb/rating_queries.h), on every backend (SQLite
// and a real PostgreSQL, see backends.h): bad-rating follow-ups are refused
// for anything but a 差评 and for unknown actions; the list of bad ratings
// carries its follow-up state; and every figure of ratingStats — per service,
// department, kiosk and month, with date ranges — equals what was worked out
// by hand below, including zero denominators reported as n/a (nullopt).
// Ratings go in through HubStore::storeBatch exactly as kiosks upload them.
//
// One more case runs the real `kiosk-hub ratings …` binary (KIOSK_HUB_BIN)
// against a SQLite data dir: CSV header and a row, JSON keys, the follow-up
// command and its refusal, the masked contact.
#include "harness/temp_dir.h"
#include "hubdb/rating_queries.h"
#include "hubdb/case_queries.h"

#include "backends.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <unistd.h>

#ifndef KIOSK_HUB_BIN
#error "KIOSK_HUB_BIN must name the kiosk-hub binary"
#endif

using namespace kiosk;
using namespace kiosk::hubdb;
namespace fs = std::filesystem;

namespace {

// Arrival times (received_at, Unix seconds UTC).
constexpr std::int64_t kJan15 = 1'768'471'200;       // 2026-01-15 10:00:00Z
constexpr std::int64_t kJan31Late = 1'769'903'999;   // 2026-01-31 23:59:59Z (already 1 Feb in Beijing: still January)
constexpr std::int64_t kFeb1 = 1'769'904'000;        // 2026-02-01 00:00:00Z
constexpr std::int64_t kFeb2 = 1'770'019'200;        // 2026-02-02 08:00:00Z
constexpr std::int64_t kMar1 = 1'772'323'200;        // 2026-03-01 00:00:00Z

std::string uuidOf(int n) { return fmt::format("5a1e0000-0000-4000-8000-{:012}", n); }

const std::map<std::string, std::string> kLabels = {{"very_satisfied", "非常满意"}, {"satisfied", "满意"},
                                                    {"basic", "基本满意"},        {"dissatisfied", "不满意"},
                                                    {"very_dissatisfied", "非常不满意"}};

// A rating as kiosk/app/app.cpp saveRating() makes it (OUTBOX.md), plus
// department_id for service targets.
UploadRecord rating(int n, const std::string& targetKind, const std::string& targetId, const std::string& targetName,
                    const std::string& departmentId, const std::string& level, bool named, bool followUp = false) {
    UploadRecord r;
    r.uuid = uuidOf(n);
    r.seq = n;
    r.kind = "rating";
    r.createdMs = 1'768'400'000'000 + n;
    const bool bad = level == "dissatisfied" || level == "very_dissatisfied";
    r.publicData = {{"target_kind", targetKind},
                    {"target_id", targetId},
                    {"target_name", targetName},
                    {"instance", fmt::format("visit:run{}-1:{}:{}", n, targetKind, targetId)},
                    {"follow_up", followUp},
                    {"level", level},
                    {"level_label", kLabels.count(level) ? kLabels.at(level) : "?"},
                    {"reasons", bad ? nlohmann::json{"wait_long", "unclear_guide"} : nlohmann::json::array()},
                    {"reasons_version", "2026.1"},
                    {"anonymous", !named},
                    {"callback", named},
                    {"channel", "self-service terminal"},
                    {"language", "zh-CN"}};
    if (!departmentId.empty()) r.publicData["department_id"] = departmentId;
    if (targetKind == "case") r.publicData["case_no"] = targetId;
    r.personalData = named ? nlohmann::json{{"contact_name", "王小明"}, {"mobile", "13812345678"}} : nlohmann::json::object();
    return r;
}

UploadRecord caseRecord(int n) {
    UploadRecord r;
    r.uuid = uuidOf(n);
    r.seq = n;
    r.kind = "case";
    r.number = fmt::format("KS000120260115{:06}X", n);
    r.createdMs = 1'768'400'000'000 + n;
    r.publicData = {{"case_kind", "投诉"}, {"service_id", "svc-yyzz"}, {"reply", "phone"}, {"language", "zh-CN"}};
    r.personalData = {{"contact_name", "李四"}, {"mobile", "13900001111"}};
    return r;
}

Result<std::pair<std::string, std::int64_t>> fakeCert(const std::string& id) {
    return std::pair<std::string, std::int64_t>{"SERIAL-" + id, 2'000'000'000};
}

// The data set every expectation below is worked out from.
//
//   n   kiosk   arrives   target                              level       contact
//   1   KS0001  Jan 15    service svc-yyzz (dep-sc)           非常满意
//   2   KS0001  Jan 15    service svc-yyzz (dep-sc)           不满意       yes   → callback, rectified, feedback
//   3   KS0001  Jan 15    service svc-sbk  (dep-rs)           满意
//   4   KS0001  Jan 15    department dep-sc 市场监管局          基本满意
//   5   KS0001  Jan 15    window win-3                        非常不满意   no
//   6   KS0002  Jan 31Z   service svc-sbk  (dep-rs)           非常不满意   yes   → callback ×2, explained
//   7   KS0003  Jan 31Z   service svc-old  (no department_id) 满意        (KS0003 never enrolled: no site)
//   8   KS0001  Feb 1     service svc-yyzz (dep-sc)           非常不满意   no    → callback (not counted), rectified
//   9   KS0001  Feb 1     department dep-rs 人社局              不满意       yes   (nothing done yet)
//  10   KS0001  Feb 1     case KS0001…000020X                 满意
//  11   KS0001  Feb 1     service svc-yyzz (dep-sc) renamed   满意 (追加评价)
//  12   KS0002  Feb 2     service svc-sbk, level "excellent"  unreadable: left out of every figure
//  20   KS0001  Feb 1     a case record, not a rating
void loadDataSet(Database& db) {
    HubStore store(db);
    ASSERT_TRUE(store.addToken("tok-1", "青浦区行政服务中心", kJan15 - 100, kJan15 + 100).has_value());
    ASSERT_TRUE(store.addToken("tok-2", "朱家角镇社区事务受理中心", kJan15 - 100, kJan15 + 100).has_value());
    auto d1 = store.enroll("tok-1", kJan15 - 50, fakeCert);
    auto d2 = store.enroll("tok-2", kJan15 - 40, fakeCert);
    ASSERT_TRUE(d1 && d2);
    ASSERT_EQ(d1->device.id, "KS0001");
    ASSERT_EQ(d2->device.id, "KS0002");

    const std::vector<std::pair<std::string, std::pair<std::int64_t, std::vector<UploadRecord>>>> batches = {
        {"KS0001",
         {kJan15,
          {rating(1, "service", "svc-yyzz", "营业执照设立登记", "dep-sc", "very_satisfied", false),
           rating(2, "service", "svc-yyzz", "营业执照设立登记", "dep-sc", "dissatisfied", true),
           rating(3, "service", "svc-sbk", "社保卡申领", "dep-rs", "satisfied", false),
           rating(4, "department", "dep-sc", "市场监管局", "", "basic", false),
           rating(5, "window", "win-3", "3号窗口", "", "very_dissatisfied", false)}}},
        {"KS0002", {kJan31Late, {rating(6, "service", "svc-sbk", "社保卡申领", "dep-rs", "very_dissatisfied", true)}}},
        {"KS0003", {kJan31Late, {rating(7, "service", "svc-old", "老年优待证办理", "", "satisfied", false)}}},
        {"KS0001",
         {kFeb1,
          {rating(8, "service", "svc-yyzz", "营业执照设立登记", "dep-sc", "very_dissatisfied", false),
           rating(9, "department", "dep-rs", "人社局", "", "dissatisfied", true),
           rating(10, "case", "KS000120260115000020X", "投诉", "", "satisfied", false), caseRecord(20),
           rating(11, "service", "svc-yyzz", "营业执照设立登记（新）", "dep-sc", "satisfied", false, true)}}},
        {"KS0002", {kFeb2, {rating(12, "service", "svc-sbk", "社保卡申领", "dep-rs", "excellent", false)}}},
    };
    for (const auto& [device, batch] : batches) {
        auto answers = store.storeBatch(device, batch.second, batch.first);
        ASSERT_TRUE(answers.has_value()) << answers.error().message;
        for (const auto& a : *answers) ASSERT_EQ(a.code, 201) << a.uuid;
    }
}

// The follow-up steps of the data set, at increasing times.
void loadFollowUps(Database& db) {
    const std::vector<std::pair<int, std::string>> steps = {{2, "callback"},  {2, "rectified"}, {2, "feedback"},
                                                            {6, "callback"},  {6, "callback"},  {6, "explained"},
                                                            {8, "callback"},  {8, "rectified"}};
    std::int64_t at = kMar1;
    for (const auto& [n, action] : steps) {
        auto f = addRatingFollowUp(db, uuidOf(n), action, "called at 10:05", "张三", at++);
        ASSERT_TRUE(f.has_value()) << f.error().message;
        EXPECT_EQ(f->ratingUuid, uuidOf(n));
        EXPECT_EQ(f->action, action);
        EXPECT_GT(f->id, 0);
    }
}

struct Expected {
    std::string key, name;
    long total, good, bad, named, calledBack, rectified;
    std::optional<double> goodRate, callbackRate, rectifyRate;
};
constexpr std::nullopt_t na = std::nullopt;

void expectRate(std::optional<double> got, std::optional<double> want, const std::string& what) {
    if (!want) {
        EXPECT_FALSE(got.has_value()) << what << " should be n/a, got " << got.value_or(-1);
        return;
    }
    ASSERT_TRUE(got.has_value()) << what << " is n/a, want " << *want;
    EXPECT_NEAR(*got, *want, 1e-12) << what;
}

void expectFigures(const RatingFigures& f, const Expected& e) {
    const std::string at = e.key.empty() ? "(unplaced)" : e.key;
    EXPECT_EQ(f.total, e.total) << at << " total";
    EXPECT_EQ(f.good, e.good) << at << " good";
    EXPECT_EQ(f.bad, e.bad) << at << " bad";
    EXPECT_EQ(f.badNamed, e.named) << at << " bad with a contact";
    EXPECT_EQ(f.badCalledBack, e.calledBack) << at << " called back";
    EXPECT_EQ(f.badRectified, e.rectified) << at << " rectified";
    expectRate(f.goodRate(), e.goodRate, at + " 好评率");
    expectRate(f.callbackRate(), e.callbackRate, at + " 差评回访率");
    expectRate(f.rectifyRate(), e.rectifyRate, at + " 差评整改率");
}

void expectRows(const RatingStats& s, const std::vector<Expected>& want) {
    ASSERT_EQ(s.rows.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(s.rows[i].key, want[i].key) << "row " << i;
        EXPECT_EQ(s.rows[i].name, want[i].name) << "row " << i;
        expectFigures(s.rows[i].figures, want[i]);
    }
}

// All eleven readable ratings: good 1,3,4,7,10,11; bad 2,5,6,8,9; with a
// contact 2,6,9; called back 2,6 (8's call-back does not count: it left no
// contact); rectified 2,8.
const Expected kAll{"", "", 11, 6, 5, 3, 2, 2, 6.0 / 11, 2.0 / 3, 2.0 / 5};

}  // namespace

// A fresh database with the hub's schema on each backend (backends.h), two
// connections, holding the data set above.
class Rating : public hubtest::MigratedDatabase {
protected:
    Rating() : MigratedDatabase(2) {}
    void SetUp() override {
        MigratedDatabase::SetUp();
        if (HasFatalFailure() || IsSkipped()) return;
        ASSERT_NO_FATAL_FAILURE(loadDataSet(*db));
    }
    long followUpRows() {
        long n = -1;
        auto r = db->with([&](Connection& c) -> Result<void> {
            auto rows = c.query("SELECT count(*) FROM rating_follow_up");
            if (!rows) return std::unexpected(rows.error());
            n = long(asInt((*rows)[0][0]));
            return {};
        });
        EXPECT_TRUE(r.has_value()) << r.error().message;
        return n;
    }
    RatingStats stats(RatingGroup by, std::optional<std::int64_t> from = std::nullopt,
                      std::optional<std::int64_t> to = std::nullopt) {
        auto s = ratingStats(*db, by, from, to);
        EXPECT_TRUE(s.has_value()) << s.error().message;
        return s ? *s : RatingStats{};
    }
};

TEST_P(Rating, AFollowUpIsRefusedForAnythingButABadRatingAndForAnUnknownAction) {
    auto good = addRatingFollowUp(*db, uuidOf(1), "callback", "", "张三", kMar1);
    ASSERT_FALSE(good.has_value());
    EXPECT_EQ(good.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(good.error().message.find("非常满意 (very_satisfied), not a 差评"), std::string::npos) << good.error().message;

    auto caseRec = addRatingFollowUp(*db, uuidOf(20), "callback", "", "张三", kMar1);
    ASSERT_FALSE(caseRec.has_value());
    EXPECT_EQ(caseRec.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(caseRec.error().message.find("is a case record, not a rating"), std::string::npos) << caseRec.error().message;

    auto unknown = addRatingFollowUp(*db, uuidOf(99), "callback", "", "张三", kMar1);
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);
    EXPECT_NE(unknown.error().message.find(uuidOf(99)), std::string::npos) << unknown.error().message;

    auto unreadable = addRatingFollowUp(*db, uuidOf(12), "callback", "", "张三", kMar1);
    ASSERT_FALSE(unreadable.has_value());
    EXPECT_EQ(unreadable.error().code, ErrorCode::InvalidArgument);

    auto action = addRatingFollowUp(*db, uuidOf(2), "called", "", "张三", kMar1);
    ASSERT_FALSE(action.has_value());
    EXPECT_EQ(action.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(action.error().message.find("\"called\" is not a follow-up action"), std::string::npos)
        << action.error().message;
    for (auto code : kFollowUpActions)
        EXPECT_NE(action.error().message.find(std::string(code)), std::string::npos) << "lists " << code;

    EXPECT_EQ(followUpRows(), 0) << "a refused follow-up writes nothing";
    auto ok = addRatingFollowUp(*db, uuidOf(5), "explained", "", "张三", kMar1);
    EXPECT_TRUE(ok.has_value()) << ok.error().message;
    EXPECT_EQ(followUpRows(), 1);
}

TEST_P(Rating, BadRatingsAreListedOldestFirstWithTheirFollowUpState) {
    ASSERT_NO_FATAL_FAILURE(loadFollowUps(*db));
    auto all = listBadRatings(*db, false);
    ASSERT_TRUE(all.has_value()) << all.error().message;
    ASSERT_EQ(all->size(), 5u);
    const std::vector<std::tuple<int, std::string, bool, std::size_t>> want = {
        {2, "feedback", false, 3}, {5, "new", true, 0}, {6, "explained", true, 3}, {8, "rectified", true, 2}, {9, "new", true, 0}};
    for (std::size_t i = 0; i < want.size(); ++i) {
        const auto& [n, state, open, steps] = want[i];
        const auto& b = (*all)[i];
        EXPECT_EQ(b.uuid, uuidOf(n)) << i;
        EXPECT_EQ(b.state(), state) << n;
        EXPECT_EQ(b.open(), open) << n;
        EXPECT_EQ(b.followUps.size(), steps) << n;
    }
    const auto& first = (*all)[0];
    EXPECT_EQ(first.deviceId, "KS0001");
    EXPECT_EQ(first.site, "青浦区行政服务中心");
    EXPECT_EQ(first.receivedAt, kJan15);
    EXPECT_TRUE(first.callbackWanted());
    EXPECT_EQ(first.personal.mobile, "13812345678");
    EXPECT_EQ(first.pub.level, "dissatisfied");
    EXPECT_TRUE(first.has("rectified"));
    EXPECT_EQ(first.followUps[0].action, "callback");
    EXPECT_EQ(first.followUps[0].actor, "张三");
    EXPECT_EQ(first.followUps[0].note, "called at 10:05");
    EXPECT_FALSE((*all)[1].callbackWanted());
    EXPECT_TRUE((*all)[1].personal.empty());

    auto open = listBadRatings(*db, true);
    ASSERT_TRUE(open.has_value()) << open.error().message;
    ASSERT_EQ(open->size(), 4u);
    EXPECT_EQ((*open)[0].uuid, uuidOf(5));
    EXPECT_EQ((*open)[3].uuid, uuidOf(9));
}

// What a staff account serving some sites reads (site_scope.h).
TEST_P(Rating, ASiteScopeKeepsToItsSitesRatingsCasesAndFigures) {
    const auto qp = SiteScope::only({"青浦区行政服务中心"}), zjj = SiteScope::only({"朱家角镇社区事务受理中心"}),
               none = SiteScope::only({}), both = SiteScope::only({"青浦区行政服务中心", "朱家角镇社区事务受理中心"});
    auto uuids = [&](const SiteScope& s) {
        std::vector<std::string> out;
        auto list = listBadRatings(*db, false, s);
        EXPECT_TRUE(list.has_value()) << list.error().message;
        if (list)
            for (const auto& b : *list) out.push_back(b.uuid);
        return out;
    };
    EXPECT_EQ(uuids(qp), (std::vector<std::string>{uuidOf(2), uuidOf(5), uuidOf(8), uuidOf(9)}));
    EXPECT_EQ(uuids(zjj), std::vector<std::string>{uuidOf(6)});
    EXPECT_TRUE(uuids(none).empty());

    auto byKiosk = ratingStats(*db, RatingGroup::Kiosk, std::nullopt, std::nullopt, qp);
    ASSERT_TRUE(byKiosk.has_value()) << byKiosk.error().message;
    ASSERT_EQ(byKiosk->rows.size(), 1u);
    EXPECT_EQ(byKiosk->rows[0].key, "KS0001");
    EXPECT_EQ(byKiosk->total.total, 9);
    EXPECT_EQ(byKiosk->unreadable, 0) << "KS0002's unreadable rating is not qp's";
    auto zjjStats = ratingStats(*db, RatingGroup::Service, std::nullopt, std::nullopt, zjj);
    ASSERT_TRUE(zjjStats.has_value());
    EXPECT_EQ(zjjStats->total.total, 1);
    EXPECT_EQ(zjjStats->unreadable, 1);
    auto all = ratingStats(*db, RatingGroup::Kiosk, std::nullopt, std::nullopt);
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(all->total.total, kAll.total) << "every site, and KS0003 whose site is unknown";

    auto cases = [&](const std::string& status, const SiteScope& s) {
        auto list = listCases(*db, status, 100, s);
        EXPECT_TRUE(list.has_value()) << list.error().message;
        return list ? *list : std::vector<CaseSummary>{};
    };
    ASSERT_EQ(cases("", qp).size(), 1u);
    EXPECT_EQ(cases("", qp)[0].site, "青浦区行政服务中心");
    EXPECT_EQ(cases("received", both).size(), 1u) << "status and sites together";
    EXPECT_EQ(cases("closed", both).size(), 0u);
    EXPECT_EQ(cases("", zjj).size(), 0u);
    EXPECT_EQ(cases("", none).size(), 0u);

    auto site6 = recordSite(*db, uuidOf(6));
    ASSERT_TRUE(site6 && *site6);
    EXPECT_EQ(**site6, "朱家角镇社区事务受理中心");
    EXPECT_EQ(**recordSite(*db, uuidOf(7)), "") << "KS0003 never enrolled";
    EXPECT_FALSE(recordSite(*db, uuidOf(99))->has_value());
}

TEST_P(Rating, StatsByService) {
    ASSERT_NO_FATAL_FAILURE(loadFollowUps(*db));
    const auto s = stats(RatingGroup::Service);
    EXPECT_EQ(s.by, RatingGroup::Service);
    EXPECT_EQ(s.unreadable, 1);
    expectFigures(s.total, kAll);
    expectRows(s, {
                      // 7: no bad rating, so both bad-rating rates are n/a.
                      {"svc-old", "老年优待证办理", 1, 1, 0, 0, 0, 0, 1.0, na, na},
                      // 3, 6 (called back, not rectified).
                      {"svc-sbk", "社保卡申领", 2, 1, 1, 1, 1, 0, 0.5, 1.0, 0.0},
                      // 1, 2, 8, 11; the latest name wins; 8 rectified but anonymous.
                      {"svc-yyzz", "营业执照设立登记（新）", 4, 2, 2, 1, 1, 2, 0.5, 1.0, 1.0},
                      // Not service ratings: 4 (department), 5 (window), 9 (department), 10 (case).
                      {"", "", 4, 2, 2, 1, 0, 0, 0.5, 0.0, 0.0},
                  });
}

TEST_P(Rating, StatsByDepartmentCountServiceRatingsUnderTheirDepartment) {
    ASSERT_NO_FATAL_FAILURE(loadFollowUps(*db));
    const auto s = stats(RatingGroup::Department);
    expectFigures(s.total, kAll);
    expectRows(s, {
                      // 3, 6 (svc-sbk) and 9 (the department itself, named, not called back yet).
                      {"dep-rs", "人社局", 3, 1, 2, 2, 1, 0, 1.0 / 3, 0.5, 0.0},
                      // 1, 2, 8, 11 (svc-yyzz) and 4 (the department).
                      {"dep-sc", "市场监管局", 5, 3, 2, 1, 1, 2, 3.0 / 5, 1.0, 1.0},
                      // 5 (window), 7 (svc-old without department_id), 10 (case).
                      {"", "", 3, 2, 1, 0, 0, 0, 2.0 / 3, na, 0.0},
                  });
}

TEST_P(Rating, StatsByKioskAreNamedByTheDeviceSite) {
    ASSERT_NO_FATAL_FAILURE(loadFollowUps(*db));
    const auto s = stats(RatingGroup::Kiosk);
    expectFigures(s.total, kAll);
    expectRows(s, {
                      {"KS0001", "青浦区行政服务中心", 9, 5, 4, 2, 1, 2, 5.0 / 9, 0.5, 0.5},
                      {"KS0002", "朱家角镇社区事务受理中心", 1, 0, 1, 1, 1, 0, 0.0, 1.0, 0.0},
                      {"KS0003", "", 1, 1, 0, 0, 0, 0, 1.0, na, na},
                  });
}

TEST_P(Rating, StatsByMonthUseTheArrivalDayInUtc) {
    ASSERT_NO_FATAL_FAILURE(loadFollowUps(*db));
    const auto s = stats(RatingGroup::Month);
    expectFigures(s.total, kAll);
    expectRows(s, {
                      // 1–7, including 6 and 7 at 23:59:59Z on 31 January.
                      {"2026-01", "", 7, 4, 3, 2, 2, 1, 4.0 / 7, 1.0, 1.0 / 3},
                      // 8–11 from 00:00:00Z on 1 February: 9 named but not called back.
                      {"2026-02", "", 4, 2, 2, 1, 0, 1, 0.5, 0.0, 0.5},
                  });
}

TEST_P(Rating, StatsOverADateRangeAndWithNothingToDivideBy) {
    ASSERT_NO_FATAL_FAILURE(loadFollowUps(*db));
    // [from, to): to is exclusive, so a rating at exactly 1 February is out.
    const auto jan = stats(RatingGroup::Month, std::nullopt, kFeb1);
    expectRows(jan, {{"2026-01", "", 7, 4, 3, 2, 2, 1, 4.0 / 7, 1.0, 1.0 / 3}});
    EXPECT_EQ(jan.unreadable, 0);
    const auto feb = stats(RatingGroup::Service, kFeb1, kMar1);
    EXPECT_EQ(feb.unreadable, 1);
    expectFigures(feb.total, {"", "", 4, 2, 2, 1, 0, 1, 0.5, 0.0, 0.5});
    expectRows(feb, {
                        {"svc-yyzz", "营业执照设立登记（新）", 2, 1, 1, 0, 0, 1, 0.5, na, 1.0},
                        {"", "", 2, 1, 1, 1, 0, 0, 0.5, 0.0, 0.0},
                    });
    // No ratings at all: no rows, every rate n/a — never a division by zero.
    const auto none = stats(RatingGroup::Kiosk, kMar1, std::nullopt);
    EXPECT_TRUE(none.rows.empty());
    EXPECT_EQ(none.unreadable, 0);
    expectFigures(none.total, {"", "", 0, 0, 0, 0, 0, 0, na, na, na});
}

TEST_P(Rating, StatsWithoutFollowUpsCountBadRatingsButNoCallBacks) {
    const auto s = stats(RatingGroup::Kiosk);
    expectFigures(s.total, {"", "", 11, 6, 5, 3, 0, 0, 6.0 / 11, 0.0, 0.0});
}

TEST_P(Rating, AHubOnSchema2GainsTheFollowUpTableAndKeepsItsRatings) {
    // Put the database back to what a schema-2 hub left: no rating_follow_up
    // (step 3), nor the tables of later steps (4: OS update bundles; 5: staff
    // accounts, sessions, audit log), nor step 6's index and device columns.
    auto down = db->with([&](Connection& c) -> Result<void> {
        for (const char* table : {"rating_follow_up", "os_offer", "os_bundle", "staff", "staff_session", "audit_log"})
            if (auto r = c.script(std::string("DROP TABLE ") + table); !r) return r;
        for (const char* undo : {"DROP INDEX record_case_number", "ALTER TABLE device DROP COLUMN prev_cert_serial",
                                 "ALTER TABLE device DROP COLUMN prev_cert_until"})
            if (auto r = c.script(undo); !r) return r;
        auto v = c.query("UPDATE hub_meta SET value = '2' WHERE key = 'schema'");
        if (!v) return std::unexpected(v.error());
        return {};
    });
    ASSERT_TRUE(down.has_value()) << down.error().message;
    auto migrated = HubStore(*db).migrate();
    ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
    EXPECT_EQ(followUpRows(), 0);
    ASSERT_NO_FATAL_FAILURE(loadFollowUps(*db));
    expectFigures(stats(RatingGroup::Month).total, kAll);
}

INSTANTIATE_TEST_SUITE_P(Backends, Rating, ::testing::ValuesIn(kiosk::hubdb::hubtest::backends()),
                         [](const auto& p) { return std::string(p.param.name); });

// --- kiosk-hub ratings … (SQLite data dir; no server) ------------------------

namespace {

struct Ran {
    int exitCode = -1;
    std::string out, err;
};

std::string slurp(const fs::path& file) {
    std::string text;
    if (FILE* f = std::fopen(file.c_str(), "rb")) {
        char buf[4096];
        std::size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
        std::fclose(f);
    }
    return text;
}

// kiosk-hub --data DIR ARGS (ARGS go through the shell: quote them).
Ran runHub(const fs::path& dataDir, const std::string& args) {
    const fs::path errFile = dataDir / "stderr.txt";
    const std::string cmd =
        fmt::format("'{}' --data '{}' {} 2>'{}'", KIOSK_HUB_BIN, dataDir.string(), args, errFile.string());
    Ran r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = slurp(errFile);
    return r;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        out.push_back(text.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

}  // namespace

TEST(RatingCli, StatsCsvAndJsonBadListAndFollowUp) {
    const harness::TempDir scratch("rating-cli");
    const fs::path dir = scratch.path();
    {
        auto opened = openDatabase((dir / "hub.db").string(), 1);
        ASSERT_TRUE(opened.has_value()) << opened.error().message;
        ASSERT_TRUE(HubStore(**opened).migrate().has_value());
        ASSERT_NO_FATAL_FAILURE(loadDataSet(**opened));
        ASSERT_NO_FATAL_FAILURE(loadFollowUps(**opened));
    }

    const Ran csv = runHub(dir, "ratings stats --by department --csv");
    ASSERT_EQ(csv.exitCode, 0) << csv.err;
    // The unreadable rating is reported, not silently dropped.
    EXPECT_NE(csv.err.find("1 rating record(s) with an unreadable level were left out"), std::string::npos) << csv.err;
    const auto rows = lines(csv.out);
    ASSERT_EQ(rows.size(), 4u) << csv.out;
    EXPECT_EQ(rows[0], "key,name,total,good,good_rate_pct,bad,bad_named,bad_called_back,callback_rate_pct,bad_rectified,"
                       "rectify_rate_pct");
    EXPECT_EQ(rows[1], "dep-rs,人社局,3,1,33.3,2,2,1,50.0,0,0.0");
    EXPECT_EQ(rows[2], "dep-sc,市场监管局,5,3,60.0,2,1,1,100.0,2,100.0");
    EXPECT_EQ(rows[3], ",(no department),3,2,66.7,1,0,0,n/a,0,0.0");

    const Ran json = runHub(dir, "ratings stats --json --from 2026-02-01 --to 2026-02-28");
    ASSERT_EQ(json.exitCode, 0) << json.err;
    ASSERT_EQ(lines(json.out).size(), 1u) << "one JSON document: " << json.out;
    const auto doc = nlohmann::json::parse(json.out, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << json.out;
    EXPECT_EQ(doc["by"], "service");
    EXPECT_EQ(doc["from"], "2026-02-01");
    EXPECT_EQ(doc["to"], "2026-02-28");
    EXPECT_EQ(doc["unreadable"], 1);
    ASSERT_EQ(doc["rows"].size(), 2u);
    const auto& yyzz = doc["rows"][0];
    for (const char* key : {"key", "name", "total", "good", "good_rate", "bad", "bad_named", "bad_called_back",
                            "callback_rate", "bad_rectified", "rectify_rate"})
        EXPECT_TRUE(yyzz.contains(key)) << key;
    EXPECT_EQ(yyzz["key"], "svc-yyzz");
    EXPECT_DOUBLE_EQ(yyzz["good_rate"].get<double>(), 0.5);
    EXPECT_TRUE(yyzz["callback_rate"].is_null()) << "n/a is null in JSON";
    EXPECT_TRUE(doc["rows"][1]["key"].is_null()) << "the unplaced row has no key";
    EXPECT_EQ(doc["total"]["total"], 4);

    const Ran table = runHub(dir, "ratings stats --by kiosk");
    ASSERT_EQ(table.exitCode, 0) << table.out;
    EXPECT_NE(table.out.find("KS0001"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("55.6"), std::string::npos) << table.out;  // KS0001: 5/9

    const Ran bad = runHub(dir, "ratings bad --open --json");
    ASSERT_EQ(bad.exitCode, 0) << bad.out;
    const auto badLines = lines(bad.out);
    ASSERT_EQ(badLines.size(), 4u) << bad.out;
    const auto r6 = nlohmann::json::parse(badLines[1]);
    EXPECT_EQ(r6["uuid"], uuidOf(6));
    EXPECT_EQ(r6["state"], "explained");
    EXPECT_EQ(r6["contact"]["mobile"], "138****5678") << "masked unless --contact";
    EXPECT_EQ(bad.out.find("13812345678"), std::string::npos);
    const Ran full = runHub(dir, "ratings bad --open --json --contact");
    EXPECT_NE(full.out.find("13812345678"), std::string::npos);
    EXPECT_EQ(full.err.find("13812345678"), std::string::npos) << "shown to staff, never logged";

    const Ran refused = runHub(dir, fmt::format("ratings follow-up {} called", uuidOf(9)));
    EXPECT_EQ(refused.exitCode, 2) << refused.err;
    EXPECT_NE(refused.err.find("\"called\" is not a follow-up action"), std::string::npos) << refused.err;
    const Ran good = runHub(dir, fmt::format("ratings follow-up {} callback", uuidOf(1)));
    EXPECT_EQ(good.exitCode, 2) << good.err;
    EXPECT_NE(good.err.find("not a 差评"), std::string::npos) << good.err;
    const Ran done = runHub(dir, fmt::format("ratings follow-up {} callback --note '电话已回访' --actor 李四", uuidOf(9)));
    EXPECT_EQ(done.exitCode, 0) << done.err;
    EXPECT_NE(done.out.find("callback (核实回访) recorded by 李四"), std::string::npos) << done.out;
    // 9 was the one named bad rating not called back: dep-rs is now 2/2.
    const Ran after = runHub(dir, "ratings stats --by department --csv");
    EXPECT_NE(after.out.find("dep-rs,人社局,3,1,33.3,2,2,2,100.0,0,0.0"), std::string::npos) << after.out;

    const Ran badDate = runHub(dir, "ratings stats --from 2026-02-30");
    EXPECT_EQ(badDate.exitCode, 2) << badDate.err;
}
