// Shared wording of time limits, copies and labels.
#include "format.h"

#include <fmt/format.h>

namespace kiosk::ui {

std::string timeLimitText(i18n::Lang lang, const content::TimeLimit& t) {
    const bool one = t.value == 1;
    const char* key = t.unit == content::TimeUnit::Hours
                          ? (one ? i18n::Key{"guide.unit_hours_one"}.id : i18n::Key{"guide.unit_hours"}.id)
                      : t.unit == content::TimeUnit::NaturalDays
                          ? (one ? i18n::Key{"guide.unit_natural_days_one"}.id : i18n::Key{"guide.unit_natural_days"}.id)
                          : (one ? i18n::Key{"guide.unit_working_days_one"}.id : i18n::Key{"guide.unit_working_days"}.id);
    return fmt::format(fmt::runtime(i18n::tr(lang, key)), t.value);
}

std::string copiesText(i18n::Lang lang, const content::Material& m) {
    if (m.form == "electronic") return i18n::tr(lang, i18n::Key{"guide.electronic"}.id);
    std::string out;
    if (m.originals > 0) out += fmt::format(fmt::runtime(i18n::tr(lang, i18n::Key{"guide.originals"}.id)), m.originals);
    if (m.copies > 0) {
        if (!out.empty()) out += lang == i18n::Lang::En ? ", " : "、";
        out += fmt::format(fmt::runtime(i18n::tr(lang, i18n::Key{"guide.copies"}.id)), m.copies);
    }
    return out.empty() ? std::string(i18n::tr(lang, i18n::Key{"guide.as_needed"}.id)) : out;
}

std::string labelled(i18n::Lang lang, std::string_view label, std::string_view value) {
    return fmt::format(fmt::runtime(i18n::tr(lang, i18n::Key{"common.labelled"}.id)), label, value);
}

}  // namespace kiosk::ui
