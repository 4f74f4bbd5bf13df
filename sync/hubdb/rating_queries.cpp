// Ratings at the centre (rating_queries.h) in the SQL both backends share.
// SQL selects rating rows by kind and time (index record_kind) and whether a
// follow-up step exists; everything inside public_data — level, target,
// callback — is read here in C++ in one pass over the rows, because SQLite
// and PostgreSQL spell JSON access differently (HUB-STORAGE.md). Never log a
// row's personal_data.
#include "rating_queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <utility>

namespace kiosk::hubdb {
namespace {

constexpr std::array<std::pair<std::string_view, const char*>, kFollowUpActions.size()> kActionLabels = {{
    {"callback", "核实回访"},
    {"rectified", "整改"},
    {"explained", "说明"},
    {"appealed", "申诉复核"},
    {"feedback", "反馈"},
}};

// A stored row's public_data, read tolerantly (records.h): what older hubs
// took unchecked reads as defaults, never throws.
records::RatingPublic ratingOf(const std::string& text) {
    return records::readRatingPublic(nlohmann::json::parse(text, nullptr, false));
}

std::string monthOf(std::int64_t unixSeconds) {
    using namespace std::chrono;
    const year_month_day ymd{floor<days>(sys_seconds{seconds{unixSeconds}})};
    return fmt::format("{:04}-{:02}", int(ymd.year()), unsigned(ymd.month()));
}

std::optional<double> ratio(long part, long whole) {
    if (whole == 0) return std::nullopt;
    return double(part) / double(whole);
}

void count(RatingFigures& f, bool good, bool named, bool calledBack, bool rectified) {
    ++f.total;
    if (good) {
        ++f.good;
        return;
    }
    ++f.bad;
    if (named) {
        ++f.badNamed;
        if (calledBack) ++f.badCalledBack;
    }
    if (rectified) ++f.badRectified;
}

RatingFollowUp followUpFrom(const Row& r) {
    return RatingFollowUp{asInt(r[0]), asText(r[1]), asText(r[2]), asText(r[3]), asText(r[4]), asInt(r[5])};
}
constexpr const char* kFollowUpCols = "id, rating_uuid, action, note, actor, at";

}  // namespace

bool isFollowUpAction(std::string_view action) {
    return std::find(kFollowUpActions.begin(), kFollowUpActions.end(), action) != kFollowUpActions.end();
}
const char* followUpLabel(std::string_view action) {
    for (const auto& [code, zh] : kActionLabels)
        if (code == action) return zh;
    return "";
}

Result<RatingFollowUp> addRatingFollowUp(Database& db, const std::string& ratingUuid, const std::string& action,
                                         const std::string& note, const std::string& actor, std::int64_t now) {
    if (!isFollowUpAction(action)) {
        std::string allowed;
        for (const auto& [code, zh] : kActionLabels) allowed += fmt::format("{}{} ({})", allowed.empty() ? "" : ", ", code, zh);
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("\"{}\" is not a follow-up action; use one of: {}", action, allowed));
    }
    RatingFollowUp out;
    auto r = transaction(db, [&](Connection& c) -> Result<void> {
        auto rec = c.query("SELECT kind, public_data FROM record WHERE uuid = $1", {ratingUuid});
        if (!rec) return std::unexpected(rec.error());
        if (rec->empty()) return fail(ErrorCode::NotFound, fmt::format("no rating {} has reached the hub", ratingUuid));
        const std::string kind = asText((*rec)[0][0]);
        if (kind != "rating")
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("record {} is a {} record, not a rating: follow-ups are for bad ratings (差评) only",
                                    ratingUuid, kind));
        const auto pub = ratingOf(asText((*rec)[0][1]));
        if (!pub.bad()) {
            const auto* l = pub.levelInfo();
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("rating {} is {}, not a 差评: follow-ups are recorded only for 不满意 (dissatisfied) "
                                    "and 非常不满意 (very_dissatisfied) ratings",
                                    ratingUuid, l ? fmt::format("{} ({})", l->zh, l->code) : "of an unknown level"));
        }
        auto ins = c.query(fmt::format("INSERT INTO rating_follow_up(rating_uuid, action, note, actor, at) "
                                       "VALUES($1, $2, $3, $4, $5) RETURNING {}",
                                       kFollowUpCols),
                           {ratingUuid, action, note, actor, now});
        if (!ins) return std::unexpected(ins.error());
        if (ins->empty()) return fail(ErrorCode::Internal, "the follow-up insert returned no row");
        out = followUpFrom((*ins)[0]);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

bool BadRating::has(std::string_view action) const {
    return std::any_of(followUps.begin(), followUps.end(), [&](const RatingFollowUp& f) { return f.action == action; });
}

std::string BadRating::state() const { return followUps.empty() ? "new" : followUps.back().action; }

Result<std::vector<BadRating>> listBadRatings(Database& db, bool openOnly, const SiteScope& sites) {
    std::vector<BadRating> out;
    auto r = db.with([&](Connection& c) -> Result<void> {
        // Follow-ups exist only for bad ratings, so all of them are needed.
        auto steps = c.query(fmt::format("SELECT {} FROM rating_follow_up ORDER BY at, id", kFollowUpCols));
        if (!steps) return std::unexpected(steps.error());
        std::map<std::string, std::vector<RatingFollowUp>> byRating;
        for (const auto& row : *steps) {
            auto f = followUpFrom(row);
            byRating[f.ratingUuid].push_back(std::move(f));
        }
        auto rows = c.query(
            "SELECT r.uuid, r.device_id, d.site, r.received_at, r.public_data, r.personal_data FROM record r "
            "LEFT JOIN device d ON d.id = r.device_id WHERE r.kind = 'rating' ORDER BY r.received_at, r.uuid");
        if (!rows) return std::unexpected(rows.error());
        // A 追加评价 (public "follow_up": true) re-rates the same service
        // instance from the same kiosk: the visitor's verdict on the fix. Rows
        // of one upload share a second, so they are matched after the loop.
        std::map<std::string, std::size_t> byInstance;
        std::vector<std::pair<std::string, nlohmann::json>> reRatings;  // instance key, re-rating
        auto instanceKey = [](const std::string& device, const records::RatingPublic& pub) {
            return fmt::format("{}|{}|{}", device, pub.instance, pub.targetId);
        };
        for (const auto& row : *rows) {
            auto pub = ratingOf(asText(row[4]));
            if (pub.followUp) {
                const auto* l = pub.levelInfo();
                reRatings.emplace_back(instanceKey(asText(row[1]), pub),
                                       nlohmann::json{{"level", pub.level},
                                                      {"level_label", l ? l->zh : ""},
                                                      {"uuid", asText(row[0])},
                                                      {"received_at", asInt(row[3])}});
                continue;
            }
            if (!pub.bad() || !sites.allows(asText(row[2]))) continue;
            BadRating b;
            b.uuid = asText(row[0]);
            b.deviceId = asText(row[1]);
            b.site = asText(row[2]);
            b.receivedAt = asInt(row[3]);
            b.pub = std::move(pub);
            if (auto it = byRating.find(b.uuid); it != byRating.end()) b.followUps = std::move(it->second);
            if (openOnly && !b.open()) continue;
            b.personal = records::readRatingPersonal(nlohmann::json::parse(asText(row[5]), nullptr, false));
            if (!b.pub.instance.empty()) byInstance[instanceKey(b.deviceId, b.pub)] = out.size();
            out.push_back(std::move(b));
        }
        for (auto& [key, re] : reRatings)  // oldest first: the newest re-rating wins
            if (auto it = byInstance.find(key); it != byInstance.end()) out[it->second].reRating = std::move(re);
        return {};
    });
    if (!r) return std::unexpected(r.error());
    return out;
}

std::optional<double> RatingFigures::goodRate() const { return ratio(good, total); }
std::optional<double> RatingFigures::callbackRate() const { return ratio(badCalledBack, badNamed); }
std::optional<double> RatingFigures::rectifyRate() const { return ratio(badRectified, bad); }

std::optional<RatingGroup> parseRatingGroup(std::string_view name) {
    if (name == "service") return RatingGroup::Service;
    if (name == "department") return RatingGroup::Department;
    if (name == "kiosk") return RatingGroup::Kiosk;
    if (name == "month") return RatingGroup::Month;
    return std::nullopt;
}

const char* ratingGroupName(RatingGroup g) {
    switch (g) {
        case RatingGroup::Service: return "service";
        case RatingGroup::Department: return "department";
        case RatingGroup::Kiosk: return "kiosk";
        case RatingGroup::Month: return "month";
    }
    return "?";
}

Result<RatingStats> ratingStats(Database& db, RatingGroup by, std::optional<std::int64_t> from,
                                std::optional<std::int64_t> to, const SiteScope& sites) {
    RatingStats stats;
    stats.by = by;
    struct Group {
        RatingFigures figures;
        std::string name;
    };
    std::map<std::string, Group> groups;
    std::map<std::string, std::string> departmentNames;  // from department targets, latest wins
    auto r = db.with([&](Connection& c) -> Result<void> {
        // Oldest first, so a later target_name (content renamed) wins.
        auto rows = c.query(
            "SELECT r.device_id, d.site, r.received_at, r.public_data, "
            "CASE WHEN EXISTS(SELECT 1 FROM rating_follow_up f WHERE f.rating_uuid = r.uuid AND f.action = 'callback') "
            "THEN 1 ELSE 0 END, "
            "CASE WHEN EXISTS(SELECT 1 FROM rating_follow_up f WHERE f.rating_uuid = r.uuid AND f.action = 'rectified') "
            "THEN 1 ELSE 0 END "
            "FROM record r LEFT JOIN device d ON d.id = r.device_id "
            "WHERE r.kind = 'rating' AND r.received_at >= $1 AND r.received_at < $2 ORDER BY r.received_at, r.uuid",
            {from.value_or(std::numeric_limits<std::int64_t>::min()), to.value_or(std::numeric_limits<std::int64_t>::max())});
        if (!rows) return std::unexpected(rows.error());
        for (const auto& row : *rows) {
            if (!sites.allows(asText(row[1]))) continue;
            const auto pub = ratingOf(asText(row[3]));
            const auto* level = pub.levelInfo();
            if (!level) {
                ++stats.unreadable;
                continue;
            }
            const std::string& targetKind = pub.targetKind;
            const std::string& targetId = pub.targetId;
            const std::string& targetName = pub.targetName;
            if (targetKind == "department" && !targetId.empty()) departmentNames[targetId] = targetName;
            std::string key, name;
            switch (by) {
                case RatingGroup::Service:
                    if (targetKind == "service") {
                        key = targetId;
                        name = targetName;
                    }
                    break;
                case RatingGroup::Department:
                    if (targetKind == "department") key = targetId;
                    else if (targetKind == "service") key = pub.departmentId;
                    break;
                case RatingGroup::Kiosk:
                    key = asText(row[0]);
                    name = asText(row[1]);
                    break;
                case RatingGroup::Month: key = monthOf(asInt(row[2])); break;
            }
            auto& g = groups[key];
            if (!name.empty()) g.name = name;
            const bool named = pub.callback, calledBack = asInt(row[4]) != 0,
                       rectified = asInt(row[5]) != 0;
            count(g.figures, level->good, named, calledBack, rectified);
            count(stats.total, level->good, named, calledBack, rectified);
        }
        return {};
    });
    if (!r) return std::unexpected(r.error());
    for (auto& [key, g] : groups) {
        if (key.empty()) continue;
        if (by == RatingGroup::Department)
            if (auto it = departmentNames.find(key); it != departmentNames.end()) g.name = it->second;
        stats.rows.push_back({key, std::move(g.name), g.figures});
    }
    if (auto it = groups.find(""); it != groups.end()) stats.rows.push_back({"", "", it->second.figures});
    return stats;
}

}  // namespace kiosk::hubdb
