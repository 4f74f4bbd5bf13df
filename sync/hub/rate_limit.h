// How often one device may call the hub, and how often staff may guess a
// password.
//
// Devices: a token bucket per device id (DATA/hub.toml [limits]). A device holds up to `burst` requests after a
// quiet spell and earns `perMinute` more each minute; a request with no token
// left is answered 429 with the seconds until the next token as Retry-After,
// and the kiosk waits that long (sync/client/backoff.h) — nothing is lost.
// State is in memory, per hub process; a restart forgives everyone.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

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

// Staff sign-ins (staff_server.h): failed ones are counted two ways, and
// neither lets one address hold up a sign-in from another (outside review,
// issue 18, finding 4: five wrong passwords from anywhere used to lock the
// owner out for 15 minutes).
//
//   per (name, address)   the first `freeFailures` cost nothing; after the
//                         n-th failure (n ≥ freeFailures) that pair waits
//                         firstDelayS · 2^(n − freeFailures), at most
//                         maxDelayS, before its next try — right password or
//                         not. Forgotten `forgetS` after its last failure, or
//                         when that pair signs in.
//   per address           `addressFailures` failures within `windowS`, any
//                         names: that address waits until the oldest leaves
//                         the window (one address spraying many names).
//                         A sign-in does not clear it.
//
// In memory, per hub process: a restart forgets the delays (the account's
// own count of failures since its last sign-in is in the database).
class LoginLimiter {
public:
    struct Options {
        int freeFailures = 5;
        std::int64_t firstDelayS = 60;
        std::int64_t maxDelayS = 15 * 60;
        std::int64_t forgetS = 24 * 3600;
        int addressFailures = 20;
        std::int64_t windowS = 15 * 60;
    };
    explicit LoginLimiter(Options o) : m_o(o) {}

    // Seconds before `name` may try again from `address`; 0 = go ahead.
    std::int64_t waitS(const std::string& name, const std::string& address, std::int64_t now) {
        std::lock_guard lock(m_mutex);
        std::int64_t wait = 0;
        if (auto it = m_pairs.find({name, address}); it != m_pairs.end() && !forgotten(it->second, now))
            wait = std::max(wait, it->second.lastAt + delayAfter(it->second.failures) - now);
        if (auto it = m_addresses.find(address); it != m_addresses.end()) {
            auto& q = prune(it->second, now);
            if (int(q.size()) >= m_o.addressFailures) wait = std::max(wait, q.front() + m_o.windowS - now);
        }
        return std::max<std::int64_t>(0, wait);
    }
    void failed(const std::string& name, const std::string& address, std::int64_t now) {
        std::lock_guard lock(m_mutex);
        if (m_pairs.size() + m_addresses.size() > kTidyAbove) tidy(now);
        auto& p = m_pairs[{name, address}];
        if (forgotten(p, now)) p = {};
        ++p.failures;
        p.lastAt = now;
        prune(m_addresses[address], now).push_back(now);
    }
    void succeeded(const std::string& name, const std::string& address) {
        std::lock_guard lock(m_mutex);
        m_pairs.erase({name, address});
    }
    // The wait after `failures` failures of one pair (0 below freeFailures).
    std::int64_t delayAfter(int failures) const {
        if (failures < m_o.freeFailures) return 0;
        std::int64_t d = m_o.firstDelayS;
        for (int i = m_o.freeFailures; i < failures && d < m_o.maxDelayS; ++i) d *= 2;
        return std::min(d, m_o.maxDelayS);
    }

private:
    struct Pair {
        int failures = 0;
        std::int64_t lastAt = 0;
    };
    static constexpr std::size_t kTidyAbove = 10'000;  // entries before stale ones are dropped
    bool forgotten(const Pair& p, std::int64_t now) const { return p.failures > 0 && now - p.lastAt >= m_o.forgetS; }
    std::deque<std::int64_t>& prune(std::deque<std::int64_t>& q, std::int64_t now) {
        while (!q.empty() && q.front() + m_o.windowS <= now) q.pop_front();
        return q;
    }
    // Names an attacker makes up must not grow memory without end.
    void tidy(std::int64_t now) {
        std::erase_if(m_pairs, [&](const auto& kv) { return forgotten(kv.second, now); });
        for (auto it = m_addresses.begin(); it != m_addresses.end();)
            it = prune(it->second, now).empty() ? m_addresses.erase(it) : std::next(it);
    }
    Options m_o;
    std::mutex m_mutex;
    std::map<std::pair<std::string, std::string>, Pair> m_pairs;
    std::map<std::string, std::deque<std::int64_t>> m_addresses;
};

}  // namespace kiosk::hub
