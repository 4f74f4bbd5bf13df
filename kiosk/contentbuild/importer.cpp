// The content import (importer.h): sort files by kind, read them, turn each
// .txt document into a PolicyDocument, write the database, and describe the
// result as kioskctl's JSON summary and an editor's preview. Messages are
// kioskctl's, word for word: the CLI tests and editors' habits depend on them.
#include "importer.h"

#include "base/time_text.h"
#include "content/authoring.h"
#include "contentbuild/content_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string_view>

namespace kiosk::contentbuild {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Leaf measures without a unit are listed by path in one warning per
// document; past this many the warning says how many more.
constexpr std::size_t kUnitlessListed = 20;

// ImportOptions::level; kioskctl checks its flag against the same list, the
// hub passes what an editor chose.
constexpr std::string_view kLevels[] = {"国家", "市", "区", "街镇"};

std::string todayIso() { return localDateTime(std::time(nullptr)).substr(0, 10); }

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

content::PolicyDocument toPolicy(const ImportedDoc& d, const ImportOptions& o) {
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

// ------------------------------------------------------------------ preview

// The measure tree as the preview shows it; `unitless` collects the leaves
// (measures without sub-items) that name no responsible unit.
json measureTree(const std::vector<docimport::Measure>& ms, const std::string& parentPath,
                 std::vector<std::string>& unitless) {
    json out = json::array();
    for (const auto& m : ms) {
        const std::string path = parentPath.empty() ? m.number : parentPath + "/" + m.number;
        if (m.children.empty() && m.units.empty()) unitless.push_back(fmt::format("{} (line {})", path, m.line));
        out.push_back({{"number", m.number},
                       {"path", path},
                       {"heading", m.heading},
                       {"text", m.text},
                       {"units", m.units},
                       {"line", m.line},
                       {"children", measureTree(m.children, path, unitless)}});
    }
    return out;
}

json warning(const char* kind, const std::string& file, const std::string& message) {
    return {{"kind", kind}, {"file", file}, {"message", message}};
}

// The document's part of the preview; its warnings go to `warnings`.
json documentPreview(const ImportedDoc& d, const content::PolicyDocument& p, json& warnings) {
    std::vector<std::string> unitless;
    json tree = measureTree(d.doc.measures, "", unitless);
    const int withUnits = docimport::countMeasuresWithUnits(d.doc);
    for (const auto& w : d.doc.warnings) warnings.push_back(warning("document", d.file, w));
    for (const auto& n : d.doc.normalisations) warnings.push_back(warning("normalisation", d.file, n));
    if (withUnits == 0) {
        warnings.push_back(warning("units", d.file,
                                   fmt::format("{}: no measure names a responsible unit (责任单位); check the source "
                                               "if the document assigns them",
                                               d.file)));
    } else if (!unitless.empty()) {
        std::string list;
        for (std::size_t i = 0; i < unitless.size() && i < kUnitlessListed; ++i)
            list += (i == 0 ? "" : ", ") + unitless[i];
        if (unitless.size() > kUnitlessListed) list += fmt::format(" and {} more", unitless.size() - kUnitlessListed);
        warnings.push_back(warning("units", d.file,
                                   fmt::format("{}: {} measure{} without sub-items name{} no responsible unit: {}",
                                               d.file, unitless.size(), unitless.size() == 1 ? "" : "s",
                                               unitless.size() == 1 ? "s" : "", list)));
    }
    return {{"id", p.id},
            {"file", d.file},
            {"source", p.source},
            {"title", p.title},
            {"doc_number", p.docNumber},
            {"issuers", p.issuers},
            {"written", p.written},
            {"published", p.published},
            {"effective", p.effective},
            {"expiry", p.expiry},
            {"validity", p.validity},
            {"district", p.district},
            {"level", p.level},
            {"topic", p.topic},
            {"traditional", d.doc.traditional},
            {"measure_count", docimport::countMeasures(d.doc)},
            {"measures_with_units", withUnits},
            {"measures", std::move(tree)}};
}

long countMeasures(const std::vector<content::Measure>& ms) {
    long n = 0;
    for (const auto& m : ms) n += 1 + countMeasures(m.children);
    return n;
}

}  // namespace

Result<PreparedImport> prepareImport(const std::vector<std::string>& files, const ImportOptions& o) {
    if (std::ranges::find(kLevels, o.level) == std::end(kLevels))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("level '{}' is not one of 国家, 市, 区 or 街镇", o.level));
    // kioskctl's FILES is required; the hub's console could send none, and an
    // empty database published by mistake would blank every kiosk.
    if (files.empty())
        return fail(ErrorCode::InvalidArgument,
                    "no files to import; give authoring files (.json, .csv) or policy documents (.txt)");
    PreparedImport p;
    for (const auto& f : files) {
        const auto ext = fs::path(f).extension().string();
        if (o.docsOnly || ext == ".txt") {
            auto d = readPolicyText(f);
            if (!d) return std::unexpected(d.error());
            p.documents.push_back(std::move(*d));
        } else if (ext == ".json" || ext == ".csv") {
            p.authoringFiles.push_back(f);
        } else {
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{}: unknown kind of file; use .json or .csv (authoring) or .txt (a policy document)",
                                    f));
        }
    }
    if (!p.authoringFiles.empty()) {
        auto r = content::readAuthoringFiles(p.authoringFiles);
        if (!r) return std::unexpected(r.error());
        p.content = std::move(r->content);
        p.warnings = std::move(r->warnings);
    }
    for (const auto& d : p.documents) {
        auto policy = toPolicy(d, o);
        for (const auto& existing : p.content.documents)
            if (existing.id == policy.id)
                return fail(ErrorCode::InvalidArgument,
                            fmt::format("{} would be document {}, which the authoring files already define", d.file,
                                        policy.id));
        p.content.documents.push_back(std::move(policy));
    }
    return p;
}

json importPreview(const PreparedImport& p) {
    const content::Content& c = p.content;
    json warnings = json::array();
    for (const auto& w : p.warnings) {
        std::string file;
        for (const auto& f : p.authoringFiles)
            if (w.starts_with(f + ":")) file = f;
        warnings.push_back(warning("authoring", file, w));
    }

    // Each .txt document is found in the content by the id prepareImport gave
    // it, so the preview shows what will be written even if a caller changed p.
    json documents = json::array();
    std::vector<std::string> textIds;
    for (const auto& d : p.documents) {
        textIds.push_back("doc." + slug(d.file));
        const auto policy = std::ranges::find(c.documents, textIds.back(), &content::PolicyDocument::id);
        if (policy != c.documents.end()) documents.push_back(documentPreview(d, *policy, warnings));
    }

    json services = json::array();
    for (const auto& s : c.services) {
        std::string departmentName;
        for (const auto& d : c.departments)
            if (d.id == s.department) departmentName = d.name;
        services.push_back({{"id", s.id},
                            {"name", s.name},
                            {"department", s.department},
                            {"department_name", departmentName},
                            {"theme", s.theme},
                            {"type", s.type},
                            {"status", s.status}});
    }
    json bundles = json::array();
    for (const auto& b : c.bundles) bundles.push_back({{"id", b.id}, {"name", b.name}, {"services", b.services.size()}});
    json policies = json::array();
    long measures = 0;
    for (const auto& d : c.documents) {
        const long n = countMeasures(d.measures);
        measures += n;
        if (std::ranges::find(textIds, d.id) != textIds.end()) continue;
        policies.push_back({{"id", d.id},
                            {"title", d.title},
                            {"doc_number", d.docNumber},
                            {"level", d.level},
                            {"district", d.district},
                            {"validity", d.validity},
                            {"measures", n}});
    }
    json guides = json::array();
    for (const auto& g : c.guides)
        guides.push_back({{"id", g.id},
                          {"document", g.document},
                          {"measure_path", g.measurePath},
                          {"title", g.title},
                          {"mode", content::redemptionModeName(g.mode)}});
    std::size_t reasons = 0;
    for (const auto& level : c.ratingReasons.levels) reasons += level.size();

    return {{"documents", std::move(documents)},
            {"services", std::move(services)},
            {"bundles", std::move(bundles)},
            {"policies", std::move(policies)},
            {"guides", std::move(guides)},
            {"counts",
             {{"services", c.services.size()},
              {"bundles", c.bundles.size()},
              {"departments", c.departments.size()},
              {"halls", c.halls.size()},
              {"documents", c.documents.size()},
              {"measures", measures},
              {"guides", c.guides.size()},
              {"rules", c.rules.size()}}},
            {"rating_reasons", {{"version", c.ratingReasons.version}, {"reasons", reasons}}},
            {"warnings", std::move(warnings)}};
}

Result<ImportResult> writeImport(const PreparedImport& p, const std::string& outDb, const ImportOptions& o) {
    if (outDb.empty()) return fail(ErrorCode::InvalidArgument, "no database to write was named");
    BuildOptions b;
    b.version = o.version.empty() ? nowIso() : o.version;
    b.created = nowIso();
    b.today = o.asOf.empty() ? todayIso() : o.asOf;
    auto stats = writeContentDb(p.content, outDb, b);
    if (!stats) return std::unexpected(stats.error());

    std::vector<std::string> all = p.warnings;
    all.insert(all.end(), stats->warnings.begin(), stats->warnings.end());
    ImportResult r;
    r.summary = {{"out", outDb},
                 {"version", b.version},
                 {"services", stats->services},
                 {"bundles", stats->bundles},
                 {"documents", stats->documents},
                 {"measures", stats->measures},
                 {"guides", stats->guides},
                 {"search_rows", stats->searchRows},
                 {"rating_reasons", stats->ratingReasons},
                 {"warnings", all}};
    if (!p.documents.empty()) {
        json docs = json::array();
        for (const auto& d : p.documents) docs.push_back(docSummary(d));
        r.summary["imported_documents"] = std::move(docs);
    }
    r.preview = importPreview(p);
    for (const auto& w : stats->warnings) r.preview["warnings"].push_back(warning("build", "", w));
    return r;
}

Result<ImportResult> importFiles(const std::vector<std::string>& files, const std::string& outDb,
                                 const ImportOptions& o) {
    auto p = prepareImport(files, o);
    if (!p) return std::unexpected(p.error());
    return writeImport(*p, outDb, o);
}

}  // namespace kiosk::contentbuild
