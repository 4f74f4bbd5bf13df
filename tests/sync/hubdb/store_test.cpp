// The hub store's behaviour, run against every backend: enrollment tokens are
// used once, a batch is stored exactly once (replays get the same answer, a
// reused key with another payload is a 409), case events flow to the kiosk
// that took the case, and concurrent replays from many threads still store
// each record once.
#include "hubdb/store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <thread>

namespace fs = std::filesystem;
using namespace kiosk;
using namespace kiosk::hubdb;

namespace {

// A fresh, empty database of the backend under test.
struct Backend {
    const char* name;
    std::function<std::unique_ptr<Database>(const std::string& test)> open;
};

std::unique_ptr<Database> freshSqlite(const std::string& test) {
    const fs::path dir = fs::temp_directory_path() / fmt::format("hubdb-{}-{}", test, getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto db = openDatabase((dir / "hub.db").string(), 4);
    EXPECT_TRUE(db.has_value()) << db.error().message;
    return db ? std::move(*db) : nullptr;
}

std::vector<Backend> backends() { return {{"sqlite", freshSqlite}}; }

UploadRecord record(int i, const std::string& kind = "case") {
    UploadRecord r;
    r.uuid = fmt::format("00000000-0000-4000-8000-{:012}", i);
    r.seq = i;
    r.kind = kind;
    r.number = fmt::format("KS000120260115{:06}X", i);
    r.createdMs = 1'700'000'000'000 + i;
    r.publicData = {{"case_kind", "投诉"}};
    r.personalData = {{"contact_name", "王小明"}};
    return r;
}

Result<std::pair<std::string, std::int64_t>> fakeCert(const std::string& id) {
    return std::pair<std::string, std::int64_t>{"SERIAL-" + id, 2'000'000'000};
}

}  // namespace

class Store : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = info->name();
        for (char& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        db = GetParam().open(name);
        ASSERT_TRUE(db);
        store = std::make_unique<HubStore>(*db);
        ASSERT_TRUE(store->migrate().has_value());
    }
    std::unique_ptr<Database> db;
    std::unique_ptr<HubStore> store;
};

TEST_P(Store, MigrateIsIdempotent) {
    auto again = store->migrate();
    EXPECT_TRUE(again.has_value()) << again.error().message;
}

TEST_P(Store, ATokenEnrollsOneDeviceThenIsRefused) {
    ASSERT_TRUE(store->addToken("tok-good", "青浦区行政服务中心", 1000, 2000).has_value());
    ASSERT_TRUE(store->addToken("tok-old", "青浦", 1000, 1500).has_value());
    // A failure while issuing the certificate leaves the token unused.
    auto broken = store->enroll("tok-good", 1100, [](const std::string&) -> Result<std::pair<std::string, std::int64_t>> {
        return fail(ErrorCode::Internal, "CA unavailable");
    });
    EXPECT_FALSE(broken.has_value());
    auto first = store->enroll("tok-good", 1200, fakeCert);
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_EQ(first->problem, TokenProblem::None);
    EXPECT_EQ(first->device.id, "KS0001");
    EXPECT_EQ(first->device.site, "青浦区行政服务中心");
    auto again = store->enroll("tok-good", 1300, fakeCert);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->problem, TokenProblem::Used);
    auto expired = store->enroll("tok-old", 1600, fakeCert);
    ASSERT_TRUE(expired.has_value());
    EXPECT_EQ(expired->problem, TokenProblem::Expired);
    auto unknown = store->enroll("tok-nope", 1600, fakeCert);
    ASSERT_TRUE(unknown.has_value());
    EXPECT_EQ(unknown->problem, TokenProblem::Unknown);
    auto devices = store->devices();
    ASSERT_TRUE(devices.has_value());
    EXPECT_EQ(devices->size(), 1u);
}

TEST_P(Store, ABatchIsStoredOnceAndAReplayGetsTheSameAnswer) {
    std::vector<UploadRecord> batch{record(1), record(2, "rating"), record(3)};
    auto first = store->storeBatch("KS0001", batch, 5000);
    ASSERT_TRUE(first.has_value()) << first.error().message;
    ASSERT_EQ(first->size(), 3u);
    for (const auto& a : *first) EXPECT_EQ(a.code, 201) << a.uuid;
    auto replay = store->storeBatch("KS0001", batch, 6000);
    ASSERT_TRUE(replay.has_value());
    for (const auto& a : *replay) EXPECT_EQ(a.code, 200) << a.uuid;
    auto changed = batch;
    changed[1].publicData["level"] = "satisfied";
    auto conflict = store->storeBatch("KS0001", changed, 7000);
    ASSERT_TRUE(conflict.has_value());
    EXPECT_EQ((*conflict)[0].code, 200);
    EXPECT_EQ((*conflict)[1].code, 409);
    EXPECT_EQ((*conflict)[1].outcome, Outcome::Conflict);
    // Another device reusing a key is a conflict too, never a silent duplicate.
    auto other = store->storeBatch("KS0002", {record(3)}, 7000);
    ASSERT_TRUE(other.has_value());
    EXPECT_EQ((*other)[0].code, 409);
    EXPECT_EQ(store->recordCount().value_or(-1), 3);
    EXPECT_EQ(store->recordCount("case").value_or(-1), 2);
    auto events = store->caseEvents(record(1).number);
    ASSERT_TRUE(events.has_value());
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ((*events)[0].status, "received");
}

TEST_P(Store, CaseEventsReachOnlyTheKioskThatTookTheCase) {
    ASSERT_TRUE(store->storeBatch("KS0001", {record(1)}, 100).has_value());
    ASSERT_TRUE(store->storeBatch("KS0002", {record(2)}, 100).has_value());
    ASSERT_TRUE(store->addCaseEvent(record(1).number, "accepted", "", "staff:li", 200).has_value());
    EXPECT_FALSE(store->addCaseEvent("NOPE", "accepted", "", "staff:li", 200).has_value());
    auto mine = store->eventsForDevice("KS0001", 0, 100);
    ASSERT_TRUE(mine.has_value());
    ASSERT_EQ(mine->size(), 2u);
    EXPECT_EQ((*mine)[1].status, "accepted");
    auto later = store->eventsForDevice("KS0001", (*mine)[0].id, 100);
    ASSERT_TRUE(later.has_value());
    ASSERT_EQ(later->size(), 1u);
    auto theirs = store->eventsForDevice("KS0002", 0, 100);
    ASSERT_TRUE(theirs.has_value());
    EXPECT_EQ(theirs->size(), 1u);
}

TEST_P(Store, RevokedDeviceIsMarkedOnce) {
    ASSERT_TRUE(store->addToken("t", "s", 0, 100).has_value());
    ASSERT_TRUE(store->enroll("t", 1, fakeCert).has_value());
    EXPECT_TRUE(store->revoke("KS0001", 50).value_or(false));
    EXPECT_FALSE(store->revoke("KS0001", 60).value_or(true)) << "already revoked";
    auto d = store->device("KS0001");
    ASSERT_TRUE(d.has_value() && d->has_value());
    EXPECT_EQ((*d)->revokedAt.value_or(0), 50);
}

TEST_P(Store, ConcurrentReplaysStoreEachRecordOnce) {
    std::vector<UploadRecord> batch;
    for (int i = 0; i < 100; ++i) batch.push_back(record(i, i % 2 ? "rating" : "case"));
    std::vector<std::thread> threads;
    std::mutex m;
    std::map<std::string, int> stored;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&] {
            auto r = store->storeBatch("KS0001", batch, 10);
            ASSERT_TRUE(r.has_value()) << r.error().message;
            std::lock_guard lock(m);
            for (const auto& a : *r) {
                EXPECT_NE(a.code, 409);
                if (a.code == 201) ++stored[a.uuid];
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(store->recordCount().value_or(-1), 100);
    EXPECT_EQ(stored.size(), 100u);
    for (const auto& [uuid, n] : stored) EXPECT_EQ(n, 1) << uuid;
}

INSTANTIATE_TEST_SUITE_P(Backends, Store, ::testing::ValuesIn(backends()),
                         [](const auto& p) { return std::string(p.param.name); });
