// End-to-end tests of content bundles with the real programs: `kiosk-hub
// serve` on 127.0.0.1 (a free port, keys made in the test's own data folder),
// `kiosk-hub content publish`, and `kioskctl sync --once --json --content`.
// They check that the demo content arrives byte for byte, that each refusal
// the hub issue names — a bundle tampered at the hub, a rollback, an expired
// manifest, a manifest signed by another key — leaves the old content in
// place byte for byte and says why in `content_error`, and that an
// interrupted download is resumed into the same staging file. The hub's
// SQLite database is changed behind its back through the store's SQL seam
// (WAL lets a second connection write while the hub runs). Every loop is
// bounded, every process is reaped, every test has its own folder.
#include "bundle/install.h"
#include "client/hub_client.h"
#include "crypto/crypto.h"
#include "hubdb/content_repo.h"
#include "hubdb/sql.h"
#include "sqlite/sqlite.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness.h"
#include <nlohmann/json.hpp>

#include <arpa/inet.h>

#include <atomic>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace kiosk;

using namespace e2e;

namespace {

// ── helpers copied from e2e_test.cpp (kept private to this file) ──


// ── content helpers ──

// The build's demo content database (${PROJECT_BINARY_DIR}/demo-content.db,
// made by the demo_content target). e2e_tests gets no KIOSK_DEMO_CONTENT
// definition, so it is found from kioskctl's place: PROJECT_BINARY_DIR/kiosk/kioskctl.
fs::path demoContent() { return fs::path(KIOSKCTL_BIN).parent_path().parent_path() / "demo-content.db"; }

// A second, different content database: the demo content with one more
// meta row. Still a valid bundle (rollback-journal mode, same user_version).
void makeEdition(const fs::path& out, const std::string& edition) {
    fs::copy_file(demoContent(), out, fs::copy_options::overwrite_existing);
    auto db = sql::Database::open(out.string(), SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    auto r = db->exec(fmt::format("INSERT INTO meta(key, value) VALUES('e2e_edition', '{}')", edition));
    ASSERT_TRUE(r.has_value()) << r.error().message;
}

void publish(const Hub& hub, const fs::path& db, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"content", "publish", db.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    int code = 0;
    const std::string out = hub.cli(args, &code);
    ASSERT_EQ(code, 0) << out;
    ASSERT_NE(out.find("published content version"), std::string::npos) << out;
}

struct SyncResult {
    int code = -1;
    nlohmann::json report;
    std::string err;
};

SyncResult syncContent(const fs::path& kioskData, const fs::path& target, const fs::path& logBase) {
    const Ran r = kioskctl(kioskData, {"sync", "--once", "--json", "--content", target.string()}, logBase);
    SyncResult s{r.code, nlohmann::json::parse(r.out.substr(0, r.out.find('\n')), nullptr, false), r.err};
    if (s.report.is_discarded()) {
        ADD_FAILURE() << "sync printed no JSON: " << r.out << r.err;
        s.report = nlohmann::json::object();
    }
    return s;
}

std::string contentError(const SyncResult& s) { return s.report.value("content_error", std::string()); }

// Changes the hub's database behind its back (SQLite WAL: a second writer is fine).
void hubSql(const Hub& hub, const std::function<Result<void>(hubdb::Connection&)>& fn) {
    auto db = hubdb::openDatabase((hub.dir() / "hub.db").string(), 1);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    auto r = hubdb::transaction(**db, fn, 1);
    ASSERT_TRUE(r.has_value()) << r.error().message;
}

// One kiosk with the demo content installed as version 1 from a running hub.
struct Installed {
    fs::path dir, kiosk, target;
    std::string v1;  // the bytes of version 1 as published
};

void installDemo(const Hub& hub, Installed& k) {
    ASSERT_TRUE(fs::exists(demoContent())) << demoContent() << " is missing: build the demo_content target";
    provision(hub, k.kiosk, k.dir);
    publish(hub, demoContent());
    k.v1 = slurp(demoContent());
    const auto s = syncContent(k.kiosk, k.target, k.dir / "sync-v1");
    ASSERT_EQ(s.code, 0) << s.report.dump() << s.err;
    ASSERT_EQ(s.report["content_installed"], 1) << s.report.dump();
    ASSERT_EQ(slurp(k.target), k.v1);
}

// The old content is still what the kiosk serves, and its record says so.
void expectStillVersion(const Installed& k, std::int64_t version, const std::string& bytes) {
    EXPECT_TRUE(slurp(k.target) == bytes) << "the installed content changed";
    auto v = bundle::readInstalledVersion(k.target);
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_EQ(*v, version);
}

// Version 2 was offered, refused as expired, and version 1 stays.
void expectExpiredRefused(const SyncResult& s, const Installed& k) {
    EXPECT_EQ(s.report["content_offered"], 2) << s.report.dump();
    EXPECT_EQ(s.report["content_installed"], 0) << s.report.dump();
    EXPECT_NE(contentError(s).find("expired"), std::string::npos) << s.report.dump();
    expectStillVersion(k, 1, k.v1);
}

// Every test: its own folder, a kiosk-hub started in it, and the kiosk's
// folders beside it (not provisioned yet: installDemo does that).
class Content : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(hub.start()) << hub.log(); }

    const fs::path dir = testDir();
    Hub hub{dir / "hub", freePort()};
    Installed k{dir, dir / "kiosk", dir / "kiosk/content.db", {}};
};

}  // namespace

TEST_F(Content, TheDemoContentArrivesByteForByte) {
    installDemo(hub, k);
    expectStillVersion(k, 1, k.v1);
    EXPECT_FALSE(fs::exists(bundle::stagingPathFor(k.target))) << "the staging file became the content";
    // Nothing newer: the next cycle leaves it alone and says nothing.
    const auto again = syncContent(k.kiosk, k.target, dir / "sync-again");
    EXPECT_EQ(again.code, 0);
    EXPECT_EQ(again.report["content_installed"], 0) << again.report.dump();
    EXPECT_EQ(again.report["content_offered"], 1) << again.report.dump();
    EXPECT_EQ(contentError(again), "") << again.report.dump();
    expectStillVersion(k, 1, k.v1);
}

TEST_F(Content, ABundleTamperedAtTheHubIsRefusedAndTheOldContentStays) {
    installDemo(hub, k);
    makeEdition(dir / "v2.db", "2");
    publish(hub, dir / "v2.db");
    // Flip one byte in the middle of the first stored chunk of version 2.
    hubSql(hub, [](hubdb::Connection& c) -> Result<void> {
        auto rows = c.query("SELECT data FROM bundle_chunk WHERE version = 2 AND idx = 0");
        if (!rows) return std::unexpected(rows.error());
        if (rows->empty() || !(*rows)[0][0]) return fail(ErrorCode::NotFound, "version 2 has no chunk 0");
        std::string data = *(*rows)[0][0];
        data[data.size() / 2] = char(data[data.size() / 2] ^ 0x20);
        auto w = c.query("UPDATE bundle_chunk SET data = $1 WHERE version = 2 AND idx = 0", {hubdb::Blob{data}});
        if (!w) return std::unexpected(w.error());
        return {};
    });
    const auto s = syncContent(k.kiosk, k.target, dir / "sync-tampered");
    EXPECT_EQ(s.report["content_installed"], 0) << s.report.dump();
    EXPECT_EQ(s.report["content_offered"], 2) << s.report.dump();
    EXPECT_NE(contentError(s).find("sha256 mismatch"), std::string::npos) << s.report.dump();
    expectStillVersion(k, 1, k.v1);
    EXPECT_FALSE(fs::exists(bundle::stagingPathFor(k.target))) << "a refused download is discarded, not resumed";
}

TEST_F(Content, ARollbackToAnOlderSignedManifestIsRefusedAndTheNewerContentStays) {
    installDemo(hub, k);
    makeEdition(dir / "v2.db", "2");
    const std::string v2 = slurp(dir / "v2.db");
    publish(hub, dir / "v2.db");
    const auto up = syncContent(k.kiosk, k.target, dir / "sync-v2");
    ASSERT_EQ(up.report["content_installed"], 2) << up.report.dump();
    expectStillVersion(k, 2, v2);
    // The hub (or someone between it and the kiosk) now offers version 1's
    // genuine, still valid signed manifest as the latest.
    hubSql(hub, [](hubdb::Connection& c) -> Result<void> {
        for (const char* sqlText : {"DELETE FROM bundle_chunk WHERE version >= 2", "DELETE FROM content_bundle WHERE version >= 2"})
            if (auto q = c.query(sqlText); !q) return std::unexpected(q.error());
        return {};
    });
    const auto s = syncContent(k.kiosk, k.target, dir / "sync-rollback");
    EXPECT_EQ(s.code, 0) << s.report.dump();
    EXPECT_EQ(s.report["content_offered"], 1) << s.report.dump();
    EXPECT_EQ(s.report["content_installed"], 0) << s.report.dump();
    expectStillVersion(k, 2, v2);
    // Issue 5: a refusal says why. An offer older than what is installed is a
    // rollback attempt, not "nothing to do".
    const std::string why = contentError(s);
    EXPECT_TRUE(why.find("rollback") != std::string::npos || why.find("not newer") != std::string::npos)
        << "the kiosk refused version 1 but did not say so: " << s.report.dump();
}

TEST_F(Content, AnExpiredManifestIsRefusedAndTheOldContentStays) {
    installDemo(hub, k);
    makeEdition(dir / "v2.db", "2");
    publish(hub, dir / "v2.db", {"--ttl", "1s"});
    std::this_thread::sleep_for(2100ms);  // the hub's Date (the kiosk's trusted time) is now past "expires"
    expectExpiredRefused(syncContent(k.kiosk, k.target, dir / "sync-expired"), k);
}

// A hub that lies about the time (its key stolen, or its clock set back five
// years) cannot make an expired manifest fresh again: the kiosk's trusted
// time only rises. The lie is told by a relay holding the hub's own TLS key
// (so the pin matches) that forwards to the real hub with the device's
// certificate and replaces every Date.
TEST_F(Content, AHubDateSetBackCannotMakeAnExpiredManifestFresh) {
    installDemo(hub, k);
    makeEdition(dir / "v2.db", "2");
    publish(hub, dir / "v2.db", {"--ttl", "1s"});
    std::this_thread::sleep_for(3100ms);  // expired since the kiosk's last (genuine) sync
    const auto before = nlohmann::json::parse(slurp(k.kiosk / "trusted-time.json"))["latest"].get<std::int64_t>();

    auto device = sync::loadHubConfig(k.kiosk);
    ASSERT_TRUE(device.has_value()) << device.error().message;
    ASSERT_TRUE(crypto::writeFileAtomic(dir / "relay.crt", device->certPem, 0644).has_value());
    ASSERT_TRUE(crypto::writeFileAtomic(dir / "relay.key", device->keyPem, 0600).has_value());
    httplib::SSLClient up("127.0.0.1", hub.port(), (dir / "relay.crt").string(), (dir / "relay.key").string());
    up.enable_server_certificate_verification(false);
    httplib::SSLServer relay((hub.dir() / "server.crt").c_str(), (hub.dir() / "server.key").c_str());
    ASSERT_TRUE(relay.is_valid());
    std::atomic<int> forwarded{0};
    const auto forward = [&](const httplib::Request& req, httplib::Response& res) {
        std::string target = req.path;
        for (auto it = req.params.begin(); it != req.params.end(); ++it)
            target += (it == req.params.begin() ? "?" : "&") + it->first + "=" + it->second;
        httplib::Headers h;
        if (req.has_header("Range")) h.emplace("Range", req.get_header_value("Range"));
        auto r = req.method == "GET" ? up.Get(target.c_str(), h)
                                     : up.Post(target.c_str(), h, req.body, "application/json");
        if (!r) {
            res.status = 502;
            return;
        }
        ++forwarded;
        res.status = r->status;
        res.body = r->body;
        for (const auto& [name, value] : r->headers)
            if (name != "Date" && name != "Content-Length" && name != "Connection" && name != "Keep-Alive")
                res.set_header(name.c_str(), value);
        res.set_header("Date", "Mon, 03 Dec 2021 09:00:00 GMT");  // five years back
    };
    relay.Get(".*", forward);
    relay.Post(".*", forward);
    const int port = relay.bind_to_any_port("127.0.0.1");
    std::thread serving([&] { relay.listen_after_bind(); });
    auto j = nlohmann::json::parse(slurp(k.kiosk / "hub.json"));
    j["hub_url"] = fmt::format("https://127.0.0.1:{}", port);
    std::ofstream(k.kiosk / "hub.json") << j.dump();

    const auto s = syncContent(k.kiosk, k.target, dir / "sync-lying-date");
    relay.stop();
    serving.join();
    EXPECT_GT(forwarded.load(), 0) << "the kiosk talked to the relay";
    expectExpiredRefused(s, k);
    const auto after = nlohmann::json::parse(slurp(k.kiosk / "trusted-time.json"))["latest"].get<std::int64_t>();
    EXPECT_GE(after, before) << "trusted time never goes back";
}

TEST_F(Content, AManifestSignedByAnotherKeyIsRefusedAndTheOldContentStays) {
    installDemo(hub, k);
    // The hub's content key is replaced; the kiosk keeps the provisioned public key.
    auto other = crypto::generateEd25519();
    ASSERT_TRUE(other.has_value()) << other.error().message;
    ASSERT_TRUE(crypto::writeFileAtomic(hub.dir() / "content.key", other->privatePem, 0600).has_value());
    ASSERT_TRUE(crypto::writeFileAtomic(hub.dir() / "content.pub", other->publicPem, 0644).has_value());
    makeEdition(dir / "v2.db", "2");
    publish(hub, dir / "v2.db");
    const auto s = syncContent(k.kiosk, k.target, dir / "sync-wrong-key");
    EXPECT_EQ(s.report["content_installed"], 0) << s.report.dump();
    EXPECT_NE(contentError(s).find("bad signature"), std::string::npos) << s.report.dump();
    expectStillVersion(k, 1, k.v1);
    EXPECT_FALSE(fs::exists(bundle::stagingPathFor(k.target))) << "nothing is downloaded for an unverified manifest";
}

TEST_F(Content, AnInterruptedDownloadIsResumedAndInstalled) {
    ASSERT_TRUE(fs::exists(demoContent())) << demoContent() << " is missing: build the demo_content target";
    const fs::path kiosk = dir / "kiosk", target = kiosk / "content.db";
    provision(hub, kiosk, dir);
    publish(hub, demoContent());
    const std::string bytes = slurp(demoContent());
    ASSERT_GT(bytes.size(), std::size_t(1) << 20) << "the demo content spans more than one stored chunk";
    // What a download cut off half-way leaves: the first half in TARGET.staging
    // and the sha256 of the bundle it belongs to in TARGET.staging.sha256.
    const fs::path staging = bundle::stagingPathFor(target);
    const std::string sha = crypto::sha256Hex(bytes);
    ASSERT_TRUE(crypto::writeFileAtomic(staging, std::string_view(bytes).substr(0, bytes.size() / 2), 0644).has_value());
    ASSERT_TRUE(crypto::writeFileAtomic(staging.string() + ".sha256", sha, 0644).has_value());
    // A second name for the partial file: if the client resumes, it appends
    // to this very file and renames it into place; if it started over, it
    // would remove it and write a new one.
    fs::create_hard_link(staging, dir / "partial-witness");

    const auto s = syncContent(kiosk, target, dir / "sync-resume");
    EXPECT_EQ(s.code, 0) << s.report.dump() << s.err;
    EXPECT_EQ(s.report["content_installed"], 1) << s.report.dump();
    EXPECT_EQ(contentError(s), "") << s.report.dump();
    EXPECT_TRUE(slurp(target) == bytes) << "installed content differs from the published bundle";
    EXPECT_TRUE(fs::equivalent(dir / "partial-witness", target)) << "the download started over instead of resuming";
    EXPECT_FALSE(fs::exists(staging.string() + ".sha256"));
}

TEST_F(Content, APartialDownloadOfAnotherBundleIsStartedAfresh) {
    ASSERT_TRUE(fs::exists(demoContent())) << demoContent() << " is missing: build the demo_content target";
    const fs::path kiosk = dir / "kiosk", target = kiosk / "content.db";
    provision(hub, kiosk, dir);
    publish(hub, demoContent());
    const std::string bytes = slurp(demoContent());
    // Half of some other bundle, marked as such: appending to it would only
    // make a file that fails its hash.
    const fs::path staging = bundle::stagingPathFor(target);
    ASSERT_TRUE(crypto::writeFileAtomic(staging, std::string(bytes.size() / 2, 'x'), 0644).has_value());
    ASSERT_TRUE(crypto::writeFileAtomic(staging.string() + ".sha256", std::string(64, '0'), 0644).has_value());
    const auto s = syncContent(kiosk, target, dir / "sync-fresh");
    EXPECT_EQ(s.code, 0) << s.report.dump() << s.err;
    EXPECT_EQ(s.report["content_installed"], 1) << s.report.dump();
    EXPECT_TRUE(slurp(target) == bytes) << "installed content differs from the published bundle";
}

// A hub that sends more than the signed manifest announces (a compromised or
// broken hub trying to fill the kiosk's disk): the kiosk stops the download at
// the announced size, refuses the version and discards the partial file.
TEST_F(Content, AHubSendingMoreThanTheManifestSaysIsCutOffAtTheAnnouncedSize) {
    installDemo(hub, k);
    makeEdition(dir / "v2.db", "2");
    publish(hub, dir / "v2.db");
    // Version 2 grows by two more MiB at the hub; its signed manifest does not.
    std::int64_t announced = 0;
    hubSql(hub, [&](hubdb::Connection& c) -> Result<void> {
        auto rows = c.query("SELECT idx, data FROM bundle_chunk WHERE version = 2 ORDER BY idx DESC LIMIT 1");
        if (!rows) return std::unexpected(rows.error());
        if (rows->empty() || !(*rows)[0][1]) return fail(ErrorCode::NotFound, "version 2 has no chunks");
        const std::int64_t last = hubdb::asInt((*rows)[0][0]);
        std::string data = *(*rows)[0][1];
        announced = last * hubdb::kBundleChunk + std::int64_t(data.size());
        data.resize(std::size_t(hubdb::kBundleChunk), 'x');
        if (auto w = c.query("UPDATE bundle_chunk SET data = $1 WHERE version = 2 AND idx = $2", {hubdb::Blob{data}, last}); !w)
            return std::unexpected(w.error());
        const std::string more(std::size_t(hubdb::kBundleChunk), 'y');
        for (std::int64_t i = 1; i <= 2; ++i)
            if (auto w = c.query("INSERT INTO bundle_chunk(version, idx, data) VALUES(2, $1, $2)", {last + i, hubdb::Blob{more}}); !w)
                return std::unexpected(w.error());
        if (auto w = c.query("UPDATE content_bundle SET size = $1 WHERE version = 2", {(last + 3) * hubdb::kBundleChunk}); !w)
            return std::unexpected(w.error());
        return {};
    });
    ASSERT_GT(announced, 0);
    const auto s = syncContent(k.kiosk, k.target, dir / "sync-oversize");
    EXPECT_EQ(s.report["content_installed"], 0) << s.report.dump();
    EXPECT_NE(contentError(s).find("more than the " + std::to_string(announced) + " bytes announced"), std::string::npos)
        << s.report.dump();
    expectStillVersion(k, 1, k.v1);
    EXPECT_FALSE(fs::exists(bundle::stagingPathFor(k.target))) << "the oversize download is discarded";
}

// Mix and match: the hub serves version 3's genuine signed manifest with the
// genuine bytes of version 2 (both once published and signed by this hub).
// The payload does not hash to what the manifest signs: refused, and the
// installed content stays.
TEST_F(Content, AGenuineManifestWithAnotherGenuinePayloadIsRefused) {
    installDemo(hub, k);
    makeEdition(dir / "v2.db", "2");
    publish(hub, dir / "v2.db");
    makeEdition(dir / "v3.db", "3");
    publish(hub, dir / "v3.db");
    // Version 3's stored bytes become version 2's; its manifest stays.
    hubSql(hub, [](hubdb::Connection& c) -> Result<void> {
        for (const char* sql : {"DELETE FROM bundle_chunk WHERE version = 3",
                                "INSERT INTO bundle_chunk(version, idx, data) SELECT 3, idx, data FROM bundle_chunk WHERE version = 2",
                                "UPDATE content_bundle SET size = (SELECT size FROM content_bundle WHERE version = 2) WHERE version = 3"})
            if (auto w = c.query(sql); !w) return std::unexpected(w.error());
        return {};
    });
    const auto s = syncContent(k.kiosk, k.target, dir / "sync-mixed");
    EXPECT_EQ(s.report["content_installed"], 0) << s.report.dump();
    EXPECT_EQ(s.report["content_offered"], 3) << s.report.dump();
    const std::string why = contentError(s);
    EXPECT_TRUE(why.find("sha256 mismatch") != std::string::npos || why.find("size mismatch") != std::string::npos ||
                why.find("bytes announced") != std::string::npos)
        << s.report.dump();
    expectStillVersion(k, 1, k.v1);
}
