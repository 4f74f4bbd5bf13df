// localDateTime / localClock (time_text.h) over localtime_r.
#include "time_text.h"

#include <fmt/format.h>

#include <ctime>

namespace kiosk {
namespace {

std::tm local(std::int64_t epochS) {
    std::tm t{};
    const std::time_t tt = std::time_t(epochS);
    localtime_r(&tt, &t);
    return t;
}

}  // namespace

std::string localDateTime(std::int64_t epochS, bool withSeconds) {
    const std::tm t = local(epochS);
    std::string s = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                                t.tm_min);
    if (withSeconds) s += fmt::format(":{:02}", t.tm_sec);
    return s;
}

std::string localClock(std::int64_t epochS) {
    const std::tm t = local(epochS);
    return fmt::format("{:02}:{:02}", t.tm_hour, t.tm_min);
}

}  // namespace kiosk
