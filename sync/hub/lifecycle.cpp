// The case life cycle's states and arrows (lifecycle.h).
#include "lifecycle.h"

#include <algorithm>
#include <map>

namespace kiosk::hub {

const std::vector<StatusInfo>& statuses() {
    static const std::vector<StatusInfo> kAll = {
        {"received", "已接收"}, {"accepted", "受理"}, {"dispatched", "派单"}, {"handling", "办理"},
        {"replied", "答复"},    {"closed", "办结"},   {"revisited", "回访"},  {"rated", "评价"},
        {"returned", "退单/改派"}, {"extended", "延期"}, {"merged", "并单"},
    };
    return kAll;
}

const char* statusLabel(std::string_view code) {
    for (const auto& s : statuses())
        if (code == s.code) return s.zh;
    return "";
}

std::vector<std::string> nextStatuses(std::string_view current) {
    static const std::map<std::string, std::vector<std::string>, std::less<>> kNext = {
        {"received", {"accepted", "merged"}},
        {"accepted", {"dispatched", "handling", "merged"}},
        {"dispatched", {"handling", "returned", "merged"}},
        {"returned", {"dispatched"}},
        {"handling", {"replied", "extended", "returned"}},
        {"extended", {"handling", "replied"}},
        {"replied", {"closed"}},
        {"closed", {"revisited"}},
        {"revisited", {"rated"}},
        {"rated", {}},
        {"merged", {}},
    };
    auto it = kNext.find(current);
    return it == kNext.end() ? std::vector<std::string>{} : it->second;
}

bool transitionAllowed(std::string_view from, std::string_view to) {
    const auto next = nextStatuses(from);
    return std::find(next.begin(), next.end(), to) != next.end();
}

}  // namespace kiosk::hub
