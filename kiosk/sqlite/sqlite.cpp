// SQLite RAII helpers.
#include "sqlite.h"

#include <fmt/format.h>

namespace kiosk::sql {

Database::~Database() {
    if (m_db) sqlite3_close_v2(m_db);
}

Database& Database::operator=(Database&& o) noexcept {
    if (this != &o) {
        if (m_db) sqlite3_close_v2(m_db);
        m_db = std::exchange(o.m_db, nullptr);
        m_path = std::move(o.m_path);
    }
    return *this;
}

Result<Database> Database::open(const std::string& path, int flags) {
    Database d;
    d.m_path = path;
    const int rc = sqlite3_open_v2(path.c_str(), &d.m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = d.m_db ? sqlite3_errmsg(d.m_db) : sqlite3_errstr(rc);
        return fail(rc == SQLITE_CANTOPEN ? ErrorCode::NotFound : ErrorCode::Io,
                    fmt::format("cannot open database {}: {}", path, msg));
    }
    sqlite3_extended_result_codes(d.m_db, 1);
    sqlite3_busy_timeout(d.m_db, 2000);
    return d;
}

Error Database::error(std::string_view what) const {
    return Error{ErrorCode::Io, fmt::format("{}: {} ({})", what, m_db ? sqlite3_errmsg(m_db) : "no database", m_path)};
}

Result<void> Database::exec(std::string_view sql) {
    char* err = nullptr;
    const std::string s(sql);
    if (sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        Error e{ErrorCode::Io, fmt::format("{} ({})", err ? err : "sqlite error", m_path)};
        sqlite3_free(err);
        return std::unexpected(e);
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(m_db, sql.data(), int(sql.size()), &s, nullptr) != SQLITE_OK)
        return std::unexpected(error(fmt::format("cannot prepare '{}'", sql.substr(0, 60))));
    return Statement(s, m_db);
}

Result<std::int64_t> Database::scalarInt(std::string_view sql) {
    auto st = prepare(sql);
    if (!st) return std::unexpected(st.error());
    auto row = st->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::NotFound, fmt::format("no row for '{}'", sql.substr(0, 60)));
    return st->integer(0);
}

Result<bool> Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return fail(ErrorCode::Io, fmt::format("sqlite: {}", sqlite3_errmsg(m_db)));
}

Result<void> Statement::run() {
    for (;;) {
        auto r = step();
        if (!r) {
            reset();
            return std::unexpected(r.error());
        }
        if (!*r) break;
    }
    reset();
    return {};
}

}  // namespace kiosk::sql
