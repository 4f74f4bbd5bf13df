// The PostgreSQL backend of sql.h (libpqxx 6, libpq): a pool of connections
// to one database that several stateless kiosk-hub processes may share. The
// store's SQL runs unchanged — PostgreSQL speaks $1…$n itself — as unnamed
// parameterised statements (no named prepared statements and no session
// state the store relies on, so a transaction-pooling PgBouncer in front is
// fine). Transactions are explicit BEGIN … COMMIT at READ COMMITTED on a
// pqxx::nontransaction, because the store drives begin/query/commit itself.
//
// It must never: put a password in describe() or in an error message; run a
// statement of a begun transaction on a fresh connection after the old one
// broke (that would commit half a transaction); or commit a transaction in
// which a statement failed (PostgreSQL would quietly roll it back instead).
//
// One connection's life:
//
//              connect() ok                   begin()
//   [closed] ─────────────────▶ [idle] ─────────────────▶ [in transaction]
//      ▲  ▲  broken connection     │  ▲   commit()/rollback()     │  │
//      │  └────────────────────────┘  └───────────────────────────┘  │
//      │        (next use reconnects)                                │
//      └──────── broken connection: [lost in transaction] ◀──────────┘
//                every query fails until rollback(), then [closed]
//
// Before each statement the connection reads what the server may have sent
// while it was idle (nothing goes out): one that died in the pool is
// replaced at once outside a transaction. begin() also retries once on a
// fresh connection if BEGIN itself found the old one broken (nothing has
// happened yet, so that is safe). A connection that breaks anywhere else is
// reported as SqlFailure::Connection, and the next use starts from [closed].
#include "sql.h"

#include "base/log.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <pqxx/binarystring>
#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include <condition_variable>
#include <mutex>

namespace kiosk::hubdb {
namespace {

constexpr unsigned kByteaOid = 17;            // pg_type.oid of bytea
constexpr const char* kConnectTimeout = "10";  // seconds, unless the URL says otherwise

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// The first line of a libpq/libpqxx message without its "ERROR:  " prefix:
// the DETAIL lines below it can quote row values (personal data).
std::string firstLine(std::string_view msg) {
    msg = msg.substr(0, msg.find('\n'));
    for (std::string_view prefix : {"ERROR:  ", "FATAL:  ", "WARNING:  ", "NOTICE:  "})
        if (msg.starts_with(prefix)) msg.remove_prefix(prefix.size());
    return std::string(msg);
}

std::string hexBytea(const std::string& bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + bytes.size() * 2);
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    }
    return out;
}

// True when a connection URL or conninfo carries a password, so that
// libpq's parse errors (which may quote it) must not be shown.
bool mayHoldPassword(std::string_view spec) {
    if (spec.find("password") != std::string_view::npos) return true;
    const auto scheme = spec.find("://");
    if (scheme == std::string_view::npos) return false;
    const auto authority = spec.substr(scheme + 3, spec.find('/', scheme + 3) - (scheme + 3));
    const auto at = authority.rfind('@');
    return at != std::string_view::npos && authority.substr(0, at).find(':') != std::string_view::npos;
}

// What every connection of the pool connects with: the URL turned into a
// keyword=value conninfo plus the defaults the hub needs (UTF-8, a bounded
// connect timeout, an application name DBAs can see in pg_stat_activity),
// and a description for logs — user, host, port, database; no password.
struct Target {
    std::string conninfo;
    std::string description;
};

Result<Target> targetFor(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
    if (!opts) {
        const std::string why = err ? firstLine(err) : "out of memory";
        if (err) PQfreemem(err);
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the PostgreSQL URL is not valid{}; expected "
                                "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAM=VALUE&…]",
                                mayHoldPassword(url) ? "" : fmt::format(" ({})", why)));
    }
    Target t;
    bool timeout = false;
    std::string user, host, port, dbname;
    for (const PQconninfoOption* o = opts; o->keyword; ++o) {
        if (!o->val) continue;
        const std::string_view key = o->keyword;
        if (key == "client_encoding") continue;  // always UTF8, below
        if (key == "connect_timeout") timeout = true;
        if (key == "user") user = o->val;
        if (key == "host" || (key == "hostaddr" && host.empty())) host = o->val;
        if (key == "port") port = o->val;
        if (key == "dbname") dbname = o->val;
        fmt::format_to(std::back_inserter(t.conninfo), "{}='{}' ", key,
                       replaceAll(replaceAll(o->val, "\\", "\\\\"), "'", "\\'"));
    }
    PQconninfoFree(opts);
    if (!timeout) fmt::format_to(std::back_inserter(t.conninfo), "connect_timeout={} ", kConnectTimeout);
    t.conninfo += "client_encoding=UTF8 fallback_application_name=kiosk-hub";
    t.description = fmt::format("postgresql {}{}{}{}/{}", user, user.empty() ? "" : "@",
                                host.empty() ? "localhost" : host, port.empty() ? "" : ":" + port,
                                dbname.empty() ? user : dbname);
    return t;
}

// Routes the server's warnings and notices to the "hubdb" log channel
// instead of libpqxx's default (plain stderr).
class LogNotices final : public pqxx::errorhandler {
public:
    explicit LogNotices(pqxx::connection_base& c) : pqxx::errorhandler(c) {}
    bool operator()(const char msg[]) noexcept override {
        try {
            log::channel("hubdb")->warn("postgresql: {}", firstLine(msg));
        } catch (...) {
        }
        return false;
    }
};

class PgConnection final : public Connection {
public:
    PgConnection(const std::string& conninfo, const std::string& description)
        : m_conninfo(conninfo), m_description(description) {}
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;
    ~PgConnection() override { drop(); }

    const char* dialect() const override { return "postgresql"; }
    std::string ddl(std::string_view text) const override {
        return replaceAll(replaceAll(std::string(text), "{{AUTO_ID}}", "BIGSERIAL PRIMARY KEY"), "{{BLOB}}", "BYTEA");
    }
    SqlFailure lastFailure() const override { return m_failure; }
    bool inTransaction() const { return m_inTx; }
    std::string server() const {
        if (!m_conn) return m_description;
        const char* host = m_conn->hostname();
        const char* port = m_conn->port();
        return fmt::format("postgresql {}@{}:{}/{}", m_conn->username() ? m_conn->username() : "",
                           host ? host : "", port ? port : "", m_conn->dbname() ? m_conn->dbname() : "");
    }

    // [closed] → [idle]; a no-op when already connected.
    Result<void> connect() {
        if (m_conn) return {};
        try {
            auto c = std::make_unique<pqxx::connection>(m_conninfo);
            auto notices = std::make_unique<LogNotices>(*c);
            pqxx::nontransaction w(*c);
            // "relation … already exists, skipping" and the like are noise.
            w.exec("SET client_min_messages TO warning");
            w.commit();
            m_conn = std::move(c);
            m_notices = std::move(notices);
            return {};
        } catch (const std::exception& e) {
            m_failure = SqlFailure::Connection;
            return fail(ErrorCode::Io, fmt::format("cannot connect to PostgreSQL ({}): {}; check that the server "
                                                   "runs and that the --db URL's host, port, user and database "
                                                   "are right",
                                                   m_description, firstLine(e.what())));
        }
    }

    Result<Rows> query(std::string_view sqlText, const Params& params) override {
        // Parameters go as text (libpqxx 6 cannot mix text and binary in a
        // runtime-sized list); PostgreSQL infers each one's type from where
        // it stands, and reads the \x… hex form of a Blob as bytea.
        std::vector<std::string> text(params.size());
        std::vector<const char*> values(params.size(), nullptr);
        for (std::size_t i = 0; i < params.size(); ++i) {
            bool isNull = false;
            bool badText = false;
            std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, Null>) isNull = true;
                    else if constexpr (std::is_same_v<T, std::int64_t>) text[i] = std::to_string(v);
                    else if constexpr (std::is_same_v<T, std::string>) {
                        badText = v.find('\0') != std::string::npos;
                        text[i] = v;
                    } else text[i] = hexBytea(v.bytes);
                },
                params[i]);
            if (badText) {
                m_failure = SqlFailure::Other;
                return fail(ErrorCode::InvalidArgument,
                            fmt::format("parameter ${} is text with a NUL byte, which PostgreSQL cannot store; "
                                        "bind it as a Blob",
                                        i + 1));
            }
            if (!isNull) values[i] = text[i].c_str();
        }
        auto r = run(sqlText, [&](pqxx::nontransaction& w) {
            return values.empty() ? w.exec(std::string(sqlText))
                                  : w.exec_params(std::string(sqlText), pqxx::prepare::make_dynamic_params(values));
        });
        if (!r) return std::unexpected(r.error());
        return toRows(*r);
    }

    Result<void> script(std::string_view text) override {
        auto r = run(text, [&](pqxx::nontransaction& w) { return w.exec(std::string(text)); });
        if (!r) return std::unexpected(r.error());
        return {};
    }

    Result<void> begin() override {
        if (m_inTx) rollback();  // a caller that lost track: never nest into a stale transaction
        for (int attempt = 0;; ++attempt) {
            auto r = run("BEGIN", [](pqxx::nontransaction& w) {
                return w.exec("BEGIN ISOLATION LEVEL READ COMMITTED");
            });
            if (r) break;
            if (m_failure != SqlFailure::Connection || attempt > 0) return std::unexpected(r.error());
        }
        m_inTx = true;
        m_txFailure.reset();
        return {};
    }

    Result<void> commit() override {
        if (!m_inTx) {
            m_failure = SqlFailure::Other;
            return fail(ErrorCode::Internal, "commit() without begin() on the PostgreSQL connection");
        }
        if (m_txFailure) {
            const SqlFailure why = *m_txFailure;
            rollback();
            m_failure = why;
            return fail(ErrorCode::Io, fmt::format("PostgreSQL ({}) rolled the transaction back because a statement "
                                                   "in it failed",
                                                   m_description));
        }
        auto r = run("COMMIT", [](pqxx::nontransaction& w) { return w.exec("COMMIT"); });
        m_inTx = false;
        m_txFailure.reset();
        if (!r) {
            if (m_failure == SqlFailure::Connection)
                r.error().message += "; the transaction may or may not have been committed";
            return std::unexpected(r.error());
        }
        return {};
    }

    void rollback() override {
        const SqlFailure keep = m_failure;  // transaction() asks why it failed after rolling back
        if (m_inTx && m_conn) (void)run("ROLLBACK", [](pqxx::nontransaction& w) { return w.exec("ROLLBACK"); });
        m_inTx = false;
        m_txFailure.reset();
        m_failure = keep;
    }

private:
    void drop() {
        m_notices.reset();  // unregisters from the connection, so first
        m_conn.reset();
    }

    template <class F>
    Result<pqxx::result> run(std::string_view sqlText, F&& exec) {
        m_failure = SqlFailure::Other;
        // A connection that died while idle in the pool (server restart,
        // failover, idle timeout, pg_terminate_backend) has its goodbye
        // waiting in the socket: read it without sending anything, so that
        // outside a transaction the statement simply goes to a new
        // connection. (This also keeps libpqxx 6.4 off its path that leaks
        // the error result of a statement sent on a dead connection.)
        if (m_conn) {
            // Twice: the first read may stop after the server's farewell
            // message, the second then sees the end of the stream.
            for (int i = 0; i < 2 && m_conn->is_open(); ++i) {
                try {
                    m_conn->get_notifs();
                } catch (const std::exception&) {
                }
            }
            if (!m_conn->is_open()) drop();
        }
        if (!m_conn) {
            if (m_inTx) {
                m_failure = SqlFailure::Connection;
                if (!m_txFailure) m_txFailure = m_failure;
                return fail(ErrorCode::Io, fmt::format("the connection to PostgreSQL ({}) broke inside a "
                                                       "transaction; roll back and start again",
                                                       m_description));
            }
            if (auto c = connect(); !c) return std::unexpected(c.error());
        }
        std::string message;
        std::string state;
        try {
            pqxx::nontransaction w(*m_conn);
            pqxx::result r = exec(w);
            w.commit();  // of the pqxx object only: nontransaction sends nothing
            return r;
        } catch (const pqxx::broken_connection& e) {
            m_failure = SqlFailure::Connection;
            message = e.what();
        } catch (const pqxx::in_doubt_error& e) {
            m_failure = SqlFailure::Connection;
            message = e.what();
        } catch (const pqxx::sql_error& e) {
            state = e.sqlstate();
            message = e.what();
            if (state == "23505") m_failure = SqlFailure::UniqueViolation;
            else if (state == "40001" || state == "40P01") m_failure = SqlFailure::Serialization;
            else if (state.starts_with("08") || state.starts_with("57P")) m_failure = SqlFailure::Connection;
        } catch (const std::exception& e) {
            message = e.what();
        }
        if (!m_conn->is_open()) m_failure = SqlFailure::Connection;
        if (m_failure == SqlFailure::Connection) drop();
        if (m_inTx && !m_txFailure) m_txFailure = m_failure;
        return fail(ErrorCode::Io, fmt::format("PostgreSQL ({}): {}{} in '{}'", m_description, firstLine(message),
                                               state.empty() ? "" : fmt::format(" [SQLSTATE {}]", state),
                                               sqlText.substr(0, 60)));
    }

    static Rows toRows(const pqxx::result& r) {
        const auto cols = r.columns();
        std::vector<bool> bytea(cols);
        for (pqxx::row::size_type c = 0; c < cols; ++c) bytea[c] = r.column_type(c) == kByteaOid;
        Rows rows;
        rows.reserve(r.size());
        for (const auto& row : r) {
            Row out;
            out.reserve(cols);
            for (pqxx::row::size_type c = 0; c < cols; ++c) {
                const pqxx::field f = row[c];
                if (f.is_null()) out.emplace_back(std::nullopt);
                else if (bytea[c]) out.emplace_back(pqxx::binarystring(f).str());
                else out.emplace_back(std::string(f.c_str(), f.size()));
            }
            rows.push_back(std::move(out));
        }
        return rows;
    }

    const std::string& m_conninfo;
    const std::string& m_description;
    std::unique_ptr<pqxx::connection> m_conn;
    std::unique_ptr<LogNotices> m_notices;  // must go before m_conn
    bool m_inTx = false;                     // between begin() and commit()/rollback()
    std::optional<SqlFailure> m_txFailure;   // why a statement of this transaction failed
    SqlFailure m_failure = SqlFailure::Other;
};

class PgDatabase final : public Database {
public:
    PgDatabase(std::string conninfo, std::string description)
        : m_conninfo(std::move(conninfo)), m_description(std::move(description)) {}
    const char* dialect() const override { return "postgresql"; }
    std::string describe() const override { return m_description; }

    Result<void> open(int poolSize) {
        for (int i = 0; i < std::max(1, poolSize); ++i) {
            auto c = std::make_unique<PgConnection>(m_conninfo, m_description);
            if (auto r = c->connect(); !r) return r;
            if (i == 0) m_description = c->server();
            m_free.push_back(std::move(c));
        }
        return {};
    }

    Result<void> with(const std::function<Result<void>(Connection&)>& fn) override {
        std::unique_ptr<PgConnection> c;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return !m_free.empty(); });
            c = std::move(m_free.back());
            m_free.pop_back();
        }
        // Back to the pool however fn leaves — and never inside a
        // transaction fn forgot to finish, or the next borrower would run
        // its statements in it.
        struct GiveBack {
            PgDatabase& db;
            std::unique_ptr<PgConnection>& c;
            ~GiveBack() {
                if (c->inTransaction()) c->rollback();
                {
                    std::lock_guard lock(db.m_mutex);
                    db.m_free.push_back(std::move(c));
                }
                db.m_cv.notify_one();
            }
        } giveBack{*this, c};
        return fn(*c);
    }

private:
    const std::string m_conninfo;
    std::string m_description;  // set once in open(), read-only afterwards
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<std::unique_ptr<PgConnection>> m_free;
};

}  // namespace

Result<std::unique_ptr<Database>> openPostgres(const std::string& url, int poolSize) {
    auto target = targetFor(url);
    if (!target) return std::unexpected(target.error());
    auto db = std::make_unique<PgDatabase>(std::move(target->conninfo), std::move(target->description));
    if (auto r = db->open(poolSize); !r) return std::unexpected(r.error());
    return std::unique_ptr<Database>(std::move(db));
}

}  // namespace kiosk::hubdb
