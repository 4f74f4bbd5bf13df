// Mobile number validation and masking.
#include "mobile.h"

#include <fmt/format.h>

namespace kiosk::validate {

MobileResult checkMobile(std::string_view input) {
    MobileResult r;
    std::string s;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(input[i]);
        if (c == ' ' || c == '-') continue;  // people write 138 0000 0000 or 138-0000-0000
        if (c >= 0x80) {
            r.messageZh = "手机号码只能包含半角数字";
            r.messageEn = "A mobile number contains only half-width digits";
            return r;
        }
        s += char(c);
    }
    if (s.starts_with("+86")) s.erase(0, 3);
    else if (s.starts_with("0086")) s.erase(0, 4);
    for (char c : s)
        if (c < '0' || c > '9') {
            r.messageZh = "手机号码只能包含数字（可带 +86）";
            r.messageEn = "A mobile number contains only digits (optionally +86)";
            return r;
        }
    if (s.size() != 11) {
        r.messageZh = fmt::format("手机号码应为 11 位，当前为 {} 位", s.size());
        r.messageEn = fmt::format("A mobile number has 11 digits; this one has {}", s.size());
        return r;
    }
    if (s[0] != '1' || s[1] < '3' || s[1] > '9') {
        r.messageZh = "手机号码应以 13–19 开头";
        r.messageEn = "A mobile number starts with 13 to 19";
        return r;
    }
    r.valid = true;
    r.normalised = s;
    return r;
}

std::string maskMobile(std::string_view digits) {
    if (digits.size() != 11) return std::string(digits.size(), '*');
    return std::string(digits.substr(0, 3)) + "****" + std::string(digits.substr(7));
}

}  // namespace kiosk::validate
