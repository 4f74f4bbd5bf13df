// The SQLite backend of sql.h: one WAL database file, a small pool of
// connections (readers run in parallel; SQLite serialises writers, and
// BEGIN IMMEDIATE makes a writer wait for the lock instead of failing).
// $N placeholders become SQLite's ?N, so the store's SQL is shared.
#include "sql.h"

#include "sqlite/sqlite.h"

#include <fmt/format.h>

#include <condition_variable>
#include <mutex>
#include <regex>

namespace kiosk::hubdb {
namespace {

std::string toSqlite(std::string_view sql) {
    std::string out;
    out.reserve(sql.size());
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) out += '?';
        else out += sql[i];
    }
    return out;
}

std::string fillDdl(std::string_view text) {
    std::string s(text);
    s = std::regex_replace(s, std::regex(R"(\{\{AUTO_ID\}\})"), "INTEGER PRIMARY KEY AUTOINCREMENT");
    s = std::regex_replace(s, std::regex(R"(\{\{BLOB\}\})"), "BLOB");
    return s;
}

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(sql::Database db) : m_db(std::move(db)) {}
    const char* dialect() const override { return "sqlite"; }
    std::string ddl(std::string_view text) const override { return fillDdl(text); }
    SqlFailure lastFailure() const override { return m_failure; }

    Result<Rows> query(std::string_view sqlText, const Params& params) override {
        m_failure = SqlFailure::Other;
        sqlite3_stmt* raw = nullptr;
        const std::string q = toSqlite(sqlText);
        if (sqlite3_prepare_v2(m_db.handle(), q.c_str(), int(q.size()), &raw, nullptr) != SQLITE_OK)
            return failHere("prepare");
        sql::Statement st(raw, m_db.handle());
        for (std::size_t i = 0; i < params.size(); ++i) {
            const int at = int(i) + 1;
            std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, Null>) st.bindNull(at);
                    else if constexpr (std::is_same_v<T, std::int64_t>) st.bind(at, v);
                    else if constexpr (std::is_same_v<T, std::string>) st.bind(at, v);
                    else sqlite3_bind_blob(st.handle(), at, v.bytes.data(), int(v.bytes.size()), SQLITE_TRANSIENT);
                },
                params[i]);
        }
        Rows rows;
        const int cols = sqlite3_column_count(raw);
        for (;;) {
            const int rc = sqlite3_step(raw);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return failHere("step");
            Row row;
            row.reserve(std::size_t(cols));
            for (int c = 0; c < cols; ++c) {
                if (sqlite3_column_type(raw, c) == SQLITE_NULL) {
                    row.emplace_back(std::nullopt);
                } else {
                    const auto* p = static_cast<const char*>(sqlite3_column_blob(raw, c));
                    row.emplace_back(std::string(p ? p : "", std::size_t(sqlite3_column_bytes(raw, c))));
                }
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }
    Result<void> script(std::string_view text) override {
        m_failure = SqlFailure::Other;
        return m_db.exec(text);
    }
    Result<void> begin() override { return m_db.exec("BEGIN IMMEDIATE"); }
    Result<void> commit() override { return m_db.exec("COMMIT"); }
    void rollback() override { (void)m_db.exec("ROLLBACK"); }

private:
    std::unexpected<Error> failHere(const char* what) {
        const int ext = sqlite3_extended_errcode(m_db.handle());
        m_failure = ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE ? SqlFailure::UniqueViolation
                    : (ext & 0xff) == SQLITE_BUSY                                          ? SqlFailure::Serialization
                                                                                           : SqlFailure::Other;
        return std::unexpected(m_db.error(what));
    }

    sql::Database m_db;
    SqlFailure m_failure = SqlFailure::Other;
};

class SqliteDatabase final : public Database {
public:
    SqliteDatabase(std::string path, std::vector<std::unique_ptr<SqliteConnection>> conns)
        : m_path(std::move(path)), m_free(std::move(conns)) {}
    const char* dialect() const override { return "sqlite"; }
    std::string describe() const override { return "sqlite " + m_path; }
    Result<void> with(const std::function<Result<void>(Connection&)>& fn) override {
        std::unique_ptr<SqliteConnection> c;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return !m_free.empty(); });
            c = std::move(m_free.back());
            m_free.pop_back();
        }
        auto r = fn(*c);
        {
            std::lock_guard lock(m_mutex);
            m_free.push_back(std::move(c));
        }
        m_cv.notify_one();
        return r;
    }

private:
    std::string m_path;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::unique_ptr<SqliteConnection>> m_free;
};

}  // namespace

Result<std::unique_ptr<Database>> openSqlite(const std::string& path, int poolSize) {
    std::vector<std::unique_ptr<SqliteConnection>> conns;
    for (int i = 0; i < std::max(1, poolSize); ++i) {
        auto db = sql::Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
        if (!db) return std::unexpected(db.error());
        // WAL: readers never block the writer. NORMAL is durable across a hub
        // process crash (only a power cut can lose the last commits; the
        // kiosk resends anything it has no acknowledgement for).
        if (auto r = db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"); !r)
            return std::unexpected(r.error());
        sqlite3_busy_timeout(db->handle(), 10'000);
        conns.push_back(std::make_unique<SqliteConnection>(std::move(*db)));
    }
    return std::unique_ptr<Database>(new SqliteDatabase(path, std::move(conns)));
}

}  // namespace kiosk::hubdb
