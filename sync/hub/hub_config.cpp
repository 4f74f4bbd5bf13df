// DATA/hub.toml (hub_config.h).
#include "hub_config.h"

#include "crypto/crypto.h"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace kiosk::hub {
namespace {

constexpr const char* kDefaults = R"(# kiosk-hub configuration. Edit and restart the hub.

# Working days within which a case must be closed, by kind (DOMAIN: one city's
# rules; 办不成事 counts as multi-department). `kiosk-hub cases list` shows the
# due day and flags overdue cases.
[case_deadlines]
"咨询" = 3
"求助" = 3
"投诉" = 13
"举报" = 13
"建议" = 13
"办不成事" = 3

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

# Settings sent down to the kiosks of a site (the site named in the
# provisioning file). Kiosks apply them at their next sync.
#   [sites."青浦区行政服务中心"]
#   name_en = "Qingpu District Administrative Service Center"
#   idle_timeout_s = 120      # 15–3600
[sites]
)";

}  // namespace

Result<HubConfig> loadHubConfig(const std::filesystem::path& dataDir) {
    const auto file = dataDir / "hub.toml";
    if (!std::filesystem::exists(file))
        if (auto w = crypto::writeFileAtomic(file, kDefaults, 0644); !w) return std::unexpected(w.error());
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
    if (auto* tbl = t["limits"].as_table())
        for (const auto& [k, v] : *tbl) {
            const auto n = v.value<std::int64_t>();
            if (k == "device_requests_per_minute" && n && *n >= 1 && *n <= 60'000) c.deviceRequestsPerMinute = int(*n);
            else if (k == "device_burst" && n && *n >= 1 && *n <= 10'000) c.deviceBurst = int(*n);
            else
                return fail(ErrorCode::Config,
                            fmt::format("{}: limits.{}: allowed are device_requests_per_minute (1–60000) and "
                                        "device_burst (1–10000)",
                                        file.string(), k.str()));
        }
    if (auto* d = t["case_deadlines"].as_table())
        for (const auto& [k, v] : *d) {
            const auto n = v.value<std::int64_t>();
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
