// Mainland mobile numbers (DOMAIN.md): 11 digits starting 1 then 3–9, with an
// optional +86 / 0086 prefix; carrier prefixes are never hard-coded (they go
// stale). Shown masked (138****0000) everywhere but the input field.
#pragma once

#include <string>
#include <string_view>

namespace kiosk::validate {

struct MobileResult {
    bool valid = false;
    std::string normalised;  // 11 digits, prefix removed
    std::string messageZh;   // what is wrong, for the visitor
    std::string messageEn;
};

MobileResult checkMobile(std::string_view input);

// "13800000000" → "138****0000"; anything else is masked whole.
std::string maskMobile(std::string_view digits);

}  // namespace kiosk::validate
