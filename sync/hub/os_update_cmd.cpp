// `kiosk-hub os-update publish | list | withdraw` (os_update_cmd.h): checks
// the staff's input, copies a bundle into DATA/os-updates under its sha256
// and records it through hubdb/os_update_repo.h.
#include "os_update_cmd.h"

#include "bundle/manifest.h"
#include "crypto/crypto.h"
#include "hub_cli.h"
#include "hubdb/os_update_repo.h"
#include "protocol/protocol.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>

namespace kiosk::hub {
namespace {

namespace fs = std::filesystem;

struct Options {
    const std::string& dataDir;
    const std::string& dbSpec;
    std::string file, version, compatible = "kiosk-amd64";
    bool json = false;
    CLI::App* publish = nullptr;
    CLI::App* list = nullptr;
    CLI::App* withdraw = nullptr;
    Options(const std::string& d, const std::string& db) : dataDir(d), dbSpec(db) {}
};

std::string mib(std::int64_t bytes) { return fmt::format("{:.1f} MiB", double(bytes) / double(1 << 20)); }

Error badInput(std::string message) { return Error{ErrorCode::InvalidArgument, std::move(message)}; }

// What can be checked before anything is read in full: the file is a
// non-empty regular file that starts like a squashfs image ("hsqs", the
// little-endian magic; RAUC bundles are squashfs images with a signature
// appended), and the version and compatible string are single words.
Result<std::int64_t> checkInput(const Options& o) {
    if (auto v = protocol::checkOsVersion(o.version, "--version"); !v) return std::unexpected(v.error());
    if (!protocol::checkOsVersion(o.compatible, "--compatible"))
        return std::unexpected(badInput(fmt::format("--compatible '{}' must be one word: RAUC's compatible string, as "
                                                    "in the image's /etc/rauc/system.conf (kiosk-amd64)",
                                                    o.compatible)));
    std::error_code ec;
    if (!fs::exists(o.file, ec)) return std::unexpected(badInput(fmt::format("{} does not exist", o.file)));
    if (!fs::is_regular_file(o.file, ec)) return std::unexpected(badInput(fmt::format("{} is not a regular file", o.file)));
    const auto size = fs::file_size(o.file, ec);
    if (ec) return std::unexpected(badInput(fmt::format("cannot read {}: {}", o.file, ec.message())));
    if (size == 0)
        return std::unexpected(badInput(fmt::format("{} is empty: it is not a RAUC bundle (build one with images/bundle.sh)",
                                                    o.file)));
    std::ifstream in(o.file, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (in.gcount() != 4 || std::string_view(magic, 4) != "hsqs")
        return std::unexpected(badInput(fmt::format("{} does not start with the squashfs magic 'hsqs': it is not a RAUC "
                                                    "bundle (build one with images/bundle.sh; the hub takes the .raucb "
                                                    "file itself, not the disk image)",
                                                    o.file)));
    return std::int64_t(size);
}

// Copies `from` to DIR/<sha256>.raucb through a temporary name, checking
// that the copy still has that hash. True when this call made the file.
Result<bool> storeFile(const fs::path& from, const fs::path& dest, const std::string& sha256, std::int64_t size) {
    std::error_code ec;
    if (fs::exists(dest, ec) && fs::file_size(dest, ec) == std::uintmax_t(size) &&
        crypto::sha256FileHex(dest).value_or("") == sha256)
        return false;  // the same bytes are there already (content-addressed)
    fs::create_directories(dest.parent_path(), ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot make {}: {}", dest.parent_path().string(), ec.message()));
    const fs::path tmp = dest.string() + ".incoming";
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return fail(ErrorCode::Io, fmt::format("cannot copy {} into {}: {} (is the disk full?)", from.string(),
                                               dest.parent_path().string(), ec.message()));
    }
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    auto copied = crypto::sha256FileHex(tmp);
    if (!synced || !copied || *copied != sha256) {
        fs::remove(tmp, ec);
        return fail(ErrorCode::Io, fmt::format("the copy of {} in {} does not match it (was the file changed while "
                                               "it was copied?); publish again",
                                               from.string(), dest.parent_path().string()));
    }
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read,
                    ec);
    fs::rename(tmp, dest, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return fail(ErrorCode::Io, fmt::format("cannot rename the copy to {}: {}", dest.string(), ec.message()));
    }
    if (const int dfd = ::open(dest.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

int runPublish(const Options& o, hubdb::Database& db, std::int64_t size) {
    auto sha = crypto::sha256FileHex(o.file);
    if (!sha) return cliFailure(sha.error());
    const hubdb::OsBundle b{*sha, o.version, o.compatible, size, 0, true};
    auto clash = hubdb::osPublishConflict(db, b);
    if (!clash) return cliFailure(clash.error());
    if (!clash->empty()) return cliFailure(badInput(*clash));
    auto before = hubdb::currentOsBundle(db);
    if (!before) return cliFailure(before.error());

    const fs::path dest = hubdb::osBundleFile(o.dataDir, *sha);
    auto made = storeFile(o.file, dest, *sha, size);
    if (!made) return cliFailure(made.error());
    if (auto r = hubdb::publishOsBundle(db, b, unixNow()); !r) {
        // Only a file this run added goes; one that was published before stays.
        std::error_code ec;
        if (*made && !hubdb::osBundleBySha(db, *sha).value_or(std::nullopt)) fs::remove(dest, ec);
        return cliFailure(r.error());
    }
    fmt::print("published OS update {} ({}, {} bytes, sha256 {}, compatible {}): kiosks download it on their next "
               "sync{}\n",
               b.version, mib(b.size), b.size, b.sha256, b.compatible,
               *before && (*before)->sha256 != b.sha256 ? fmt::format(" (instead of {})", (*before)->version)
               : *before                                 ? " (it was offered already)"
                                                         : "");
    return 0;
}

int runList(const Options& o, hubdb::Database& db) {
    auto list = hubdb::osBundles(db);
    if (!list) return cliFailure(list.error());
    for (const auto& b : *list) {
        std::error_code ec;
        const bool present = fs::file_size(hubdb::osBundleFile(o.dataDir, b.sha256), ec) == std::uintmax_t(b.size) && !ec;
        if (o.json) {
            fmt::print("{}\n", nlohmann::json{{"version", b.version},
                                              {"sha256", b.sha256},
                                              {"size", b.size},
                                              {"compatible", b.compatible},
                                              {"published_at", b.publishedAt},
                                              {"current", b.current},
                                              {"file_present", present}}
                                   .dump());
        } else {
            fmt::print("{} {}  {}  {}  sha256 {}  published {}{}{}\n", b.current ? "*" : " ", b.version, b.compatible,
                       mib(b.size), b.sha256, bundle::formatIsoUtc(b.publishedAt), b.current ? "  OFFERED NOW" : "",
                       present ? "" : "  FILE MISSING in DATA/os-updates (publish it again here)");
        }
    }
    if (!o.json && list->empty()) fmt::print("no OS update has been published\n");
    return 0;
}

int runWithdraw(hubdb::Database& db) {
    auto w = hubdb::withdrawOsBundle(db);
    if (!w) return cliFailure(w.error());
    if (!*w) {
        fmt::print("no OS update was offered\n");
        return 0;
    }
    fmt::print("OS update {} (sha256 {}) is no longer offered; kiosks that downloaded it already keep it\n",
               (*w)->version, (*w)->sha256);
    return 0;
}

}  // namespace

std::function<int()> addOsUpdateCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec) {
    auto o = std::make_shared<Options>(dataDir, dbSpec);
    auto* os = app.add_subcommand("os-update", "OS image updates (RAUC bundles) offered to the kiosks");
    os->require_subcommand(1);
    os->fallthrough();  // kiosk-hub's --data and --db are accepted after `os-update …` too
    o->publish = os->add_subcommand(
        "publish", "Copy a RAUC bundle into DATA/os-updates and offer it to every kiosk from its next sync");
    o->publish->add_option("FILE", o->file, "The .raucb file (images/bundle.sh makes it)")->required();
    o->publish
        ->add_option("--version", o->version,
                     "The bundle's version: VERSION= of its /etc/kiosk-image-release, one word "
                     "(e.g. 0.2.0+202611211415.gb5d53f1)")
        ->required();
    o->publish->add_option("--compatible", o->compatible, "RAUC compatible string of the fleet's images")
        ->capture_default_str();
    o->list = os->add_subcommand("list", "Published bundles, newest first; * marks the one offered now");
    o->list->add_flag("--json", o->json, "One JSON object per bundle, one per line");
    o->withdraw = os->add_subcommand(
        "withdraw", "Stop offering the current bundle (kiosks that downloaded it keep it; nothing is deleted)");
    for (auto* sub : {o->publish, o->list, o->withdraw}) sub->fallthrough();

    return [o]() -> int {
        // Bad input is refused before the data folder or database is touched.
        Result<std::int64_t> size = 0;
        if (o->publish->parsed() && !(size = checkInput(*o))) return cliFailure(size.error());
        auto db = openHubDatabase(o->dataDir, o->dbSpec);
        if (!db) return cliFailure(db.error());
        if (o->publish->parsed()) return runPublish(*o, **db, *size);
        if (o->list->parsed()) return runList(*o, **db);
        if (o->withdraw->parsed()) return runWithdraw(**db);
        return 2;
    };
}

}  // namespace kiosk::hub
