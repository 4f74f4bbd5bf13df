// `kiosk-hub ratings stats | bad | follow-up` (ratings_cmd.h): parses the
// staff's flags, calls hubdb/rating_queries.h and prints a table, CSV or JSON.
// Rates print as percentages 0–100 with one decimal in the table and CSV, as
// fractions 0–1 in JSON, and as n/a (JSON null) when the denominator is 0.
// Contacts go to stdout for the member of staff who asked, masked unless
// --contact; nothing here writes personal data to the log.
#include "ratings_cmd.h"

#include "hub_cli.h"
#include "hubdb/rating_queries.h"
#include "rating_desk.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace kiosk::hub {
namespace {

using hubdb::RatingFigures;
using hubdb::RatingGroup;

std::string utcText(std::int64_t unixSeconds) {
    using namespace std::chrono;
    const sys_seconds t{seconds{unixSeconds}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                       hms.hours().count(), hms.minutes().count());
}

std::string pct(std::optional<double> rate) { return percentText(rate); }

std::string tableRow(const std::string& key, const std::string& name, const RatingFigures& f) {
    return fmt::format("{:<16} {:>6} {:>6} {:>6} {:>5} {:>6} {:>6} {:>9} {:>9} {:>8}{}", key, f.total, f.good,
                       pct(f.goodRate()), f.bad, f.badNamed, f.badCalledBack, pct(f.callbackRate()), f.badRectified,
                       pct(f.rectifyRate()), name.empty() ? "" : "  " + name);
}

void printBad(const hubdb::BadRating& b, bool fullContact, const HubConfig& config) {
    const auto& p = b.pub;
    const auto* level = p.levelInfo();
    printLine(fmt::format("{}  {}  received {}  {}{}", b.uuid, level ? level->zh : "", utcText(b.receivedAt), b.deviceId,
                          b.site.empty() ? "" : fmt::format(" ({})", b.site)));
    printLine(fmt::format("  target   {} {} {}", p.targetKind, p.targetId, p.targetName));
    printLine(fmt::format("  reasons  {}", p.reasons.empty() ? "-" : fmt::format("{}", fmt::join(p.reasons, ", "))));
    if (!p.caseNo.empty()) printLine(fmt::format("  case     {}", p.caseNo));
    if (const auto c = badRatingJson(b, fullContact, config, unixNow())["contact"]; c.is_null())
        printLine("  contact  none (no call-back asked)");
    else
        printLine(fmt::format("  contact  {} {}", c["name"].get<std::string>(), c["mobile"].get<std::string>()));
    printLine(fmt::format("  state    {}{}{}", b.state(),
                          b.followUps.empty() ? "" : fmt::format(" ({})", hubdb::followUpLabel(b.state())),
                          b.open() ? ", open" : ", closed"));
    for (const auto& f : b.followUps)
        printLine(fmt::format("  step     {}  {} ({}) by {}{}", utcText(f.at), f.action, hubdb::followUpLabel(f.action),
                              f.actor, f.note.empty() ? "" : ": " + f.note));
}

// Flag values, bound by CLI11 and read when the command runs.
struct Options {
    Options(const std::string& data, const std::string& spec) : dataDir(data), dbSpec(spec) {}
    const std::string& dataDir;
    const std::string& dbSpec;
    CLI::App* stats = nullptr;
    CLI::App* bad = nullptr;
    CLI::App* followUp = nullptr;
    std::string by = "service", from, to;
    bool json = false, csv = false, openOnly = false, fullContact = false;
    std::string uuid, action, note, actor = "staff";
};

int runStats(Options& o, hubdb::Database& db) {
    auto range = parseDayRange(o.from, o.to);
    if (!range) {
        range.error().message = "--" + range.error().message;
        return cliFailure(range.error());
    }
    const auto by = hubdb::parseRatingGroup(o.by);
    if (!by) return cliFailure({ErrorCode::InvalidArgument, "--by must be service, department, kiosk or month"});
    auto stats = hubdb::ratingStats(db, *by, range->from, range->to);
    if (!stats) return cliFailure(stats.error());
    if (stats->unreadable > 0)
        fmt::print(stderr, "kiosk-hub: {} rating record(s) with an unreadable level were left out\n", stats->unreadable);

    if (o.json) {
        fmt::print("{}\n", ratingStatsJson(*stats, o.from, o.to).dump());
        return 0;
    }
    if (o.csv) {
        fmt::print("{}", ratingStatsCsv(*stats));
        return 0;
    }
    fmt::print("ratings by {}, received {} to {} (UTC)\n", hubdb::ratingGroupName(*by),
               o.from.empty() ? "from the start" : o.from, o.to.empty() ? "now" : o.to);
    fmt::print("{:<16} {:>6} {:>6} {:>6} {:>5} {:>6} {:>6} {:>9} {:>9} {:>8}  {}\n", "KEY", "TOTAL", "GOOD", "GOOD%", "BAD",
               "NAMED", "CALLED", "CALLBACK%", "RECTIFIED", "RECTIFY%", "NAME");
    for (const auto& r : stats->rows)
        printLine(tableRow(r.key.empty() ? "-" : r.key, r.key.empty() ? unplacedName(*by) : r.name, r.figures));
    fmt::print("{}\n", tableRow("TOTAL", "", stats->total));
    fmt::print("GOOD% 好评率 = GOOD/TOTAL; CALLBACK% 差评回访率 = CALLED/NAMED (bad ratings that left a contact); "
               "RECTIFY% 差评整改率 = RECTIFIED/BAD; n/a = nothing to divide by\n");
    return 0;
}

int runBad(Options& o, hubdb::Database& db) {
    auto config = loadHubConfig(o.dataDir);
    if (!config) return cliFailure(config.error());
    auto list = hubdb::listBadRatings(db, o.openOnly);
    if (!list) return cliFailure(list.error());
    for (const auto& b : *list) {
        if (o.json) fmt::print("{}\n", badRatingJson(b, o.fullContact, *config, unixNow()).dump());
        else printBad(b, o.fullContact, *config);
    }
    if (!o.json) fmt::print("{} {}bad rating(s)\n", list->size(), o.openOnly ? "open " : "");
    return 0;
}

int runFollowUp(Options& o, hubdb::Database& db) {
    auto f = hubdb::addRatingFollowUp(db, o.uuid, o.action, o.note, o.actor, unixNow());
    if (!f) return cliFailure(f.error());
    fmt::print("rating {}: {} ({}) recorded by {}\n", f->ratingUuid, f->action, hubdb::followUpLabel(f->action), f->actor);
    return 0;
}

}  // namespace

std::function<int()> addRatingsCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec) {
    auto o = std::make_shared<Options>(dataDir, dbSpec);
    auto* ratings = app.add_subcommand("ratings", "Ratings (好差评): headline figures and the follow-up of bad ratings");
    ratings->require_subcommand(1);
    // kiosk-hub's --data and --db are accepted after `ratings …` too.
    ratings->fallthrough();

    o->stats = ratings->add_subcommand(
        "stats", "好评率, 差评 count, 差评回访率 and 差评整改率 per group (definitions: docs/HUB-STAFF.md)");
    o->stats->add_option("--by", o->by, "Group by service, department, kiosk or month (YYYY-MM of arrival, UTC)")
        ->check(CLI::IsMember({"service", "department", "kiosk", "month"}))
        ->capture_default_str();
    o->stats->add_option("--from", o->from, "Only ratings that reached the hub on or after this day, YYYY-MM-DD (UTC)");
    o->stats->add_option("--to", o->to, "Only ratings that reached the hub on or before this day, YYYY-MM-DD (UTC)");
    auto* json = o->stats->add_flag("--json", o->json,
                                    "One JSON document: by, from, to, rows[] (key null = not placed in a group), total, "
                                    "unreadable; rates as fractions 0-1, null when nothing to divide by");
    auto* csv = o->stats->add_flag("--csv", o->csv,
                                   "CSV with a header row, one row per group; rates as percentages with one decimal, n/a "
                                   "when nothing to divide by");
    json->excludes(csv);

    o->bad = ratings->add_subcommand("bad", "Bad ratings (差评), oldest first, with their follow-up steps and state");
    o->bad->add_flag("--open", o->openOnly, "Only those without a feedback (反馈) step yet");
    o->bad->add_flag("--contact", o->fullContact,
                     "Show the call-back contact in full (default masked: 王**, 138****5678); for the member of staff "
                     "calling back — do not paste it into tickets or logs");
    o->bad->add_flag("--json", o->json, "One JSON object per bad rating, one per line");

    o->followUp = ratings->add_subcommand("follow-up", "Record a follow-up step of a bad rating");
    o->followUp->add_option("UUID", o->uuid, "The rating's id (uuid), as `ratings bad` lists it")->required();
    o->followUp
        ->add_option("ACTION", o->action,
                     "callback (核实回访: called the visitor back), rectified (整改: fixed), explained (说明: explained, "
                     "no fault), appealed (申诉复核: under appeal review), feedback (反馈: outcome told to the visitor; "
                     "closes it)")
        ->required();
    o->followUp->add_option("--note", o->note, "Internal note (stays at the hub; no personal data)");
    o->followUp->add_option("--actor", o->actor, "Who took the step")->capture_default_str();

    for (auto* sub : {o->stats, o->bad, o->followUp}) sub->fallthrough();

    return [o]() -> int {
        auto db = openHubDatabase(o->dataDir, o->dbSpec);
        if (!db) return cliFailure(db.error());
        if (o->stats->parsed()) return runStats(*o, **db);
        if (o->bad->parsed()) return runBad(*o, **db);
        if (o->followUp->parsed()) return runFollowUp(*o, **db);
        return 2;
    };
}

}  // namespace kiosk::hub
