// The sql.h seam itself, on every backend (see backends.h): values go in and
// come back byte for byte (64-bit integers at both ends, text with quotes and
// Chinese, blobs with NUL bytes, NULL), {{AUTO_ID}} counts up, a duplicate key
// is classified as UniqueViolation and transaction() retries it, rollback
// leaves nothing behind. Then what only PostgreSQL has: the server ending a
// session (reconnect on next use, never inside a begun transaction), a failed
// statement poisoning its transaction, and passwords never showing up in
// describe() or error messages.
//
// The PostgreSQL cases need the server ctest starts (fixture
// PostgresServer.Start); without it they FAIL saying how to start it. Set
// KIOSK_NO_POSTGRES=1 to skip them on a machine without PostgreSQL.
#include "hubdb/sql.h"
#include "hubdb/store.h"

#include "backends.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <thread>

using namespace kiosk;
using namespace kiosk::hubdb;
using kiosk::hubdb::hubtest::Backend;

namespace {

Result<Rows> run(Database& db, const std::string& sql, const Params& params = {}) {
    Rows rows;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto q = c.query(sql, params);
        if (!q) return std::unexpected(q.error());
        rows = std::move(*q);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return rows;
}

std::int64_t count(Database& db, const std::string& table) {
    auto rows = run(db, "SELECT count(*) FROM " + table);
    EXPECT_TRUE(rows.has_value()) << rows.error().message;
    return rows && !rows->empty() ? asInt((*rows)[0][0], -1) : -1;
}

class SqlFixture {
protected:
    void open(const Backend& backend) {
        scratch = backend.fresh(hubtest::currentTestName());
        ASSERT_TRUE(scratch);
        auto opened = openDatabase(scratch->spec(), 2);
        ASSERT_TRUE(opened.has_value()) << opened.error().message;
        db = std::move(*opened);
        auto made = db->with([](Connection& c) {
            return c.script(c.ddl("CREATE TABLE item(id {{AUTO_ID}}, i BIGINT, s TEXT, b {{BLOB}}, n TEXT);"
                                  "CREATE TABLE k(key TEXT PRIMARY KEY);"));
        });
        ASSERT_TRUE(made.has_value()) << made.error().message;
    }
    std::unique_ptr<hubtest::Scratch> scratch;
    std::unique_ptr<Database> db;
};

}  // namespace

class Sql : public ::testing::TestWithParam<Backend>, protected SqlFixture {
protected:
    void SetUp() override {
        if (auto why = GetParam().skipReason(); !why.empty()) GTEST_SKIP() << why;
        open(GetParam());
    }
};

TEST_P(Sql, ValuesComeBackByteForByte) {
    std::string blob;
    for (int i = 0; i < 256; ++i) blob += char(i);
    const std::string text = "青浦区 'quoted' \\backslash\\ \"double\" $1 ?";
    for (std::int64_t i : {std::numeric_limits<std::int64_t>::min(), std::int64_t(0), std::numeric_limits<std::int64_t>::max()}) {
        auto ins = run(*db, "INSERT INTO item(i, s, b, n) VALUES($1, $2, $3, $4)", {i, text, Blob{blob}, Null{}});
        ASSERT_TRUE(ins.has_value()) << ins.error().message;
        auto rows = run(*db, "SELECT i, s, b, n FROM item WHERE i = $1", {i});
        ASSERT_TRUE(rows.has_value()) << rows.error().message;
        ASSERT_EQ(rows->size(), 1u);
        const Row& r = (*rows)[0];
        EXPECT_EQ(asInt(r[0]), i);
        EXPECT_EQ(asText(r[1]), text);
        ASSERT_TRUE(r[2].has_value());
        EXPECT_EQ(*r[2], blob);
        EXPECT_FALSE(r[3].has_value());
    }
    auto empty = run(*db, "INSERT INTO item(i, s, b) VALUES($1, $2, $3)", {std::int64_t(7), std::string(), Blob{}});
    ASSERT_TRUE(empty.has_value()) << empty.error().message;
    auto rows = run(*db, "SELECT s, b FROM item WHERE i = 7");
    ASSERT_TRUE(rows.has_value() && rows->size() == 1u);
    EXPECT_EQ((*rows)[0][0], std::optional<std::string>(""));
    EXPECT_EQ((*rows)[0][1], std::optional<std::string>(""));
}

TEST_P(Sql, AutoIdCountsUpAndReturningWorks) {
    std::int64_t last = 0;
    for (int i = 0; i < 3; ++i) {
        auto rows = run(*db, "INSERT INTO item(i) VALUES($1) RETURNING id", {std::int64_t(i)});
        ASSERT_TRUE(rows.has_value()) << rows.error().message;
        ASSERT_EQ(rows->size(), 1u);
        const std::int64_t id = asInt((*rows)[0][0]);
        EXPECT_GT(id, last);
        last = id;
    }
    auto none = run(*db, "INSERT INTO k(key) VALUES('a') ON CONFLICT(key) DO NOTHING RETURNING key");
    ASSERT_TRUE(none.has_value()) << none.error().message;
    EXPECT_EQ(none->size(), 1u);
    auto again = run(*db, "INSERT INTO k(key) VALUES('a') ON CONFLICT(key) DO NOTHING RETURNING key");
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_TRUE(again->empty());
}

TEST_P(Sql, ADuplicateKeyIsAUniqueViolationAndTheConnectionStaysUsable) {
    ASSERT_TRUE(run(*db, "INSERT INTO k(key) VALUES($1)", {std::string("a")}).has_value());
    auto r = db->with([](Connection& c) -> Result<void> {
        auto dup = c.query("INSERT INTO k(key) VALUES($1)", {std::string("a")});
        EXPECT_FALSE(dup.has_value());
        EXPECT_EQ(c.lastFailure(), SqlFailure::UniqueViolation);
        auto next = c.query("SELECT count(*) FROM k");
        EXPECT_TRUE(next.has_value()) << next.error().message;
        return {};
    });
    EXPECT_TRUE(r.has_value());
    auto bad = db->with([](Connection& c) -> Result<void> {
        auto q = c.query("SELECT no_such_column FROM k");
        EXPECT_EQ(c.lastFailure(), SqlFailure::Other);
        if (!q) return std::unexpected(q.error());
        return {};
    });
    EXPECT_FALSE(bad.has_value());
}

TEST_P(Sql, TransactionRetriesAUniqueKeyRaceAndRollsBackWhatFailed) {
    ASSERT_TRUE(run(*db, "INSERT INTO k(key) VALUES('taken')").has_value());
    int attempts = 0;
    auto r = transaction(*db, [&](Connection& c) -> Result<void> {
        ++attempts;
        auto a = c.query("INSERT INTO item(i) VALUES($1)", {std::int64_t(attempts)});
        if (!a) return std::unexpected(a.error());
        // The first attempt loses the race for 'taken', as if another hub had it.
        auto b = c.query("INSERT INTO k(key) VALUES($1)", {std::string(attempts == 1 ? "taken" : "mine")});
        if (!b) return std::unexpected(b.error());
        return {};
    });
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(attempts, 2);
    auto items = run(*db, "SELECT i FROM item");
    ASSERT_TRUE(items.has_value());
    ASSERT_EQ(items->size(), 1u) << "the first attempt's row was rolled back";
    EXPECT_EQ(asInt((*items)[0][0]), 2);

    auto other = transaction(*db, [&](Connection& c) -> Result<void> {
        auto q = c.query("INSERT INTO item(i) VALUES(99)");
        if (!q) return std::unexpected(q.error());
        return fail(ErrorCode::InvalidArgument, "the caller changed its mind");
    });
    EXPECT_FALSE(other.has_value());
    EXPECT_EQ(count(*db, "item"), 1);
}

TEST_P(Sql, BeginCommitAndRollback) {
    auto r = db->with([](Connection& c) -> Result<void> {
        EXPECT_TRUE(c.begin().has_value());
        EXPECT_TRUE(c.query("INSERT INTO k(key) VALUES('gone')").has_value());
        c.rollback();
        EXPECT_TRUE(c.begin().has_value());
        EXPECT_TRUE(c.query("INSERT INTO k(key) VALUES('kept')").has_value());
        return c.commit();
    });
    ASSERT_TRUE(r.has_value()) << r.error().message;
    auto rows = run(*db, "SELECT key FROM k");
    ASSERT_TRUE(rows.has_value());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(asText((*rows)[0][0]), "kept");
}

TEST_P(Sql, ScriptRunsEveryStatement) {
    auto r = db->with([](Connection& c) {
        return c.script("INSERT INTO k(key) VALUES('x'); INSERT INTO k(key) VALUES('y');\n"
                        "INSERT INTO k(key) VALUES('z');");
    });
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(count(*db, "k"), 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, Sql, ::testing::ValuesIn(hubtest::backends()),
                         [](const auto& p) { return std::string(p.param.name); });

// --- PostgreSQL only -------------------------------------------------------

class Postgres : public ::testing::Test, protected SqlFixture {
protected:
    void SetUp() override {
        if (auto why = hubtest::postgresBackend().skipReason(); !why.empty()) GTEST_SKIP() << why;
        open(hubtest::postgresBackend());
        auto admin = openDatabase(scratch->spec(), 1);
        ASSERT_TRUE(admin.has_value()) << admin.error().message;
        killer = std::move(*admin);
    }
    void TearDown() override { killer.reset(); }
    // Ends every other session on the test database, as a server restart,
    // a failover or an administrator's pg_terminate_backend would, and
    // waits (at most 10 s) until their processes — and so their sockets —
    // are gone (the server runs on this machine).
    void endOtherSessions() {
        auto pids = run(*killer,
                        "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
        ASSERT_TRUE(pids.has_value()) << pids.error().message;
        for (const auto& row : *pids) {
            const auto pid = pid_t(asInt(row[0]));
            int waited = 0;
            while (::kill(pid, 0) == 0 || errno != ESRCH) {
                ASSERT_LT(++waited, 1000) << "backend " << pid << " still runs 10 s after pg_terminate_backend";
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
    }
    std::unique_ptr<Database> killer;
};

TEST_F(Postgres, DialectAndDdl) {
    auto r = db->with([](Connection& c) -> Result<void> {
        EXPECT_STREQ(c.dialect(), "postgresql");
        EXPECT_EQ(c.ddl("id {{AUTO_ID}}, b {{BLOB}}"), "id BIGSERIAL PRIMARY KEY, b BYTEA");
        return {};
    });
    EXPECT_TRUE(r.has_value());
    EXPECT_STREQ(db->dialect(), "postgresql");
}

TEST_F(Postgres, AnEndedSessionIsReplacedOnTheNextUse) {
    ASSERT_TRUE(run(*db, "INSERT INTO k(key) VALUES('before')").has_value());
    endOtherSessions();
    // Both pooled connections died while idle: a transaction goes to a new
    // connection without the caller noticing (begin() retries once).
    auto tx = transaction(*db, [](Connection& c) -> Result<void> {
        auto q = c.query("INSERT INTO k(key) VALUES('after')");
        if (!q) return std::unexpected(q.error());
        return {};
    });
    EXPECT_TRUE(tx.has_value()) << tx.error().message;
    endOtherSessions();
    // A plain statement usually notices the farewell before it is sent and
    // goes to a new connection; when the farewell arrives too late (a busy
    // machine) it fails once, with a connection error, and the next use
    // reconnects. It is never sent twice.
    auto plain = run(*db, "SELECT count(*) FROM k");
    if (!plain) {
        EXPECT_NE(plain.error().message.find("PostgreSQL"), std::string::npos) << plain.error().message;
        plain = run(*db, "SELECT count(*) FROM k");
    }
    ASSERT_TRUE(plain.has_value()) << plain.error().message;
    EXPECT_EQ(asInt((*plain)[0][0]), 2);
}

TEST_F(Postgres, ABrokenTransactionIsNeverFinishedOnAFreshConnection) {
    auto r = db->with([&](Connection& c) -> Result<void> {
        EXPECT_TRUE(c.begin().has_value());
        EXPECT_TRUE(c.query("INSERT INTO k(key) VALUES('first')").has_value());
        endOtherSessions();
        auto second = c.query("INSERT INTO k(key) VALUES('second')");
        EXPECT_FALSE(second.has_value());
        EXPECT_EQ(c.lastFailure(), SqlFailure::Connection);
        auto third = c.query("INSERT INTO k(key) VALUES('third')");
        EXPECT_FALSE(third.has_value()) << "ran outside the transaction it belongs to";
        EXPECT_EQ(c.lastFailure(), SqlFailure::Connection);
        EXPECT_FALSE(c.commit().has_value());
        c.rollback();
        auto after = c.query("SELECT count(*) FROM k");
        EXPECT_TRUE(after.has_value()) << "reconnects once the transaction is over";
        return {};
    });
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(count(*db, "k"), 0);
}

TEST_F(Postgres, AFailedStatementIsNeverCommitted) {
    ASSERT_TRUE(run(*db, "INSERT INTO k(key) VALUES('taken')").has_value());
    auto r = db->with([](Connection& c) -> Result<void> {
        EXPECT_TRUE(c.begin().has_value());
        EXPECT_TRUE(c.query("INSERT INTO item(i) VALUES(1)").has_value());
        EXPECT_FALSE(c.query("INSERT INTO k(key) VALUES('taken')").has_value());
        // A caller that ignores the failure and commits must hear about it.
        auto committed = c.commit();
        EXPECT_FALSE(committed.has_value());
        EXPECT_EQ(c.lastFailure(), SqlFailure::UniqueViolation);
        return {};
    });
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(count(*db, "item"), 0);
}

TEST_F(Postgres, AConnectionReturnedMidTransactionIsRolledBack) {
    auto r = db->with([](Connection& c) -> Result<void> {
        EXPECT_TRUE(c.begin().has_value());
        EXPECT_TRUE(c.query("INSERT INTO k(key) VALUES('forgotten')").has_value());
        return {};  // neither commit nor rollback
    });
    ASSERT_TRUE(r.has_value());
    // The pool lends the same connection again: had it kept the transaction,
    // it would see its own uncommitted row.
    EXPECT_EQ(count(*db, "k"), 0);
}

TEST_F(Postgres, PasswordsNeverShow) {
    const std::string secret = "s3cret-Pw";
    const std::string& spec = scratch->spec();  // postgresql://postgres@127.0.0.1:PORT/DB
    const auto at = spec.find('@');
    ASSERT_NE(at, std::string::npos);
    // The test server trusts loopback, so the password is accepted and ignored.
    auto withPassword = openDatabase(spec.substr(0, at) + ":" + secret + spec.substr(at), 1);
    ASSERT_TRUE(withPassword.has_value()) << withPassword.error().message;
    const std::string described = (*withPassword)->describe();
    EXPECT_EQ(described.find(secret), std::string::npos) << described;
    EXPECT_NE(described.find("postgres@127.0.0.1:"), std::string::npos) << described;

    for (const std::string& url :
         {"postgresql://hub:" + secret + "@127.0.0.1:1/hub", "postgresql://hub:" + secret + "@127.0.0.1:notaport/hub",
          "postgresql://hub@127.0.0.1:1/hub?password=" + secret, "postgresql://hub:" + secret + "@127.0.0.1/hub?bogus=1"}) {
        auto refused = openDatabase(url, 1);
        ASSERT_FALSE(refused.has_value()) << url;
        EXPECT_EQ(refused.error().message.find(secret), std::string::npos) << refused.error().message;
    }
}

TEST_F(Postgres, StatementErrorsDoNotQuoteRowValues) {
    // NOT NULL violations carry "Failing row contains (…)" in their DETAIL —
    // personal data the hub must not log.
    ASSERT_TRUE(db->with([](Connection& c) {
                      return c.script("CREATE TABLE person(name TEXT NOT NULL, phone TEXT NOT NULL)");
                  }).has_value());
    auto r = run(*db, "INSERT INTO person(name, phone) VALUES($1, $2)", {std::string("王小明"), Null{}});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message.find("王小明"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("23502"), std::string::npos) << r.error().message;
}

TEST_F(Postgres, TextWithANulByteIsRefusedNotTruncated) {
    auto r = run(*db, "INSERT INTO k(key) VALUES($1)", {std::string("a\0b", 3)});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(count(*db, "k"), 0);
}

// Case event ids must become visible in the order they were handed out: a
// kiosk reads "events after my cursor", so an id committed late below the
// cursor would never reach it. The store hands ids out from a counter row
// locked until commit (store.cpp nextEventId()). Here a slow transaction on
// "another hub" takes the next id first; a quick status change must then wait
// for it, and the kiosk reading in between sees neither, then both in order.
TEST_F(Postgres, ACaseEventCommittedLateStillReachesTheKiosk) {
    HubStore store(*db);
    ASSERT_TRUE(store.migrate().has_value());
    UploadRecord rec;
    rec.uuid = "u1";
    rec.kind = "case";
    rec.number = "N1";
    ASSERT_TRUE(store.storeBatch("KS0001", {rec}, 1).has_value());
    auto early = store.eventsForDevice("KS0001", 0, 100);
    ASSERT_TRUE(early.has_value() && early->size() == 1u);
    std::int64_t cursor = (*early)[0].id;
    std::vector<std::string> seen;
    std::thread quick;
    auto r = killer->with([&](Connection& slow) -> Result<void> {
        EXPECT_TRUE(slow.begin().has_value());
        auto id = slow.query("UPDATE event_counter SET value = value + 1 WHERE name = 'case_event' RETURNING value");
        EXPECT_TRUE(id.has_value() && !id->empty());
        EXPECT_TRUE(slow.query("INSERT INTO case_event(id, number, device_id, status, note, actor, at) "
                               "VALUES($1, 'N1', 'KS0001', 'slow', '', 'hub', 2)",
                               {asInt((*id)[0][0])})
                        .has_value());
        quick = std::thread([&] { EXPECT_TRUE(store.addCaseEvent("N1", "quick", "", "staff", 3).has_value()); });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        auto mid = store.eventsForDevice("KS0001", cursor, 100);
        EXPECT_TRUE(mid.has_value());
        for (const auto& e : *mid) {
            seen.push_back(e.status);
            cursor = e.id;
        }
        EXPECT_TRUE(seen.empty()) << "nothing is visible before the slow transaction commits";
        return slow.commit();
    });
    ASSERT_TRUE(r.has_value()) << r.error().message;
    quick.join();
    auto late = store.eventsForDevice("KS0001", cursor, 100);
    ASSERT_TRUE(late.has_value());
    for (const auto& e : *late) seen.push_back(e.status);
    EXPECT_EQ(seen, (std::vector<std::string>{"slow", "quick"}));
}
