// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters
// from 0-9 A-H J-N P-R T U W-Y (no I O S V Z), position 18 a check character
// over positions 1–17 with weights 3^(i-1) mod 31. Letters are upper case
// (the code is printed that way; a lower-case letter is refused with the
// letter to use instead, as is a full-width character). The message of a refusal says which position is wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiosk::validate {

struct UsccResult {
    bool valid = false;
    std::string normalised;  // upper-cased code when valid
    std::string messageZh;   // what is wrong, for the visitor
    std::string messageEn;
    int position = 0;        // 1-based position that is wrong, 0 for length
};

UsccResult checkUscc(std::string_view code);

}  // namespace kiosk::validate
