// `kiosk-hub provision-file`, `device revoke` and `devices` (fleet_cmd.h):
// reads the command line and prints; fleet.h and the store do the work.
// Device lines go out through printLine (hub_cli.h): much of what they show
// was sent by the devices themselves.
#include "fleet_cmd.h"

#include "bundle/manifest.h"
#include "crypto/crypto.h"
#include "fleet.h"
#include "hub_cli.h"
#include "keys.h"
#include "protocol/protocol.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

namespace kiosk::hub {
namespace {

namespace fs = std::filesystem;

struct Options {
    CLI::App* prov = nullptr;
    CLI::App* revoke = nullptr;
    CLI::App* devices = nullptr;
    std::string site, out, ttl = "24h", url;
    std::string deviceId;
    bool json = false;
};

int provisionFile(const Options& o, const std::string& dataDir, const std::string& dbSpec) {
    const std::int64_t ttlS = parseDuration(o.ttl);
    if (ttlS <= 0) return cliFailure({ErrorCode::InvalidArgument, fmt::format("--ttl {}: use 90s, 30m, 24h or 7d", o.ttl)});
    std::string url = o.url;
    if (url.empty()) {
        auto saved = crypto::readFile(fs::path(dataDir) / "hub.url");
        if (!saved)
            return cliFailure({ErrorCode::InvalidArgument,
                               "no --url given and no DATA/hub.url yet: start kiosk-hub serve once or pass --url"});
        url = saved->substr(0, saved->find_first_of("\r\n"));
    }
    auto keys = loadOrCreateKeys(dataDir, {"127.0.0.1", "localhost"}, unixNow());
    if (!keys) return cliFailure(keys.error());
    auto st = openStore(dataDir, dbSpec, 1);
    if (!st) return cliFailure(st.error());
    auto p = makeProvisionFile(*st->store, *keys, o.site, url, ttlS, unixNow());
    if (!p) return cliFailure(p.error());
    if (auto w = crypto::writeFileAtomic(o.out, protocol::toJson(*p).dump(2) + "\n", 0600); !w) return cliFailure(w.error());
    fmt::print("wrote {} for site {} (token valid for {}, until {})\n", o.out, o.site, o.ttl, p->expiresAt);
    return 0;
}

int revokeDevice(const Options& o, const std::string& dataDir, const std::string& dbSpec) {
    auto st = openStore(dataDir, dbSpec, 1);
    if (!st) return cliFailure(st.error());
    auto r = st->store->revoke(o.deviceId, unixNow());
    if (!r) return cliFailure(r.error());
    if (!*r) {
        auto d = st->store->device(o.deviceId);
        if (d && !d->has_value()) return cliFailure({ErrorCode::NotFound, fmt::format("no device {}", o.deviceId)});
        fmt::print("device {} was already revoked\n", o.deviceId);
        return 0;
    }
    fmt::print("device {} revoked: refused from its next request\n", o.deviceId);
    return 0;
}

int listDevices(const Options& o, const std::string& dataDir, const std::string& dbSpec) {
    auto st = openStore(dataDir, dbSpec, 1);
    if (!st) return cliFailure(st.error());
    auto list = st->store->devices();
    if (!list) return cliFailure(list.error());
    const std::int64_t now = unixNow();
    for (const auto& d : *list) {
        const nlohmann::json j = deviceJson(d, now);
        const bool growing = j["outbox_growing"].get<bool>();
        const nlohmann::json& lastMaint = j["last_maintenance"];
        const protocol::OsReport os = protocol::osReportFrom(d.heartbeat);
        const auto& ob = d.heartbeat.value("outbox", nlohmann::json::object());
        if (o.json) {
            fmt::print("{}\n", j.dump());
        } else {
            std::string maint;
            if (lastMaint.is_object() && lastMaint.value("action", nlohmann::json()).is_string()) {
                const std::string detail = lastMaint.value("detail", nlohmann::json()).is_string()
                                               ? lastMaint["detail"].get<std::string>()
                                               : std::string();
                const auto at = lastMaint.value("at", nlohmann::json());
                maint = fmt::format("  last maintenance {}{}{}", lastMaint["action"].get<std::string>(),
                                    detail.empty() ? "" : " (" + detail + ")",
                                    at.is_number_integer() ? " at " + bundle::formatIsoUtc(at.get<std::int64_t>() / 1000) : "");
            }
            std::string osText;
            if (!os.version.empty()) osText = "  OS " + os.version;
            if (os.update && os.update->state != "none")
                osText += fmt::format("  update {}{}{}", os.update->state,
                                      os.update->version.empty() ? "" : " " + os.update->version,
                                      os.update->error.empty() ? "" : " (" + os.update->error + ")");
            printLine(fmt::format("{}  {}  last seen {}  certificate until {}  pending {}{}{}{}{}{}", d.id, d.site,
                                  d.lastSeen ? std::to_string(*d.lastSeen) : "never", d.certNotAfter,
                                  ob.value("pending", 0), osText, j["stale"].get<bool>() ? "  STALE" : "",
                                  growing ? "  OUTBOX GROWING" : "", d.revokedAt ? "  REVOKED" : "", maint));
        }
    }
    return 0;
}

}  // namespace

std::function<int()> addFleetCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec) {
    auto o = std::make_shared<Options>();
    o->prov = app.add_subcommand("provision-file", "Write what a technician carries to a new terminal");
    o->prov->add_option("--site", o->site, "Site name the terminal serves (e.g. 青浦区行政服务中心)")->required();
    o->prov->add_option("--out", o->out, "File to write (keep it private: it holds a one-time token)")->required();
    o->prov->add_option("--ttl", o->ttl, "How long the enrollment token stays valid: 90s, 30m, 24h, 7d")->capture_default_str();
    o->prov->add_option("--url", o->url, "Hub URL kiosks reach (default: the URL in DATA/hub.url written by serve)");

    auto* device = app.add_subcommand("device", "Manage one device");
    device->require_subcommand(1);
    o->revoke = device->add_subcommand("revoke", "Refuse this device from its next request on");
    o->revoke->add_option("ID", o->deviceId, "Device ID, e.g. KS0001")->required();

    o->devices = app.add_subcommand("devices", "List the fleet: site, last seen, certificate expiry, OS version and "
                                               "update state, revoked");
    o->devices->add_flag("--json", o->json, "One JSON object per device, one per line");

    return [o, &dataDir, &dbSpec]() -> int {
        if (o->prov->parsed()) return provisionFile(*o, dataDir, dbSpec);
        if (o->revoke->parsed()) return revokeDevice(*o, dataDir, dbSpec);
        if (o->devices->parsed()) return listDevices(*o, dataDir, dbSpec);
        return 2;
    };
}

}  // namespace kiosk::hub
