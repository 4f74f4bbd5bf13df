// Wording of content values in the visitor's language, shared by the screens
// and the printed checklists: time limits with singular/plural, material
// copies, label–value pairs. Text only; no ImGui.
#pragma once

#include "content/content.h"
#include "i18n/strings.h"

#include <string>
#include <string_view>

namespace kiosk::ui {

std::string timeLimitText(i18n::Lang lang, const content::TimeLimit& t);   // "3 个工作日" / "1 working day"
std::string copiesText(i18n::Lang lang, const content::Material& m);       // "原件 1 份、复印件 1 份"
std::string labelled(i18n::Lang lang, std::string_view label, std::string_view value);  // "标签：值" / "Label: value"

}  // namespace kiosk::ui
