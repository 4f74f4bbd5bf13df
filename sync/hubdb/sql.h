// The hub's database seam: one small interface that the hub's store is
// written against once, with two implementations — SQLite (WAL, the
// default, one machine) and PostgreSQL (libpqxx, several stateless hub
// processes behind a load balancer). SQL is written in the common subset of
// both dialects with $1…$n placeholders; DDL differences are named
// placeholders ({{AUTO_ID}}, {{BLOB}}) that each backend fills in.
#pragma once

#include "base/error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kiosk::hubdb {

struct Blob {
    std::string bytes;
};
struct Null {};
using Value = std::variant<Null, std::int64_t, std::string, Blob>;
using Params = std::vector<Value>;

// One result row: every column as text (integers in decimal, blobs as their
// bytes), std::nullopt for NULL.
using Row = std::vector<std::optional<std::string>>;
using Rows = std::vector<Row>;

// Why a statement failed, beyond the message: the store turns a unique-key
// race between two hub processes into a retry, not an error.
enum class SqlFailure { Other, UniqueViolation, Serialization, Connection };

class Connection {
public:
    virtual ~Connection() = default;
    virtual const char* dialect() const = 0;  // "sqlite" | "postgresql"
    // One statement with $1…$n parameters; rows it returns (if any).
    [[nodiscard]] virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
    // Several statements without parameters (schema).
    [[nodiscard]] virtual Result<void> script(std::string_view sql) = 0;
    [[nodiscard]] virtual Result<void> begin() = 0;
    [[nodiscard]] virtual Result<void> commit() = 0;
    virtual void rollback() = 0;
    // The failure class of the last error this connection returned.
    virtual SqlFailure lastFailure() const = 0;
    // DDL with {{AUTO_ID}} / {{BLOB}} filled in for this dialect.
    virtual std::string ddl(std::string_view text) const = 0;
};

// Connections shared by the hub's request threads. `with` lends one
// connection to `fn` (waiting for a free one) and returns what fn returns.
class Database {
public:
    virtual ~Database() = default;
    virtual const char* dialect() const = 0;
    virtual std::string describe() const = 0;  // for logs: path or host/db, never a password
    [[nodiscard]] virtual Result<void> with(const std::function<Result<void>(Connection&)>& fn) = 0;
};

// "postgresql://…" or "postgres://…" → PostgreSQL with `poolSize`
// connections; anything else is a SQLite file path (created, WAL).
[[nodiscard]] Result<std::unique_ptr<Database>> openDatabase(const std::string& spec, int poolSize = 4);

// Runs fn inside a transaction on one connection: commit on success,
// rollback on error; retried (up to `attempts`) when the failure was a
// unique-key race or a serialization failure between hub processes.
[[nodiscard]] Result<void> transaction(Database& db, const std::function<Result<void>(Connection&)>& fn,
                                       int attempts = 5);

// Helpers for reading rows.
std::int64_t asInt(const std::optional<std::string>& v, std::int64_t otherwise = 0);
std::string asText(const std::optional<std::string>& v);

}  // namespace kiosk::hubdb
