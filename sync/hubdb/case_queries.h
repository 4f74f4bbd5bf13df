// Read side for central staff: cases with their current status and the
// records' public fields, one case with its history and personal fields
// (shown to staff who handle it, never logged).
#pragma once

#include "store.h"

namespace kiosk::hubdb {

struct CaseSummary {
    std::string number, deviceId, status;
    std::int64_t receivedAt = 0, statusAt = 0;
    nlohmann::json publicData;
    int extensions = 0;  // 延期 (extended) steps taken so far
};

struct CaseDetail {
    CaseSummary summary;
    nlohmann::json personalData;
    std::vector<CaseEvent> history;
};

[[nodiscard]] Result<std::vector<CaseSummary>> listCases(Database& db, const std::string& status, int limit);
[[nodiscard]] Result<std::optional<CaseDetail>> showCase(Database& db, const std::string& number);

}  // namespace kiosk::hubdb
