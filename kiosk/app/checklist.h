// Turns a service guide or a 一件事 bundle into the lines of a printed
// materials checklist (办事材料清单) in the visitor's language.
#pragma once

#include "i18n/strings.h"
#include "printer.h"
#include "content/content_views.h"

namespace kiosk::app {

platform::PrintJob serviceChecklist(const content::ServiceView& v, i18n::Lang lang, const std::string& printedAt);
// The slip printed after a case is submitted: number, QR, how to look it up.
platform::PrintJob caseReceipt(const std::string& caseNo, i18n::Lang lang, const std::string& printedAt);
platform::PrintJob bundleChecklist(const content::BundleView& v, i18n::Lang lang, const std::string& printedAt);

}  // namespace kiosk::app
