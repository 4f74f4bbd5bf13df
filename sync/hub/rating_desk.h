// What staff read and do about ratings, shared by `kiosk-hub ratings …`
// (ratings_cmd.h) and the console (staff_server.h), so that both print the
// same figures from the same code: the date range staff type, the headline
// figures as JSON and CSV, and a bad rating with its follow-up steps, its
// rectification deadline (DATA/hub.toml [follow_up]) and its contact, masked
// unless the caller asks for it in full. Nothing here logs personal data.
#pragma once

#include "hub_config.h"
#include "hubdb/rating_queries.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace kiosk::hub {

// [from, to) in Unix seconds from the days staff type ("YYYY-MM-DD", UTC,
// both inclusive; "" = open end). InvalidArgument names the wrong one.
struct DayRange {
    std::optional<std::int64_t> from, to;
};
[[nodiscard]] Result<DayRange> parseDayRange(const std::string& fromDay, const std::string& toDay);

// "12.5", or "n/a" when there is nothing to divide by.
std::string percentText(std::optional<double> rate);
// What the row of ratings a grouping cannot place is called.
const char* unplacedName(hubdb::RatingGroup by);

// {"by","from","to","rows":[…],"total","unreadable"}; rates as fractions 0–1,
// null when nothing to divide by; a row's key null = not placed in a group.
nlohmann::json ratingStatsJson(const hubdb::RatingStats& s, const std::string& fromDay, const std::string& toDay);
// RFC 4180 CSV with a header row; rates as percentages with one decimal;
// text cells through csvText().
std::string ratingStatsCsv(const hubdb::RatingStats& s);
// One CSV cell of text the hub did not write itself (names, ids from
// kiosks): quoted as RFC 4180 needs, and one that a spreadsheet would run as
// a formula (starting with = + - @, tab or CR) made text by a leading '.
// Every CSV the hub writes puts its text cells through this; numbers it
// formats itself go in as they are.
std::string csvText(const std::string& s);

// "王小明" → "王**", "13812345678" → "138****5678".
std::string maskName(const std::string& name);
std::string maskMobile(const std::string& mobile);

// A bad rating for staff: its fields, follow-up steps, "due_at" (arrival plus
// [follow_up] rectify_days working days), "overdue" (open and past due) and
// "contact" (null when no call-back was asked; masked unless `fullContact`).
nlohmann::json badRatingJson(const hubdb::BadRating& b, bool fullContact, const HubConfig& config, std::int64_t now);

}  // namespace kiosk::hub
