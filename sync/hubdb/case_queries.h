// Read side for central staff: cases with their current status and the
// records' public fields (typed, records.h), one case with its history and personal fields
// (shown to staff who handle it, never logged). Lists take the sites the
// reader serves (site_scope.h); a case's site is its kiosk's (device.site).
#pragma once

#include "records/records.h"
#include "site_scope.h"
#include "store.h"

namespace kiosk::hubdb {

struct CaseSummary {
    std::string number, deviceId, status;
    std::string site;  // the sending device's site; "" when the device is unknown
    std::int64_t receivedAt = 0, statusAt = 0;
    records::CasePublic pub;  // read tolerantly: rows older hubs stored unchecked
    int extensions = 0;  // 延期 (extended) steps taken so far
};

struct CaseDetail {
    CaseSummary summary;
    records::CasePersonal personal;  // shown to the staff who handle the case, never logged
    std::vector<CaseEvent> history;
};

// The oldest `limit` cases (status "" = any) sent by kiosks of `sites`.
[[nodiscard]] Result<std::vector<CaseSummary>> listCases(Database& db, const std::string& status, int limit,
                                                         const SiteScope& sites = SiteScope::every());
// One case, whatever its site: the caller checks summary.site against the
// reader's sites (and answers "no such case" outside them).
[[nodiscard]] Result<std::optional<CaseDetail>> showCase(Database& db, const std::string& number);
// The site of the kiosk that sent record `uuid` ("" when the device is
// unknown); nullopt when no such record reached the hub.
[[nodiscard]] Result<std::optional<std::string>> recordSite(Database& db, const std::string& uuid);

}  // namespace kiosk::hubdb
