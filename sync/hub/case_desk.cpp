// Case summaries, details and status changes for staff (case_desk.h).
#include "case_desk.h"

#include "lifecycle.h"
#include "rating_desk.h"

#include "records/vocabulary.h"

#include <fmt/format.h>

namespace kiosk::hub {

nlohmann::json caseSummaryJson(const hubdb::CaseSummary& c, const HubConfig& config, std::int64_t now) {
    // Due by the kind's deadline in DATA/hub.toml, plus [case_extension] for
    // each 延期; overdue while not closed.
    std::int64_t due = dueAt(config, c.pub.kind, c.receivedAt);
    if (due > 0 && c.extensions > 0) due = addWorkingDays(due, c.extensions * config.extensionDays);
    const bool overdue = records::isOpenStatus(c.status) && due > 0 && now > due;
    return {{"number", c.number},         {"device", c.deviceId}, {"status", c.status},
            {"received_at", c.receivedAt}, {"status_at", c.statusAt}, {"due_at", due},
            {"overdue", overdue},          {"extensions", c.extensions}, {"public", records::toJson(c.pub)}};
}

nlohmann::json caseDetailJson(const hubdb::CaseDetail& d, const HubConfig& config, std::int64_t now, bool fullPersonal) {
    nlohmann::json history = nlohmann::json::array();
    for (const auto& e : d.history) history.push_back({{"status", e.status}, {"at", e.at}, {"actor", e.actor}, {"note", e.note}});
    nlohmann::json j = caseSummaryJson(d.summary, config, now);
    j["site"] = d.summary.site;
    if (fullPersonal) {
        j["personal"] = records::toJson(d.personal);
    } else {
        const auto& p = d.personal;
        const records::CasePersonal masked{{}, {}, maskMobile(p.creditCode), maskName(p.contactName), maskMobile(p.mobile)};
        j["personal"] = records::toJson(masked);
        j["personal"]["description"] = nullptr;  // withheld, not empty
        j["personal"]["enterprise"] = nullptr;
    }
    j["personal_masked"] = !fullPersonal;
    j["history"] = std::move(history);
    nlohmann::json next = nlohmann::json::array();
    for (const auto& s : nextStatuses(d.summary.status)) next.push_back(s);
    j["next"] = std::move(next);
    return j;
}

Result<std::string> caseStepNote(hubdb::Database& db, const std::string& number, const CaseStep& step) {
    auto tooLong = [](const std::string& s) { return s.size() > 2000; };
    if (tooLong(step.note) || tooLong(step.department) || tooLong(step.reason) || tooLong(step.mergeInto))
        return fail(ErrorCode::InvalidArgument, "a note, department or reason is longer than 2000 bytes");
    std::string head;
    if (step.status == "dispatched") {
        if (step.department.empty()) return fail(ErrorCode::InvalidArgument, "派单 (dispatched) needs the department");
        head = "派单至 " + step.department;
    } else if (step.status == "returned") {
        if (step.reason.empty()) return fail(ErrorCode::InvalidArgument, "退单 (returned) needs the reason");
        head = "退单: " + step.reason + (step.department.empty() ? "" : "; 改派至 " + step.department);
    } else if (step.status == "extended") {
        if (step.reason.empty()) return fail(ErrorCode::InvalidArgument, "延期 (extended) needs the reason");
        head = "延期: " + step.reason;
    } else if (step.status == "merged") {
        if (step.mergeInto.empty())
            return fail(ErrorCode::InvalidArgument, "并单 (merged) needs the number of the case it duplicates");
        if (step.mergeInto == number) return fail(ErrorCode::InvalidArgument, "a case cannot be merged into itself");
        auto target = hubdb::showCase(db, step.mergeInto);
        if (!target) return std::unexpected(target.error());
        if (!*target) return fail(ErrorCode::NotFound, fmt::format("no case {} has reached the hub", step.mergeInto));
        if ((*target)->summary.status == "merged")
            return fail(ErrorCode::InvalidArgument, fmt::format("case {} is itself merged; merge into the case it "
                                                                "was merged into", step.mergeInto));
        head = "并入 " + step.mergeInto;
    }
    if (head.empty()) return step.note;
    return step.note.empty() ? head : head + "; " + step.note;
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
