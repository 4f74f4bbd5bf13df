// Against a browser kiosk (a program, not a test; issue "Proof", group 7):
// the kiosk next to what a site would otherwise install — Debian's
// `chromium` showing a static page of the same home screen and content —
// measured in the same run, and the kiosk's own scroll, search and sync
// figures beside them. Prints one table and never fails on a timing.
//
//   build/release/bench/browser_bench [--runs N] [--idle-seconds S] [--settle-seconds S]
//                                     [--chromium PATH] [--dir PATH] [--no-search] [--no-sync]
//
// Rows (each the median of --runs runs, default 5; kiosk and chromium
// alternate inside every run):
//   1. time to first frame: from exec to the first frame with the home
//      screen — the kiosk's "first frame" log line (`kiosk --headless`,
//      startup_bench's command line plus the demo content) against
//      chromium's first-contentful-paint (performance.timeOrigin-based, read
//      over DevTools after the fact); and from exec until a complete
//      1920×1080 PNG is on disk, `kiosk --headless --screenshot` against
//      `chromium --headless=new --screenshot` (both encode a PNG); the
//      kiosk's own first_frame_ms (from main()) beside them.
//   2. memory: PSS summed over the process and all its descendants
//      (/proc/PID/smaps_rollup), sampled once a second while each idles on
//      the home screen — the windowed kiosk (`--windowed 1920x1080 --renderer
//      software`, SDL's offscreen video driver) and a long-running `chromium
//      --headless=new --remote-debugging-port=0` on the page.
//   3. idle: CPU (utime+stime over the same process tree) over
//      --idle-seconds (default 10) after --settle-seconds (default 5), and
//      frames drawn per second — the kiosk's KIOSK_TRACE=app frame lines in
//      the same window; chromium's compositor DrawAndSwap steps in a DevTools
//      trace (node + tests/console's playwright-core) over a second window
//      right after, since tracing costs CPU. The kiosk is measured a second
//      time on X11 (Xvfb): SDL's offscreen driver cannot block waiting for
//      events and polls, which a kiosk on X11 or KMS/DRM does not.
//   4. scroll: frame times of the headless kiosk (software renderer,
//      1920×1080) dragging and flinging a list of 31 services up and down;
//      one frame = the interval between two of its frame log lines, stamped
//      as they arrive on a pipe (and, as a cross-check, by the log's own
//      1 ms clock). No browser baseline: Chromium paces frames to a 60 Hz
//      begin-frame clock and splits a frame over processes and threads, so
//      no figure of its own is the same quantity.
//   5. search p99: search_bench's table (no browser baseline).
//   6. sync drain and hub ingest: sync_bench --records 2000 --runs 1
//      --no-bundle (no browser baseline).
//
// The page is generated at run time into the work folder from the same
// content database the kiosk shows (the build's demo-content.db, read with
// the kiosk's own ContentStore queries), the kiosk's own UI strings and
// default site name, and the kiosk's font: @font-face local() of the face
// the kiosk loads (fonts.face of the collection in fonts.regular/bold),
// with the file itself as fallback. page.html is the home screen;
// page.html#list is the service list the scroll row drags.
//
// Every process it starts is killed (with its descendants) at the end, on
// an error and on Ctrl-C; every wait is bounded.
//
// [SECTION] Processes we started
// [SECTION] Files and the machine
// [SECTION] The equivalent page
// [SECTION] 1. Time to first frame
// [SECTION] 2–3. Memory and idle
// [SECTION] Chromium's idle frames
// [SECTION] 4. Scroll
// [SECTION] 5–6. Quoted benchmarks
// [SECTION] Table
#include "bench_stats.h"
#include "kiosk_process.h"
#include "harness/temp_dir.h"

#include "config/config.h"
#include "i18n/strings.h"
#include "store/content_store.h"
#include "ui/format.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
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
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace kiosk;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using bench::percentile;

namespace {

// [SECTION] Processes we started ------------------------------------------------

// Every child is the leader of its own process group; the groups are killed
// on every exit path (chromium's helpers stay in the group, and are also
// found through /proc by their parent links).
constexpr std::size_t kMaxGroups = 64;
std::array<std::atomic<pid_t>, kMaxGroups> g_groups{};

void rememberGroup(pid_t pid) {
    for (auto& g : g_groups) {
        pid_t empty = 0;
        if (g.compare_exchange_strong(empty, pid)) return;
    }
}

void forgetGroup(pid_t pid) {
    for (auto& g : g_groups) {
        pid_t mine = pid;
        if (g.compare_exchange_strong(mine, 0)) return;
    }
}

void onSignal(int sig) {
    for (auto& g : g_groups)
        if (const pid_t p = g.load(); p > 0) kill(-p, SIGKILL);
    _exit(128 + sig);
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Parent pid and utime+stime (clock ticks) from /proc/PID/stat; false when
// the process is gone.
bool procStat(pid_t pid, pid_t* ppid, long* ticks) {
    const std::string s = slurp(fmt::format("/proc/{}/stat", pid));
    const auto close = s.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream rest(s.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 4 && ppid) *ppid = pid_t(std::stol(field));
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    if (ticks) *ticks = utime + stime;
    return true;
}

// `root` and every descendant, found through the parent links in /proc.
std::vector<pid_t> processTree(pid_t root) {
    std::multimap<pid_t, pid_t> children;
    for (const auto& e : fs::directory_iterator("/proc", fs::directory_options::skip_permission_denied)) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        pid_t ppid = 0;
        if (procStat(pid_t(std::stol(name)), &ppid, nullptr)) children.emplace(ppid, pid_t(std::stol(name)));
    }
    std::vector<pid_t> out{root};
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto [a, b] = children.equal_range(out[i]);
        for (auto it = a; it != b; ++it) out.push_back(it->second);
    }
    return out;
}

long pssKb(pid_t pid) {
    std::ifstream in(fmt::format("/proc/{}/smaps_rollup", pid));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Pss:", 0) == 0) return std::atol(line.c_str() + 4);
    return 0;
}

struct Spawned {
    pid_t pid = -1;
    int stderrPipe = -1;  // read end, when asked for
};

// Starts `args` (args[0] an absolute path) as the leader of a new process
// group with `env` added, stdout and stderr to `log` — or stderr to a pipe
// the caller reads when `pipeStderr`.
Spawned spawn(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env,
              const fs::path& log, bool pipeStderr = false) {
    int fds[2] = {-1, -1};
    if (pipeStderr && pipe2(fds, O_CLOEXEC) != 0) return {};
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(out, 1);
        dup2(pipeStderr ? fds[1] : out, 2);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    if (pid < 0) return {};
    setpgid(pid, pid);
    rememberGroup(pid);
    if (pipeStderr) close(fds[1]);
    return {pid, fds[0]};
}

// An X server for the kiosk's idle row on X11: SDL's offscreen driver has no
// blocking event wait, so a kiosk on it wakes up to poll; on X11 (as on
// KMS/DRM at a site) it sleeps. `Xvfb -displayfd` says its display number
// once it accepts clients. Returns {pid, ":N"}, or pid -1.
std::pair<pid_t, std::string> startXvfb(const fs::path& log) {
    int fds[2];
    if (access("/usr/bin/Xvfb", X_OK) != 0 || pipe(fds) != 0) return {-1, ""};
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, 1);
        dup2(out, 2);
        close(fds[0]);
        const std::string fd = std::to_string(fds[1]);
        execl("/usr/bin/Xvfb", "Xvfb", "-displayfd", fd.c_str(), "-screen", "0", "1920x1080x24", "-nolisten", "tcp",
              static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return {-1, ""};
    }
    setpgid(pid, pid);
    rememberGroup(pid);
    std::string got;
    const auto end = Clock::now() + 10s;
    while (Clock::now() < end && got.find('\n') == std::string::npos) {
        pollfd pfd{fds[0], POLLIN, 0};
        if (poll(&pfd, 1, 200) <= 0) continue;
        char buf[32];
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, std::size_t(n));
    }
    close(fds[0]);
    if (got.find('\n') == std::string::npos) {
        kill(-pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        forgetGroup(pid);
        return {-1, ""};
    }
    return {pid, ":" + got.substr(0, got.find('\n'))};
}

// SIGTERM to the root (a clean stop writes the kiosk's --stats), then
// SIGKILL to whatever of the tree and the group is left; reaps the root.
// Returns the root's exit status as a shell would print it, -1 if killed.
int stopTree(pid_t root, std::chrono::milliseconds grace) {
    int status = 0, rc = -1;
    const auto tree = processTree(root);
    kill(root, SIGTERM);
    const auto end = Clock::now() + grace;
    bool reaped = false;
    while (Clock::now() < end) {
        if (waitpid(root, &status, WNOHANG) == root) {
            reaped = true;
            rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    for (const pid_t p : tree) kill(p, SIGKILL);
    kill(-root, SIGKILL);
    if (!reaped) waitpid(root, &status, 0);
    forgetGroup(root);
    return rc;
}

// [SECTION] Files and the machine ---------------------------------------------

// A PNG is complete once its last chunk, IEND, is on disk.
bool pngComplete(const fs::path& p, int* width = nullptr, int* height = nullptr) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return false;
    in.seekg(0, std::ios::end);
    const auto size = std::streamoff(in.tellg());
    if (size < 57) return false;
    std::array<char, 12> tail{};
    in.seekg(size - 12);
    in.read(tail.data(), 12);
    if (std::memcmp(tail.data() + 4, "IEND", 4) != 0) return false;
    if (width && height) {
        std::array<unsigned char, 8> wh{};
        in.seekg(16);
        in.read(reinterpret_cast<char*>(wh.data()), 8);
        *width = int(wh[0]) << 24 | int(wh[1]) << 16 | int(wh[2]) << 8 | int(wh[3]);
        *height = int(wh[4]) << 24 | int(wh[5]) << 16 | int(wh[6]) << 8 | int(wh[7]);
    }
    return true;
}

bool waitForFile(const fs::path& p, std::chrono::milliseconds limit) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        std::error_code ec;
        if (fs::exists(p, ec)) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

bool waitForText(const fs::path& log, const std::string& text, std::chrono::milliseconds limit) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        if (slurp(log).find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

// The 1-minute load average: the machine may be shared, and a table taken
// under load says so.
std::string loadAverage() {
    std::string one;
    std::ifstream("/proc/loadavg") >> one;
    return one.empty() ? "?" : one;
}

// The first line a program prints for `--version`, stderr dropped.
std::string versionLine(const std::string& bin) {
    const std::string cmd = fmt::format("'{}' --version 2>/dev/null", bin);
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return "unknown";
    char buf[256] = {};
    const bool got = fgets(buf, sizeof buf, p) != nullptr;
    pclose(p);
    std::string s = got ? buf : "unknown";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// Runs a program to its end (bounded), its stdout returned, stderr to `log`.
std::optional<std::string> capture(const std::vector<std::string>& args, const fs::path& out, const fs::path& log,
                                   std::chrono::seconds limit) {
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        const int e = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(o, 1);
        dup2(e, 2);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(o);
    if (pid < 0) return std::nullopt;
    setpgid(pid, pid);
    rememberGroup(pid);
    const auto end = Clock::now() + limit;
    int status = 0;
    bool done = false;
    while (Clock::now() < end) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            done = true;
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    if (!done) {
        // SIGTERM first: sync_bench stops its private PostgreSQL on it.
        kill(pid, SIGTERM);
        std::this_thread::sleep_for(5s);
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    forgetGroup(pid);
    if (!done || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
    return slurp(out);
}

double epochMs() {
    return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The local wall-clock time of the first log line containing `needle`
// ("YYYY-mm-dd HH:MM:SS.mmm …", spdlog's pattern), in ms since the epoch.
std::optional<double> logLineEpochMs(const fs::path& log, const std::string& needle) {
    std::istringstream in(slurp(log));
    std::string line;
    while (std::getline(in, line)) {
        if (line.find(needle) == std::string::npos) continue;
        std::tm tm{};
        int ms = 0;
        if (std::sscanf(line.c_str(), "%4d-%2d-%2d %2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                        &tm.tm_min, &tm.tm_sec, &ms) != 7)
            return std::nullopt;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_isdst = -1;
        return double(std::mktime(&tm)) * 1000.0 + ms;
    }
    return std::nullopt;
}

// [SECTION] The equivalent page -------------------------------------------------

std::string esc(std::string_view s) {
    std::string o;
    for (const char ch : s) {
        switch (ch) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += ch;
        }
    }
    return o;
}

std::string hex(unsigned r, unsigned g, unsigned b) { return fmt::format("#{:02X}{:02X}{:02X}", r, g, b); }

// The six home tiles in kiosk/ui/screens/home.cpp's order, with the standard
// palette's tile colours (kiosk/ui/theme.cpp) and a stand-in for each icon.
struct PageTile {
    const char* title;
    const char* desc;
    std::string colour;
    const char* svg;  // inner SVG of a 64×64 white line icon
};

const char* const kIconDoc = R"(<rect x="18" y="10" width="28" height="44" rx="4"/><path d="M25 22h14M25 30h14M25 38h14M25 46h14"/>)";
const char* const kIconPolicy = R"(<circle cx="32" cy="32" r="20"/><path d="M26 28l8-4 4 8-6 8-8-4z" fill="#fff"/>)";
const char* const kIconCheck = R"(<rect x="16" y="14" width="32" height="42" rx="4"/><rect x="26" y="10" width="12" height="8"/><path d="M24 36l6 6 12-14"/>)";
const char* const kIconChat = R"(<path d="M12 16h40v26H26l-10 8v-8h-4z"/><circle cx="24" cy="29" r="2" fill="#fff"/><circle cx="32" cy="29" r="2" fill="#fff"/><circle cx="40" cy="29" r="2" fill="#fff"/>)";
const char* const kIconStar = R"(<path d="M32 10l6.5 14 15 1.6-11.3 10 3.3 15L32 43l-13.5 7.6 3.3-15L10.5 25.6l15-1.6z"/>)";
const char* const kIconSearch = R"(<circle cx="28" cy="28" r="14"/><path d="M38 38l14 14"/>)";

// Chinese date and time of the headless kiosk's fixed clock (2026-01-15
// 09:30, platform::defaultScriptTime), as its top bar shows them.
constexpr const char* kPageDate = "2026年1月15日 星期四";
constexpr const char* kPageTime = "09:30";

std::string fontFace(const std::string& file, int face, const char* weight, const char* suffix) {
    static constexpr const char* kRegion[] = {"JP", "KR", "SC", "TC", "HK"};
    const std::string local = fmt::format("Noto Sans CJK {}{}", kRegion[std::clamp(face, 0, 4)], suffix);
    return fmt::format(R"(@font-face{{font-family:"Kiosk Sans";font-weight:{};src:local("{}"),url("file://{}");}})",
                       weight, local, file);
}

struct Page {
    fs::path file;
    std::string listTitle;
    int listRows = 0;
    std::string fontNote;
};

std::expected<Page, std::string> writePage(const fs::path& dir) {
    auto cfg = config::load(std::nullopt);
    if (!cfg) return std::unexpected("default configuration: " + cfg.error().message);
    auto store = store::ContentStore::open(KIOSK_DEMO_CONTENT);
    if (!store) return std::unexpected(std::string(KIOSK_DEMO_CONTENT) + ": " + store.error().message);
    auto depts = store->departments();
    if (!depts || depts->empty()) return std::unexpected("the demo content has no departments");
    // guide.dept.0 on the kiosk: the department with the most services.
    auto list = store->servicesByDepartment(depts->front().id);
    if (!list) return std::unexpected(list.error().message);

    const auto zh = i18n::Lang::Zh;
    auto tr = [&](const char* key) { return std::string(i18n::tr(zh, key)); };
    const std::vector<PageTile> tiles = {
        {"tile.guide", "tile.guide_desc", hex(0x16, 0x4E, 0xA8), kIconDoc},
        {"tile.policies", "tile.policies_desc", hex(0x0E, 0x74, 0x7A), kIconPolicy},
        {"tile.check", "tile.check_desc", hex(0x2E, 0x7D, 0x32), kIconCheck},
        {"tile.feedback", "tile.feedback_desc", hex(0xB2, 0x4A, 0x12), kIconChat},
        {"tile.rating", "tile.rating_desc", hex(0x7A, 0x2E, 0x8E), kIconStar},
        {"tile.lookup", "tile.lookup_desc", hex(0x37, 0x47, 0x8F), kIconSearch},
    };

    std::string h;
    h += "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n";
    h += "<meta name=\"viewport\" content=\"width=1920\"><title>" + esc(cfg->siteName) + "</title>\n<style>\n";
    h += fontFace(cfg->fontRegular, cfg->fontFace, "400", "") + "\n";
    h += fontFace(cfg->fontBold, cfg->fontFace, "700", " Bold") + "\n";
    // Metrics of kiosk/ui/theme.cpp at 1080 px: pad 36, gap 24, radius 16,
    // top bar 104, targets 76 px; its text sizes 24/30/42/64 px are ImGui
    // line heights, which for Noto Sans CJK are CSS font sizes of 17/22/30/46.
    h += R"css(
*{box-sizing:border-box}
html,body{margin:0;height:100%;overflow:hidden}
body{font-family:"Kiosk Sans",sans-serif;font-size:22px;background:#F2F5F9;color:#1A2333;user-select:none;-webkit-user-select:none}
header{position:fixed;top:0;left:0;right:0;height:104px;background:#164EA8;color:#fff;display:flex;align-items:center;padding:0 24px 0 30px;font-size:22px}
header .fill{flex:1}
header .btn{display:inline-flex;align-items:center;height:76px;padding:0 28px;margin-left:12px;border:2px solid #8FA8D4;border-radius:10px;background:#0F3F8C;font-size:22px}
header .dot{width:12px;height:12px;border-radius:6px;background:#F0A030;margin:0 8px 0 24px}
header .clock{margin-left:24px}
main{position:absolute;top:104px;left:0;right:0;bottom:0;overflow-y:auto;padding:0 36px}
main::-webkit-scrollbar{width:8px}
main::-webkit-scrollbar-thumb{background:#C8D1DC;border-radius:4px}
#home{display:flex;flex-direction:column;height:100%;padding-top:29px}
.muted{color:#4A5568;font-size:22px;margin:0}
h1{font-size:46px;font-weight:700;margin:20px 0}
.tiles{flex:1;display:grid;grid-template-columns:repeat(3,1fr);grid-template-rows:repeat(2,1fr);gap:24px;margin-top:24px}
.tile{border-radius:16px;color:#fff;padding:18px 28px;display:flex;flex-direction:column}
.tile .icon{width:120px;height:120px;border-radius:60px;background:rgba(255,255,255,.2);display:flex;align-items:center;justify-content:center;margin:0 0 28px -10px}
.tile svg{width:64px;height:64px;fill:none;stroke:#fff;stroke-width:4;stroke-linejoin:round;stroke-linecap:round}
.tile h2{font-size:30px;font-weight:700;margin:0 0 14px}
.tile p{font-size:17px;margin:0}
.hint{margin:14px 0 18px;font-size:17px}
#list{display:none;padding:36px 0}
body:has(#list:target) #home{display:none}
#list:target{display:block}
#list h1{font-size:30px;margin:0 0 18px}
.row{display:flex;align-items:center;min-height:114px;margin:12px 0;padding:14px 20px;background:#fff;border:2px solid #C8D1DC;border-radius:10px}
.row .text{flex:1}
.row .name{font-size:22px}
.row .sub{font-size:17px;color:#4A5568;margin-top:6px}
.badge{font-size:17px;color:#fff;border-radius:8px;padding:4px 12px;margin-left:10px}
.chev{font-size:34px;margin-left:20px;color:#4A5568}
)css";
    h += "</style></head><body>\n";
    h += fmt::format("<header><span>{}</span><span class=\"fill\"></span><span class=\"btn\">{}</span>"
                     "<span class=\"btn\">{}</span><span class=\"dot\"></span><span>{}</span>"
                     "<span class=\"clock\">{}</span></header>\n<main>\n",
                     kPageDate, esc(tr("top.switch_language")), esc(tr("top.elder_on")), esc(tr("top.offline")),
                     kPageTime);

    // Home: welcome, site name, prompt, the six tiles, the hint.
    h += "<section id=\"home\">\n";
    h += fmt::format("<p class=\"muted\">{}</p><h1>{}</h1><p class=\"muted\">{}</p>\n<div class=\"tiles\">\n",
                     esc(tr("home.welcome")), esc(cfg->siteName), esc(tr("home.prompt")));
    for (const auto& t : tiles)
        h += fmt::format("<div class=\"tile\" style=\"background:{}\"><div class=\"icon\"><svg viewBox=\"0 0 64 64\">{}"
                         "</svg></div><h2>{}</h2><p>{}</p></div>\n",
                         t.colour, t.svg, esc(tr(t.title)), esc(tr(t.desc)));
    h += fmt::format("</div>\n<p class=\"muted hint\">{}</p>\n</section>\n", esc(tr("home.hint")));

    // The service list of guide.dept.0, row by row as drawServiceList words it.
    h += "<section id=\"list\">\n";
    h += fmt::format("<h1>{}</h1><p class=\"muted\">{}</p>\n", esc(list->titleZh),
                     esc(fmt::format(fmt::runtime(tr(list->services.size() == 1 ? "guide.count_one" : "guide.count")),
                                     list->services.size())));
    for (const auto& sv : list->services) {
        const std::string visits = sv.visits <= 0 ? "guide.visits_0" : sv.visits == 1 ? "guide.visits_1" : "guide.visits_2";
        const std::string sub = fmt::format("{} · {}", fmt::format(fmt::runtime(tr("guide.promised_short")),
                                                                    ui::timeLimitText(zh, sv.promised)),
                                            tr(visits.c_str()));
        std::string badges;
        for (const auto& tag : sv.tags) {
            if (tag == "高频") badges += fmt::format("<span class=\"badge\" style=\"background:#B3261E\">{}</span>", esc(tr("tag.high_frequency")));
            if (tag == "一件事") badges += fmt::format("<span class=\"badge\" style=\"background:#7A2E8E\">{}</span>", esc(tr("tag.bundle")));
        }
        h += fmt::format("<div class=\"row\"><div class=\"text\"><div class=\"name\">{}</div><div class=\"sub\">{}</div>"
                         "</div>{}<span class=\"chev\">›</span></div>\n",
                         esc(sv.name), esc(sub), badges);
    }
    h += "</section>\n</main>\n</body></html>\n";

    Page page;
    page.file = dir / "page.html";
    std::ofstream(page.file, std::ios::binary) << h;
    page.listTitle = list->titleZh;
    page.listRows = int(list->services.size());
    page.fontNote = fmt::format("local(\"Noto Sans CJK {}\") = face {} of {}", std::array{"JP", "KR", "SC", "TC", "HK"}[std::clamp(cfg->fontFace, 0, 4)],
                                cfg->fontFace, cfg->fontRegular);
    return page;
}

// [SECTION] 1. Time to first frame ---------------------------------------------

struct FirstFrame {
    double execEpochMs = 0;  // when it was started, ms since the epoch
    double pngMs = -1;   // exec → complete PNG on disk
    double exitMs = -1;  // exec → process exit
    int width = 0, height = 0;
};

FirstFrame timeToPng(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env,
                     const fs::path& png, const fs::path& log) {
    fs::remove(png);
    FirstFrame f;
    f.execEpochMs = epochMs();
    const auto t0 = Clock::now();
    const Spawned s = spawn(args, env, log);
    if (s.pid < 0) return f;
    const auto end = t0 + 60s;
    int status = 0;
    while (Clock::now() < end && (f.pngMs < 0 || f.exitMs < 0)) {
        if (f.pngMs < 0 && pngComplete(png, &f.width, &f.height))
            f.pngMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (f.exitMs < 0 && waitpid(s.pid, &status, WNOHANG) == s.pid) {
            f.exitMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (f.pngMs < 0 && pngComplete(png, &f.width, &f.height)) f.pngMs = f.exitMs;
            if (f.pngMs < 0) break;  // exited without a picture
        }
        std::this_thread::sleep_for(1ms);
    }
    if (f.exitMs < 0) stopTree(s.pid, 2s);
    else {
        kill(-s.pid, SIGKILL);  // helpers left behind, if any
        forgetGroup(s.pid);
    }
    return f;
}

// [SECTION] 2–3. Memory and idle -------------------------------------------------

struct Idle {
    double pssMb = -1;      // median of the samples
    double pssMaxMb = -1;
    double cpuPct = -1;     // of one core, over the idle window
    double framesPerS = -1; // kiosk only
    int processes = 0;
    std::string problem;
};

// Samples a running process tree: after `settle`, `seconds` of idle with a
// PSS sample a second and CPU ticks at both ends; `frames` (if given)
// counts frames drawn so far.
Idle sampleIdle(pid_t root, std::chrono::seconds settle, int seconds, const std::function<long()>& frames) {
    Idle r;
    std::this_thread::sleep_for(settle);
    std::map<pid_t, long> before;
    for (const pid_t p : processTree(root)) {
        long t = 0;
        if (procStat(p, nullptr, &t)) before[p] = t;
    }
    const long frames0 = frames ? frames() : 0;
    const auto t0 = Clock::now();
    std::vector<double> pss;
    for (int i = 0; i < seconds; ++i) {
        std::this_thread::sleep_until(t0 + std::chrono::seconds(i + 1));
        long kb = 0;
        const auto tree = processTree(root);
        for (const pid_t p : tree) kb += pssKb(p);
        pss.push_back(double(kb) / 1024.0);
        r.processes = int(tree.size());
    }
    const double elapsedS = std::chrono::duration<double>(Clock::now() - t0).count();
    long ticks = 0;
    for (const pid_t p : processTree(root)) {
        long t = 0;
        if (!procStat(p, nullptr, &t)) continue;
        const auto it = before.find(p);
        ticks += t - (it == before.end() ? 0 : it->second);
    }
    if (frames) r.framesPerS = double(frames() - frames0) / elapsedS;
    r.cpuPct = 100.0 * double(ticks) / double(sysconf(_SC_CLK_TCK)) / elapsedS;
    r.pssMb = percentile(pss, 0.5);
    r.pssMaxMb = percentile(pss, 1.0);
    return r;
}

long countLines(const fs::path& log, const std::string& needle) {
    const std::string s = slurp(log);
    long n = 0;
    for (std::size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + needle.size())) ++n;
    return n;
}

// [SECTION] Chromium's idle frames ------------------------------------------------

// Chromium's frames while idle: a DevTools trace (playwright-core from
// tests/console over CDP, the way tests/console drives Debian's chromium)
// over the idle window, counting the compositor's DrawAndSwap steps — one
// per frame drawn — and a screenshot that shows what the page showed.
constexpr const char* kFramesScript = R"js(import { createRequire } from 'node:module';
const [, , modules, port, seconds, shot] = process.argv;
const require = createRequire(modules + '/');
const { chromium } = require('playwright-core');
const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 15000 });
const page = browser.contexts()[0].pages().find((p) => p.url().startsWith('file:'));
await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline.frame', 'benchmark', 'cc'] });
const t0 = Date.now();
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
const buf = await browser.stopTracing();
const s = (Date.now() - t0) / 1000;
let frames = 0;
for (const e of JSON.parse(buf.toString()).traceEvents)
  if (e.name === 'Graphics.Pipeline.DrawAndSwap' && (e.ph === 'b' || e.ph === 'B' || e.ph === 'X')) frames++;
await page.screenshot({ path: shot });
console.log(JSON.stringify({ frames, seconds: s }));
process.exit(0);
)js";

// Chromium's first frame with content: first-contentful-paint on the
// page's own clock (performance.timeOrigin + startTime, ms since the epoch),
// read after the fact so the reading does not slow the start.
constexpr const char* kPaintScript = R"js(import { createRequire } from 'node:module';
const [, , modules, port] = process.argv;
const require = createRequire(modules + '/');
const { chromium } = require('playwright-core');
const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: 15000 });
for (let i = 0; i < 100; i++) {
  const page = browser.contexts()[0]?.pages().find((p) => p.url().startsWith('file:'));
  const at = page ? await page.evaluate(() => {
    const e = performance.getEntriesByName('first-contentful-paint')[0];
    return e ? performance.timeOrigin + e.startTime : 0;
  }) : 0;
  if (at) {
    console.log(JSON.stringify({ fcp_epoch_ms: at }));
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 100));
}
process.exit(1);
)js";

const char* const kNode = "/usr/bin/node";
const std::string kPlaywrightModules = KIOSK_SOURCE_DIR "/tests/console/node_modules";

bool haveTracer() {
    std::error_code ec;
    return access(kNode, X_OK) == 0 && fs::exists(kPlaywrightModules + "/playwright-core", ec);
}

// [SECTION] 4. Scroll -----------------------------------------------------------

struct Scroll {
    std::vector<double> framesMs;     // arrival clock, one per frame in the window
    std::vector<double> logFramesMs;  // the log's own 1 ms clock
    double maxFrameMs = -1;           // the kiosk's own max_frame_ms (whole run)
    bool scrolled = false;            // the list moved (screenshots differ)
    std::string renderer;
    std::string problem;
};

// Milliseconds of the day from spdlog's "YYYY-mm-dd HH:MM:SS.mmm" prefix.
std::optional<double> logClockMs(const std::string& line) {
    int hh = 0, mm = 0, ss = 0, ms = 0;
    if (line.size() < 23 || std::sscanf(line.c_str() + 11, "%2d:%2d:%2d.%3d", &hh, &mm, &ss, &ms) != 4) return std::nullopt;
    return ((hh * 60.0 + mm) * 60.0 + ss) * 1000.0 + ms;
}

Scroll scrollRun(const fs::path& work, int run) {
    Scroll r;
    const fs::path top = work / fmt::format("scroll-{}-top.png", run), mid = work / fmt::format("scroll-{}-mid.png", run),
                   end = work / fmt::format("scroll-{}-end.png", run), stats = work / "scroll-stats.json",
                   script = work / "scroll.kss", log = work / fmt::format("scroll-{}.log", run);
    {
        std::ofstream out(script);
        out << "# the longest service list: 办事指南 → 按部门 → the first department\n"
               "tap-id home.tile.guide\ntap-id guide.tab_departments\ntap-id guide.dept.0\n"
            << "screenshot " << top.string() << "\n";
        // Two flings and a slow drag down, the same back up: ~170 frames.
        out << "drag 960 950 960 250 400\nwait 1500\ndrag 960 950 960 350 300\nwait 1500\n"
               "drag 960 900 960 600 600\nwait 800\n"
            << "screenshot " << mid.string() << "\n"
            << "drag 960 250 960 950 400\nwait 1500\ndrag 960 350 960 950 300\nwait 1500\n"
               "drag 960 600 960 900 600\nwait 800\n";
        out << "screenshot " << end.string() << "\n";
    }
    auto args = bench::headlessHomeArgs(KIOSK_BIN, "1920x1080", (work / "kiosk-headless").string());
    args.insert(args.end(), {"--renderer", "software", "--content", KIOSK_DEMO_CONTENT, "--script", script.string(),
                             "--stats", stats.string()});
    fs::remove(stats);
    const Spawned s = spawn(args, {{"KIOSK_TRACE", "app"}}, work / fmt::format("scroll-{}.out", run), true);
    if (s.pid < 0) {
        r.problem = "cannot start the kiosk";
        return r;
    }
    // Events in the measured window: markers (screenshot lines) and frames.
    struct Event {
        bool frame;
        double atMs;     // arrival, steady clock
        double logMs;    // the line's own time stamp
    };
    std::vector<Event> events;
    bool inWindow = false, done = false;
    std::string pending, all;
    const auto t0 = Clock::now();
    const auto deadline = t0 + 240s;
    char buf[65536];
    while (!done && Clock::now() < deadline) {
        pollfd pfd{s.stderrPipe, POLLIN, 0};
        if (poll(&pfd, 1, 200) <= 0) continue;
        const ssize_t n = read(s.stderrPipe, buf, sizeof buf);
        const double at = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (n <= 0) break;
        pending.append(buf, std::size_t(n));
        for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
            const std::string line = pending.substr(0, nl);
            all += line + "\n";
            const bool frame = line.find("[app] frame ") != std::string::npos;
            const bool marker = line.find("[app] screenshot ") != std::string::npos;
            if (marker && line.find(top.string()) != std::string::npos) inWindow = true;
            if (!inWindow || !(frame || marker)) continue;
            events.push_back({frame, at, logClockMs(line).value_or(-1)});
            if (marker && line.find(end.string()) != std::string::npos) done = true;
        }
    }
    close(s.stderrPipe);
    std::ofstream(log) << all;
    int status = 0;
    const auto waitEnd = Clock::now() + 30s;
    bool exited = false;
    while (Clock::now() < waitEnd)
        if (waitpid(s.pid, &status, WNOHANG) == s.pid) {
            exited = true;
            break;
        } else {
            std::this_thread::sleep_for(20ms);
        }
    if (!exited) stopTree(s.pid, 1s);
    else forgetGroup(s.pid);
    if (!done) {
        r.problem = fmt::format("the scroll script did not finish (see {})", log.string());
        return r;
    }
    // A frame's time: from the line before it (a frame or a marker) to its own
    // line. Intervals that end on a marker hold a PNG encode and are left out.
    for (std::size_t i = 1; i < events.size(); ++i) {
        if (!events[i].frame) continue;
        r.framesMs.push_back(events[i].atMs - events[i - 1].atMs);
        if (events[i].logMs >= 0 && events[i - 1].logMs >= 0) r.logFramesMs.push_back(events[i].logMs - events[i - 1].logMs);
    }
    const auto j = bench::readStats(stats);
    if (!j.is_discarded()) {
        r.maxFrameMs = j.value("max_frame_ms", -1.0);
        r.renderer = j.value("renderer", "");
    }
    r.scrolled = slurp(top) != slurp(mid);
    return r;
}

// [SECTION] 5–6. Quoted benchmarks ---------------------------------------------

std::vector<std::string> linesWith(const std::string& text, const std::vector<std::string>& needles) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        for (const auto& n : needles)
            if (line.find(n) != std::string::npos) {
                out.push_back(line);
                break;
            }
    return out;
}

// [SECTION] Table ----------------------------------------------------------------

std::string num(double v, int digits = 1) { return v < 0 ? "—" : fmt::format("{:.{}f}", v, digits); }

std::string ratio(double browser, double kiosk) {
    if (browser < 0 || kiosk < 0) return "—";
    if (kiosk <= 0) return browser <= 0 ? "—" : "kiosk 0";
    return fmt::format("{:.1f}×", browser / kiosk);
}

void row(const std::string& what, const std::string& kiosk, const std::string& browser, const std::string& r,
         const std::string& note = "") {
    fmt::print("{:<46} {:>13} {:>13} {:>9}  {}\n", what, kiosk, browser, r, note);
}

double med(const std::vector<double>& v) { return v.empty() ? -1 : percentile(v, 0.5); }

}  // namespace

int main(int argc, char** argv) {
    int runs = 5, idleSeconds = 10, settleSeconds = 5;
    bool search = true, sync = true;
    std::string chromium = "/usr/bin/chromium";
    fs::path dir;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) runs = std::atoi(argv[++i]);
        else if (a == "--idle-seconds" && i + 1 < argc) idleSeconds = std::atoi(argv[++i]);
        else if (a == "--settle-seconds" && i + 1 < argc) settleSeconds = std::atoi(argv[++i]);
        else if (a == "--chromium" && i + 1 < argc) chromium = argv[++i];
        else if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--no-search") search = false;
        else if (a == "--no-sync") sync = false;
        else {
            fmt::print(stderr, "usage: browser_bench [--runs N] [--idle-seconds S] [--settle-seconds S] [--chromium PATH] "
                               "[--dir PATH] [--no-search] [--no-sync]\n");
            return 2;
        }
    }
    if (runs < 1 || idleSeconds < 1 || settleSeconds < 0) {
        fmt::print(stderr, "--runs and --idle-seconds must be positive\n");
        return 2;
    }
    const bool ownDir = dir.empty();
    dir = ownDir ? harness::freshTempDir("kiosk-browser-bench") : harness::freshDir(dir);
    fs::create_directories(dir / "kiosk-data");
    std::ofstream(dir / "kiosk-data" / "setup-done") << "skipped\n";  // no setup screen: the home screen
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    struct sigaction sa{};
    sa.sa_handler = onSignal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    const bool haveChromium = access(chromium.c_str(), X_OK) == 0;
    const bool root = geteuid() == 0;
    std::time_t now = std::time(nullptr);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    fmt::print("browser_bench: {}, {} CPUs (nproc), {}, kiosk build type {}\n", date, sysconf(_SC_NPROCESSORS_ONLN),
               bench::cpuModel(), KIOSK_BUILD_TYPE);
    fmt::print("baseline: {} ({}){}\n", chromium, haveChromium ? versionLine(chromium) : "not installed",
               root ? ", --no-sandbox (running as root)" : "");

    auto page = writePage(dir);
    if (!page) {
        fmt::print(stderr, "cannot write the page: {}\n", page.error());
        return 1;
    }
    const std::string url = "file://" + page->file.string();
    fmt::print("page: {} — home screen + #list ({}, {} services) from {}; font {}\n", page->file.string(),
               page->listTitle, page->listRows, KIOSK_DEMO_CONTENT, page->fontNote);
    fmt::print("median of {} runs; work folder {}; load average {} at start\n\n", runs, dir.string(), loadAverage());

    auto chromiumArgs = [&](const fs::path& profile) {
        std::vector<std::string> a = {chromium, "--headless=new", "--user-data-dir=" + profile.string(),
                                      "--window-size=1920,1080", "--hide-scrollbars", "--no-first-run"};
        if (root) a.push_back("--no-sandbox");
        return a;
    };

    const bool tracer = haveChromium && haveTracer();
    if (tracer) {
        std::ofstream(dir / "frames.mjs") << kFramesScript;
        std::ofstream(dir / "paint.mjs") << kPaintScript;
    }

    // ── 1. first frame ──
    std::vector<double> kPng, kExit, kSelf, kShown, cPng, cExit, cShown;
    std::string paintProblem;
    std::string kSize, cSize;
    {
        const fs::path kStats = dir / "first-stats.json";
        auto kArgs = bench::headlessHomeArgs(KIOSK_BIN, "1920x1080", (dir / "kiosk-data").string());
        kArgs.insert(kArgs.end(), {"--content", KIOSK_DEMO_CONTENT, "--stats", kStats.string(), "--screenshot",
                                   (dir / "first-kiosk.png").string()});
        auto cArgs = chromiumArgs(dir / "profile-shot");
        cArgs.insert(cArgs.end(), {"--screenshot=" + (dir / "first-chromium.png").string(), url});
        // One start of each to warm the page cache (and make chromium's profile).
        timeToPng(kArgs, {}, dir / "first-kiosk.png", dir / "first-kiosk.log");
        if (haveChromium) timeToPng(cArgs, {}, dir / "first-chromium.png", dir / "first-chromium.log");
        for (int r = 0; r < runs; ++r) {
            const FirstFrame k = timeToPng(kArgs, {}, dir / "first-kiosk.png", dir / "first-kiosk.log");
            if (k.pngMs >= 0) {
                kPng.push_back(k.pngMs);
                kExit.push_back(k.exitMs);
                kSize = fmt::format("{}x{}", k.width, k.height);
                const auto j = bench::readStats(kStats);
                if (!j.is_discarded()) kSelf.push_back(j.value("first_frame_ms", -1.0));
                if (const auto at = logLineEpochMs(dir / "first-kiosk.log", "[app] first frame after"))
                    kShown.push_back(*at - k.execEpochMs);
            }
            if (!haveChromium) continue;
            if (tracer) {
                // exec → first-contentful-paint, chromium staying up until it is read.
                const fs::path profile = dir / "profile-paint";
                fs::remove(profile / "DevToolsActivePort");
                auto args = chromiumArgs(profile);
                args.insert(args.end(), {"--remote-debugging-port=0", url});
                const double exec = epochMs();
                const Spawned s = spawn(args, {}, dir / "paint-chromium.log");
                std::string port;
                if (s.pid > 0 && waitForFile(profile / "DevToolsActivePort", 30s)) {
                    std::this_thread::sleep_for(200ms);  // in case the file is not written in one go
                    std::getline(std::ifstream(profile / "DevToolsActivePort") >> std::ws, port);
                }
                const auto out = port.empty() ? std::nullopt
                                              : capture({kNode, (dir / "paint.mjs").string(), kPlaywrightModules, port},
                                                        dir / "paint.out", dir / "paint.err", 60s);
                const auto j = out ? nlohmann::json::parse(*out, nullptr, false) : nlohmann::json();
                if (j.is_object() && j.value("fcp_epoch_ms", 0.0) > 0) cShown.push_back(j.value("fcp_epoch_ms", 0.0) - exec);
                else paintProblem = "chromium's first-contentful-paint could not be read (see paint.err)";
                if (s.pid > 0) stopTree(s.pid, 5s);
            }
            const FirstFrame c = timeToPng(cArgs, {}, dir / "first-chromium.png", dir / "first-chromium.log");
            if (c.pngMs >= 0) {
                cPng.push_back(c.pngMs);
                cExit.push_back(c.exitMs);
                cSize = fmt::format("{}x{}", c.width, c.height);
            }
        }
    }

    // ── 2–3. memory and idle ──
    std::vector<double> kPss, kPssMax, kCpu, kFps, cPss, cPssMax, cCpu, cFps, xPss, xCpu, xFps;
    int kProcs = 0, cProcs = 0;
    std::string idleProblem, tracerProblem;
    const auto xserver = startXvfb(dir / "xvfb.log");
    const pid_t xvfb = xserver.first;
    const std::string display = xserver.second;
    // The windowed kiosk idling on the home screen; `video` is SDL's driver.
    auto kioskIdle = [&](const std::string& video, const std::string& name) -> std::optional<Idle> {
        const fs::path log = dir / fmt::format("idle-kiosk-{}.log", video);
        std::vector<std::pair<std::string, std::string>> env = {{"SDL_VIDEODRIVER", video}, {"KIOSK_TRACE", "app"}};
        if (video == "x11") env.emplace_back("DISPLAY", display);
        const Spawned s = spawn({KIOSK_BIN, "--windowed", "1920x1080", "--renderer", "software", "--data",
                                 (dir / "kiosk-data").string(), "--content", KIOSK_DEMO_CONTENT},
                                env, log);
        std::optional<Idle> out;
        if (s.pid > 0 && waitForText(log, "first frame after", 30s))
            out = sampleIdle(s.pid, std::chrono::seconds(settleSeconds), idleSeconds,
                             [&] { return countLines(log, "[app] frame "); });
        else
            idleProblem = fmt::format("the kiosk on {} drew no frame in 30 s (see {})", name, log.string());
        if (s.pid > 0) stopTree(s.pid, 5s);
        return out;
    };
    for (int r = 0; r < runs; ++r) {
        if (const auto i = kioskIdle("offscreen", "SDL's offscreen driver")) {
            kPss.push_back(i->pssMb);
            kPssMax.push_back(i->pssMaxMb);
            kCpu.push_back(i->cpuPct);
            kFps.push_back(i->framesPerS);
            kProcs = i->processes;
        }
        if (xvfb > 0)
            if (const auto i = kioskIdle("x11", "Xvfb")) {
                xPss.push_back(i->pssMb);
                xCpu.push_back(i->cpuPct);
                xFps.push_back(i->framesPerS);
            }
        if (!haveChromium) continue;
        {
            const fs::path profile = dir / "profile-idle";
            fs::remove(profile / "DevToolsActivePort");
            auto args = chromiumArgs(profile);
            args.insert(args.end(), {"--remote-debugging-port=0", url});
            const Spawned s = spawn(args, {}, dir / "idle-chromium.log");
            if (s.pid > 0 && waitForFile(profile / "DevToolsActivePort", 30s)) {
                const Idle i = sampleIdle(s.pid, std::chrono::seconds(settleSeconds), idleSeconds, nullptr);
                cPss.push_back(i.pssMb);
                cPssMax.push_back(i.pssMaxMb);
                cCpu.push_back(i.cpuPct);
                cProcs = i.processes;
                // Frames: a second window, traced (tracing costs CPU, so not in the one above).
                if (tracer) {
                    std::string port;
                    std::getline(std::ifstream(profile / "DevToolsActivePort") >> std::ws, port);
                    const auto out = capture({kNode, (dir / "frames.mjs").string(), kPlaywrightModules, port,
                                              std::to_string(idleSeconds), (dir / "idle-chromium.png").string()},
                                             dir / "frames.out", dir / "frames.err", std::chrono::seconds(idleSeconds + 60));
                    const auto j = out ? nlohmann::json::parse(*out, nullptr, false) : nlohmann::json();
                    if (j.is_object() && j.value("seconds", 0.0) > 0)
                        cFps.push_back(j.value("frames", 0) / j.value("seconds", 1.0));
                    else
                        tracerProblem = "the DevTools trace failed (see frames.err)";
                }
            } else {
                idleProblem = "chromium did not open its DevTools port in 30 s (see idle-chromium.log)";
            }
            if (s.pid > 0) stopTree(s.pid, 5s);
        }
    }

    if (xvfb > 0) stopTree(xvfb, 5s);

    // ── 4. scroll ──
    std::vector<double> sP50, sP99, sMax, sLogP99, sSelfMax;
    std::size_t sFrames = 0;
    std::string sRenderer, scrollProblem;
    bool scrolled = true;
    for (int r = 0; r < runs; ++r) {
        const Scroll s = scrollRun(dir, r);
        if (!s.problem.empty() || s.framesMs.empty()) {
            scrollProblem = s.problem.empty() ? "no frames in the window" : s.problem;
            continue;
        }
        sP50.push_back(percentile(s.framesMs, 0.5));
        sP99.push_back(percentile(s.framesMs, 0.99));
        sMax.push_back(percentile(s.framesMs, 1.0));
        if (!s.logFramesMs.empty()) sLogP99.push_back(percentile(s.logFramesMs, 0.99));
        sSelfMax.push_back(s.maxFrameMs);
        sFrames = s.framesMs.size();
        sRenderer = s.renderer;
        scrolled = scrolled && s.scrolled;
    }

    // ── 5. search ──
    std::string searchOut, searchProblem;
    if (search) {
        const auto out = capture({SEARCH_BENCH_BIN, "--db", (dir / "search.db").string()}, dir / "search_bench.out",
                                 dir / "search_bench.err", 900s);
        if (out) searchOut = *out;
        else searchProblem = "search_bench failed (see search_bench.err)";
    }
    // ── 6. sync ──
    std::string syncOut, syncProblem;
    if (sync) {
        const auto out = capture({SYNC_BENCH_BIN, "--records", "2000", "--runs", "1", "--no-bundle", "--dir",
                                  (dir / "sync").string()},
                                 dir / "sync_bench.out", dir / "sync_bench.err", 900s);
        if (out) syncOut = *out;
        else syncProblem = "sync_bench failed (see sync_bench.err)";
    }

    // ── the table ──
    fmt::print("load average {} at the end\n\n", loadAverage());
    fmt::print("{:<46} {:>13} {:>13} {:>9}  {}\n", "measure (median of runs)", "kiosk", "chromium", "chr/kiosk", "notes");
    fmt::print("{}\n", std::string(120, '-'));
    row("1. first frame shown: exec → frame (ms)", num(med(kShown)), num(med(cShown)), ratio(med(cShown), med(kShown)),
        "kiosk: its 'first frame' log line (1 ms clock); chromium: first-contentful-paint");
    if (!paintProblem.empty()) row("   problem", paintProblem, "", "");
    row("   exec → 1920×1080 PNG on disk (ms)", num(med(kPng)), num(med(cPng)), ratio(med(cPng), med(kPng)),
        fmt::format("--screenshot, both encode a PNG; kiosk {} / chromium {}", kSize.empty() ? "—" : kSize,
                    cSize.empty() ? "—" : cSize));
    row("   exec → process exit (ms)", num(med(kExit)), num(med(cExit)), ratio(med(cExit), med(kExit)));
    row("   kiosk's own first_frame_ms", num(med(kSelf)), "", "", "from main(), --stats");
    row("2. memory: PSS of process tree, idle (MB)", num(med(kPss)), num(med(cPss)), ratio(med(cPss), med(kPss)),
        fmt::format("kiosk windowed on SDL offscreen; {} vs {} processes; max sample {} / {}", kProcs, cProcs,
                    num(med(kPssMax)), num(med(cPssMax))));
    row(fmt::format("3. idle CPU over {} s (% of one core)", idleSeconds), num(med(kCpu), 2), num(med(cCpu), 2),
        ratio(med(cCpu), med(kCpu)), "utime+stime of the tree, /proc");
    row("   idle frames drawn per second", num(med(kFps), 2),
        tracer && !cFps.empty() ? num(med(cFps), 2) : "not counted", ratio(med(cFps), med(kFps)),
        tracer ? "kiosk: its frame log lines; chromium: DrawAndSwap in a DevTools trace, a 2nd window"
               : "kiosk: its frame log lines; chromium: needs node + tests/console/node_modules");
    if (!tracerProblem.empty()) row("   problem", tracerProblem, "", "");
    if (xvfb > 0)
        row("   kiosk on X11 (Xvfb): PSS MB / CPU % / fps",
            fmt::format("{} / {} / {}", num(med(xPss)), num(med(xCpu), 2), num(med(xFps), 2)), "", "",
            fmt::format("CPU ratio chromium/kiosk-on-X11: {}", ratio(med(cCpu), med(xCpu))));
    else
        row("   kiosk on X11 (Xvfb)", "not run", "", "", "Xvfb not installed or did not start");
    if (!idleProblem.empty()) row("   problem", idleProblem, "", "");
    if (scrollProblem.empty() || !sP99.empty()) {
        row("4. scroll frame time p50 (ms)", num(med(sP50), 2), "no baseline", "",
            fmt::format("headless {} 1920x1080, {} frames/run, list of {}", sRenderer, sFrames, page->listRows));
        row("   scroll frame time p99 (ms)", num(med(sP99), 2), "no baseline", "",
            fmt::format("log's 1 ms clock: {}; list moved: {}", num(med(sLogP99), 1), scrolled ? "yes" : "NO"));
        row("   slowest scroll frame (ms)", num(med(sMax), 2), "", "",
            fmt::format("kiosk's max_frame_ms (whole run, incl. opening screens): {}", num(med(sSelfMax), 1)));
    }
    if (!scrollProblem.empty()) row("4. scroll: problem", scrollProblem, "", "");
    if (search) {
        if (!searchProblem.empty()) row("5. search", searchProblem, "", "");
        else {
            double worst = -1;
            const auto lines = linesWith(searchOut, {"1 char", "2 chars", "3 chars", "6 chars", "initials", "pinyin"});
            for (const auto& l : lines) {
                std::istringstream in(l.substr(16));
                double p50 = 0, p99 = 0;
                if (in >> p50 >> p99) worst = std::max(worst, p99);
            }
            row("5. search p99, worst query length (ms)", num(worst, 2), "no baseline", "",
                "search_bench (100,000 measures), its rows below");
        }
    }
    if (sync) {
        if (!syncProblem.empty()) row("6. sync", syncProblem, "", "");
        else row("6. sync drain / hub ingest", "see below", "no baseline", "", "sync_bench --records 2000 --runs 1 --no-bundle");
    }
    if (search && searchProblem.empty()) {
        fmt::print("\nsearch_bench:\n");
        for (const auto& l : linesWith(searchOut, {"query", "char", "initials", "pinyin", "open database", "p99 ≤"}))
            fmt::print("  {}\n", l);
    }
    if (sync && syncProblem.empty()) {
        fmt::print("\nsync_bench:\n");
        for (const auto& l : linesWith(syncOut, {"drain ", "records acknowledged", "hub ingest", "one storeBatch"}))
            fmt::print("  {}\n", l);
    }
    if (ownDir) fs::remove_all(dir);
    return 0;
}
