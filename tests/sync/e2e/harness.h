// What the end-to-end tests share: the real programs started as child
// processes (kiosk-hub on a free loopback port, kioskctl), their logs in the
// test's own folder, bounded waits, and provisioning a kiosk against a hub.
#pragma once

#include "hubdb/store.h"
#include "outbox/outbox.h"
#include "records/records.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
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

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline fs::path testDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    fs::path dir = fs::path(KIOSK_TEST_OUT) / (std::string(info->test_suite_name()) + "." + info->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

struct Proc {
    pid_t pid = -1;
    fs::path out, err;
};

// `env`: variables set (value) or removed (nullopt) in the child only.
inline Proc spawn(const std::vector<std::string>& args, const fs::path& logBase,
                  const std::vector<std::pair<std::string, std::optional<std::string>>>& env = {}) {
    Proc p{-1, logBase.string() + ".out", logBase.string() + ".err"};
    p.pid = fork();
    if (p.pid == 0) {
        for (const auto& [name, value] : env) {
            if (value) setenv(name.c_str(), value->c_str(), 1);
            else unsetenv(name.c_str());
        }
        const int o = open(p.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = open(p.err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(o, 1);
        dup2(e, 2);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    return p;
}

// Exit code, or -1 when it did not end in time (it is killed then).
inline int waitFor(Proc& p, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = waitpid(p.pid, &status, WNOHANG);
        if (r == p.pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (std::chrono::steady_clock::now() > end) {
            kill(p.pid, SIGKILL);
            waitpid(p.pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(5ms);
    }
}

struct Ran {
    int code = -1;
    std::string out, err;
};

inline Ran run(const std::vector<std::string>& args, const fs::path& logBase, std::chrono::milliseconds timeout = 60s) {
    Proc p = spawn(args, logBase);
    Ran r;
    r.code = waitFor(p, timeout);
    r.out = slurp(p.out);
    r.err = slurp(p.err);
    return r;
}

inline int freePort() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    close(s);
    return ntohs(a.sin_port);
}

inline bool portOpen(int port) {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(s);
    return ok;
}

// The kiosk-hub the tests run: this build's, or KIOSK_E2E_HUB (another
// build's binary, e.g. one from before a change, to see a test fail on it).
inline std::string hubBin() {
    const char* other = std::getenv("KIOSK_E2E_HUB");
    return other && *other ? std::string(other) : std::string(KIOSK_HUB_BIN);
}

// A kiosk-hub serving DIR on a fixed port (so kiosks find it again after a restart).
class Hub {
public:
    // `db`: the --db spec ("" = SQLite in the data folder).
    Hub(fs::path dir, int port, std::vector<std::string> extra = {}, std::string db = {})
        : m_dir(std::move(dir)), m_port(port), m_extra(std::move(extra)), m_db(std::move(db)) {}
    ~Hub() { stop(SIGKILL); }
    bool start() {
        std::vector<std::string> args{hubBin(), "--data", m_dir.string()};
        if (!m_db.empty()) args.insert(args.end(), {"--db", m_db});
        args.insert(args.end(), {"serve", "--listen", fmt::format("127.0.0.1:{}", m_port)});
        args.insert(args.end(), m_extra.begin(), m_extra.end());
        m_proc = spawn(args, m_dir.parent_path() / "hub");
        for (int i = 0; i < 400; ++i) {  // ≤ 10 s
            if (portOpen(m_port)) return true;
            int status = 0;
            if (waitpid(m_proc.pid, &status, WNOHANG) == m_proc.pid) {
                m_proc.pid = -1;
                return false;
            }
            std::this_thread::sleep_for(25ms);
        }
        return false;
    }
    void stop(int sig = SIGTERM) {
        if (m_proc.pid <= 0) return;
        kill(m_proc.pid, sig);
        int status = 0;
        waitpid(m_proc.pid, &status, 0);
        m_proc.pid = -1;
    }
    std::string log() const { return slurp(m_dir.parent_path() / "hub.err"); }
    std::string cli(const std::vector<std::string>& args, int* code = nullptr) const {
        std::vector<std::string> all{hubBin(), "--data", m_dir.string()};
        if (!m_db.empty()) all.insert(all.end(), {"--db", m_db});
        all.insert(all.end(), args.begin(), args.end());
        const Ran r = run(all, m_dir.parent_path() / "hub-cli");
        if (code) *code = r.code;
        return r.out + r.err;
    }
    long records() const {
        auto db = hubdb::openDatabase(m_db.empty() ? (m_dir / "hub.db").string() : m_db, 1);
        if (!db) return -1;
        hubdb::HubStore store(**db);
        return store.recordCount().value_or(-1);
    }
    const fs::path& dir() const { return m_dir; }
    int port() const { return m_port; }
    pid_t pid() const { return m_proc.pid; }  // -1 when not running

private:
    fs::path m_dir;
    int m_port;
    std::vector<std::string> m_extra;
    std::string m_db;
    Proc m_proc;
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
        auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
        if (!from.empty()) c->set_interface(from);
        c->set_ca_cert_path((dir / "hub/ca.crt").c_str());
        c->enable_server_certificate_verification(true);
        c->set_connection_timeout(5, 0);
        c->set_read_timeout(30, 0);
        return c;
    }
};

}  // namespace e2e
