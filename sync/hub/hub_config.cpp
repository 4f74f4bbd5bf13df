// DATA/hub.toml (hub_config.h).
#include "hub_config.h"

#include "crypto/crypto.h"
#include "records/vocabulary.h"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace kiosk::hub {
namespace {

// The file written on first start: the case kinds' deadlines come from the
// shared vocabulary (records/vocabulary.h), the rest is kTemplate.
constexpr const char* kHead = R"(# kiosk-hub configuration. Edit and restart the hub.

# Working days within which a case must be closed, by kind (DOMAIN: one city's
# rules; 办不成事 counts as multi-department). `kiosk-hub cases list` shows the
# due day and flags overdue cases.
[case_deadlines]
)";

constexpr const char* kTemplate = R"(
# Working days one 延期 (extension, given with its reason) adds to a case's
# deadline.
[case_extension]
working_days = 5

# Working days within which a bad rating (差评) must be followed up: called
# back, rectified or explained, and the outcome fed back (DOMAIN: 5 or 15).
# The console flags follow-ups past this as overdue.
[follow_up]
rectify_days = 5

# How often one device may call the hub. A device over its limit is answered
# 429 with Retry-After; its kiosk waits that long and tries again, so nothing
# is lost. Enrollment, /healthz and the staff console are not counted.
[limits]
device_requests_per_minute = 600   # sustained, per device: 1–60000
device_burst = 120                 # at once after a quiet spell: 1–10000
# Connections, on the device and on the staff listener alike. A client that
# does not finish its TLS handshake, its request headers or its body in time
# is cut off; connections over a cap are closed as soon as they arrive. Sites
# behind one NAT address share connections_per_address: raise it if many
# kiosks reach the hub from one address.
tls_handshake_timeout_s = 5        # accept → handshake done: 1–60
request_header_timeout_s = 5       # first byte → end of the headers: 1–60
keep_alive_timeout_s = 5           # idle between requests: 1–300
request_body_timeout_s = 60        # end of headers → whole body: 1–3600
io_timeout_s = 30                  # each read or write while answering (downloads): 1–600
connections_per_address = 64       # open at once from one IP address: 1–100000
connections_max = 1000             # open at once per listener: 1–100000
worker_threads = 8                 # requests answered at once per listener: 1–256

# Settings sent down to the kiosks of a site (the site named in the
# provisioning file). Kiosks apply them at their next sync.
#   [sites."青浦区行政服务中心"]
#   name_en = "Qingpu District Administrative Service Center"
#   idle_timeout_s = 120      # 15–3600
[sites]
)";

std::string defaultsText() {
    std::string out = kHead;
    for (const auto& k : records::kCaseKindList) out += fmt::format("\"{}\" = {}\n", k.code, k.deadlineDays);
    return out + kTemplate;
}

}  // namespace

Result<HubConfig> loadHubConfig(const std::filesystem::path& dataDir) {
    const auto file = dataDir / "hub.toml";
    if (!std::filesystem::exists(file))
        if (auto w = crypto::writeFileAtomic(file, defaultsText(), 0644); !w) return std::unexpected(w.error());
    toml::table t;
    try {
        t = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        return fail(ErrorCode::Config, fmt::format("{}:{}: {}", file.string(), e.source().begin.line, e.description()));
    }
    HubConfig c;
    for (const auto& [k, v] : t) {
        if (k != "case_deadlines" && k != "case_extension" && k != "sites" && k != "follow_up" && k != "limits")
            return fail(ErrorCode::Config,
                        fmt::format("{}: unknown section [{}] (case_deadlines, case_extension, follow_up, limits, sites)",
                                    file.string(), k.str()));
    }
    // A section with one setting, a number of working days 1–365.
    auto days = [&](const char* section, const char* key, int& out) -> Result<void> {
        if (auto* tbl = t[section].as_table())
            for (const auto& [k, v] : *tbl) {
                const auto n = v.value<std::int64_t>();
                if (k != key || !n || *n < 1 || *n > 365)
                    return fail(ErrorCode::Config, fmt::format("{}: {}.{}: allowed is {}, working days 1–365", file.string(),
                                                               section, k.str(), key));
                out = int(*n);
            }
        return {};
    };
    if (auto r = days("case_extension", "working_days", c.extensionDays); !r) return std::unexpected(r.error());
    if (auto r = days("follow_up", "rectify_days", c.rectifyDays); !r) return std::unexpected(r.error());
    if (auto* tbl = t["limits"].as_table()) {
        struct Key {
            const char* name;
            int* out;
            std::int64_t lo, hi;
        };
        ConnectionLimits& cl = c.connections;
        const Key keys[] = {{"device_requests_per_minute", &c.deviceRequestsPerMinute, 1, 60'000},
                            {"device_burst", &c.deviceBurst, 1, 10'000},
                            {"tls_handshake_timeout_s", &cl.handshakeTimeoutS, 1, 60},
                            {"request_header_timeout_s", &cl.headerTimeoutS, 1, 60},
                            {"keep_alive_timeout_s", &cl.keepAliveTimeoutS, 1, 300},
                            {"request_body_timeout_s", &cl.bodyTimeoutS, 1, 3600},
                            {"io_timeout_s", &cl.ioTimeoutS, 1, 600},
                            {"connections_per_address", &cl.perAddress, 1, 100'000},
                            {"connections_max", &cl.maxConnections, 1, 100'000},
                            {"worker_threads", &cl.workers, 1, 256}};
        for (const auto& [k, v] : *tbl) {
            const auto n = v.value<std::int64_t>();
            const Key* key = nullptr;
            for (const auto& candidate : keys)
                if (k == candidate.name) key = &candidate;
            if (key && n && *n >= key->lo && *n <= key->hi) {
                *key->out = int(*n);
                continue;
            }
            std::string allowed;
            for (const auto& candidate : keys)
                allowed += fmt::format("{}{} ({}–{})", allowed.empty() ? "" : ", ", candidate.name, candidate.lo, candidate.hi);
            return fail(ErrorCode::Config, fmt::format("{}: limits.{}: allowed are {}", file.string(), k.str(), allowed));
        }
    }
    if (auto* d = t["case_deadlines"].as_table())
        for (const auto& [k, v] : *d) {
            const auto n = v.value<std::int64_t>();
            if (!records::caseKind(k.str())) {
                std::string kinds;
                for (const auto& kind : records::kCaseKindList) kinds += fmt::format("{}\"{}\"", kinds.empty() ? "" : ", ", kind.code);
                return fail(ErrorCode::Config, fmt::format("{}: case_deadlines.\"{}\" is not a case kind; the kinds are {}",
                                                           file.string(), k.str(), kinds));
            }
            if (!n || *n < 0 || *n > 365)
                return fail(ErrorCode::Config, fmt::format("{}: case_deadlines.{} must be a number of working days 0–365",
                                                           file.string(), k.str()));
            c.caseDeadlineDays[std::string(k.str())] = int(*n);
        }
    if (auto* s = t["sites"].as_table())
        for (const auto& [site, v] : *s) {
            auto* st = v.as_table();
            if (!st) return fail(ErrorCode::Config, fmt::format("{}: sites.\"{}\" must be a table", file.string(), site.str()));
            SiteSettings ss;
            for (const auto& [k, x] : *st) {
                if (k == "name_en" && x.is_string()) ss.nameEn = *x.value<std::string>();
                else if (k == "idle_timeout_s" && x.value<std::int64_t>() && *x.value<std::int64_t>() >= 15 &&
                         *x.value<std::int64_t>() <= 3600)
                    ss.idleTimeoutS = int(*x.value<std::int64_t>());
                else
                    return fail(ErrorCode::Config,
                                fmt::format("{}: sites.\"{}\".{}: allowed are name_en (text) and idle_timeout_s (15–3600)",
                                            file.string(), site.str(), k.str()));
            }
            c.sites[std::string(site.str())] = ss;
        }
    return c;
}

nlohmann::json siteConfigJson(const HubConfig& c, const std::string& site) {
    nlohmann::json j = {{"site_name", site}};
    if (auto it = c.sites.find(site); it != c.sites.end()) {
        if (it->second.nameEn) j["site_name_en"] = *it->second.nameEn;
        if (it->second.idleTimeoutS) j["idle_timeout_s"] = *it->second.idleTimeoutS;
    }
    return j;
}

std::int64_t dueAt(const HubConfig& c, const std::string& caseKind, std::int64_t receivedAt) {
    auto it = c.caseDeadlineDays.find(caseKind);
    if (it == c.caseDeadlineDays.end()) return 0;
    return addWorkingDays(receivedAt, it->second);
}

std::int64_t addWorkingDays(std::int64_t t, int days) {
    int left = days;
    while (left > 0) {
        t += 86'400;
        std::tm tm{};
        const std::time_t tt = std::time_t(t);
        gmtime_r(&tt, &tm);
        if (tm.tm_wday != 0 && tm.tm_wday != 6) --left;
    }
    return t;
}

}  // namespace kiosk::hub
