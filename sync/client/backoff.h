// How long the kiosk waits before retrying the hub after a failed sync:
// exponential backoff with "full jitter" — a random delay between 0 and
// min(cap, base·2^failures) — so a fleet coming back after an outage does not
// hit the hub in step; never less than the hub's Retry-After; capped at 60 s.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>

namespace kiosk::sync {

class Backoff {
public:
    explicit Backoff(std::int64_t baseMs = 1000, std::int64_t capMs = 60'000, std::uint64_t seed = std::random_device{}())
        : m_base(baseMs), m_cap(capMs), m_rng(seed) {}

    // The delay before the next attempt after one more failure.
    std::int64_t next(std::optional<std::int64_t> retryAfterS = std::nullopt) {
        const std::int64_t ceiling = std::min(m_cap, m_base << std::min(m_failures, 20));
        ++m_failures;
        std::int64_t d = std::uniform_int_distribution<std::int64_t>(0, ceiling)(m_rng);
        if (retryAfterS) d = std::max(d, std::min(*retryAfterS * 1000, m_cap));
        return d;
    }
    void reset() { m_failures = 0; }
    int failures() const { return m_failures; }
    std::int64_t ceilingMs() const { return std::min(m_cap, m_base << std::min(m_failures, 20)); }

private:
    std::int64_t m_base, m_cap;
    int m_failures = 0;
    std::mt19937_64 m_rng;
};

}  // namespace kiosk::sync
