// The hub store's behaviour, run against every backend (SQLite and a real
// PostgreSQL, see backends.h): enrollment tokens are used once, a batch is
// stored exactly once (replays get the same answer, a reused key with another
// payload is a 409), case events flow to the kiosk that took the case, and
// concurrent replays from many threads — and from several hub processes
// sharing one database — still store each record once. Staff accounts keep
// the sites they serve and the failed sign-ins since their last sign-in.
//
// The PostgreSQL cases need the server ctest starts (fixture
// PostgresServer.Start); without it they FAIL saying how to start it. Set
// KIOSK_NO_POSTGRES=1 to skip them on a machine without PostgreSQL.
#include "hubdb/store.h"
#include "hubdb/staff_repo.h"

#include "backends.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

using namespace kiosk;
using namespace kiosk::hubdb;

namespace {

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

// A fresh database with the hub's schema on each backend (backends.h), and
// the store on it.
class Store : public hubtest::MigratedDatabase {
protected:
    void SetUp() override {
        MigratedDatabase::SetUp();
        if (HasFatalFailure() || IsSkipped()) return;
        store = std::make_unique<HubStore>(*db);
    }
    // Another kiosk-hub process on the same database.
    std::unique_ptr<Database> anotherHub(int poolSize = 2) {
        auto opened = openDatabase(scratch->spec(), poolSize);
        EXPECT_TRUE(opened.has_value()) << opened.error().message;
        return opened ? std::move(*opened) : nullptr;
    }
    // Destroyed before the base's database and scratch.
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

TEST_P(Store, ACaseNumberIsTakenOnceAndAnUploadNeverMovesItsStatusBack) {
    ASSERT_TRUE(store->storeBatch("KS0001", {record(1)}, 100).has_value());
    ASSERT_TRUE(store->addCaseEvent(record(1).number, "accepted", "", "staff:li", 200).has_value());
    ASSERT_TRUE(store->addCaseEvent(record(1).number, "dispatched", "派单至 区市场监管局", "staff:li", 300).has_value());
    // The same number under a new key, from the same kiosk or another one.
    for (const char* device : {"KS0001", "KS0002"}) {
        UploadRecord again = record(1);
        again.uuid = fmt::format("00000000-0000-4000-8000-{:012}", device[5] == '1' ? 901 : 902);
        again.publicData["case_kind"] = "建议";
        auto answers = store->storeBatch(device, {again}, 400);
        ASSERT_TRUE(answers.has_value()) << answers.error().message;
        ASSERT_EQ(answers->size(), 1u);
        EXPECT_EQ((*answers)[0].code, 409) << device;
        EXPECT_NE((*answers)[0].message.find("already taken"), std::string::npos) << (*answers)[0].message;
    }
    auto events = store->caseEvents(record(1).number);
    ASSERT_TRUE(events.has_value());
    ASSERT_EQ(events->size(), 3u) << "no second 'received'";
    EXPECT_EQ(events->back().status, "dispatched");
    EXPECT_EQ(store->recordCount("case").value_or(-1), 1);
    // A rating may share nothing with cases: its number is not a case's.
    auto rating = record(1, "rating");
    rating.uuid = "00000000-0000-4000-8000-000000000903";
    auto r = store->storeBatch("KS0001", {rating}, 500);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ((*r)[0].code, 201);
}

TEST_P(Store, ASchema5HubKeepsEveryClaimOfADuplicatedCaseNumber) {
    // What a schema-5 hub could hold: the number KS0001…1 taken first by
    // KS0002 (a hijack) and then uploaded by its owner; KS0003's number sent
    // twice by itself under two keys.
    auto down = db->with([&](Connection& c) -> Result<void> {
        for (const char* sql : {"DROP INDEX record_case_number", "ALTER TABLE device DROP COLUMN prev_cert_serial",
                                "ALTER TABLE device DROP COLUMN prev_cert_until", "ALTER TABLE staff DROP COLUMN sites",
                                "ALTER TABLE staff DROP COLUMN failed_logins", "ALTER TABLE staff DROP COLUMN last_failed_at",
                                "ALTER TABLE staff DROP COLUMN last_login_at",
                                "UPDATE hub_meta SET value = '5' WHERE key = 'schema'"})
            if (auto r = c.script(sql); !r) return r;
        return {};
    });
    ASSERT_TRUE(down.has_value()) << down.error().message;
    auto put = [&](int uuid, const std::string& device, const std::string& number, std::int64_t at) {
        UploadRecord r = record(uuid);
        r.number = number;
        auto a = store->storeBatch(device, {r}, at);
        ASSERT_TRUE(a.has_value()) << a.error().message;
        EXPECT_EQ((*a)[0].code, 201);
    };
    const std::string hijacked = "KS000120260115000001X", twice = "KS000320260115000001X";
    put(1, "KS0002", hijacked, 100);
    put(2, "KS0001", hijacked, 200);
    put(3, "KS0003", twice, 100);
    put(4, "KS0003", twice, 300);
    auto migrated = HubStore(*db).migrate();
    ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
    std::map<std::string, std::string> kindOf;
    auto read = db->with([&](Connection& c) -> Result<void> {
        auto rows = c.query("SELECT uuid, kind FROM record ORDER BY uuid");
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) kindOf[asText(row[0])] = asText(row[1]);
        return {};
    });
    ASSERT_TRUE(read.has_value()) << read.error().message;
    ASSERT_EQ(kindOf.size(), 4u) << "nothing deleted";
    EXPECT_EQ(kindOf[record(1).uuid], "case-disputed") << "the hijacker's claim";
    EXPECT_EQ(kindOf[record(2).uuid], "case") << "the owner's case, though it came second";
    EXPECT_EQ(kindOf[record(3).uuid], "case") << "the first of two claims by the owner";
    EXPECT_EQ(kindOf[record(4).uuid], "case-disputed");
    // And from now on the number is taken.
    UploadRecord late = record(5);
    late.number = hijacked;
    auto a = store->storeBatch("KS0001", {late}, 400);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ((*a)[0].code, 409);
}

TEST_P(Store, ARenewalKeepsTheReplacedCertificateOnlyForTheOverlap) {
    ASSERT_TRUE(store->addToken("t", "s", 0, 100).has_value());
    auto e = store->enroll("t", 10, fakeCert);
    ASSERT_TRUE(e.has_value());
    const std::string id = e->device.id;
    ASSERT_TRUE(store->renewed(id, "NEW", 3'000'000'000, "SERIAL-" + id, 700).has_value());
    auto d = store->device(id);
    ASSERT_TRUE(d.has_value() && d->has_value());
    EXPECT_EQ((*d)->certSerial, "NEW");
    EXPECT_EQ((*d)->prevCertSerial, "SERIAL-" + id);
    EXPECT_EQ((*d)->prevCertUntil, 700);
    EXPECT_EQ((*d)->certNotAfter, 3'000'000'000);
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

// Several kiosk-hub processes started together against one new database
// all migrate it; none fails.
TEST_P(Store, SeveralHubsMigrateOneNewDatabaseTogether) {
    auto fresh = GetParam().fresh(kiosk::hubdb::hubtest::currentTestName() + "_new");
    ASSERT_TRUE(fresh);
    {
        std::vector<std::unique_ptr<Database>> hubs;
        for (int i = 0; i < 4; ++i) {
            auto opened = openDatabase(fresh->spec(), 1);
            ASSERT_TRUE(opened.has_value()) << opened.error().message;
            hubs.push_back(std::move(*opened));
        }
        std::vector<std::thread> threads;
        std::mutex m;
        std::vector<std::string> errors;
        for (auto& hub : hubs)
            threads.emplace_back([&, h = hub.get()] {
                HubStore s(*h);
                if (auto r = s.migrate(); !r) {
                    std::lock_guard lock(m);
                    errors.push_back(r.error().message);
                }
            });
        for (auto& t : threads) t.join();
        for (const auto& e : errors) ADD_FAILURE() << e;
        HubStore s(*hubs[0]);
        EXPECT_EQ(s.recordCount().value_or(-1), 0);
    }
}

// Terminal codes come from a count of devices, so two hubs enrolling at the
// same moment pick the same code; the primary key and transaction()'s retry
// must still give every kiosk its own.
TEST_P(Store, SeveralHubsEnrollingAtOnceGiveDistinctTerminalCodes) {
    auto other = anotherHub();
    ASSERT_TRUE(other);
    HubStore otherStore(*other);
    // A technician rolling out a site enrolls many kiosks at once (the load
    // bench saw 16 at a time fail on PostgreSQL before enrollments were serialised).
    constexpr int kKiosks = 24;
    for (int i = 0; i < kKiosks; ++i) ASSERT_TRUE(store->addToken(fmt::format("tok-{}", i), "site", 0, 100).has_value());
    std::vector<std::thread> threads;
    std::mutex m;
    std::vector<std::string> ids;
    for (int i = 0; i < kKiosks; ++i)
        threads.emplace_back([&, i] {
            HubStore& s = i % 2 ? otherStore : *store;
            // Issuing a certificate takes a few milliseconds inside the transaction.
            auto r = s.enroll(fmt::format("tok-{}", i), 1, [](const std::string& id) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                return fakeCert(id);
            });
            ASSERT_TRUE(r.has_value()) << r.error().message;
            EXPECT_EQ(r->problem, TokenProblem::None);
            std::lock_guard lock(m);
            ids.push_back(r->device.id);
        });
    for (auto& t : threads) t.join();
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> want;
    for (int i = 1; i <= kKiosks; ++i) want.push_back(fmt::format("KS{:04}", i));
    EXPECT_EQ(ids, want);
}

// A kiosk that timed out resends its batch while the first copy is still
// being stored by another hub process: each record is stored once, and
// every answer is 201 or 200.
TEST_P(Store, ReplaysThroughSeveralHubsStoreEachRecordOnce) {
    std::vector<std::unique_ptr<Database>> hubs;
    for (int i = 0; i < 2; ++i) hubs.push_back(anotherHub());
    for (const auto& h : hubs) ASSERT_TRUE(h);
    std::vector<UploadRecord> batch;
    for (int i = 0; i < 200; ++i) batch.push_back(record(i, i % 3 ? "rating" : "case"));
    std::vector<std::thread> threads;
    std::mutex m;
    std::map<std::string, int> stored;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            HubStore s(t % 3 == 0 ? *db : *hubs[std::size_t(t % 3 - 1)]);
            // Batches overlap: each thread sends a different window of the records, in order.
            const auto from = batch.begin() + t * 20;
            auto r = s.storeBatch("KS0001", std::vector<UploadRecord>(from, from + 100), 10);
            ASSERT_TRUE(r.has_value()) << r.error().message;
            std::lock_guard lock(m);
            for (const auto& a : *r) {
                EXPECT_TRUE(a.code == 201 || a.code == 200) << a.uuid << " got " << a.code;
                if (a.code == 201) ++stored[a.uuid];
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(store->recordCount().value_or(-1), 200);
    EXPECT_EQ(stored.size(), 200u);
    for (const auto& [uuid, n] : stored) EXPECT_EQ(n, 1) << uuid;
    // Exactly one 'received' event per case, whichever hub stored it.
    auto events = store->eventsForDevice("KS0001", 0, 1000);
    ASSERT_TRUE(events.has_value());
    EXPECT_EQ(events->size(), 67u);
}

TEST_P(Store, StaffAccountsKeepTheirSitesAndTheFailedSignInsSinceTheLastOne) {
    StaffAccount a;
    a.username = "li";
    a.role = "handler";
    a.passwordHash = "pbkdf2-sha256$1$x$y";
    a.createdAt = 1'800'000'000;
    a.sites = SiteScope::only({"朱家角镇社区事务受理中心", " 青浦区行政服务中心 ", "青浦区行政服务中心", ""});
    ASSERT_TRUE(addStaff(*db, a, "cli").has_value());
    a.username = "boss";
    a.role = "admin";
    a.sites = SiteScope::every();
    ASSERT_TRUE(addStaff(*db, a, "cli").has_value());
    auto li = staffAccount(*db, "li");
    ASSERT_TRUE(li && *li);
    EXPECT_FALSE((*li)->sites.all);
    EXPECT_EQ((*li)->sites.sites, (std::vector<std::string>{"朱家角镇社区事务受理中心", "青浦区行政服务中心"}))
        << "trimmed, sorted, once each, no empty name";
    EXPECT_TRUE((*li)->sites.allows("青浦区行政服务中心"));
    EXPECT_FALSE((*li)->sites.allows("other"));
    EXPECT_TRUE((*staffAccount(*db, "boss"))->sites.all);

    ASSERT_TRUE(setStaffSites(*db, "li", SiteScope::only({"a,b", "*"}), 1'800'000'001, "cli").has_value());
    EXPECT_TRUE((*staffAccount(*db, "li"))->sites.all) << "* among the names is every site";
    ASSERT_TRUE(setStaffSites(*db, "li", SiteScope::only({"a,b"}), 1'800'000'002, "cli").has_value());
    EXPECT_EQ((*staffAccount(*db, "li"))->sites.sites, std::vector<std::string>{"a,b"}) << "a comma in a site's name is kept";
    auto nobody = setStaffSites(*db, "nobody", SiteScope::every(), 1'800'000'003, "cli");
    ASSERT_FALSE(nobody.has_value());
    EXPECT_EQ(nobody.error().code, ErrorCode::NotFound);
    EXPECT_EQ(parseSiteScope("not json").sites.size(), 0u);
    EXPECT_FALSE(parseSiteScope("not json").all) << "an unreadable list serves no site, not every site";

    for (int i = 0; i < 3; ++i) ASSERT_TRUE(recordFailedLogin(*db, "li", 1'800'000'010 + i).has_value());
    ASSERT_TRUE(recordFailedLogin(*db, "nobody", 1'800'000'020).has_value()) << "an unknown name is no error";
    EXPECT_EQ((*staffAccount(*db, "li"))->failedLogins, 3);
    auto in = recordLogin(*db, "li", 1'800'000'100, "127.0.0.2");
    ASSERT_TRUE(in.has_value()) << in.error().message;
    EXPECT_EQ(in->failedLogins, 3);
    EXPECT_EQ(in->lastFailedAt, 1'800'000'012);
    EXPECT_FALSE(in->previousLoginAt.has_value());
    const auto after = *staffAccount(*db, "li");
    EXPECT_EQ(after->failedLogins, 0);
    EXPECT_EQ(after->lastLoginAt, 1'800'000'100);
    auto next = recordLogin(*db, "li", 1'800'000'200, "127.0.0.2");
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->failedLogins, 0);
    EXPECT_EQ(next->previousLoginAt, 1'800'000'100);

    auto log = auditLog(*db, 10);
    ASSERT_TRUE(log.has_value());
    std::vector<std::string> seen;
    for (const auto& e : *log) seen.push_back(e.action + ": " + e.detail);
    EXPECT_NE(std::find(seen.begin(), seen.end(), "login: from 127.0.0.2; 3 failed sign-ins since the last sign-in"),
              seen.end());
    EXPECT_NE(std::find(seen.begin(), seen.end(), "staff.sites: a,b"), seen.end());
    EXPECT_NE(std::find(seen.begin(), seen.end(), "staff.add: role handler, sites 朱家角镇社区事务受理中心, 青浦区行政服务中心"),
              seen.end());
}

INSTANTIATE_TEST_SUITE_P(Backends, Store, ::testing::ValuesIn(kiosk::hubdb::hubtest::backends()),
                         [](const auto& p) { return std::string(p.param.name); });
