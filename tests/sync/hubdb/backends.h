// The database backends the hub's tests run against, each handing out a
// fresh, empty database per test: a SQLite file in a temp dir, or a new
// database on the PostgreSQL test server that ctest starts as the fixture
// PostgresServer.Start (scripts/pg-test-server.sh; its admin URL is in the
// file KIOSK_PG_URL_FILE).
//
// PostgreSQL is never skipped silently: when its URL file is missing, every
// PostgreSQL case FAILS with a message saying how to start the server. Only
// the environment variable KIOSK_NO_POSTGRES=1 turns them into skips (for a
// machine without PostgreSQL; CI never sets it).
#pragma once

#include "hubdb/sql.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace kiosk::hubdb::hubtest {

// One scratch database; removed (PostgreSQL: dropped) when destroyed, so
// destroy every Database opened on it first.
class Scratch {
public:
    virtual ~Scratch() = default;
    // What openDatabase() takes to open it (again, e.g. for a second hub).
    virtual const std::string& spec() const = 0;
};

struct Backend {
    const char* name;  // "sqlite" | "postgresql"
    // Why this backend cannot run here, for GTEST_SKIP; empty when it can.
    std::function<std::string()> skipReason;
    // A new empty database; nullptr after recording a test failure that says why.
    std::function<std::unique_ptr<Scratch>(const std::string& test)> fresh;
};

// gtest prints a parameter by its name.
inline void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

std::vector<Backend> backends();
const Backend& postgresBackend();

// The test's name made safe for file and database names.
std::string currentTestName();

// The base fixture of the suites that run on every backend: SetUp skips where
// the backend cannot run, else opens a fresh database with `poolSize`
// connections and migrates it to the hub's schema (HubStore::migrate).
// Members are destroyed in reverse: the database before its scratch.
class MigratedDatabase : public ::testing::TestWithParam<Backend> {
protected:
    explicit MigratedDatabase(int poolSize = 4) : m_poolSize(poolSize) {}
    void SetUp() override;

    std::unique_ptr<Scratch> scratch;
    std::unique_ptr<Database> db;

private:
    int m_poolSize;
};

}  // namespace kiosk::hubdb::hubtest
