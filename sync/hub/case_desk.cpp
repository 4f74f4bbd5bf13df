// Case summaries, details and status changes for staff (case_desk.h).
#include "case_desk.h"

#include "lifecycle.h"

#include <fmt/format.h>

namespace kiosk::hub {

bool caseOpen(const std::string& status) {
    return status != "closed" && status != "revisited" && status != "rated" && status != "merged";
}

nlohmann::json caseSummaryJson(const hubdb::CaseSummary& c, const HubConfig& config, std::int64_t now) {
    // Due by the kind's deadline in DATA/hub.toml; overdue while not closed.
    const std::string kind = c.publicData.value("case_kind", "");
    const std::int64_t due = dueAt(config, kind, c.receivedAt);
    const bool overdue = caseOpen(c.status) && due > 0 && now > due;
    return {{"number", c.number},         {"device", c.deviceId}, {"status", c.status},
            {"received_at", c.receivedAt}, {"status_at", c.statusAt}, {"due_at", due},
            {"overdue", overdue},          {"public", c.publicData}};
}

nlohmann::json caseDetailJson(const hubdb::CaseDetail& d, const HubConfig& config, std::int64_t now) {
    nlohmann::json history = nlohmann::json::array();
    for (const auto& e : d.history) history.push_back({{"status", e.status}, {"at", e.at}, {"actor", e.actor}, {"note", e.note}});
    nlohmann::json j = caseSummaryJson(d.summary, config, now);
    j["personal"] = d.personalData;
    j["history"] = std::move(history);
    nlohmann::json next = nlohmann::json::array();
    for (const auto& s : nextStatuses(d.summary.status)) next.push_back(s);
    j["next"] = std::move(next);
    return j;
}

Result<StatusChange> changeCaseStatus(hubdb::HubStore& store, const std::string& number, const std::string& newStatus,
                                      const std::string& note, const std::string& actor, std::int64_t now) {
    auto d = hubdb::showCase(store.db(), number);
    if (!d) return std::unexpected(d.error());
    if (!*d) return fail(ErrorCode::NotFound, fmt::format("no case {} has reached the hub", number));
    const std::string from = (*d)->summary.status;
    if (!transitionAllowed(from, newStatus)) {
        std::string allowed;
        for (const auto& s : nextStatuses(from)) allowed += (allowed.empty() ? "" : ", ") + s;
        return fail(ErrorCode::InvalidArgument, fmt::format("case {} is {} ({}); it can move to: {}", number, from,
                                                            statusLabel(from), allowed.empty() ? "nothing (final)" : allowed));
    }
    if (auto r = store.addCaseEvent(number, newStatus, note, actor, now); !r) return std::unexpected(r.error());
    return StatusChange{from, newStatus};
}

}  // namespace kiosk::hub
