// Sync benchmark (a program, not a test): prints one table with the hub
// issue's sync targets, measured on this machine, and never fails on a
// timing. Rows:
//   1. drain N queued records (default 10,000) over TLS loopback: a real
//      `kiosk-hub serve` on 127.0.0.1 with SQLite, a provisioned kiosk whose
//      outbox was filled with outbox::Outbox exactly as the UI fills it, and
//      `kioskctl sync --once` timed until every record is acknowledged.
//      Split: the hub's own time handling /v1/upload (its /metrics), the
//      fixed cost of one cycle (an empty `sync --once`: process start, TLS
//      handshakes, status fetch), the kiosk's outbox alone (takeBatch and
//      acknowledge on a copy, in-process, no network), and the rest per batch
//      (connection, TLS, JSON, transfer). For scale, one small HTTPS request
//      (GET /metrics on a new connection, as HubClient makes every request)
//      is timed in-process too; it is not subtracted, only shown.
//   2. hub ingest: hubdb::HubStore::storeBatch called in-process from 2
//      threads, batches of 200 distinct records, 20,000 records per run, a
//      fresh database per run — SQLite, then PostgreSQL on a private server
//      started with scripts/pg-test-server.sh (stopped at the end, on error
//      and on Ctrl-C too). If PostgreSQL cannot start, its row says why.
//   3. verify-and-swap of a 100,000-measure bundle: bundle_bench's total.
//   4. an OS update round for a 64 MiB bundle over TLS loopback: `kiosk-hub
//      os-update publish`, then osupdate::fetchOsUpdate in-process — download,
//      size and sha256 check, hand-over to DATA/updates — with the sha256 of
//      the file alone timed beside it.
// Each row is the median of --runs runs (default 3), with min and max.
//
//   build/release/bench/sync_bench [--records N] [--runs N] [--dir PATH]
//                                  [--hub KIOSK_HUB] [--no-postgres] [--no-bundle]
//
// --hub runs another kiosk-hub binary in row 1 (to compare a change); rows 2
// and 3 always measure this build's libraries.
//
// Targets (hub issue): drain ≤ 3 s; ingest ≥ 5,000 records/s on 2 cores.
#include "client/hub_client.h"
#include "base/log.h"
#include "client/os_update.h"
#include "crypto/crypto.h"
#include "hubdb/sql.h"
#include "hubdb/store.h"
#include "outbox/outbox.h"

#include "bench_stats.h"
#include "harness/hub.h"
#include "harness/process.h"
#include "harness/temp_dir.h"
#include "kiosk_records.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <expected>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace kiosk;
using namespace std::chrono_literals;
using harness::Clock;
using harness::Hub;
using harness::msSince;
using harness::Ran;
using harness::run;
using bench::submission;

namespace {

// The kiosk-hub binary: this build's, or --hub PATH (to compare hub builds).
std::string g_hubBin = KIOSK_HUB_BIN;

// [SECTION] Row 1: drain over TLS loopback

struct DrainRun {
    double totalMs = 0;       // every `sync --once` until all acknowledged
    int cycles = 0, batches = 0;
    long acked = 0;
    double hubUploadMs = 0;   // the hub's /v1/upload handler time (its /metrics)
    double emptyCycleMs = 0;  // one more `sync --once` with nothing to send
    double requestMs = 0;     // one small HTTPS request on a new HubClient call (GET /metrics), median of 20
    std::string problem;      // empty when the run worked
};

// kiosk_hub_request_ms_sum{route="/v1/upload"} from the hub's /metrics.
std::optional<double> hubUploadMs(const fs::path& kiosk) {
    auto config = sync::loadHubConfig(kiosk);
    if (!config) return std::nullopt;
    auto res = sync::HubClient(*config).get("/metrics");
    if (!res || res->status != 200) return std::nullopt;
    static const std::regex kLine(R"re(kiosk_hub_request_ms_sum\{route="/v1/upload"\} ([0-9.]+))re");
    std::smatch m;
    if (!std::regex_search(res->body, m, kLine)) return std::nullopt;
    return std::stod(m[1].str());
}

long ackedIn(const fs::path& kiosk, const std::string& deviceId) {
    auto box = outbox::Outbox::open(kiosk.string(), deviceId);
    if (!box) return -1;
    auto st = box->status(0);
    return st ? st->acked : -1;
}

struct DrainSetup {
    fs::path hubSeed, kioskSeed;
    std::string deviceId;
    int port = 0;
    double enqueueMs = 0;
    std::string problem;
};

// A hub with one enrolled kiosk whose outbox holds `records` records; both
// folders are copied for every run so each starts from the same state.
DrainSetup prepareDrain(const fs::path& dir, int records) {
    DrainSetup s;
    s.hubSeed = dir / "hub-seed";
    s.kioskSeed = dir / "kiosk-seed";
    s.port = harness::freePort();
    {
        Hub hub(g_hubBin, s.hubSeed, s.port);
        if (!hub.start()) return s.problem = "kiosk-hub did not start: " + hub.latestLog(), s;
        const Ran p = run({g_hubBin, "--data", s.hubSeed.string(), "provision-file", "--site", "青浦区行政服务中心",
                           "--out", (dir / "prov.json").string(), "--url", fmt::format("https://127.0.0.1:{}", s.port)},
                          dir / "provision-file");
        if (p.code != 0) return s.problem = "provision-file failed: " + p.err, s;
        const Ran k = run({KIOSKCTL_BIN, "--data", s.kioskSeed.string(), "provision", "--file", (dir / "prov.json").string()},
                          dir / "provision");
        if (k.code != 0) return s.problem = "kioskctl provision failed: " + k.err, s;
    }
    auto config = sync::loadHubConfig(s.kioskSeed);
    if (!config) return s.problem = config.error().message, s;
    s.deviceId = config->deviceId;
    auto box = outbox::Outbox::open(s.kioskSeed.string(), s.deviceId);
    if (!box) return s.problem = box.error().message, s;
    std::mt19937 rng(20261121);
    std::tm day{};
    day.tm_year = 126;
    day.tm_mon = 10;
    day.tm_mday = 21;
    const auto t0 = Clock::now();
    for (int i = 0; i < records; ++i) {
        auto r = box->enqueue(submission(rng, i), 1'795'248'000'000 + i, day);
        if (!r) return s.problem = "enqueue: " + r.error().message, s;
    }
    s.enqueueMs = msSince(t0);
    return s;
}

DrainRun drainOnce(const DrainSetup& setup, const fs::path& dir, int records, int runIndex) {
    DrainRun d;
    const fs::path hubDir = dir / "hub", kiosk = dir / "kiosk";
    fs::remove_all(hubDir);
    fs::remove_all(kiosk);
    fs::copy(setup.hubSeed, hubDir, fs::copy_options::recursive);
    fs::copy(setup.kioskSeed, kiosk, fs::copy_options::recursive);
    Hub hub(g_hubBin, hubDir, setup.port);
    if (!hub.start()) return d.problem = "kiosk-hub did not start: " + hub.latestLog(), d;
    const std::vector<std::string> sync{KIOSKCTL_BIN, "--data", kiosk.string(), "sync", "--once", "--json"};
    for (int cycle = 0; cycle < 5 && d.acked < records; ++cycle) {
        const Ran r = run(sync, dir / fmt::format("sync-{}-{}", runIndex, cycle));
        d.totalMs += r.ms;
        ++d.cycles;
        auto j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
        if (j.is_discarded()) return d.problem = "sync printed no JSON: " + r.err, d;
        d.batches += j.value("batches", 0);
        d.acked = ackedIn(kiosk, setup.deviceId);
        if (r.code != 0 && cycle == 4) return d.problem = "sync stopped: " + j.value("error", std::string()), d;
    }
    if (d.acked < records) return d.problem = fmt::format("only {} of {} records acknowledged", d.acked, records), d;
    d.hubUploadMs = hubUploadMs(kiosk).value_or(-1);
    d.emptyCycleMs = run(sync, dir / fmt::format("sync-{}-empty", runIndex)).ms;
    if (auto config = sync::loadHubConfig(kiosk)) {
        const sync::HubClient client(*config);
        std::vector<double> each;
        for (int i = 0; i < 20; ++i) {
            const auto t0 = Clock::now();
            if (auto res = client.get("/metrics"); res && res->status == 200) each.push_back(msSince(t0));
        }
        d.requestMs = each.empty() ? -1 : bench::percentile(each, 0.5);
    }
    return d;
}

// What the kiosk's outbox alone costs for the same drain, no network:
// takeBatch(200) and acknowledge() of the whole batch, as SyncEngine::upload
// does, on a copy of the same outbox. Milliseconds, or -1.
double outboxOnlyMs(const DrainSetup& setup, const fs::path& dir, int records) {
    const fs::path kiosk = dir / "kiosk-outbox-only";
    fs::remove_all(kiosk);
    fs::copy(setup.kioskSeed, kiosk, fs::copy_options::recursive);
    auto box = outbox::Outbox::open(kiosk.string(), setup.deviceId);
    if (!box) return -1;
    const auto t0 = Clock::now();
    long done = 0;
    for (int b = 0; b < 1000 && done < records; ++b) {
        auto batch = box->takeBatch(200);
        if (!batch || batch->empty()) return -1;
        std::vector<std::string> uuids;
        for (const auto& r : *batch) uuids.push_back(r.uuid);
        if (!box->acknowledge(uuids)) return -1;
        done += long(uuids.size());
    }
    return msSince(t0);
}

// [SECTION] Row 2: hub ingest

struct IngestRun {
    double recordsPerS = 0;
    std::vector<double> batchMs;  // each storeBatch call
    std::string problem;
};

std::vector<hubdb::UploadRecord> ingestRecords(int n) {
    std::mt19937 rng(20261122);
    std::vector<hubdb::UploadRecord> out;
    out.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i) {
        const outbox::Submission s = submission(rng, i);
        hubdb::UploadRecord r;
        r.uuid = fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", rng(), i & 0xffff, rng() & 0xfff, rng() & 0xfff,
                             (std::uint64_t(rng()) << 16) ^ std::uint64_t(i));
        r.seq = i + 1;
        r.kind = s.kind;
        r.number = fmt::format("KS000120261121{:06d}X", i + 1);
        r.createdMs = 1'795'248'000'000 + i;
        r.publicData = s.publicData;
        r.personalData = s.personalData;
        out.push_back(std::move(r));
    }
    return out;
}

IngestRun ingestOnce(const std::string& spec, const std::vector<hubdb::UploadRecord>& records, int threads, int batch) {
    IngestRun out;
    auto db = hubdb::openDatabase(spec, threads);
    if (!db) return out.problem = db.error().message, out;
    hubdb::HubStore store(**db);
    if (auto m = store.migrate(); !m) return out.problem = m.error().message, out;
    const int batches = int((records.size() + std::size_t(batch) - 1) / std::size_t(batch));
    std::vector<std::vector<double>> perThread(static_cast<std::size_t>(threads));
    std::vector<std::string> problems(static_cast<std::size_t>(threads));
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            ++ready;
            while (!go) std::this_thread::yield();
            for (int b = t; b < batches; b += threads) {
                const auto first = records.begin() + std::ptrdiff_t(b) * batch;
                const auto last = records.begin() + std::min<std::ptrdiff_t>(std::ptrdiff_t(b + 1) * batch,
                                                                             std::ptrdiff_t(records.size()));
                const std::vector<hubdb::UploadRecord> slice(first, last);
                const auto t0 = Clock::now();
                auto r = store.storeBatch("KS0001", slice, 1'795'248'000);
                perThread[std::size_t(t)].push_back(msSince(t0));
                if (!r) {
                    problems[std::size_t(t)] = r.error().message;
                    return;
                }
            }
        });
    while (ready < threads) std::this_thread::yield();
    const auto t0 = Clock::now();
    go = true;
    for (auto& th : pool) th.join();
    const double ms = msSince(t0);
    for (const auto& p : problems)
        if (!p.empty()) return out.problem = p, out;
    auto n = store.recordCount();
    if (!n || *n != long(records.size()))
        return out.problem = fmt::format("{} records stored, expected {}", n ? *n : -1, records.size()), out;
    out.recordsPerS = double(records.size()) / (ms / 1000.0);
    for (const auto& v : perThread) out.batchMs.insert(out.batchMs.end(), v.begin(), v.end());
    return out;
}

// [SECTION] Row 3: bundle_bench

struct BundleRow {
    double totalMs = 0;
    std::string size, problem;
};

BundleRow bundleBench(const fs::path& dir, int runs) {
    BundleRow b;
    const Ran r = run({BUNDLE_BENCH_BIN, "--runs", std::to_string(runs), "--dir", (dir / "bundle").string()},
                      dir / "bundle_bench", 600s);
    fs::remove_all(dir / "bundle");
    if (r.code != 0) return b.problem = fmt::format("bundle_bench failed ({}): {}", r.code, r.err), b;
    std::smatch m;
    static const std::regex kSize(R"(([0-9.]+ MB) content database)");
    static const std::regex kTotal(R"(total verify-and-swap\s+([0-9.]+))");
    if (std::regex_search(r.out, m, kSize)) b.size = m[1].str();
    if (!std::regex_search(r.out, m, kTotal)) return b.problem = "bundle_bench printed no total", b;
    b.totalMs = std::stod(m[1].str());
    return b;
}

// [SECTION] Row 4: OS update download

struct OsRun {
    double roundMs = 0;   // fetchOsUpdate: download + checks + hand-over
    double sha256Ms = 0;  // hashing the bundle alone
    std::string problem;
};

// A hub (copied from the drain seed, so the kiosk is enrolled) offering a
// `mib` MiB stand-in bundle; each run fetches it into an empty DATA/updates.
std::vector<OsRun> osDownloadRuns(const DrainSetup& setup, const fs::path& dir, int mib, int runs) {
    std::vector<OsRun> out;
    const fs::path hubDir = dir / "os-hub", kiosk = dir / "os-kiosk", bundle = dir / "os-bench.raucb";
    fs::remove_all(hubDir);
    fs::remove_all(kiosk);
    fs::copy(setup.hubSeed, hubDir, fs::copy_options::recursive);
    fs::copy(setup.kioskSeed, kiosk, fs::copy_options::recursive);
    {
        std::mt19937_64 rng(20261121);
        std::string bytes = "hsqs";
        bytes.resize(std::size_t(mib) << 20);
        for (std::size_t i = 4; i + 8 <= bytes.size(); i += 8) {
            const std::uint64_t v = rng();
            std::memcpy(bytes.data() + i, &v, 8);
        }
        std::ofstream(bundle, std::ios::binary) << bytes;
    }
    const Ran pub = run({g_hubBin, "--data", hubDir.string(), "os-update", "publish", bundle.string(), "--version", "bench-1"},
                        dir / "os-publish");
    if (pub.code != 0) return {OsRun{0, 0, "os-update publish failed: " + pub.err}};
    Hub hub(g_hubBin, hubDir, setup.port);
    if (!hub.start()) return {OsRun{0, 0, "kiosk-hub did not start: " + hub.latestLog()}};
    auto config = sync::loadHubConfig(kiosk);
    if (!config) return {OsRun{0, 0, config.error().message}};
    const sync::HubClient client(*config);
    const sync::osupdate::Target target{true, "bench-0", sync::osupdate::kFreeSpaceReserve, nullptr};
    for (int r = 0; r < runs; ++r) {
        fs::remove_all(kiosk / "updates");
        OsRun o;
        auto t0 = Clock::now();
        const auto got = sync::osupdate::fetchOsUpdate(client, kiosk, target, std::time(nullptr));
        o.roundMs = msSince(t0);
        if (got.downloaded != "bench-1") {
            o.problem = got.transport ? got.transport->message : got.error.empty() ? got.skipped : got.error;
            out.push_back(o);
            break;
        }
        t0 = Clock::now();
        (void)crypto::sha256FileHex(sync::osupdate::pathsIn(kiosk).pendingBundle);
        o.sha256Ms = msSince(t0);
        out.push_back(o);
    }
    fs::remove_all(kiosk / "updates");
    fs::remove(bundle);
    return out;
}

// [SECTION] The table

struct Stats {
    double median = 0, min = 0, max = 0;
};
Stats stats(const std::vector<double>& v) {
    return {bench::percentile(v, 0.5), bench::percentile(v, 0.0), bench::percentile(v, 1.0)};
}

void header() {
    fmt::print("{:<48} {:>10} {:>10} {:>10}  {:<11} {}\n", "measurement", "median", "min", "max", "unit", "target");
}
void row(const std::string& name, const Stats& s, const char* unit, const std::string& target = "",
         const char* format = "{:>10.2f}") {
    fmt::print("{:<48} {} {} {}  {:<11} {}\n", name, fmt::format(fmt::runtime(format), s.median),
               fmt::format(fmt::runtime(format), s.min), fmt::format(fmt::runtime(format), s.max), unit, target);
}
void note(const std::string& name, const std::string& text) { fmt::print("{:<48} {}\n", name, text); }

}  // namespace

int main(int argc, char** argv) {
    int records = 10'000, runs = 3;
    bool postgres = true, bundle = true;
    fs::path dir;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--records" && i + 1 < argc) records = std::atoi(argv[++i]);
        else if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--hub" && i + 1 < argc) g_hubBin = argv[++i];
        else if (a == "--no-postgres") postgres = false;
        else if (a == "--no-bundle") bundle = false;
        else {
            fmt::print(stderr, "usage: sync_bench [--records N] [--runs N] [--dir PATH] [--hub KIOSK_HUB] [--no-postgres] "
                               "[--no-bundle]\n");
            return 2;
        }
    }
    if (records < 1 || runs < 1) {
        fmt::print(stderr, "--records and --runs must be positive\n");
        return 2;
    }
    constexpr int kIngestRecords = 20'000, kIngestThreads = 2, kBatch = 200;
    const bool ownDir = dir.empty();
    dir = ownDir ? harness::freshTempDir("kiosk-sync-bench") : harness::freshDir(dir);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured, also through `| tee`
    harness::installStopHandler();  // a running hub and PostgreSQL are stopped on Ctrl-C too

    utsname un{};
    uname(&un);
    fmt::print("sync_bench: {} CPUs (nproc), {}, build type {}, Linux {}\n", sysconf(_SC_NPROCESSORS_ONLN), bench::cpuModel(),
               KIOSK_BUILD_TYPE, un.release);
    fmt::print("median of {} runs each; work folder {}\n", runs, dir.string());
    if (g_hubBin != KIOSK_HUB_BIN) fmt::print("row 1 uses the kiosk-hub at {}\n", g_hubBin);
    fmt::print("\n");
    header();

    // ── 1. drain ──
    const DrainSetup setup = prepareDrain(dir, records);
    const std::string drainName = fmt::format("drain {} records, TLS loopback", records);
    if (!setup.problem.empty()) {
        note(drainName, "not run: " + setup.problem);
    } else {
        std::vector<double> total, rate, upload, empty, outboxOnly, requests, rest;
        std::vector<int> batches, cycles;
        std::string problem;
        for (int r = 0; r < runs && problem.empty(); ++r) {
            const DrainRun d = drainOnce(setup, dir, records, r);
            if (!d.problem.empty()) {
                problem = d.problem;
                break;
            }
            const double box = outboxOnlyMs(setup, dir, records);
            total.push_back(d.totalMs / 1000.0);
            rate.push_back(records / (d.totalMs / 1000.0));
            upload.push_back(d.hubUploadMs / 1000.0);
            empty.push_back(d.emptyCycleMs / 1000.0);
            outboxOnly.push_back(box / 1000.0);
            requests.push_back(d.requestMs);
            rest.push_back((d.totalMs - d.hubUploadMs - d.emptyCycleMs * d.cycles - box) / 1000.0);
            batches.push_back(d.batches);
            cycles.push_back(d.cycles);
        }
        if (!problem.empty()) {
            note(drainName, "not run: " + problem);
        } else {
            const Stats t = stats(total);
            row(drainName, t, "s", fmt::format("≤ 3 s: {}", t.median <= 3.0 ? "met" : "MISSED"));
            row("  records acknowledged per second", stats(rate), "records/s", "", "{:>10.0f}");
            note("  batches / kioskctl runs", fmt::format("{} batches of ≤ 200 in {} `sync --once` run(s)", batches[0],
                                                          cycles[0]));
            row("  hub: handling /v1/upload (its /metrics)", stats(upload), "s");
            row("  kiosk: outbox alone (takeBatch + acknowledge)", stats(outboxOnly), "s");
            row("  fixed cost of a cycle (empty sync --once)", stats(empty), "s");
            const Stats r = stats(rest);
            row("  rest: HTTPS per batch, JSON, transfer", r, "s",
                fmt::format("{:.1f} ms per batch", r.median * 1000.0 / std::max(1, batches[0])));
            row("  one small HTTPS request (GET /metrics)", stats(requests), "ms", "a new connection each, as HubClient does");
            note("  (setup, not timed above)", fmt::format("{} records queued with outbox::Outbox in {:.1f} s ({:.0f}/s, "
                                                           "one durable commit each)",
                                                           records, setup.enqueueMs / 1000.0,
                                                           records / (setup.enqueueMs / 1000.0)));
        }
    }

    // ── 2. ingest ──
    const auto ingest = ingestRecords(kIngestRecords);
    auto ingestRows = [&](const std::string& backend, const std::function<Result<std::string>(int)>& freshSpec) {
        const std::string name = fmt::format("hub ingest, {} ({} thr × {}/batch)", backend, kIngestThreads, kBatch);
        std::vector<double> rate, batchMs;
        for (int r = 0; r < runs; ++r) {
            auto spec = freshSpec(r);
            if (!spec) return note(name, "not run: " + spec.error().message);
            const IngestRun in = ingestOnce(*spec, ingest, kIngestThreads, kBatch);
            if (!in.problem.empty()) return note(name, "not run: " + in.problem);
            rate.push_back(in.recordsPerS);
            batchMs.insert(batchMs.end(), in.batchMs.begin(), in.batchMs.end());
        }
        const Stats s = stats(rate);
        row(name, s, "records/s", fmt::format("≥ 5,000/s: {}", s.median >= 5000 ? "met" : "MISSED"), "{:>10.0f}");
        note("  one storeBatch of 200 (all runs)",
             fmt::format("p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms", bench::percentile(batchMs, 0.5),
                         bench::percentile(batchMs, 0.99), bench::percentile(batchMs, 1.0)));
    };
    ingestRows("SQLite", [&](int r) -> Result<std::string> {
        const fs::path file = dir / fmt::format("ingest-{}.db", r);
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
        return file.string();
    });
    const std::string pgName = fmt::format("hub ingest, PostgreSQL ({} thr × {}/batch)", kIngestThreads, kBatch);
    if (!postgres) {
        note(pgName, "not run: --no-postgres");
    } else {
        harness::PgServer pg(fs::path(KIOSK_SOURCE_DIR) / "scripts/pg-test-server.sh", dir / "pg");
        auto admin = pg.start();
        if (!admin) {
            note(pgName, "not run: " + admin.error());
        } else {
            ingestRows("PostgreSQL", [&](int r) { return harness::createDatabase(*admin, fmt::format("sync_bench_{}", r)); });
        }
    }

    // ── 3. verify-and-swap ──
    const std::string swapName = "verify-and-swap, 100,000-measure bundle";
    if (!bundle) {
        note(swapName, "not run (--no-bundle): run bundle_bench for the per-step table");
    } else {
        const BundleRow b = bundleBench(dir, runs);
        if (!b.problem.empty()) note(swapName, "not run: " + b.problem + "; run bundle_bench");
        else
            note(swapName, fmt::format("{:>10.1f} ms median of {} ({}); per step: run bundle_bench", b.totalMs, runs,
                                       b.size));
    }

    // ── 4. OS update download ──
    log::channel("sync")->set_level(spdlog::level::warn);  // its progress lines would split the table
    constexpr int kOsMib = 64;
    const std::string osName = fmt::format("OS update round, {} MiB bundle, TLS loopback", kOsMib);
    if (!setup.problem.empty()) {
        note(osName, "not run: " + setup.problem);
    } else {
        const auto os = osDownloadRuns(setup, dir, kOsMib, runs);
        if (!os.empty() && !os.back().problem.empty()) {
            note(osName, "not run: " + os.back().problem);
        } else {
            std::vector<double> round, rate, sha;
            for (const auto& o : os) {
                round.push_back(o.roundMs / 1000.0);
                rate.push_back(kOsMib / (o.roundMs / 1000.0));
                sha.push_back(o.sha256Ms / 1000.0);
            }
            row(osName, stats(round), "s", "download, size + sha256, hand-over");
            row("  throughput of the whole round", stats(rate), "MiB/s", "", "{:>10.1f}");
            row("  of which: sha256 of the bundle alone", stats(sha), "s");
        }
    }
    if (ownDir) fs::remove_all(dir);
    return 0;
}
