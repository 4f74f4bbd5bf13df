// Rule evaluation for the policy check.
#include "policy_check.h"

#include <algorithm>
#include <cstdlib>

namespace kiosk::content {
namespace {

Verdict atLeast(const std::optional<Band>& band, const std::string& value) {
    if (!band) return Verdict::Unknown;
    const double threshold = std::atof(value.c_str());
    if (band->lo >= threshold) return Verdict::Met;
    if (band->hi <= threshold) return Verdict::NotMet;
    return Verdict::Unknown;  // the band straddles the threshold
}

Verdict in(const std::optional<std::string>& answer, const std::vector<std::string>& values) {
    if (!answer) return Verdict::Unknown;
    return std::find(values.begin(), values.end(), *answer) != values.end() ? Verdict::Met : Verdict::NotMet;
}

Verdict is(const std::optional<bool>& answer, const std::string& value) {
    if (!answer) return Verdict::Unknown;
    return *answer == (value == "true") ? Verdict::Met : Verdict::NotMet;
}

}  // namespace

Verdict evaluate(const RuleCondition& c, const CompanyProfile& p) {
    if (c.attr == "industry") return in(p.industry, c.values);
    if (c.attr == "size") return in(p.size, c.values);
    if (c.attr == "district") return in(p.district, c.values);
    if (c.attr == "years") return atLeast(p.years, c.value);
    if (c.attr == "employees") return atLeast(p.employees, c.value);
    if (c.attr == "revenue") return atLeast(p.revenue, c.value);
    if (c.attr == "qualifications") {
        if (!p.qualifications) return Verdict::Unknown;
        return p.qualifications->contains(c.value) ? Verdict::Met : Verdict::NotMet;
    }
    if (c.attr == "credit") {
        if (!p.credit) return Verdict::Unknown;
        return *p.credit != c.value ? Verdict::Met : Verdict::NotMet;
    }
    if (c.attr == "foreign") return is(p.foreign, c.value);
    if (c.attr == "ip") return is(p.ip, c.value);
    return Verdict::Unknown;
}

CheckOutcome evaluate(const std::vector<RuleCondition>& rule, const CompanyProfile& profile, bool documentExpired) {
    CheckOutcome out;
    out.expired = documentExpired;
    bool anyNotMet = false, anyUnknown = false;
    for (const auto& c : rule) {
        const Verdict v = evaluate(c, profile);
        anyNotMet |= v == Verdict::NotMet;
        anyUnknown |= v == Verdict::Unknown;
        out.conditions.push_back({c, v});
    }
    if (documentExpired || rule.empty() || anyNotMet) out.match = Match::DoesNotQualify;
    else out.match = anyUnknown ? Match::MayQualify : Match::Qualifies;
    return out;
}

}  // namespace kiosk::content
