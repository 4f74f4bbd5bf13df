// Policy-document importer: turns a 行动方案 / 工作要点 / 实施方案 / 通知 published
// as plain text into metadata (title, issuers, 文号, dates) and the tree of
// its numbered measures, with responsible units, so editors do not retype
// documents. Web-scraped text is noisy; what can be repaired is repaired and
// counted, what cannot is reported to the editor with a line number.
//
// The work happens in code points. Every line keeps a Simplified-Chinese
// shadow of exactly the same length: keywords (责任单位, 附件, 关于印发 …) are
// matched in the shadow, while everything handed back is cut from the original
// at the same positions, so a Traditional document keeps its script.
#include "docimport/doc_import.h"

#include <fmt/format.h>
#include <opencc/opencc.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiosk::docimport {
namespace {

using U32 = std::u32string;
using U32View = std::u32string_view;

// ------------------------------------------------------------------ UTF-8

// Strict decoding (no overlong forms, no surrogates): a file that is really
// GBK must be rejected with its offset, not half-imported as garbage.
std::optional<size_t> decodeUtf8(std::string_view in, U32& out) {
    out.clear();
    out.reserve(in.size());
    size_t i = 0;
    while (i < in.size()) {
        const auto b0 = static_cast<unsigned char>(in[i]);
        if (b0 < 0x80) {
            out.push_back(b0);
            ++i;
            continue;
        }
        size_t len = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if ((b0 & 0xE0) == 0xC0) {
            len = 2, cp = b0 & 0x1Fu, min = 0x80;
        } else if ((b0 & 0xF0) == 0xE0) {
            len = 3, cp = b0 & 0x0Fu, min = 0x800;
        } else if ((b0 & 0xF8) == 0xF0) {
            len = 4, cp = b0 & 0x07u, min = 0x10000;
        } else {
            return i;
        }
        if (i + len > in.size()) return i;
        for (size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(in[i + k]);
            if ((b & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (b & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        out.push_back(cp);
        i += len;
    }
    return std::nullopt;
}

std::string encodeUtf8(U32View s) {
    std::string out;
    out.reserve(s.size() * 3);
    for (const char32_t c : s) {
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (c >> 6)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (c >> 12)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (c >> 18)));
            out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

U32 toU32(std::string_view s) {
    U32 out;
    (void)decodeUtf8(s, out);
    return out;
}

// --------------------------------------------------------- character classes

bool isHan(char32_t c) {
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3134F) || c == U'〇';
}
bool isCjkPunct(char32_t c) {
    return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
           (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) || (c >= 0x2018 && c <= 0x201F) ||
           c == 0x2026 || c == 0x2014 || c == 0x00B7;
}
bool isCjk(char32_t c) { return isHan(c) || isCjkPunct(c); }
bool isDigit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool isAsciiAlnum(char32_t c) { return isDigit(c) || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool isSpace(char32_t c) { return c == U' ' || c == U'\t'; }
bool isOpenBracket(char32_t c) { return c == U'(' || c == U'（' || c == U'【' || c == U'[' || c == U'〔' || c == U'［'; }
bool isCloseBracket(char32_t c) { return c == U')' || c == U'）' || c == U'】' || c == U']' || c == U'〕' || c == U'］'; }
bool isSentenceEnd(char32_t c) {
    return c == U'。' || c == U'！' || c == U'？' || c == U'!' || c == U'?' || c == U'；' || c == U';' || c == U'…' ||
           c == U'：' || c == U':';
}
bool isClosingQuote(char32_t c) {
    return c == U'”' || c == U'’' || c == U'」' || c == U'』' || c == U'》' || c == U'"';
}
// Columns on a fixed-width screen: how web pages wrapped the text.
size_t displayWidth(U32View s) {
    size_t w = 0;
    for (const char32_t c : s) w += (isCjk(c) || (c >= 0xFF00 && c <= 0xFFEF)) ? 2 : 1;
    return w;
}

bool contains(U32View s, U32View what) { return s.find(what) != U32View::npos; }

U32View trimView(U32View s) {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

// ------------------------------------------------- Traditional → Simplified

// One converter per process: loading the dictionaries costs more than an
// import. Guarded by a mutex because OpenCC does not promise thread safety.
class T2s {
public:
    static T2s& instance() {
        static T2s t;
        return t;
    }
    T2s(const T2s&) = delete;
    T2s& operator=(const T2s&) = delete;
    bool ok() const { return handle_ != invalid(); }
    std::optional<std::string> convert(const std::string& s) {
        if (!ok()) return std::nullopt;
        const std::lock_guard lock(mutex_);
        char* r = opencc_convert_utf8(handle_, s.data(), s.size());
        if (r == nullptr) return std::nullopt;
        std::string out(r);
        opencc_convert_utf8_free(r);
        return out;
    }

private:
    T2s() {
        handle_ = opencc_open("t2s.json");
        if (!ok()) handle_ = opencc_open("/usr/share/opencc/t2s.json");
    }
    ~T2s() {
        if (ok()) opencc_close(handle_);
    }
    static opencc_t invalid() { return reinterpret_cast<opencc_t>(static_cast<std::intptr_t>(-1)); }
    opencc_t handle_ = nullptr;
    std::mutex mutex_;
};

// Used when OpenCC is missing or a line's conversion changed its length:
// covers the characters the parser's keywords and common text need.
char32_t miniT2s(char32_t c) {
    static const std::map<char32_t, char32_t> table = [] {
        const U32View trad =
            U"責單門牽頭關於發區號辦會機構廳國務實條節規劃計點項員標準與為這個們時開從後來過還對長見說問經數資業產證權環層級導"
            U"組織領統籌協調進達運營總體動設財稅險護監優態貿醫療衛檢驗審批辦處聯網線網絡電話費價擔遞體驗營創與稱該專傳當選擇隊鎮"
            U"幣銀貸劃歸屬歷屆壹貳參陸陳書記軍鄉縣區寫讀議論紀應競爭積極構築廣場範圍務實現場種類織補貼獎勵兌現將備舉辦邊際際續";
        const U32View simp =
            U"责单门牵头关于发区号办会机构厅国务实条节规划计点项员标准与为这个们时开从后来过还对长见说问经数资业产证权环层级导"
            U"组织领统筹协调进达运营总体动设财税险护监优态贸医疗卫检验审批办处联网线网络电话费价担递体验营创与称该专传当选择队镇"
            U"币银贷划归属历届壹贰叁陆陈书记军乡县区写读议论纪应竞争积极构筑广场范围务实现场种类织补贴奖励兑现将备举办边际际续";
        std::map<char32_t, char32_t> m;
        for (size_t i = 0; i < trad.size() && i < simp.size(); ++i)
            if (trad[i] != simp[i]) m.emplace(trad[i], simp[i]);
        return m;
    }();
    const auto it = table.find(c);
    return it == table.end() ? c : it->second;
}

// ------------------------------------------------------------ numerals/dates

int cnDigit(char32_t c) {
    switch (c) {
        case U'〇': case U'零': case U'○': return 0;
        case U'一': case U'壹': return 1;
        case U'二': case U'贰': case U'貳': return 2;
        case U'三': case U'叁': case U'參': case U'参': return 3;
        case U'四': case U'肆': return 4;
        case U'五': case U'伍': return 5;
        case U'六': case U'陆': case U'陸': return 6;
        case U'七': case U'柒': return 7;
        case U'八': case U'捌': return 8;
        case U'九': case U'玖': return 9;
        default: return -1;
    }
}
bool isCnNumeralChar(char32_t c) { return cnDigit(c) >= 0 || c == U'十' || c == U'拾' || c == U'百' || c == U'佰'; }

// "二十三" → 23, "十" → 10, "壹佰零五" → 105; nullopt for anything else.
std::optional<int> parseCnNumber(U32View s) {
    if (s.empty() || s.size() > 6) return std::nullopt;
    int total = 0;
    int pending = -1;
    for (const char32_t c : s) {
        const int d = cnDigit(c);
        if (d >= 0) {
            if (pending > 0) return std::nullopt;  // "二三" is not a number here
            pending = d;
        } else if (c == U'十' || c == U'拾') {
            total += (pending < 0 ? 1 : pending) * 10;
            pending = -1;
        } else if (c == U'百' || c == U'佰') {
            total += (pending < 0 ? 1 : pending) * 100;
            pending = -1;
        } else {
            return std::nullopt;
        }
    }
    if (pending > 0) total += pending;
    return total > 0 ? std::optional<int>(total) : std::nullopt;
}

struct DateHit {
    std::string iso;
    size_t begin = 0;
    size_t end = 0;
};

std::optional<std::string> isoDate(int y, int m, int d) {
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (y < 1949 || y > 2100 || !ymd.ok()) return std::nullopt;
    return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

// A date starting exactly at `pos`: 2025年2月14日, 2025.02.14, 2025-2-14,
// 2025/02/14 or 二〇二五年二月十四日 (formal signatures).
std::optional<DateHit> parseDateAt(U32View s, size_t pos) {
    const size_t n = s.size();
    auto skip = [&](size_t& k) {
        while (k < n && s[k] == U' ') ++k;
    };
    auto readInt = [&](size_t& k, size_t maxDigits) -> int {
        int v = 0;
        size_t digits = 0;
        while (k < n && isDigit(s[k]) && digits < maxDigits) {
            v = v * 10 + static_cast<int>(s[k] - U'0');
            ++k, ++digits;
        }
        return digits == 0 ? -1 : v;
    };
    size_t k = pos;
    if (k < n && isDigit(s[k])) {
        const size_t start = k;
        const int y = readInt(k, 4);
        if (k - start != 4 || (k < n && isDigit(s[k]))) return std::nullopt;
        skip(k);
        if (k >= n) return std::nullopt;
        const char32_t sep = s[k];
        if (sep != U'年' && sep != U'.' && sep != U'-' && sep != U'/' && sep != U'．' && sep != U'－') return std::nullopt;
        ++k;
        skip(k);
        const int m = readInt(k, 2);
        if (m < 0) return std::nullopt;
        skip(k);
        if (k >= n) return std::nullopt;
        const char32_t sep2 = s[k];
        if (sep == U'年' ? sep2 != U'月' : sep2 != sep) return std::nullopt;
        ++k;
        skip(k);
        const int d = readInt(k, 2);
        if (d < 0) return std::nullopt;
        size_t end = k;
        size_t j = k;
        skip(j);
        if (j < n && s[j] == U'日') end = j + 1;
        else if (sep == U'年') return std::nullopt;  // "2025年2月14" without 日 is a number, not a date
        if (end < n && isDigit(s[end])) return std::nullopt;
        auto iso = isoDate(y, m, d);
        if (!iso) return std::nullopt;
        return DateHit{*iso, pos, end};
    }
    // 二〇二五年二月十四日
    int y = 0;
    size_t yd = 0;
    while (k < n && cnDigit(s[k]) >= 0 && yd < 4) {
        y = y * 10 + cnDigit(s[k]);
        ++k, ++yd;
    }
    if (yd != 4 || k >= n || s[k] != U'年') return std::nullopt;
    ++k;
    auto readCn = [&](char32_t unit) -> int {
        const size_t from = k;
        while (k < n && isCnNumeralChar(s[k])) ++k;
        if (k >= n || s[k] != unit) return -1;
        const auto v = parseCnNumber(s.substr(from, k - from));
        ++k;
        return v ? *v : -1;
    };
    const int m = readCn(U'月');
    const int d = readCn(U'日');
    if (m < 0 || d < 0) return std::nullopt;
    auto iso = isoDate(y, m, d);
    if (!iso) return std::nullopt;
    return DateHit{*iso, pos, k};
}

std::optional<DateHit> findDate(U32View s, size_t from = 0) {
    for (size_t i = from; i < s.size(); ++i) {
        if (i > 0 && isDigit(s[i - 1])) continue;
        if (!isDigit(s[i]) && cnDigit(s[i]) < 0) continue;
        if (auto hit = parseDateAt(s, i)) return hit;
    }
    return std::nullopt;
}

// ------------------------------------------------------------------ markers

// Numbering styles. Levels are not fixed per style: a document's levels are
// the styles in the order it nests them (some start at 1、).
enum class Style { Chapter, Section, Article, CapComma, CnComma, CnParen, ArDot, ArComma, ArParen, ArHalfParen, Circled };

// 壹、贰、 (financial numerals) number a level above 一、 in Taiwan-style text.
bool isCapitalNumeral(char32_t c) { return U32View(U"壹贰貳叁參参肆伍陆陸柒捌玖拾佰").find(c) != U32View::npos; }

// Styles that documents mix up at one level ("1." then "2、"): a number that
// continues an open item of the same family is that item's sibling.
int styleFamily(Style s) {
    switch (s) {
        case Style::ArDot: case Style::ArComma: return 1;
        case Style::ArParen: case Style::ArHalfParen: return 2;
        default: return 10 + static_cast<int>(s);
    }
}

struct Marker {
    Style style = Style::ArDot;
    int value = 0;
    size_t length = 0;  // code points consumed, including spaces after the marker
    U32 number;         // normalised: "一、" "（一）" "1." "（1）" …
    bool rewritten = false;
};

std::optional<Marker> parseMarker(U32View simp, U32View orig) {
    const size_t n = simp.size();
    if (n == 0) return std::nullopt;
    auto skip = [&](size_t& k) {
        while (k < n && simp[k] == U' ') ++k;
    };
    auto make = [&](Style st, int v, size_t end, U32 number) {
        Marker m;
        m.style = st;
        m.value = v;
        m.rewritten = U32View(orig.substr(0, end)) != U32View(number);
        m.number = std::move(number);
        size_t k = end;
        skip(k);
        m.length = k;
        return m;
    };
    auto readCn = [&](size_t& k) -> std::optional<std::pair<int, U32>> {
        const size_t from = k;
        while (k < n && isCnNumeralChar(simp[k]) && k - from < 6) ++k;
        auto v = parseCnNumber(simp.substr(from, k - from));
        if (!v) return std::nullopt;
        return std::pair{*v, U32(orig.substr(from, k - from))};
    };
    auto readAr = [&](size_t& k) -> int {
        int v = 0;
        size_t digits = 0;
        while (k < n && isDigit(simp[k])) {
            // A marker has at most three digits; a longer run ("2025年",
            // a phone number) is read past without overflowing v.
            if (digits < 4) v = v * 10 + static_cast<int>(simp[k] - U'0');
            ++k, ++digits;
        }
        return (digits == 0 || digits > 3 || v == 0) ? -1 : v;
    };
    const char32_t c0 = simp[0];
    if (c0 == U'第') {
        size_t k = 1;
        skip(k);
        auto num = readCn(k);
        if (!num) return std::nullopt;
        skip(k);
        if (k >= n) return std::nullopt;
        Style st;
        if (simp[k] == U'条') st = Style::Article;
        else if (simp[k] == U'章') st = Style::Chapter;
        else if (simp[k] == U'节') st = Style::Section;
        else return std::nullopt;
        return make(st, num->first, k + 1, U"第" + num->second + orig[k]);
    }
    if (c0 == U'(' || c0 == U'（') {
        size_t k = 1;
        skip(k);
        Style st;
        int value = 0;
        U32 digits;
        if (k < n && isCnNumeralChar(simp[k])) {
            auto num = readCn(k);
            if (!num) return std::nullopt;
            st = Style::CnParen, value = num->first, digits = num->second;
        } else {
            value = readAr(k);
            if (value < 0) return std::nullopt;
            st = Style::ArParen, digits = toU32(std::to_string(value));
        }
        skip(k);
        if (k >= n || (simp[k] != U')' && simp[k] != U'）')) return std::nullopt;
        ++k;
        // "（一）、" and "(1)." occur; the extra mark is not part of the number.
        if (k < n && (simp[k] == U'、' || simp[k] == U'．' || (simp[k] == U'.' && !(k + 1 < n && isDigit(simp[k + 1])))))
            ++k;
        return make(st, value, k, U"（" + digits + U"）");
    }
    if (c0 >= 0x2460 && c0 <= 0x2473) return make(Style::Circled, static_cast<int>(c0 - 0x2460 + 1), 1, U32(1, orig[0]));
    if (c0 >= 0x3251 && c0 <= 0x325F) return make(Style::Circled, static_cast<int>(c0 - 0x3251 + 21), 1, U32(1, orig[0]));
    if (c0 >= 0x32B1 && c0 <= 0x32BF) return make(Style::Circled, static_cast<int>(c0 - 0x32B1 + 36), 1, U32(1, orig[0]));
    if (c0 >= 0x2474 && c0 <= 0x2487) {
        const int v = static_cast<int>(c0 - 0x2474 + 1);
        return make(Style::ArParen, v, 1, U"（" + toU32(std::to_string(v)) + U"）");
    }
    if (c0 >= 0x2488 && c0 <= 0x249B) {
        const int v = static_cast<int>(c0 - 0x2488 + 1);
        return make(Style::ArDot, v, 1, toU32(std::to_string(v)) + U".");
    }
    if (isCnNumeralChar(c0)) {
        size_t k = 0;
        auto num = readCn(k);
        if (!num) return std::nullopt;
        skip(k);
        if (k >= n || simp[k] != U'、') return std::nullopt;
        const Style st = std::ranges::any_of(num->second, isCapitalNumeral) ? Style::CapComma : Style::CnComma;
        return make(st, num->first, k + 1, num->second + U"、");
    }
    if (isDigit(c0)) {
        size_t k = 0;
        const int v = readAr(k);
        if (v < 0) return std::nullopt;
        skip(k);
        if (k >= n) return std::nullopt;
        const U32 digits = toU32(std::to_string(v));
        const char32_t c = simp[k];
        if (c == U'.' || c == U'．') {
            size_t j = k + 1;
            skip(j);
            if (j < n && isDigit(simp[j])) return std::nullopt;  // 1.5倍, 2025.02.14
            return make(Style::ArDot, v, k + 1, digits + U".");
        }
        if (c == U'、') return make(Style::ArComma, v, k + 1, digits + U"、");
        if (c == U')' || c == U'）') return make(Style::ArHalfParen, v, k + 1, digits + U"）");
    }
    return std::nullopt;
}

// ------------------------------------------------------- responsible units

constexpr std::array<std::u32string_view, 13> kUnitKeywords = {
    U"责任单位", U"责任部门", U"牵头单位", U"牵头部门", U"配合单位", U"配合部门", U"主责单位",
    U"主责部门", U"责任主体", U"承办单位", U"协办单位", U"参与单位", U"实施单位"};

size_t unitKeywordAt(U32View s, size_t pos) {
    for (const auto kw : kUnitKeywords)
        if (s.substr(pos).starts_with(kw)) return kw.size();
    return 0;
}

struct Note {
    size_t begin = 0;  // [begin, end) in the paragraph, brackets included
    size_t end = 0;
    std::vector<std::pair<size_t, size_t>> units;  // ranges of unit names
    bool closed = true;
};

// Unit names inside [from, to): sections "牵头单位:A;配合单位:B、C" are split
// at keywords, names at 、，,;；/ ; a trailing 等 ("…局等") is dropped.
void collectUnits(U32View s, size_t from, size_t to, Note& note) {
    size_t k = from;
    while (k < to) {
        while (k < to && (isSpace(s[k]) || s[k] == U'、' || s[k] == U',' || s[k] == U'，' || s[k] == U';' ||
                          s[k] == U'；' || s[k] == U'/' || s[k] == U'。'))
            ++k;
        if (k >= to) break;
        if (const size_t kw = unitKeywordAt(s, k); kw > 0) {
            k += kw;
            while (k < to && isSpace(s[k])) ++k;
            if (k < to && (s[k] == U':' || s[k] == U'：')) ++k;
            continue;
        }
        size_t e = k;
        while (e < to && !(s[e] == U'、' || s[e] == U',' || s[e] == U'，' || s[e] == U';' || s[e] == U'；' ||
                           s[e] == U'/' || s[e] == U'。') &&
               unitKeywordAt(s, e) == 0)
            ++e;
        size_t b = k;
        size_t t = e;
        while (t > b && isSpace(s[t - 1])) --t;
        if (t - b >= 2 && s[t - 1] == U'等') --t;
        if (t > b) note.units.emplace_back(b, t);
        k = e;
    }
}

std::vector<Note> findNotes(U32View s) {
    std::vector<Note> notes;
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        if (isOpenBracket(s[i])) {
            size_t k = i + 1;
            while (k < n && isSpace(s[k])) ++k;
            if (unitKeywordAt(s, k) > 0) {
                int depth = 0;
                size_t close = n;
                for (size_t j = i; j < n; ++j) {
                    if (isOpenBracket(s[j])) ++depth;
                    else if (isCloseBracket(s[j]) && --depth == 0) {
                        close = j;
                        break;
                    }
                }
                Note note;
                note.begin = i;
                note.closed = close < n;
                note.end = note.closed ? close + 1 : n;
                collectUnits(s, k, note.closed ? close : n, note);
                notes.push_back(std::move(note));
                i = notes.back().end;
                continue;
            }
        }
        // Bracketless "责任单位：…" at the start of a paragraph or after a
        // sentence: runs to the end of the paragraph.
        if ((i == 0 || isSentenceEnd(s[i - 1]) || s[i - 1] == U' ') && unitKeywordAt(s, i) > 0) {
            size_t k = i + unitKeywordAt(s, i);
            while (k < n && isSpace(s[k])) ++k;
            if (k < n && (s[k] == U':' || s[k] == U'：')) {
                Note note;
                note.begin = i;
                note.end = n;
                collectUnits(s, i, n, note);
                notes.push_back(std::move(note));
                break;
            }
        }
        ++i;
    }
    return notes;
}

bool isUnitNoteAt(U32View s, size_t openPos) {
    size_t k = openPos + 1;
    while (k < s.size() && isSpace(s[k])) ++k;
    return unitKeywordAt(s, k) > 0;
}

// Whether a line ends its paragraph. Web scraping breaks lines mid-sentence;
// such a line ends without sentence-final punctuation or inside brackets.
bool endsParagraph(U32View s) {
    s = trimView(s);
    if (s.empty()) return true;
    int open = 0;
    for (const char32_t c : s) {
        if (isOpenBracket(c) || c == U'《' || c == U'“') ++open;
        else if (isCloseBracket(c) || c == U'》' || c == U'”') --open;
    }
    if (open > 0) return false;
    size_t end = s.size();
    while (end > 0) {
        const char32_t c = s[end - 1];
        if (isCloseBracket(c)) {
            int depth = 0;
            size_t j = end;
            while (j > 0) {
                --j;
                if (isCloseBracket(s[j])) ++depth;
                else if (isOpenBracket(s[j]) && --depth == 0) break;
            }
            if (depth != 0) return false;
            if (isUnitNoteAt(s, j)) return true;
            end = j;
            while (end > 0 && isSpace(s[end - 1])) --end;
            if (end == 0) return true;
            return isSentenceEnd(s[end - 1]);
        }
        if (isClosingQuote(c)) {
            --end;
            continue;
        }
        if (c == U'.' && end >= 2 && !isDigit(s[end - 2])) return true;
        return isSentenceEnd(c);
    }
    return true;
}

// A line ending in a function word ("…响应率达到", "…企业的") was broken
// mid-sentence; a title never ends that way.
bool endsMidPhrase(U32View s) {
    s = trimView(s);
    if (s.empty()) return false;
    static const U32View dangling = U"的和与及或在对为将把被从向以于由至到并且而其之所是了着按经让使同跟比若如即、“《(（[【,，-—";
    return dangling.find(s.back()) != U32View::npos || isDigit(s.back());
}

// --------------------------------------------------------- text with shadow

struct Text {
    U32 orig;  // what the document says (after noise repair)
    U32 simp;  // Simplified shadow, same length, for matching
    size_t size() const { return orig.size(); }
    bool empty() const { return orig.empty(); }
    Text sub(size_t pos, size_t len = U32::npos) const { return {orig.substr(pos, len), simp.substr(pos, len)}; }
    void append(const Text& o) {
        orig += o.orig;
        simp += o.simp;
    }
    void erase(size_t pos, size_t len) {
        orig.erase(pos, len);
        simp.erase(pos, len);
    }
};

Text trimText(const Text& t) {
    size_t b = 0;
    size_t e = t.size();
    while (b < e && isSpace(t.simp[b])) ++b;
    while (e > b && isSpace(t.simp[e - 1])) --e;
    return t.sub(b, e - b);
}

// Joins a line broken mid-sentence: nothing between CJK, a space between
// two Latin words.
void joinContinuation(Text& a, const Text& b) {
    if (!a.empty() && !b.empty() && isAsciiAlnum(a.simp.back()) && isAsciiAlnum(b.simp.front())) a.append({U" ", U" "});
    a.append(b);
}

struct Line {
    int number = 0;  // 1-based in the source
    Text t;
    bool indented = false;
};

// --------------------------------------------------------- line predicates

constexpr std::array<std::u32string_view, 44> kDocTypes = {
    U"通知", U"通告", U"公告", U"意见", U"方案", U"要点", U"计划", U"规划", U"纲要", U"办法", U"细则",
    U"规定", U"规则", U"决定", U"决议", U"措施", U"条例", U"指引", U"指南", U"清单", U"目录", U"批复",
    U"函", U"报告", U"政策", U"举措", U"行动", U"通报", U"纪要", U"意见稿", U"草案", U"导则", U"守则",
    U"章程", U"标准", U"试行", U"若干条", U"十条", U"二十条", U"三十条", U"条", U"实施意见", U"工作要点", U"行动计划"};

// A title ends with the kind of document, possibly followed by a bracketed
// qualifier: （试行） （2025—2027年） （征求意见稿）.
bool endsWithDocType(U32View s) {
    s = trimView(s);
    while (!s.empty() && s.back() == U'》') s.remove_suffix(1);
    if (!s.empty() && isCloseBracket(s.back())) {
        const size_t open = s.find_last_of(U"(（");
        if (open != U32View::npos && open > 0) s = trimView(s.substr(0, open));
    }
    for (const auto t : kDocTypes)
        if (s.ends_with(t)) return true;
    return false;
}

bool hasSentencePunct(U32View s) {
    return contains(s, U"。") || contains(s, U"；") || contains(s, U";") || contains(s, U"，") || contains(s, U"：") ||
           contains(s, U":");
}

bool isTitleLike(U32View s) {
    s = trimView(s);
    if (s.size() < 4 || s.size() > 80) return false;
    if (contains(s, U"。") || contains(s, U"；") || s.ends_with(U":") || s.ends_with(U"：")) return false;
    if (contains(s, U"，") && !s.starts_with(U"关于")) return false;
    return endsWithDocType(s);
}

constexpr std::array<std::u32string_view, 40> kOrgSuffixes = {
    U"人民政府", U"政府", U"办公室", U"办公厅", U"委员会", U"管委会", U"党委", U"党组", U"工委", U"小组",
    U"局", U"厅", U"委", U"办", U"部", U"署", U"院", U"中心", U"联合会", U"总会", U"协会", U"商会", U"银行",
    U"分行", U"海关", U"公司", U"集团", U"办事处", U"法院", U"检察院", U"工会", U"团委", U"妇联", U"科协",
    U"税务局", U"支队", U"大队", U"指挥部", U"联席会议", U"（代章）"};

bool isOrgLike(U32View s) {
    s = trimView(s);
    if (s.size() < 3 || s.size() > 30) return false;
    for (const char32_t c : s)
        if (!isHan(c) && c != U'(' && c != U')' && c != U'（' && c != U'）') return false;
    for (const auto suf : kOrgSuffixes)
        if (s.ends_with(suf)) return true;
    return false;
}

// Joint issuers printed on one line, separated by spaces.
std::vector<U32View> splitOrgs(U32View s) {
    std::vector<U32View> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && isSpace(s[i])) ++i;
        size_t e = i;
        while (e < s.size() && !isSpace(s[e])) ++e;
        if (e > i) out.push_back(s.substr(i, e - i));
        i = e;
    }
    return out;
}

bool isOrgLine(U32View s) {
    const auto parts = splitOrgs(s);
    if (parts.empty()) return false;
    return std::ranges::all_of(parts, [](U32View p) { return isOrgLike(p); });
}

constexpr std::array<std::u32string_view, 9> kDateLabels = {U"成文日期", U"发布日期", U"印发日期", U"发文日期",
                                                           U"公布日期", U"生效日期", U"施行日期", U"日期", U"时间"};

struct LabelledDate {
    std::string iso;
    U32View label;  // "" when the line is a bare date
};

// A line that is only a date, perhaps labelled or followed by a time or 印发.
std::optional<LabelledDate> dateLine(U32View s) {
    s = trimView(s);
    U32View label;
    for (const auto l : kDateLabels) {
        if (s.starts_with(l)) {
            size_t k = l.size();
            while (k < s.size() && isSpace(s[k])) ++k;
            if (k < s.size() && (s[k] == U':' || s[k] == U'：')) {
                label = l;
                s = trimView(s.substr(k + 1));
            }
            break;
        }
    }
    auto hit = parseDateAt(s, 0);
    if (!hit) return std::nullopt;
    U32View rest = trimView(s.substr(hit->end));
    if (rest.starts_with(U"印发") || rest.starts_with(U"发布") || rest.starts_with(U"签发")) rest.remove_prefix(2);
    // a time of day "10:30" or "10:30:00"
    while (!rest.empty() && (isDigit(rest.front()) || rest.front() == U':' || rest.front() == U' ')) rest.remove_prefix(1);
    if (!rest.empty()) return std::nullopt;
    return LabelledDate{hit->iso, label};
}

struct DocNumber {
    U32 normalised;  // prefix〔YYYY〕N号, prefix cut from the original text
    bool bracketsChanged = false;
};

// 青委办〔2025〕5号, also with [] 【】 ﹝﹞ （） brackets; the whole line, or
// after a label (文号：… / 发文字号：…) so that references to other documents
// in running text are not taken.
std::optional<DocNumber> docNumberLine(U32View simp, U32View orig) {
    size_t start = 0;
    for (const U32View label : {U32View(U"发文字号"), U32View(U"发文文号"), U32View(U"文号")}) {
        const size_t p = simp.find(label);
        if (p == U32View::npos) continue;
        size_t k = p + label.size();
        while (k < simp.size() && isSpace(simp[k])) ++k;
        if (k < simp.size() && (simp[k] == U':' || simp[k] == U'：')) ++k;
        start = k;
        break;
    }
    const size_t n = simp.size();
    size_t k = start;
    while (k < n && isSpace(simp[k])) ++k;
    const size_t prefixBegin = k;
    while (k < n && isHan(simp[k]) && k - prefixBegin < 16) ++k;
    const size_t prefixEnd = k;
    if (prefixEnd == prefixBegin) return std::nullopt;
    const std::u32string_view opens = U"〔[【﹝（(［";
    const std::u32string_view closes = U"〕]】﹞）)］";
    if (k >= n || opens.find(simp[k]) == U32View::npos) return std::nullopt;
    const bool standard = simp[k] == U'〔';
    ++k;
    while (k < n && isSpace(simp[k])) ++k;
    const size_t yearBegin = k;
    while (k < n && isDigit(simp[k])) ++k;
    if (k - yearBegin != 4) return std::nullopt;
    const U32 year(orig.substr(yearBegin, 4));
    while (k < n && isSpace(simp[k])) ++k;
    if (k >= n || closes.find(simp[k]) == U32View::npos) return std::nullopt;
    const bool standardClose = simp[k] == U'〕';
    ++k;
    while (k < n && isSpace(simp[k])) ++k;
    bool di = false;
    if (k < n && simp[k] == U'第') ++k, di = true;
    const size_t numBegin = k;
    while (k < n && isDigit(simp[k])) ++k;
    if (k == numBegin || k - numBegin > 5) return std::nullopt;
    const U32 number(orig.substr(numBegin, k - numBegin));
    while (k < n && isSpace(simp[k])) ++k;
    if (k >= n || simp[k] != U'号') return std::nullopt;
    const char32_t hao = orig[k];
    ++k;
    if (!trimView(simp.substr(k)).empty()) return std::nullopt;
    DocNumber dn;
    dn.normalised = U32(orig.substr(prefixBegin, prefixEnd - prefixBegin)) + U"〔" + year + U"〕" + (di ? U"第" : U"") +
                    number + hao;
    dn.bracketsChanged = !standard || !standardClose;
    return dn;
}

bool isAddressee(U32View s) {
    s = trimView(s);
    if (!(s.ends_with(U":") || s.ends_with(U"："))) return false;
    if (s.size() > 200 || contains(s, U"。")) return false;
    if (s.starts_with(U"各")) return true;
    // "为…，现就有关事项通知如下：" introduces the text, it addresses no one
    for (const U32View w : {U32View(U"如下"), U32View(U"现就"), U32View(U"现将"), U32View(U"特制定")})
        if (contains(s, w)) return false;
    for (const U32View w : {U32View(U"为"), U32View(U"根据"), U32View(U"按照"), U32View(U"依据"), U32View(U"经")})
        if (s.starts_with(w)) return false;
    return contains(s, U"、") || contains(s, U",") || contains(s, U"，");
}

// "本通知自…起施行" / "本方案由…负责解释": the closing clauses of the document
// as a whole, not part of the last measure.
bool isClosingClause(U32View s) {
    s = trimView(s);
    if (!s.starts_with(U"本") || s.size() < 4) return false;
    for (const auto t : kDocTypes) {
        if (!s.substr(1).starts_with(t)) continue;
        const U32View rest = s.substr(1 + t.size());
        for (const U32View w : {U32View(U"自"), U32View(U"由"), U32View(U"从"), U32View(U"有效期"), U32View(U"解释"),
                                U32View(U"施行"), U32View(U"实施"), U32View(U"未尽"), U32View(U"所称"), U32View(U"执行")})
            if (rest.starts_with(w)) return true;
    }
    return false;
}

bool isWebMeta(U32View s) {
    s = trimView(s);
    static const std::set<U32View> exact = {U"无", U"主动公开", U"依申请公开", U"不予公开", U"有效", U"失效",
                                            U"已失效", U"已废止", U"现行有效", U"全文有效", U"打印", U"关闭",
                                            U"分享", U"分享到", U"【打印】", U"【关闭】", U"字号", U"大中小"};
    if (exact.contains(s)) return true;
    for (const U32View label : {U32View(U"索引号"), U32View(U"主题分类"), U32View(U"公开方式"), U32View(U"公开属性"),
                                U32View(U"公开范围"), U32View(U"来源"), U32View(U"浏览次数"), U32View(U"字号"),
                                U32View(U"分类"), U32View(U"体裁"), U32View(U"有效性"), U32View(U"【字体"),
                                U32View(U"信息来源"), U32View(U"访问量")})
        if (s.starts_with(label) && s.size() < 60) return true;
    return false;
}

// Where a labelled issuer line names its issuers: 发文机关：… / 发布机构：…
std::optional<U32View> issuerLabel(U32View s, bool& isPublisher) {
    for (const U32View label : {U32View(U"发文机关"), U32View(U"发文机构"), U32View(U"发文单位"), U32View(U"发布机构"),
                                U32View(U"发布单位")}) {
        if (!s.starts_with(label)) continue;
        size_t k = label.size();
        while (k < s.size() && isSpace(s[k])) ++k;
        if (k < s.size() && (s[k] == U':' || s[k] == U'：')) {
            isPublisher = label.starts_with(U"发布");
            return s.substr(k + 1);
        }
    }
    return std::nullopt;
}

bool isClosingFormula(U32View s) {
    s = trimView(s);
    while (!s.empty() && (s.back() == U'。' || s.back() == U'.' || s.back() == U'！')) s.remove_suffix(1);
    static const std::set<U32View> f = {U"特此通知", U"特此公告", U"特此通告", U"特此函告", U"特此函复", U"此复",
                                        U"特此批复", U"特此报告"};
    return f.contains(s);
}

// 附件 / 附件1 / 附件1： / 附件一 alone on a line starts an appendix; with a
// name after the colon ("附件：1.XX" or "附件：XX") it lists attachments.
struct AppendixHead {
    int number = 1;
    bool listing = false;
    size_t nameBegin = 0;  // where the listed name starts (listing only)
};

std::optional<AppendixHead> appendixHead(U32View s) {
    if (!s.starts_with(U"附件") && !s.starts_with(U"附表")) return std::nullopt;
    AppendixHead h;
    const size_t n = s.size();
    size_t k = 2;
    while (k < n && isSpace(s[k])) ++k;
    const size_t numBegin = k;
    int v = 0;
    while (k < n && isDigit(s[k]) && k - numBegin < 3) v = v * 10 + static_cast<int>(s[k++] - U'0');
    if (k == numBegin) {
        while (k < n && isCnNumeralChar(s[k]) && k - numBegin < 3) ++k;
        if (k > numBegin) v = parseCnNumber(s.substr(numBegin, k - numBegin)).value_or(0);
    }
    if (k > numBegin) h.number = v;
    while (k < n && isSpace(s[k])) ++k;
    bool colon = false;
    if (k < n && (s[k] == U':' || s[k] == U'：')) ++k, colon = true;
    while (k < n && isSpace(s[k])) ++k;
    if (k == n) return h;
    // "附件所列…" is a sentence, not a heading: a listing has a colon and is
    // short, without sentence punctuation.
    if (!colon || n - k > 80 || contains(s.substr(k), U"。")) return std::nullopt;
    h.listing = true;
    h.nameBegin = k;
    return h;
}

// "1.2020年…" in an attachment list: the number is not a measure marker
// (a digit follows the dot), so it is read here.
std::optional<std::pair<int, size_t>> listNumber(U32View s) {
    size_t k = 0;
    int v = 0;
    while (k < s.size() && isDigit(s[k]) && k < 2) v = v * 10 + static_cast<int>(s[k++] - U'0');
    if (k == 0 || k >= s.size()) return std::nullopt;
    if (s[k] != U'.' && s[k] != U'．' && s[k] != U'、' && s[k] != U')' && s[k] != U'）') return std::nullopt;
    ++k;
    while (k < s.size() && isSpace(s[k])) ++k;
    return std::pair{v, k};
}

// ------------------------------------------------------------- the importer

struct Para {
    Text t;
    int line = 0;
};

struct Node {
    Style style = Style::ArDot;
    int rank = 0;
    int value = 0;
    int line = 0;
    int parent = -1;
    U32 number;
    std::vector<Para> paras;
    bool open = false;         // the last paragraph may continue on the next line
    bool headingLine = false;  // the marker line held only a short title
    bool closingClauses = false;  // an item like "附则" that holds "本方案自…施行"
    std::vector<int> children;
    // results
    std::string heading;
    std::string text;
    U32 simpText;  // for comparing appendices with the body
    std::vector<std::string> units;
};

struct Appendix {
    int number = 1;
    int line = 0;
    std::vector<size_t> lines;  // indices into lines_
};

struct Listed {
    int number = 0;
    int line = 0;
    Text name;
};

// What a line before the first measure is, for reading the metadata.
enum class Kind { Meta, DocNumber, Date, Org, Addressee, Title, AppendixStart, Listing, ListEntry, Issuer, Text };

class Importer {
public:
    explicit Importer(std::string_view origin) : origin_(origin) {}

    Result<Document> run(std::string_view utf8) {
        if (utf8.size() >= 2 && ((utf8[0] == '\xFF' && utf8[1] == '\xFE') || (utf8[0] == '\xFE' && utf8[1] == '\xFF')))
            return fail(ErrorCode::Parse,
                        fmt::format("{}: the file is UTF-16, not UTF-8; save it as UTF-8 and import it again.", origin_));
        if (utf8.find('\0') != std::string_view::npos)
            return fail(ErrorCode::Parse,
                        fmt::format("{}: the file contains NUL bytes, so it is binary (or UTF-16), not a text document; "
                                    "export the policy as UTF-8 plain text.",
                                    origin_));
        U32 text;
        if (const auto bad = decodeUtf8(utf8, text))
            return fail(ErrorCode::Parse,
                        fmt::format("{}: not valid UTF-8 at byte {} (perhaps GBK); convert the file to UTF-8 and import it "
                                    "again.",
                                    origin_, *bad));
        normaliseCharacters(text);
        splitLines(text);
        if (lines_.empty())
            return fail(ErrorCode::InvalidArgument, fmt::format("{}: the document is empty; nothing to import.", origin_));
        size_t han = 0;
        for (const auto& l : lines_)
            han += static_cast<size_t>(std::ranges::count_if(l.t.orig, isHan));
        if (han < 4)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{}: the text contains (almost) no Chinese, so it is not a policy document.", origin_));
        buildShadow(han);
        removeCjkSpaces();
        repairReplacementChars();
        layout();
        parse();
        if (nodes_.empty())
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{}: no numbered measure (一、 （一） 1. （1） 第一条 …) was found, so this does not look "
                                    "like a policy document; check that the right file was chosen.",
                                    origin_));
        finishNodes();
        readFrontMatter();
        readTail();
        readAppendices();
        readValidity();
        reportNormalisations();
        buildTree();
        return std::move(doc_);
    }

private:
    // ----------------------------------------------------------- noise

    void normaliseCharacters(U32& s) {
        U32 out;
        out.reserve(s.size());
        for (size_t i = 0; i < s.size(); ++i) {
            char32_t c = s[i];
            if (c == 0xFEFF && i == 0) {
                ++bom_;
                continue;
            }
            if (c == U'\r') {
                if (i + 1 < s.size() && s[i + 1] == U'\n') ++crlf_;
                else {
                    ++cr_;
                    out.push_back(U'\n');
                }
                continue;
            }
            if (c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD) {
                ++zeroWidth_;
                continue;
            }
            if (c == 0x00A0 || c == 0x202F || c == 0x205F || (c >= 0x2000 && c <= 0x200A)) {
                ++nbsp_;
                c = U' ';
            } else if (c == 0x3000) {
                ++ideoSpace_;
                c = U' ';
            } else if (c == U'\t') {
                c = U' ';
            } else if ((c < 0x20 && c != U'\n') || (c >= 0x7F && c <= 0x9F)) {
                ++control_;
                continue;
            } else if (c >= 0xFF10 && c <= 0xFF19) {
                ++fwDigits_;
                c = c - 0xFF10 + U'0';
            } else if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) {
                ++fwLetters_;
                c = c - 0xFF21 + U'A';
            }
            out.push_back(c);
        }
        s = std::move(out);
    }

    void splitLines(const U32& s) {
        size_t start = 0;
        int number = 0;
        while (start <= s.size()) {
            size_t end = s.find(U'\n', start);
            if (end == U32::npos) end = s.size();
            ++number;
            U32View raw = U32View(s).substr(start, end - start);
            size_t lead = 0;
            while (lead < raw.size() && raw[lead] == U' ') ++lead;
            const U32View t = trimView(raw);
            if (!t.empty()) lines_.push_back(Line{number, Text{U32(t), U32(t)}, lead >= 2});
            if (end == s.size()) break;
            start = end + 1;
        }
    }

    // Detects Traditional Chinese by how much t2s changes, and gives every
    // line its Simplified shadow of the same length.
    void buildShadow(size_t han) {
        std::vector<U32> converted(lines_.size());
        bool haveConverted = false;
        std::string joined;
        for (const auto& l : lines_) {
            joined += encodeUtf8(l.t.orig);
            joined += '\n';
        }
        if (auto out = T2s::instance().convert(joined)) {
            U32 all;
            if (!decodeUtf8(*out, all)) {
                size_t i = 0;
                size_t start = 0;
                while (start < all.size() && i < lines_.size()) {
                    size_t end = all.find(U'\n', start);
                    if (end == U32::npos) end = all.size();
                    converted[i++] = all.substr(start, end - start);
                    start = end + 1;
                }
                haveConverted = i == lines_.size();
            }
        }
        size_t changed = 0;
        for (size_t i = 0; i < lines_.size(); ++i) {
            const U32& orig = lines_[i].t.orig;
            U32 simp;
            if (haveConverted && converted[i].size() == orig.size()) {
                simp = converted[i];
            } else {
                simp = orig;
                for (auto& c : simp) c = miniT2s(c);
            }
            for (size_t k = 0; k < orig.size(); ++k)
                if (orig[k] != simp[k] && isHan(orig[k])) ++changed;
            lines_[i].t.simp = std::move(simp);
        }
        // Simplified text loses a character or two to t2s (覆 → 复);
        // Traditional text changes in a fifth of its characters.
        doc_.traditional = changed >= 2 && changed * 100 >= han * 4;
        if (!doc_.traditional)
            for (auto& l : lines_) l.t.simp = l.t.orig;
    }

    // "营 商 环 境" and "2020 年" are conversion artefacts; "中共A区委 B区政府"
    // (joint issuers) and "on site" are not.
    void removeCjkSpaces() {
        for (auto& l : lines_) {
            if (isOrgLine(l.t.simp) && splitOrgs(l.t.simp).size() > 1) continue;
            Text out;
            const Text& t = l.t;
            for (size_t i = 0; i < t.size(); ++i) {
                if (t.simp[i] == U' ' && !out.empty()) {
                    size_t j = i;
                    while (j < t.size() && t.simp[j] == U' ') ++j;
                    if (j < t.size()) {
                        const char32_t a = out.simp.back();
                        const char32_t b = t.simp[j];
                        const bool cjkA = isCjk(a);
                        const bool cjkB = isCjk(b);
                        if ((cjkA && cjkB) || (cjkA && isDigit(b)) || (isDigit(a) && cjkB)) {
                            ++cjkSpaces_;
                            i = j - 1;
                            continue;
                        }
                    }
                }
                out.orig.push_back(t.orig[i]);
                out.simp.push_back(t.simp[i]);
            }
            l.t = std::move(out);
        }
    }

    // U+FFFD marks a character lost in an encoding conversion. The same words
    // usually occur elsewhere in the document ("1分钟响应" twice), so the
    // lost character is taken from another occurrence with the same context;
    // failing that, a unit word after a number (1分钟, 3个工作日) is completed.
    void repairReplacementChars() {
        constexpr char32_t kBad = 0xFFFD;
        size_t total = 0;
        for (const auto& l : lines_) total += static_cast<size_t>(std::ranges::count(l.t.orig, kBad));
        if (total == 0) return;
        if (total > 100) {
            // a whole file decoded with the wrong encoding: guessing is hopeless
            const auto first = std::ranges::find_if(lines_, [](const Line& l) { return contains(l.t.orig, U"\uFFFD"); });
            warn(first->number, fmt::format("{} unreadable characters (U+FFFD) in the text: the file was probably "
                                            "converted from the wrong encoding; get a clean copy",
                                            total));
            return;
        }
        for (auto& l : lines_) {
            std::string firstBad;
            int bad = 0;
            for (size_t i = 0; i < l.t.size(); ++i) {
                if (l.t.orig[i] != kBad) continue;
                size_t run = i;
                while (run < l.t.size() && l.t.orig[run] == kBad) ++run;
                const U32View leftAll = U32View(l.t.orig).substr(0, i);
                const U32View rightAll = U32View(l.t.orig).substr(run);
                std::optional<std::pair<char32_t, char32_t>> fix;
                if (run - i <= 3) fix = repairFromContext(leftAll, rightAll);
                if (!fix && run - i <= 3) fix = repairUnitWord(leftAll, rightAll);
                if (fix) {
                    l.t.orig.replace(i, run - i, 1, fix->first);
                    l.t.simp.replace(i, run - i, 1, fix->second);
                    ++fffdRepaired_;
                    fffdRepairNotes_.push_back(fmt::format("line {} {}", l.number, encodeUtf8(U32(1, fix->first))));
                } else {
                    if (bad++ == 0) {
                        const size_t b = i >= 8 ? i - 8 : 0;
                        const size_t e = std::min(l.t.size(), run + 8);
                        firstBad = encodeUtf8(U32View(l.t.orig).substr(b, e - b));
                    }
                    i = run - 1;
                }
            }
            if (bad > 0)
                warn(l.number, fmt::format("unreadable character (U+FFFD) in “{}”{}; compare with the source and fix "
                                           "the text",
                                           firstBad, bad > 1 ? fmt::format(" and {} more on this line", bad - 1) : ""));
        }
    }

    std::optional<std::pair<char32_t, char32_t>> repairFromContext(U32View left, U32View right) const {
        constexpr char32_t kBad = 0xFFFD;
        const std::array<std::pair<size_t, size_t>, 8> shapes = {
            {{3, 3}, {2, 2}, {3, 1}, {1, 3}, {2, 1}, {1, 2}, {4, 0}, {0, 4}}};
        for (const auto& [nl, nr] : shapes) {
            if (nl > left.size() || nr > right.size()) continue;
            const U32View l = left.substr(left.size() - nl);
            const U32View r = right.substr(0, nr);
            if (contains(l, U32View(&kBad, 1)) || contains(r, U32View(&kBad, 1))) continue;
            std::set<std::pair<char32_t, char32_t>> found;
            for (const auto& other : lines_) {
                const U32View o = other.t.orig;
                size_t pos = 0;
                while ((pos = o.find(l, pos)) != U32View::npos) {
                    const size_t x = pos + nl;
                    if (x < o.size() && o[x] != kBad && o.substr(x + 1).starts_with(r) && !isSpace(o[x]))
                        found.emplace(o[x], other.t.simp[x]);
                    ++pos;
                }
            }
            if (found.size() == 1) return *found.begin();
            if (found.size() > 1) return std::nullopt;  // ambiguous: leave it to the editor
        }
        return std::nullopt;
    }

    static std::optional<std::pair<char32_t, char32_t>> repairUnitWord(U32View left, U32View right) {
        static const std::array<U32View, 14> units = {U"分钟", U"小时", U"个工作日", U"工作日", U"自然日", U"万元",
                                                      U"亿元", U"千元", U"平方米", U"平方公里", U"公里", U"百分点",
                                                      U"个月", U"公顷"};
        std::set<char32_t> found;
        for (const U32View u : units) {
            for (size_t k = 1; k < u.size(); ++k) {
                const U32View before = u.substr(0, k);
                if (!left.ends_with(before) || left.size() == before.size()) continue;
                const char32_t prev = left[left.size() - before.size() - 1];
                if (!isDigit(prev) && cnDigit(prev) < 0 && prev != U'十') continue;
                if (!right.starts_with(u.substr(k + 1))) continue;
                found.insert(u[k]);
            }
        }
        if (found.size() != 1) return std::nullopt;
        return std::pair{*found.begin(), *found.begin()};
    }

    // Document-wide facts the line joiner needs: whether paragraphs are
    // marked by indentation, and the column width a web page wrapped at.
    void layout() {
        size_t indented = 0;
        for (const auto& l : lines_) indented += l.indented ? 1 : 0;
        usesIndent_ = indented >= 3 && indented * 10 < lines_.size() * 9;
        std::map<size_t, size_t> widths;
        size_t candidates = 0;
        // Only running text counts: marker lines of parallel headings often
        // share one length (changning's eight 17-character 创新举措).
        for (size_t i = 0; i + 1 < lines_.size(); ++i) {
            const auto& t = lines_[i].t.simp;
            if (endsParagraph(t) || parseMarker(t, lines_[i].t.orig) ||
                parseMarker(lines_[i + 1].t.simp, lines_[i + 1].t.orig))
                continue;
            ++candidates;
            ++widths[displayWidth(t)];
        }
        size_t best = 0;
        size_t bestCount = 0;
        for (const auto& [w, c] : widths) {
            const size_t around = c + (widths.contains(w + 1) ? widths.at(w + 1) : 0) + (widths.contains(w - 1) ? widths.at(w - 1) : 0);
            if (around > bestCount) best = w, bestCount = around;
        }
        if (bestCount >= 3 && bestCount * 10 >= candidates * 4 && best >= 40) wrapWidth_ = best;
    }

    // ------------------------------------------------------------ structure

    enum class Region { Front, Body, Tail, Appendix };

    void parse() {
        Region region = Region::Front;
        bool listMode = false;
        for (size_t i = 0; i < lines_.size(); ++i) {
            const Line& l = lines_[i];
            const U32View s = l.t.simp;
            const auto marker = parseMarker(s, l.t.orig);
            if (const auto head = appendixHead(s)) {
                if (region == Region::Front) {
                    if (head->listing) {
                        addListed(*head, l);
                        listMode = true;
                    } else {
                        frontAppendixLine_ = i;
                    }
                    frontKinds_.emplace_back(i, head->listing ? Kind::Listing : Kind::AppendixStart);
                    continue;
                }
                if (head->listing) {
                    addListed(*head, l);
                    listMode = true;
                } else {
                    appendices_.push_back(Appendix{head->number, l.number, {}});
                    listMode = false;
                }
                if (region != Region::Appendix) appendixStartLine_ = l.number;
                region = Region::Appendix;
                continue;
            }
            // "2.长宁区…分工表" under "附件：1.…": numbered on from the listing
            if (const auto entry = listMode ? listNumber(s) : std::nullopt;
                entry && !listed_.empty() && entry->first == listed_.back().number + 1 && s.size() <= 80 &&
                !contains(s, U"。")) {
                listed_.push_back(Listed{entry->first, l.number, trimText(l.t.sub(entry->second))});
                if (region == Region::Front) frontKinds_.emplace_back(i, Kind::ListEntry);
                continue;
            }
            listMode = false;
            switch (region) {
                case Region::Front:
                    if (marker) {
                        region = Region::Body;
                        startMeasure(*marker, l);
                    } else {
                        frontKinds_.emplace_back(i, Kind::Text);
                    }
                    break;
                case Region::Body:
                    if (marker) {
                        startMeasure(*marker, l);
                    } else if (isClosingFormula(s) || isSignatureAt(i) || closesDocument(s)) {
                        region = Region::Tail;
                        tail_.push_back(i);
                    } else {
                        addText(l);
                    }
                    break;
                case Region::Tail:
                    tail_.push_back(i);
                    break;
                case Region::Appendix:
                    if (!appendices_.empty()) appendices_.back().lines.push_back(i);
                    break;
            }
        }
    }

    // A closing clause after a measure's own text ends the body; under a
    // title like "三、附则" it is that item's text.
    bool closesDocument(U32View s) {
        if (!isClosingClause(s)) return false;
        Node& cur = nodes_[static_cast<size_t>(stack_.back())];
        const bool onlyTitle = cur.paras.empty() || (cur.headingLine && cur.paras.size() == 1);
        if (onlyTitle || cur.closingClauses) {
            cur.closingClauses = true;
            return false;
        }
        return true;
    }

    void addListed(const AppendixHead& head, const Line& l) {
        Text name = trimText(l.t.sub(head.nameBegin));
        int number = head.number;
        if (const auto entry = listNumber(name.simp)) {
            number = entry->first;
            name = trimText(name.sub(entry->second));
        }
        listed_.push_back(Listed{number, l.number, std::move(name)});
    }

    // Org lines followed by a date, or a lone date: the signature that ends
    // the body of a 通知 whose measures are in the notice itself.
    bool isSignatureAt(size_t i) const {
        size_t k = i;
        while (k < lines_.size() && k - i < 4 && isOrgLine(lines_[k].t.simp)) ++k;
        return k < lines_.size() && dateLine(lines_[k].t.simp).has_value();
    }

    void startMeasure(const Marker& m, const Line& l) {
        Node node;
        node.style = m.style;
        node.value = m.value;
        node.line = l.number;
        node.number = m.number;
        if (m.rewritten) {
            ++markersRewritten_;
            if (markerExample_.empty())
                markerExample_ = fmt::format("{} → {}", encodeUtf8(trimView(U32View(l.t.orig).substr(0, m.length))),
                                             encodeUtf8(m.number));
        }
        // level: the rank of this numbering style in this document
        int rank = 0;
        if (const auto it = rankOf_.find(m.style); it != rankOf_.end()) {
            rank = it->second;
        } else {
            bool aliased = false;
            if (m.value != 1) {
                for (auto it2 = stack_.rbegin(); it2 != stack_.rend(); ++it2) {
                    const Node& open = nodes_[static_cast<size_t>(*it2)];
                    if (styleFamily(open.style) == styleFamily(m.style) && open.value == m.value - 1) {
                        rank = open.rank;
                        aliased = true;
                        warn(l.number, fmt::format("{} continues {} with different punctuation; read as the same level",
                                                   encodeUtf8(m.number), encodeUtf8(open.number)));
                        break;
                    }
                }
            }
            if (!aliased) rank = stack_.empty() ? 0 : nodes_[static_cast<size_t>(stack_.back())].rank + 1;
            rankOf_[m.style] = rank;
            if (!exampleOfRank_.contains(rank)) exampleOfRank_[rank] = m.number;
        }
        while (!stack_.empty() && nodes_[static_cast<size_t>(stack_.back())].rank >= rank) stack_.pop_back();
        node.rank = rank;
        node.parent = stack_.empty() ? -1 : stack_.back();
        checkLevel(node, l.number);
        checkNumbering(node, l.number);
        lastValue_[m.style] = m.value;

        const Text content = trimText(l.t.sub(m.length));
        if (!content.empty()) {
            // "1.持续优化提升政务环境" alone on its line is the item's title; a
            // line the web page wrapped at its column width is not.
            const auto notes = findNotes(content.simp);
            const bool noteOpen = !notes.empty() && !notes.back().closed;
            const Text bare = withoutNotes(content);
            const bool wrapped = wrapWidth_ > 0 && displayWidth(l.t.simp) + 3 >= wrapWidth_;
            if (!noteOpen && !wrapped && !bare.empty() && bare.size() <= 40 && !endsParagraph(bare.simp) &&
                !contains(bare.simp, U"。") && !endsMidPhrase(bare.simp)) {
                node.headingLine = true;
                node.open = false;
            } else {
                node.open = !endsParagraph(content.simp);
            }
            node.paras.push_back(Para{content, l.number});
        }
        const int index = static_cast<int>(nodes_.size());
        if (node.parent >= 0) nodes_[static_cast<size_t>(node.parent)].children.push_back(index);
        else roots_.push_back(index);
        nodes_.push_back(std::move(node));
        stack_.push_back(index);
    }

    void checkLevel(const Node& node, int line) {
        if (node.rank == 0) return;
        const int parentRank = node.parent < 0 ? -1 : nodes_[static_cast<size_t>(node.parent)].rank;
        if (parentRank >= node.rank - 1) return;
        if (!skipWarned_.insert(node.parent).second) return;
        const U32 skipped = exampleOfRank_.contains(parentRank + 1) ? exampleOfRank_.at(parentRank + 1) : U32();
        if (node.parent < 0)
            warn(line, fmt::format("{} comes before any {} item; check the numbering", encodeUtf8(node.number),
                                   encodeUtf8(skipped)));
        else
            warn(line, fmt::format("{} comes directly under {}, skipping the {} level", encodeUtf8(node.number),
                                   encodeUtf8(nodes_[static_cast<size_t>(node.parent)].number), encodeUtf8(skipped)));
    }

    // Numbers run 1, 2, 3 under a parent, or continue across parents (qingpu
    // numbers (1)…(50) through five sections): anything else is flagged.
    void checkNumbering(const Node& node, int line) {
        const std::vector<int>& siblings =
            node.parent < 0 ? roots_ : nodes_[static_cast<size_t>(node.parent)].children;
        const Node* prev = siblings.empty() ? nullptr : &nodes_[static_cast<size_t>(siblings.back())];
        if (prev != nullptr && styleFamily(prev->style) == styleFamily(node.style)) {
            if (node.value == prev->value + 1) return;
            if (node.value == prev->value)
                warn(line, fmt::format("{} is numbered the same as the item before it", encodeUtf8(node.number)));
            else if (node.value > prev->value)
                warn(line, fmt::format("numbering gap: {} follows {}", encodeUtf8(node.number), encodeUtf8(prev->number)));
            else
                warn(line, fmt::format("numbering out of order: {} follows {}", encodeUtf8(node.number),
                                       encodeUtf8(prev->number)));
            return;
        }
        if (node.value == 1) return;
        if (const auto it = lastValue_.find(node.style); it != lastValue_.end() && node.value == it->second + 1) return;
        warn(line, fmt::format("list starts at {} instead of 1", encodeUtf8(node.number)));
    }

    void addText(const Line& l) {
        Node& node = nodes_[static_cast<size_t>(stack_.back())];
        const bool newParagraph = !node.open || (usesIndent_ && l.indented);
        if (newParagraph || node.paras.empty()) node.paras.push_back(Para{l.t, l.number});
        else joinContinuation(node.paras.back().t, l.t);
        node.open = !endsParagraph(l.t.simp);
    }

    Text withoutNotes(const Text& t) const {
        Text out = t;
        const auto notes = findNotes(t.simp);
        for (auto it = notes.rbegin(); it != notes.rend(); ++it) out.erase(it->begin, it->end - it->begin);
        return trimText(out);
    }

    void finishNodes() {
        for (auto& node : nodes_) {
            std::vector<Text> paras;
            for (auto& p : node.paras) {
                Text t = p.t;
                const auto notes = findNotes(t.simp);
                for (const auto& note : notes) {
                    for (const auto& [b, e] : note.units) node.units.push_back(encodeUtf8(U32View(t.orig).substr(b, e - b)));
                    if (!note.closed) warn(p.line, "the responsible-unit note is not closed with a bracket");
                    if (note.units.empty()) warn(p.line, "responsible-unit note without any unit");
                }
                for (auto it = notes.rbegin(); it != notes.rend(); ++it) {
                    size_t end = it->end;
                    // "…服务。(责任单位:…)。" leaves a doubled full stop
                    if (it->begin > 0 && isSentenceEnd(t.simp[it->begin - 1]) && end < t.size() &&
                        (t.simp[end] == U'。' || t.simp[end] == U'.'))
                        ++end;
                    t.erase(it->begin, end - it->begin);
                }
                t = trimText(t);
                if (!t.empty()) paras.push_back(std::move(t));
            }
            if (node.headingLine && !paras.empty()) {
                node.heading = encodeUtf8(paras.front().orig);
                paras.erase(paras.begin());
            } else if (!paras.empty()) {
                // "高效办成一件事。落实好…": a short first sentence without commas
                const Text& first = paras.front();
                const size_t stop = first.simp.find(U'。');
                if (stop != U32::npos && stop >= 2 && stop <= 20) {
                    const U32View head = U32View(first.simp).substr(0, stop);
                    const bool plain = !hasSentencePunct(head) && !contains(head, U"、") && !contains(head, U",");
                    const bool more = stop + 1 < first.size() || paras.size() > 1;
                    if (plain && more) {
                        node.heading = encodeUtf8(U32View(first.orig).substr(0, stop));
                        Text rest = trimText(first.sub(stop + 1));
                        if (rest.empty()) paras.erase(paras.begin());
                        else paras.front() = std::move(rest);
                    }
                }
            }
            U32 simpAll;
            std::string text;
            for (size_t i = 0; i < paras.size(); ++i) {
                if (i > 0) text += '\n';
                text += encodeUtf8(paras[i].orig);
                simpAll += paras[i].simp;
            }
            node.text = std::move(text);
            node.simpText = std::move(simpAll);
            if (node.text.empty() && node.heading.empty() && node.children.empty())
                warn(node.line, fmt::format("measure {} has no text", encodeUtf8(node.number)));
        }
    }

    // ------------------------------------------------------------ metadata

    struct FrontLine {
        size_t index;
        Kind kind;
        size_t span = 1;  // lines a title spread over
    };

    void readFrontMatter() {
        // classify
        std::vector<FrontLine> front;
        for (size_t f = 0; f < frontKinds_.size(); ++f) {
            const auto [i, k0] = frontKinds_[f];
            Kind kind = k0;
            size_t span = 1;
            const U32View s = lines_[i].t.simp;
            bool publisher = false;
            if (kind == Kind::Text) {
                if (isWebMeta(s)) kind = Kind::Meta;
                else if (docNumberLine(s, lines_[i].t.orig)) kind = Kind::DocNumber;
                else if (dateLine(s)) kind = Kind::Date;
                else if (issuerLabel(s, publisher)) kind = Kind::Issuer;
                else if (isOrgLine(s)) kind = Kind::Org;
                else if (isAddressee(s)) kind = Kind::Addressee;
                else if (isTitleLike(s)) kind = Kind::Title;
                else if (s.ends_with(U"文件") && isOrgLike(s.substr(0, s.size() - 2))) kind = Kind::Issuer;
                else if (s.size() <= 40 && !endsParagraph(s) && !hasSentencePunct(s)) {
                    // a title broken over two or three lines
                    U32 merged(s);
                    for (size_t g = f + 1; g < frontKinds_.size() && g <= f + 2; ++g) {
                        const auto [j, kj] = frontKinds_[g];
                        if (kj != Kind::Text || j != frontKinds_[g - 1].first + 1) break;
                        merged += lines_[j].t.simp;
                        if (isTitleLike(merged)) {
                            kind = Kind::Title;
                            span = g - f + 1;
                            break;
                        }
                    }
                }
            }
            front.push_back(FrontLine{i, kind, span});
            f += span - 1;
        }
        auto joinedSimp = [&](const FrontLine& fl) {
            U32 s;
            for (size_t k = 0; k < fl.span; ++k) s += lines_[fl.index + k].t.simp;
            return s;
        };
        auto joinedOrig = [&](const FrontLine& fl) {
            U32 s;
            for (size_t k = 0; k < fl.span; ++k) s += lines_[fl.index + k].t.orig;
            return s;
        };

        // the notice body starts at the addressee or the first running text
        size_t noticeStart = front.size();
        for (size_t f = 0; f < front.size(); ++f)
            if (front[f].kind == Kind::Addressee || front[f].kind == Kind::Text) {
                noticeStart = f;
                break;
            }

        std::vector<std::string> headerOrgs;
        std::vector<std::string> signatureOrgs;
        std::optional<size_t> titleF;
        std::optional<size_t> lastSignatureF;
        std::vector<std::string> pendingOrgs;
        for (size_t f = 0; f < front.size(); ++f) {
            const FrontLine& fl = front[f];
            const Line& l = lines_[fl.index];
            const U32View s = l.t.simp;
            switch (fl.kind) {
                case Kind::DocNumber:
                    if (doc_.docNumber.empty()) {
                        const auto dn = docNumberLine(s, l.t.orig);
                        doc_.docNumber = encodeUtf8(dn->normalised);
                        if (dn->bracketsChanged) ++docNumberBrackets_;
                    }
                    break;
                case Kind::Org:
                    for (const auto part : splitOrgs(l.t.orig)) pendingOrgs.push_back(encodeUtf8(part));
                    continue;  // keep pending until we see what follows
                case Kind::Issuer: {
                    bool publisher = false;
                    if (const auto v = issuerLabel(s, publisher)) {
                        const size_t off = static_cast<size_t>(v->data() - s.data());
                        const U32View origV = U32View(l.t.orig).substr(off);
                        for (const auto part : splitOrgs(trimView(origV)))
                            (publisher ? headerOrgs : labelledIssuers_).push_back(encodeUtf8(part));
                    } else {
                        headerOrgs.push_back(encodeUtf8(U32View(l.t.orig).substr(0, l.t.size() - 2)));
                    }
                    break;
                }
                case Kind::Date: {
                    const auto d = dateLine(s);
                    const bool header = f < noticeStart;
                    if (d->label == U"成文日期" || d->label == U"印发日期" || d->label == U"发文日期") {
                        if (doc_.written.empty()) doc_.written = d->iso;
                    } else if (d->label == U"发布日期" || d->label == U"公布日期") {
                        if (doc_.published.empty()) doc_.published = d->iso;
                    } else if (d->label == U"生效日期" || d->label == U"施行日期") {
                        if (doc_.effective.empty()) doc_.effective = d->iso;
                    } else if (header) {
                        if (doc_.published.empty()) doc_.published = d->iso;
                        for (auto& o : pendingOrgs) headerOrgs.push_back(std::move(o));
                    } else {
                        if (doc_.written.empty()) doc_.written = d->iso;
                        for (auto& o : pendingOrgs) signatureOrgs.push_back(std::move(o));
                        lastSignatureF = f;
                    }
                    pendingOrgs.clear();
                    break;
                }
                case Kind::Title:
                    if (!titleF) titleF = f;
                    break;
                default:
                    break;
            }
            // org lines not followed by a date: in the header they name the
            // publisher, elsewhere they are left alone
            if (!pendingOrgs.empty() && f < noticeStart)
                for (auto& o : pendingOrgs) headerOrgs.push_back(std::move(o));
            pendingOrgs.clear();
        }

        // issuers: the signature of the notice, else labelled or header ones
        if (!signatureOrgs.empty()) doc_.issuers = signatureOrgs;
        else if (!labelledIssuers_.empty()) doc_.issuers = labelledIssuers_;
        else doc_.issuers = headerOrgs;

        // a notice that wraps a plan: 关于印发《X》的通知, or "《X》…现印发给你们"
        std::optional<U32> wrapped;
        std::optional<FrontLine> titleLine;
        if (titleF) titleLine = front[*titleF];
        if (titleLine) {
            const U32 s = joinedSimp(*titleLine);
            const U32 o = joinedOrig(*titleLine);
            if (s.starts_with(U"关于") && (contains(s, U"印发") || contains(s, U"转发") || contains(s, U"批转") ||
                                           contains(s, U"下发") || contains(s, U"公布")))
                wrapped = bookTitle(s, o);
        }
        if (!wrapped)
            for (const auto& fl : front)
                if (fl.kind == Kind::Text && contains(lines_[fl.index].t.simp, U"印发"))
                    if ((wrapped = bookTitle(lines_[fl.index].t.simp, lines_[fl.index].t.orig))) break;

        // the plan's own title line, where the plan follows the notice
        std::optional<size_t> planF;
        for (size_t f = 0; f < front.size(); ++f) {
            if (front[f].kind != Kind::Title || (titleF && f == *titleF)) continue;
            const bool afterAppendix = frontAppendixLine_ && front[f].index > *frontAppendixLine_;
            const U32 s = joinedSimp(front[f]);
            if ((wrapped && stripBooks(s) == stripBooks(simpOf(*wrapped))) || (!wrapped && afterAppendix)) {
                planF = f;
                if (!wrapped) wrapped = joinedOrig(front[f]);
                break;
            }
        }
        // 关于印发《X》的通知 names X only when X follows; alone, the notice is
        // the document
        if (wrapped && (planF || frontAppendixLine_ || !titleLine)) doc_.title = encodeUtf8(*wrapped);
        else if (titleLine) doc_.title = encodeUtf8(joinedOrig(*titleLine));
        else inferTitleFromListing();

        // the preamble: running text after the last title, signature or 附件
        size_t from = 0;
        for (const auto& cut : {titleF, planF, lastSignatureF})
            if (cut) from = std::max(from, *cut + 1);
        if (frontAppendixLine_)
            for (size_t f = 0; f < front.size(); ++f)
                if (front[f].index > *frontAppendixLine_) {
                    from = std::max(from, f);
                    break;
                }
        std::vector<Text> paras;
        bool open = false;
        for (size_t f = from; f < front.size(); ++f) {
            if (front[f].kind != Kind::Text) continue;
            const Line& l = lines_[front[f].index];
            if (!open || paras.empty() || (usesIndent_ && l.indented)) paras.push_back(l.t);
            else joinContinuation(paras.back(), l.t);
            open = !endsParagraph(l.t.simp);
        }
        std::string pre;
        for (const auto& p : paras) {
            if (!pre.empty()) pre += '\n';
            pre += encodeUtf8(p.orig);
        }
        doc_.preamble = std::move(pre);
    }

    U32 simpOf(const U32& orig) const { return simpOf_.contains(orig) ? simpOf_.at(orig) : orig; }

    static U32 stripBooks(U32View s) {
        U32 out;
        for (const char32_t c : s)
            if (c != U'《' && c != U'》' && !isSpace(c)) out.push_back(c);
        return out;
    }

    // The first 《…》 that names a document (ends with 方案/要点/…).
    std::optional<U32> bookTitle(U32View simp, U32View orig) {
        size_t pos = 0;
        while ((pos = simp.find(U'《', pos)) != U32View::npos) {
            const size_t end = simp.find(U'》', pos);
            if (end == U32View::npos) break;
            const U32View inner = simp.substr(pos + 1, end - pos - 1);
            if (endsWithDocType(inner)) {
                U32 o(orig.substr(pos + 1, end - pos - 1));
                simpOf_[o] = U32(inner);
                return o;
            }
            pos = end;
        }
        return std::nullopt;
    }

    // Without a title line, a listed attachment "X分工表" names the plan X
    // (changning lists "…2020年行动计划分工表").
    void inferTitleFromListing() {
        for (const auto& item : listed_) {
            U32View s = item.name.simp;
            for (const U32View suffix : {U32View(U"任务分工表"), U32View(U"责任分工表"), U32View(U"重点任务分工"),
                                         U32View(U"分工表"), U32View(U"任务分工"), U32View(U"任务清单"),
                                         U32View(U"责任清单")}) {
                if (!s.ends_with(suffix)) continue;
                const U32View base = s.substr(0, s.size() - suffix.size());
                if (!isTitleLike(base)) continue;
                doc_.title = encodeUtf8(U32View(item.name.orig).substr(0, base.size()));
                warn(item.line, fmt::format("the text has no title line; title “{}” inferred from the attachment list, "
                                            "check it",
                                            doc_.title));
                return;
            }
        }
        warn(lines_.front().number, "no title found; enter the document title by hand");
    }

    void readTail() {
        std::vector<std::string> orgs;
        for (const size_t i : tail_) {
            const Line& l = lines_[i];
            if (isOrgLine(l.t.simp)) {
                for (const auto part : splitOrgs(l.t.orig)) orgs.push_back(encodeUtf8(part));
                continue;
            }
            if (const auto d = dateLine(l.t.simp)) {
                if (d->label == U"发布日期" || d->label == U"公布日期") {
                    if (doc_.published.empty()) doc_.published = d->iso;
                } else if (doc_.written.empty()) {
                    doc_.written = d->iso;
                }
                if (doc_.issuers.empty()) doc_.issuers = orgs;
            }
            orgs.clear();
        }
    }

    // Appendices after the measures restate or detail them (changning's
    // 附件1 retells its measures as eight 创新举措): counting them again would
    // double the measures, so they are compared with the body and reported.
    void readAppendices() {
        std::set<int> present;
        for (const auto& app : appendices_) {
            present.insert(app.number);
            struct Item {
                U32 number;
                int line;
                U32 simp;
            };
            std::vector<Item> items;
            for (const size_t i : app.lines) {
                const Line& l = lines_[i];
                if (const auto m = parseMarker(l.t.simp, l.t.orig)) items.push_back(Item{m->number, l.number, l.t.simp.substr(m->length)});
                else if (!items.empty()) items.back().simp += l.t.simp;
            }
            if (items.empty()) {
                if (!app.lines.empty())
                    warn(app.line, fmt::format("附件{} was not imported (it has no numbered items)", app.number));
                continue;
            }
            std::set<size_t> restated;
            size_t matchingItems = 0;
            std::string example;
            for (const auto& item : items) {
                std::vector<size_t> hits;
                for (size_t n = 0; n < nodes_.size(); ++n)
                    if (restates(item.simp, nodes_[n].simpText)) hits.push_back(n);
                if (hits.empty()) continue;
                ++matchingItems;
                restated.insert(hits.begin(), hits.end());
                if (example.empty()) {
                    std::string list;
                    for (size_t h = 0; h < hits.size() && h < 4; ++h) {
                        U32View num = nodes_[hits[h]].number;
                        const bool comma = num.ends_with(U"、");
                        if (comma) num.remove_suffix(1);
                        if (h > 0) list += comma ? "、" : " ";
                        list += encodeUtf8(num);
                    }
                    example = fmt::format("{} repeats {}", encodeUtf8(item.number), list);
                }
            }
            if (matchingItems == 0) {
                warn(app.line, fmt::format("附件{} has {} numbered items that match no measure of the document; they were "
                                           "not imported, check whether they should be",
                                           app.number, items.size()));
            } else {
                std::string msg = fmt::format(
                    "附件{} restates {} of the measures in its {} numbered items (e.g. {}); not imported again", app.number,
                    restated.size(), items.size(), example);
                if (matchingItems < items.size())
                    msg += fmt::format("; {} of its items match no measure, check them", items.size() - matchingItems);
                warn(app.line, msg);
            }
        }
        std::set<int> seen;
        for (const auto& item : listed_) {
            if (!seen.insert(item.number).second) continue;
            const bool frontPlan = frontAppendixLine_.has_value() && appendices_.empty();
            if (!present.contains(item.number) && !frontPlan && appendixStartLine_ > 0)
                warn(item.line, fmt::format("attachment {} (“{}”) is listed but its text is not in the document",
                                            item.number, encodeUtf8(item.name.orig)));
        }
    }

    // Whether an appendix item retells a measure: several 12-character
    // stretches of the measure's text occur in the item verbatim.
    static bool restates(U32View item, U32View measure) {
        constexpr size_t kWindow = 12;
        if (measure.size() < kWindow || item.size() < kWindow) return false;
        size_t windows = 0;
        size_t found = 0;
        for (size_t p = 0; p + kWindow <= measure.size(); p += kWindow / 3) {
            ++windows;
            if (contains(item, measure.substr(p, kWindow))) ++found;
        }
        return found >= 3 || (windows <= 3 && found == windows);
    }

    // 自2025年3月1日起施行 / 自印发之日起施行 / 有效期至… / 有效期5年
    void readValidity() {
        for (const auto& l : lines_) {
            if (appendixStartLine_ > 0 && l.number >= appendixStartLine_) break;
            const U32View s = l.t.simp;
            for (const U32View verb : {U32View(U"起施行"), U32View(U"起实施"), U32View(U"起执行"), U32View(U"起生效")}) {
                const size_t p = s.find(verb);
                if (p == U32View::npos || !doc_.effective.empty()) continue;
                const size_t from = p >= 20 ? p - 20 : 0;
                const U32View before = s.substr(from, p - from);
                if (before.ends_with(U"印发之日") || before.ends_with(U"下发之日") || before.ends_with(U"签发之日")) {
                    doc_.effective = !doc_.written.empty() ? doc_.written : doc_.published;
                } else if (before.ends_with(U"发布之日") || before.ends_with(U"公布之日")) {
                    doc_.effective = !doc_.published.empty() ? doc_.published : doc_.written;
                } else {
                    // the date that ends right before 起施行
                    for (auto d = findDate(before); d; d = findDate(before, d->begin + 1))
                        if (d->end == before.size()) doc_.effective = d->iso;
                }
            }
            size_t p = s.find(U"有效期");
            if (p != U32View::npos && doc_.expiry.empty()) {
                size_t k = p + 3;
                for (const U32View w : {U32View(U"截至"), U32View(U"至"), U32View(U"到"), U32View(U"为")})
                    if (s.substr(k).starts_with(w)) {
                        k += w.size();
                        break;
                    }
                if (auto d = parseDateAt(s, k)) {
                    doc_.expiry = d->iso;
                } else {
                    size_t e = k;
                    while (e < s.size() && (isDigit(s[e]) || isCnNumeralChar(s[e]))) ++e;
                    if (e > k && e < s.size() && s[e] == U'年') {
                        const U32View num = s.substr(k, e - k);
                        int years = 0;
                        if (isDigit(num.front())) {
                            for (const char32_t c : num) years = years * 10 + static_cast<int>(c - U'0');
                        } else {
                            years = parseCnNumber(num).value_or(0);
                        }
                        pendingYears_ = years;
                        pendingYearsLine_ = l.number;
                    }
                }
            }
        }
        if (doc_.expiry.empty() && pendingYears_ > 0) {
            if (doc_.effective.empty()) {
                warn(pendingYearsLine_, fmt::format("the document is valid for {} years but its start date is unknown; "
                                                    "enter the expiry date by hand",
                                                    pendingYears_));
            } else {
                using namespace std::chrono;
                const int y = std::stoi(doc_.effective.substr(0, 4));
                const int m = std::stoi(doc_.effective.substr(5, 2));
                const int d = std::stoi(doc_.effective.substr(8, 2));
                const year_month_day start{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
                const year_month_day end{sys_days{start + years{pendingYears_}} - days{1}};
                doc_.expiry = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(end.year()),
                                          static_cast<unsigned>(end.month()), static_cast<unsigned>(end.day()));
            }
        }
    }

    void reportNormalisations() {
        auto add = [&](int n, std::string_view what) {
            if (n > 0) doc_.normalisations.push_back(fmt::format("{} {}", n, what));
        };
        add(bom_, "byte-order mark removed");
        add(crlf_, "CRLF line endings → LF");
        add(cr_, "CR line endings → LF");
        add(zeroWidth_, "zero-width or soft-hyphen characters removed");
        add(nbsp_, "no-break or typographic spaces → space");
        add(ideoSpace_, "full-width spaces (U+3000) → space");
        add(control_, "control characters removed");
        add(fwDigits_, "full-width digits → ASCII");
        add(fwLetters_, "full-width Latin letters → ASCII");
        add(cjkSpaces_, "stray spaces between Chinese characters removed");
        if (fffdRepaired_ > 0) {
            std::string where;
            for (const auto& n : fffdRepairNotes_) where += (where.empty() ? "" : ", ") + n;
            doc_.normalisations.push_back(fmt::format("{} U+FFFD replacement characters repaired from context ({})",
                                                      fffdRepaired_, where));
        }
        if (markersRewritten_ > 0)
            doc_.normalisations.push_back(
                fmt::format("{} number markers written in standard form (e.g. {})", markersRewritten_, markerExample_));
        add(docNumberBrackets_, "文号 brackets → 〔〕");
    }

    Measure toMeasure(const Node& node, int level) const {
        Measure m;
        m.number = encodeUtf8(node.number);
        m.level = level;
        m.heading = node.heading;
        m.text = node.text;
        m.units = node.units;
        m.line = node.line;
        for (const int c : node.children) m.children.push_back(toMeasure(nodes_[static_cast<size_t>(c)], level + 1));
        return m;
    }

    void buildTree() {
        for (const int r : roots_) doc_.measures.push_back(toMeasure(nodes_[static_cast<size_t>(r)], 0));
    }

    void warn(int line, std::string_view message) {
        if (origin_.empty()) doc_.warnings.push_back(fmt::format("line {}: {}", line, message));
        else doc_.warnings.push_back(fmt::format("{} line {}: {}", origin_, line, message));
    }

    std::string origin_;
    Document doc_;
    std::vector<Line> lines_;
    std::vector<Node> nodes_;
    std::vector<int> roots_;
    std::vector<int> stack_;
    std::map<Style, int> rankOf_;
    std::map<int, U32> exampleOfRank_;
    std::map<Style, int> lastValue_;
    std::set<int> skipWarned_;
    std::vector<std::pair<size_t, Kind>> frontKinds_;
    std::vector<size_t> tail_;
    std::vector<Appendix> appendices_;
    std::vector<Listed> listed_;
    std::optional<size_t> frontAppendixLine_;
    int appendixStartLine_ = 0;
    std::vector<std::string> labelledIssuers_;
    std::map<U32, U32> simpOf_;
    bool usesIndent_ = false;
    size_t wrapWidth_ = 0;
    int pendingYears_ = 0;
    int pendingYearsLine_ = 0;
    // normalisation counters
    int bom_ = 0, crlf_ = 0, cr_ = 0, zeroWidth_ = 0, nbsp_ = 0, ideoSpace_ = 0, control_ = 0, fwDigits_ = 0,
        fwLetters_ = 0, cjkSpaces_ = 0, fffdRepaired_ = 0, markersRewritten_ = 0, docNumberBrackets_ = 0;
    std::vector<std::string> fffdRepairNotes_;
    std::string markerExample_;
};

int countIf(const std::vector<Measure>& ms, bool withUnitsOnly) {
    int n = 0;
    for (const auto& m : ms) {
        if (!withUnitsOnly || !m.units.empty()) ++n;
        n += countIf(m.children, withUnitsOnly);
    }
    return n;
}

}  // namespace

Result<Document> importText(std::string_view utf8, std::string_view origin) {
    // The importer is fed files from editors' desks: whatever goes wrong
    // inside must come back as an Error, never as an exception.
    try {
        return Importer(origin).run(utf8);
    } catch (const std::exception& e) {
        return fail(ErrorCode::Internal,
                    fmt::format("{}: the importer failed unexpectedly ({}); please report this document.", origin, e.what()));
    } catch (...) {
        return fail(ErrorCode::Internal,
                    fmt::format("{}: the importer failed unexpectedly; please report this document.", origin));
    }
}

int countMeasures(const Document& doc) { return countIf(doc.measures, false); }

int countMeasuresWithUnits(const Document& doc) { return countIf(doc.measures, true); }

}  // namespace kiosk::docimport
