// The hub's local configuration, DATA/hub.toml (written with documented
// defaults on first start; edit and restart the hub):
//
//   [case_deadlines]            working days to close a case, by kind
//   咨询 = 3 … 投诉 = 13 …
//
//   [case_extension]            working days one 延期 adds to a case's deadline
//   working_days = 5
//
//   [follow_up]                 working days to rectify a bad rating (差评整改)
//   rectify_days = 5
//
//   [limits]                    requests one device may make (429 + Retry-After beyond)
//   device_requests_per_minute = 600
//   device_burst = 120
//
//   [sites."青浦区行政服务中心"]  settings sent down to the kiosks of a site
//   name_en = "Qingpu District Administrative Service Center"
//   idle_timeout_s = 120
//
// A wrong key or value is refused with the file, the key and what is allowed.
#pragma once

#include "base/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace kiosk::hub {

struct SiteSettings {
    std::optional<std::string> nameEn;
    std::optional<int> idleTimeoutS;
};

struct HubConfig {
    std::map<std::string, int> caseDeadlineDays;   // case kind → working days
    std::map<std::string, SiteSettings> sites;
    int extensionDays = 5;                         // one 延期 (extended) step adds this many working days
    int rectifyDays = 5;                           // a 差评's follow-up is due this many working days after it arrived
    int deviceRequestsPerMinute = 600;             // per device, sustained (server.cpp answers 429 beyond)
    int deviceBurst = 120;                         // per device, at once after a quiet spell
};

[[nodiscard]] Result<HubConfig> loadHubConfig(const std::filesystem::path& dataDir);  // writes defaults if missing

// What a kiosk of `site` receives from GET /v1/config.
nlohmann::json siteConfigJson(const HubConfig& c, const std::string& site);

// The day a case received at `receivedAt` (Unix s) is due: that many working
// days later (Monday–Friday; public holidays are not modelled), 0 when the
// kind has no deadline configured.
std::int64_t dueAt(const HubConfig& c, const std::string& caseKind, std::int64_t receivedAt);

// `t` plus `days` working days (Monday–Friday, UTC).
std::int64_t addWorkingDays(std::int64_t t, int days);

}  // namespace kiosk::hub
