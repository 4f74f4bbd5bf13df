// Ratings (好差评) at the centre: the follow-up of bad ratings — 核实 (call
// back) → 整改 / 说明 / 申诉复核 → 反馈 — recorded as events per rating record
// (table rating_follow_up, hub schema step 3), the list of bad ratings with
// their follow-up state, and the headline figures managers read (好评率, 差评,
// 差评回访率, 差评整改率) per service, department, kiosk or month.
//
// Ratings are `record` rows of kind "rating" whose public_data is read here
// in C++ as typed records (records.h; levels, good and 差评, are
// records::kRatingLevelList), so the same code runs on SQLite and PostgreSQL without
// JSON SQL functions. Personal data (the call-back contact) is only handed to
// the caller of listBadRatings() for staff to see; nothing here logs it.
// docs/HUB-STAFF.md defines every figure.
#pragma once

#include "records/records.h"
#include "site_scope.h"
#include "store.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::hubdb {

// --- Follow-up of bad ratings -------------------------------------------------

// Stable action codes, in the order the centre usually takes them.
inline constexpr std::array<std::string_view, 5> kFollowUpActions = {
    "callback",   // 核实回访: staff called the visitor back
    "rectified",  // 整改: the cause was fixed
    "explained",  // 说明: no fault found; the visitor was given an explanation
    "appealed",   // 申诉复核: the department appealed; the rating is under review
    "feedback",   // 反馈: the outcome was reported to the visitor; closes the follow-up
};
bool isFollowUpAction(std::string_view action);
const char* followUpLabel(std::string_view action);  // "核实回访" …; "" when unknown

struct RatingFollowUp {
    std::int64_t id = 0;
    std::string ratingUuid, action, note, actor;
    std::int64_t at = 0;  // Unix seconds
};

// Records one follow-up step of the bad rating `ratingUuid`. Refused (nothing
// written) with ErrorCode::NotFound when no such record reached the hub, and
// ErrorCode::InvalidArgument when the record is not a rating, the rating is
// not a 差评, or `action` is not one of kFollowUpActions. Steps may be
// recorded in any order and repeated (a second call-back attempt).
[[nodiscard]] Result<RatingFollowUp> addRatingFollowUp(Database& db, const std::string& ratingUuid,
                                                       const std::string& action, const std::string& note,
                                                       const std::string& actor, std::int64_t now);

struct BadRating {
    std::string uuid, deviceId, site;  // site: the device's site ("" if the device is unknown)
    std::int64_t receivedAt = 0;       // Unix seconds, when the hub stored it
    records::RatingPublic pub;         // as the kiosk sent it, read tolerantly
    records::RatingPersonal personal;  // the call-back contact; shown to staff, never logged
    std::vector<RatingFollowUp> followUps;  // oldest first
    // The visitor's 追加评价 of the same service instance from the same kiosk
    // (newest): {"level","level_label","uuid","received_at"}; null when none.
    nlohmann::json reRating;

    bool callbackWanted() const { return pub.callback; }  // the visitor left a contact
    bool has(std::string_view action) const;
    bool open() const { return !has("feedback"); }  // no 反馈 yet
    // The latest action, or "new" when nothing was done yet.
    std::string state() const;
};

// Every bad rating from kiosks of `sites`, oldest first (received_at, uuid);
// with `openOnly`, only those without a feedback step.
[[nodiscard]] Result<std::vector<BadRating>> listBadRatings(Database& db, bool openOnly,
                                                            const SiteScope& sites = SiteScope::every());

// --- Statistics ---------------------------------------------------------------

enum class RatingGroup {
    Service,     // target_id of service targets
    Department,  // department targets' target_id, and service targets' department_id
    Kiosk,       // device_id (named by the device's site)
    Month,       // YYYY-MM of received_at, UTC
};
std::optional<RatingGroup> parseRatingGroup(std::string_view name);  // "service" | "department" | "kiosk" | "month"
const char* ratingGroupName(RatingGroup g);

// Counts for one group (or all). Every rate is std::nullopt when its
// denominator is 0 ("n/a"), never a division by zero.
struct RatingFigures {
    long total = 0;          // rating records with a known level, 追加评价 included
    long good = 0;           // 非常满意 + 满意 + 基本满意
    long bad = 0;            // 差评: 不满意 + 非常不满意
    long badNamed = 0;       // 差评 that left a contact for a call-back (public "callback": true)
    long badCalledBack = 0;  // badNamed with at least one "callback" follow-up
    long badRectified = 0;   // 差评 with at least one "rectified" follow-up

    std::optional<double> goodRate() const;      // 好评率 = good / total
    std::optional<double> callbackRate() const;  // 差评回访率 = badCalledBack / badNamed
    std::optional<double> rectifyRate() const;   // 差评整改率 = badRectified / bad
};

struct RatingStatsRow {
    std::string key;   // service id, department id, device id or YYYY-MM; "" = not attributable to a group
    std::string name;  // target_name (latest received) / device site; "" when unknown
    RatingFigures figures;
};

struct RatingStats {
    RatingGroup by = RatingGroup::Service;
    std::vector<RatingStatsRow> rows;  // ordered by key (bytes); the "" row, if any, last
    RatingFigures total;               // all rows together
    long unreadable = 0;  // rating records left out: public_data not JSON or level not one of the five codes
};

// Ratings received in [from, to) (Unix seconds, UTC; std::nullopt = open
// end) from kiosks of `sites`, grouped by `by`. Follow-up steps count whenever they were taken (the
// state now). Every rating in range lands in exactly one row, so the rows add
// up to `total`: ratings a group cannot place (a window rating under
// "service", a service rating without department_id under "department") go
// to the row with key "".
[[nodiscard]] Result<RatingStats> ratingStats(Database& db, RatingGroup by, std::optional<std::int64_t> from,
                                              std::optional<std::int64_t> to, const SiteScope& sites = SiteScope::every());

}  // namespace kiosk::hubdb
