// Writes a content database from Content values: the only code that creates
// one. Used by `kioskctl content import/import-doc` on an editor's machine
// or the hub, never on a kiosk (it needs OpenCC and the rime dictionary for
// the Traditional→Simplified fold table and pinyin initials).
//
// The database is built in OUT.tmp-PID next to OUT and renamed over OUT only
// when complete: a failed import leaves OUT as it was.
#pragma once

#include "base/error.h"
#include "content/content.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace kiosk::contentbuild {

struct BuildOptions {
    std::string version;   // content version, e.g. "2026.01.15-1"
    std::string created;   // ISO date-time, recorded in meta
    std::string today;     // ISO date: documents past expiry rank with the expired ones
    std::string pinyinDictionary = "/usr/share/rime-data/luna_pinyin.dict.yaml";
};

struct BuildStats {
    long services = 0, bundles = 0, documents = 0, measures = 0, guides = 0, searchRows = 0, foldMappings = 0;
    long ratingReasons = 0;  // 好差评 reason options, all levels
    std::vector<std::string> warnings;  // e.g. no pinyin dictionary
};

[[nodiscard]] Result<BuildStats> writeContentDb(const content::Content& content, const std::string& outPath,
                                                const BuildOptions& options);

// Pinyin initials of a name ("公司注册" → "gszc"); letters and digits kept.
class PinyinInitials {
public:
    // `t2s` maps Traditional characters to Simplified (the content's fold table):
    // the dictionary is keyed in Traditional, and a reading listed under the
    // Traditional form is the canonical one (積 ji beats the variant entry 积 zhi).
    [[nodiscard]] Result<void> load(const std::string& dictionaryPath,
                                    const std::unordered_map<char32_t, char32_t>& t2s);
    std::string initials(std::string_view text) const;
    bool loaded() const { return !m_chars.empty(); }

private:
    std::unordered_map<std::string, std::string> m_words;  // simplified word → initials
    std::unordered_map<char32_t, char> m_chars;             // character → initial of its commonest reading
};

}  // namespace kiosk::contentbuild
