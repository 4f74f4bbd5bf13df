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
//   tls_handshake_timeout_s = 5 … connections_per_address = 64 …   connection
//                               deadlines and caps of both listeners (ConnectionLimits)
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

// Deadlines and caps of each HTTPS listener (tls_server.h), DATA/hub.toml
// [limits]. A connection past a deadline is closed; one over a cap is closed
// as soon as it is accepted.
struct ConnectionLimits {
    int handshakeTimeoutS = 5;    // tls_handshake_timeout_s: accept → TLS handshake done (1–60)
    int headerTimeoutS = 5;       // request_header_timeout_s: first byte → end of the request headers (1–60)
    int keepAliveTimeoutS = 5;    // keep_alive_timeout_s: idle between two requests on one connection (1–300)
    int bodyTimeoutS = 60;        // request_body_timeout_s: end of headers → whole body (1–3600)
    int ioTimeoutS = 30;          // io_timeout_s: each read or write of a request being answered (1–600); a
                                  // download has no total deadline, only this one per write
    int perAddress = 64;          // connections_per_address: open at once from one IP address (1–100000)
    int maxConnections = 1000;    // connections_max: open at once on one listener (1–100000)
    int workers = 8;              // worker_threads: requests answered at once per listener (1–256)
};

struct HubConfig {
    std::map<std::string, int> caseDeadlineDays;   // case kind → working days
    std::map<std::string, SiteSettings> sites;
    int extensionDays = 5;                         // one 延期 (extended) step adds this many working days
    int rectifyDays = 5;                           // a 差评's follow-up is due this many working days after it arrived
    int deviceRequestsPerMinute = 600;             // per device, sustained (server.cpp answers 429 beyond)
    int deviceBurst = 120;                         // per device, at once after a quiet spell
    ConnectionLimits connections;                  // both listeners
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
