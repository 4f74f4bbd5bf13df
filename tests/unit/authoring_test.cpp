// The editors' authoring format: the demo content imports cleanly, and each
// kind of mistake is refused with the file, the line and the field.
#include "content/authoring.h"
#include "validate/mobile.h"
#include "validate/uscc.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

using namespace kiosk;

namespace {

std::string demo(const char* name) {
    std::ifstream in(std::string(KIOSK_SOURCE_DIR "/assets/content/") + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The demo services file with one textual change applied.
std::string mutated(const std::string& from, const std::string& to) {
    std::string s = demo("services.json");
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
}

std::string errorOf(const std::string& servicesJson) {
    auto r = content::readAuthoring({{"services.json", servicesJson}, {"policies.json", demo("policies.json")}});
    return r ? std::string() : r.error().message;
}

int lineOf(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    return at == std::string::npos ? -1 : int(std::count(text.begin(), text.begin() + long(at), '\n')) + 1;
}

}  // namespace

TEST(Authoring, DemoContentImportsAndCoversEveryTheme) {
    auto r = content::readAuthoring({{"services.json", demo("services.json")}, {"policies.json", demo("policies.json")}});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_GE(r->content.services.size(), 60u);
    EXPECT_EQ(r->content.bundles.size(), 5u);
    EXPECT_GE(r->content.rules.size(), 12u);
    for (const auto& theme : content::themes()) {
        const auto n = std::count_if(r->content.services.begin(), r->content.services.end(),
                                     [&](const auto& s) { return s.theme == theme; });
        EXPECT_GE(n, 3) << theme;
    }
}

TEST(Authoring, UnknownThemeNamesFileLineAndField) {
    const std::string text = mutated("\"theme\": \"企业开办\"", "\"theme\": \"企业开张\"");
    const std::string e = errorOf(text);
    const int line = lineOf(text, "企业开张");
    EXPECT_NE(e.find(fmt::format("services.json:{}:", line)), std::string::npos) << e;
    EXPECT_NE(e.find(".theme: '企业开张' is not a theme"), std::string::npos) << e;
    EXPECT_NE(e.find("nothing was imported"), std::string::npos) << e;
}

TEST(Authoring, EachKindOfMistakeIsRefused) {
    struct Case {
        const char* from;
        const char* to;
        const char* expect;
    };
    const Case cases[] = {
        {"\"case_kind\": \"承诺件\"", "\"case_kind\": \"马上办\"", "case_kind: '马上办' is not allowed"},
        {"\"visits\": 1", "\"visits\": 7", "visits: 7 is out of range"},
        {"\"format\": \"kiosk-content/1\"", "\"format\": \"kiosk-content/2\"", "format: 'kiosk-content/2' is not supported"},
        {"\"scope\": ", "\"scpoe\": \"全国\", \"scope\": ", "scpoe: unknown key"},
        {"\"department\": \"dept.", "\"department\": \"dept.nowhere\", \"x_department\": \"dept.", "is not a known department id"},
    };
    for (const auto& c : cases) {
        const std::string e = errorOf(mutated(c.from, c.to));
        EXPECT_NE(e.find(c.expect), std::string::npos) << c.to << "\n" << e;
    }
}

TEST(Authoring, PromisedLongerThanStatutoryIsRefused) {
    content::AuthoringSource s{"tiny.json", R"({"format": "kiosk-content/1",
 "departments": [{"id": "dept.a", "name": "甲局", "credit_code": ""}],
 "services": [{"id": "svc.x", "basic_code": "X1", "impl_code": "X1", "version": "1", "status": "active",
   "name": "某事项", "summary": "概要", "type": "01", "department": "dept.a", "applicants": ["企业法人"],
   "theme": "变更", "time_limit": {"statutory": {"value": 3, "unit": "working_days"},
                                 "promised": {"value": 5, "unit": "working_days"}},
   "case_kind": "承诺件", "materials": [], "locations": [], "channels": {"online_url": ""}, "visits": 1,
   "result": {"name": "证", "delivery": ["window"]}, "scope": "全国"}]})"};
    auto r = content::readAuthoring({s});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("tiny.json:6:"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("promised 5 working_days exceeds statutory 3 working_days"), std::string::npos)
        << r.error().message;
}

TEST(Authoring, BrokenJsonGivesTheLine) {
    auto r = content::readAuthoring({{"broken.json", "{\n  \"format\": \"kiosk-content/1\",\n  \"services\": [\n  }\n"}});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("broken.json:4:"), std::string::npos) << r.error().message;
}

TEST(Authoring, CsvServiceList) {
    const std::string csv =
        "id,name,name_en,theme,type,department,case_kind,promised_value,promised_unit,statutory_value,statutory_unit,"
        "visits,tags\n"
        "svc.seal-x,印章刻制备案,Seal,企业开办,备案,dept.a,即办件,1,working_days,1,working_days,0,高频|一件事\n"
        "svc.bad,坏行,,企业开办,99,dept.a,即办件,5,working_days,1,working_days,0,\n";
    auto r = content::readAuthoring(
        {{"d.json", R"({"format":"kiosk-content/1","departments":[{"id":"dept.a","name":"甲","credit_code":""}]})"},
         {"list.csv", csv}});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("list.csv:3: type: '99' is not allowed"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("list.csv:3: promised_value: promised exceeds statutory"), std::string::npos);
    EXPECT_EQ(r.error().message.find("list.csv:2:"), std::string::npos) << "row 2 is fine";
}

// --- 好差评 reason options (rating_reasons) ------------------------------------------
namespace {

// A file holding only a reason set; R502 has no English text.
const std::string kReasons = R"({"format": "kiosk-content/1",
 "rating_reasons": {
  "version": "2026.1",
  "levels": {
   "very_satisfied": [{"code": "R501", "text": "一次办成", "text_en": "Done in one visit"},
                      {"code": "R502", "text": "材料精简"}],
   "satisfied": [{"code": "R401", "text": "办事顺利"}],
   "basic": [{"code": "R301", "text": "等候时间稍长"}],
   "dissatisfied": [{"code": "R201", "text": "等候时间过长"}],
   "very_dissatisfied": [{"code": "R101", "text": "推诿扯皮"}]}}}
)";

std::string reasonsWith(const std::string& from, const std::string& to) {
    std::string s = kReasons;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
}

}  // namespace

TEST(Authoring, RatingReasonsAreReadInOrder) {
    auto r = content::readAuthoring({{"reasons.json", kReasons}});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    const auto& set = r->content.ratingReasons;
    EXPECT_EQ(set.version, "2026.1");
    ASSERT_EQ(set.levels[0].size(), 2u);
    EXPECT_EQ(set.levels[0][0].code, "R501");
    EXPECT_EQ(set.levels[0][0].text, "一次办成");
    EXPECT_EQ(set.levels[0][0].textEn, "Done in one visit");
    EXPECT_EQ(set.levels[0][1].code, "R502");
    EXPECT_EQ(set.levels[0][1].textEn, "") << "text_en is optional";
    const char* codes[] = {"R501", "R401", "R301", "R201", "R101"};
    for (int level = 0; level < records::kRatingLevels; ++level) {
        ASSERT_FALSE(set.levels[level].empty()) << records::kRatingLevelList[std::size_t(level)].code;
        EXPECT_EQ(set.levels[level][0].code, codes[level]) << records::kRatingLevelList[std::size_t(level)].code;
    }
    EXPECT_TRUE(r->warnings.empty());
}

TEST(Authoring, WithoutRatingReasonsTheSetIsEmpty) {
    auto r = content::readAuthoring(
        {{"d.json", R"({"format":"kiosk-content/1","departments":[{"id":"dept.a","name":"甲","credit_code":""}]})"}});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->content.ratingReasons.version, "");
    for (const auto& level : r->content.ratingReasons.levels) EXPECT_TRUE(level.empty());
}

TEST(Authoring, DemoRatingReasonsCoverEveryLevelAndFitTheScreen) {
    auto r = content::readAuthoring({{"services.json", demo("services.json")}, {"policies.json", demo("policies.json")}});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    const auto& set = r->content.ratingReasons;
    EXPECT_EQ(set.version, "2026.1");
    for (int level = 0; level < records::kRatingLevels; ++level) {
        EXPECT_GE(set.levels[level].size(), 4u) << records::kRatingLevelList[std::size_t(level)].code;
        EXPECT_LE(set.levels[level].size(), 6u) << records::kRatingLevelList[std::size_t(level)].code;
        for (const auto& reason : set.levels[level]) EXPECT_FALSE(reason.textEn.empty()) << reason.code;
    }
    for (const auto& w : r->warnings) EXPECT_EQ(w.find("rating_reasons"), std::string::npos) << w;
}

TEST(Authoring, EachRatingReasonMistakeIsRefusedWithItsLine) {
    struct Case {
        const char* from;
        const char* to;
        const char* expect;
        const char* lineOfText;  // the message's line is where this text is in the mutated file
    };
    const Case cases[] = {
        {"\"version\": \"2026.1\",", "", "rating_reasons.version: is required", "\"rating_reasons\""},
        {"\"version\": \"2026.1\"", "\"version\": \"\"", "rating_reasons.version: must not be empty", "\"version\""},
        {"\"version\": \"2026.1\"", "\"version\": 2026", "rating_reasons.version: must be a string", "\"version\""},
        {"\"basic\":", "\"okay\":",
         "rating_reasons.levels.okay: 'okay' is not a level; use one of: very_satisfied, satisfied, basic, "
         "dissatisfied, very_dissatisfied",
         "\"okay\""},
        {"\"satisfied\": [{\"code\": \"R401\", \"text\": \"办事顺利\"}],\n", "",
         "rating_reasons.levels.satisfied: is required", "\"levels\""},
        {"\"basic\": [{\"code\": \"R301\", \"text\": \"等候时间稍长\"}]", "\"basic\": []",
         "rating_reasons.levels.basic: needs at least one reason", "\"basic\""},
        {"\"code\": \"R201\"", "\"code\": \"\"", "rating_reasons.levels.dissatisfied[0].code: must not be empty",
         "\"dissatisfied\""},
        {", \"text\": \"推诿扯皮\"", "", "rating_reasons.levels.very_dissatisfied[0] (R101).text: is required",
         "\"R101\""},
        {"\"text\": \"办事顺利\"", "\"text\": \"\"",
         "rating_reasons.levels.satisfied[0] (R401).text: must not be empty", "\"R401\""},
        {"\"code\": \"R101\"", "\"code\": \"R502\"",
         "rating_reasons.levels.very_dissatisfied[0] (R502).code: duplicate code 'R502' (already used at "
         "rating_reasons.levels.very_satisfied[1])",
         "\"very_dissatisfied\""},
        {"\"text_en\": \"Done", "\"txet_en\": \"Done",
         "rating_reasons.levels.very_satisfied[0] (R501).txet_en: unknown key", "\"txet_en\""},
        {"[{\"code\": \"R301\", \"text\": \"等候时间稍长\"}]", "[\"等候时间稍长\"]",
         "rating_reasons.levels.basic[0]: must be an object", "\"basic\""},
        {"\"very_satisfied\": [", "\"very_satisfied\": {\"a\": 1}, \"x\": [",
         "rating_reasons.levels.very_satisfied: must be a list", "\"very_satisfied\""},
    };
    for (const auto& c : cases) {
        const std::string text = reasonsWith(c.from, c.to);
        auto r = content::readAuthoring({{"reasons.json", text}});
        ASSERT_FALSE(r.has_value()) << c.to;
        const std::string& e = r.error().message;
        const std::string where = fmt::format("reasons.json:{}: {}", lineOf(text, c.lineOfText), c.expect);
        EXPECT_NE(e.find(where), std::string::npos) << "expected: " << where << "\ngot: " << e;
        EXPECT_NE(e.find("nothing was imported"), std::string::npos) << e;
    }
}

TEST(Authoring, OneImportHasOneRatingReasonSet) {
    auto r = content::readAuthoring({{"a.json", kReasons}, {"b.json", kReasons}});
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("b.json:2: rating_reasons: is already defined in a.json; one import has one "
                                     "reason set"),
              std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("a.json:"), std::string::npos) << r.error().message;
}

TEST(Authoring, LongRatingReasonsAreWarnedAbout) {
    const std::string text = reasonsWith("\"text\": \"推诿扯皮\"",
                                         "\"text\": \"推诿扯皮让人来回跑了好几趟\", "
                                         "\"text_en\": \"Passed from one desk to the next and back\"");
    auto r = content::readAuthoring({{"reasons.json", text}});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ASSERT_EQ(r->warnings.size(), 2u);
    const int line = lineOf(text, "推诿扯皮让");
    EXPECT_EQ(r->warnings[0], fmt::format("reasons.json:{}: rating_reasons.levels.very_dissatisfied[0] (R101).text: is "
                                          "13 characters; keep reasons to 10 so they fit on a button",
                                          line));
    EXPECT_NE(r->warnings[1].find("(R101).text_en: is 41 characters; keep reasons to 28"), std::string::npos)
        << r->warnings[1];
}

TEST(Uscc, AcceptsValidCodes) {
    for (const char* code : {"914403001922038216", "9144030071526726XG", "91350100M000100Y43"}) {
        const auto r = validate::checkUscc(code);
        EXPECT_TRUE(r.valid) << code << ": " << r.messageEn;
    }
    EXPECT_EQ(validate::checkUscc("9144030071526726XG").normalised, "9144030071526726XG");
}

TEST(Uscc, ALowerCaseLetterIsRefusedWithTheLetterToUse) {
    const auto r = validate::checkUscc("9144030071526726xG");
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.position, 17);
    EXPECT_EQ(r.messageZh, "第 17 位“x”是小写字母，请改为大写“X”");
    EXPECT_EQ(r.messageEn, "Character 17 ('x') is lower case; use 'X'");
}

TEST(Uscc, SaysWhatIsWrong) {
    auto r = validate::checkUscc("91440300192203821");
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.position, 0);
    EXPECT_NE(r.messageZh.find("18 位"), std::string::npos);
    r = validate::checkUscc("91440300I922038216");
    EXPECT_EQ(r.position, 9);
    EXPECT_NE(r.messageEn.find("Character 9"), std::string::npos) << r.messageEn;
    r = validate::checkUscc("914403001922038217");
    EXPECT_EQ(r.position, 18);
    EXPECT_NE(r.messageZh.find("校验码"), std::string::npos);
    r = validate::checkUscc("９14403001922038216");  // full-width first digit
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.position, 1);
    EXPECT_NE(r.messageZh.find("半角"), std::string::npos) << r.messageZh;
}

TEST(Mobile, ValidatesAndMasks) {
    EXPECT_TRUE(validate::checkMobile("13800000000").valid);
    EXPECT_EQ(validate::checkMobile("+86 138-0000-0000").normalised, "13800000000");
    EXPECT_FALSE(validate::checkMobile("1380000000").valid);
    EXPECT_FALSE(validate::checkMobile("23800000000").valid);
    EXPECT_FALSE(validate::checkMobile("12800000000").valid);
    EXPECT_FALSE(validate::checkMobile("138OOOOOOOO").valid);
    EXPECT_EQ(validate::maskMobile("13800001234"), "138****1234");
    EXPECT_EQ(validate::maskMobile("123"), "***");
}
