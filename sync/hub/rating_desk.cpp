// Rating figures and bad ratings as staff see them (rating_desk.h).
#include "rating_desk.h"

#include <fmt/format.h>

#include <chrono>
#include <string_view>

namespace kiosk::hub {
namespace {

using hubdb::RatingFigures;
using hubdb::RatingGroup;

// "YYYY-MM-DD" → Unix seconds of that day's 00:00 UTC; nullopt when malformed.
std::optional<std::int64_t> parseDay(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    using namespace std::chrono;
    const year_month_day ymd{year{std::stoi(s.substr(0, 4))}, month{unsigned(std::stoi(s.substr(5, 2)))},
                             day{unsigned(std::stoi(s.substr(8, 2)))}};
    if (!ymd.ok()) return std::nullopt;
    return duration_cast<seconds>(sys_days{ymd}.time_since_epoch()).count();
}

nlohmann::json fraction(std::optional<double> rate) { return rate ? nlohmann::json(*rate) : nlohmann::json(nullptr); }

nlohmann::json figuresJson(const RatingFigures& f) {
    return {{"total", f.total},
            {"good", f.good},
            {"good_rate", fraction(f.goodRate())},
            {"bad", f.bad},
            {"bad_named", f.badNamed},
            {"bad_called_back", f.badCalledBack},
            {"callback_rate", fraction(f.callbackRate())},
            {"bad_rectified", f.badRectified},
            {"rectify_rate", fraction(f.rectifyRate())}};
}

}  // namespace

std::string csvText(const std::string& s) {
    // A spreadsheet takes a cell starting with = + - @ (or a tab or carriage
    // return before one) as a formula: "=HYPERLINK(…)" in a service name would
    // run when a manager opens the export. A leading ' makes it text (OWASP,
    // "CSV Injection"); the quote does not show in the cell.
    const bool formula = !s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos;
    const std::string cell = formula ? "'" + s : s;
    // RFC 4180: quote a field that holds a comma, quote or line break.
    if (!formula && cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
    std::string out = "\"";
    for (char ch : cell) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

Result<DayRange> parseDayRange(const std::string& fromDay, const std::string& toDay) {
    DayRange r;
    if (!fromDay.empty() && !(r.from = parseDay(fromDay)))
        return fail(ErrorCode::InvalidArgument, fmt::format("from {}: use a date like 2026-01-31", fromDay));
    if (!toDay.empty()) {
        auto day = parseDay(toDay);
        if (!day) return fail(ErrorCode::InvalidArgument, fmt::format("to {}: use a date like 2026-01-31", toDay));
        r.to = *day + 86'400;  // inclusive: up to the end of that day
    }
    if (r.from && r.to && *r.from >= *r.to)
        return fail(ErrorCode::InvalidArgument, fmt::format("from {} is after to {}", fromDay, toDay));
    return r;
}

std::string percentText(std::optional<double> rate) { return rate ? fmt::format("{:.1f}", *rate * 100.0) : "n/a"; }

const char* unplacedName(RatingGroup by) {
    switch (by) {
        case RatingGroup::Service: return "(not a service rating)";
        case RatingGroup::Department: return "(no department)";
        case RatingGroup::Kiosk:
        case RatingGroup::Month: break;
    }
    return "(none)";
}

nlohmann::json ratingStatsJson(const hubdb::RatingStats& s, const std::string& fromDay, const std::string& toDay) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : s.rows) {
        auto j = figuresJson(r.figures);
        j["key"] = r.key.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.key);
        j["name"] = r.key.empty() ? unplacedName(s.by) : r.name;
        rows.push_back(std::move(j));
    }
    return {{"by", hubdb::ratingGroupName(s.by)},
            {"from", fromDay.empty() ? nlohmann::json(nullptr) : nlohmann::json(fromDay)},
            {"to", toDay.empty() ? nlohmann::json(nullptr) : nlohmann::json(toDay)},
            {"rows", rows},
            {"total", figuresJson(s.total)},
            {"unreadable", s.unreadable}};
}

std::string ratingStatsCsv(const hubdb::RatingStats& s) {
    std::string out =
        "key,name,total,good,good_rate_pct,bad,bad_named,bad_called_back,callback_rate_pct,bad_rectified,rectify_rate_pct\n";
    for (const auto& r : s.rows) {
        const auto& f = r.figures;
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csvText(r.key),
                           csvText(r.key.empty() ? unplacedName(s.by) : r.name), f.total, f.good, percentText(f.goodRate()),
                           f.bad, f.badNamed, f.badCalledBack, percentText(f.callbackRate()), f.badRectified,
                           percentText(f.rectifyRate()));
    }
    return out;
}

std::string maskName(const std::string& name) {
    std::string out;
    int chars = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const bool lead = (static_cast<unsigned char>(name[i]) & 0xC0) != 0x80;
        if (!lead) {
            if (chars == 1) out += name[i];
            continue;
        }
        ++chars;
        if (chars == 1) out += name[i];
        else out += '*';
    }
    return out;
}

std::string maskMobile(const std::string& mobile) {
    if (mobile.size() == 11) return mobile.substr(0, 3) + "****" + mobile.substr(7);
    if (mobile.size() > 4) return std::string(mobile.size() - 4, '*') + mobile.substr(mobile.size() - 4);
    return std::string(mobile.size(), '*');
}

nlohmann::json badRatingJson(const hubdb::BadRating& b, bool fullContact, const HubConfig& config, std::int64_t now) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& f : b.followUps)
        steps.push_back({{"id", f.id}, {"action", f.action}, {"note", f.note}, {"actor", f.actor}, {"at", f.at}});
    nlohmann::json contact = nullptr;
    if (b.callbackWanted()) {
        const std::string& name = b.personal.contactName;
        const std::string& mobile = b.personal.mobile;
        contact = {{"name", fullContact ? name : maskName(name)},
                   {"mobile", fullContact ? mobile : maskMobile(mobile)},
                   {"masked", !fullContact}};
    }
    const std::int64_t due = addWorkingDays(b.receivedAt, config.rectifyDays);
    return {{"uuid", b.uuid},         {"device", b.deviceId},         {"site", b.site},
            {"received_at", b.receivedAt}, {"public", records::toJson(b.pub)}, {"callback", b.callbackWanted()},
            {"contact", contact},     {"state", b.state()},           {"open", b.open()},
            {"due_at", due},          {"overdue", b.open() && now > due}, {"follow_ups", steps},
            {"re_rating", b.reRating}};
}

}  // namespace kiosk::hub
