// Soak benchmark (a program, not a test; issue "Proof", group 6): many
// scripted visitor sessions through ONE headless kiosk process, to show
// whether memory grows with the number of visitors and whether anything
// leaks. It prints tables and never fails on a timing; it exits non-zero only
// when the kiosk itself fails (a widget missing, a crash, a sanitizer report).
//
//   soak_bench [--sessions N] [--every K] [--budget SECONDS] [--size WxH]
//              [--parallel P] [--round R] [--raster-every-frame]
//                                 memory at checkpoints (release kiosk)
//   soak_bench --heaptrack [--sessions N]      the same sessions under heaptrack,
//                                 at N/5 and N (default 500) to tell a leak per
//                                 session from memory kept until exit
//   soak_bench --lsan --kiosk ASAN_KIOSK [--sessions N]
//                                 the same sessions (default 1,000) in a
//                                 KIOSK_SANITIZE=ON build, LeakSanitizer on
//   common: --kiosk PATH (default: this build's kiosk), --content DB (default:
//           this build's demo content), --work DIR (default: a fresh folder in
//           /tmp, removed at the end unless --keep)
//
// A visitor session is one of six kinds in rotation, each built from the steps
// the UI tests use (tests/ui/scripts): 办事指南 browse + search as you type +
// a result; 政策查询 document and measure + 政策体检 answered to its results;
// 我要反映 case filled and submitted; the same with the 好差评 its receipt
// offers; 好差评 of a service picked from the guide; 办件查询 of an unknown
// number left half-way. Every session ends by walking away: `idle` past the
// idle timeout and the countdown, which wipes the session back to home (the
// kiosk's own --stats must count one wipe per session). Language and elder
// mode are switched now and then. Everything typed is obviously fake
// (测试访客, 13800000000, "测试数据").
//
// The run is one generated script: the first R sessions (--round, default
// 3,000) written out, then `repeat` rounds of the next R, then the rest, so
// the kiosk holds a few rounds of steps whatever N is. `wait`/`idle` cost no
// real time (virtual clock). By default the kiosk runs with
// --raster-on-capture: every frame is laid out, drawn into ImGui's draw
// lists and acted on as always, but SDL's software rasterizer (95 % of the
// CPU at 1920x1080, ~40 ms a frame) fills pixels only for the checkpoint
// screenshots; --raster-every-frame fills every frame, ~50x slower.
// Checkpoints are `screenshot` steps to named pipes: when the kiosk writes
// one, it is between two sessions and blocked on the pipe, and this program
// reads /proc/PID/status (VmRSS, RssAnon = heap and other private memory,
// VmHWM), the open file descriptors, the threads and the size of the data
// folder (the outbox: submissions accumulate there, encrypted, by design —
// reported apart from memory). --budget stops the run (SIGKILL) at the first
// checkpoint after that many seconds. --parallel P runs P kiosk processes
// side by side (one per core), each with its share of the N sessions, its
// own data folder and its own report.
#include "harness/temp_dir.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// ---- the visitor sessions ------------------------------------------------------

constexpr int kKinds = 6;
constexpr const char* kKindNames[kKinds] = {"guide + search",    "policies + check", "case",
                                            "case + its rating", "rating",           "lookup, walked away"};
// Queries typed into the guide's search box; each shows at least one result
// in the kiosk with the demo content (Simplified, pinyin initials; English
// words when the visitor switched to English). 公积金, 税务 and 食品 show none
// in the kiosk although `kioskctl content search` lists services for them.
constexpr const char* kQueries[] = {"社保", "营业执照", "gssl"};
constexpr const char* kQueriesEn[] = {"tax", "Licence", "social insurance", "food", "invoice"};
// Idle timeout (90 s) + countdown (30 s) of the default configuration, plus 5 s.
constexpr int kWalkAwayMs = 125'000;

std::string sessionSteps(long i) {
    const long round = i / kKinds;
    std::string s = fmt::format("# session {} ({})\n", i + 1, kKindNames[i % kKinds]);
    switch (i % kKinds) {
        case 0: {  // 办事指南: a theme, a service, back, then search as you type
            const bool english = round % 2 == 1;
            if (english) s += "tap-id top.language\n";
            s += fmt::format(
                "tap-id home.tile.guide\ntap-id guide.theme.{}\ntap-id list.service.0\ntap-id top.back\ntap-id top.back\n"
                "tap-id guide.search\ntype {}\ntap-id guide.result.0\ntap-id top.home\n",
                round % 3, english ? kQueriesEn[(round / 2) % std::size(kQueriesEn)] : kQueries[(round / 2) % std::size(kQueries)]);
            break;
        }
        case 1:  // 政策查询 then 政策体检 to its results (the content tour's answers)
            if (round % 3 == 2) s += "tap-id top.elder\n";
            s += "tap-id home.tile.policies\ntap-id policy.doc.1\ntap-id document.measure.1\ntap-id top.home\n"
                 "tap-id home.tile.check\ntap-id check.option.12\ntap-id check.option.2\ntap-id check.option.3\n"
                 "tap-id check.option.2\ntap-id check.option.1\ntap-id check.option.2\ntap-id check.feature.0\n"
                 "tap-id check.feature.5\ntap-id check.features_done\ntap-id check.option.0\n";
            break;
        case 2:  // 我要反映, submitted
        case 3:  // … and the rating its receipt offers
            s += fmt::format(
                "tap-id home.tile.feedback\ntap-id case.kind.{}\ntap-id case.description\n"
                "type 测试数据：soak 第{}次会话，非真实诉求，请忽略。\ntap-id kb.done\n"
                "tap-id case.contact\ntype 测试访客\ntap-id kb.done\ntap-id case.mobile\ntype 13800000000\n"
                "tap-id kb.done\ndrag 960 900 960 200 400\nwait 1500\ntap-id case.accept\ntap-id case.submit\n"
                "tap-id review.confirm\n",
                round % 6, i + 1);
            if (i % kKinds == 2) s += "tap-id receipt.done\n";
            else s += fmt::format("tap-id receipt.rate\ntap-id rating.level.{}\ntap-id rating.reason.0\n"
                                  "tap-id rating.submit\ntap-id thanks.home\n", round % 2);
            break;
        case 4: {  // 好差评 of a service picked from 办事指南; poor levels need a reason
            const long level = round % 5;
            s += fmt::format("tap-id home.tile.rating\ntap-id rating.pick_service\ntap-id guide.theme.0\n"
                             "tap-id list.service.{}\ntap-id service.pick\ntap-id rating.level.{}\n"
                             "tap-id rating.reason.0\n{}tap-id rating.submit\ntap-id thanks.home\n",
                             round % 3, level, level >= 3 ? "tap-id rating.reason.1\n" : "");
            break;
        }
        default:  // 办件查询 of a number this kiosk never issued, left on screen
            s += "tap-id home.tile.lookup\ntap-id lookup.case_no\ntype QP0120260115000123\ntap-id lookup.mobile4\n"
                 "type 0000\ntap-id lookup.submit\n";
            break;
    }
    s += fmt::format("idle {}\n", kWalkAwayMs);
    return s;
}

// 1, 2, 5, 10, 20, 50, 100, …
bool inSeries(long n) {
    if (n <= 0) return false;
    while (n % 10 == 0) n /= 10;
    return n == 1 || n == 2 || n == 5;
}

// Sessions written out once and then looped with the script's `repeat`
// (--round): a multiple of the six kinds (so session j is always of kind
// j % 6) and of 1,000 (so the 1-2-5 series and round --every values fall on
// the same place of every round). Runs of up to this many sessions are
// written out whole.
constexpr long kDefaultRound = 3000;

struct Checkpoint {
    long sessions;    // visitor sessions finished when the kiosk writes it
    std::string pipe;  // file name of its named pipe in the work folder
};

// Checkpoints: a 1-2-5 series (for the table) and every `every` sessions (for
// the slope and the budget), plus 0 (script loaded, nothing done) and N.
// Past the first block a checkpoint at position p of a round reuses the pipe
// "cp-loop-p.png" in every round.
std::vector<Checkpoint> checkpoints(long sessions, long every, long block) {
    std::set<long> at{0, sessions};
    for (long p = 1; p <= sessions; p *= 10)
        for (long m : {1L, 2L, 5L})
            if (p * m <= sessions) at.insert(p * m);
    if (every > 0)
        for (long k = every; k < sessions; k += every) at.insert(k);
    const long looped = sessions > block ? (sessions - block) / block * block : 0;  // sessions inside `repeat`
    const long loopEvery = every > 0 ? every : block;
    std::vector<Checkpoint> out;
    for (long n : at) {
        const bool inLoop = n > block && n <= block + looped;
        if (inLoop && n % loopEvery != 0) continue;  // only what every round can have (--every divides block)
        out.push_back({n, inLoop ? fmt::format("cp-loop-{}.png", (n - 1) % block + 1) : fmt::format("cp-{}.png", n)});
    }
    return out;
}

// ---- the kiosk process -----------------------------------------------------------

struct Memory {
    long rssKb = 0, anonKb = 0, hwmKb = 0, threads = 0, fds = 0;
};

long statusField(const std::string& status, const char* name) {
    const auto at = status.find(std::string("\n") + name + ":");
    if (at == std::string::npos) return -1;
    return std::strtol(status.c_str() + at + std::char_traits<char>::length(name) + 2, nullptr, 10);
}

Memory readMemory(pid_t pid) {
    std::ifstream in(fmt::format("/proc/{}/status", pid));
    std::stringstream ss;
    ss << "\n" << in.rdbuf();
    const std::string status = ss.str();
    Memory m;
    m.rssKb = statusField(status, "VmRSS");
    m.anonKb = statusField(status, "RssAnon");
    m.hwmKb = statusField(status, "VmHWM");
    m.threads = statusField(status, "Threads");
    std::error_code ec;
    for (auto it = fs::directory_iterator(fmt::format("/proc/{}/fd", pid), ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        ++m.fds;
    return m;
}

std::uintmax_t folderBytes(const fs::path& dir) {
    std::uintmax_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    return total;
}

pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env, const fs::path& dir) {
    const pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir.c_str()) != 0) _exit(126);
        const int out = open("kiosk.stdout", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = open("kiosk.stderr", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, 1);
        dup2(err, 2);
        for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execvp(args[0].c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

std::string describeExit(int status) {
    if (WIFEXITED(status)) return fmt::format("exit {}", WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return fmt::format("killed by signal {}", WTERMSIG(status));
    return "?";
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string tail(const std::string& text, std::size_t lines) {
    std::size_t at = text.size();
    for (std::size_t n = 0; n <= lines && at > 0; ++n) {
        at = text.rfind('\n', at - 1);
        if (at == std::string::npos) return text;
    }
    return text.substr(at + 1);
}

// Waits until the kiosk writes the pipe (it is then at the checkpoint), runs
// `atCheckpoint`, drains the PNG. False if the kiosk exited first.
template <typename F>
bool awaitCheckpoint(const fs::path& fifo, pid_t pid, int& status, F atCheckpoint) {
    const int fd = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    if (fd < 0) return false;
    pollfd p{fd, POLLIN, 0};
    for (;;) {
        const int r = poll(&p, 1, 500);
        if (r > 0 && (p.revents & POLLIN)) break;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            close(fd);
            return false;
        }
    }
    atCheckpoint();
    char buf[65536];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) continue;
        if (n == 0) break;  // the kiosk closed the file: PNG written
        if (errno == EAGAIN) {
            (void)poll(&p, 1, 200);
            continue;
        }
        break;
    }
    close(fd);
    return true;
}

struct Options {
    long sessions = 100'000;
    long every = 100;
    double budgetS = 0;
    std::string size = "1920x1080";
    std::string kiosk = KIOSK_BIN;
    std::string content = KIOSK_DEMO_CONTENT;
    std::string work;
    bool heaptrack = false, lsan = false, keep = false;
    bool rasterEveryFrame = false;  // default: the kiosk draws pixels only for checkpoint screenshots
    int parallel = 1;               // kiosks side by side, sessions shared out
    long round = kDefaultRound;     // sessions per `repeat` round
    std::string label;              // "kiosk K: " before progress lines when several run
};

std::string utcNow() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

double mb(long kb) { return double(kb) / 1024.0; }

// Least-squares slope of y over x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
    const double n = double(x.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        sxy += x[i] * y[i];
    }
    const double d = n * sxx - sx * sx;
    return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

// Writes the script: the first block sessions written out, then the
// next ones as `repeat` rounds of block, then the rest written out;
// checkpoints become screenshots to named pipes. Returns the number of steps
// the kiosk holds, or -1.
long writeScript(const Options& o, const fs::path& dir, const std::vector<Checkpoint>& cps) {
    std::ofstream out(dir / "soak.kss");
    const long block = o.round;
    std::set<std::string> made;
    long steps = 0;
    auto checkpointAfter = [&](long n) -> bool {  // writes the checkpoint reached after n sessions, if any
        for (const Checkpoint& c : cps) {
            if (c.sessions != n) continue;
            const fs::path fifo = dir / c.pipe;
            if (made.insert(c.pipe).second && mkfifo(fifo.c_str(), 0600) != 0) return false;
            out << "screenshot " << fifo.string() << "\n";
            ++steps;
        }
        return true;
    };
    auto session = [&](long i) {
        const std::string s = sessionSteps(i);
        out << s;
        steps += long(std::count(s.begin(), s.end(), '\n')) - 1;  // minus the comment line
    };
    const long first = std::min(o.sessions, block);
    const long rounds = o.sessions > block ? (o.sessions - block) / block : 0;
    if (!checkpointAfter(0)) return -1;
    for (long i = 0; i < first; ++i) {
        session(i);
        if (!checkpointAfter(i + 1)) return -1;
    }
    if (rounds > 0) {
        out << "repeat " << rounds << "\n";
        for (long i = block; i < 2 * block; ++i) {
            session(i);
            // The pipe of the checkpoint at this place in the first round (the same in every round).
            if (!checkpointAfter(i + 1)) return -1;
        }
        out << "end\n";
        steps += 2;
    }
    for (long i = block * (rounds + 1); i < o.sessions; ++i) {
        session(i);
        if (!checkpointAfter(i + 1)) return -1;
    }
    return out ? steps : -1;
}

nlohmann::json readStats(const fs::path& dir) {
    const auto j = nlohmann::json::parse(slurp(dir / "stats.json"), nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

// Cases and ratings the script submits in its first n sessions.
std::pair<long, long> expectedSubmissions(long n) {
    long cases = 0, ratings = 0;
    for (long i = 0; i < n; ++i) {
        cases += (i % kKinds == 2 || i % kKinds == 3) ? 1 : 0;
        ratings += (i % kKinds == 3 || i % kKinds == 4) ? 1 : 0;
    }
    return {cases, ratings};
}

void printRunFooter(const nlohmann::json& st, long sessions) {
    const auto [cases, ratings] = expectedSubmissions(sessions);
    fmt::print("kiosk --stats: session_wipes {} (expected {}), cases_saved {} ({}), ratings_saved {} ({}), "
               "frames_drawn {}, peak_rss_kb {}\n",
               st.value("session_wipes", -1L), sessions, st.value("cases_saved", -1L), cases,
               st.value("ratings_saved", -1L), ratings, st.value("frames_drawn", -1L), st.value("peak_rss_kb", -1L));
}

bool statsAsExpected(const nlohmann::json& st, long sessions) {
    const auto [cases, ratings] = expectedSubmissions(sessions);
    return st.value("session_wipes", -1L) == sessions && st.value("cases_saved", -1L) == cases &&
           st.value("ratings_saved", -1L) == ratings;
}

std::vector<std::string> kioskArgs(const Options& o, const std::string& bin, const fs::path& dir) {
    std::vector<std::string> args{bin,          "--headless", "--size", o.size, "--data", (dir / "data").string(),
                                  "--content",  o.content,    "--printer-output", (dir / "print").string(),
                                  "--script",   (dir / "soak.kss").string(),      "--stats",
                                  (dir / "stats.json").string()};
    if (!o.rasterEveryFrame) args.push_back("--raster-on-capture");
    return args;
}

// ---- mode: memory at checkpoints ------------------------------------------------

int runSoak(const Options& o, const fs::path& dir) {
    const auto cps = checkpoints(o.sessions, o.every, o.round);
    const long steps = writeScript(o, dir, cps);
    if (steps < 0) {
        fmt::print(stderr, "cannot make the checkpoint pipes in {}\n", dir.string());
        return 1;
    }
    fmt::print("soak: {} sessions through one `kiosk --headless --size {}{}` (demo content), {}\n", o.sessions, o.size,
               o.rasterEveryFrame ? "" : " --raster-on-capture", utcNow());
    fmt::print("script: {} steps, {:.1f} MB; checkpoints: {}; session kinds in rotation: {}", steps,
               double(fs::file_size(dir / "soak.kss")) / 1e6, cps.size(), kKindNames[0]);
    for (int k = 1; k < kKinds; ++k) fmt::print(", {}", kKindNames[k]);
    fmt::print("\n{}\n\n", o.budgetS > 0 ? fmt::format("budget: stop at the first checkpoint after {:.0f} s", o.budgetS)
                                         : std::string());

    struct Row {
        long sessions;
        double seconds;
        Memory mem;
        std::uintmax_t dataBytes;
    };
    std::vector<Row> rows;
    const auto start = Clock::now();
    const pid_t pid = spawn(kioskArgs(o, o.kiosk, dir), {}, dir);
    int status = 0;
    bool exited = false, stopped = false;
    for (const Checkpoint& c : cps) {
        const long cp = c.sessions;
        const bool reached = awaitCheckpoint(dir / c.pipe, pid, status, [&] {
            rows.push_back({cp, std::chrono::duration<double>(Clock::now() - start).count(), readMemory(pid),
                            folderBytes(dir / "data")});
        });
        if (!reached) {
            exited = true;
            break;
        }
        if (inSeries(cp) || cp % 1000 == 0) {
            const Row& r = rows.back();
            fmt::print(stderr, "  {}checkpoint {:>7} sessions  {:>8.1f} s  RssAnon {:>7.1f} MB\n", o.label, r.sessions,
                       r.seconds, mb(r.mem.anonKb));
        }
        if (o.budgetS > 0 && rows.back().seconds > o.budgetS && cp != o.sessions) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            stopped = true;
            exited = true;
            break;
        }
    }
    if (!exited) waitpid(pid, &status, 0);
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();

    fmt::print("{:>9} {:>9} {:>10} {:>9} {:>10} {:>9} {:>5} {:>8} {:>12}\n", "sessions", "elapsed s", "sessions/s",
               "VmRSS MB", "RssAnon MB", "VmHWM MB", "fds", "threads", "data dir KB");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        // The table keeps the 1-2-5 series and the last row; the every-K rows feed the slope.
        const bool series = r.sessions == 0 || i + 1 == rows.size() || inSeries(r.sessions);
        if (!series) continue;
        const double rate = i == 0 ? 0 : double(r.sessions - rows[i - 1].sessions) / (r.seconds - rows[i - 1].seconds);
        fmt::print("{:>9} {:>9.1f} {:>10} {:>9.1f} {:>10.1f} {:>9.1f} {:>5} {:>8} {:>12}\n", r.sessions, r.seconds,
                   i == 0 ? std::string("-") : fmt::format("{:.2f}", rate), mb(r.mem.rssKb), mb(r.mem.anonKb),
                   mb(r.mem.hwmKb), r.mem.fds, r.mem.threads, r.dataBytes / 1024);
    }
    fmt::print("\n");
    if (rows.size() < 3) {
        fmt::print("too few checkpoints reached ({}); kiosk: {}\n{}", rows.size(), describeExit(status),
                   tail(slurp(dir / "kiosk.stderr"), 15));
        return 1;
    }
    const Row& last = rows.back();
    // Growth after warm-up: from the first checkpoint at or after a tenth of
    // the run (fonts, content caches and the glyph atlas are warm by then).
    std::vector<double> x, anon, rss, data;
    for (const Row& r : rows)
        if (r.sessions >= std::max(1L, last.sessions / 10)) {
            x.push_back(double(r.sessions));
            anon.push_back(double(r.mem.anonKb) * 1024.0);
            rss.push_back(double(r.mem.rssKb) * 1024.0);
            data.push_back(double(r.dataBytes));
        }
    const Row* warm = nullptr;
    for (const Row& r : rows)
        if (!warm && r.sessions >= std::max(1L, last.sessions / 10)) warm = &r;
    const double n = double(last.sessions - warm->sessions);
    fmt::print("sessions run: {} in {:.0f} s ({:.2f} sessions/s overall{})\n", last.sessions, last.seconds,
               double(last.sessions) / last.seconds, stopped ? "; stopped by the budget" : "");
    fmt::print("memory from session {} to {}: RssAnon {:+.1f} MB, VmRSS {:+.1f} MB; least-squares slope over {} "
               "checkpoints: RssAnon {:+.0f} bytes/session, VmRSS {:+.0f} bytes/session\n",
               warm->sessions, last.sessions, mb(last.mem.anonKb - warm->mem.anonKb),
               mb(last.mem.rssKb - warm->mem.rssKb), x.size(), slope(x, anon), slope(x, rss));
    fmt::print("memory from session 0 (script loaded) to {}: RssAnon {:+.1f} MB, VmHWM {:.1f} MB; fds {} -> {}, "
               "threads {} -> {}\n",
               last.sessions, mb(last.mem.anonKb - rows[0].mem.anonKb), mb(last.mem.hwmKb), rows[0].mem.fds,
               last.mem.fds, rows[0].mem.threads, last.mem.threads);
    const auto [cases, ratings] = expectedSubmissions(last.sessions);
    fmt::print("data folder (outbox, sealed): {} KB -> {} KB over {} sessions = {:.0f} bytes/session "
               "({} cases and {} ratings queued, nothing syncs them here: expected growth on disk)\n",
               rows[0].dataBytes / 1024, last.dataBytes / 1024, last.sessions,
               n > 0 ? slope(x, data) : 0.0, cases, ratings);
    if (o.sessions > last.sessions)
        fmt::print("projection: {} sessions at {:.2f} sessions/s would take {:.1f} h\n", o.sessions,
                   double(last.sessions) / last.seconds, double(o.sessions) / (double(last.sessions) / last.seconds) / 3600);
    if (stopped) return 0;
    const auto st = readStats(dir);
    printRunFooter(st, o.sessions);
    fmt::print("kiosk: {}, wall {:.0f} s\n", describeExit(status), wall);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) || !statsAsExpected(st, o.sessions)) {
        fmt::print("the kiosk did not run every session as scripted:\n{}", tail(slurp(dir / "kiosk.stderr"), 15));
        return 1;
    }
    return 0;
}

// ---- mode: several kiosks side by side ------------------------------------------------

// Each kiosk is its own process with its own data folder and its share of
// the sessions, measured by a child of this program exactly as runSoak
// does alone; the reports are printed one after the other when all are done.
int runParallel(const Options& o, const fs::path& dir) {
    fmt::print("{} kiosks side by side, {} sessions shared out, {}\n\n", o.parallel, o.sessions, utcNow());
    std::vector<pid_t> children;
    for (int k = 0; k < o.parallel; ++k) {
        Options mine = o;
        mine.parallel = 1;
        mine.label = fmt::format("kiosk {}: ", k + 1);
        mine.sessions = o.sessions / o.parallel + (k < o.sessions % o.parallel ? 1 : 0);
        const fs::path sub = dir / fmt::format("kiosk-{}", k + 1);
        fs::create_directories(sub);
        std::fflush(nullptr);
        const pid_t pid = fork();
        if (pid == 0) {
            if (!std::freopen((sub / "report.txt").c_str(), "w", stdout)) _exit(1);
            const int rc = runSoak(mine, sub);
            std::fflush(nullptr);
            _exit(rc);
        }
        children.push_back(pid);
    }
    int worst = 0;
    for (int k = 0; k < o.parallel; ++k) {
        int status = 0;
        waitpid(children[std::size_t(k)], &status, 0);
        const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
        worst = std::max(worst, rc);
        fmt::print("== kiosk {} of {} ({}) ==\n{}\n", k + 1, o.parallel, rc == 0 ? "ok" : describeExit(status),
                   slurp(dir / fmt::format("kiosk-{}", k + 1) / "report.txt"));
    }
    return worst;
}

// ---- modes: heaptrack and LeakSanitizer --------------------------------------------

// The value after "NAME: " on the line of heaptrack_print's summary that
// starts with NAME ("" if absent).
std::string summaryValue(const std::string& report, const std::string& name) {
    std::istringstream lines(report);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with(name + ":")) return line.size() > name.size() + 2 ? line.substr(name.size() + 2) : "";
    return "";
}

struct CheckedRun {
    bool ok = false;
    double wall = 0;
    std::string report;  // heaptrack_print's text, or the sanitizer's stderr
};

CheckedRun runOneChecked(Options o, const fs::path& dir, long sessions) {
    o.sessions = sessions;
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    const long steps = writeScript(o, dir, {});
    std::vector<std::string> args = kioskArgs(o, o.kiosk, dir);
    std::vector<std::string> env;
    if (o.heaptrack) args.insert(args.begin(), {"heaptrack", "-o", (dir / "kiosk.heaptrack").string()});
    else env = {"ASAN_OPTIONS=detect_leaks=1:abort_on_error=0", "UBSAN_OPTIONS=print_stacktrace=1"};
    fmt::print(stderr, "  {} sessions ({} steps) under {} …\n", sessions, steps, o.heaptrack ? "heaptrack" : "ASan/LSan");
    const auto start = Clock::now();
    const pid_t pid = spawn(args, env, dir);
    int status = 0;
    waitpid(pid, &status, 0);
    CheckedRun run;
    run.wall = std::chrono::duration<double>(Clock::now() - start).count();
    const std::string err = slurp(dir / "kiosk.stderr");
    const auto st = readStats(dir);
    fmt::print("{} sessions: wall {:.0f} s ({:.3f} sessions/s), kiosk: {}\n", sessions, run.wall,
               double(sessions) / run.wall, describeExit(status));
    printRunFooter(st, sessions);
    run.ok = statsAsExpected(st, sessions) && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!run.ok) fmt::print("kiosk stderr (last lines):\n{}", tail(err, 20));
    if (!o.heaptrack) {
        run.report = err;
        return run;
    }
    fs::path file;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().starts_with("kiosk.heaptrack")) file = e.path();
    if (file.empty()) {
        fmt::print("heaptrack wrote no record:\n{}", tail(err, 15));
        run.ok = false;
        return run;
    }
    const fs::path printed = dir / "heaptrack_print.txt";
    const std::string cmd = fmt::format("heaptrack_print --print-leaks 1 --print-peaks 0 --print-allocators 0 "
                                        "--print-temporary 0 -f '{}' > '{}' 2>&1",
                                        file.string(), printed.string());
    if (std::system(cmd.c_str()) != 0) fmt::print("heaptrack_print failed: {}\n", cmd);
    run.report = slurp(printed);
    return run;
}

// heaptrack: the same rotation at N/5 and N sessions. heaptrack's "leaked" is
// everything not freed at exit (caches and singletons that live as long as
// the process included); a leak per session shows as a difference between the
// two runs.
int runHeaptrack(const Options& o, const fs::path& dir) {
    const long small = std::max(1L, o.sessions / 5);
    fmt::print("heaptrack: {} and {} sessions, each through one `kiosk --headless --size {}` ({}), {}\n\n", small,
               o.sessions, o.size, o.kiosk, utcNow());
    const CheckedRun a = runOneChecked(o, dir / "small", small);
    const CheckedRun b = runOneChecked(o, dir / "large", o.sessions);
    fmt::print("\n{:<46} {:>16} {:>16}\n", "heaptrack_print", fmt::format("{} sessions", small),
               fmt::format("{} sessions", o.sessions));
    for (const char* name : {"total runtime", "calls to allocation functions", "temporary memory allocations",
                             "peak heap memory consumption", "peak RSS (including heaptrack overhead)",
                             "total memory leaked", "suppressed leaks"})
        fmt::print("{:<46} {:>16} {:>16}\n", name, summaryValue(a.report, name), summaryValue(b.report, name));
    const auto at = b.report.find("MEMORY LEAKS");
    if (at != std::string::npos) {
        fmt::print("\nlargest leak sites at {} sessions (heaptrack_print --print-leaks, first 40 lines):\n",
                   o.sessions);
        std::istringstream leaks(b.report.substr(at));
        int k = 0;
        for (std::string line; std::getline(leaks, line) && k < 40; ++k) fmt::print("  {}\n", line);
    }
    return a.ok && b.ok ? 0 : 1;
}

// LeakSanitizer: one run of a KIOSK_SANITIZE=ON kiosk; any leak, ASan or
// UBSan report is printed and fails the run.
int runLsan(const Options& o, const fs::path& dir) {
    fmt::print("LeakSanitizer: {} sessions through one `kiosk --headless --size {}` ({}), {}\n\n", o.sessions, o.size,
               o.kiosk, utcNow());
    const CheckedRun r = runOneChecked(o, dir / "lsan", o.sessions);
    std::vector<std::string> findings;
    std::istringstream lines(r.report);
    for (std::string line; std::getline(lines, line);)
        if (line.find("LeakSanitizer") != std::string::npos || line.find("SUMMARY:") != std::string::npos ||
            line.find("runtime error:") != std::string::npos ||
            line.find("ERROR: AddressSanitizer") != std::string::npos)
            findings.push_back(line);
    fmt::print("sanitizer output: {}\n", findings.empty() ? "none (no leak, no ASan or UBSan report)" : "");
    for (const auto& f : findings) fmt::print("  {}\n", f);
    if (findings.empty()) return r.ok ? 0 : 1;
    const fs::path keepAt = fs::temp_directory_path() / "soak_bench_lsan.txt";
    std::ofstream(keepAt) << r.report;
    fmt::print("full sanitizer output: {}\n", keepAt.string());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    bool sessionsGiven = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                fmt::print(stderr, "{} needs a value\n", a);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--sessions") {
            o.sessions = std::max(1L, std::atol(value().c_str()));
            sessionsGiven = true;
        } else if (a == "--every") o.every = std::max(0L, std::atol(value().c_str()));
        else if (a == "--budget") o.budgetS = std::atof(value().c_str());
        else if (a == "--size") o.size = value();
        else if (a == "--kiosk") o.kiosk = value();
        else if (a == "--content") o.content = value();
        else if (a == "--work") o.work = value();
        else if (a == "--keep") o.keep = true;
        else if (a == "--heaptrack") o.heaptrack = true;
        else if (a == "--lsan") o.lsan = true;
        else if (a == "--raster-every-frame") o.rasterEveryFrame = true;
        else if (a == "--round") o.round = std::atol(value().c_str());
        else if (a == "--parallel") o.parallel = std::clamp(std::atoi(value().c_str()), 1, 16);
        else {
            fmt::print(stderr,
                       "usage: soak_bench [--sessions N] [--every K] [--budget S] [--size WxH] [--kiosk PATH] "
                       "[--content DB] [--work DIR] [--keep] [--raster-every-frame] [--parallel P] [--round R] [--heaptrack | --lsan]\n");
            return 2;
        }
    }
    // Under heaptrack a session takes ~0.5 s and under ASan ~0.25 s (pixels
    // only for checkpoints), hence the smaller defaults.
    if ((o.heaptrack || o.lsan) && !sessionsGiven) o.sessions = o.heaptrack ? 500 : 1000;
    if (o.lsan && o.kiosk == KIOSK_BIN)
        fmt::print(stderr, "note: --lsan without --kiosk runs this build's kiosk; LeakSanitizer needs a "
                           "KIOSK_SANITIZE=ON build\n");
    if (o.round < kKinds || o.round % kKinds != 0) {
        fmt::print(stderr, "--round {} must be a multiple of {} (the session kinds)\n", o.round, kKinds);
        return 2;
    }
    if (o.sessions / o.parallel > o.round && o.every > 0 && o.round % o.every != 0) {
        fmt::print(stderr, "--every {} must divide {} for runs of more than {} sessions per kiosk (they loop in "
                           "rounds of {}; see --round)\n", o.every, o.round, o.round, o.round);
        return 2;
    }
    const fs::path dir = o.work.empty() ? harness::freshTempDir("soak_bench") : harness::freshDir(o.work);
    std::error_code ec;
    const int rc = o.heaptrack ? runHeaptrack(o, dir) : o.lsan ? runLsan(o, dir) : o.parallel > 1 ? runParallel(o, dir) : runSoak(o, dir);
    if (o.keep) fmt::print("work folder kept: {}\n", dir.string());
    else fs::remove_all(dir, ec);
    return rc;
}
