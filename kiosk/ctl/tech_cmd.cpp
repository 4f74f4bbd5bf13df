// kioskctl status / logs (tech_cmd.h). Status reads files only: it opens the
// outbox solely when outbox.db exists, and the PIN guard only to read the
// lock. Machine facts (device id, disk, uptime) come from platform_health.
#include "tech_cmd.h"

#include "base/time_text.h"

#include "base/log.h"
#include "bundle/install.h"
#include "client/hub_client.h"
#include "client/os_update.h"
#include "client/sync_engine.h"
#include "config/config.h"
#include "crypto/crypto.h"
#include "crypto/x509.h"
#include "health.h"
#include "maint/action_log.h"
#include "maint/pin.h"
#include "outbox/outbox.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

namespace kiosk::ctl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}


std::string duration(std::int64_t s) {
    if (s < 120) return fmt::format("{} s", s);
    if (s < 7200) return fmt::format("{} min", s / 60);
    if (s < 2 * 86'400) return fmt::format("{} h {} min", s / 3600, s % 3600 / 60);
    return fmt::format("{} d {} h", s / 86'400, s % 86'400 / 3600);
}

// Content version and the day it was installed (or, for content put there
// by hand, the day the file was written).
struct ContentInfo {
    std::string database;
    std::int64_t version = 0;
    std::string date;   // "" = no content
    std::string error;  // the version record is unreadable
};

ContentInfo contentInfo(const std::string& database) {
    ContentInfo c{database, 0, "", ""};
    std::error_code ec;
    if (database.empty() || !fs::exists(database, ec)) return c;
    if (auto v = bundle::readInstalledVersion(database)) c.version = *v;
    else c.error = v.error().message;
    auto rec = json::parse(crypto::readFile(database + ".version.json").value_or(""), nullptr, false);
    if (rec.is_object() && rec.contains("installed_at") && rec["installed_at"].is_string()) {
        c.date = rec["installed_at"].get<std::string>();
    } else if (auto t = fs::last_write_time(database, ec); !ec) {
        const auto sys = std::chrono::file_clock::to_sys(t);
        c.date = localDateTime(std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count(), true);
    }
    return c;
}

struct StatusOpts {
    std::string config;
    bool json = false;
};

int runStatus(const StatusOpts& o, const std::string& dataDirOpt, bool dataGiven) {
    // The site config (if given) overlaid with DATA/device.toml, as the kiosk loads it.
    auto config = config::load(o.config.empty() ? std::nullopt : std::optional<fs::path>(o.config));
    if (!config) return fmt::print(stderr, "kioskctl: {}\n", config.error().message), 2;
    const fs::path dataDir = dataGiven || o.config.empty() ? fs::path(dataDirOpt) : fs::path(config->dataDir);
    const fs::path deviceToml = dataDir / config::kDeviceSettingsFile;
    if (std::error_code ec; fs::exists(deviceToml, ec)) {
        auto overlaid = config::overlayFile(*config, deviceToml);
        if (!overlaid) return fmt::print(stderr, "kioskctl: {}\n", overlaid.error().message), 2;
        config = std::move(*overlaid);
    }
    const std::int64_t now = nowMs();

    json j;
    j["data_dir"] = dataDir.string();
    j["app_version"] = KIOSK_VERSION;
    auto hub = sync::loadHubConfig(dataDir);
    j["provisioned"] = hub.has_value();
    const auto identity = platform::deviceIdentity(hub ? hub->deviceId : "");
    j["device_id"] = identity.id;
    j["device_id_source"] = identity.source;
    j["site"] = hub ? json(hub->site) : json(nullptr);
    j["hub_url"] = hub ? json(hub->hubUrl) : json(nullptr);

    const ContentInfo content = contentInfo(config->contentDatabase);
    j["content"] = {{"database", content.database},
                    {"version", content.version},
                    {"date", content.date.empty() ? json(nullptr) : json(content.date)}};
    if (!content.error.empty()) j["content"]["error"] = content.error;

    j["outbox"] = nullptr;
    if (std::error_code ec; fs::exists(dataDir / "outbox.db", ec)) {
        auto box = outbox::Outbox::open(dataDir.string(), "");
        auto st = box ? box->status(now) : Result<outbox::Status>(std::unexpected(box.error()));
        if (st)
            j["outbox"] = {{"pending", st->pending},   {"sending", st->sending},   {"acked", st->acked},
                           {"rejected", st->rejected}, {"oldest_pending_age_s", st->oldestPendingAgeMs / 1000}};
        else
            j["outbox_error"] = st.error().message;
    }

    const auto lastSync = sync::lastSyncS(dataDir);
    j["last_sync"] = lastSync ? json(*lastSync) : json(nullptr);
    j["last_sync_age_s"] = lastSync ? json(std::max<std::int64_t>(0, now / 1000 - *lastSync)) : json(nullptr);

    j["certificate"] = nullptr;
    if (auto pem = crypto::readFile(dataDir / "device.crt")) {
        if (auto cert = crypto::inspectCert(*pem)) {
            const std::int64_t left = cert->validity.notAfter - now / 1000;
            j["certificate"] = {{"not_after", cert->validity.notAfter},
                                {"days_left", left >= 0 ? left / 86'400 : -((-left + 86'399) / 86'400)}};
        }
    }

    // A data folder not made yet is on the file system of its nearest parent.
    fs::path diskPath = fs::absolute(dataDir);
    for (std::error_code ec; !fs::exists(diskPath, ec) && diskPath.has_parent_path() && diskPath != diskPath.parent_path();)
        diskPath = diskPath.parent_path();
    if (auto disk = platform::diskSpace(diskPath.string())) {
        j["disk_free_mb"] = disk->freeBytes / (1024 * 1024);
        j["disk_total_mb"] = disk->totalBytes / (1024 * 1024);
    } else {
        j["disk_free_mb"] = nullptr;
        j["disk_total_mb"] = nullptr;
    }
    auto up = platform::uptimeMs();
    j["uptime_s"] = up ? json(*up / 1000) : json(nullptr);
    // Asking the printer means opening its device, which the running kiosk holds.
    j["printer"] = "see kioskctl printer status";
    j["pin_set"] = maint::pinIsSet(dataDir);
    const std::int64_t lockedUntil = maint::PinGuard(dataDir).lockedUntilMs(now);
    j["maintenance_locked"] = lockedUntil > 0;
    j["maintenance_locked_until_ms"] = lockedUntil;
    j["last_maintenance"] = nullptr;
    if (auto recent = maint::recentActions(dataDir, 1); recent && !recent->empty())
        j["last_maintenance"] = {{"at", recent->back().at}, {"action", recent->back().action},
                                 {"detail", recent->back().detail}};
    j["rotation"] = config->rotation;
    j["printer_kind"] = config->printerKind;
    // The running OS and what the update files say (the state the kiosk
    // reports, less the last download error, which only the kiosk knows).
    auto osVersion = sync::osupdate::readOsVersion(config->osReleaseFile);
    const sync::osupdate::Target osTarget{config->updateEnabled, osVersion ? osVersion->value_or("") : "",
                                          sync::osupdate::kFreeSpaceReserve, nullptr};
    const protocol::OsReport os = sync::osupdate::report(dataDir, osTarget);
    j["os"] = protocol::toJson(os);
    if (!osVersion) j["os"]["error"] = osVersion.error().message;

    if (o.json) {
        fmt::print("{}\n", j.dump());
        return 0;
    }
    auto line = [](std::string_view label, const std::string& value) { fmt::print("{:<13}{}\n", label, value); };
    line("device", hub ? fmt::format("{} (site {}, hub {})", hub->deviceId, hub->site, hub->hubUrl)
                       : fmt::format("{} (not provisioned: kioskctl provision --file FILE)", identity.id));
    line("software", fmt::format("kiosk {}", KIOSK_VERSION));
    line("content", content.date.empty()
                        ? fmt::format("none ({})", content.database)
                        : fmt::format("version {}, {} ({}){}", content.version, content.date, content.database,
                                      content.error.empty() ? "" : "; " + content.error));
    if (j["outbox"].is_null())
        line("outbox", j.contains("outbox_error") ? j["outbox_error"].get<std::string>() : "empty (no outbox.db yet)");
    else
        line("outbox", fmt::format("pending {}  sending {}  acked {}  rejected {}  oldest pending {}",
                                   j["outbox"]["pending"].get<long>(), j["outbox"]["sending"].get<long>(),
                                   j["outbox"]["acked"].get<long>(), j["outbox"]["rejected"].get<long>(),
                                   duration(j["outbox"]["oldest_pending_age_s"].get<std::int64_t>())));
    line("last sync", lastSync ? fmt::format("{} ({} ago)", localDateTime(*lastSync, true),
                                             duration(j["last_sync_age_s"].get<std::int64_t>()))
                               : "never");
    line("certificate", j["certificate"].is_null()
                            ? "none"
                            : fmt::format("valid until {} ({} days left)",
                                          localDateTime(j["certificate"]["not_after"].get<std::int64_t>(), true),
                                          j["certificate"]["days_left"].get<std::int64_t>()));
    line("disk free", j["disk_free_mb"].is_null()
                          ? "unknown"
                          : fmt::format("{} MB of {} MB ({})", j["disk_free_mb"].get<std::uint64_t>(),
                                        j["disk_total_mb"].get<std::uint64_t>(), dataDir.string()));
    line("uptime", up ? duration(*up / 1000) : "unknown");
    std::string osLine = !os.version.empty() ? os.version
                         : osVersion          ? fmt::format("not the kiosk OS image (no {})", config->osReleaseFile)
                                              : osVersion.error().message;
    if (os.update)
        osLine += fmt::format("; update {}{}{}", os.update->state, os.update->version.empty() ? "" : " " + os.update->version,
                              os.update->error.empty() ? "" : " (" + os.update->error + ")");
    else if (!os.version.empty())
        osLine += "; OS updates off (update.enabled)";
    line("OS", osLine);
    line("screen", fmt::format("rotation {}", config->rotation));
    line("printer", fmt::format("{} — see kioskctl printer status", config->printerKind));
    line("PIN", j["pin_set"].get<bool>() ? "set" : "NOT SET (kioskctl provision --pin-stdin)");
    line("maint. lock", lockedUntil > 0 ? fmt::format("LOCKED until {}", localDateTime(lockedUntil / 1000, true)) : "not locked");
    if (!j["last_maintenance"].is_null()) {
        const auto& m = j["last_maintenance"];
        line("last maint.", fmt::format("{}{} at {}", m["action"].get<std::string>(),
                                        m["detail"].get<std::string>().empty() ? "" : " (" + m["detail"].get<std::string>() + ")",
                                        localDateTime(m["at"].get<std::int64_t>() / 1000, true)));
    }
    return 0;
}

// "2026-11-21 09:30:00.123 info [sync] message" → its fields (the file sink's pattern).
json parseLogLine(const std::string& text) {
    const auto lb = text.find(" [", 24);
    const auto rb = lb == std::string::npos ? std::string::npos : text.find("] ", lb);
    if (text.size() < 24 || lb == std::string::npos || rb == std::string::npos || lb < 24) return {{"line", text}};
    return {{"time", text.substr(0, 23)},
            {"level", text.substr(24, lb - 24)},
            {"channel", text.substr(lb + 2, rb - lb - 2)},
            {"message", text.substr(rb + 2)}};
}

int runLogs(const std::string& dataDir, int count, bool asJson) {
    if (count < 1) return fmt::print(stderr, "kioskctl: -n must be at least 1\n"), 2;
    const fs::path current = log::logFileIn(dataDir);
    // spdlog's rotation: kiosk.log (newest), kiosk.1.log, kiosk.2.log (oldest).
    std::deque<std::string> lines;
    bool any = false;
    for (std::size_t i = 0; i < log::kLogFiles && lines.size() < std::size_t(count); ++i) {
        const fs::path file = i == 0 ? current
                                     : current.parent_path() / fmt::format("{}.{}{}", current.stem().string(), i,
                                                                          current.extension().string());
        std::ifstream in(file, std::ios::binary);
        if (!in) continue;
        any = true;
        std::vector<std::string> fileLines;
        for (std::string l; std::getline(in, l);)
            if (!l.empty()) fileLines.push_back(std::move(l));
        for (auto it = fileLines.rbegin(); it != fileLines.rend() && lines.size() < std::size_t(count); ++it)
            lines.push_front(std::move(*it));
    }
    if (!any)
        return fmt::print(stderr, "kioskctl: no log file {}: the kiosk writes it once it has started\n", current.string()), 1;
    for (const auto& l : lines) {
        if (asJson) fmt::print("{}\n", parseLogLine(l).dump());
        else fmt::print("{}\n", l);
    }
    return 0;
}

}  // namespace

std::function<int()> addTechCommands(CLI::App& app, const std::string& dataDir) {
    auto so = std::make_shared<StatusOpts>();
    auto* status = app.add_subcommand(
        "status", "Device, software, OS and OS update, content, outbox, last sync, certificate, disk, uptime, PIN and "
                  "lock state");
    status->add_option("--config", so->config, "The kiosk's site config (content database, OS release file); "
                                                "DATA/device.toml is applied over it");
    status->add_flag("--json", so->json, "Print one JSON object");

    struct LogOpts {
        int count = 50;
        bool json = false;
    };
    auto lo = std::make_shared<LogOpts>();
    auto* logs = app.add_subcommand("logs", "The newest lines of the kiosk's log file (DATA/logs/kiosk.log); no personal data");
    logs->add_option("-n", lo->count, "How many lines (default 50)");
    logs->add_flag("--json", lo->json, "One JSON object per line: time, level, channel, message");

    return [=, &app, &dataDir]() -> int {
        if (status->parsed()) {
            const auto* dataOpt = app.get_option_no_throw("--data");
            return runStatus(*so, dataDir, dataOpt && dataOpt->count() > 0);
        }
        if (logs->parsed()) return runLogs(dataDir, lo->count, lo->json);
        return -1;
    };
}

}  // namespace kiosk::ctl
