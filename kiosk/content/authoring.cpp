// Strict reader of the authoring format. Structure:
//   Source   one file's text, with line lookup for messages
//   Fields   reads one JSON object, remembering which keys were used
//   Reader   walks every kind, then checks cross references
#include "authoring.h"

#include "base/utf8.h"
#include "validate/uscc.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace kiosk::content {
namespace {

using nlohmann::json;

const std::set<std::string> kTypes = {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20", "备案"};
const std::set<std::string> kStatus = {"active", "suspended", "withdrawn"};
const std::set<std::string> kServiceCaseKinds = {"即办件", "承诺件"};
const std::set<std::string> kApplicants = {"自然人", "企业法人", "事业法人", "社会组织法人", "行政机关", "其他"};
const std::set<std::string> kScopes = {"全国", "跨省", "跨市", "跨区"};
const std::set<std::string> kTags = {"高频", "一件事", "告知承诺制", "容缺受理", "秒批", "好办", "快办", "跨省通办"};
const std::set<std::string> kForms = {"paper", "electronic", "both"};
const std::set<std::string> kDelivery = {"window", "post", "electronic"};
const std::set<std::string> kModes = {"免申即享", "快申快享", "常规申报"};
const std::set<std::string> kValidity = {"有效", "已失效", "已废止"};
const std::set<std::string> kLevels = {"国家", "市", "区", "街镇"};
const std::set<std::string> kSizes = {"大", "中", "小", "微"};
const std::set<std::string> kQualifications = {"高新技术企业", "专精特新", "科技型中小企业", "小巨人"};

std::string listOf(const std::set<std::string>& s) {
    std::string out;
    for (const auto& v : s) out += (out.empty() ? "" : ", ") + v;
    return out;
}

struct Source {
    std::string name;
    std::string text;
    std::vector<std::size_t> lineStarts;

    void index() {
        lineStarts = {0};
        for (std::size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n') lineStarts.push_back(i + 1);
    }
    int lineAt(std::size_t offset) const {
        return int(std::upper_bound(lineStarts.begin(), lineStarts.end(), offset) - lineStarts.begin());
    }
    // Best effort: the line of `"key"` after the object whose "id" is `id`.
    int lineOf(std::string_view id, std::string_view key) const {
        if (id.empty()) return 0;
        // Find `"id": "<id>"` (any spacing) with plain searches: called only for messages.
        const std::string quoted = "\"" + std::string(id) + "\"";
        std::size_t at = std::string::npos;
        for (std::size_t p = text.find(quoted); p != std::string::npos && at == std::string::npos;
             p = text.find(quoted, p + 1)) {
            std::size_t k = p;
            while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '\t')) --k;
            if (k == 0 || text[k - 1] != ':') continue;
            --k;
            while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '\t')) --k;
            if (k >= 4 && text.compare(k - 4, 4, "\"id\"") == 0) at = k - 4;
        }
        if (at == std::string::npos) return 0;
        if (key.empty() || key == "id") return lineAt(at);
        // Keys may come before "id" in an object: search back to the object's '{' first.
        std::size_t open = text.rfind('{', at);
        if (open == std::string::npos) open = at;
        const auto k = text.find("\"" + std::string(key) + "\"", open);
        if (k != std::string::npos && k < at + 4000) return lineAt(k);
        return lineAt(at);
    }

    // Exact positions for objects without an "id" (rating_reasons): a walk
    // over the text, which has already parsed as JSON. Offsets point at a
    // value's first character; npos when absent.
    std::size_t skipSpace(std::size_t p) const {
        while (p < text.size() && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n' || text[p] == '\r')) ++p;
        return p;
    }
    std::size_t skipValue(std::size_t p) const {  // returns the offset after the value at p
        int depth = 0;
        bool inString = false;
        for (; p < text.size(); ++p) {
            const char ch = text[p];
            if (inString) {
                if (ch == '\\') ++p;
                else if (ch == '"') {
                    inString = false;
                    if (depth == 0) return p + 1;
                }
            } else if (ch == '"') {
                inString = true;
            } else if (ch == '{' || ch == '[') {
                ++depth;
            } else if (ch == '}' || ch == ']') {
                if (depth == 0) return p;  // end of a scalar just before the container closes
                if (--depth == 0) return p + 1;
            } else if (depth == 0 && (ch == ',' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')) {
                return p;
            }
        }
        return p;
    }
    // The value of `key` in the object whose '{' is at `open`.
    std::size_t memberAt(std::size_t open, std::string_view key) const {
        if (open >= text.size() || text[open] != '{') return std::string::npos;
        std::size_t p = open + 1;
        for (;;) {
            p = skipSpace(p);
            if (p >= text.size() || text[p] != '"') return std::string::npos;
            const std::size_t nameEnd = skipValue(p);
            const bool match = text.compare(p + 1, nameEnd - p - 2, key) == 0 && nameEnd - p - 2 == key.size();
            p = skipSpace(nameEnd);
            if (p >= text.size() || text[p] != ':') return std::string::npos;
            p = skipSpace(p + 1);
            if (match) return p;
            p = skipSpace(skipValue(p));
            if (p >= text.size() || text[p] != ',') return std::string::npos;
            ++p;
        }
    }
    // Element `index` of the array whose '[' is at `open`.
    std::size_t elementAt(std::size_t open, std::size_t index) const {
        if (open >= text.size() || text[open] != '[') return std::string::npos;
        std::size_t p = open + 1;
        for (std::size_t i = 0;; ++i) {
            p = skipSpace(p);
            if (p >= text.size() || text[p] == ']') return std::string::npos;
            if (i == index) return p;
            p = skipSpace(skipValue(p));
            if (p >= text.size() || text[p] != ',') return std::string::npos;
            ++p;
        }
    }
    // The line of `key` in the object at `open`, or of the object itself.
    int lineIn(std::size_t open, std::string_view key) const {
        const std::size_t v = key.empty() ? std::string::npos : memberAt(open, key);
        return lineAt(v != std::string::npos ? v : open);
    }
};

struct Reporter {
    std::vector<std::string> errors;
    std::vector<std::string> warnings;

    static std::string where(const Source& src, int line, std::string_view path) {
        return line > 0 ? fmt::format("{}:{}: {}", src.name, line, path) : fmt::format("{}: {}", src.name, path);
    }
    void error(const Source& src, int line, std::string_view path, std::string_view msg) {
        errors.push_back(fmt::format("{}: {}", where(src, line, path), msg));
    }
    void warning(const Source& src, int line, std::string_view path, std::string_view msg) {
        warnings.push_back(fmt::format("{}: {}", where(src, line, path), msg));
    }
};

// One JSON object of kind `path`, e.g. services[3] (id svc.x). Lines in
// messages come from the object's "id", or from `at` (the offset of the
// object's '{' in the text) for objects that have none.
class Fields {
public:
    Fields(const json& j, std::string path, std::string id, const Source& src, Reporter& rep,
           std::size_t at = std::string::npos)
        : m_j(j), m_path(std::move(path)), m_id(std::move(id)), m_src(src), m_rep(rep), m_at(at) {}

    void error(std::string_view key, std::string_view msg) const {
        m_rep.error(m_src, line(key), key.empty() ? m_path : m_path + "." + std::string(key), msg);
    }
    void warning(std::string_view key, std::string_view msg) const {
        m_rep.warning(m_src, line(key), key.empty() ? m_path : m_path + "." + std::string(key), msg);
    }
    int line(std::string_view key) const {
        return m_at != std::string::npos ? m_src.lineIn(m_at, key) : m_src.lineOf(m_id, key);
    }
    // Where the value of `key` starts in the text (npos when unknown).
    std::size_t at(std::string_view key) const {
        return m_at != std::string::npos ? m_src.memberAt(m_at, key) : std::string::npos;
    }
    const std::string& path() const { return m_path; }
    const std::string& id() const { return m_id; }

    bool has(std::string_view key) const { return m_j.contains(key); }
    const json* get(std::string_view key, bool required) {
        m_used.insert(std::string(key));
        auto it = m_j.find(key);
        if (it == m_j.end()) {
            if (required) error(key, "is required");
            return nullptr;
        }
        return &*it;
    }
    std::string str(std::string_view key, bool required, std::string def = "") {
        const json* v = get(key, required);
        if (!v) return def;
        if (!v->is_string()) {
            error(key, "must be a string");
            return def;
        }
        std::string s = v->get<std::string>();
        if (required && s.empty()) error(key, "must not be empty");
        return s;
    }
    std::string oneOf(std::string_view key, const std::set<std::string>& allowed, bool required = true,
                      std::string def = "") {
        std::string s = str(key, required, def);
        if ((required || !s.empty()) && !allowed.contains(s) && !(s.empty() && !required))
            error(key, fmt::format("'{}' is not allowed; use one of: {}", s, listOf(allowed)));
        return s;
    }
    bool boolean(std::string_view key, bool def) {
        const json* v = get(key, false);
        if (!v) return def;
        if (!v->is_boolean()) {
            error(key, "must be true or false");
            return def;
        }
        return v->get<bool>();
    }
    int integer(std::string_view key, bool required, int def, int min, int max) {
        const json* v = get(key, required);
        if (!v) return def;
        if (!v->is_number_integer()) {
            error(key, fmt::format("must be a whole number from {} to {}", min, max));
            return def;
        }
        const auto n = v->get<long long>();
        if (n < min || n > max) {
            error(key, fmt::format("{} is out of range; allowed {} to {}", n, min, max));
            return def;
        }
        return int(n);
    }
    std::vector<std::string> strings(std::string_view key, bool required, const std::set<std::string>* allowed = nullptr) {
        std::vector<std::string> out;
        const json* v = get(key, required);
        if (!v) return out;
        if (!v->is_array()) {
            error(key, "must be a list of strings");
            return out;
        }
        for (const auto& e : *v) {
            if (!e.is_string()) {
                error(key, "must contain only strings");
                continue;
            }
            auto s = e.get<std::string>();
            if (allowed && !allowed->contains(s))
                error(key, fmt::format("'{}' is not allowed; use one of: {}", s, listOf(*allowed)));
            out.push_back(std::move(s));
        }
        return out;
    }
    const json* array(std::string_view key, bool required) {
        const json* v = get(key, required);
        if (v && !v->is_array()) {
            error(key, "must be a list");
            return nullptr;
        }
        return v;
    }
    const json* object(std::string_view key, bool required) {
        const json* v = get(key, required);
        if (v && !v->is_object()) {
            error(key, "must be an object");
            return nullptr;
        }
        return v;
    }
    // Unknown keys are errors: they are usually typos.
    void finish() {
        for (const auto& [k, v] : m_j.items())
            if (!m_used.contains(k)) error(k, "unknown key (see docs/CONTENT-FORMAT.md)");
    }

private:
    const json& m_j;
    std::string m_path, m_id;
    const Source& m_src;
    Reporter& m_rep;
    std::size_t m_at;
    std::set<std::string> m_used;
};

bool isDate(const std::string& s) {
    static const std::regex re(R"((\d{4})-(\d{2})-(\d{2}))");
    std::smatch m;
    if (!std::regex_match(s, m, re)) return false;
    const int mo = std::stoi(m[2]), d = std::stoi(m[3]);
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

bool isId(const std::string& s, std::string_view prefix) {
    static const std::regex re(R"([a-z]+\.[a-z0-9-]+)");
    return s.starts_with(prefix) && std::regex_match(s, re);
}

std::optional<TimeUnit> unitFrom(const std::string& s) {
    if (s == "working_days") return TimeUnit::WorkingDays;
    if (s == "natural_days") return TimeUnit::NaturalDays;
    if (s == "hours") return TimeUnit::Hours;
    return std::nullopt;
}

int hoursOf(const TimeLimit& t) { return t.unit == TimeUnit::Hours ? t.value : t.value * 24; }

class Reader {
public:
    Reporter rep;
    Content c;
    std::map<std::string, const Source*> serviceSource;

    void duration(Fields& parent, const json& j, std::string_view key, TimeLimit& out) {
        if (!j.is_object()) {
            parent.error(key, "must be {\"value\": N, \"unit\": …}");
            return;
        }
        Fields f(j, parent.path() + "." + std::string(key), parent.id(), *m_src, rep);
        out.value = f.integer("value", true, 1, 1, 100000);
        const std::string u = f.str("unit", true);
        if (auto unit = unitFrom(u)) out.unit = *unit;
        else f.error("unit", fmt::format("'{}' is not allowed; use working_days, natural_days or hours", u));
        f.finish();
    }

    void file(const Source& src) {
        m_src = &src;
        json root;
        try {
            root = json::parse(src.text);
        } catch (const json::parse_error& e) {
            const int line = src.lineAt(std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, src.text.size()));
            rep.error(src, line, "(syntax)", fmt::format("not valid JSON: {}", e.what()));
            return;
        }
        if (!root.is_object()) {
            rep.error(src, 1, "(top)", "the file must hold one JSON object");
            return;
        }
        Fields top(root, "(top)", "", src, rep);
        const std::string format = top.str("format", true);
        if (!format.empty() && format != "kiosk-content/1")
            top.error("format", fmt::format("'{}' is not supported; this importer reads kiosk-content/1", format));
        each(top, "departments", [&](Fields& f) { department(f); });
        each(top, "halls", [&](Fields& f) { hall(f); });
        each(top, "services", [&](Fields& f) { service(f); });
        each(top, "bundles", [&](Fields& f) { bundle(f); });
        each(top, "documents", [&](Fields& f) { document(f); });
        each(top, "guides", [&](Fields& f) { guide(f); });
        each(top, "rules", [&](Fields& f) { rule(f); });
        if (const json* rr = top.object("rating_reasons", false)) {
            const std::size_t open = m_src->skipSpace(src.text.starts_with("\xEF\xBB\xBF") ? 3 : 0);
            ratingReasons(*rr, m_src->memberAt(open, "rating_reasons"));
        }
        top.finish();
    }

    template <class Fn>
    void each(Fields& top, std::string_view key, Fn&& fn) {
        const json* arr = top.array(key, false);
        if (!arr) return;
        std::size_t i = 0;
        for (const auto& e : *arr) {
            const std::string path = fmt::format("{}[{}]", key, i++);
            if (!e.is_object()) {
                rep.error(*m_src, 0, path, "must be an object");
                continue;
            }
            std::string id;
            if (auto it = e.find("id"); it != e.end() && it->is_string()) id = it->get<std::string>();
            Fields f(e, id.empty() ? path : fmt::format("{} ({})", path, id), id, *m_src, rep);
            fn(f);
            f.finish();
        }
    }

    std::string idOf(Fields& f, std::string_view prefix, std::set<std::string>& seen) {
        std::string id = f.str("id", true);
        if (id.empty()) return id;
        if (!isId(id, prefix))
            f.error("id", fmt::format("'{}' must be '{}' followed by lower-case letters, digits or '-'", id, prefix));
        if (!seen.insert(id).second) f.error("id", fmt::format("duplicate id '{}'", id));
        return id;
    }

    void department(Fields& f) {
        Department d;
        d.id = idOf(f, "dept.", m_ids["dept"]);
        d.name = f.str("name", true);
        d.nameEn = f.str("name_en", false);
        d.creditCode = f.str("credit_code", false);  // "" = unknown, but the key must be there
        if (!f.has("credit_code")) f.error("credit_code", "is required (use \"\" when unknown)");
        if (!d.creditCode.empty()) {
            const auto r = validate::checkUscc(d.creditCode);
            if (!r.valid) f.error("credit_code", r.messageEn);
            else d.creditCode = r.normalised;
        }
        d.phone = f.str("phone", false);
        d.address = f.str("address", false);
        c.departments.push_back(std::move(d));
    }

    void hall(Fields& f) {
        Hall h;
        h.id = idOf(f, "hall.", m_ids["hall"]);
        h.name = f.str("name", true);
        h.nameEn = f.str("name_en", false);
        h.address = f.str("address", true);
        h.hours = f.str("hours", true);
        std::set<std::string> nos;
        if (const json* ws = f.array("windows", true)) {
            if (ws->empty()) f.error("windows", "needs at least one window");
            std::size_t i = 0;
            for (const auto& wj : *ws) {
                Fields w(wj, fmt::format("{}.windows[{}]", f.path(), i++), h.id, *m_src, rep);
                Window win;
                win.no = w.str("no", true);
                static const std::regex noRe(R"([A-Z0-9-]{1,8})");
                if (!win.no.empty() && !std::regex_match(win.no, noRe))
                    w.error("no", "window numbers are 1–8 characters of A-Z, 0-9 and '-'");
                if (!nos.insert(win.no).second) w.error("no", fmt::format("duplicate window '{}'", win.no));
                win.name = w.str("name", true);
                win.nameEn = w.str("name_en", false);
                win.department = w.str("department", true);
                m_refs.push_back({w.path() + ".department", h.id, "department", win.department, "dept", m_src});
                w.finish();
                h.windows.push_back(std::move(win));
            }
        }
        c.halls.push_back(std::move(h));
    }

    void service(Fields& f) {
        Service s;
        s.id = idOf(f, "svc.", m_ids["svc"]);
        s.basicCode = f.str("basic_code", true);
        if (s.basicCode.size() > 10) f.error("basic_code", fmt::format("'{}' is longer than 10 characters", s.basicCode));
        s.implCode = f.str("impl_code", true);
        if (s.implCode.size() > 36) f.error("impl_code", fmt::format("'{}' is longer than 36 characters", s.implCode));
        s.version = f.str("version", true);
        s.status = f.oneOf("status", kStatus);
        s.name = f.str("name", true);
        s.nameEn = f.str("name_en", false);
        s.summary = f.str("summary", true);
        s.summaryEn = f.str("summary_en", false);
        s.type = f.oneOf("type", kTypes);
        s.department = f.str("department", true);
        ref(f, "department", s.department, "dept");
        s.coDepartments = f.strings("co_departments", false);
        for (const auto& d : s.coDepartments) {
            ref(f, "co_departments", d, "dept");
            if (d == s.department) f.error("co_departments", "must not repeat the implementing department");
        }
        s.applicants = f.strings("applicants", true, &kApplicants);
        if (s.applicants.empty()) f.error("applicants", "needs at least one 服务对象");
        s.theme = f.str("theme", true);
        if (!s.theme.empty() && std::find(themes().begin(), themes().end(), s.theme) == themes().end())
            f.error("theme", fmt::format("'{}' is not a theme; use one of: 企业开办, 经营许可, 变更, 工程建设, 纳税缴费, "
                                         "社保与用工, 人才服务, 融资与金融, 知识产权, 涉外服务, 纠纷解决, 注销与破产",
                                         s.theme));
        s.conditions = f.strings("conditions", false);
        s.legalBasis = f.strings("legal_basis", false);
        if (const json* steps = f.array("steps", false)) {
            std::size_t i = 0;
            for (const auto& sj : *steps) {
                Fields st(sj, fmt::format("{}.steps[{}]", f.path(), i++), s.id, *m_src, rep);
                s.steps.push_back({st.str("name", true), st.str("text", true)});
                st.finish();
            }
        }
        if (const json* tl = f.object("time_limit", true)) {
            Fields t(*tl, f.path() + ".time_limit", s.id, *m_src, rep);
            if (const json* sj = t.get("statutory", true)) duration(t, *sj, "statutory", s.statutory);
            if (const json* pj = t.get("promised", true)) duration(t, *pj, "promised", s.promised);
            t.finish();
            const bool bad = s.statutory.unit == s.promised.unit ? s.promised.value > s.statutory.value
                                                                 : hoursOf(s.promised) > hoursOf(s.statutory);
            if (bad)
                t.error("promised", fmt::format("promised {} {} exceeds statutory {} {}", s.promised.value,
                                                timeUnitName(s.promised.unit), s.statutory.value,
                                                timeUnitName(s.statutory.unit)));
        }
        s.caseKind = f.oneOf("case_kind", kServiceCaseKinds);
        std::set<std::string> materialNames;
        bool anyTolerated = false;
        if (const json* ms = f.array("materials", true)) {
            std::size_t i = 0;
            for (const auto& mj : *ms) {
                Fields m(mj, fmt::format("{}.materials[{}]", f.path(), i++), s.id, *m_src, rep);
                Material mat;
                mat.name = m.str("name", true);
                if (!materialNames.insert(mat.name).second)
                    m.error("name", fmt::format("material '{}' is listed twice", mat.name));
                mat.form = m.oneOf("form", kForms);
                mat.originals = m.integer("originals", false, 1, 0, 100);
                mat.copies = m.integer("copies", false, 0, 0, 100);
                mat.required = m.boolean("required", true);
                mat.toleratedMissing = m.boolean("tolerated_missing", false);
                if (mat.toleratedMissing && !mat.required)
                    m.error("tolerated_missing", "only a required material can be 容缺 (tolerated missing)");
                anyTolerated |= mat.toleratedMissing;
                mat.blankForm = m.boolean("blank_form", false);
                mat.sample = m.boolean("sample", false);
                mat.notes = m.str("notes", false);
                m.finish();
                s.materials.push_back(std::move(mat));
            }
        }
        if (const json* fees = f.object("fees", false)) {
            Fields fe(*fees, f.path() + ".fees", s.id, *m_src, rep);
            s.feesCharged = fe.boolean("charged", false);
            s.feesBasis = fe.str("basis", false);
            if (s.feesCharged && s.feesBasis.empty()) fe.error("basis", "is required when charged is true");
            fe.finish();
        }
        if (const json* ls = f.array("locations", true)) {
            std::size_t i = 0;
            for (const auto& lj : *ls) {
                Fields l(lj, fmt::format("{}.locations[{}]", f.path(), i++), s.id, *m_src, rep);
                Location loc;
                loc.hall = l.str("hall", true);
                loc.windows = l.strings("windows", true);
                m_windowRefs.push_back({l.path(), s.id, loc.hall, loc.windows, m_src});
                l.finish();
                s.locations.push_back(std::move(loc));
            }
        }
        s.phoneConsult = f.str("phone_consult", false);
        s.phoneComplaint = f.str("phone_complaint", false, "12345");
        if (const json* faq = f.array("faq", false)) {
            std::size_t i = 0;
            for (const auto& qj : *faq) {
                Fields q(qj, fmt::format("{}.faq[{}]", f.path(), i++), s.id, *m_src, rep);
                s.faq.push_back({q.str("q", true), q.str("a", true)});
                q.finish();
            }
        }
        if (const json* ch = f.object("channels", true)) {
            Fields cf(*ch, f.path() + ".channels", s.id, *m_src, rep);
            s.channels.window = cf.boolean("window", true);
            s.channels.onlineUrl = cf.str("online_url", false);
            if (!s.channels.onlineUrl.empty() && !s.channels.onlineUrl.starts_with("https://"))
                cf.error("online_url", "must start with https:// or be empty");
            s.channels.mobile = cf.boolean("mobile", false);
            s.channels.post = cf.boolean("post", false);
            s.channels.selfServiceTerminal = cf.boolean("self_service_terminal", false);
            s.channels.appointment = cf.boolean("appointment", false);
            cf.finish();
        }
        s.visits = f.integer("visits", true, 1, 0, 2);
        if (s.visits == 0 && s.channels.onlineUrl.empty())
            f.error("visits", "0 visits (全程网办) needs channels.online_url");
        if (const json* res = f.object("result", true)) {
            Fields r(*res, f.path() + ".result", s.id, *m_src, rep);
            s.resultName = r.str("name", true);
            s.resultDelivery = r.strings("delivery", true, &kDelivery);
            if (s.resultDelivery.empty()) r.error("delivery", "needs at least one of window, post, electronic");
            r.finish();
        }
        s.scope = f.oneOf("scope", kScopes);
        s.tags = f.strings("tags", false, &kTags);
        if (std::find(s.tags.begin(), s.tags.end(), "容缺受理") != s.tags.end() && !anyTolerated)
            f.warning("tags", "tagged 容缺受理 but no material is tolerated_missing");
        serviceSource[s.id] = m_src;
        c.services.push_back(std::move(s));
    }

    void bundle(Fields& f) {
        Bundle b;
        b.id = idOf(f, "bundle.", m_ids["bundle"]);
        b.name = f.str("name", true);
        b.nameEn = f.str("name_en", false);
        b.summary = f.str("summary", false);
        b.services = f.strings("services", true);
        if (b.services.size() < 2 || b.services.size() > 10) f.error("services", "a bundle has 2 to 10 services");
        std::set<std::string> seen;
        for (const auto& s : b.services) {
            ref(f, "services", s, "svc");
            if (!seen.insert(s).second) f.error("services", fmt::format("'{}' is listed twice", s));
        }
        if (const json* p = f.get("promised", true)) duration(f, *p, "promised", b.promised);
        c.bundles.push_back(std::move(b));
    }

    void measures(Fields& parent, const json& arr, std::string_view key, std::vector<Measure>& out,
                  const std::string& docId) {
        if (!arr.is_array()) {
            parent.error(key, "must be a list of measures");
            return;
        }
        std::set<std::string> numbers;
        std::size_t i = 0;
        for (const auto& mj : arr) {
            Fields m(mj, fmt::format("{}.{}[{}]", parent.path(), key, i++), docId, *m_src, rep);
            Measure me;
            me.number = m.str("no", true);
            if (!numbers.insert(me.number).second) m.error("no", fmt::format("'{}' is used twice at this level", me.number));
            if (me.number.find('/') != std::string::npos) m.error("no", "must not contain '/'");
            me.heading = m.str("heading", false);
            me.text = m.str("text", false);
            if (me.heading.empty() && me.text.empty()) m.error("", "a measure needs a heading or a text");
            me.units = m.strings("units", false);
            if (const json* ch = m.get("children", false)) measures(m, *ch, "children", me.children, docId);
            m.finish();
            out.push_back(std::move(me));
        }
    }

    void document(Fields& f) {
        PolicyDocument d;
        d.id = idOf(f, "doc.", m_ids["doc"]);
        d.title = f.str("title", true);
        d.issuers = f.strings("issuers", true);
        if (d.issuers.empty()) f.error("issuers", "needs at least one 发文机构");
        d.docNumber = f.str("doc_number", false);
        d.written = f.str("written", true);
        d.published = f.str("published", true);
        d.effective = f.str("effective", true);
        d.expiry = f.str("expiry", false);
        for (const auto& [k, v] : {std::pair{"written", &d.written}, std::pair{"published", &d.published},
                                   std::pair{"effective", &d.effective}, std::pair{"expiry", &d.expiry}})
            if (!v->empty() && !isDate(*v)) f.error(k, fmt::format("'{}' is not a date YYYY-MM-DD", *v));
        if (isDate(d.written) && isDate(d.published) && isDate(d.effective) &&
            !(d.written <= d.published && d.published <= d.effective))
            f.error("published", "dates must satisfy written ≤ published ≤ effective");
        d.validity = f.oneOf("validity", kValidity);
        if (d.validity != "有效" && d.expiry.empty()) f.warning("expiry", "an expired or repealed document has no expiry date");
        d.level = f.oneOf("level", kLevels);
        d.district = f.str("district", true);
        d.topic = f.str("topic", true);
        d.source = f.str("source", false);
        if (const json* ms = f.get("measures", true)) {
            measures(f, *ms, "measures", d.measures, d.id);
            if (ms->is_array() && ms->empty()) f.error("measures", "needs at least one measure");
        }
        m_docSource[d.id] = m_src;
        c.documents.push_back(std::move(d));
    }

    void guide(Fields& f) {
        Guide g;
        g.id = idOf(f, "guide.", m_ids["guide"]);
        g.document = f.str("document", true);
        ref(f, "document", g.document, "doc");
        g.measurePath = f.str("measure", true);
        g.title = f.str("title", true);
        g.beneficiaries = f.str("beneficiaries", true);
        g.conditions = f.str("conditions", true);
        g.amount = f.str("amount", true);
        g.window = f.str("window", true);
        g.payout = f.str("payout", false);
        g.where = f.str("where", false);
        g.phone = f.str("phone", false);
        const std::string mode = f.oneOf("mode", kModes);
        g.mode = mode == "免申即享" ? RedemptionMode::NoApplication : mode == "快申快享" ? RedemptionMode::Quick
                                                                                         : RedemptionMode::Normal;
        m_guideMeasures.push_back({f.path(), g.id, g.document, g.measurePath, m_src});
        c.guides.push_back(std::move(g));
    }

    void rule(Fields& f) {
        Rule r;
        r.guide = f.str("guide", true);
        ref(f, "guide", r.guide, "guide");
        if (!m_ruled.insert(r.guide).second) f.error("guide", "has a second rule; one rule per guide");
        bool credit = false;
        if (const json* cs = f.array("conditions", true)) {
            if (cs->empty() || cs->size() > 8) f.error("conditions", "a rule has 1 to 8 conditions");
            std::size_t i = 0;
            for (const auto& cj : *cs) {
                Fields cf(cj, fmt::format("{}.conditions[{}]", f.path(), i++), "", *m_src, rep);
                RuleCondition cond;
                cond.attr = cf.str("attr", true);
                cond.op = cf.str("op", true);
                const bool isIn = cond.op == "in";
                if (isIn) cond.values = cf.strings("values", true);
                else {
                    const json* v = cf.get("value", true);
                    if (v && v->is_string()) cond.value = v->get<std::string>();
                    else if (v && v->is_boolean()) cond.value = v->get<bool>() ? "true" : "false";
                    else if (v && v->is_number()) cond.value = v->dump();
                    else if (v) cf.error("value", "must be a string, number or true/false");
                }
                if (isIn && cj.contains("value")) cf.error("value", "'in' takes values, not value");
                if (!isIn && cj.contains("values")) cf.error("values", fmt::format("'{}' takes value, not values", cond.op));
                checkCondition(cf, cond);
                credit |= cond.attr == "credit";
                cf.finish();
                r.conditions.push_back(std::move(cond));
            }
        }
        if (!credit) f.warning("conditions", "no credit condition: 失信 firms would match this policy");
        c.rules.push_back(std::move(r));
    }

    // rating_reasons: one set per import, every level present with ≥ 1
    // reason, codes unique across the set. `at` is the section's '{'.
    void ratingReasons(const json& j, std::size_t at) {
        Fields f(j, "rating_reasons", "", *m_src, rep, at);
        if (m_ratingSource) {
            f.error("", fmt::format("is already defined in {}; one import has one reason set", m_ratingSource->name));
            return;
        }
        m_ratingSource = m_src;
        RatingReasonSet set;
        set.version = f.str("version", true);
        std::string allowed;
        for (const auto& l : records::kRatingLevelList) allowed += (allowed.empty() ? "" : ", ") + std::string(l.code);
        std::map<std::string, std::string> codes;  // code → path of its first use
        if (const json* levels = f.object("levels", true)) {
            Fields lf(*levels, "rating_reasons.levels", "", *m_src, rep, f.at("levels"));
            for (const auto& [key, value] : levels->items())
                if (!records::ratingLevel(key)) {
                    lf.error(key, fmt::format("'{}' is not a level; use one of: {}", key, allowed));
                    (void)lf.get(key, false);  // reported here, not again as an unknown key
                }
            for (int level = 0; level < records::kRatingLevels; ++level) {
                const std::string name(records::kRatingLevelList[std::size_t(level)].code);
                if (!lf.has(name)) {
                    lf.error(name, fmt::format("is required: every level needs its reasons ({})", allowed));
                    continue;
                }
                const json* arr = lf.array(name, true);
                if (!arr) continue;
                if (arr->empty()) lf.error(name, "needs at least one reason");
                const std::size_t arrAt = lf.at(name);
                std::size_t i = 0;
                for (const auto& rj : *arr) {
                    const std::string path = fmt::format("rating_reasons.levels.{}[{}]", name, i);
                    const std::size_t rAt = arrAt == std::string::npos ? arrAt : m_src->elementAt(arrAt, i);
                    ++i;
                    if (!rj.is_object()) {
                        rep.error(*m_src, rAt == std::string::npos ? 0 : m_src->lineAt(rAt), path,
                                  "must be an object {\"code\": …, \"text\": …}");
                        continue;
                    }
                    std::string code;
                    if (auto it = rj.find("code"); it != rj.end() && it->is_string()) code = it->get<std::string>();
                    Fields r(rj, code.empty() ? path : fmt::format("{} ({})", path, code), "", *m_src, rep, rAt);
                    RatingReason reason;
                    reason.code = r.str("code", true);
                    if (!reason.code.empty()) {
                        const auto [first, fresh] = codes.emplace(reason.code, path);
                        if (!fresh)
                            r.error("code", fmt::format("duplicate code '{}' (already used at {}); codes are unique "
                                                        "in the set",
                                                        reason.code, first->second));
                    }
                    reason.text = r.str("text", true);
                    reason.textEn = r.str("text_en", false);
                    // Reasons are chips on a touch screen: long ones wrap or are cut.
                    if (const std::size_t n = characters(reason.text); n > kReasonChars)
                        r.warning("text", fmt::format("is {} characters; keep reasons to {} so they fit on a button",
                                                      n, kReasonChars));
                    if (const std::size_t n = characters(reason.textEn); n > kReasonCharsEn)
                        r.warning("text_en", fmt::format("is {} characters; keep reasons to {} so they fit on a button",
                                                         n, kReasonCharsEn));
                    r.finish();
                    set.levels[level].push_back(std::move(reason));
                }
            }
            lf.finish();
        }
        f.finish();
        c.ratingReasons = std::move(set);
    }

    static constexpr std::size_t kReasonChars = 10, kReasonCharsEn = 28;
    static std::size_t characters(std::string_view s) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < s.size(); ++n) (void)decodeUtf8(s, i);
        return n;
    }

    void checkCondition(Fields& cf, const RuleCondition& cond) {
        const std::map<std::string, std::string> ops = {{"industry", "in"},  {"size", "in"},  {"district", "in"},
                                                        {"years", ">="},     {"employees", ">="}, {"revenue", ">="},
                                                        {"qualifications", "has"}, {"credit", "not"},
                                                        {"foreign", "is"},   {"ip", "is"}};
        auto it = ops.find(cond.attr);
        if (it == ops.end()) {
            cf.error("attr", fmt::format("'{}' is not an attribute; use industry, size, district, years, employees, "
                                         "revenue, qualifications, credit, foreign or ip",
                                         cond.attr));
            return;
        }
        if (cond.op != it->second) {
            cf.error("op", fmt::format("'{}' takes op '{}', not '{}'", cond.attr, it->second, cond.op));
            return;
        }
        if (cond.attr == "industry")
            for (const auto& v : cond.values)
                if (v.size() != 1 || v[0] < 'A' || v[0] > 'T') cf.error("values", fmt::format("'{}' is not a GB/T 4754 section letter A–T", v));
        if (cond.attr == "size")
            for (const auto& v : cond.values)
                if (!kSizes.contains(v)) cf.error("values", fmt::format("'{}' is not a size; use 大, 中, 小 or 微", v));
        if (cond.op == ">=" && (cond.value.empty() || cond.value.find_first_not_of("0123456789.") != std::string::npos))
            cf.error("value", "must be a number");
        if (cond.attr == "qualifications" && !kQualifications.contains(cond.value))
            cf.error("value", fmt::format("'{}' is not a qualification; use {}", cond.value, listOf(kQualifications)));
        if (cond.attr == "credit" && cond.value != "失信") cf.error("value", "credit conditions are {\"op\": \"not\", \"value\": \"失信\"}");
        if (cond.op == "is" && cond.value != "true" && cond.value != "false") cf.error("value", "must be true or false");
    }

    void csv(const Source& src) {
        m_src = &src;
        std::vector<std::vector<std::string>> rows;
        std::vector<int> lines;
        std::string text = src.text;
        if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
        // RFC 4180: quotes, doubled quotes, newlines inside quotes.
        std::vector<std::string> row;
        std::string field;
        bool quoted = false;
        int line = 1, rowLine = 1;
        for (std::size_t i = 0; i <= text.size(); ++i) {
            const char ch = i < text.size() ? text[i] : '\n';
            if (quoted) {
                if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    if (ch == '\n') ++line;
                    field += ch;
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.push_back(std::move(field));
                field.clear();
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
                row.push_back(std::move(field));
                field.clear();
                if (!(row.size() == 1 && row[0].empty())) {
                    rows.push_back(std::move(row));
                    lines.push_back(rowLine);
                }
                row.clear();
                ++line;
                rowLine = line;
            } else {
                field += ch;
            }
        }
        static const std::vector<std::string> kHeader = {"id", "name", "name_en", "theme", "type", "department",
                                                          "case_kind", "promised_value", "promised_unit",
                                                          "statutory_value", "statutory_unit", "visits", "tags"};
        if (rows.empty() || rows[0] != kHeader) {
            rep.error(src, 1, "header", "the first line must be exactly: id,name,name_en,theme,type,department,"
                                         "case_kind,promised_value,promised_unit,statutory_value,statutory_unit,"
                                         "visits,tags");
            return;
        }
        for (std::size_t r = 1; r < rows.size(); ++r) {
            const auto& v = rows[r];
            const int ln = lines[r];
            auto err = [&](std::string_view col, std::string_view msg) { rep.error(src, ln, col, msg); };
            if (v.size() != kHeader.size()) {
                err("(row)", fmt::format("has {} columns; expected {}", v.size(), kHeader.size()));
                continue;
            }
            Service s;
            s.sourceLine = ln;
            s.id = v[0];
            if (!isId(s.id, "svc.")) err("id", fmt::format("'{}' must be 'svc.' followed by a slug", s.id));
            if (!m_ids["svc"].insert(s.id).second) err("id", fmt::format("duplicate id '{}'", s.id));
            s.name = v[1];
            if (s.name.empty()) err("name", "is required");
            s.nameEn = v[2];
            s.theme = v[3];
            if (std::find(themes().begin(), themes().end(), s.theme) == themes().end())
                err("theme", fmt::format("'{}' is not a theme", s.theme));
            s.type = v[4];
            if (!kTypes.contains(s.type)) err("type", fmt::format("'{}' is not allowed; use one of: {}", s.type, listOf(kTypes)));
            s.department = v[5];
            m_refs.push_back({"department", s.id, "department", s.department, "dept", m_src, ln});
            s.caseKind = v[6];
            if (!kServiceCaseKinds.contains(s.caseKind)) err("case_kind", "use 即办件 or 承诺件");
            auto num = [&](const std::string& t, std::string_view col, int min, int max) {
                try {
                    std::size_t used = 0;
                    const int n = std::stoi(t, &used);
                    if (used == t.size() && n >= min && n <= max) return n;
                } catch (...) {
                }
                err(col, fmt::format("'{}' is not a whole number from {} to {}", t, min, max));
                return min;
            };
            s.promised.value = num(v[7], "promised_value", 1, 100000);
            s.statutory.value = num(v[9], "statutory_value", 1, 100000);
            if (auto u = unitFrom(v[8])) s.promised.unit = *u;
            else err("promised_unit", "use working_days, natural_days or hours");
            if (auto u = unitFrom(v[10])) s.statutory.unit = *u;
            else err("statutory_unit", "use working_days, natural_days or hours");
            const bool bad = s.statutory.unit == s.promised.unit ? s.promised.value > s.statutory.value
                                                                 : hoursOf(s.promised) > hoursOf(s.statutory);
            if (bad) err("promised_value", "promised exceeds statutory");
            s.visits = num(v[11], "visits", 0, 2);
            if (!v[12].empty()) {
                std::string_view rest = v[12];
                while (!rest.empty()) {
                    const auto bar = rest.find('|');
                    std::string tag(rest.substr(0, bar));
                    if (!kTags.contains(tag)) err("tags", fmt::format("'{}' is not a tag", tag));
                    s.tags.push_back(std::move(tag));
                    if (bar == std::string_view::npos) break;
                    rest.remove_prefix(bar + 1);
                }
            }
            s.applicants = {"企业法人"};
            s.scope = "跨区";
            s.resultDelivery = {"window"};
            s.channels.window = false;
            serviceSource[s.id] = m_src;
            c.services.push_back(std::move(s));
        }
    }

    void crossCheck() {
        std::set<std::string> windowsOf;
        for (const auto& h : c.halls)
            for (const auto& w : h.windows) windowsOf.insert(h.id + "#" + w.no);
        for (const auto& r : m_refs) {
            if (!m_ids[r.kind].contains(r.target)) {
                const int line = r.line ? r.line : r.src->lineOf(r.ownerId, r.key);
                rep.error(*r.src, line, r.path, fmt::format("'{}' is not a known {} id", r.target, kindName(r.kind)));
            }
        }
        for (const auto& w : m_windowRefs) {
            if (!m_ids["hall"].contains(w.hall)) {
                rep.error(*w.src, w.src->lineOf(w.ownerId, "hall"), w.path + ".hall",
                          fmt::format("'{}' is not a known hall id", w.hall));
                continue;
            }
            for (const auto& no : w.windows)
                if (!windowsOf.contains(w.hall + "#" + no))
                    rep.error(*w.src, w.src->lineOf(w.ownerId, "windows"), w.path + ".windows",
                              fmt::format("hall {} has no window '{}'", w.hall, no));
        }
        for (const auto& g : m_guideMeasures) {
            const auto doc = std::find_if(c.documents.begin(), c.documents.end(),
                                          [&](const PolicyDocument& d) { return d.id == g.document; });
            if (doc == c.documents.end()) continue;  // reported as an unknown reference
            if (!hasPath(doc->measures, g.measurePath, ""))
                rep.error(*g.src, g.src->lineOf(g.ownerId, "measure"), g.path + ".measure",
                          fmt::format("document {} has no measure '{}' (paths are numbers joined by '/')", g.document,
                                      g.measurePath));
        }
        for (const auto& b : c.bundles) {
            std::map<std::string, int> names;
            for (const auto& sid : b.services)
                for (const auto& s : c.services)
                    if (s.id == sid)
                        for (const auto& m : s.materials) ++names[m.name];
            if (std::none_of(names.begin(), names.end(), [](const auto& kv) { return kv.second > 1; }))
                rep.warnings.push_back(fmt::format("bundle {}: its services share no material name", b.id));
        }
    }

private:
    struct Ref {
        std::string path, ownerId, key, target, kind;
        const Source* src;
        int line = 0;
    };
    struct WindowRef {
        std::string path, ownerId, hall;
        std::vector<std::string> windows;
        const Source* src;
    };
    struct GuideMeasure {
        std::string path, ownerId, document, measurePath;
        const Source* src;
    };

    static const char* kindName(const std::string& k) {
        return k == "dept" ? "department" : k == "svc" ? "service" : k == "doc" ? "document" : k == "guide" ? "guide" : "hall";
    }
    static bool hasPath(const std::vector<Measure>& ms, const std::string& target, const std::string& prefix) {
        for (const auto& m : ms) {
            const std::string p = prefix.empty() ? m.number : prefix + "/" + m.number;
            if (p == target || (target.starts_with(p + "/") && hasPath(m.children, target, p))) return true;
        }
        return false;
    }
    void ref(Fields& f, std::string_view key, const std::string& target, std::string kind) {
        if (target.empty()) return;
        m_refs.push_back({f.path() + "." + std::string(key), f.id(), std::string(key), target, std::move(kind), m_src});
    }

    const Source* m_src = nullptr;
    std::map<std::string, std::set<std::string>> m_ids;
    std::vector<Ref> m_refs;
    std::vector<WindowRef> m_windowRefs;
    std::vector<GuideMeasure> m_guideMeasures;
    std::map<std::string, const Source*> m_docSource;
    std::set<std::string> m_ruled;
    const Source* m_ratingSource = nullptr;  // the file that defined rating_reasons
};

}  // namespace

Result<AuthoringResult> readAuthoring(const std::vector<AuthoringSource>& sources) {
    std::vector<Source> srcs;
    for (const auto& s : sources) {
        srcs.push_back(Source{s.name, s.text, {}});
        srcs.back().index();
    }
    Reader reader;
    for (const auto& s : srcs) {
        if (s.name.ends_with(".csv")) reader.csv(s);
        else reader.file(s);
    }
    reader.crossCheck();
    if (!reader.rep.errors.empty()) {
        std::string msg = fmt::format("{} error{} in the content files; nothing was imported:",
                                      reader.rep.errors.size(), reader.rep.errors.size() == 1 ? "" : "s");
        std::size_t shown = 0;
        for (const auto& e : reader.rep.errors) {
            if (++shown > 50) {
                msg += fmt::format("\n… and {} more", reader.rep.errors.size() - 50);
                break;
            }
            msg += "\n" + e;
        }
        return fail(ErrorCode::InvalidArgument, msg);
    }
    return AuthoringResult{std::move(reader.c), std::move(reader.rep.warnings)};
}

Result<AuthoringResult> readAuthoringFiles(const std::vector<std::string>& paths) {
    std::vector<AuthoringSource> sources;
    for (const auto& p : paths) {
        std::ifstream in(p, std::ios::binary);
        if (!in) return fail(ErrorCode::NotFound, fmt::format("cannot read {}", p));
        std::stringstream ss;
        ss << in.rdbuf();
        sources.push_back({p, ss.str()});
    }
    return readAuthoring(sources);
}

}  // namespace kiosk::content
