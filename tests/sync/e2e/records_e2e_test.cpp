// Cases and ratings as typed records (sync/records) between a real kiosk
// outbox, kioskctl and the real kiosk-hub: a record queued by the kiosk
// version before the records library still uploads, a malformed one is
// refused on its own with the field named (and dead-lettered by the kiosk,
// kept for the technician, never blocking the queue), and the staff console
// reads the hub's vocabularies.
#include "harness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

using namespace e2e;

namespace {

// Exactly what kiosk/app/app.cpp's saveCase/saveRating wrote before
// records.h existed, key for key (an outbox upgraded with records queued).
const nlohmann::json kOldCasePublic = {{"case_kind", "办不成事"}, {"service_id", "svc-yyzz"}, {"reply", "sms"},
                                       {"language", "en"}};
const nlohmann::json kOldCasePersonal = {{"description", "来回跑了三次仍未办成。"}, {"enterprise", "青浦某某贸易有限公司"},
                                         {"credit_code", "914403001922038216"}, {"contact_name", "王小明"},
                                         {"mobile", "13812345678"}};
const nlohmann::json kOldRatingPublic = {
    {"target_kind", "service"},  {"target_id", "svc-yyzz"},   {"target_name", "营业执照设立登记"},
    {"instance", "visit:r1-0:service:svc-yyzz"}, {"follow_up", false}, {"level", "very_dissatisfied"},
    {"level_label", "非常不满意"}, {"reasons", {"R401"}},      {"reasons_version", "2026.1"},
    {"anonymous", false},        {"callback", true},         {"channel", "self-service terminal"},
    {"language", "zh-CN"},       {"department_id", "dep-sc"}};
const nlohmann::json kOldRatingPersonal = {{"contact_name", "李建华"}, {"mobile", "13912345678"}};

}  // namespace

TEST(Records, WhatThePreviousKioskVersionQueuedStillUploads) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    provision(h.hub, dir / "kiosk", dir);
    const std::string number = enqueueAs(dir / "kiosk", "KS0001", "case", kOldCasePublic, kOldCasePersonal, 1'700'000'000'000);
    enqueueAs(dir / "kiosk", "KS0001", "rating", kOldRatingPublic, kOldRatingPersonal, 1'700'000'000'001);
    const auto r = syncOnce(dir / "kiosk", dir);
    EXPECT_EQ(r["stored"], 2) << r.dump();
    EXPECT_EQ(r["dead_lettered"], 0) << r.dump();
    int code = 0;
    const std::string shown = h.hub.cli({"cases", "show", number, "--json"}, &code);
    ASSERT_EQ(code, 0) << shown;
    const auto j = nlohmann::json::parse(shown);
    EXPECT_EQ(j["public"], kOldCasePublic) << "the hub reads every field the old kiosk sent";
    EXPECT_EQ(j["personal"], kOldCasePersonal);
    const std::string bad = h.hub.cli({"ratings", "bad", "--json"}, &code);  // one rating per line
    ASSERT_EQ(code, 0) << bad;
    ASSERT_EQ(std::count(bad.begin(), bad.end(), '\n'), 1) << bad;
    EXPECT_EQ(nlohmann::json::parse(bad.substr(0, bad.find('\n')))["public"], kOldRatingPublic);
}

TEST(Records, AMalformedRecordIsRefusedWithTheFieldNamedAndTheRestStored) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    provision(h.hub, dir / "kiosk", dir);
    nlohmann::json noMobile = kOldCasePersonal;
    noMobile.erase("mobile");
    nlohmann::json unknownKind = kOldCasePublic;
    unknownKind["case_kind"] = "吐槽";
    enqueueAs(dir / "kiosk", "KS0001", "case", kOldCasePublic, noMobile, 1'700'000'000'000);
    enqueueAs(dir / "kiosk", "KS0001", "case", unknownKind, kOldCasePersonal, 1'700'000'000'001);
    const std::string good = enqueueAs(dir / "kiosk", "KS0001", "case", kOldCasePublic, kOldCasePersonal, 1'700'000'000'002);
    const auto r = syncOnce(dir / "kiosk", dir);
    EXPECT_EQ(r["stored"], 1) << r.dump();
    EXPECT_EQ(r["dead_lettered"], 2) << r.dump();
    const Ran list = kioskctl(dir / "kiosk", {"outbox", "list", "--json"}, dir / "list");
    ASSERT_EQ(list.code, 0) << list.err;
    std::vector<std::string> errors;
    std::istringstream lines(list.out);
    for (std::string line; std::getline(lines, line);) {
        const auto j = nlohmann::json::parse(line);
        if (j["state"] == "rejected") errors.push_back(j["last_error"]);
        else EXPECT_EQ(j["number"], good);
    }
    ASSERT_EQ(errors.size(), 2u) << list.out;
    EXPECT_NE(errors[0].find("personal.mobile is required"), std::string::npos) << errors[0];
    EXPECT_NE(errors[1].find("public.case_kind '吐槽' is not a case kind"), std::string::npos) << errors[1];
    EXPECT_EQ(h.hub.log().find("王小明"), std::string::npos) << "no personal data in the hub's log";
    EXPECT_NE(h.hub.log().find("personal.mobile is required"), std::string::npos) << "the refusal is logged";
    // The queue is not blocked: a later record still goes.
    enqueueAs(dir / "kiosk", "KS0001", "rating", kOldRatingPublic, kOldRatingPersonal, 1'700'000'000'003);
    EXPECT_EQ(syncOnce(dir / "kiosk", dir)["stored"], 1);
}

TEST(Records, TheConsoleReadsTheHubsVocabularies) {
    const fs::path dir = testDir();
    ConsoleHub h(dir);
    ASSERT_TRUE(h.start()) << h.hub.log();
    ASSERT_EQ(h.addStaff("ed", "editor"), 0);
    auto c = h.client(h.staffPort);
    auto anonymous = c->Get("/staff/api/vocabulary");
    ASSERT_TRUE(anonymous);
    EXPECT_EQ(anonymous->status, 401) << "only for the signed-in";
    auto ed = login(*c, "ed", kPassword);
    ASSERT_TRUE(ed);
    auto v = c->Get("/staff/api/vocabulary", with(*ed, false));
    ASSERT_TRUE(v);
    ASSERT_EQ(v->status, 200) << v->body;
    const auto j = nlohmann::json::parse(v->body);
    ASSERT_EQ(j["case_kinds"].size(), records::kCaseKindList.size());
    EXPECT_EQ(j["case_kinds"][5]["code"], "办不成事");
    EXPECT_EQ(j["case_kinds"][5]["en"], "Could not get it done");
    EXPECT_EQ(j["case_statuses"].size(), records::kCaseStatusList.size());
    EXPECT_EQ(j["rating_levels"][4]["zh"], "非常不满意");
}
