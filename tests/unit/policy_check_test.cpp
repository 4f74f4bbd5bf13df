// 政策体检 rule evaluation: met / not met / unknown per condition, bands that
// straddle a threshold, 失信 firms, expired documents.
#include "content/policy_check.h"

#include <gtest/gtest.h>

using namespace kiosk::content;

namespace {
std::vector<RuleCondition> rule() {
    return {{"industry", "in", {"C", "I"}, ""},
            {"revenue", ">=", {}, "1000"},
            {"qualifications", "has", {}, "高新技术企业"},
            {"credit", "not", {}, "失信"}};
}
}  // namespace

TEST(PolicyCheck, EverythingSkippedMayQualify) {
    const auto r = evaluate(rule(), CompanyProfile{}, false);
    EXPECT_EQ(r.match, Match::MayQualify);
    for (const auto& c : r.conditions) EXPECT_EQ(c.verdict, Verdict::Unknown);
}

TEST(PolicyCheck, AllMetQualifies) {
    CompanyProfile p;
    p.industry = "I";
    p.revenue = Band{2000, 10000};
    p.qualifications = std::set<std::string>{"高新技术企业"};
    p.credit = "良好";
    EXPECT_EQ(evaluate(rule(), p, false).match, Match::Qualifies);
    EXPECT_EQ(evaluate(rule(), p, true).match, Match::DoesNotQualify) << "expired documents never match";
}

TEST(PolicyCheck, BandsAndExclusions) {
    CompanyProfile p;
    p.revenue = Band{500, 2000};  // straddles 1000
    EXPECT_EQ(evaluate(rule()[1], p), Verdict::Unknown);
    p.revenue = Band{0, 100};
    EXPECT_EQ(evaluate(rule()[1], p), Verdict::NotMet);
    p.revenue = Band{1000, 5000};
    EXPECT_EQ(evaluate(rule()[1], p), Verdict::Met);
    p.credit = "失信";
    const auto r = evaluate(rule(), p, false);
    EXPECT_EQ(r.match, Match::DoesNotQualify) << "a 失信 firm matches nothing that excludes it";
    EXPECT_EQ(r.conditions[3].verdict, Verdict::NotMet);
    p.qualifications = std::set<std::string>{};  // answered: none of them
    EXPECT_EQ(evaluate(rule()[2], p), Verdict::NotMet);
    p.industry = "F";
    EXPECT_EQ(evaluate(rule()[0], p), Verdict::NotMet);
}

TEST(PolicyCheck, BooleansAndUnknownAttributes) {
    CompanyProfile p;
    EXPECT_EQ(evaluate(RuleCondition{"foreign", "is", {}, "true"}, p), Verdict::Unknown);
    p.foreign = true;
    EXPECT_EQ(evaluate(RuleCondition{"foreign", "is", {}, "true"}, p), Verdict::Met);
    p.ip = false;
    EXPECT_EQ(evaluate(RuleCondition{"ip", "is", {}, "true"}, p), Verdict::NotMet);
    EXPECT_EQ(evaluate(RuleCondition{"colour", "is", {}, "true"}, p), Verdict::Unknown);
}
