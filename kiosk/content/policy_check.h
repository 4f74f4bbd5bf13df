// 政策体检: evaluates a policy's rule against what a visitor said about their
// company. Every condition comes out met, not met or unknown (skipped
// question, or a band that straddles the threshold); a policy qualifies when
// all are met, "may qualify" when none is not met, and never when its
// document is expired. Pure: the answers are not stored anywhere.
#pragma once

#include "content.h"

#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kiosk::content {

// A numeric answer given as a band: lo ≤ value < hi.
struct Band {
    double lo = 0;
    double hi = std::numeric_limits<double>::infinity();
};

struct CompanyProfile {
    std::optional<std::string> industry;   // GB/T 4754 section letter, "A".."T"
    std::optional<std::string> size;       // 大 中 小 微
    std::optional<std::string> district;   // e.g. 青浦区
    std::optional<Band> years;             // since founding
    std::optional<Band> employees;
    std::optional<Band> revenue;           // 万元 a year
    // The multi-select "company features" question: when answered, anything
    // not selected is known to be absent.
    std::optional<std::set<std::string>> qualifications;  // 高新技术企业 专精特新 科技型中小企业 小巨人
    std::optional<bool> foreign;           // foreign-invested
    std::optional<bool> ip;                // holds patents or trademarks
    std::optional<std::string> credit;     // 良好 | 失信
};

enum class Verdict { Met, NotMet, Unknown };
enum class Match { Qualifies, MayQualify, DoesNotQualify };

struct ConditionOutcome {
    RuleCondition condition;
    Verdict verdict = Verdict::Unknown;
};

struct CheckOutcome {
    Match match = Match::DoesNotQualify;
    bool expired = false;
    std::vector<ConditionOutcome> conditions;
};

Verdict evaluate(const RuleCondition& condition, const CompanyProfile& profile);
CheckOutcome evaluate(const std::vector<RuleCondition>& rule, const CompanyProfile& profile, bool documentExpired);

}  // namespace kiosk::content
