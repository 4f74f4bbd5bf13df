// Fresh databases for the hub's tests on each backend (see backends.h): a
// SQLite file under the temp dir, or `CREATE DATABASE hubtest_<pid>_<n>` on
// the PostgreSQL test server through its admin URL, dropped afterwards.
#include "harness/temp_dir.h"
#include "backends.h"
#include "hubdb/store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#ifndef KIOSK_PG_URL_FILE
#error "KIOSK_PG_URL_FILE must name the file scripts/pg-test-server.sh writes the admin URL to"
#endif

namespace fs = std::filesystem;

namespace kiosk::hubdb::hubtest {
namespace {

class SqliteScratch final : public Scratch {
public:
    explicit SqliteScratch(fs::path dir) : m_dir(std::move(dir)), m_spec((m_dir / "hub.db").string()) {}
    ~SqliteScratch() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    const std::string& spec() const override { return m_spec; }

private:
    fs::path m_dir;
    std::string m_spec;
};

std::unique_ptr<Scratch> freshSqlite(const std::string& test) {
    static std::atomic<int> counter{0};
    return std::make_unique<SqliteScratch>(harness::freshTempDir(fmt::format("hubdb-{}-{}", test, counter++)));
}

bool noPostgres() {
    const char* v = std::getenv("KIOSK_NO_POSTGRES");
    return v && std::string(v) == "1";
}

std::string postgresSkipReason() {
    return noPostgres() ? "KIOSK_NO_POSTGRES=1: the PostgreSQL backend is not tested on this machine" : "";
}

class PostgresScratch final : public Scratch {
public:
    PostgresScratch(std::unique_ptr<Database> admin, std::string name, std::string spec)
        : m_admin(std::move(admin)), m_name(std::move(name)), m_spec(std::move(spec)) {}
    ~PostgresScratch() override {
        // FORCE: a connection a failed test leaked must not keep it alive.
        auto r = m_admin->with([&](Connection& c) -> Result<void> {
            auto q = c.query(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", m_name));
            if (!q) return std::unexpected(q.error());
            return {};
        });
        EXPECT_TRUE(r.has_value()) << r.error().message;
    }
    const std::string& spec() const override { return m_spec; }

private:
    std::unique_ptr<Database> m_admin;
    std::string m_name, m_spec;
};

std::unique_ptr<Scratch> freshPostgres(const std::string&) {
    std::ifstream in(KIOSK_PG_URL_FILE);
    std::string adminUrl;
    if (!in || !std::getline(in, adminUrl) || adminUrl.empty()) {
        ADD_FAILURE() << "the PostgreSQL test server is not running: " << KIOSK_PG_URL_FILE
                      << " is missing. Run the tests through ctest (its fixture PostgresServer.Start starts the "
                         "server), or start it by hand with `scripts/pg-test-server.sh start "
                      << fs::path(KIOSK_PG_URL_FILE).parent_path().string()
                      << "` (scripts/install-deps.sh installs PostgreSQL). Set KIOSK_NO_POSTGRES=1 to skip the "
                         "PostgreSQL cases on a machine without it.";
        return nullptr;
    }
    auto admin = openDatabase(adminUrl, 1);
    if (!admin) {
        ADD_FAILURE() << "cannot reach the PostgreSQL test server at " << adminUrl << ": " << admin.error().message
                      << " — restart it with `scripts/pg-test-server.sh start "
                      << fs::path(KIOSK_PG_URL_FILE).parent_path().string() << "`";
        return nullptr;
    }
    static std::atomic<int> counter{0};
    const std::string name = fmt::format("hubtest_{}_{}", getpid(), counter++);
    auto made = (*admin)->with([&](Connection& c) -> Result<void> {
        for (const auto& sql : {fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name),
                                fmt::format("CREATE DATABASE {}", name)}) {
            auto q = c.query(sql);
            if (!q) return std::unexpected(q.error());
        }
        return {};
    });
    if (!made) {
        ADD_FAILURE() << made.error().message;
        return nullptr;
    }
    const std::string spec = adminUrl.substr(0, adminUrl.rfind('/') + 1) + name;
    return std::make_unique<PostgresScratch>(std::move(*admin), name, spec);
}

}  // namespace

const Backend& postgresBackend() {
    static const Backend b{"postgresql", postgresSkipReason, freshPostgres};
    return b;
}

std::vector<Backend> backends() {
    return {{"sqlite", [] { return std::string(); }, freshSqlite}, postgresBackend()};
}

std::string currentTestName() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? info->name() : "test";
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

void MigratedDatabase::SetUp() {
    if (auto why = GetParam().skipReason(); !why.empty()) GTEST_SKIP() << why;
    scratch = GetParam().fresh(currentTestName());
    ASSERT_TRUE(scratch);
    auto opened = openDatabase(scratch->spec(), m_poolSize);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    db = std::move(*opened);
    auto migrated = HubStore(*db).migrate();
    ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
}

}  // namespace kiosk::hubdb::hubtest
