// A thin RAII layer over the SQLite C API: a connection, prepared statements
// with typed bind/column helpers, and errors as values. Nothing here knows
// about content; the store's files do.
#pragma once

#include "base/error.h"

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace kiosk::sql {

class Statement;

class Database {
public:
    Database() = default;
    ~Database();
    Database(Database&& o) noexcept : m_db(std::exchange(o.m_db, nullptr)), m_path(std::move(o.m_path)) {}
    Database& operator=(Database&& o) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // flags: SQLITE_OPEN_READONLY, or SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE.
    [[nodiscard]] static Result<Database> open(const std::string& path, int flags);

    [[nodiscard]] Result<void> exec(std::string_view sql);
    [[nodiscard]] Result<Statement> prepare(std::string_view sql);
    [[nodiscard]] Result<std::int64_t> scalarInt(std::string_view sql);
    std::int64_t lastInsertRowid() const { return sqlite3_last_insert_rowid(m_db); }

    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    Error error(std::string_view what) const;  // "what: sqlite message (path)"

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

class Statement {
public:
    explicit Statement(sqlite3_stmt* s, sqlite3* db) : m_stmt(s), m_db(db) {}
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(Statement&& o) noexcept : m_stmt(std::exchange(o.m_stmt, nullptr)), m_db(o.m_db) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, std::string_view v) {
        sqlite3_bind_text(m_stmt, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(m_stmt, i, v);
        return *this;
    }
    Statement& bind(int i, int v) { return bind(i, std::int64_t(v)); }
    Statement& bind(int i, bool v) { return bind(i, std::int64_t(v ? 1 : 0)); }
    // Binds all values to parameters 1, 2, 3 … in order.
    template <class... T>
    Statement& bindAll(const T&... values) {
        int i = 0;
        (bind(++i, values), ...);
        return *this;
    }
    Statement& bindNull(int i) {
        sqlite3_bind_null(m_stmt, i);
        return *this;
    }

    // true: a row is ready; false: done. Errors come back as values.
    [[nodiscard]] Result<bool> step();
    // Runs to completion and resets for the next use.
    [[nodiscard]] Result<void> run();
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }

    std::string text(int col) const {
        const auto* p = sqlite3_column_text(m_stmt, col);
        return p ? std::string(reinterpret_cast<const char*>(p), std::size_t(sqlite3_column_bytes(m_stmt, col))) : "";
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(m_stmt, col); }
    double real(int col) const { return sqlite3_column_double(m_stmt, col); }
    bool isNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }
    sqlite3_stmt* handle() const { return m_stmt; }

private:
    sqlite3_stmt* m_stmt;
    sqlite3* m_db;
};

// BEGIN IMMEDIATE … COMMIT, rolled back unless commit() succeeded.
class Transaction {
public:
    explicit Transaction(Database& db) : m_db(db) {}
    ~Transaction() {
        if (m_open && !m_done) (void)m_db.exec("ROLLBACK");
    }
    [[nodiscard]] Result<void> begin() {
        auto r = m_db.exec("BEGIN IMMEDIATE");
        m_open = r.has_value();
        return r;
    }
    [[nodiscard]] Result<void> commit() {
        auto r = m_db.exec("COMMIT");
        m_done = r.has_value();
        return r;
    }

private:
    Database& m_db;
    bool m_open = false;
    bool m_done = false;
};

}  // namespace kiosk::sql
