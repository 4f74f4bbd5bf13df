// UI string tables: zh-CN (default) and en, compiled in from assets/strings.
// Screens never contain literal UI text; they ask for a key. A missing key
// is logged once and shown as the key itself, so a gap is visible in tests
// and never crashes the kiosk.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiosk::i18n {

enum class Lang { Zh, En };

// Marks a string literal as a key of the string tables, so that tests can
// find every key the code uses: Key{"tile.guide"}.
struct Key {
    const char* id;
};

Lang langFromTag(std::string_view tag);  // "en" -> En, anything else -> Zh
const char* langTag(Lang lang);          // "zh-CN" | "en"

// The string for `key` ("tile.guide") in `lang`. The pointer stays valid for
// the life of the process.
const char* tr(Lang lang, std::string_view key);

// Every key of a table, sorted (for the consistency test).
std::vector<std::string> keys(Lang lang);

// All text of both tables concatenated (for building the glyph set).
std::string allText();

}  // namespace kiosk::i18n
