// System and fixed clock implementations.
#include "clock.h"

#include <chrono>

namespace platform {
namespace {

class SystemClock final : public Clock {
public:
    std::int64_t monotonicMs() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
    }
    std::tm localTime() const override {
        const std::time_t now = std::time(nullptr);
        std::tm out{};
        localtime_r(&now, &out);
        return out;
    }
    std::int64_t epochMs() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }
};

}  // namespace

std::unique_ptr<Clock> makeSystemClock() { return std::make_unique<SystemClock>(); }

std::tm FixedClock::localTime() const {
    // Civil arithmetic in UTC so the result never depends on the machine's TZ.
    std::tm t = m_start;
    std::time_t base = timegm(&t);
    base += static_cast<std::time_t>(m_ms / 1000);
    std::tm out{};
    gmtime_r(&base, &out);
    return out;
}

std::int64_t FixedClock::epochMs() const {
    std::tm t = m_start;
    return std::int64_t(timegm(&t)) * 1000 + m_ms;
}

std::tm defaultScriptTime() {
    std::tm t{};
    t.tm_year = 2026 - 1900;
    t.tm_mon = 0;
    t.tm_mday = 15;
    t.tm_hour = 9;
    t.tm_min = 30;
    return t;
}

}  // namespace platform
