// How often one device may call the hub: a token bucket per device id
// (DATA/hub.toml [limits]). A device holds up to `burst` requests after a
// quiet spell and earns `perMinute` more each minute; a request with no token
// left is answered 429 with the seconds until the next token as Retry-After,
// and the kiosk waits that long (sync/client/backoff.h) — nothing is lost.
// State is in memory, per hub process; a restart forgives everyone.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kiosk::hub {

class DeviceRateLimiter {
public:
    DeviceRateLimiter(int perMinute, int burst) : m_perMs(perMinute / 60'000.0), m_burst(std::max(1, burst)) {}

    // 0 when the request may go ahead (and is counted), else the whole seconds
    // (≥ 1) to wait before one would.
    std::int64_t admit(const std::string& deviceId, std::int64_t nowMs) {
        std::lock_guard lock(m_mutex);
        auto [it, fresh] = m_buckets.try_emplace(deviceId, Bucket{double(m_burst), nowMs});
        Bucket& b = it->second;
        if (!fresh) {
            b.tokens = std::min(double(m_burst), b.tokens + double(std::max<std::int64_t>(0, nowMs - b.atMs)) * m_perMs);
            b.atMs = nowMs;
        }
        if (b.tokens >= 1.0) {
            b.tokens -= 1.0;
            return 0;
        }
        if (m_perMs <= 0) return 60;
        return std::max<std::int64_t>(1, std::int64_t(std::ceil((1.0 - b.tokens) / m_perMs / 1000.0)));
    }

private:
    struct Bucket {
        double tokens;
        std::int64_t atMs;
    };
    double m_perMs;
    int m_burst;
    std::mutex m_mutex;
    std::unordered_map<std::string, Bucket> m_buckets;
};

}  // namespace kiosk::hub
