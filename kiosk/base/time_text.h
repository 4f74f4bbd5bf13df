// Local wall time as text, from Unix seconds: the one formatter the kiosk's
// screens, its logs-for-people and kioskctl share (never for records, which
// carry Unix time).
#pragma once

#include <cstdint>
#include <string>

namespace kiosk {

// "2026-11-21 09:30", or "2026-11-21 09:30:15" with seconds.
std::string localDateTime(std::int64_t epochS, bool withSeconds = false);
// "09:30".
std::string localClock(std::int64_t epochS);

}  // namespace kiosk
