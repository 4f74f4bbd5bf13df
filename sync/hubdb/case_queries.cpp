// Case queries for staff (case_queries.h), in the SQL both backends share.
#include "case_queries.h"

#include <fmt/format.h>

namespace kiosk::hubdb {
namespace {

// The newest event of each case is its status; each 延期 event extends its deadline.
constexpr const char* kSelect =
    "SELECT r.number, r.device_id, e.status, r.received_at, e.at, r.public_data, r.personal_data, "
    "(SELECT count(*) FROM case_event x WHERE x.number = r.number AND x.status = 'extended'), d.site FROM record r "
    "JOIN case_event e ON e.id = (SELECT max(id) FROM case_event WHERE number = r.number) "
    "LEFT JOIN device d ON d.id = r.device_id WHERE r.kind = 'case'";

CaseSummary summaryFrom(const Row& r) {
    CaseSummary s{asText(r[0]), asText(r[1]), asText(r[2]), asText(r[8]), asInt(r[3]), asInt(r[4]), {}, int(asInt(r[7]))};
    s.pub = records::readCasePublic(nlohmann::json::parse(asText(r[5]), nullptr, false));
    return s;
}

}  // namespace

Result<std::vector<CaseSummary>> listCases(Database& db, const std::string& status, int limit, const SiteScope& sites) {
    std::vector<CaseSummary> out;
    if (!sites.all && sites.sites.empty()) return out;
    // Filtered in SQL, so that LIMIT counts only cases the reader may see.
    std::string sql = kSelect;
    Params params;
    if (!status.empty()) {
        params.push_back(status);
        sql += fmt::format(" AND e.status = ${}", params.size());
    }
    if (!sites.all) {
        std::string in;
        for (const auto& site : sites.sites) {
            params.push_back(site);
            in += fmt::format("{}${}", in.empty() ? "" : ", ", params.size());
        }
        sql += fmt::format(" AND d.site IN ({})", in);
    }
    params.push_back(std::int64_t(limit));
    sql += fmt::format(" ORDER BY r.received_at, r.number LIMIT ${}", params.size());
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query(sql, params);
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
        d.personal = records::readCasePersonal(nlohmann::json::parse(asText((*rows)[0][6]), nullptr, false));
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

Result<std::optional<std::string>> recordSite(Database& db, const std::string& uuid) {
    std::optional<std::string> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        auto rows = c.query("SELECT d.site FROM record r LEFT JOIN device d ON d.id = r.device_id WHERE r.uuid = $1", {uuid});
        if (!rows) return std::unexpected(rows.error());
        if (!rows->empty()) out = asText((*rows)[0][0]);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

}  // namespace kiosk::hubdb
