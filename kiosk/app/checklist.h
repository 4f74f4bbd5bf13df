// Turns a service guide or a 一件事 bundle into the lines of a printed
// materials checklist (办事材料清单) in the visitor's language.
#pragma once

#include "i18n/strings.h"
#include "printer.h"
#include "store/content_views.h"

namespace kiosk::app {

platform::PrintJob serviceChecklist(const store::ServiceView& v, i18n::Lang lang, const std::string& printedAt);
platform::PrintJob bundleChecklist(const store::BundleView& v, i18n::Lang lang, const std::string& printedAt);

// "3 个工作日" / "3 working days"
std::string formatTimeLimit(const content::TimeLimit& t, i18n::Lang lang);
// "原件 1 份、复印件 1 份" / "1 original, 1 copy"
std::string formatCopies(const content::Material& m, i18n::Lang lang);

}  // namespace kiosk::app
