// End-to-end tests of OS updates with real parts: `kiosk-hub` serving on
// 127.0.0.1 over TLS with keys made in the test's folder, `kiosk-hub
// os-update …` as staff run it, the kiosk's sync engine and worker
// in-process against that hub, the kiosk app itself (headless for the
// reboot rule, windowed on SDL's offscreen driver for the whole chain), and
// the files of the contract with the OS image in DATA/updates. The root-side
// installer is played by the test: it removes pending.* and writes
// installed.json or failed.json as the image's installer would.
//
// Bundles are stand-ins: "hsqs" and random bytes, a few MiB so that a
// resumed download is a real one. The hub never parses them.
#include "client/hub_client.h"
#include "client/os_update.h"
#include "client/sync_engine.h"
#include "client/sync_worker.h"
#include "crypto/crypto.h"
#include "outbox/outbox.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness.h"
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

namespace fs = std::filesystem;
namespace ou = kiosk::sync::osupdate;
using namespace std::chrono_literals;
using namespace kiosk;
using namespace e2e;

namespace {

// A stand-in for a RAUC bundle of `bytes` bytes: the squashfs magic, then noise.
std::string makeBundle(const fs::path& file, std::size_t bytes, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::string b = "hsqs";
    b.reserve(bytes);
    while (b.size() < bytes) b.push_back(char(rng() & 0xff));
    std::ofstream(file, std::ios::binary) << b;
    return b;
}

void publishOs(const Hub& hub, const fs::path& file, const std::string& version) {
    int code = 0;
    const std::string out = hub.cli({"os-update", "publish", file.string(), "--version", version}, &code);
    ASSERT_EQ(code, 0) << out;
    ASSERT_NE(out.find("published OS update " + version), std::string::npos) << out;
}

ou::Target osOn(ou::Memory* memory, const std::string& running = "0.1.0") {
    return ou::Target{true, running, ou::kFreeSpaceReserve, memory};
}

// One sync cycle of the kiosk in `kiosk`, in this process, with OS updates as `os` says.
sync::SyncReport syncRound(const fs::path& kiosk, const ou::Target& os) {
    auto config = sync::loadHubConfig(kiosk);
    if (!config) {
        ADD_FAILURE() << config.error().message;
        return {};
    }
    auto box = outbox::Outbox::open(kiosk.string(), config->deviceId);
    if (!box) {
        ADD_FAILURE() << box.error().message;
        return {};
    }
    sync::HubClient client(*config);
    sync::SyncEngine engine(*box, client, {}, os);
    return engine.runOnce();
}

std::string describe(const sync::SyncReport& r) {
    return fmt::format("ok {} error '{}' offered '{}' skipped '{}' downloaded '{}' os_error '{}'", r.ok, r.error, r.osOffered,
                       r.osSkipped, r.osDownloaded, r.osError);
}

std::size_t countOf(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

void writeJson(const fs::path& file, const nlohmann::json& j) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << j.dump() << "\n";
}

std::vector<fs::path> partsIn(const ou::Paths& p) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(p.dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".part") out.push_back(it->path());
    return out;
}

// The first (only) device as `kiosk-hub devices --json` lists it.
nlohmann::json listedDevice(const Hub& hub) {
    int code = 0;
    const std::string out = hub.cli({"devices", "--json"}, &code);
    auto j = nlohmann::json::parse(out.substr(0, out.find('\n')), nullptr, false);
    return code == 0 && j.is_object() ? j : nlohmann::json::object();
}

// "state" of the listed device's os_update ("" while it has none).
std::string osState(const nlohmann::json& listed) {
    const auto u = listed.find("os_update");
    return u != listed.end() && u->is_object() ? u->value("state", "") : "";
}

// `kiosk-hub --data DIR ARGS` with its own log files (hub.cli() shares one
// stderr file between calls).
Ran hubCli(const Hub& hub, const std::vector<std::string>& args, const std::string& name) {
    std::vector<std::string> all{KIOSK_HUB_BIN, "--data", hub.dir().string()};
    all.insert(all.end(), args.begin(), args.end());
    return run(all, hub.dir().parent_path() / name);
}

// Polls `done` every 100 ms for at most `limit`.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 30s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (done()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return done();
}

std::string hubMetrics(const fs::path& kiosk) {
    auto config = sync::loadHubConfig(kiosk);
    if (!config) return {};
    auto res = sync::HubClient(*config).get("/metrics");
    return res && res->status == 200 ? res->body : std::string();
}

// Kills and reaps a child the test did not stop itself (an exception or a
// failed assertion on the way), so no kiosk outlives its test.
struct Reaper {
    Proc& proc;
    bool reaped = false;
    ~Reaper() {
        if (reaped || proc.pid <= 0) return;
        kill(proc.pid, SIGKILL);
        waitpid(proc.pid, nullptr, 0);
    }
};

// A worker with OS updates on, running 0.1.0; heartbeats only when the OS
// state changes (or at its first cycle).
sync::WorkerOptions osWorker(const fs::path& kiosk) {
    sync::WorkerOptions wo;
    wo.dataDir = kiosk;
    wo.intervalS = 3600;
    wo.heartbeatS = 3600;
    wo.appVersion = "0.1.0";
    wo.osUpdates = true;
    wo.osVersion = "0.1.0";
    return wo;
}

// Every test: its own folder, the kiosk's data folder in it, and a kiosk-hub
// for it there that startHub() starts (some tests only run its CLI, or none).
class OsUpdate : public ::testing::Test {
protected:
    // The hub started and the kiosk provisioned against it.
    void startHub() {
        ASSERT_TRUE(hub.start()) << hub.log();
        provision(hub, kiosk, dir);
    }

    // startHub(), then a bundle of `size` bytes (`seed` for its noise) in
    // DIR/os.raucb published as 0.2.0; its contents in `bytes`.
    void startHubWithBundle(std::size_t size, std::uint32_t seed) {
        ASSERT_NO_FATAL_FAILURE(startHub());
        bytes = makeBundle(dir / "os.raucb", size, seed);
        publishOs(hub, dir / "os.raucb", "0.2.0");
    }

    // Where the partial download of `bundle` lies.
    fs::path partOf(const std::string& bundle) const { return p.partFor(crypto::sha256Hex(bundle)); }

    // What a round cut off leaves: DATA/updates, and the partial download of
    // `bundle` in it holding `have`.
    void leavePart(const std::string& bundle, const std::string& have) {
        ASSERT_TRUE(ou::ensureDir(p).has_value());
        std::ofstream(partOf(bundle), std::ios::binary) << have;
    }

    // The installer's part: it takes pending.* and writes installed.json for
    // the published bundle, installed at `at`.
    void install(std::int64_t at) {
        fs::remove(p.pendingBundle);
        fs::remove(p.pendingJson);
        writeJson(p.installedJson, {{"version", "0.2.0"}, {"sha256", crypto::sha256Hex(bytes)}, {"slot", "rootfs.1"},
                                    {"installed_at", at}});
    }

    // With a partial download of the published bundle in place, one round
    // resumes it rather than starting over, and completes it.
    void expectResumed() {
        // A second name for the partial file: resuming appends to this very
        // file and renames it; starting over would write a new one.
        fs::create_hard_link(partOf(bytes), dir / "witness");
        const auto r = syncRound(kiosk, osOn(&memory));
        ASSERT_TRUE(r.ok) << describe(r);
        EXPECT_EQ(r.osDownloaded, "0.2.0") << describe(r);
        EXPECT_TRUE(slurp(p.pendingBundle) == bytes) << "pending.raucb differs from the published file";
        EXPECT_TRUE(fs::equivalent(dir / "witness", p.pendingBundle)) << "the download started over";
        EXPECT_NE(hub.log().find("downloads OS update 0.2.0 (resumed)"), std::string::npos) << hub.log();
    }

    // Polls `kiosk-hub devices --json` until the device's os_update state is
    // `state`; the listing last seen in `listed`.
    bool hubShowsState(const std::string& state, nlohmann::json& listed) const {
        return eventually([&] {
            listed = listedDevice(hub);
            return osState(listed) == state;
        });
    }

    const fs::path dir = testDir(), kiosk = dir / "kiosk";
    Hub hub{dir / "hub", freePort()};
    const ou::Paths p = ou::pathsIn(kiosk);
    std::string bytes;  // the bundle startHubWithBundle() published
    ou::Memory memory;  // what the sync worker would keep between rounds
};

}  // namespace

TEST_F(OsUpdate, APublishedBundleArrivesByteForByteAndIsHandedOverOnce) {
    ASSERT_NO_FATAL_FAILURE(startHubWithBundle(4 << 20, 1));

    const std::int64_t before = std::time(nullptr);
    auto r = syncRound(kiosk, osOn(&memory));
    const std::int64_t after = std::time(nullptr);
    ASSERT_TRUE(r.ok) << describe(r);
    EXPECT_EQ(r.osOffered, "0.2.0");
    EXPECT_EQ(r.osDownloaded, "0.2.0") << describe(r);
    EXPECT_TRUE(slurp(p.pendingBundle) == bytes) << "pending.raucb differs from the published file";
    const auto pending = nlohmann::json::parse(slurp(p.pendingJson), nullptr, false);
    ASSERT_TRUE(pending.is_object()) << slurp(p.pendingJson);
    EXPECT_EQ(pending.size(), 4u) << pending.dump();
    EXPECT_EQ(pending["version"], "0.2.0");
    EXPECT_EQ(pending["sha256"], crypto::sha256Hex(bytes));
    EXPECT_EQ(pending["size"], bytes.size());
    EXPECT_GE(pending["downloaded_at"].get<std::int64_t>(), before);
    EXPECT_LE(pending["downloaded_at"].get<std::int64_t>(), after);
    struct stat st {};
    ASSERT_EQ(::stat(p.dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0750u);
    EXPECT_TRUE(partsIn(p).empty());
    EXPECT_EQ(countOf(hub.log(), "downloads OS update 0.2.0"), 1u) << hub.log();
    EXPECT_EQ(ou::report(kiosk, osOn(&memory)).update->state, "pending");

    // The next round leaves it to the installer.
    r = syncRound(kiosk, osOn(&memory));
    EXPECT_TRUE(r.ok) << describe(r);
    EXPECT_EQ(r.osDownloaded, "");
    EXPECT_NE(r.osSkipped.find("waits for the installer"), std::string::npos) << describe(r);
    EXPECT_EQ(countOf(hub.log(), "downloads OS update 0.2.0"), 1u) << "downloaded again";

    // The installer installs it; the kiosk does not fetch it again either.
    install(after);
    r = syncRound(kiosk, osOn(&memory));
    EXPECT_TRUE(r.ok) << describe(r);
    EXPECT_NE(r.osSkipped.find("waits for a reboot"), std::string::npos) << describe(r);
    EXPECT_FALSE(fs::exists(p.pendingBundle));
    EXPECT_EQ(countOf(hub.log(), "downloads OS update 0.2.0"), 1u);
    EXPECT_EQ(ou::report(kiosk, osOn(&memory)).update->state, "installed");
}

TEST_F(OsUpdate, APartialDownloadLeftBehindIsResumedNotRestarted) {
    ASSERT_NO_FATAL_FAILURE(startHubWithBundle(8 << 20, 2));
    // What a round cut off after 3 MiB leaves.
    ASSERT_NO_FATAL_FAILURE(leavePart(bytes, bytes.substr(0, 3 << 20)));
    expectResumed();
}

// The worker stopping (the kiosk shutting down) abandons a download within
// a second or two; the partial file stays and the next round resumes it.
TEST_F(OsUpdate, StoppingTheWorkerMidDownloadKeepsThePartForTheNextRound) {
    ASSERT_NO_FATAL_FAILURE(startHubWithBundle(8 << 20, 3));
    const fs::path part = partOf(bytes);

    auto wo = osWorker(kiosk);
    wo.downloadBytesPerS = 1 << 20;  // 8 s for the whole bundle: time to stop it half-way
    sync::SyncWorker worker(wo, nullptr);
    worker.start();
    std::error_code ec;
    ASSERT_TRUE(eventually([&] { return fs::exists(part, ec) && fs::file_size(part, ec) >= (1u << 20); }))
        << "the download did not start";
    const auto t0 = std::chrono::steady_clock::now();
    worker.stop();
    const auto stopMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    EXPECT_LT(stopMs.count(), 3000) << "stop() waited for the download";
    const auto have = fs::file_size(part, ec);
    EXPECT_GT(have, 0u);
    EXPECT_LT(have, bytes.size()) << "the download was not cut";
    EXPECT_FALSE(fs::exists(p.pendingJson));
    expectResumed();
}

TEST_F(OsUpdate, ACorruptedPartIsDeletedReportedAndNotRetriedAtOnce) {
    ASSERT_NO_FATAL_FAILURE(startHubWithBundle(4 << 20, 4));
    const fs::path part = partOf(bytes);

    // A whole-size .part with one byte flipped (a disk error, a bad resume).
    std::string bad = bytes;
    bad[bad.size() / 2] = char(bad[bad.size() / 2] ^ 0x01);
    ASSERT_NO_FATAL_FAILURE(leavePart(bytes, bad));
    auto r = syncRound(kiosk, osOn(&memory));
    EXPECT_TRUE(r.ok) << "an OS update problem does not fail the sync cycle: " << describe(r);
    EXPECT_NE(r.osError.find("does not match the offer"), std::string::npos) << describe(r);
    EXPECT_FALSE(fs::exists(part)) << "the bad download is deleted";
    EXPECT_FALSE(fs::exists(p.pendingJson));
    EXPECT_FALSE(fs::exists(p.pendingBundle));
    const auto state = ou::report(kiosk, osOn(&memory)).update;
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->state, "downloading");
    EXPECT_EQ(state->version, "0.2.0");
    EXPECT_NE(state->error.find("does not match the offer"), std::string::npos) << state->error;

    // The heartbeat carries it to the staff.
    auto config = sync::loadHubConfig(kiosk);
    ASSERT_TRUE(config.has_value());
    auto beat = sync::sendHeartbeat(sync::HubClient(*config), kiosk,
                                    {{"app_version", "0.1.0"}, {"os", protocol::toJson(ou::report(kiosk, osOn(&memory)))}});
    ASSERT_TRUE(beat.has_value()) << beat.error().message;
    const auto listed = listedDevice(hub);
    EXPECT_EQ(listed["os_version"], "0.1.0") << listed.dump();
    EXPECT_EQ(listed["os_update"]["state"], "downloading") << listed.dump();
    EXPECT_NE(listed["os_update"]["error"].get<std::string>().find("does not match the offer"), std::string::npos);

    // Not fetched again within the hour: no download of a bundle that may be
    // bad at the hub, every 30 s, from every kiosk.
    r = syncRound(kiosk, osOn(&memory));
    EXPECT_NE(r.osSkipped.find("did not match its sha256"), std::string::npos) << describe(r);
    EXPECT_TRUE(partsIn(p).empty());
    EXPECT_EQ(countOf(hub.log(), "downloads OS update 0.2.0"), 0u) << hub.log();

    // A half download with wrong bytes: resumed, found bad after the rest came.
    std::ofstream(part, std::ios::binary) << bad.substr(0, bad.size() / 2 + 100);
    ou::Memory fresh;
    r = syncRound(kiosk, osOn(&fresh));
    EXPECT_NE(r.osError.find("does not match the offer"), std::string::npos) << describe(r);
    EXPECT_FALSE(fs::exists(part));
    EXPECT_EQ(countOf(hub.log(), "downloads OS update 0.2.0 (resumed)"), 1u) << hub.log();

    // After the wait (a new run of the kiosk here): fetched whole and right.
    ou::Memory later;
    r = syncRound(kiosk, osOn(&later));
    EXPECT_EQ(r.osDownloaded, "0.2.0") << describe(r);
    EXPECT_TRUE(slurp(p.pendingBundle) == bytes);
}

TEST_F(OsUpdate, NothingIsFetchedWhenOffOrWhatRunsOrWhatTheInstallerHasTaken) {
    ASSERT_NO_FATAL_FAILURE(startHubWithBundle(1 << 20, 5));
    const std::string sha = crypto::sha256Hex(bytes);
    const std::string asked = "route=\"/v1/os-update\"";

    // update.enabled = false, or not on the OS image: the hub is never asked.
    auto r = syncRound(kiosk, ou::Target{false, "0.1.0", ou::kFreeSpaceReserve, &memory});
    EXPECT_TRUE(r.ok) << describe(r);
    EXPECT_EQ(r.osOffered, "");
    r = syncRound(kiosk, ou::Target{true, "", ou::kFreeSpaceReserve, &memory});
    EXPECT_TRUE(r.ok) << describe(r);
    EXPECT_EQ(r.osOffered, "");
    EXPECT_EQ(hubMetrics(kiosk).find(asked), std::string::npos) << hubMetrics(kiosk);
    EXPECT_FALSE(fs::exists(p.dir)) << "nothing written either";

    // The offered version runs already.
    r = syncRound(kiosk, osOn(&memory, "0.2.0"));
    EXPECT_EQ(r.osOffered, "0.2.0") << describe(r);
    EXPECT_NE(r.osSkipped.find("running already"), std::string::npos) << describe(r);
    EXPECT_NE(hubMetrics(kiosk).find(asked), std::string::npos) << "now it asked";

    // The installer refused this very bundle, installed it, or holds it.
    const std::vector<std::pair<fs::path, nlohmann::json>> taken = {
        {p.failedJson, {{"version", "0.2.0"}, {"sha256", sha}, {"error", "rauc: signature verification failed"}, {"at", 1}}},
        {p.installedJson, {{"version", "0.2.0"}, {"sha256", sha}, {"slot", "rootfs.1"}, {"installed_at", 1}}},
        {p.pendingJson, {{"version", "0.2.0"}, {"sha256", sha}, {"size", bytes.size()}, {"downloaded_at", 1}}},
    };
    const char* why[] = {"failed to install (rauc: signature verification failed)", "waits for a reboot",
                         "waits for the installer"};
    for (std::size_t i = 0; i < taken.size(); ++i) {
        writeJson(taken[i].first, taken[i].second);
        r = syncRound(kiosk, osOn(&memory));
        EXPECT_TRUE(r.ok) << describe(r);
        EXPECT_NE(r.osSkipped.find(why[i]), std::string::npos) << describe(r);
        EXPECT_TRUE(partsIn(p).empty());
        EXPECT_FALSE(fs::exists(p.pendingBundle));
        fs::remove(taken[i].first);
    }
    // failed.json and installed.json of another bundle do not hold this one back.
    writeJson(p.failedJson, {{"version", "0.1.5"}, {"sha256", std::string(64, 'e')}, {"error", "x"}, {"at", 1}});
    writeJson(p.installedJson, {{"version", "0.1.6"}, {"sha256", std::string(64, 'f')}, {"installed_at", 2}});
    r = syncRound(kiosk, osOn(&memory));
    EXPECT_EQ(r.osDownloaded, "0.2.0") << describe(r);
    EXPECT_EQ(countOf(hub.log(), "downloads OS update 0.2.0"), 1u) << hub.log();
}

// The worker's heartbeat: the OS version and update state reach `kiosk-hub
// devices`, a refusal for lack of disk space with its reason, and a change
// of state at once rather than with the next scheduled heartbeat.
TEST_F(OsUpdate, TheWorkersHeartbeatShowsTheOsStateInKioskHubDevices) {
    ASSERT_NO_FATAL_FAILURE(startHubWithBundle(2 << 20, 6));
    nlohmann::json listed;
    {
        auto wo = osWorker(kiosk);
        wo.osReserveBytes = 1ull << 60;  // more than any disk has
        sync::SyncWorker worker(wo, nullptr);
        worker.start();
        EXPECT_TRUE(eventually([&] {
            listed = listedDevice(hub);
            return !osState(listed).empty();
        })) << listed.dump();
        worker.stop();
    }
    EXPECT_EQ(listed["os_version"], "0.1.0") << listed.dump();
    EXPECT_EQ(listed["os_update"]["state"], "downloading") << listed.dump();
    EXPECT_EQ(listed["os_update"]["version"], "0.2.0") << listed.dump();
    EXPECT_NE(listed["os_update"].value("error", "").find("not enough free space"), std::string::npos) << listed.dump();
    EXPECT_TRUE(partsIn(p).empty()) << "nothing downloaded without the room for it";
    int code = 0;
    std::string text = hub.cli({"devices"}, &code);
    EXPECT_NE(text.find("OS 0.1.0  update downloading 0.2.0 (not enough free space"), std::string::npos) << text;

    std::atomic<int> cycles{0};
    sync::SyncWorker worker(osWorker(kiosk), [&](const sync::WorkerStatus&) { ++cycles; });
    worker.start();
    EXPECT_TRUE(hubShowsState("pending", listed)) << listed.dump();
    EXPECT_EQ(listed["os_update"]["version"], "0.2.0");
    EXPECT_FALSE(listed["os_update"].contains("error")) << listed.dump();
    EXPECT_TRUE(slurp(p.pendingBundle) == bytes);

    // The installer installs it: the next cycle reports it at once, though
    // the next scheduled heartbeat is an hour away.
    install(std::time(nullptr));
    worker.kick();
    EXPECT_TRUE(hubShowsState("installed", listed)) << listed.dump();
    worker.stop();
    text = hub.cli({"devices"}, &code);
    EXPECT_NE(text.find("OS 0.1.0  update installed 0.2.0"), std::string::npos) << text;
}

TEST_F(OsUpdate, TheSyncedMarkerIsWrittenOnceAfterTheFirstCompleteCycle) {
    const fs::path runtime = dir / "run";
    fs::create_directories(runtime);
    ASSERT_NO_FATAL_FAILURE(startHub());
    hub.stop();

    auto wo = osWorker(kiosk);
    wo.runtimeDir = runtime;
    std::atomic<int> cycles{0};
    std::atomic<bool> online{true};
    sync::SyncWorker worker(wo, [&](const sync::WorkerStatus& st) {
        online = st.online;
        ++cycles;
    });
    worker.start();
    ASSERT_TRUE(eventually([&] { return cycles >= 2 || (cycles >= 1 && (worker.kick(), false)); }));
    EXPECT_FALSE(online) << "the hub is down";
    EXPECT_FALSE(fs::exists(runtime / "synced")) << "written although no cycle reached the hub";

    ASSERT_TRUE(hub.start()) << hub.log();
    const std::int64_t before = std::time(nullptr);
    worker.kick();
    ASSERT_TRUE(eventually([&] { return fs::exists(runtime / "synced"); })) << "no marker after the hub came back";
    const std::string text = slurp(runtime / "synced");
    const std::int64_t at = std::strtoll(text.c_str(), nullptr, 10);
    EXPECT_GE(at, before) << text;
    EXPECT_LE(at, std::int64_t(std::time(nullptr))) << text;
    EXPECT_EQ(text, fmt::format("{}\n", at)) << "just the Unix time";

    // Once: later complete cycles do not write it again.
    fs::remove(runtime / "synced");
    const int seen = cycles;
    ASSERT_TRUE(eventually([&] { return cycles >= seen + 2 || (worker.kick(), false); }));
    EXPECT_TRUE(online);
    worker.stop();
    EXPECT_FALSE(fs::exists(runtime / "synced")) << "written again";
}

TEST_F(OsUpdate, PublishRefusesBadInputSaysWhyAndStoresNothing) {
    const fs::path data = hub.dir();
    int calls = 0;
    auto publish = [&](const fs::path& file, const std::string& version, int* code) {
        const Ran r = hubCli(hub, {"os-update", "publish", file.string(), "--version", version},
                             fmt::format("publish-{}", ++calls));
        *code = r.code;
        return r.out + r.err;
    };
    int code = 0;
    std::ofstream(dir / "kiosk-amd64.img", std::ios::binary) << std::string("\x7f" "ELF not a bundle", 17);
    std::string out = publish(dir / "kiosk-amd64.img", "0.2.0", &code);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("does not start with the squashfs magic 'hsqs'"), std::string::npos) << out;
    EXPECT_NE(out.find("images/bundle.sh"), std::string::npos) << "says how to make a bundle: " << out;

    std::ofstream(dir / "empty.raucb").flush();
    out = publish(dir / "empty.raucb", "0.2.0", &code);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("is empty"), std::string::npos) << out;

    bytes = makeBundle(dir / "good.raucb", 64 << 10, 7);
    out = publish(dir / "good.raucb", "", &code);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("--version is empty"), std::string::npos) << out;
    out = publish(dir / "good.raucb", "0.2 beta", &code);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("contains a space"), std::string::npos) << out;
    out = publish(dir / "missing.raucb", "0.2.0", &code);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("does not exist"), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(data)) << "a refused publish must not even make the hub's data folder";

    // A good one; then the clashes that would confuse kiosks.
    out = publish(dir / "good.raucb", "0.2.0", &code);
    ASSERT_EQ(code, 0) << out;
    makeBundle(dir / "other.raucb", 64 << 10, 8);
    out = publish(dir / "other.raucb", "0.2.0", &code);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("version 0.2.0 is already published for another file"), std::string::npos) << out;
    out = publish(dir / "good.raucb", "0.3.0", &code);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("was published before as version 0.2.0"), std::string::npos) << out;

    const Ran listed = hubCli(hub, {"os-update", "list", "--json"}, "list");
    ASSERT_EQ(listed.code, 0) << listed.err;
    const std::string& list = listed.out;
    ASSERT_EQ(countOf(list, "\n"), 1u) << list;
    const auto b = nlohmann::json::parse(list);
    EXPECT_EQ(b["version"], "0.2.0");
    EXPECT_EQ(b["sha256"], crypto::sha256Hex(bytes));
    EXPECT_EQ(b["size"], bytes.size());
    EXPECT_EQ(b["compatible"], "kiosk-amd64");
    EXPECT_EQ(b["current"], true);
    EXPECT_EQ(b["file_present"], true);
    std::vector<fs::path> stored;
    for (const auto& e : fs::directory_iterator(data / "os-updates")) stored.push_back(e.path());
    ASSERT_EQ(stored.size(), 1u) << "only the accepted bundle, no temporary copies";
    EXPECT_EQ(stored[0].filename(), crypto::sha256Hex(bytes) + ".raucb");
    EXPECT_TRUE(slurp(stored[0]) == bytes);
}

TEST_F(OsUpdate, WithdrawListAndAMissingFileAtTheHub) {
    ASSERT_NO_FATAL_FAILURE(startHub());
    const std::string v2 = makeBundle(dir / "v2.raucb", 1 << 20, 9);
    const std::string v3 = makeBundle(dir / "v3.raucb", 1 << 20, 10);
    publishOs(hub, dir / "v2.raucb", "0.2.0");
    publishOs(hub, dir / "v3.raucb", "0.3.0");
    int code = 0;
    std::string list = hub.cli({"os-update", "list"}, &code);
    ASSERT_EQ(code, 0) << list;
    EXPECT_NE(list.find("* 0.3.0  kiosk-amd64  1.0 MiB"), std::string::npos) << list;
    EXPECT_NE(list.find("OFFERED NOW"), std::string::npos) << list;
    EXPECT_NE(list.find("  0.2.0  kiosk-amd64"), std::string::npos) << list;

    // A kiosk half-way through 0.3.0 when the staff withdraw it.
    ASSERT_NO_FATAL_FAILURE(leavePart(v3, v3.substr(0, 1000)));
    std::string out = hub.cli({"os-update", "withdraw"}, &code);
    ASSERT_EQ(code, 0) << out;
    EXPECT_NE(out.find("OS update 0.3.0"), std::string::npos) << out;
    EXPECT_NE(out.find("no longer offered"), std::string::npos) << out;
    auto r = syncRound(kiosk, osOn(&memory));
    EXPECT_TRUE(r.ok) << describe(r);
    EXPECT_EQ(r.osOffered, "") << "204: nothing offered";
    EXPECT_TRUE(partsIn(p).empty()) << "the partial download of the withdrawn bundle is removed";
    list = hub.cli({"os-update", "list"}, &code);
    EXPECT_EQ(list.find("OFFERED NOW"), std::string::npos) << list;
    out = hub.cli({"os-update", "withdraw"}, &code);
    EXPECT_EQ(code, 0);
    EXPECT_NE(out.find("no OS update was offered"), std::string::npos) << out;

    // 0.2.0 offered again, but its file has gone from this hub's data folder.
    out = hub.cli({"os-update", "publish", (dir / "v2.raucb").string(), "--version", "0.2.0"}, &code);
    ASSERT_EQ(code, 0) << out;
    fs::remove(hub.dir() / "os-updates" / (crypto::sha256Hex(v2) + ".raucb"));
    r = syncRound(kiosk, osOn(&memory));
    EXPECT_EQ(r.osOffered, "0.2.0");
    EXPECT_NE(r.osError.find("missing on this hub"), std::string::npos) << describe(r);
    EXPECT_NE(hub.log().find("publish it again on this hub"), std::string::npos) << hub.log();
    list = hub.cli({"os-update", "list"}, &code);
    EXPECT_NE(list.find("FILE MISSING"), std::string::npos) << list;
    // Publishing it again puts the file back; the kiosk then gets it.
    out = hub.cli({"os-update", "publish", (dir / "v2.raucb").string(), "--version", "0.2.0"}, &code);
    ASSERT_EQ(code, 0) << out;
    r = syncRound(kiosk, osOn(&memory));
    EXPECT_EQ(r.osDownloaded, "0.2.0") << describe(r);
    EXPECT_TRUE(slurp(p.pendingBundle) == v2);
}

// The kiosk app, headless on its virtual clock (2026-01-15 09:30 local),
// with installed.json waiting: it asks for the reboot only on the untouched
// home screen inside the window, after two quiet minutes.
TEST_F(OsUpdate, TheHeadlessKioskAsksForTheRebootOnlyWhenIdleInsideTheWindow) {
    auto runKiosk = [&](const std::string& name, const std::string& window, const std::string& running,
                        const std::string& script) {
        const fs::path data = dir / name;
        fs::create_directories(data);
        std::ofstream(dir / (name + ".release")) << "NAME=\"Kiosk OS\"\nVERSION=\"" << running << "\"\n";
        std::ofstream(dir / (name + ".toml")) << "[update]\nenabled = true\nos_release_file = \""
                                              << (dir / (name + ".release")).string() << "\"\nreboot_window = \""
                                              << window << "\"\n";
        writeJson(ou::pathsIn(data).installedJson,
                  {{"version", "0.2.0"}, {"sha256", std::string(64, 'a')}, {"slot", "rootfs.1"}, {"installed_at", 1}});
        std::ofstream(dir / (name + ".kss")) << script;
        const Ran r = run({KIOSK_BIN, "--headless", "--config", (dir / (name + ".toml")).string(), "--data", data.string(),
                           "--script", (dir / (name + ".kss")).string()},
                          dir / name);
        EXPECT_EQ(r.code, 0) << name << ": " << r.err;
        return std::make_pair(ou::readMarker(ou::pathsIn(data).rebootRequest), r.err);
    };

    auto [asked, log] = runKiosk("idle", "09:00-10:00", "0.1.0", "idle 150000\n");
    ASSERT_TRUE(asked.has_value()) << "no reboot-request after 150 s untouched in the window: " << log;
    EXPECT_EQ(asked->version, "0.2.0");
    EXPECT_GT(asked->at, 0);
    EXPECT_NE(log.find("OS 0.2.0 is installed: reboot requested"), std::string::npos) << log;

    auto [early, log1] = runKiosk("quiet-too-short", "09:00-10:00", "0.1.0", "idle 90000\n");
    EXPECT_FALSE(early.has_value()) << "asked before two quiet minutes: " << log1;
    auto [busy, log2] = runKiosk("visitor", "09:00-10:00", "0.1.0", "tap-id home.tile.lookup\nidle 100000\n");
    EXPECT_FALSE(busy.has_value()) << "asked while a visitor was on a page: " << log2;
    // The same visitor walks away: the session is wiped at 120 s, two quiet minutes later it asks.
    auto [after, log3] = runKiosk("visitor-left", "09:00-10:00", "0.1.0", "tap-id home.tile.lookup\nidle 330000\n");
    EXPECT_TRUE(after.has_value()) << log3;
    auto [outside, log4] = runKiosk("outside", "02:00-05:00", "0.1.0", "idle 150000\n");
    EXPECT_FALSE(outside.has_value()) << "asked at 09:3x with the window 02:00-05:00: " << log4;
    auto [running, log5] = runKiosk("running", "09:00-10:00", "0.2.0", "idle 150000\n");
    EXPECT_FALSE(running.has_value()) << "asked to reboot into the version that runs: " << log5;
}

// The whole chain in the kiosk app as the OS image runs it: [update] in the
// config, the OS release file, RUNTIME_DIRECTORY from systemd. Its worker
// fetches the offered bundle for the installer, reports it in the heartbeat
// and marks the first complete sync; SIGTERM stops it cleanly.
TEST_F(OsUpdate, TheKioskAppFetchesTheUpdateReportsItAndMarksItsFirstSync) {
    const fs::path runtime = dir / "run";
    fs::create_directories(runtime);
    ASSERT_NO_FATAL_FAILURE(startHubWithBundle(2 << 20, 11));
    std::ofstream(dir / "kiosk-image-release") << "VERSION=0.1.0\n";
    std::ofstream(dir / "site.toml") << "[update]\nenabled = true\nos_release_file = \""
                                     << (dir / "kiosk-image-release").string() << "\"\n";
    // As for the windowed kiosk in e2e_test.cpp: leak checks off for the
    // offscreen video driver's libraries.
    Proc app = spawn({KIOSK_BIN, "--windowed", "640x480", "--renderer", "software", "--config", (dir / "site.toml").string(),
                      "--data", kiosk.string(), "--content", (kiosk / "content.db").string(), "--printer-output",
                      (dir / "print").string()},
                     dir / "kiosk-app",
                     {{"SDL_VIDEODRIVER", "offscreen"},
                      {"ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1"},
                      {"RUNTIME_DIRECTORY", runtime.string()}});
    Reaper reaper{app};
    nlohmann::json listed;
    const bool reported = hubShowsState("pending", listed);
    kill(app.pid, SIGTERM);
    EXPECT_EQ(waitFor(app, 15s), 0) << slurp(app.err);
    reaper.reaped = true;
    ASSERT_TRUE(reported) << listed.dump() << "\n" << slurp(app.err);
    EXPECT_EQ(listed["os_version"], "0.1.0");
    EXPECT_EQ(listed["os_update"]["version"], "0.2.0");
    EXPECT_TRUE(slurp(p.pendingBundle) == bytes);
    EXPECT_TRUE(fs::exists(runtime / "synced")) << slurp(app.err);
    EXPECT_NE(slurp(app.err).find("OS 0.1.0; OS updates on"), std::string::npos) << slurp(app.err);
}
