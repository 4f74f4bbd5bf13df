// kioskctl content import | import-doc | stats | search.
#include "content_cmd.h"

#include "content/authoring.h"
#include "contentbuild/content_writer.h"
#include "docimport/doc_import.h"
#include "store/content_store.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiosk::ctl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Options {
    std::vector<std::string> files;
    std::string out, db, query, district, level = "区", topic, version, asOf;
    int limit = 10;
    bool json = false;
};

std::string todayIso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string nowIso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

content::Measure toContent(const docimport::Measure& m) {
    content::Measure out{m.number, m.heading, m.text, m.units, {}};
    for (const auto& c : m.children) out.children.push_back(toContent(c));
    return out;
}

std::string slug(const fs::path& p) {
    std::string s;
    for (char ch : p.stem().string()) {
        const char c = char(std::tolower(static_cast<unsigned char>(ch)));
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) s += c;
        else if (!s.empty() && s.back() != '-') s += '-';
    }
    while (!s.empty() && s.back() == '-') s.pop_back();
    return s.empty() ? "document" : s;
}

struct ImportedDoc {
    std::string file;
    docimport::Document doc;
};

Result<ImportedDoc> readPolicyText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorCode::NotFound, fmt::format("cannot read {}", path));
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = docimport::importText(ss.str(), path);
    if (!doc) return std::unexpected(doc.error());
    return ImportedDoc{path, std::move(*doc)};
}

// "青浦区2025年…" → "青浦区": the first two or three Chinese characters
// before the first 区 of the title, for documents imported without --district.
std::string districtFromTitle(const std::string& title) {
    const std::string qu = "区";
    const auto at = title.find(qu);
    if (at == std::string::npos) return {};
    for (std::size_t chars : {2u, 3u}) {
        if (at < chars * 3) continue;
        const std::string name = title.substr(at - chars * 3, chars * 3 + qu.size());
        bool cjk = true;
        for (std::size_t i = 0; i < chars * 3; i += 3) cjk &= static_cast<unsigned char>(name[i]) >= 0xE4;
        if (cjk) return name;
    }
    return {};
}

content::PolicyDocument toPolicy(const ImportedDoc& d, const Options& o) {
    content::PolicyDocument p;
    p.id = "doc." + slug(d.file);
    p.title = d.doc.title.empty() ? fs::path(d.file).stem().string() : d.doc.title;
    p.issuers = d.doc.issuers;
    p.docNumber = d.doc.docNumber;
    p.written = d.doc.written;
    p.published = d.doc.published;
    p.effective = d.doc.effective;
    p.expiry = d.doc.expiry;
    p.validity = "有效";
    p.level = o.level;
    p.district = o.district.empty() ? districtFromTitle(p.title) : o.district;
    p.topic = o.topic;
    p.source = fs::path(d.file).filename().string();
    for (const auto& m : d.doc.measures) p.measures.push_back(toContent(m));
    return p;
}

json docSummary(const ImportedDoc& d) {
    std::vector<int> perLevel;
    std::function<void(const std::vector<docimport::Measure>&, std::size_t)> walk =
        [&](const std::vector<docimport::Measure>& ms, std::size_t depth) {
            for (const auto& m : ms) {
                if (perLevel.size() <= depth) perLevel.resize(depth + 1, 0);
                ++perLevel[depth];
                walk(m.children, depth + 1);
            }
        };
    walk(d.doc.measures, 0);
    return {{"file", d.file},
            {"title", d.doc.title},
            {"doc_number", d.doc.docNumber},
            {"issuers", d.doc.issuers},
            {"published", d.doc.published},
            {"traditional", d.doc.traditional},
            {"measures", docimport::countMeasures(d.doc)},
            {"measures_per_level", perLevel},
            {"measures_with_units", docimport::countMeasuresWithUnits(d.doc)},
            {"warnings", d.doc.warnings},
            {"normalisations", d.doc.normalisations}};
}

int build(const Options& o, content::Content c, const std::vector<std::string>& warnings, const json& docs) {
    if (o.out.empty()) {
        fmt::print(stderr, "kioskctl: --out DB is required\n");
        return 2;
    }
    contentbuild::BuildOptions b;
    b.version = o.version.empty() ? nowIso() : o.version;
    b.created = nowIso();
    b.today = o.asOf.empty() ? todayIso() : o.asOf;
    auto stats = contentbuild::writeContentDb(c, o.out, b);
    if (!stats) {
        fmt::print(stderr, "kioskctl: {}\n", stats.error().message);
        return 1;
    }
    std::vector<std::string> all = warnings;
    all.insert(all.end(), stats->warnings.begin(), stats->warnings.end());
    if (o.json) {
        json j = {{"out", o.out},          {"version", b.version},       {"services", stats->services},
                  {"bundles", stats->bundles}, {"documents", stats->documents}, {"measures", stats->measures},
                  {"guides", stats->guides}, {"search_rows", stats->searchRows},
                  {"rating_reasons", stats->ratingReasons}, {"warnings", all}};
        if (!docs.empty()) j["imported_documents"] = docs;
        fmt::print("{}\n", j.dump(2));
    } else {
        for (const auto& w : all) fmt::print(stderr, "warning: {}\n", w);
        fmt::print("wrote {}: {} services, {} bundles, {} documents with {} measures, {} guides\n", o.out,
                   stats->services, stats->bundles, stats->documents, stats->measures, stats->guides);
        if (!c.ratingReasons.version.empty())
            fmt::print("  好差评 reason set {}: {} reasons\n", c.ratingReasons.version, stats->ratingReasons);
        for (const auto& d : docs)
            fmt::print("  {}: {} measures ({} with responsible units), {} warnings\n", d["file"].get<std::string>(),
                       d["measures"].get<int>(), d["measures_with_units"].get<int>(), d["warnings"].size());
    }
    return 0;
}

int runImport(const Options& o, bool docsOnly) {
    std::vector<std::string> authoring;
    std::vector<ImportedDoc> docs;
    for (const auto& f : o.files) {
        const auto ext = fs::path(f).extension().string();
        if (docsOnly || ext == ".txt") {
            auto d = readPolicyText(f);
            if (!d) {
                fmt::print(stderr, "kioskctl: {}\n", d.error().message);
                return 2;
            }
            docs.push_back(std::move(*d));
        } else if (ext == ".json" || ext == ".csv") {
            authoring.push_back(f);
        } else {
            fmt::print(stderr, "kioskctl: {}: unknown kind of file; use .json or .csv (authoring) or .txt (a policy document)\n", f);
            return 2;
        }
    }
    content::AuthoringResult read;
    if (!authoring.empty()) {
        auto r = content::readAuthoringFiles(authoring);
        if (!r) {
            fmt::print(stderr, "kioskctl: {}\n", r.error().message);
            return 2;
        }
        read = std::move(*r);
    }
    json summaries = json::array();
    for (const auto& d : docs) {
        auto p = toPolicy(d, o);
        for (const auto& existing : read.content.documents)
            if (existing.id == p.id) {
                fmt::print(stderr, "kioskctl: {} would be document {}, which the authoring files already define\n",
                           d.file, p.id);
                return 2;
            }
        read.content.documents.push_back(std::move(p));
        summaries.push_back(docSummary(d));
    }
    return build(o, std::move(read.content), read.warnings, summaries);
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
    auto hits = store->search(o.query, o.limit, todayIso());
    if (!hits) {
        fmt::print(stderr, "kioskctl: {}\n", hits.error().message);
        return 1;
    }
    int n = 0;
    for (const auto& h : *hits) {
        if (o.json) {
            fmt::print("{}\n", json{{"id", h.id},
                                    {"kind", h.kind},
                                    {"title", store::renderMarks(h.title, "", "")},
                                    {"snippet", store::renderMarks(h.snippet, "【", "】")},
                                    {"score", h.score},
                                    {"expired", h.expired}}
                                   .dump());
        } else {
            fmt::print("{:2}. [{}] {}{}\n    {}\n", ++n, h.kind, store::renderMarks(h.title, "【", "】"),
                       h.expired ? "  (已失效 expired)" : "", store::renderMarks(h.snippet, "【", "】"));
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
