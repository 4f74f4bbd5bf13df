// Load benchmark (a program, not a test; issue "Proof", group 5): N simulated
// kiosks against one real `kiosk-hub serve` on 127.0.0.1, SQLite first, then
// PostgreSQL on a private server from scripts/pg-test-server.sh. Prints one
// table and never fails on a timing; it exits 1 only when the hub lost,
// duplicated or refused records (the verification column says which).
//
// A simulated kiosk is what the kiosk's sync worker does, in-process:
//   - enrolled the real way: a one-time token recorded with the hub's own
//     code (hub::makeProvisionFile on the hub's database, as `kiosk-hub
//     provision-file` does, but without a process per token), then
//     sync::provision() — a new device key, a CSR, POST /v1/enroll over TLS —
//     exactly as `kioskctl provision` does; its own data folder;
//   - each sync cycle is a new sync::HubClient (libcurl, mutual TLS with its
//     device certificate, the hub pinned) as SyncWorker::cycle makes one:
//     POST /v1/upload of a small batch of cases and ratings (bench::submission,
//     unique uuids), then POST /v1/heartbeat via sync::sendHeartbeat on the
//     same connection.
//
//   cycle(k)  — one kiosk, one sync cycle:
//
//     new HubClient ──► batch pending? ──no──► (steady: make `--batch` new records)
//                            │ yes
//                            ▼
//                     POST /v1/upload ──200──► per record 201/200: acknowledged
//                            │                 (409/422: rejected = an error)
//                            │ 429 ──► wait Retry-After; batch kept, cycle ends
//                            │ other, no answer ──► error; wait 1 s; batch kept
//                            ▼
//                     POST /v1/heartbeat ──2xx──► cycle done
//                            │ 429 ──► wait Retry-After (storm: send it again)
//
// Phases, per backend:
//   steady  `--threads` worker threads (default 16) drive the N kiosks for
//           `--seconds` (default 30): each thread takes kiosks i ≡ t (mod
//           threads) in turn, as fast as the hub answers. After the time is
//           up, batches still held (after a 429 or an error) are sent until
//           acknowledged (≤ 300 s more).
//   storm   the hub is restarted (an outage), every kiosk holds one batch, and
//           all N connect at once — one thread per kiosk (at most
//           kMaxStormThreads; `--storm-threads` to bound it lower) released
//           together: one upload and one heartbeat each, retried after
//           Retry-After until done (≤ 300 s).
// After each phase the hub's database is read in-process: it must hold
// exactly the records sent (count, per device, distinct receipt numbers).
//
// Latencies are of 2xx answers only, measured around HubClient::post; an
// upload includes the new connection's TLS handshake (a new HubClient per
// cycle, as the kiosk does), a heartbeat reuses it. 429s are counted apart;
// errors are every other non-2xx answer, every request without an answer
// and every record the hub refused. The hub's per-device limits are written
// to DATA/hub.toml [limits] (`--limit-per-minute`, `--limit-burst`; the
// hub's defaults 600 and 120); a hub without [limits] is run without it.
//
//   build/release/bench/load_bench [--kiosks N] [--threads N] [--seconds S] [--batch N]
//                                  [--storm-threads N] [--limit-per-minute N] [--limit-burst N]
//                                  [--no-postgres] [--no-storm] [--dir PATH] [--hub KIOSK_HUB]
#include "base/log.h"
#include "client/hub_client.h"
#include "client/sync_engine.h"
#include "crypto/x509.h"
#include "hub/fleet.h"
#include "hub/hub_cli.h"
#include "hub/keys.h"
#include "hubdb/sql.h"
#include "hubdb/store.h"
#include "protocol/case_number.h"
#include "protocol/protocol.h"

#include "bench_stats.h"
#include "harness/hub.h"
#include "harness/process.h"
#include "harness/temp_dir.h"
#include "kiosk_records.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <latch>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace kiosk;
using namespace std::chrono_literals;
using harness::Clock;
using harness::msSince;

namespace {

constexpr int kMaxKiosks = 20'000;
constexpr int kMaxThreads = 256;         // steady-phase workers
constexpr int kMaxStormThreads = 2'000;  // one per kiosk in the storm, at most this many
constexpr auto kFinishWithin = 300s;     // held batches after the steady time; the whole storm
const char* const kSite = "青浦区行政服务中心";

std::string g_hubBin = KIOSK_HUB_BIN;

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
std::int64_t unixNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// This process's user + system CPU seconds (the simulated kiosks' side).
double selfCpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// TcpExt ListenOverflows from /proc/net/netstat (the whole machine): SYNs
// dropped because a listening socket's accept queue was full; the client
// sends its SYN again after 1 s, 3 s, 7 s. -1 when unreadable.
long listenOverflows() {
    std::ifstream in("/proc/net/netstat");
    std::string names, values;
    while (std::getline(in, names) && std::getline(in, values)) {
        if (names.rfind("TcpExt:", 0) != 0) continue;
        std::istringstream n(names), v(values);
        std::string name, value;
        while (n >> name && v >> value)
            if (name == "ListenOverflows") return std::atol(value.c_str());
    }
    return -1;
}

// kiosk_hub_request_ms_sum{route="ROUTE"} from the hub's /metrics: the time
// its handlers spent on ROUTE since it started (no TLS, no queueing); -1
// when it cannot be read.
double hubHandlerMs(const sync::HubConfig& config, const std::string& route) {
    auto res = sync::HubClient(config).get("/metrics");
    if (!res || res->status != 200) return -1;
    const std::string key = fmt::format("kiosk_hub_request_ms_sum{{route=\"{}\"}} ", route);
    const auto at = res->body.find(key);
    return at == std::string::npos ? -1 : std::atof(res->body.c_str() + at + key.size());
}

// [SECTION] What was answered

// One request kind's answers in one phase.
struct KindTally {
    std::vector<double> okMs;      // latency of each 2xx answer
    std::map<int, long> statuses;  // every answer, by HTTP status
    long transport = 0;            // requests that got no answer at all
    std::string firstError;        // the first error's message (never personal data)

    long requests() const {
        long n = transport;
        for (const auto& [s, c] : statuses) n += c;
        return n;
    }
    long limited() const { return statuses.contains(429) ? statuses.at(429) : 0; }
    long failed() const {
        long n = transport;
        for (const auto& [s, c] : statuses)
            if (s != 429 && (s < 200 || s > 299)) n += c;
        return n;
    }
    void note(const std::string& error) {
        if (firstError.empty()) firstError = error;
    }
    void merge(const KindTally& o) {
        okMs.insert(okMs.end(), o.okMs.begin(), o.okMs.end());
        for (const auto& [s, c] : o.statuses) statuses[s] += c;
        transport += o.transport;
        if (firstError.empty()) firstError = o.firstError;
    }
};

struct Tally {
    KindTally upload, heartbeat;
    long stored = 0, duplicates = 0, rejected = 0;  // per-record answers inside 200 upload answers
    void merge(const Tally& o) {
        upload.merge(o.upload);
        heartbeat.merge(o.heartbeat);
        stored += o.stored;
        duplicates += o.duplicates;
        rejected += o.rejected;
    }
};

// [SECTION] A simulated kiosk

struct SimKiosk {
    int index = 0;
    fs::path dir;                              // its data folder: hub.json, device key and certificate
    sync::HubConfig config;                    // from sync::provision()
    std::int64_t certNotAfter = 0;
    std::mt19937 rng;
    int made = 0;                              // records made so far (the last one's seq)
    long acked = 0;                            // records the hub answered 201 or 200 for
    std::vector<protocol::UploadItem> pending; // the batch in flight: resent unchanged until answered
    bool heartbeatOwed = false;                // storm: a heartbeat must still get a 2xx
    Clock::time_point notBefore{};             // Retry-After / error wait
    double doneMs = -1;                        // storm: when it finished, from the start
};

std::uint32_t g_runTag = 0;  // first uuid group: differs per run and backend

protocol::UploadItem makeRecord(SimKiosk& k) {
    const int i = k.made++;
    const outbox::Submission s = bench::submission(k.rng, i);
    protocol::UploadItem r;
    r.uuid = fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", g_runTag, k.index & 0xffff, (k.index >> 16) & 0xfff,
                         k.rng() & 0xfff, std::uint64_t(i));
    r.seq = i + 1;
    r.kind = s.kind;
    // A real receipt number of this kiosk's: the hub takes nothing else.
    std::tm day{};
    day.tm_year = 126;
    day.tm_mon = 11;
    day.tm_mday = 3;
    r.number = protocol::makeCaseNumber(k.config.deviceId, day, i + 1);
    r.createdMs = unixNowMs();
    r.publicData = s.publicData;
    r.personalData = s.personalData;
    return r;
}

void makeBatch(SimKiosk& k, int batch) {
    k.pending.clear();
    for (int i = 0; i < batch; ++i) k.pending.push_back(makeRecord(k));
}

// The heartbeat SyncWorker sends (sync_worker.cpp), with this kiosk's numbers.
nlohmann::json heartbeatBody(const SimKiosk& k) {
    return {{"app_version", "load-bench"},
            {"content_version", 0},
            {"outbox",
             {{"pending", k.pending.size()}, {"sending", 0}, {"acked", k.acked}, {"rejected", 0},
              {"oldest_pending_age_s", 0}}},
            {"last_sync", unixNow()},
            {"stalled", false},
            {"cert_not_after", k.certNotAfter},
            {"disk_free_mb", 20'000},
            {"printer", "ok"},
            {"trusted_time", unixNow()}};
}

// Why a refused request was refused: the hub's {"error": …} or the status.
std::string refusal(const sync::HttpResponse& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_string())
        return fmt::format("{}: {}", r.status, j["error"].get<std::string>());
    return fmt::format("HTTP {}", r.status);
}

Clock::time_point retryAt(const sync::HttpResponse& r) {
    return Clock::now() + std::chrono::seconds(std::clamp<std::int64_t>(r.retryAfterS.value_or(1), 1, 120));
}

// One sync cycle of kiosk `k` (the diagram at the top). `makeNew`: a kiosk
// with nothing held makes a new batch of `batch` records.
void cycle(SimKiosk& k, Tally& t, bool makeNew, int batch) {
    const sync::HubClient client(k.config);
    if (k.pending.empty() && makeNew) makeBatch(k, batch);
    if (!k.pending.empty()) {
        const std::string body = protocol::uploadRequest(k.pending).dump();
        const auto t0 = Clock::now();
        auto res = client.post("/v1/upload", body);
        const double ms = msSince(t0);
        if (!res) {
            ++t.upload.transport;
            t.upload.note(res.error().message);
            k.notBefore = Clock::now() + 1s;
            return;
        }
        ++t.upload.statuses[res->status];
        if (res->status == 429) {
            k.notBefore = retryAt(*res);
            return;
        }
        if (res->status != 200) {
            t.upload.note(refusal(*res));
            k.notBefore = res->retryAfterS ? retryAt(*res) : Clock::now() + 1s;
            return;
        }
        t.upload.okMs.push_back(ms);
        auto answers = protocol::parseUploadResponse(nlohmann::json::parse(res->body, nullptr, false));
        if (!answers) {
            t.upload.note("malformed upload answer: " + answers.error().message);
            ++t.rejected;
            k.notBefore = Clock::now() + 1s;
            return;
        }
        std::map<std::string, int> code;
        for (const auto& a : *answers) code[a.uuid] = a.code;
        std::vector<protocol::UploadItem> unanswered;
        for (auto& r : k.pending) {
            const auto it = code.find(r.uuid);
            if (it == code.end()) {
                unanswered.push_back(std::move(r));  // sent again next cycle
            } else if (it->second == 201 || it->second == 200) {
                ++k.acked;
                ++(it->second == 201 ? t.stored : t.duplicates);
            } else {
                ++t.rejected;  // dead-lettered at a real kiosk; never expected here
                t.upload.note(fmt::format("record refused with {}", it->second));
            }
        }
        k.pending = std::move(unanswered);
    }
    const auto t0 = Clock::now();
    auto res = sync::sendHeartbeat(client, k.dir, heartbeatBody(k));
    const double ms = msSince(t0);
    if (!res) {
        ++t.heartbeat.transport;
        t.heartbeat.note(res.error().message);
        k.notBefore = Clock::now() + 1s;
        return;
    }
    ++t.heartbeat.statuses[res->status];
    if (res->status >= 200 && res->status < 300) {
        t.heartbeat.okMs.push_back(ms);
        k.heartbeatOwed = false;
    } else if (res->status == 429) {
        k.notBefore = retryAt(*res);
    } else {
        t.heartbeat.note(refusal(*res));
        k.notBefore = Clock::now() + 1s;
    }
}

// Worker `t` of `threads`: kiosks i ≡ t (mod threads) in turn. New batches
// are made until `newUntil`; then only what a kiosk still owes (a held
// batch, a storm heartbeat) is sent, until `hardEnd` at the latest.
void drive(std::vector<SimKiosk>& kiosks, int t, int threads, int batch, Clock::time_point start,
           Clock::time_point newUntil, Clock::time_point hardEnd, Tally& tally) {
    for (long round = 0; round < 100'000'000; ++round) {
        int owing = 0;
        bool did = false;
        for (std::size_t i = std::size_t(t); i < kiosks.size(); i += std::size_t(threads)) {
            SimKiosk& k = kiosks[i];
            const bool open = Clock::now() < newUntil;
            const bool owes = !k.pending.empty() || k.heartbeatOwed;
            if (!open && !owes) continue;
            ++owing;
            if (Clock::now() < k.notBefore) continue;
            cycle(k, tally, open, batch);
            did = true;
            if (k.doneMs < 0 && k.pending.empty() && !k.heartbeatOwed) k.doneMs = msSince(start);
        }
        if (owing == 0 || Clock::now() > hardEnd) return;
        if (!did) std::this_thread::sleep_for(5ms);
    }
}

// [SECTION] Enrollment

// `n` one-time tokens recorded in the hub's database (before it serves),
// exactly as `kiosk-hub provision-file` records one.
Result<std::vector<protocol::ProvisionFile>> makeTokens(const fs::path& hubDir, const std::string& dbSpec,
                                                        const std::string& url, int n) {
    auto keys = hub::loadOrCreateKeys(hubDir, {"127.0.0.1", "localhost"}, unixNow());
    if (!keys) return std::unexpected(keys.error());
    auto db = hub::openHubDatabase(hubDir.string(), dbSpec, 1);
    if (!db) return std::unexpected(db.error());
    hubdb::HubStore store(**db);
    std::vector<protocol::ProvisionFile> files;
    for (int i = 0; i < n; ++i) {
        auto p = hub::makeProvisionFile(store, *keys, kSite, url, 3600, unixNow());
        if (!p) return std::unexpected(p.error());
        files.push_back(std::move(*p));
    }
    return files;
}

struct Enrollment {
    std::vector<SimKiosk> kiosks;
    long refused = 0;          // attempts the hub refused and a retry then got through
    std::string firstRefusal;  // what it said the first time
};

// Enrolls kiosk i with files[i] in DIR/kNNNNN, `threads` at a time. A
// refused attempt consumes no token (the hub rolls it back), so it is tried
// again, as a technician would — at most kEnrollAttempts times — and counted.
std::expected<Enrollment, std::string> enroll(const fs::path& dir, const std::vector<protocol::ProvisionFile>& files,
                                              int threads) {
    constexpr int kEnrollAttempts = 10;
    Enrollment out;
    out.kiosks.resize(files.size());
    std::vector<std::string> problems(static_cast<std::size_t>(threads)), refusals(static_cast<std::size_t>(threads));
    std::vector<long> refused(static_cast<std::size_t>(threads), 0);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            const auto ti = std::size_t(t);
            for (std::size_t i = ti; i < files.size(); i += std::size_t(threads)) {
                SimKiosk& k = out.kiosks[i];
                k.index = int(i);
                k.dir = dir / fmt::format("k{:05d}", i);
                k.rng.seed(std::uint32_t(20261203 + i));
                fs::create_directories(k.dir);
                Result<sync::HubConfig> c = std::unexpected(Error{ErrorCode::Io, "not tried"});
                for (int attempt = 0; attempt < kEnrollAttempts; ++attempt) {
                    c = sync::provision(k.dir, files[i]);
                    if (c) break;
                    ++refused[ti];
                    if (refusals[ti].empty()) refusals[ti] = c.error().message.substr(0, 200);
                    std::this_thread::sleep_for(std::chrono::milliseconds(50 * (attempt + 1)));
                }
                if (!c) {
                    problems[ti] = fmt::format("kiosk {}: {}", i, c.error().message.substr(0, 300));
                    return;
                }
                k.config = *c;
                if (auto info = crypto::inspectCert(c->certPem)) k.certNotAfter = info->validity.notAfter;
            }
        });
    for (auto& th : pool) th.join();
    for (const auto& p : problems)
        if (!p.empty()) return std::unexpected(p);
    for (std::size_t t = 0; t < refused.size(); ++t) {
        out.refused += refused[t];
        if (out.firstRefusal.empty()) out.firstRefusal = refusals[t];
    }
    return out;
}

// [SECTION] Verification

// What the hub's database holds, compared with what the kiosks sent.
std::string verify(const std::string& dbSpec, const std::vector<SimKiosk>& kiosks, bool& ok) {
    long sent = 0, held = 0;
    std::map<std::string, long> ackedBy;
    for (const auto& k : kiosks) {
        sent += k.made;
        held += long(k.pending.size());
        ackedBy[k.config.deviceId] = k.acked;
    }
    auto db = hubdb::openDatabase(dbSpec, 1);
    if (!db) return ok = false, "cannot open the hub database: " + db.error().message;
    long rows = 0, numbers = 0;
    std::map<std::string, long> byDevice;
    auto r = (*db)->with([&](hubdb::Connection& c) -> Result<void> {
        auto q = c.query("SELECT count(*), count(DISTINCT number) FROM record");
        if (!q) return std::unexpected(q.error());
        rows = long(hubdb::asInt((*q)[0][0]));
        numbers = long(hubdb::asInt((*q)[0][1]));
        auto d = c.query("SELECT device_id, count(*) FROM record GROUP BY device_id");
        if (!d) return std::unexpected(d.error());
        for (const auto& row : *d) byDevice[hubdb::asText(row[0])] = long(hubdb::asInt(row[1]));
        return {};
    });
    if (!r) return ok = false, "cannot read the hub database: " + r.error().message;
    int wrongDevices = 0;
    for (const auto& [id, n] : ackedBy)
        if (byDevice[id] != n) ++wrongDevices;
    ok = rows == sent && numbers == rows && held == 0 && wrongDevices == 0;
    if (ok) return fmt::format("ok: {} = sent, each once", rows);
    return fmt::format("MISMATCH: hub {} ({} distinct numbers), sent {}, still held {}, {} devices differ", rows, numbers,
                       sent, held, wrongDevices);
}

// [SECTION] The table

struct PhaseResult {
    std::string name;
    int kiosks = 0;
    double wallS = 0, hubCpuS = -1, benchCpuS = 0;
    Tally tally;
    std::string verified;
    std::vector<double> doneMs;  // storm: when each kiosk finished
    long listenOverflows = -1;   // during the phase (whole machine)
    double hubUploadMs = -1, hubHeartbeatMs = -1;  // the hub's handler time in the phase (its /metrics)
};

void header() {
    fmt::print("{:<26} {:>6} {:>8} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6} {:>7}  {}\n", "backend / phase",
               "kiosks", "requests", "records", "wall s", "req/s", "rec/s", "p50 ms", "p99 ms", "max ms", "429s", "errors",
               "hub CPU", "verified");
}

std::string ms3(const std::vector<double>& v, double p) {
    return v.empty() ? "-" : fmt::format("{:.1f}", bench::percentile(v, p));
}

void kindRow(const std::string& name, const KindTally& k, long records, double wallS) {
    fmt::print("{:<26} {:>6} {:>8} {:>8} {:>7} {:>7.0f} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6}\n", name, "", k.requests(),
               records < 0 ? std::string("") : std::to_string(records), "", double(k.requests()) / wallS,
               records < 0 ? std::string("") : fmt::format("{:.0f}", double(records) / wallS), ms3(k.okMs, 0.5),
               ms3(k.okMs, 0.99), ms3(k.okMs, 1.0), k.limited(), k.failed());
}

void phaseRows(const PhaseResult& p) {
    const Tally& t = p.tally;
    KindTally all = t.upload;
    all.merge(t.heartbeat);
    const long records = t.stored + t.duplicates;
    const double wall = std::max(p.wallS, 1e-3);
    fmt::print("{:<26} {:>6} {:>8} {:>8} {:>7.1f} {:>7.0f} {:>7.0f} {:>7} {:>7} {:>8} {:>6} {:>6} {:>7}  {}\n", p.name,
               p.kiosks, all.requests(), records, p.wallS, double(all.requests()) / wall, double(records) / wall,
               ms3(all.okMs, 0.5), ms3(all.okMs, 0.99), ms3(all.okMs, 1.0), all.limited(), all.failed() + t.rejected,
               p.hubCpuS < 0 ? std::string("?") : fmt::format("{:.0f}%", 100.0 * p.hubCpuS / wall), p.verified);
    kindRow("  upload (new TLS conn.)", t.upload, records, wall);
    kindRow("  heartbeat (same conn.)", t.heartbeat, -1, wall);
    if (!p.doneMs.empty())
        fmt::print("  every kiosk done (upload + heartbeat) after: p50 {:.2f} s, p99 {:.2f} s, last {:.2f} s\n",
                   bench::percentile(p.doneMs, 0.5) / 1000, bench::percentile(p.doneMs, 0.99) / 1000,
                   bench::percentile(p.doneMs, 1.0) / 1000);
    fmt::print("  CPU: hub {:.2f} cores, the simulated kiosks (this process) {:.2f} cores; {} duplicate answers (200); "
               "{} SYNs dropped on a full accept queue (ListenOverflows)\n",
               p.hubCpuS < 0 ? 0.0 : p.hubCpuS / wall, p.benchCpuS / wall, t.duplicates,
               p.listenOverflows < 0 ? std::string("?") : std::to_string(p.listenOverflows));
    if (p.hubUploadMs >= 0 && p.hubHeartbeatMs >= 0)
        fmt::print("  hub handler time per request (its /metrics; no TLS, no queueing): upload {:.1f} ms, heartbeat "
                   "{:.1f} ms (mean)\n",
                   p.hubUploadMs / double(std::max(1L, t.upload.requests() - t.upload.transport)),
                   p.hubHeartbeatMs / double(std::max(1L, t.heartbeat.requests() - t.heartbeat.transport)));
    for (const auto* k : {&t.upload, &t.heartbeat})
        if (!k->firstError.empty()) {
            std::string statuses;
            for (const auto& [s, c] : k->statuses) statuses += fmt::format(" {}×{}", c, s);
            fmt::print("  {} answers:{}{}; first error: {}\n", k == &t.upload ? "upload" : "heartbeat", statuses,
                       k->transport ? fmt::format(", {} without answer", k->transport) : "", k->firstError);
        }
}

void note(const std::string& name, const std::string& text) { fmt::print("{:<26} {}\n", name, text); }

// [SECTION] One backend

struct Options {
    int kiosks = 200;          // simulated kiosks
    int threads = 16;          // steady-phase worker threads (and enrollment)
    int seconds = 30;          // steady phase: time making new batches
    int batch = 10;            // records per upload
    int stormThreads = 0;      // 0: one per kiosk (≤ kMaxStormThreads)
    int limitPerMinute = 600;  // DATA/hub.toml [limits] device_requests_per_minute
    int limitBurst = 120;      // DATA/hub.toml [limits] device_burst
    bool postgres = true, storm = true;
};

struct BackendRun {
    std::vector<PhaseResult> phases;
    std::string problem, setup;  // setup: enrollment figures and the limits used
    bool verifiedOk = true;
};

// Writes DATA/hub.toml with only [limits] (the hub's defaults for the rest).
// Every simulated kiosk connects from 127.0.0.1, so the per-address and
// total connection caps are raised to the fleet size: the storm opens one
// connection per kiosk at once. `connectionCaps` false: a hub from before
// those keys existed.
void writeLimits(const fs::path& hubDir, const Options& o, bool connectionCaps = true) {
    fs::create_directories(hubDir);
    std::ofstream(hubDir / "hub.toml") << fmt::format(
        "# load_bench: per-device limits for this run\n[limits]\ndevice_requests_per_minute = {}\ndevice_burst = {}\n{}",
        o.limitPerMinute, o.limitBurst,
        connectionCaps ? fmt::format("connections_per_address = {0}\nconnections_max = {0}\n", o.kiosks + 64) : "");
}

BackendRun runBackend(const std::string& backend, const fs::path& dir, const std::string& dbSpecIn, const Options& o) {
    BackendRun out;
    const fs::path hubDir = dir / "hub";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string dbSpec = dbSpecIn.empty() ? (hubDir / "hub.db").string() : dbSpecIn;
    const int port = harness::freePort();
    const std::string url = fmt::format("https://127.0.0.1:{}", port);

    auto t0 = Clock::now();
    auto files = makeTokens(hubDir, dbSpecIn, url, o.kiosks);
    if (!files) return out.problem = "tokens: " + files.error().message, out;
    const double tokensMs = msSince(t0);

    writeLimits(hubDir, o);
    std::string limits = fmt::format("[limits] {}/min, burst {}", o.limitPerMinute, o.limitBurst);
    harness::Hub hub(g_hubBin, hubDir, port, {}, dbSpecIn);
    bool started = hub.start();
    if (!started && hub.latestLog().find("limits.connections_") != std::string::npos) {
        writeLimits(hubDir, o, false);  // a hub from before the connection caps
        limits += " (no connection caps in this kiosk-hub)";
        started = hub.start();
    } else {
        limits += fmt::format(", connections_per_address and connections_max {}", o.kiosks + 64);
    }
    if (!started) {
        const std::string log = hub.latestLog();
        if (log.find("unknown section [limits]") == std::string::npos)
            return out.problem = "kiosk-hub did not start: " + log.substr(0, 300), out;
        fs::remove(hubDir / "hub.toml");  // this hub has no [limits]: its own defaults
        limits = "no [limits] in this kiosk-hub: none configured";
        if (!hub.start()) return out.problem = "kiosk-hub did not start: " + hub.latestLog().substr(0, 300), out;
    }

    t0 = Clock::now();
    auto enrolled = enroll(dir / "kiosks", *files, std::min(o.threads, o.kiosks));
    if (!enrolled) return out.problem = "enrollment: " + enrolled.error(), out;
    std::vector<SimKiosk> kiosks = std::move(enrolled->kiosks);
    const double enrollMs = msSince(t0);
    out.setup = fmt::format("{} tokens in-process {:.1f} s; {} enrolled (key, CSR, POST /v1/enroll; {} threads) in {:.1f} s "
                            "({:.0f}/s); {}",
                            o.kiosks, tokensMs / 1000, o.kiosks, std::min(o.threads, o.kiosks), enrollMs / 1000,
                            o.kiosks / (enrollMs / 1000), limits);
    if (enrolled->refused > 0)
        out.setup += fmt::format("\n  ENROLLMENT: {} attempts refused and retried with the same token; first: {}",
                                 enrolled->refused, enrolled->firstRefusal);

    // What both phases read before and after they run.
    struct Readings {
        double hubCpuS, selfCpuS;
        long overflows;
    };
    auto readings = [&] { return Readings{hub.cpuSeconds(), selfCpuSeconds(), listenOverflows()}; };
    auto finishPhase = [&](PhaseResult& p, Clock::time_point start, const Readings& before,
                           const std::vector<Tally>& tallies) {
        p.wallS = msSince(start) / 1000;
        p.hubCpuS = before.hubCpuS < 0 ? -1 : hub.cpuSeconds() - before.hubCpuS;
        p.benchCpuS = selfCpuSeconds() - before.selfCpuS;
        if (const long o1 = listenOverflows(); before.overflows >= 0 && o1 >= 0) p.listenOverflows = o1 - before.overflows;
        // Only this phase's requests: the steady phase is the hub's first, the storm starts a new hub.
        p.hubUploadMs = hubHandlerMs(kiosks.front().config, "/v1/upload");
        p.hubHeartbeatMs = hubHandlerMs(kiosks.front().config, "/v1/heartbeat");
        for (const auto& t : tallies) p.tally.merge(t);
    };

    // ── steady ──
    {
        PhaseResult p;
        p.name = backend + " steady";
        p.kiosks = o.kiosks;
        const int threads = std::min(o.threads, o.kiosks);
        std::vector<Tally> tallies(static_cast<std::size_t>(threads));
        const Readings before = readings();
        const auto start = Clock::now();
        const auto newUntil = start + std::chrono::seconds(o.seconds);
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                drive(kiosks, t, threads, o.batch, start, newUntil, newUntil + kFinishWithin, tallies[std::size_t(t)]);
            });
        for (auto& th : pool) th.join();
        finishPhase(p, start, before, tallies);
        bool ok = true;
        p.verified = verify(dbSpec, kiosks, ok);
        out.verifiedOk = out.verifiedOk && ok && p.tally.rejected == 0;
        out.phases.push_back(std::move(p));
    }

    // ── storm ──
    if (o.storm) {
        PhaseResult p;
        p.name = backend + " storm";
        p.kiosks = o.kiosks;
        hub.stop();  // the outage: every kiosk holds a batch when the hub is back
        for (auto& k : kiosks) {
            makeBatch(k, o.batch);
            k.heartbeatOwed = true;
            k.notBefore = {};
            k.doneMs = -1;
        }
        if (!hub.start()) return out.problem = "kiosk-hub did not start again: " + hub.latestLog().substr(0, 300), out;
        const int threads = std::min({o.stormThreads > 0 ? o.stormThreads : o.kiosks, o.kiosks, kMaxStormThreads});
        std::vector<Tally> tallies(static_cast<std::size_t>(threads));
        std::latch ready(threads + 1);
        std::atomic<bool> go{false};
        Clock::time_point start;
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                ready.count_down();
                for (int i = 0; i < 60'000 && !go.load(); ++i) std::this_thread::sleep_for(1ms);  // ≤ 60 s
                drive(kiosks, t, threads, o.batch, start, start, start + kFinishWithin, tallies[std::size_t(t)]);
            });
        ready.arrive_and_wait();
        const Readings before = readings();
        start = Clock::now();
        go = true;
        for (auto& th : pool) th.join();
        finishPhase(p, start, before, tallies);
        for (const auto& k : kiosks)
            if (k.doneMs >= 0) p.doneMs.push_back(k.doneMs);
        bool ok = true;
        p.verified = verify(dbSpec, kiosks, ok);
        if (long(p.doneMs.size()) != o.kiosks) {
            p.verified += fmt::format("; {} of {} kiosks not done", o.kiosks - long(p.doneMs.size()), o.kiosks);
            ok = false;
        }
        out.verifiedOk = out.verifiedOk && ok && p.tally.rejected == 0;
        out.phases.push_back(std::move(p));
    }
    hub.stop();
    return out;
}

void printBackend(const std::string& backend, const BackendRun& r) {
    if (!r.problem.empty()) return note(backend, "not run: " + r.problem);
    for (const auto& p : r.phases) phaseRows(p);
    fmt::print("  setup (not timed above): {}\n", r.setup);
}

int usage() {
    fmt::print(stderr,
               "usage: load_bench [--kiosks N] [--threads N] [--seconds S] [--batch N] [--storm-threads N]\n"
               "                  [--limit-per-minute N] [--limit-burst N] [--no-postgres] [--no-storm]\n"
               "                  [--dir PATH] [--hub KIOSK_HUB]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    fs::path dir;
    const std::map<std::string, int*> numbers = {{"--kiosks", &o.kiosks},
                                                 {"--threads", &o.threads},
                                                 {"--seconds", &o.seconds},
                                                 {"--batch", &o.batch},
                                                 {"--storm-threads", &o.stormThreads},
                                                 {"--limit-per-minute", &o.limitPerMinute},
                                                 {"--limit-burst", &o.limitBurst}};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (const auto n = numbers.find(a); n != numbers.end() && i + 1 < argc) *n->second = std::atoi(argv[++i]);
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--hub" && i + 1 < argc) g_hubBin = argv[++i];
        else if (a == "--no-postgres") o.postgres = false;
        else if (a == "--no-storm") o.storm = false;
        else return usage();
    }
    if (o.kiosks < 1 || o.kiosks > kMaxKiosks || o.threads < 1 || o.threads > kMaxThreads || o.seconds < 1 ||
        o.seconds > 3600 || o.batch < 1 || o.batch > int(protocol::kMaxBatch) || o.stormThreads < 0 ||
        o.limitPerMinute < 1 || o.limitPerMinute > 60'000 || o.limitBurst < 1 || o.limitBurst > 10'000) {
        fmt::print(stderr, "--kiosks 1–{}, --threads 1–{}, --seconds 1–3600, --batch 1–{}, --limit-per-minute 1–60000, "
                           "--limit-burst 1–10000\n",
                   kMaxKiosks, kMaxThreads, protocol::kMaxBatch);
        return 2;
    }
    const bool ownDir = dir.empty();
    dir = ownDir ? harness::freshTempDir("kiosk-load-bench") : harness::freshDir(dir);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured, also through `| tee`
    harness::installStopHandler();               // a running hub and PostgreSQL are stopped on Ctrl-C too
    log::channel("sync")->set_level(spdlog::level::err);  // a refused heartbeat is counted, not logged
    g_runTag = std::uint32_t(unixNow()) ^ std::uint32_t(getpid());

    fmt::print("{}\n", bench::machineLine("load_bench", KIOSK_BUILD_TYPE));
    fmt::print("{} kiosks; steady: {} threads for {} s, {} records per upload; storm: {} threads; work folder {}\n",
               o.kiosks, std::min(o.threads, o.kiosks), o.seconds, o.batch,
               std::min({o.stormThreads > 0 ? o.stormThreads : o.kiosks, o.kiosks, kMaxStormThreads}), dir.string());
    std::string load = harness::slurp("/proc/loadavg");
    load = load.substr(0, load.find(' ', load.find(' ', load.find(' ') + 1) + 1));
    fmt::print("load average before the run (1, 5, 15 min): {} — other work on this machine shares its CPUs\n", load);
    if (g_hubBin != KIOSK_HUB_BIN) fmt::print("kiosk-hub: {}\n", g_hubBin);
    fmt::print("latency: 2xx answers only; errors: other answers, no answer, refused records; hub CPU: % of one core\n\n");
    header();

    bool ok = true;
    g_runTag ^= 0x51u;
    const BackendRun sqlite = runBackend("SQLite", dir / "sqlite", "", o);
    printBackend("SQLite", sqlite);
    ok = ok && (sqlite.problem.empty() ? sqlite.verifiedOk : true);
    if (!o.postgres) {
        note("PostgreSQL", "not run: --no-postgres");
    } else {
        harness::PgServer pg(fs::path(KIOSK_SOURCE_DIR) / "scripts/pg-test-server.sh", dir / "pg");
        auto admin = pg.start();
        if (!admin) {
            note("PostgreSQL", "not run: " + admin.error());
        } else if (auto spec = harness::createDatabase(*admin, "load_bench"); !spec) {
            note("PostgreSQL", "not run: " + spec.error().message);
        } else {
            g_runTag ^= 0x9a00u;
            const BackendRun pgRun = runBackend("PostgreSQL", dir / "postgres", *spec, o);
            printBackend("PostgreSQL", pgRun);
            ok = ok && (pgRun.problem.empty() ? pgRun.verifiedOk : true);
        }
    }
    if (ownDir) fs::remove_all(dir);
    return ok ? 0 : 1;
}
