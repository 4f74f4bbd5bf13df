// Case queries for staff (case_queries.h), in the SQL both backends share.
#include "case_queries.h"

#include <fmt/format.h>

namespace kiosk::hubdb {
namespace {

// The newest event of each case is its status; each 延期 event extends its deadline.
constexpr const char* kSelect =
    "SELECT r.number, r.device_id, e.status, r.received_at, e.at, r.public_data, r.personal_data, "
    "(SELECT count(*) FROM case_event x WHERE x.number = r.number AND x.status = 'extended') FROM record r "
    "JOIN case_event e ON e.id = (SELECT max(id) FROM case_event WHERE number = r.number) "
    "WHERE r.kind = 'case'";

CaseSummary summaryFrom(const Row& r) {
    CaseSummary s{asText(r[0]), asText(r[1]), asText(r[2]), asInt(r[3]), asInt(r[4]), {}, int(asInt(r[7]))};
    s.publicData = nlohmann::json::parse(asText(r[5]), nullptr, false);
    return s;
}

}  // namespace

Result<std::vector<CaseSummary>> listCases(Database& db, const std::string& status, int limit) {
    std::vector<CaseSummary> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = status.empty()
                        ? c.query(fmt::format("{} ORDER BY r.received_at, r.number LIMIT $1", kSelect), {std::int64_t(limit)})
                        : c.query(fmt::format("{} AND e.status = $1 ORDER BY r.received_at, r.number LIMIT $2", kSelect),
                                  {status, std::int64_t(limit)});
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) out.push_back(summaryFrom(row));
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

Result<std::optional<CaseDetail>> showCase(Database& db, const std::string& number) {
    std::optional<CaseDetail> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(fmt::format("{} AND r.number = $1", kSelect), {number});
        if (!rows) return std::unexpected(rows.error());
        if (rows->empty()) return {};
        CaseDetail d;
        d.summary = summaryFrom((*rows)[0]);
        d.personalData = nlohmann::json::parse(asText((*rows)[0][6]), nullptr, false);
        auto ev = c.query("SELECT id, number, device_id, status, note, actor, at FROM case_event WHERE number = $1 ORDER BY id",
                          {number});
        if (!ev) return std::unexpected(ev.error());
        for (const auto& e : *ev)
            d.history.push_back({asInt(e[0]), asText(e[1]), asText(e[2]), asText(e[3]), asText(e[4]), asText(e[5]), asInt(e[6])});
        out = std::move(d);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

}  // namespace kiosk::hubdb
