// What staff do to cases, shared by the staff CLI (`kiosk-hub cases …`) and
// the console (staff_server.h), so both say and check the same: a case's
// summary as JSON with its deadline from DATA/hub.toml and the overdue flag,
// a case's detail with its history, and a status change allowed only along
// the life cycle's arrows (lifecycle.h) with what each step must name.
#pragma once

#include "hub_config.h"
#include "hubdb/case_queries.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace kiosk::hub {

nlohmann::json caseSummaryJson(const hubdb::CaseSummary& c, const HubConfig& config, std::int64_t now);
// The summary plus "site", the personal fields and the history. In full
// (`fullPersonal`) for the staff who handle the case, who are audited for
// opening it; otherwise — managers, who oversee and read figures — the
// contact's name, mobile and credit code masked (王**, 138****5678,
// ****…8216), the description and enterprise withheld (null), and
// "personal_masked": true.
nlohmann::json caseDetailJson(const hubdb::CaseDetail& d, const HubConfig& config, std::int64_t now, bool fullPersonal);

struct StatusChange {
    std::string from, to;
};

// What a step of the life cycle needs besides the status: 派单 (dispatched)
// and 改派 (returned) name the department, 延期 (extended) and 退单 (returned)
// give a reason, 并单 (merged) names the case it duplicates. They are kept in
// the step's internal note, in front of the staff's own note.
struct CaseStep {
    std::string status, note, department, reason, mergeInto;
};
// The note to record for `step` on case `number`, or InvalidArgument saying
// what is missing (NotFound when the merge target never reached the hub).
[[nodiscard]] Result<std::string> caseStepNote(hubdb::Database& db, const std::string& number, const CaseStep& step);
// NotFound when no such case reached the hub; InvalidArgument, naming the
// allowed next statuses, when the arrow is not in the life cycle.
[[nodiscard]] Result<StatusChange> changeCaseStatus(hubdb::HubStore& store, const std::string& number,
                                                    const std::string& newStatus, const std::string& note,
                                                    const std::string& actor, std::int64_t now);

}  // namespace kiosk::hub
