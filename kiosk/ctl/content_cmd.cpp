// kioskctl content import | import-doc | stats | search. The import itself
// is contentbuild::importFiles (the hub's web console runs it too); this file
// only turns flags into ImportOptions and results into text and exit codes.
#include "content_cmd.h"

#include "base/time_text.h"
#include "contentbuild/importer.h"
#include "store/content_store.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

namespace kiosk::ctl {
namespace {

using nlohmann::json;

struct Options {
    std::vector<std::string> files;
    std::string out, db, query, district, level = "区", topic, version, asOf;
    int limit = 10;
    bool json = false;
};

contentbuild::ImportOptions importOptions(const Options& o, bool docsOnly) {
    contentbuild::ImportOptions io;
    io.district = o.district;
    io.level = o.level;
    io.topic = o.topic;
    io.version = o.version;
    io.asOf = o.asOf;
    io.docsOnly = docsOnly;
    return io;
}

// Exit codes: 2 when the files are at fault (the editor fixes them), 1 when
// writing the database failed (the machine is at fault).
int runImport(const Options& o, bool docsOnly) {
    const auto io = importOptions(o, docsOnly);
    auto prepared = contentbuild::prepareImport(o.files, io);
    if (!prepared) {
        fmt::print(stderr, "kioskctl: {}\n", prepared.error().message);
        return 2;
    }
    if (o.out.empty()) {
        fmt::print(stderr, "kioskctl: --out DB is required\n");
        return 2;
    }
    auto result = contentbuild::writeImport(*prepared, o.out, io);
    if (!result) {
        fmt::print(stderr, "kioskctl: {}\n", result.error().message);
        return 1;
    }
    const json& s = result->summary;
    if (o.json) {
        fmt::print("{}\n", s.dump(2));
        return 0;
    }
    for (const auto& w : s["warnings"]) fmt::print(stderr, "warning: {}\n", w.get<std::string>());
    fmt::print("wrote {}: {} services, {} bundles, {} documents with {} measures, {} guides\n", o.out,
               s["services"].get<long>(), s["bundles"].get<long>(), s["documents"].get<long>(),
               s["measures"].get<long>(), s["guides"].get<long>());
    if (const auto& reasons = prepared->content.ratingReasons; !reasons.version.empty())
        fmt::print("  好差评 reason set {}: {} reasons\n", reasons.version, s["rating_reasons"].get<long>());
    if (s.contains("imported_documents"))
        for (const auto& d : s["imported_documents"])
            fmt::print("  {}: {} measures ({} with responsible units), {} warnings\n", d["file"].get<std::string>(),
                       d["measures"].get<int>(), d["measures_with_units"].get<int>(), d["warnings"].size());
    return 0;
}

int runStats(const Options& o) {
    auto store = store::ContentStore::open(o.db);
    if (!store) {
        fmt::print(stderr, "kioskctl: {}\n", store.error().message);
        return 1;
    }
    auto i = store->info();
    if (!i) {
        fmt::print(stderr, "kioskctl: {}\n", i.error().message);
        return 1;
    }
    auto reasons = store->ratingReasons();
    if (!reasons) {
        fmt::print(stderr, "kioskctl: {}\n", reasons.error().message);
        return 1;
    }
    std::vector<std::size_t> perLevel;  // very_satisfied … very_dissatisfied
    for (const auto& level : reasons->levels) perLevel.push_back(level.size());
    std::size_t reasonCount = 0;
    for (std::size_t n : perLevel) reasonCount += n;
    if (o.json) {
        fmt::print("{}\n", json{{"schema", i->schema},         {"version", i->version},   {"created", i->created},
                                {"services", i->services},     {"bundles", i->bundles},   {"documents", i->documents},
                                {"measures", i->measures},     {"guides", i->guides},     {"departments", i->departments},
                                {"halls", i->halls},           {"search_rows", i->searchRows},
                                {"fold_mappings", i->foldMappings},
                                {"rating_reasons_version", reasons->version},
                                {"rating_reasons", reasonCount},
                                {"rating_reasons_per_level", perLevel}}
                               .dump(2));
    } else {
        fmt::print("{}: schema v{}, content version {} (created {})\n", o.db, i->schema, i->version, i->created);
        fmt::print("  {} services, {} bundles, {} departments, {} halls\n", i->services, i->bundles, i->departments,
                   i->halls);
        fmt::print("  {} policy documents, {} measures, {} support guides\n", i->documents, i->measures, i->guides);
        fmt::print("  {} searchable rows, {} Traditional→Simplified mappings\n", i->searchRows, i->foldMappings);
        if (reasons->version.empty())
            fmt::print("  no 好差评 reason set\n");
        else
            fmt::print("  好差评 reason set {}: {} reasons ({} per level, 非常满意 to 非常不满意)\n", reasons->version,
                       reasonCount, fmt::join(perLevel, "/"));
    }
    return 0;
}

int runSearch(const Options& o) {
    auto store = store::ContentStore::open(o.db);
    if (!store) {
        fmt::print(stderr, "kioskctl: {}\n", store.error().message);
        return 1;
    }
    auto hits = store->search(o.query, o.limit, localDateTime(std::time(nullptr)).substr(0, 10));
    if (!hits) {
        fmt::print(stderr, "kioskctl: {}\n", hits.error().message);
        return 1;
    }
    int n = 0;
    for (const auto& h : *hits) {
        if (o.json) {
            fmt::print("{}\n", json{{"id", h.id},
                                    {"kind", h.kind},
                                    {"title", content::renderMarks(h.title, "", "")},
                                    {"snippet", content::renderMarks(h.snippet, "【", "】")},
                                    {"score", h.score},
                                    {"expired", h.expired}}
                                   .dump());
        } else {
            fmt::print("{:2}. [{}] {}{}\n    {}\n", ++n, h.kind, content::renderMarks(h.title, "【", "】"),
                       h.expired ? "  (已失效 expired)" : "", content::renderMarks(h.snippet, "【", "】"));
        }
    }
    if (!o.json && hits->empty()) fmt::print("no results for '{}'\n", o.query);
    return 0;
}

}  // namespace

std::function<int()> addContentCommands(CLI::App& app) {
    auto o = std::make_shared<Options>();
    auto* content = app.add_subcommand("content", "Build and inspect content databases (services, policies)");
    content->require_subcommand(1);

    auto* imp = content->add_subcommand(
        "import", "Build a content database from authoring files (.json, .csv; docs/CONTENT-FORMAT.md) and policy "
                  "documents (.txt)");
    imp->add_option("FILES", o->files, "Input files")->required()->check(CLI::ExistingFile);
    imp->add_option("--out", o->out, "Database to write (replaced only when the import succeeds)")->required();
    imp->add_option("--district", o->district, "District of the .txt policy documents, e.g. 青浦区");
    imp->add_option("--level", o->level, "Level of the .txt policy documents: 国家, 市, 区 or 街镇")
        ->check(CLI::IsMember({"国家", "市", "区", "街镇"}));
    imp->add_option("--topic", o->topic, "Topic of the .txt policy documents, e.g. 营商环境");
    imp->add_option("--version", o->version, "Content version to record (default: the current time)");
    imp->add_option("--as-of", o->asOf, "Rank documents expired as of this date, YYYY-MM-DD (default: today)");
    imp->add_flag("--json", o->json, "Print a JSON summary");

    auto* doc = content->add_subcommand("import-doc", "Import policy documents published as plain text");
    doc->add_option("FILES", o->files, "Plain-text policy documents")->required()->check(CLI::ExistingFile);
    doc->add_option("--out", o->out, "Database to write")->required();
    doc->add_option("--district", o->district, "District the documents apply to, e.g. 青浦区");
    doc->add_option("--level", o->level, "国家, 市, 区 or 街镇")->check(CLI::IsMember({"国家", "市", "区", "街镇"}));
    doc->add_option("--topic", o->topic, "Topic, e.g. 营商环境");
    doc->add_flag("--json", o->json,
                  "Print a JSON summary: documents, measures per document and level, measures with responsible units, "
                  "warnings, normalisations");

    auto* stats = content->add_subcommand("stats", "Print what a content database holds");
    stats->add_option("DB", o->db, "Content database")->required()->check(CLI::ExistingFile);
    stats->add_flag("--json", o->json, "Print JSON");

    auto* search = content->add_subcommand("search", "Search a content database as the kiosk does");
    search->add_option("--db", o->db, "Content database")->required()->check(CLI::ExistingFile);
    search->add_option("QUERY", o->query, "What a visitor would type")->required();
    search->add_option("--limit", o->limit, "Number of hits (default 10)")->check(CLI::Range(1, 1000));
    search->add_flag("--json", o->json, "One JSON object per line: id, kind, title, snippet, score");

    return [=]() -> int {
        if (imp->parsed()) return runImport(*o, false);
        if (doc->parsed()) return runImport(*o, true);
        if (stats->parsed()) return runStats(*o);
        if (search->parsed()) return runSearch(*o);
        return -1;
    };
}

}  // namespace kiosk::ctl
