// Fuzzes the unified social credit code and mobile number checks
// (kiosk/validate): any bytes as what a visitor typed or scanned. A code
// called valid must be 18 characters and valid again once normalised.
#include "mobile.h"
#include "uscc.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kiosk::validate;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto u = checkUscc(text);
    if (u.valid && (u.normalised.size() != 18 || !checkUscc(u.normalised).valid)) std::abort();
    if (!u.valid && u.messageZh.empty()) std::abort();
    const auto m = checkMobile(text);
    if (m.valid && m.normalised.size() != 11) std::abort();
    return 0;
}
