// `kiosk-hub cases list|show|update-status` (cases_cmd.h): reads the command
// line and prints; the case desk (case_desk.h), the life cycle
// (lifecycle.h) and the case queries (hubdb/case_queries.h) do the work.
// Lines of what devices sent go out through printLine (hub_cli.h).
#include "cases_cmd.h"

#include "case_desk.h"
#include "hub_cli.h"
#include "hub_config.h"
#include "hubdb/case_queries.h"
#include "hubdb/staff_repo.h"
#include "lifecycle.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <memory>

namespace kiosk::hub {
namespace {

struct Options {
    CLI::App* list = nullptr;
    CLI::App* show = nullptr;
    CLI::App* update = nullptr;
    bool json = false;
    std::string statusFilter;
    int limit = 1000;
    std::string number, newStatus, note, actor = "staff";
    CaseStep step;
};

}  // namespace

std::function<int()> addCasesCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec) {
    auto o = std::make_shared<Options>();
    auto* cases = app.add_subcommand("cases", "Cases kiosks sent in, for the staff who handle them");
    cases->require_subcommand(1);
    o->list = cases->add_subcommand("list", "Cases with their current status, oldest first");
    o->list->add_option("--status", o->statusFilter, "Only cases in this status (received, accepted, …)");
    o->list->add_option("--limit", o->limit, "At most this many")->capture_default_str();
    o->list->add_flag("--json", o->json, "One JSON object per case, one per line");
    o->show = cases->add_subcommand("show", "One case: fields, contact details and status history");
    o->show->add_option("NUMBER", o->number, "Case number from the receipt")->required();
    o->show->add_flag("--json", o->json, "Print JSON");
    o->update = cases->add_subcommand("update-status", "Move a case along its life cycle (sent down to the kiosk)");
    o->show->add_option("--actor", o->actor, "Who looks (written to the audit log with the case number)")
        ->capture_default_str();
    o->update->add_option("NUMBER", o->number, "Case number")->required();
    o->update->add_option("STATUS", o->newStatus,
                          "accepted, dispatched, handling, replied, closed, revisited, rated, returned, extended, merged")
        ->required();
    o->update->add_option("--note", o->note, "Internal note (stays at the hub; never sent to kiosks)");
    o->update->add_option("--actor", o->actor, "Who made the change")->capture_default_str();
    o->update->add_option("--department", o->step.department, "派单 (dispatched) and 改派 (returned): the department");
    o->update->add_option("--reason", o->step.reason, "延期 (extended) and 退单 (returned): why");
    o->update->add_option("--merge-into", o->step.mergeInto, "并单 (merged): the case number it duplicates");

    return [o, &dataDir, &dbSpec]() -> int {
        auto st = openStore(dataDir, dbSpec, 1);
        if (!st) return cliFailure(st.error());
        if (o->list->parsed()) {
            auto config = loadHubConfig(dataDir);
            if (!config) return cliFailure(config.error());
            auto list = hubdb::listCases(*st->db, o->statusFilter, o->limit);
            if (!list) return cliFailure(list.error());
            const std::int64_t now = unixNow();
            auto day = [](std::int64_t t) {
                std::tm tm{};
                const std::time_t tt = std::time_t(t);
                gmtime_r(&tt, &tm);
                return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
            };
            for (const auto& c : *list) {
                const nlohmann::json j = caseSummaryJson(c, *config, now);
                if (o->json)
                    fmt::print("{}\n", j.dump());
                else
                    printLine(fmt::format("{}  {}  {} ({})  {}  due {}{}", c.number, c.deviceId, c.status,
                                          statusLabel(c.status), c.pub.kind,
                                          j["due_at"].get<std::int64_t>() > 0 ? day(j["due_at"].get<std::int64_t>()) : "-",
                                          j["overdue"].get<bool>() ? "  OVERDUE" : ""));
            }
            return 0;
        }
        if (o->show->parsed()) {
            auto d = hubdb::showCase(*st->db, o->number);
            if (!d) return cliFailure(d.error());
            if (!*d) return cliFailure({ErrorCode::NotFound, fmt::format("no case {} has reached the hub", o->number)});
            auto config = loadHubConfig(dataDir);
            if (!config) return cliFailure(config.error());
            // The visitor's details in full, as the console shows them to
            // handlers: the look is in the audit log there too.
            if (auto a = hubdb::addAudit(*st->db, unixNow(), o->actor, "case.view_personal", o->number,
                                         "kiosk-hub cases show");
                !a)
                return cliFailure(a.error());
            const nlohmann::json shown = caseDetailJson(**d, *config, unixNow(), true);
            fmt::print("{}\n", shown.dump(o->json ? -1 : 2));
            return 0;
        }
        CaseStep step = o->step;
        step.status = o->newStatus;
        step.note = o->note;
        auto stepNote = caseStepNote(*st->db, o->number, step);
        if (!stepNote) return cliFailure(stepNote.error());
        auto change = changeCaseStatus(*st->store, o->number, o->newStatus, *stepNote, o->actor, unixNow());
        if (!change) return cliFailure(change.error());
        if (auto a = hubdb::addAudit(*st->db, unixNow(), o->actor, "case.status", o->number,
                                     fmt::format("{} → {}", change->from, change->to));
            !a)
            return cliFailure(a.error());
        const std::string from = change->from;
        fmt::print("case {}: {} → {} ({})\n", o->number, from, o->newStatus, statusLabel(o->newStatus));
        return 0;
    };
}

}  // namespace kiosk::hub
