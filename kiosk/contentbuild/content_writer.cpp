// Content database writer: schema, fold table, rows, search index, rename.
#include "content_writer.h"

#include "base/log.h"
#include "store/content_store.h"
#include "store/fts_tokenizer.h"
#include "store/schema.h"
#include "sqlite/sqlite.h"
#include "store/text_fold.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencc/opencc.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace kiosk::contentbuild {
namespace {

using sql::Database;
using store::TextFolder;
using nlohmann::json;

auto logger() { return log::channel("content"); }

// Converts `text` with an OpenCC config ("t2s.json"); "" on failure.
std::string convert(const char* config, const std::string& text) {
    opencc_t cc = opencc_open(config);
    if (cc == reinterpret_cast<opencc_t>(-1)) return {};
    char* out = opencc_convert_utf8(cc, text.c_str(), text.size());
    std::string result = out ? out : "";
    if (out) opencc_convert_utf8_free(out);
    opencc_close(cc);
    return result;
}

// Traditional→Simplified for single characters: every CJK character on its
// own line through OpenCC's t2s, so no phrase rule crosses characters.
Result<std::vector<std::pair<char32_t, char32_t>>> foldPairs() {
    std::string input;
    std::vector<char32_t> chars;
    for (char32_t c = 0x3400; c <= 0x9FFF; ++c) {
        if (c > 0x4DBF && c < 0x4E00) continue;
        chars.push_back(c);
    }
    for (char32_t c = 0xF900; c <= 0xFAFF; ++c) chars.push_back(c);
    for (char32_t c : chars) {
        appendUtf8(input, c);
        input += '\n';
    }
    const std::string out = convert("t2s.json", input);
    if (out.empty())
        return fail(ErrorCode::Unsupported,
                    fmt::format("OpenCC t2s is not usable ({}); install libopencc1.1 and opencc data", opencc_error()));
    std::vector<std::pair<char32_t, char32_t>> pairs;
    std::istringstream lines(out);
    std::string line;
    for (char32_t c : chars) {
        if (!std::getline(lines, line)) break;
        std::size_t i = 0;
        if (line.empty()) continue;
        const char32_t to = decodeUtf8(line, i);
        if (i == line.size() && to != c) pairs.emplace_back(c, to);
    }
    return pairs;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

bool inForce(const content::PolicyDocument& d, std::string_view today) {
    if (d.validity != "有效") return false;
    return d.expiry.empty() || today.empty() || d.expiry >= today;
}

json serviceDetail(const content::Service& s) {
    json steps = json::array(), materials = json::array(), faq = json::array(), locations = json::array();
    for (const auto& st : s.steps) steps.push_back({{"name", st.name}, {"text", st.text}});
    for (const auto& m : s.materials)
        materials.push_back({{"name", m.name}, {"form", m.form}, {"originals", m.originals}, {"copies", m.copies},
                             {"required", m.required}, {"tolerated_missing", m.toleratedMissing},
                             {"blank_form", m.blankForm}, {"sample", m.sample}, {"notes", m.notes}});
    for (const auto& f : s.faq) faq.push_back({{"q", f.q}, {"a", f.a}});
    for (const auto& l : s.locations) locations.push_back({{"hall", l.hall}, {"windows", l.windows}});
    return {{"co_departments", s.coDepartments},
            {"applicants", s.applicants},
            {"conditions", s.conditions},
            {"legal_basis", s.legalBasis},
            {"steps", steps},
            {"materials", materials},
            {"faq", faq},
            {"locations", locations},
            {"channels",
             {{"window", s.channels.window},
              {"online_url", s.channels.onlineUrl},
              {"mobile", s.channels.mobile},
              {"post", s.channels.post},
              {"self_service_terminal", s.channels.selfServiceTerminal},
              {"appointment", s.channels.appointment}}},
            {"result_delivery", s.resultDelivery},
            {"tags", s.tags}};
}

struct Writer {
    Database& db;
    const content::Content& c;
    const BuildOptions& opt;
    const PinyinInitials& pinyin;
    BuildStats stats;
    std::map<std::string, std::string> departmentNames;
    std::map<std::string, std::string> serviceNames;
    std::int64_t searchRow = 0;
    // Prepared once: an import writes one search row per service, bundle,
    // document, measure and guide (over 100,000 in the benchmark).
    std::optional<sql::Statement> searchInsert, measureInsert;

    // Prepares `sql` into `slot` on first use.
    Result<sql::Statement*> prepared(std::optional<sql::Statement>& slot, std::string_view sqlText) {
        if (!slot) {
            auto st = db.prepare(sqlText);
            if (!st) return std::unexpected(st.error());
            slot.emplace(std::move(*st));
        }
        return &*slot;
    }

    Result<void> searchDoc(std::string_view kind, std::string_view ref, std::string_view title, std::string_view body,
                           std::string_view context, std::string_view expiry, std::string_view validity) {
        auto st = prepared(searchInsert, "INSERT INTO search_doc(rowid, kind, ref, title, body, context, expiry, "
                                         "validity) VALUES(?,?,?,?,?,?,?,?)");
        if (!st) return std::unexpected(st.error());
        (*st)->bindAll(++searchRow, kind, ref, title, body, context, expiry, validity);
        ++stats.searchRows;
        return (*st)->run();
    }

    Result<void> departments() {
        auto st = db.prepare("INSERT INTO department VALUES(?,?,?,?,?,?)");
        if (!st) return std::unexpected(st.error());
        for (const auto& d : c.departments) {
            departmentNames[d.id] = d.name;
            st->bind(1, d.id).bind(2, d.name).bind(3, d.nameEn).bind(4, d.creditCode).bind(5, d.phone).bind(6, d.address);
            if (auto r = st->run(); !r) return r;
        }
        auto h = db.prepare("INSERT INTO hall VALUES(?,?,?,?,?)");
        auto w = db.prepare("INSERT INTO hall_window VALUES(?,?,?,?,?)");
        if (!h || !w) return std::unexpected(!h ? h.error() : w.error());
        for (const auto& hall : c.halls) {
            h->bind(1, hall.id).bind(2, hall.name).bind(3, hall.nameEn).bind(4, hall.address).bind(5, hall.hours);
            if (auto r = h->run(); !r) return r;
            for (const auto& win : hall.windows) {
                w->bind(1, hall.id).bind(2, win.no).bind(3, win.name).bind(4, win.nameEn).bind(5, win.department);
                if (auto r = w->run(); !r) return r;
            }
        }
        return {};
    }

    Result<void> services() {
        auto st = db.prepare("INSERT INTO service VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!st) return std::unexpected(st.error());
        // High-frequency (高频) services rank first, then the authoring order.
        std::vector<const content::Service*> order;
        for (const auto& s : c.services) order.push_back(&s);
        std::stable_partition(order.begin(), order.end(), [](const content::Service* s) {
            return std::find(s->tags.begin(), s->tags.end(), "高频") != s->tags.end();
        });
        int ord = 0;
        for (const content::Service* sp : order) {
            const auto& s = *sp;
            serviceNames[s.id] = s.name;
            const bool hf = std::find(s.tags.begin(), s.tags.end(), "高频") != s.tags.end();
            const std::string initials = pinyin.initials(s.name);
            const std::string detail = serviceDetail(s).dump();
            st->bindAll(s.id, ord++, s.basicCode, s.implCode, s.version, s.status, s.name, s.nameEn, s.summary,
                        s.summaryEn, s.type, s.department, s.theme, s.caseKind, s.statutory.value,
                        content::timeUnitName(s.statutory.unit), s.promised.value, content::timeUnitName(s.promised.unit),
                        s.visits, s.scope, s.feesCharged, s.feesBasis, s.phoneConsult, s.phoneComplaint,
                        s.channels.onlineUrl, s.resultName, hf, initials, detail);
            if (auto r = st->run(); !r) return r;
            ++stats.services;
            std::vector<std::string> body{s.summary, s.theme};
            for (const auto& m : s.materials) body.push_back(m.name);
            for (const auto& x : s.conditions) body.push_back(x);
            for (const auto& x : s.steps) body.push_back(x.name + " " + x.text);
            for (const auto& x : s.tags) body.push_back(x);
            body.push_back(departmentNames[s.department]);
            body.push_back(s.nameEn);  // last, so snippets rarely start inside it
            if (auto r = searchDoc("service", s.id, s.name, join(body, "\n"), departmentNames[s.department], "", "");
                !r)
                return r;
        }
        return {};
    }

    Result<void> bundles() {
        auto st = db.prepare("INSERT INTO bundle VALUES(?,?,?,?,?,?,?,?)");
        if (!st) return std::unexpected(st.error());
        int ord = 0;
        for (const auto& b : c.bundles) {
            st->bind(1, b.id).bind(2, ord++).bind(3, b.name).bind(4, b.nameEn).bind(5, b.summary);
            st->bind(6, b.promised.value).bind(7, content::timeUnitName(b.promised.unit)).bind(8, json(b.services).dump());
            if (auto r = st->run(); !r) return r;
            ++stats.bundles;
            std::vector<std::string> body{b.summary, b.nameEn};
            for (const auto& id : b.services) body.push_back(serviceNames[id]);
            if (auto r = searchDoc("bundle", b.id, b.name, join(body, "\n"), "", "", ""); !r) return r;
        }
        return {};
    }

    Result<std::int64_t> measure(const content::PolicyDocument& d, const content::Measure& m,
                                 std::optional<std::int64_t> parent, int ord, int depth, const std::string& parentPath,
                                 int& count) {
        const std::string path = parentPath.empty() ? m.number : parentPath + "/" + m.number;
        auto st = prepared(measureInsert, "INSERT INTO measure(document, parent, ord, depth, number, path, heading, "
                                          "text, units) VALUES(?,?,?,?,?,?,?,?,?)");
        if (!st) return std::unexpected(st.error());
        (*st)->bind(1, d.id);
        if (parent) (*st)->bind(2, *parent);
        else (*st)->bindNull(2);
        (*st)->bind(3, ord).bind(4, depth).bind(5, m.number).bind(6, path).bind(7, m.heading).bind(8, m.text);
        (*st)->bind(9, json(m.units).dump());
        if (auto r = (*st)->run(); !r)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("document {}: measure {} could not be stored ({}); are two measures numbered the "
                                    "same at one level?",
                                    d.id, path, r.error().message));
        const std::int64_t id = db.lastInsertRowid();
        ++count;
        ++stats.measures;
        int childOrd = 0;
        for (const auto& child : m.children) {
            auto r = measure(d, child, id, childOrd++, depth + 1, path, count);
            if (!r) return r;
        }
        return id;
    }

    Result<void> searchMeasures(const content::PolicyDocument& d, const content::Measure& m, const std::string& parentPath) {
        const std::string path = parentPath.empty() ? m.number : parentPath + "/" + m.number;
        std::string title = m.heading;
        if (title.empty()) {
            std::size_t i = 0, n = 0;
            while (i < m.text.size() && n < 28) {
                (void)decodeUtf8(m.text, i);
                ++n;
            }
            title = m.text.substr(0, i) + (i < m.text.size() ? "…" : "");
        }
        const std::string body = m.units.empty() ? m.text : m.text + "\n" + join(m.units, "、");
        if (auto r = searchDoc("measure", d.id + "#" + path, m.number + " " + title, body, d.title, d.expiry, d.validity);
            !r)
            return r;
        for (const auto& child : m.children)
            if (auto r = searchMeasures(d, child, path); !r) return r;
        return {};
    }

    Result<void> documents() {
        // In force first (newest first), then expired: the static search rank.
        std::vector<const content::PolicyDocument*> order;
        for (const auto& d : c.documents) order.push_back(&d);
        std::stable_sort(order.begin(), order.end(), [&](const auto* a, const auto* b) {
            const bool fa = inForce(*a, opt.today), fb = inForce(*b, opt.today);
            if (fa != fb) return fa;
            return std::max(a->published, a->effective) > std::max(b->published, b->effective);
        });
        auto st = db.prepare("INSERT INTO policy_document VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!st) return std::unexpected(st.error());
        for (const content::PolicyDocument* dp : order) {
            const auto& d = *dp;
            int count = 0;
            int ord = 0;
            for (const auto& m : d.measures) {
                auto r = measure(d, m, std::nullopt, ord++, 0, "", count);
                if (!r) return std::unexpected(r.error());
            }
            const std::string date = !d.published.empty() ? d.published : !d.written.empty() ? d.written : d.effective;
            const int year = date.size() >= 4 ? std::atoi(date.substr(0, 4).c_str()) : 0;
            st->bindAll(d.id, d.title, json(d.issuers).dump(), d.docNumber, d.written, d.published, d.effective,
                        d.expiry, d.validity, d.level, d.district, d.topic, d.source, year, count);
            if (auto r = st->run(); !r) return r;
            ++stats.documents;
            // Guides of this document rank with it.
            for (const auto& g : c.guides) {
                if (g.document != d.id) continue;
                if (auto r = guide(d, g); !r) return r;
            }
            const std::string body = join(d.issuers, " ") + " " + d.docNumber + " " + d.topic + " " + d.district;
            if (auto r = searchDoc("document", d.id, d.title, body, d.docNumber, d.expiry, d.validity); !r) return r;
            for (const auto& m : d.measures)
                if (auto r = searchMeasures(d, m, ""); !r) return r;
        }
        return {};
    }

    // 好差评 reason options, in the editors' order within each level; the
    // set's version goes into meta with the other rows.
    Result<void> ratingReasons() {
        auto st = db.prepare("INSERT INTO rating_reason(level, ord, code, text, text_en) VALUES(?,?,?,?,?)");
        if (!st) return std::unexpected(st.error());
        for (int level = 0; level < records::kRatingLevels; ++level) {
            int ord = 0;
            for (const auto& r : c.ratingReasons.levels[level]) {
                st->bindAll(records::kRatingLevelList[std::size_t(level)].code, ord++, r.code, r.text, r.textEn);
                if (auto res = st->run(); !res)
                    return fail(ErrorCode::InvalidArgument,
                                fmt::format("rating reason {} ({}) could not be stored ({}); is its code used twice?",
                                            r.code, records::kRatingLevelList[std::size_t(level)].code, res.error().message));
                ++stats.ratingReasons;
            }
        }
        return {};
    }

    Result<void> guide(const content::PolicyDocument& d, const content::Guide& g) {
        auto id = db.prepare("SELECT id FROM measure WHERE document = ? AND path = ?");
        if (!id) return std::unexpected(id.error());
        id->bind(1, d.id).bind(2, g.measurePath);
        auto row = id->step();
        if (!row) return std::unexpected(row.error());
        if (!*row)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("guide {}: document {} has no measure {}", g.id, d.id, g.measurePath));
        const std::int64_t measureId = id->integer(0);
        json rule = json::array();
        for (const auto& r : c.rules) {
            if (r.guide != g.id) continue;
            for (const auto& cond : r.conditions)
                rule.push_back({{"attr", cond.attr}, {"op", cond.op}, {"values", cond.values}, {"value", cond.value}});
        }
        auto st = db.prepare("INSERT INTO guide VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!st) return std::unexpected(st.error());
        st->bindAll(g.id, d.id, measureId, g.title, g.beneficiaries, g.conditions, g.amount, g.window, g.payout,
                    g.where, g.phone, content::redemptionModeName(g.mode), rule.dump());
        if (auto r = st->run(); !r) return r;
        ++stats.guides;
        // A guide opens the measure it belongs to, which shows the guide.
        return searchDoc("guide", d.id + "#" + g.measurePath, g.title, g.beneficiaries + "\n" + g.conditions + "\n" + g.amount, d.title,
                         d.expiry, d.validity);
    }
};

}  // namespace

Result<void> PinyinInitials::load(const std::string& path, const std::unordered_map<char32_t, char32_t>& t2s) {
    std::ifstream in(path);
    if (!in) return fail(ErrorCode::NotFound, fmt::format("pinyin dictionary {} not found (install rime-data-luna-pinyin)", path));
    std::string line;
    bool body = false;
    std::unordered_map<char32_t, double> best;
    while (std::getline(in, line)) {
        if (!body) {
            body = line == "...";
            continue;
        }
        const auto t1 = line.find('\t');
        if (t1 == std::string::npos || t1 == 0 || line[0] == '#') continue;
        const auto t2 = line.find('\t', t1 + 1);
        const std::string code = line.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1);
        double weight = t2 == std::string::npos ? 100.0 : std::atof(line.c_str() + t2 + 1);
        std::string initials;
        bool start = true;
        for (char ch : code) {
            if (ch == ' ') start = true;
            else if (start) {
                initials += ch;
                start = false;
            }
        }
        // The entry's text in Simplified, character by character.
        std::string word;
        std::size_t i = 0, n = 0;
        char32_t first = 0;
        bool traditionalForm = false;
        while (i < t1) {
            char32_t cp = decodeUtf8(std::string_view(line).substr(0, t1), i);
            if (auto it = t2s.find(cp); it != t2s.end()) {
                cp = it->second;
                traditionalForm = true;
            }
            if (n++ == 0) first = cp;
            appendUtf8(word, cp);
        }
        if (n == 1 && initials.size() == 1) {
            if (traditionalForm) weight += 1000.0;  // canonical reading of the simplified character
            if (!best.contains(first) || weight > best[first]) {
                best[first] = weight;
                m_chars[first] = initials[0];
            }
        } else if (n >= 2 && n <= 6 && initials.size() == n && !m_words.contains(word)) {
            m_words.emplace(word, initials);
        }
    }
    if (m_chars.empty()) return fail(ErrorCode::Parse, fmt::format("no entries read from {}", path));
    return {};
}

std::string PinyinInitials::initials(std::string_view text) const {
    std::vector<std::pair<char32_t, std::size_t>> cps;  // code point, byte start
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        cps.emplace_back(decodeUtf8(text, i), start);
    }
    std::string out;
    std::size_t k = 0;
    while (k < cps.size()) {
        bool matched = false;
        for (std::size_t len = std::min<std::size_t>(6, cps.size() - k); len >= 2 && !matched; --len) {
            const std::size_t end = k + len < cps.size() ? cps[k + len].second : text.size();
            const auto it = m_words.find(std::string(text.substr(cps[k].second, end - cps[k].second)));
            if (it != m_words.end()) {
                out += it->second;
                k += len;
                matched = true;
            }
        }
        if (matched) continue;
        const char32_t c = cps[k].first;
        if (auto it = m_chars.find(c); it != m_chars.end()) out += it->second;
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += char(c);
        else if (c >= 'A' && c <= 'Z') out += char(c + 32);
        ++k;
    }
    return out;
}

Result<BuildStats> writeContentDb(const content::Content& content, const std::string& outPath,
                                  const BuildOptions& options) {
    namespace fs = std::filesystem;
    const std::string tmp = fmt::format("{}.tmp-{}", outPath, getpid());
    std::error_code ec;
    fs::remove(tmp, ec);
    struct Cleanup {
        const std::string& path;
        bool keep = false;
        ~Cleanup() {
            std::error_code e;
            if (!keep) fs::remove(path, e);
        }
    } cleanup{tmp};

    auto pairs = foldPairs();
    if (!pairs) return std::unexpected(pairs.error());
    PinyinInitials pinyin;
    BuildStats warnStats;
    const std::unordered_map<char32_t, char32_t> t2s(pairs->begin(), pairs->end());
    if (auto r = pinyin.load(options.pinyinDictionary, t2s); !r) {
        warnStats.warnings.push_back(r.error().message + "; pinyin-initial search is off for this content");
        logger()->warn("{}", warnStats.warnings.back());
    }

    {
        auto db = Database::open(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        if (!db) return std::unexpected(db.error());
        if (auto r = db->exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096"); !r)
            return std::unexpected(r.error());
        auto folder = std::make_shared<TextFolder>();
        for (const auto& [from, to] : *pairs) folder->addMapping(from, to);
        if (auto r = store::registerTokenizer(db->handle(), folder); !r) return std::unexpected(r.error());
        if (auto r = store::migrate(*db); !r) return std::unexpected(r.error());

        sql::Transaction tx(*db);
        if (auto r = tx.begin(); !r) return std::unexpected(r.error());
        auto fm = db->prepare("INSERT INTO fold_map VALUES(?, ?)");
        if (!fm) return std::unexpected(fm.error());
        for (const auto& [from, to] : *pairs) {
            fm->bind(1, std::int64_t(from)).bind(2, std::int64_t(to));
            if (auto r = fm->run(); !r) return std::unexpected(r.error());
        }
        Writer w{*db, content, options, pinyin, std::move(warnStats), {}, {}, 0, {}, {}};
        w.stats.foldMappings = long(pairs->size());
        for (auto step : {&Writer::departments, &Writer::services, &Writer::bundles, &Writer::documents,
                          &Writer::ratingReasons})
            if (auto r = (w.*step)(); !r) return std::unexpected(r.error());
        auto meta = db->prepare("INSERT INTO meta VALUES(?, ?)");
        if (!meta) return std::unexpected(meta.error());
        for (const auto& [k, v] : {std::pair<std::string, std::string>{"version", options.version},
                                   {"created", options.created},
                                   {"format", "kiosk-content/1"},
                                   {"rating_reasons_version", content.ratingReasons.version}}) {
            meta->bind(1, k).bind(2, v);
            if (auto r = meta->run(); !r) return std::unexpected(r.error());
        }
        if (auto r = db->exec("INSERT INTO search_tri(search_tri) VALUES('rebuild');"
                              "INSERT INTO search_uni(search_uni) VALUES('rebuild');");
            !r)
            return std::unexpected(r.error());
        if (auto r = tx.commit(); !r) return std::unexpected(r.error());
        if (auto r = db->exec("INSERT INTO search_tri(search_tri) VALUES('optimize');"
                              "INSERT INTO search_uni(search_uni) VALUES('optimize'); PRAGMA journal_mode = DELETE;");
            !r)
            return std::unexpected(r.error());
        warnStats = std::move(w.stats);
    }
    // The finished file replaces OUT in one step (rename is atomic on one filesystem).
    {
        std::FILE* f = std::fopen(tmp.c_str(), "rb");
        if (f) {
            fsync(fileno(f));
            std::fclose(f);
        }
    }
    fs::rename(tmp, outPath, ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot move {} to {}: {}", tmp, outPath, ec.message()));
    cleanup.keep = true;
    return warnStats;
}

}  // namespace kiosk::contentbuild
