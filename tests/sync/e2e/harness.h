// What the end-to-end tests share on top of the process harness
// (tests/harness: child processes, a real kiosk-hub, TLS clients): their
// own folders, kioskctl and the kiosk app run as the tests run them,
// provisioning a kiosk against a hub, queueing records, and the base
// fixtures of the suites. Logs stay in the test's folder for reading after
// a failure.
#pragma once

#include "harness/hub.h"
#include "harness/net.h"
#include "harness/process.h"
#include "harness/test_dir.h"
#include "hubdb/store.h"
#include "outbox/outbox.h"
#include "records/records.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace kiosk;

using harness::freePort;
using harness::portOpen;
using harness::slurp;

// KIOSK_TEST_OUT/SUITE.NAME of the running test, fresh.
inline fs::path testDir() { return harness::testDir(KIOSK_TEST_OUT); }

// A child process and its log files.
struct Proc {
    pid_t pid = -1;
    fs::path out, err;
};

// Starts `args` with stdout in LOGBASE.out (truncated) and stderr appended to
// LOGBASE.err; `env`: variables set (value) or removed (nullopt) in the child only.
inline Proc spawn(const std::vector<std::string>& args, const fs::path& logBase, const harness::EnvChanges& env = {}) {
    Proc p{-1, logBase.string() + ".out", logBase.string() + ".err"};
    p.pid = harness::spawn(args, harness::Output{p.out, p.err, false, true}, env);
    return p;
}

// Exit code, or -1 when it did not end in time (it is killed then).
inline int waitFor(Proc& p, std::chrono::milliseconds timeout) { return harness::reap(p.pid, timeout); }

using harness::Ran;

// Runs `args` to the end (≤ `timeout`): stdout in LOGBASE.out (truncated),
// stderr appended to LOGBASE.err; both files' contents returned.
inline Ran run(const std::vector<std::string>& args, const fs::path& logBase, std::chrono::milliseconds timeout = 60s) {
    return harness::run(args, logBase, timeout, false, true);
}

// The kiosk-hub the tests run: this build's, or KIOSK_E2E_HUB (another
// build's binary, e.g. one from before a change, to see a test fail on it).
inline std::string hubBin() {
    const char* other = std::getenv("KIOSK_E2E_HUB");
    return other && *other ? std::string(other) : std::string(KIOSK_HUB_BIN);
}

// A kiosk-hub (hubBin()) serving DIR on a fixed port (so kiosks find it again
// after a restart), its log in DIR.err; killed at the end of the test.
class Hub : public harness::Hub {
public:
    // `extra`: arguments after `serve --listen …`; `db`: the --db spec ("" = SQLite in the data folder).
    Hub(fs::path dir, int port, std::vector<std::string> extra = {}, std::string db = {})
        : harness::Hub(hubBin(), std::move(dir), port, std::move(extra), std::move(db)) {
        setEndSignal(SIGKILL);
    }
};

inline Ran kioskctl(const fs::path& kioskData, const std::vector<std::string>& args, const fs::path& logBase,
             std::chrono::milliseconds timeout = 120s) {
    std::vector<std::string> all{KIOSKCTL_BIN, "--data", kioskData.string()};
    all.insert(all.end(), args.begin(), args.end());
    return run(all, logBase, timeout);
}

// The kiosk app itself with its sync worker: windowed on SDL's offscreen
// driver with the software renderer, data in DIR/kiosk, content DIR/kiosk/content.db.
inline Proc spawnKioskApp(const fs::path& dir) {
    // As for the windowed kiosk under Xvfb (tests/ui/interactive_test.cpp):
    // the video driver's dlopen'ed libraries keep allocations LeakSanitizer
    // cannot attribute ("<unknown module>"), so leak checks are off for this
    // one process; kioskctl, the hub and the headless kiosk keep them on.
    const char* asan = std::getenv("ASAN_OPTIONS");
    return spawn({KIOSK_BIN, "--windowed", "640x480", "--renderer", "software", "--data", (dir / "kiosk").string(),
                  "--content", (dir / "kiosk/content.db").string(), "--printer-output", (dir / "print").string()},
                 dir / "kiosk-app",
                 {{"SDL_VIDEODRIVER", "offscreen"},
                  {"ASAN_OPTIONS", asan ? std::optional<std::string>("detect_leaks=0:abort_on_error=1") : std::nullopt}});
}

inline constexpr const char* kSite = "青浦区行政服务中心";

// Provisions a kiosk in `kioskData` against a running hub, for `site`.
inline void provision(const Hub& hub, const fs::path& kioskData, const fs::path& work, const std::string& site = kSite) {
    int code = 0;
    const std::string out = hub.cli({"provision-file", "--site", site, "--out", (work / "prov.json").string(),
                                     "--url", fmt::format("https://127.0.0.1:{}", hub.port())},
                                    &code);
    ASSERT_EQ(code, 0) << out;
    const Ran r = kioskctl(kioskData, {"provision", "--file", (work / "prov.json").string()}, work / "provision");
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    ASSERT_NE(r.out.find("enrolled as KS"), std::string::npos) << r.out;
}

// Queues `n` submissions the way the kiosk UI does; returns their case numbers.
inline std::vector<std::string> enqueue(const fs::path& kioskData, int n, int first = 0) {
    auto box = outbox::Outbox::open(kioskData.string(), "KS0001");
    EXPECT_TRUE(box.has_value());
    std::vector<std::string> numbers;
    std::tm day{};
    day.tm_year = 126;
    day.tm_mday = 15;
    for (int i = 0; i < n; ++i) {
        outbox::Submission s;
        if ((first + i) % 3 == 2) {
            records::RatingPublic p;
            p.targetKind = "service";
            p.targetId = "svc-yyzz";
            p.instance = fmt::format("visit:{}", first + i);
            p.level = "satisfied";
            s = {"rating", records::toJson(p), nlohmann::json::object(), ""};
        } else {
            const records::CasePublic p{"投诉", "svc-yyzz", "phone", "zh-CN"};
            const records::CasePersonal q{fmt::format("第 {} 件诉求", first + i), "", "", "王小明", "13812345678"};
            s = {"case", records::toJson(p), records::toJson(q), "5678"};
        }
        auto r = box->enqueue(s, 1'700'000'000'000 + i, day);
        EXPECT_TRUE(r.has_value());
        if (r) numbers.push_back(r->caseNo);
    }
    return numbers;
}

// Queues one record as the kiosk with terminal code `terminal` would (the
// case number starts with it); returns its case number.
inline std::string enqueueAs(const fs::path& kioskData, const std::string& terminal, const std::string& kind,
                             const nlohmann::json& publicData, const nlohmann::json& personalData, std::int64_t atMs) {
    auto box = outbox::Outbox::open(kioskData.string(), terminal);
    EXPECT_TRUE(box.has_value());
    if (!box) return "";
    outbox::Submission s;
    s.kind = kind;
    s.publicData = publicData;
    s.personalData = personalData;
    const std::string mobile = personalData.value("mobile", "");
    s.mobileLast4 = mobile.size() >= 4 ? mobile.substr(mobile.size() - 4) : "";
    std::tm day{};
    day.tm_year = 126;
    day.tm_mday = 15;
    auto r = box->enqueue(s, atMs, day);
    EXPECT_TRUE(r.has_value());
    return r ? r->caseNo : "";
}

inline nlohmann::json syncOnce(const fs::path& kioskData, const fs::path& work, int* code = nullptr) {
    const Ran r = kioskctl(kioskData, {"sync", "--once", "--json"}, work / "sync");
    if (code) *code = r.code;
    auto j = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false);
    if (j.is_discarded()) ADD_FAILURE() << "sync printed no JSON: " << r.out << r.err;
    return j;
}

inline outbox::Status outboxStatus(const fs::path& kioskData) {
    auto box = outbox::Outbox::open(kioskData.string(), "KS0001");
    return box ? box->status(0).value_or(outbox::Status{}) : outbox::Status{};
}

inline constexpr const char* kPassword = "correct horse battery";

// A staff member signed in to the console: the session cookie and the CSRF
// token it was given (the cookie's flags are checked on the way).
struct Session {
    std::string cookie, csrf, role;
};

inline std::optional<Session> login(httplib::SSLClient& c, const std::string& user, const std::string& password,
                             int* status = nullptr) {
    auto res = c.Post("/staff/api/login", nlohmann::json{{"username", user}, {"password", password}}.dump(),
                      "application/json");
    if (status) *status = res ? res->status : -1;
    if (!res || res->status != 200) return std::nullopt;
    const std::string set = res->get_header_value("Set-Cookie");
    EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
    EXPECT_NE(set.find("Secure"), std::string::npos) << set;
    EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
    const auto body = nlohmann::json::parse(res->body);
    return Session{set.substr(0, set.find(';')), body["csrf"].get<std::string>(), body["role"].get<std::string>()};
}

inline httplib::Headers with(const Session& s, bool csrf = true) {
    httplib::Headers h{{"Cookie", s.cookie}};
    if (csrf) h.emplace("X-CSRF-Token", s.csrf);
    return h;
}

// A kiosk-hub with a device listener and a staff listener.
// Its counters are on a monitoring listener of their own (plain HTTP,
// `metricsPort`): the device listener's /metrics wants a device certificate.
struct ConsoleHub {
    fs::path dir;
    int staffPort = freePort();
    int metricsPort = freePort();
    Hub hub;
    explicit ConsoleHub(const fs::path& d)
        : dir(d), hub(d / "hub", freePort(), {"--staff-listen", fmt::format("127.0.0.1:{}", staffPort),
                                              "--metrics-listen", fmt::format("127.0.0.1:{}", metricsPort)}) {}

    bool start() {
        if (!hub.start()) return false;
        for (int i = 0; i < 200 && !portOpen(staffPort); ++i) std::this_thread::sleep_for(25ms);
        return portOpen(staffPort);
    }
    // `sites`: "" leaves --sites out (every site).
    int addStaff(const std::string& user, const std::string& role, const std::string& password = kPassword,
                 const std::string& sites = "") {
        const Ran r = run({"/bin/sh", "-c",
                           fmt::format("printf '%s\\n' '{}' | '{}' --data '{}' staff add --user '{}' --role '{}'{}", password,
                                       hubBin(), (dir / "hub").string(), user, role,
                                       sites.empty() ? "" : fmt::format(" --sites '{}'", sites))},
                          dir / ("staff-add-" + user));
        return r.code;
    }
    // `from`: the loopback address the client connects from (127.0.0.x all
    // reach the hub on Linux), so that the hub sees different addresses.
    std::unique_ptr<httplib::SSLClient> client(int port, const std::string& from = "") const {
        return harness::tlsClient(port, dir / "hub/ca.crt", from);
    }
};

}  // namespace e2e
