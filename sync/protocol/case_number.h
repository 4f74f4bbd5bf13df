// The case number a visitor finds on the receipt, shared by the kiosk that
// makes it and the hub that checks it: terminal code + date (YYYYMMDD) +
// 6-digit sequence + a check character over everything before it (ISO 7064
// MOD 37,36 style, 0-9A-Z), so a mistyped number is caught before any lookup.
// Unique across the fleet because terminal codes are: an enrolled kiosk's
// terminal code is its device id (KS0001 …), which is why the hub takes a case
// only under the uploader's own code (checkCaseOwner).
#pragma once

#include "base/error.h"

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace kiosk::protocol {

std::string makeCaseNumber(std::string_view terminalCode, const std::tm& date, std::int64_t seq);
bool caseNumberCheckOk(std::string_view caseNo);

// Whether device `deviceId` may upload a case numbered `caseNo`: its own
// terminal code, then 8 date digits, 6 sequence digits and a correct check
// character (so KS1000 cannot pass off a number of KS10000 as its own). The
// error says what is wrong with the number, in words a technician can act on.
[[nodiscard]] Result<void> checkCaseOwner(std::string_view caseNo, std::string_view deviceId);

}  // namespace kiosk::protocol
