// The case life cycle's states and arrows (lifecycle.h).
#include "lifecycle.h"

#include "records/vocabulary.h"

#include <algorithm>
#include <map>

namespace kiosk::hub {

std::string statusLabel(std::string_view code) {
    const auto* s = records::caseStatus(code);
    return s ? std::string(s->zh) : std::string();
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
