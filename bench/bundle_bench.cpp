// Verify-and-swap benchmark (a program, not a test). Builds a content
// database with 100,000 measures of ~150 characters once (plain SQL inserts
// into a measure-like table), then installs it as a signed bundle 5 times with
// rising versions and prints the median time of each step of installBundle():
// signature, sha256, integrity_check, fsync, intent record, rename, folder
// fsync, version record, total.
// A plain read of the same file, timed in the same run, is the baseline.
//
//   build/release/bench/bundle_bench [--measures N] [--runs N] [--dir PATH]
//
// The staging file is copied in before each run and so sits in the page
// cache, as a file that was just downloaded does. Target (hub issue): the
// swap of a 100,000-measure bundle is one step a visitor never waits for.
#include "bundle/install.h"
#include "bundle/manifest.h"
#include "crypto/crypto.h"
#include "sqlite/sqlite.h"

#include "bench_stats.h"
#include "harness/temp_dir.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace kiosk;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kSchema = 2;
constexpr std::int64_t kNow = 1795248000;  // 2026-11-21T08:00:00Z, the benchmark's trusted time

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// ~150 characters of policy-like Chinese text, different for every row.
std::string measureText(std::mt19937& rng) {
    static const std::array<const char*, 16> kPhrases = {
        "对符合条件的", "小微企业", "给予一次性", "吸纳就业补贴", "按实际缴纳的", "社会保险费",
        "最高不超过", "五十万元", "由所在地", "人力资源社会保障部门", "审核后", "拨付至企业账户",
        "申请材料包括", "营业执照复印件", "劳动合同", "及缴费凭证"};
    std::string out;
    int chars = 0;
    while (chars < 150) {
        const char* p = kPhrases[std::uniform_int_distribution<std::size_t>(0, kPhrases.size() - 1)(rng)];
        out += p;
        chars += int(std::string_view(p).size() / 3);
        out += std::to_string(std::uniform_int_distribution<int>(1, 999)(rng));
        chars += 3;
        out += "，";
        ++chars;
    }
    return out;
}

Result<void> buildDb(const fs::path& path, int measures) {
    fs::remove(path);
    auto db = sql::Database::open(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db) return std::unexpected(db.error());
    if (auto r = db->exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;"
                          "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                          "CREATE TABLE measure(id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL,"
                          " parent_id INTEGER, number TEXT NOT NULL, text TEXT NOT NULL);"
                          "BEGIN");
        !r)
        return r;
    auto st = db->prepare("INSERT INTO measure(document_id, parent_id, number, text) VALUES(?, ?, ?, ?)");
    if (!st) return std::unexpected(st.error());
    std::mt19937 rng(20261121);
    for (int i = 0; i < measures; ++i) {
        st->bindAll(i / 40, i % 40 == 0 ? std::int64_t(0) : std::int64_t(i - i % 40 + 1), fmt::format("第{}条", i % 40 + 1),
                    measureText(rng));
        if (auto r = st->run(); !r) return r;
    }
    return db->exec(fmt::format("CREATE INDEX measure_document ON measure(document_id);"
                                "INSERT INTO meta VALUES('version', 'bench');"
                                "COMMIT; PRAGMA journal_mode = DELETE; PRAGMA user_version = {};",
                                kSchema));
}

double readFileMs(const fs::path& p) {
    const auto t0 = Clock::now();
    std::ifstream in(p, std::ios::binary);
    std::vector<char> buf(1 << 16);
    std::size_t total = 0;
    while (in) {
        in.read(buf.data(), std::streamsize(buf.size()));
        total += std::size_t(in.gcount());
    }
    const double ms = msSince(t0);
    return total > 0 ? ms : 0.0;
}

}  // namespace

int main(int argc, char** argv) {
    int measures = 100000, runs = 5;
    fs::path dir;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--measures" && i + 1 < argc) measures = std::atoi(argv[++i]);
        else if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else {
            fmt::print(stderr, "usage: bundle_bench [--measures N] [--runs N] [--dir PATH]\n");
            return 2;
        }
    }
    if (measures < 1 || runs < 1) {
        fmt::print(stderr, "--measures and --runs must be positive\n");
        return 2;
    }
    const bool ownDir = dir.empty();
    if (ownDir) dir = harness::freshTempDir("kiosk-bundle-bench");
    else fs::create_directories(dir);
    const fs::path source = dir / "bundle.src.db", target = dir / "content.db";

    auto t0 = Clock::now();
    if (auto r = buildDb(source, measures); !r) {
        fmt::print(stderr, "cannot build the benchmark database: {}\n", r.error().message);
        return 1;
    }
    const double buildMs = msSince(t0);
    auto key = crypto::generateEd25519();
    auto manifest = bundle::makeManifest(source, 1, kNow, 7 * 24 * 3600, kSchema);
    if (!key || !manifest) {
        fmt::print(stderr, "cannot make the manifest: {}\n", manifest ? key.error().message : manifest.error().message);
        return 1;
    }
    const double sizeMb = double(fs::file_size(source)) / 1e6;

    std::vector<double> read, sig, sha, integrity, fsyncs, intent, rename, dirSync, state, total;
    std::int64_t installed = 0;
    for (int run = 0; run < runs; ++run) {
        const fs::path staging = bundle::stagingPathFor(target);
        fs::copy_file(source, staging, fs::copy_options::overwrite_existing);
        read.push_back(readFileMs(staging));
        auto m = *manifest;
        m["version"] = installed + 1;
        auto sm = bundle::signManifest(m, key->privatePem);
        if (!sm) {
            fmt::print(stderr, "cannot sign: {}\n", sm.error().message);
            return 1;
        }
        bundle::InstallRequest req{staging, *sm, key->publicPem, installed, kNow, target};
        auto rep = bundle::installBundle(req);
        if (!rep) {
            fmt::print(stderr, "install failed: {}\n", rep.error().message);
            return 1;
        }
        installed = rep->version;
        sig.push_back(rep->signatureMs);
        sha.push_back(rep->sha256Ms);
        integrity.push_back(rep->integrityMs);
        fsyncs.push_back(rep->fsyncMs);
        intent.push_back(rep->intentMs);
        rename.push_back(rep->renameMs);
        dirSync.push_back(rep->folderFsyncMs);
        state.push_back(rep->stateMs);
        total.push_back(rep->totalMs);
    }

    const double base = bench::percentile(read, 0.5);
    fmt::print("bundle_bench: {} measures, {:.1f} MB content database (built in {:.1f} s), {} runs\n", measures,
               sizeMb, buildMs / 1000.0, runs);
    fmt::print("{:<38} {:>10} {:>10} {:>10} {:>9}\n", "step", "median ms", "min ms", "max ms", "× read");
    auto row = [&](const char* name, const std::vector<double>& v) {
        fmt::print("{:<38} {:>10.2f} {:>10.2f} {:>10.2f} {:>9.2f}\n", name, bench::percentile(v, 0.5),
                   bench::percentile(v, 0.0), bench::percentile(v, 1.0),
                   base > 0 ? bench::percentile(v, 0.5) / base : 0.0);
    };
    row("read the file once (baseline)", read);
    row("signature + manifest checks", sig);
    row("sha256 of the bundle", sha);
    row("integrity_check (+ header, schema)", integrity);
    row("fsync of the staging file", fsyncs);
    row("intent record (+ sidecar check)", intent);
    row("rename over the target", rename);
    row("fsync of the folder", dirSync);
    row("version record", state);
    row("total verify-and-swap", total);
    if (ownDir) fs::remove_all(dir);
    return 0;
}
