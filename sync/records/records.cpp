// JSON for the typed records (records.h). Each half has one field list,
// written once as a template over a visitor: the reader (strict or tolerant)
// and the writer walk the same list, so a field added to the list is read,
// checked and written everywhere. The structured bindings in the guards
// below stop the build when a member is added to a struct but not here.
#include "records.h"

#include "base/utf8.h"
#include "validate/mobile.h"
#include "validate/uscc.h"

#include <fmt/format.h>

#include <algorithm>
#include <concepts>
#include <type_traits>

namespace kiosk::records {
namespace {

using nlohmann::json;

enum class Need {
    Required,   // present and not blank (strict reads)
    Optional,   // may be missing; written even when empty
    OmitEmpty,  // may be missing; left out when empty
};

// Characters a field may not hold: controls (a newline only in free text)
// and malformed UTF-8. Returns the length in characters, or npos.
std::size_t charCount(const std::string& s, bool allowNewline) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++n) {
        const char32_t cp = decodeUtf8(s, i);
        if (cp == U'\n' && allowNewline) continue;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFFFD) return std::string::npos;
    }
    return n;
}

template <std::size_t N>
bool within(const std::array<std::string_view, N>& list, const std::string& v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}
template <std::size_t N>
std::string joined(const std::array<std::string_view, N>& list) {
    return fmt::format("{}", fmt::join(list, ", "));
}

// Reads fields of one half into a struct: strictly (first problem kept) or
// tolerantly (anything unreadable keeps the struct's default).
class Reader {
public:
    Reader(const json& j, std::string half, bool strict) : m_j(j), m_half(std::move(half)), m_strict(strict) {
        if (!j.is_object()) {
            m_present = false;
            if (strict) m_error = fmt::format("'{}' must be a JSON object", m_half);
        }
    }
    // maxChars counts characters; newline allowed only in free text.
    void text(const char* key, std::string& out, Need need, std::size_t maxChars, bool freeText = false) {
        const json* v = find(key, need);
        if (!v) return;
        if (!v->is_string()) return problem(key, "must be a string");
        const auto& s = v->get_ref<const std::string&>();
        if (m_strict) {
            const std::size_t n = charCount(s, freeText);
            if (n == std::string::npos) return problem(key, "holds a control character or malformed UTF-8");
            if (n > maxChars) return problem(key, fmt::format("has {} characters; at most {}", n, maxChars));
            if (need == Need::Required && s.find_first_not_of(" \n") == std::string::npos)
                return problem(key, "must not be empty");
        }
        out = s;
    }
    void flag(const char* key, bool& out) {
        const json* v = find(key, Need::Optional);
        if (!v) return;
        if (!v->is_boolean()) return problem(key, "must be true or false");
        out = v->get<bool>();
    }
    void list(const char* key, std::vector<std::string>& out, Need need, std::size_t maxItems) {
        const json* v = find(key, need);
        if (!v) return;
        if (!v->is_array()) return problem(key, "must be a list of strings");
        if (m_strict && v->size() > maxItems) return problem(key, fmt::format("has {} entries; at most {}", v->size(), maxItems));
        std::vector<std::string> got;
        for (const auto& e : *v) {
            if (!e.is_string() || (m_strict && (e.get_ref<const std::string&>().size() > kIdMax ||
                                                charCount(e.get<std::string>(), false) == std::string::npos)))
                return problem(key, "must be a list of codes (strings)");
            got.push_back(e.get<std::string>());
        }
        out = std::move(got);
    }
    // A problem found after reading (a value outside its vocabulary …).
    void problem(const char* key, std::string_view what) {
        if (m_strict && m_error.empty()) m_error = fmt::format("{}.{} {}", m_half, key, what);
    }
    Result<void> done() const {
        if (m_error.empty()) return {};
        return fail(ErrorCode::InvalidArgument, m_error);
    }
    bool ok() const { return m_error.empty(); }

private:
    const json* find(const char* key, Need need) {
        if (!m_present || !m_error.empty()) return nullptr;
        const auto it = m_j.find(key);
        if (it == m_j.end() || (it->is_null() && !m_strict)) {
            if (need == Need::Required) problem(key, "is required");
            return nullptr;
        }
        return &*it;
    }
    const json& m_j;
    std::string m_half;
    bool m_strict;
    bool m_present = true;
    std::string m_error;
};

// Writes fields of one half. OmitEmpty fields are left out when empty.
class Writer {
public:
    void text(const char* key, const std::string& v, Need need, std::size_t, bool = false) {
        if (need != Need::OmitEmpty || !v.empty()) j[key] = v;
    }
    void flag(const char* key, const bool& v) { j[key] = v; }
    void list(const char* key, const std::vector<std::string>& v, Need, std::size_t) { j[key] = v; }
    json j = json::object();
};

// --- The field lists ----------------------------------------------------------
// One `fields(visitor, half)` per half; P is the half, const for the writer.

template <class P, class T>
concept Half = std::same_as<std::remove_const_t<P>, T>;

template <class V, Half<CasePublic> P>
void fields(V& v, P& p) {
    v.text("case_kind", p.kind, Need::Required, kIdMax);
    v.text("service_id", p.serviceId, Need::Optional, kIdMax);
    v.text("reply", p.reply, Need::Optional, kIdMax);
    v.text("language", p.language, Need::Optional, kIdMax);
}
[[maybe_unused]] void guard(const CasePublic& p) {
    // Added a member? Add it to its fields() above, then here.
    [[maybe_unused]] const auto& [kind, serviceId, reply, language] = p;
}

template <class V, Half<CasePersonal> P>
void fields(V& v, P& p) {
    v.text("description", p.description, Need::Required, kDescriptionMax, true);
    v.text("enterprise", p.enterprise, Need::Optional, kEnterpriseMax);
    v.text("credit_code", p.creditCode, Need::Optional, kIdMax);
    v.text("contact_name", p.contactName, Need::Required, kContactMax);
    v.text("mobile", p.mobile, Need::Required, kIdMax);
}
[[maybe_unused]] void guard(const CasePersonal& p) {
    [[maybe_unused]] const auto& [description, enterprise, creditCode, contactName, mobile] = p;
}

template <class V, Half<RatingPublic> P>
void fields(V& v, P& p) {
    v.text("target_kind", p.targetKind, Need::Required, kIdMax);
    v.text("target_id", p.targetId, Need::Required, kIdMax);
    v.text("target_name", p.targetName, Need::Optional, kNameMax);
    v.text("instance", p.instance, Need::Required, kNameMax);
    v.flag("follow_up", p.followUp);
    v.text("level", p.level, Need::Required, kIdMax);
    v.list("reasons", p.reasons, Need::Optional, kReasonsMax);
    v.text("reasons_version", p.reasonsVersion, Need::Optional, kIdMax);
    v.flag("callback", p.callback);
    v.text("channel", p.channel, Need::Optional, kIdMax);
    v.text("language", p.language, Need::Optional, kIdMax);
    v.text("case_no", p.caseNo, Need::OmitEmpty, kIdMax);
    v.text("department_id", p.departmentId, Need::OmitEmpty, kIdMax);
}
[[maybe_unused]] void guard(const RatingPublic& p) {
    [[maybe_unused]] const auto& [targetKind, targetId, targetName, instance, followUp, level, reasons, reasonsVersion,
                                  callback, channel, language, caseNo, departmentId] = p;
}

template <class V, Half<RatingPersonal> P>
void fields(V& v, P& p) {
    v.text("contact_name", p.contactName, Need::OmitEmpty, kContactMax);
    v.text("mobile", p.mobile, Need::OmitEmpty, kIdMax);
}
[[maybe_unused]] void guard(const RatingPersonal& p) {
    [[maybe_unused]] const auto& [contactName, mobile] = p;
}

// Every field of one half, as JSON.
template <class T>
json written(const T& half) {
    Writer w;
    fields(w, half);
    return std::move(w.j);
}

// One half of a stored row, tolerantly: what is unreadable keeps its default.
template <class T>
T readTolerantly(const json& j, const char* half) {
    T out;
    Reader r(j, half, false);
    fields(r, out);
    return out;
}

// "a, b, c": the codes of a vocabulary, for a message that says what is allowed.
template <class List>
std::string codesOf(const List& list, const char* separator) {
    std::vector<std::string_view> codes;
    for (const auto& e : list) codes.push_back(e.code);
    return fmt::format("{}", fmt::join(codes, separator));
}

// A mobile number as the kiosk stores it: 11 digits, any +86 prefix removed.
void checkMobile(Reader& r, std::string& mobile) {
    if (!r.ok() || mobile.empty()) return;
    const auto m = validate::checkMobile(mobile);
    if (!m.valid) return r.problem("mobile", fmt::format("is not a mainland mobile number: {}", m.messageEn));
    mobile = m.normalised;
}

}  // namespace

// --- Case ---------------------------------------------------------------------

json toJson(const CasePublic& p) { return written(p); }

json toJson(const CasePersonal& p) { return written(p); }

Result<CasePublic> parseCasePublic(const json& j) {
    CasePublic p;
    Reader r(j, "public", true);
    fields(r, p);
    if (r.ok() && !caseKind(p.kind))
        r.problem("case_kind", fmt::format("'{}' is not a case kind; use one of {}", p.kind, codesOf(kCaseKindList, " ")));
    if (r.ok() && !within(kReplyChannels, p.reply))
        r.problem("reply", fmt::format("'{}' is not one of {}", p.reply, joined(kReplyChannels)));
    if (r.ok() && !within(kLanguages, p.language))
        r.problem("language", fmt::format("'{}' is not one of {}", p.language, joined(kLanguages)));
    if (auto d = r.done(); !d) return std::unexpected(d.error());
    return p;
}

Result<CasePersonal> parseCasePersonal(const json& j) {
    CasePersonal p;
    Reader r(j, "personal", true);
    fields(r, p);
    checkMobile(r, p.mobile);
    if (r.ok() && !p.creditCode.empty()) {
        const auto u = validate::checkUscc(p.creditCode);
        // Not u.messageEn: it quotes characters of the code, and this goes to logs.
        if (!u.valid) r.problem("credit_code", "is not a valid 统一社会信用代码 (18 characters, the last a check character)");
        else p.creditCode = u.normalised;
    }
    if (auto d = r.done(); !d) return std::unexpected(d.error());
    return p;
}

Result<CaseRecord> parseCase(const json& pub, const json& personal) {
    auto p = parseCasePublic(pub);
    if (!p) return std::unexpected(p.error());
    auto q = parseCasePersonal(personal);
    if (!q) return std::unexpected(q.error());
    return CaseRecord{std::move(*p), std::move(*q)};
}

CasePublic readCasePublic(const json& j) { return readTolerantly<CasePublic>(j, "public"); }

CasePersonal readCasePersonal(const json& j) { return readTolerantly<CasePersonal>(j, "personal"); }

// --- Rating -------------------------------------------------------------------

json toJson(const RatingPublic& p) {
    json j = written(p);
    // Derived, for readers of the JSON alone (older hubs, exports).
    if (const auto* l = p.levelInfo()) j["level_label"] = l->zh;
    j["anonymous"] = !p.callback;
    return j;
}

json toJson(const RatingPersonal& p) { return written(p); }

Result<RatingPublic> parseRatingPublic(const json& j) {
    RatingPublic p;
    Reader r(j, "public", true);
    fields(r, p);
    if (r.ok() && !within(kRatingTargetKinds, p.targetKind))
        r.problem("target_kind", fmt::format("'{}' is not one of {}", p.targetKind, joined(kRatingTargetKinds)));
    if (r.ok() && !p.levelInfo())
        r.problem("level", fmt::format("'{}' is not a rating level; use one of {}", p.level, codesOf(kRatingLevelList, ", ")));
    if (r.ok() && p.bad() && p.reasons.empty()) r.problem("reasons", "is empty; a 差评 names at least one reason");
    if (r.ok() && !within(kLanguages, p.language))
        r.problem("language", fmt::format("'{}' is not one of {}", p.language, joined(kLanguages)));
    if (auto d = r.done(); !d) return std::unexpected(d.error());
    return p;
}

Result<RatingPersonal> parseRatingPersonal(const json& j) {
    RatingPersonal p;
    Reader r(j, "personal", true);
    fields(r, p);
    checkMobile(r, p.mobile);
    if (auto d = r.done(); !d) return std::unexpected(d.error());
    return p;
}

Result<RatingRecord> parseRating(const json& pub, const json& personal) {
    auto p = parseRatingPublic(pub);
    if (!p) return std::unexpected(p.error());
    auto q = parseRatingPersonal(personal);
    if (!q) return std::unexpected(q.error());
    if (p->callback && (q->contactName.empty() || q->mobile.empty()))
        return fail(ErrorCode::InvalidArgument,
                    "personal.contact_name and personal.mobile are required when public.callback is true");
    if (!p->callback && !q->empty())
        return fail(ErrorCode::InvalidArgument,
                    "personal holds a contact but public.callback is false; a contact is taken only for a call back");
    return RatingRecord{std::move(*p), std::move(*q)};
}

RatingPublic readRatingPublic(const json& j) { return readTolerantly<RatingPublic>(j, "public"); }

RatingPersonal readRatingPersonal(const json& j) { return readTolerantly<RatingPersonal>(j, "personal"); }

// --- Either -------------------------------------------------------------------

Result<void> checkRecord(std::string_view kind, const json& pub, const json& personal) {
    if (kind == "case") {
        if (auto r = parseCase(pub, personal); !r) return std::unexpected(r.error());
        return {};
    }
    if (kind == "rating") {
        if (auto r = parseRating(pub, personal); !r) return std::unexpected(r.error());
        return {};
    }
    return fail(ErrorCode::InvalidArgument, fmt::format("kind '{}' is not case or rating", kind));
}

json vocabularyJson() {
    json kinds = json::array(), statuses = json::array(), levels = json::array();
    for (const auto& k : kCaseKindList)
        kinds.push_back({{"code", k.code}, {"zh", k.code}, {"en", k.en}, {"deadline_days", k.deadlineDays}});
    for (const auto& s : kCaseStatusList)
        statuses.push_back({{"code", s.code}, {"zh", s.zh}, {"en", s.en}, {"open", s.open}, {"final", s.final}});
    for (const auto& l : kRatingLevelList)
        levels.push_back({{"code", l.code}, {"zh", l.zh}, {"en", l.en}, {"good", l.good}});
    return {{"case_kinds", kinds},
            {"case_statuses", statuses},
            {"rating_levels", levels},
            {"rating_target_kinds", kRatingTargetKinds},
            {"reply_channels", kReplyChannels}};
}

}  // namespace kiosk::records
