// Checklist formatting for printing.
#include "checklist.h"

#include "ui/format.h"

#include <fmt/format.h>

namespace kiosk::app {
namespace {
using i18n::tr;

void materials(const std::vector<content::Material>& ms, i18n::Lang lang, std::vector<std::string>& out) {
    int n = 0;
    for (const auto& m : ms) {
        std::string line = fmt::format("□ {}. {}", ++n, m.name);
        line += fmt::format("（{}", ui::copiesText(lang, m));
        if (!m.required) line += std::string("，") + tr(lang, i18n::Key{"guide.optional"}.id);
        if (m.toleratedMissing) line += std::string("，") + tr(lang, i18n::Key{"guide.tolerated"}.id);
        line += "）";
        out.push_back(line);
        if (!m.notes.empty()) out.push_back("     " + m.notes);
    }
}
}  // namespace

platform::PrintJob serviceChecklist(const content::ServiceView& v, i18n::Lang lang, const std::string& printedAt) {
    platform::PrintJob job;
    const auto& s = v.service;
    job.title = ui::labelled(lang, tr(lang, i18n::Key{"print.checklist"}.id),
                            lang == i18n::Lang::En && !s.nameEn.empty() ? s.nameEn : s.name);
    job.lines.push_back(ui::labelled(lang, tr(lang, i18n::Key{"guide.department"}.id), v.departmentName));
    job.lines.push_back(ui::labelled(lang, tr(lang, i18n::Key{"guide.promised"}.id), ui::timeLimitText(lang, s.promised)));
    job.lines.emplace_back();
    job.lines.push_back(tr(lang, i18n::Key{"guide.materials"}.id));
    materials(s.materials, lang, job.lines);
    job.lines.emplace_back();
    for (const auto& p : v.places) {
        job.lines.push_back(ui::labelled(lang, tr(lang, i18n::Key{"guide.where"}.id), p.hall + " " + p.address));
        for (const auto& w : p.windows) job.lines.push_back("  " + w);
        job.lines.push_back(ui::labelled(lang, tr(lang, i18n::Key{"guide.hours"}.id), p.hours));
    }
    if (!s.phoneConsult.empty())
        job.lines.push_back(ui::labelled(lang, tr(lang, i18n::Key{"guide.phone_consult"}.id), s.phoneConsult));
    job.lines.emplace_back();
    job.lines.push_back(fmt::format("{} {}", tr(lang, i18n::Key{"print.printed_at"}.id), printedAt));
    job.qr = s.channels.onlineUrl;
    return job;
}

platform::PrintJob caseReceipt(const std::string& caseNo, i18n::Lang lang, const std::string& printedAt) {
    platform::PrintJob job;
    job.title = tr(lang, i18n::Key{"case.receipt_print_title"}.id);
    job.lines.push_back(ui::labelled(lang, tr(lang, i18n::Key{"case.case_no"}.id), caseNo));
    job.lines.push_back(tr(lang, i18n::Key{"case.receipt_body"}.id));
    job.lines.push_back(fmt::format("{} {}", tr(lang, i18n::Key{"print.printed_at"}.id), printedAt));
    job.qr = caseNo;
    return job;
}

platform::PrintJob bundleChecklist(const content::BundleView& v, i18n::Lang lang, const std::string& printedAt) {
    platform::PrintJob job;
    job.title = ui::labelled(lang, tr(lang, i18n::Key{"print.checklist"}.id),
                            lang == i18n::Lang::En && !v.bundle.nameEn.empty() ? v.bundle.nameEn : v.bundle.name);
    job.lines.push_back(ui::labelled(lang, tr(lang, i18n::Key{"guide.promised"}.id),
                                    ui::timeLimitText(lang, v.bundle.promised)));
    int n = 0;
    for (const auto& m : v.members) job.lines.push_back(fmt::format("  {}. {}", ++n, m.name));
    job.lines.emplace_back();
    job.lines.push_back(tr(lang, i18n::Key{"guide.materials_merged"}.id));
    materials(v.materials, lang, job.lines);
    job.lines.emplace_back();
    job.lines.push_back(fmt::format("{} {}", tr(lang, i18n::Key{"print.printed_at"}.id), printedAt));
    return job;
}

}  // namespace kiosk::app
