// Helpers shared by the content screens: language pick, time and tag
// labels, the standard page frame (scroll area + padding) and the
// loading / unavailable states.
#pragma once

#include "screens.h"
#include "ui/format.h"

#include <map>
#include <string>

namespace kiosk::ui {

// The English text when the visitor reads English and it exists.
inline const std::string& pick(const Ctx& c, const std::string& zh, const std::string& en) {
    return c.lang == i18n::Lang::En && !en.empty() ? en : zh;
}

// At most `maxChars` characters of UTF-8 `text`, cut on a character
// boundary, with "…" when something was cut.
std::string utf8Prefix(const std::string& text, std::size_t maxChars);

std::string timeLimitText(const Ctx& c, const content::TimeLimit& t);
// "标签：值" / "Label: value" in the visitor's language.
std::string labelled(const Ctx& c, std::string_view label, std::string_view value);
std::string scopeLabel(const Ctx& c, const std::string& scope);
// "{n} 项" / "1 service" / "3 services".
std::string serviceCount(const Ctx& c, int n);
// Names in the visitor's language ("、" between Chinese names, "; " between
// English ones); an English name that is missing falls back to the Chinese.
std::string joinNames(const Ctx& c, const std::vector<std::string>& zh, const std::vector<std::string>& en);
const char* visitsKey(int visits);
const char* tagKey(const std::string& tag);  // i18n key of a service tag, or nullptr
ImU32 tagColor(const Ctx& c, const std::string& tag);
const char* modeKey(content::RedemptionMode m);
const char* themeKey(const std::string& theme);
std::string themeLabel(const Ctx& c, const std::string& theme);

// Starts the page's scroll area and returns the content width; the page
// draws its content and calls endPage().
float beginPage(const Ctx& c, const char* id, state::ScrollState& scroll);
void endPage(const Ctx& c, state::ScrollState& scroll);

// The message a form recorded for `field`, in the visitor's language ("" = none).
std::string errorText(const Ctx& c, const std::map<std::string, state::FieldError>& errors, const char* field);
// A red line under a field; nothing when `text` is empty.
void errorLine(const Ctx& c, const std::string& text, float width);

// Chips laid out left to right, wrapping onto a new line when the next one
// would not fit in `width`. Ids are "PREFIX.N". Returns the index tapped, or -1.
int chipFlow(const Ctx& c, std::string_view idPrefix, const std::vector<std::string>& labels,
             const std::vector<bool>& selected, float width);

// True (and draws a message) while the page's data is missing.
bool pageNotReady(const Ctx& c, const state::VisitorSession& s, float width);

}  // namespace kiosk::ui
