// OS update files and the download round of os_update.h.
#include "os_update.h"

#include "base/atomic_file.h"
#include "base/log.h"
#include "bundle/install.h"
#include "crypto/crypto.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>

namespace kiosk::sync::osupdate {
namespace {

namespace fs = std::filesystem;

auto logger() { return log::channel("sync"); }

std::string mib(std::uint64_t bytes) { return fmt::format("{} MiB", (bytes + (1u << 20) - 1) >> 20); }

std::optional<std::uint64_t> freeBytes(const fs::path& dir) {
    struct statvfs s {};
    if (::statvfs(dir.c_str(), &s) != 0) return std::nullopt;
    return std::uint64_t(s.f_bavail) * std::uint64_t(s.f_frsize);
}

void fsyncDir(const fs::path& dir) {
    if (const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Removes every .part except `keep` (an offer that changed or went away
// leaves its partial download behind otherwise).
void removeOtherParts(const Paths& p, const std::string& keepSha) {
    std::error_code ec;
    for (fs::directory_iterator it(p.dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path f = it->path();
        if (f.extension() != ".part" || f.stem() == keepSha) continue;
        std::error_code rm;
        if (fs::remove(f, rm)) logger()->info("removed the partial OS update download {}", f.filename().string());
    }
}

bool anyPart(const Paths& p) {
    std::error_code ec;
    for (fs::directory_iterator it(p.dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".part") return true;
    return false;
}

std::string refusal(const HttpResponse& res) {
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_string())
        return fmt::format("the hub answered {}: {}", res.status, j["error"].get<std::string>());
    return fmt::format("the hub answered {}", res.status);
}

}  // namespace

Paths pathsIn(const fs::path& dataDir) {
    const fs::path d = dataDir / "updates";
    return Paths{d, d / "pending.raucb", d / "pending.json", d / "installed.json", d / "failed.json", d / "reboot-request"};
}

Result<void> ensureDir(const Paths& p) {
    std::error_code ec;
    if (fs::is_directory(p.dir, ec)) return {};
    fs::create_directories(p.dir.parent_path(), ec);
    if (::mkdir(p.dir.c_str(), 0750) != 0 && errno != EEXIST)
        return fail(ErrorCode::Io, fmt::format("cannot make {}: check that the data folder is writable", p.dir.string()));
    ::chmod(p.dir.c_str(), 0750);  // whatever the umask
    return {};
}

std::optional<Marker> readMarker(const fs::path& file) {
    auto text = fileio::readAll(file);
    if (!text) return std::nullopt;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
    auto num = [&](const char* k) { return j.contains(k) && j[k].is_number_integer() ? j[k].get<std::int64_t>() : 0; };
    Marker m;
    m.version = str("version");
    m.sha256 = str("sha256");
    m.error = str("error");
    m.slot = str("slot");
    m.size = num("size");
    for (const char* k : {"downloaded_at", "installed_at", "at"})
        if (num(k) != 0) m.at = num(k);
    return m;
}

Result<std::optional<std::string>> readOsVersion(const fs::path& releaseFile) {
    std::error_code ec;
    if (!fs::exists(releaseFile, ec)) return std::optional<std::string>();
    std::ifstream in(releaseFile);
    if (!in) return fail(ErrorCode::Io, fmt::format("cannot read {}", releaseFile.string()));
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("VERSION=")) continue;
        std::string v = line.substr(8);
        while (!v.empty() && (v.back() == '\r' || v.back() == ' ' || v.back() == '\t')) v.pop_back();
        if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
        if (auto ok = protocol::checkOsVersion(v, fmt::format("VERSION= in {}", releaseFile.string())); !ok)
            return std::unexpected(ok.error());
        return std::optional<std::string>(v);
    }
    return fail(ErrorCode::Parse, fmt::format("{} has no VERSION= line: the OS image should write it", releaseFile.string()));
}

std::string skipReason(const protocol::OsUpdateOffer& offer, const Target& target, const Paths& p, std::int64_t nowS) {
    if (offer.version == target.runningVersion) return fmt::format("version {} is running already", offer.version);
    if (auto pending = readMarker(p.pendingJson))
        return fmt::format("version {} waits for the installer (pending.json)", pending->version);
    if (auto installed = readMarker(p.installedJson)) {
        // installed.json naming what runs now: this system is on trial until
        // the image confirms it (after one complete sync). A download then
        // could hold that sync back past the trial's limit and roll back a
        // good update, so newer offers wait for the confirmation.
        if (installed->version == target.runningVersion)
            return fmt::format("the running version {} is on trial; version {} waits until it is confirmed",
                               target.runningVersion, offer.version);
        if (installed->sha256 == offer.sha256)
            return fmt::format("version {} is installed and waits for a reboot", offer.version);
    }
    if (auto failed = readMarker(p.failedJson); failed && failed->sha256 == offer.sha256)
        return fmt::format("version {} failed to install ({}); the hub must offer another bundle", offer.version,
                           failed->error.empty() ? "see failed.json" : failed->error);
    if (target.memory && target.memory->mismatchSha == offer.sha256 && nowS < target.memory->mismatchUntilS)
        return fmt::format("the last download of version {} did not match its sha256; next try after {}", offer.version,
                           target.memory->mismatchUntilS - nowS > 60 ? fmt::format("{} min", (target.memory->mismatchUntilS - nowS) / 60)
                                                                     : std::string("a minute"));
    return {};
}

Outcome fetchOsUpdate(const HubClient& client, const fs::path& dataDir, const Target& target, std::int64_t nowS) {
    Outcome out;
    if (!target.enabled || target.runningVersion.empty()) return out;
    Memory scratch;
    Memory& mem = target.memory ? *target.memory : scratch;
    const Paths p = pathsIn(dataDir);
    auto failWith = [&](std::string why) {
        out.error = std::move(why);
        mem.lastError = out.error;
        logger()->warn("OS update {}: {}", out.offered, out.error);
        return out;
    };

    out.asked = true;
    auto res = client.get("/v1/os-update");
    if (!res) {
        out.transport = res.error();
        return out;
    }
    if (res->dateS) out.hubTimeS = res->dateS;
    if (res->status == 204 || res->status == 404) {  // nothing offered (404: a hub from before OS updates)
        mem.offerVersion.clear();
        mem.lastError.clear();
        removeOtherParts(p, "");
        return out;
    }
    if (res->status != 200) return failWith(refusal(*res));
    auto offer = protocol::parseOsUpdateOffer(nlohmann::json::parse(res->body, nullptr, false));
    if (!offer) return failWith("the hub's offer was malformed: " + offer.error().message);
    out.offered = offer->version;
    if (mem.offerVersion != offer->version) mem.lastError.clear();
    mem.offerVersion = offer->version;
    if (auto d = ensureDir(p); !d) return failWith(d.error().message);

    // What the files say first; only then the wait after a hash mismatch,
    // whose error stays in the heartbeat while it lasts.
    Target filesOnly = target;
    filesOnly.memory = nullptr;
    out.skipped = skipReason(*offer, filesOnly, p, nowS);
    if (!out.skipped.empty()) mem.lastError.clear();
    else out.skipped = skipReason(*offer, target, p, nowS);
    removeOtherParts(p, out.skipped.empty() ? offer->sha256 : "");
    if (!out.skipped.empty()) {
        logger()->debug("OS update {} not fetched: {}", offer->version, out.skipped);
        return out;
    }

    const fs::path part = p.partFor(offer->sha256);
    const std::uint64_t size = std::uint64_t(offer->size);
    auto have = bundle::stagingOffset(part);
    if (!have) return failWith(have.error().message);
    std::uint64_t offset = *have;
    if (offset > size) {
        (void)bundle::discardStaging(part);
        offset = 0;
    }
    if (offset < size) {
        const std::uint64_t left = size - offset;
        const auto free = freeBytes(p.dir);
        if (!free) return failWith(fmt::format("cannot read the free space of {}", p.dir.string()));
        if (*free < left + target.reserveBytes)
            return failWith(fmt::format("not enough free space in {} for OS update {}: {} free, {} needed ({} still to "
                                        "download and {} kept free); free space on the data partition",
                                        dataDir.string(), offer->version, mib(*free), mib(left + target.reserveBytes),
                                        mib(left), mib(target.reserveBytes)));
        logger()->info("OS update {}: downloading {}{}", offer->version, mib(size),
                       offset > 0 ? fmt::format(", resuming at {}", mib(offset)) : "");
        auto dl = client.download("/v1/os-update/bundle/" + offer->sha256, part, offset, size);
        if (!dl && dl.error().problem == TransportProblem::TooLarge) {
            (void)bundle::discardStaging(part);  // not the bundle offered: start over next round
            return failWith(dl.error().message);
        }
        if (!dl) {
            out.transport = dl.error();  // the .part stays: the next round resumes
            mem.lastError = dl.error().message;
            return out;
        }
        if (dl->dateS) out.hubTimeS = dl->dateS;
        if (dl->status == 416 || (offset > 0 && dl->status == 200)) {
            // The hub did not resume where the .part ends: start over next round.
            (void)bundle::discardStaging(part);
            return failWith(fmt::format("the hub could not resume the download at byte {} ({}); starting over", offset,
                                        refusal(*dl)));
        }
        if (dl->status != 200 && dl->status != 206) return failWith(refusal(*dl));
    }

    auto got = bundle::stagingOffset(part);
    if (!got) return failWith(got.error().message);
    if (*got < size)
        return failWith(fmt::format("the download of OS update {} stopped at {} of {} bytes; it resumes next round",
                                    offer->version, *got, size));
    auto sha = crypto::sha256FileHex(part);
    if (!sha) return failWith(sha.error().message);
    if (*got != size || *sha != offer->sha256) {
        (void)bundle::discardStaging(part);
        mem.mismatchSha = offer->sha256;
        mem.mismatchUntilS = nowS + kMismatchRetryS;
        return failWith(fmt::format("the downloaded OS update {} does not match the offer ({} bytes, sha256 {}; offered "
                                    "{} bytes, sha256 {}): deleted; it is fetched again in an hour — if it keeps "
                                    "failing, publish the bundle again at the hub",
                                    offer->version, *got, *sha, size, offer->sha256));
    }

    // Hand over: the bundle under its fixed name first, then pending.json,
    // which is what the installer's path unit reacts to.
    std::error_code ec;
    ::chmod(part.c_str(), 0640);  // as the folder: the kiosk's group may read it, nobody else
    fs::rename(part, p.pendingBundle, ec);
    if (ec) return failWith(fmt::format("cannot rename {} to {}: {}", part.string(), p.pendingBundle.string(), ec.message()));
    fsyncDir(p.dir);
    const nlohmann::json pending = {{"version", offer->version},
                                    {"sha256", offer->sha256},
                                    {"size", offer->size},
                                    {"downloaded_at", nowS}};
    if (auto w = fileio::writeAtomic(p.pendingJson, pending.dump() + "\n", 0640); !w) return failWith(w.error().message);
    mem.lastError.clear();
    out.downloaded = offer->version;
    logger()->info("OS update {} downloaded and verified ({} bytes); handed to the installer", offer->version, size);
    return out;
}

std::optional<Marker> installedAwaitingReboot(const Paths& p, const std::string& runningVersion) {
    auto installed = readMarker(p.installedJson);
    if (!installed || installed->version.empty() || installed->version == runningVersion) return std::nullopt;
    return installed;
}

protocol::OsReport report(const fs::path& dataDir, const Target& target) {
    protocol::OsReport r;
    r.version = target.runningVersion;
    if (!target.enabled || target.runningVersion.empty()) return r;
    const Paths p = pathsIn(dataDir);
    const Memory* mem = target.memory;
    protocol::OsUpdateState s;
    const auto installedJson = readMarker(p.installedJson);
    const auto failed = readMarker(p.failedJson);
    if (auto pending = readMarker(p.pendingJson)) {
        s = {"pending", pending->version, ""};
    } else if (auto installed = installedAwaitingReboot(p, target.runningVersion)) {
        s = {"installed", installed->version, ""};
    } else if ((mem && !mem->lastError.empty()) || anyPart(p)) {
        s = {"downloading", mem ? mem->offerVersion : "", mem ? mem->lastError : ""};
    } else if (failed && !(installedJson && installedJson->at > failed->at)) {
        s = {"failed", failed->version, failed->error.empty() ? "the installer gave no reason" : failed->error};
    }
    r.update = std::move(s);
    return r;
}

Result<void> requestReboot(const Paths& p, const std::string& version, std::int64_t nowS) {
    if (auto d = ensureDir(p); !d) return d;
    return fileio::writeAtomic(p.rebootRequest, nlohmann::json{{"version", version}, {"at", nowS}}.dump() + "\n", 0640);
}

Result<void> writeSyncedMarker(const fs::path& runtimeDir, std::int64_t nowS) {
    return fileio::writeAtomic(runtimeDir / "synced", fmt::format("{}\n", nowS), 0644);
}

}  // namespace kiosk::sync::osupdate
