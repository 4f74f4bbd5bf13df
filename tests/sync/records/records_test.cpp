// The typed case and rating records (sync/records): what the kiosk writes
// parses back to the same record, every malformed field is named in the
// error (the hub's 422 reason), a record as the previous kiosk version
// queued it still parses and is written back unchanged, stored rows of any
// shape read without throwing, and the hub's life cycle agrees with the
// shared status list.
#include "hub/lifecycle.h"
#include "records/records.h"

#include <gtest/gtest.h>

#include <string>

namespace kiosk::records {
namespace {

using nlohmann::json;

CaseRecord fullCase() {
    return {{"投诉", "svc.company-registration", "sms", "en"},
            {"窗口要求补交材料三次仍未受理。\n第二行。", "青浦某某餐饮管理有限公司", "914403001922038216", "王小明",
             "13812345678"}};
}

RatingRecord fullRating() {
    RatingRecord r;
    r.pub = {"service", "svc.company-registration", "有限责任公司设立登记", "case:KS000120261206000001X", true,
             "dissatisfied", {"R401", "R402"}, "2026.1", true, "staffed window", "en",
             "KS000120261206000001X", "dept.market"};
    r.personal = {"李建华", "13912345678"};
    return r;
}

// The message of parsing `pub`/`personal` as `kind`, "" when it parses.
std::string problem(const char* kind, const json& pub, const json& personal) {
    auto r = checkRecord(kind, pub, personal);
    return r ? "" : r.error().message;
}

TEST(Records, ACaseAndARatingRoundTripThroughJson) {
    const CaseRecord c = fullCase();
    auto back = parseCase(toJson(c.pub), toJson(c.personal));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->pub, c.pub);
    EXPECT_EQ(back->personal, c.personal);

    const RatingRecord r = fullRating();
    auto rb = parseRating(toJson(r.pub), toJson(r.personal));
    ASSERT_TRUE(rb) << rb.error().message;
    EXPECT_EQ(rb->pub, r.pub);
    EXPECT_EQ(rb->personal, r.personal);
    EXPECT_EQ(toJson(r.pub)["level_label"], "不满意") << "derived from the level";
    EXPECT_EQ(toJson(r.pub)["anonymous"], false);
}

// fullCase() and fullRating() are the round trip's coverage: a field they
// leave at its default would pass unexamined. A field added to a record
// fails here until they set it.
TEST(Records, TheFullRecordsSetEveryField) {
    auto check = [](const json& full, const json& empty, const char* what) {
        for (const auto& [key, value] : full.items())
            EXPECT_NE(value, empty.value(key, json())) << what << "." << key << " is left at its default in the test's full record";
        for (const auto& [key, value] : empty.items()) EXPECT_TRUE(full.contains(key)) << what << "." << key;
    };
    check(toJson(fullCase().pub), toJson(CasePublic{}), "case public");
    check(toJson(fullCase().personal), toJson(CasePersonal{}), "case personal");
    json emptyRating = toJson(RatingPublic{});
    emptyRating["case_no"] = "";
    emptyRating["department_id"] = "";
    check(toJson(fullRating().pub), emptyRating, "rating public");
    json emptyContact = {{"contact_name", ""}, {"mobile", ""}};
    check(toJson(fullRating().personal), emptyContact, "rating personal");
}

// Exactly what kiosk/app/app.cpp wrote into the outbox before the records
// library existed (saveCase, saveRating), key for key.
TEST(Records, WhatThePreviousKioskQueuedParsesAndIsWrittenBackTheSame) {
    const json oldCasePub = {{"case_kind", "办不成事"}, {"service_id", ""}, {"reply", "phone"}, {"language", "zh-CN"}};
    const json oldCasePersonal = {{"description", "跑了三次"}, {"enterprise", ""}, {"credit_code", ""},
                                  {"contact_name", "王小明"}, {"mobile", "13812345678"}};
    auto c = parseCase(oldCasePub, oldCasePersonal);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(toJson(c->pub), oldCasePub);
    EXPECT_EQ(toJson(c->personal), oldCasePersonal);

    const json oldRatingPub = {{"target_kind", "service"}, {"target_id", "svc-yyzz"}, {"target_name", "营业执照"},
                               {"instance", "visit:r1-0:service:svc-yyzz"}, {"follow_up", false},
                               {"level", "very_satisfied"}, {"level_label", "非常满意"}, {"reasons", json::array()},
                               {"reasons_version", "2026.1"}, {"anonymous", true}, {"callback", false},
                               {"channel", "self-service terminal"}, {"language", "en"}, {"department_id", "d1"}};
    auto r = parseRating(oldRatingPub, json::object());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(toJson(r->pub), oldRatingPub);
    EXPECT_EQ(toJson(r->personal), json::object());
}

TEST(Records, EveryMalformedFieldIsNamed) {
    const json pub = toJson(fullCase().pub), personal = toJson(fullCase().personal);
    auto with = [](json j, const char* key, json value) {
        if (value.is_discarded()) j.erase(key);
        else j[key] = std::move(value);
        return j;
    };
    const json gone = json(json::value_t::discarded);
    EXPECT_EQ(problem("case", with(pub, "case_kind", gone), personal), "public.case_kind is required");
    EXPECT_EQ(problem("case", with(pub, "reply", 5), personal), "public.reply must be a string");
    EXPECT_NE(problem("case", with(pub, "case_kind", "吐槽"), personal).find("public.case_kind '吐槽' is not a case kind"),
              std::string::npos);
    EXPECT_NE(problem("case", with(pub, "reply", "fax"), personal).find("public.reply 'fax'"), std::string::npos);
    EXPECT_EQ(problem("case", with(pub, "service_id", std::string(200, 'x')), personal),
              "public.service_id has 200 characters; at most 128");
    EXPECT_EQ(problem("case", pub, with(personal, "description", "  \n ")), "personal.description must not be empty");
    EXPECT_EQ(problem("case", pub, with(personal, "description", std::string(1001, 'a'))),
              "personal.description has 1001 characters; at most 1000");
    EXPECT_EQ(problem("case", pub, with(personal, "contact_name", "王\x01")),
              "personal.contact_name holds a control character or malformed UTF-8");
    EXPECT_NE(problem("case", pub, with(personal, "mobile", "1381234")).find("personal.mobile is not a mainland mobile"),
              std::string::npos);
    const std::string credit = problem("case", pub, with(personal, "credit_code", "914403001922038217"));
    EXPECT_NE(credit.find("personal.credit_code is not a valid"), std::string::npos) << credit;
    EXPECT_EQ(credit.find("9144"), std::string::npos) << "no part of the code in a message that is logged";
    EXPECT_EQ(problem("case", json::array(), personal), "'public' must be a JSON object");
    EXPECT_EQ(problem("case", pub, with(personal, "mobile", gone)), "personal.mobile is required");

    const json rpub = toJson(fullRating().pub), rpersonal = toJson(fullRating().personal);
    EXPECT_EQ(problem("rating", with(rpub, "level", "excellent"), rpersonal).substr(0, 44),
              "public.level 'excellent' is not a rating lev");
    EXPECT_EQ(problem("rating", with(rpub, "reasons", json::array()), rpersonal),
              "public.reasons is empty; a 差评 names at least one reason");
    EXPECT_EQ(problem("rating", with(rpub, "reasons", json::array({1})), rpersonal),
              "public.reasons must be a list of codes (strings)");
    EXPECT_EQ(problem("rating", with(rpub, "follow_up", "yes"), rpersonal), "public.follow_up must be true or false");
    EXPECT_NE(problem("rating", with(rpub, "target_kind", "hall"), rpersonal).find("public.target_kind 'hall'"),
              std::string::npos);
    EXPECT_EQ(problem("rating", rpub, json::object()),
              "personal.contact_name and personal.mobile are required when public.callback is true");
    EXPECT_NE(problem("rating", with(rpub, "callback", false), rpersonal).find("public.callback is false"),
              std::string::npos);
    EXPECT_EQ(problem("survey", rpub, rpersonal), "kind 'survey' is not case or rating");
}

TEST(Records, NormalisesWhatItAccepts) {
    json personal = toJson(fullCase().personal);
    personal["mobile"] = "+86 138 1234 5678";
    auto c = parseCasePersonal(personal);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->mobile, "13812345678");
}

TEST(Records, StoredRowsOfAnyShapeReadAsDefaultsWithoutThrowing) {
    for (const json& j : {json(nullptr), json::array(), json("text"), json{{"case_kind", 7}, {"reply", nullptr}},
                          json{{"level", json::object()}, {"reasons", "R1"}, {"callback", "yes"}}}) {
        const CasePublic c = readCasePublic(j);
        EXPECT_EQ(c.kind, "");
        EXPECT_EQ(c.reply, "phone");
        const RatingPublic r = readRatingPublic(j);
        EXPECT_EQ(r.level, "");
        EXPECT_TRUE(r.reasons.empty());
        EXPECT_FALSE(r.callback);
        EXPECT_EQ(r.levelInfo(), nullptr);
        EXPECT_TRUE(readRatingPersonal(j).empty());
    }
    // What an older hub took from a test kiosk: only the kind.
    EXPECT_EQ(readCasePublic(json{{"case_kind", "投诉"}, {"i", 3}}).kind, "投诉");
}

TEST(Records, TheVocabulariesAgreeWithTheHubsLifeCycle) {
    for (const auto& s : kCaseStatusList) {
        const auto next = hub::nextStatuses(s.code);
        EXPECT_EQ(next.empty(), s.final) << s.code << ": a final status takes no step, any other does";
        for (const auto& n : next) EXPECT_NE(caseStatus(n), nullptr) << s.code << " → " << n;
        EXPECT_FALSE(hub::statusLabel(s.code).empty());
    }
    EXPECT_TRUE(isOpenStatus("received"));
    EXPECT_FALSE(isOpenStatus("closed"));
    EXPECT_FALSE(isOpenStatus("no-such-status"));
    int good = 0;
    for (int i = 0; i < kRatingLevels; ++i) good += isBadLevel(i) ? 0 : 1;
    EXPECT_EQ(good, 3) << "非常满意, 满意, 基本满意";
    const json v = vocabularyJson();
    EXPECT_EQ(v["case_kinds"].size(), kCaseKindList.size());
    EXPECT_EQ(v["case_statuses"][0]["code"], "received");
    EXPECT_EQ(v["rating_levels"][3]["good"], false);
}

}  // namespace
}  // namespace kiosk::records
