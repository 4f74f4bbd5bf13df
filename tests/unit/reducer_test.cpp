// The reducer drives every flow; these tests walk the flows without pixels.
#include "state/reducer.h"

#include <gtest/gtest.h>

using namespace kiosk;
using namespace kiosk::state;

namespace {

Settings settings() {
    Settings s;
    s.idleTimeoutMs = 90'000;
    s.idleCountdownMs = 30'000;
    s.toastMs = 2'500;
    s.siteName = "测试站点";
    return s;
}

template <class E>
bool has(const Effects& fx) {
    for (const auto& e : fx)
        if (std::holds_alternative<E>(e)) return true;
    return false;
}

}  // namespace

TEST(Reducer, NavigatesAndGoesBack) {
    AppState s = makeInitialState(settings(), 0);
    EXPECT_EQ(currentScreen(s), ScreenId::Home);
    (void)reduce(s, Navigate{ScreenId::CaseLookup});
    EXPECT_EQ(currentScreen(s), ScreenId::CaseLookup);
    (void)reduce(s, Navigate{ScreenId::CaseLookup});  // a double tap does not stack twice
    EXPECT_EQ(s.session.nav.size(), 2u);
    (void)reduce(s, Back{});
    EXPECT_EQ(currentScreen(s), ScreenId::Home);
    (void)reduce(s, Back{});  // back on home stays home
    EXPECT_EQ(s.session.nav.size(), 1u);
}

TEST(Reducer, GoHomeWithTypedInputAsksFirst) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, Navigate{ScreenId::CaseLookup});
    s.session.lookup.caseNo = "QP01";
    (void)reduce(s, GoHome{});
    EXPECT_EQ(s.session.modal, Modal::ConfirmLeave);
    EXPECT_EQ(currentScreen(s), ScreenId::CaseLookup);
    (void)reduce(s, ConfirmLeave{false});
    EXPECT_EQ(s.session.modal, Modal::None);
    EXPECT_EQ(s.session.lookup.caseNo, "QP01");
    (void)reduce(s, GoHome{});
    (void)reduce(s, ConfirmLeave{true});
    EXPECT_EQ(currentScreen(s), ScreenId::Home);
    EXPECT_TRUE(s.session.lookup.caseNo.empty());
}

TEST(Reducer, PristineSessionNeverWarns) {
    AppState s = makeInitialState(settings(), 0);
    EXPECT_EQ(nextDeadlineMs(s), kNever);
    (void)reduce(s, Tick{10'000'000});
    EXPECT_FALSE(s.idle.warning);
    EXPECT_EQ(s.wipes, 0u);
}

TEST(Reducer, IdleWarnsThenWipesEverything) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, UserActivity{});
    (void)reduce(s, Navigate{ScreenId::CaseLookup});
    (void)reduce(s, ToggleLanguage{});
    (void)reduce(s, ToggleElderMode{});
    s.session.lookup.caseNo = "QP0120260115000123";
    s.session.lookup.mobileLast4 = "5678";
    s.session.nav.back().scroll.offset = 300;
    EXPECT_EQ(nextDeadlineMs(s), 2'500);  // first the toasts expire
    (void)reduce(s, Tick{2'500});
    EXPECT_TRUE(s.session.toasts.empty());
    EXPECT_EQ(nextDeadlineMs(s), 90'000);

    (void)reduce(s, Tick{89'999});
    EXPECT_FALSE(s.idle.warning);
    (void)reduce(s, Tick{90'000});
    EXPECT_TRUE(s.idle.warning);
    EXPECT_EQ(idleSecondsLeft(s), 30);
    (void)reduce(s, Tick{90'400});
    EXPECT_EQ(idleSecondsLeft(s), 30);  // rounded up
    EXPECT_EQ(nextDeadlineMs(s), 91'000);

    const Effects fx = reduce(s, Tick{120'000});
    EXPECT_TRUE(has<ResetUiState>(fx));
    EXPECT_TRUE(has<RebuildFonts>(fx));  // elder mode went back to the default
    EXPECT_EQ(s.wipes, 1u);
    EXPECT_FALSE(s.idle.warning);
    EXPECT_FALSE(s.session.active);
    EXPECT_EQ(currentScreen(s), ScreenId::Home);
    EXPECT_TRUE(s.session.lookup.caseNo.empty());
    EXPECT_TRUE(s.session.lookup.mobileLast4.empty());
    EXPECT_EQ(s.session.nav.back().scroll.offset, 0.0f);
    EXPECT_EQ(s.session.lang, kiosk::i18n::Lang::Zh);
    EXPECT_FALSE(s.session.elderMode);
    EXPECT_EQ(nextDeadlineMs(s), kNever);
}

TEST(Reducer, OneTouchDismissesTheCountdown) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, UserActivity{});
    (void)reduce(s, Tick{100'000});
    ASSERT_TRUE(s.idle.warning);
    (void)reduce(s, UserActivity{});
    EXPECT_FALSE(s.idle.warning);
    EXPECT_EQ(nextDeadlineMs(s), 190'000);
    (void)reduce(s, Tick{150'000});
    EXPECT_EQ(s.wipes, 0u);
}

TEST(Reducer, LookupValidatesEachFieldWithItsOwnMessage) {
    AppState s = makeInitialState(settings(), 0);
    auto& f = s.session.lookup;
    EXPECT_TRUE(reduce(s, SubmitLookup{}).empty());
    EXPECT_EQ(f.errorField, CaseLookupForm::Field::CaseNo);
    EXPECT_EQ(f.errorKey, "lookup.err_case_no");

    f.caseNo = "qp0120260115000123";
    f.mobileLast4 = "12";
    EXPECT_TRUE(reduce(s, SubmitLookup{}).empty());
    EXPECT_EQ(f.caseNo, "QP0120260115000123");  // upper-cased
    EXPECT_EQ(f.errorField, CaseLookupForm::Field::Mobile4);

    f.mobileLast4 = "1234";
    const Effects fx = reduce(s, SubmitLookup{});
    ASSERT_EQ(fx.size(), 1u);
    const auto* q = std::get_if<LookupCase>(&fx[0]);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->caseNo, "QP0120260115000123");
    EXPECT_EQ(f.errorField, CaseLookupForm::Field::None);

    (void)reduce(s, LookupAnswered{"OTHER123", false});  // stale answer ignored
    EXPECT_FALSE(f.answered);
    (void)reduce(s, LookupAnswered{"QP0120260115000123", false});
    EXPECT_TRUE(f.answered);
    EXPECT_FALSE(f.found);
}

TEST(Reducer, CaseNumberRules) {
    EXPECT_FALSE(checkCaseNumber("ABC12").empty());  // too short
    EXPECT_FALSE(checkCaseNumber(std::string(33, 'A')).empty());
    EXPECT_FALSE(checkCaseNumber("QP01-2026").empty());
    EXPECT_FALSE(checkCaseNumber("ＱＰ０１２０２６").empty());  // full-width
    EXPECT_TRUE(checkCaseNumber("QP0120260115000123").empty());
    EXPECT_FALSE(checkMobileLast4("123").empty());
    EXPECT_FALSE(checkMobileLast4("12a4").empty());
    EXPECT_TRUE(checkMobileLast4("0000").empty());
}

TEST(Reducer, NavigatingAsksForThePageDataAndIgnoresStaleAnswers) {
    AppState s = makeInitialState(settings(), 0);
    Effects fx = reduce(s, Navigate{ScreenId::ServiceDetail, "svc.a"});
    ASSERT_TRUE(has<LoadPage>(fx));
    EXPECT_TRUE(s.session.pageLoading);
    (void)reduce(s, Navigate{ScreenId::ServiceDetail, "svc.b"});
    (void)reduce(s, PageLoaded{ScreenId::ServiceDetail, "svc.a", content::ServiceView{}});
    EXPECT_TRUE(std::holds_alternative<std::monostate>(s.session.page)) << "svc.a arrived after the visitor moved on";
    content::ServiceView b;
    b.service.id = "svc.b";
    (void)reduce(s, PageLoaded{ScreenId::ServiceDetail, "svc.b", b});
    ASSERT_TRUE(std::holds_alternative<content::ServiceView>(s.session.page));
    EXPECT_FALSE(s.session.pageLoading);
    s.session.nav.back().scroll.offset = 120;
    fx = reduce(s, Back{});
    EXPECT_TRUE(has<LoadPage>(fx)) << "the previous page is loaded again";
    EXPECT_EQ(s.session.nav.back().param, "svc.a");
}

TEST(Reducer, SearchRunsOnlyForNewTextAndKeepsTheLatestAnswer) {
    AppState s = makeInitialState(settings(), 0);
    s.session.guide.query = "社保";
    Effects fx = reduce(s, SearchEdited{});
    ASSERT_TRUE(has<RunSearch>(fx));
    s.session.guide.query = "社保登";
    (void)reduce(s, SearchAnswered{"社保", {content::SearchHit{}}});
    EXPECT_TRUE(s.session.guide.results.empty()) << "an answer to old text is dropped";
    (void)reduce(s, SearchAnswered{"社保登", {content::SearchHit{}, content::SearchHit{}}});
    EXPECT_EQ(s.session.guide.results.size(), 2u);
    EXPECT_TRUE(reduce(s, SearchEdited{}).empty()) << "same text, no new search";
}

TEST(Reducer, PolicyCheckAnswersAreWipedWithTheSession) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, UserActivity{});
    (void)reduce(s, Navigate{ScreenId::PolicyCheck});
    content::CompanyProfile p;
    p.size = "小";
    (void)reduce(s, CheckAnswered{p});
    EXPECT_EQ(s.session.check.step, 1);
    EXPECT_EQ(s.session.check.profile.size, std::optional<std::string>("小"));
    (void)reduce(s, Tick{200'000});
    EXPECT_FALSE(s.session.check.profile.size.has_value());
    EXPECT_EQ(s.session.check.step, 0);
}

TEST(Reducer, CaseFormSaysWhatIsWrongAtEachField) {
    CaseForm f;
    EXPECT_FALSE(validateCaseForm(f));
    for (const char* field : {"kind", "description", "contact", "mobile", "accept"})
        EXPECT_TRUE(f.errors.contains(field)) << field;
    f.kind = 2;
    f.description = std::string(1001, 'a');
    f.contact = "王\x01明";
    f.mobile = "1381234567";
    f.uscc = "91440300I922038216";
    f.accepted = true;
    EXPECT_FALSE(validateCaseForm(f));
    EXPECT_NE(f.errors["description"].zh.find("1000"), std::string::npos);
    EXPECT_TRUE(f.errors.contains("contact"));
    EXPECT_NE(f.errors["mobile"].en.find("11 digits"), std::string::npos);
    EXPECT_NE(f.errors["uscc"].en.find("Character 9"), std::string::npos);
    f.description = "窗口要求补交材料三次仍未受理。\n请协调。";
    f.contact = "王小明";
    f.mobile = "+86 138 1234 5678";
    f.uscc = "914403001922038216";
    EXPECT_TRUE(validateCaseForm(f)) << (f.errors.empty() ? "" : f.errors.begin()->first);
}

TEST(Reducer, SavedCaseLeavesNothingPersonalInTheSession) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, Navigate{ScreenId::Feedback});
    s.session.caseForm = CaseForm{2, "描述", "企业", "", "王小明", "13812345678", {}, 0, true, {}, false};
    EXPECT_TRUE(hasVisitorInput(s.session));
    Effects fx = reduce(s, CaseConfirm{});
    ASSERT_TRUE(has<SaveCase>(fx));
    (void)reduce(s, CaseSaved{"KS0120260115000001X"});
    EXPECT_TRUE(s.session.caseForm.contact.empty());
    EXPECT_TRUE(s.session.caseForm.mobile.empty());
    EXPECT_EQ(currentScreen(s), ScreenId::CaseReceipt);
    EXPECT_EQ(s.session.nav.size(), 2u) << "Back from the receipt goes home, not to the form";
}

// --- 好差评 ---------------------------------------------------------------------
TEST(Reducer, PickModeFillsTheCaseFormAndEndsWhenTheVisitorLeavesThePicker) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, Navigate{ScreenId::Feedback});
    (void)reduce(s, PickService{PickFor::Case});
    EXPECT_EQ(currentScreen(s), ScreenId::ServiceGuide);
    (void)reduce(s, Navigate{ScreenId::ServiceDetail, "svc.a"});
    (void)reduce(s, ServicePicked{PickedService{"svc.a", "甲", "A"}});
    EXPECT_EQ(currentScreen(s), ScreenId::Feedback) << "back at the form that asked";
    EXPECT_EQ(s.session.caseForm.service.id, "svc.a");
    EXPECT_EQ(s.session.pickFor, PickFor::None);
    (void)reduce(s, CaseClearService{});
    EXPECT_TRUE(s.session.caseForm.service.id.empty());
    // Backing out of the catalog leaves pick mode: a later service page picks nothing.
    (void)reduce(s, PickService{PickFor::Case});
    (void)reduce(s, Back{});
    EXPECT_EQ(s.session.pickFor, PickFor::None);
    (void)reduce(s, Navigate{ScreenId::ServiceDetail, "svc.b"});
    (void)reduce(s, ServicePicked{PickedService{"svc.b", "乙", "B"}});
    EXPECT_EQ(currentScreen(s), ScreenId::ServiceDetail);
    EXPECT_TRUE(s.session.caseForm.service.id.empty());
}

TEST(Reducer, RatingInstanceIsTheCaseOrThisVisitAndTarget) {
    AppState s = makeInitialState(settings(), 0);
    s.settings.runId = "r1";
    const RatingTarget svc{"service", "svc.a", "甲", "A", {}};
    const RatingTarget afterCase{"service", "svc.a", "甲", "A", "QP0120260115000001X"};
    EXPECT_EQ(ratingInstance(s, afterCase), "case:QP0120260115000001X");
    const std::string visit = ratingInstance(s, svc);
    EXPECT_NE(visit, ratingInstance(s, RatingTarget{"department", "svc.a", "", "", {}}));
    ++s.wipes;  // the next visitor
    EXPECT_NE(visit, ratingInstance(s, svc));
    s.settings.runId = "r2";  // the kiosk restarted
    --s.wipes;
    EXPECT_NE(visit, ratingInstance(s, svc));
}

TEST(Reducer, RatingNeedsALevelAndABadOneAReasonAndAValidCallBack) {
    AppState s = makeInitialState(settings(), 0);
    Effects fx = reduce(s, StartRating{RatingTarget{"service", "svc.a", "甲", "A", {}}});
    EXPECT_EQ(currentScreen(s), ScreenId::RatingForm);
    ASSERT_TRUE(has<CheckRatings>(fx));
    ASSERT_TRUE(has<LoadPage>(fx));
    content::RatingReasonSet set;
    set.version = "2026.1";
    for (auto& level : set.levels) level.push_back({"R1", "原因", "Reason"});
    (void)reduce(s, PageLoaded{ScreenId::RatingForm, s.session.nav.back().param, set});
    (void)reduce(s, RatingChecked{s.session.rating.instance, 0});
    EXPECT_TRUE(reduce(s, RatingSubmit{}).empty());
    EXPECT_EQ(s.session.rating.errors.count("level"), 1u);
    (void)reduce(s, RatingSetLevel{4});
    EXPECT_TRUE(reduce(s, RatingSubmit{}).empty());
    EXPECT_EQ(s.session.rating.errors.count("reasons"), 1u);
    (void)reduce(s, RatingToggleReason{"R1"});
    (void)reduce(s, RatingToggleCallback{});
    s.session.rating.mobile = "1381234567";  // one digit short
    EXPECT_TRUE(reduce(s, RatingSubmit{}).empty());
    EXPECT_EQ(s.session.rating.errors.count("contact"), 1u);
    EXPECT_EQ(s.session.rating.errors.count("mobile"), 1u);
    s.session.rating.contact = "王小明";
    s.session.rating.mobile = "13812345678";
    fx = reduce(s, RatingSubmit{});
    ASSERT_TRUE(has<SaveRating>(fx));
    EXPECT_EQ(std::get<SaveRating>(fx[0]).reasonsVersion, "2026.1");
    // A good rating needs no reason, and drops the call-back (anonymous).
    (void)reduce(s, RatingSetLevel{1});
    EXPECT_TRUE(s.session.rating.reasons.empty()) << "reasons belong to a level";
    EXPECT_FALSE(s.session.rating.callback);
    EXPECT_TRUE(has<SaveRating>(reduce(s, RatingSubmit{})));
}

TEST(Reducer, NoThirdRatingForAnInstanceAndThanksGoHomeByThemselves) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, StartRating{RatingTarget{"department", "dept.a", "甲局", "", {}}});
    content::RatingReasonSet set;
    set.version = "v";
    for (auto& level : set.levels) level.push_back({"R1", "原因", ""});
    (void)reduce(s, PageLoaded{ScreenId::RatingForm, s.session.nav.back().param, set});
    (void)reduce(s, RatingChecked{"some other instance", 2});
    EXPECT_EQ(s.session.rating.previous, -1) << "an answer for another instance is ignored";
    (void)reduce(s, RatingChecked{s.session.rating.instance, kRatingsPerInstance});
    (void)reduce(s, RatingSetLevel{0});
    EXPECT_TRUE(reduce(s, RatingSubmit{}).empty()) << "rated and followed up already";

    (void)reduce(s, RatingSaved{});
    EXPECT_EQ(currentScreen(s), ScreenId::RatingThanks);
    EXPECT_FALSE(hasVisitorInput(s.session));
    EXPECT_EQ(nextDeadlineMs(s), kThanksMs);
    (void)reduce(s, Tick{kThanksMs - 1});
    EXPECT_EQ(currentScreen(s), ScreenId::RatingThanks);
    (void)reduce(s, Tick{kThanksMs});
    EXPECT_EQ(currentScreen(s), ScreenId::Home);
    EXPECT_EQ(s.session.thanksUntilMs, 0);
}

// --- maintenance mode and scans ------------------------------------------------
TEST(Maintenance, OpeningWipesTheVisitorAndAPinAnswerOpensThePages) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, Navigate{ScreenId::Feedback});
    s.session.caseForm.description = "有话要说";
    auto fx = reduce(s, Maint{maint::Open{}});
    EXPECT_EQ(s.maint.mode, MaintMode::Pin);
    EXPECT_TRUE(s.session.caseForm.description.empty()) << "a technician never sees what a visitor typed";
    EXPECT_TRUE(has<CheckPin>(fx));
    for (char k : std::string("246810")) (void)reduce(s, Maint{maint::PinKey{k}});
    fx = reduce(s, Maint{maint::PinKey{'E'}});
    ASSERT_TRUE(has<CheckPin>(fx));
    EXPECT_EQ(std::get<CheckPin>(fx[0]).pin, "246810");
    EXPECT_TRUE(s.maint.pin.empty()) << "the typed PIN is not kept";
    (void)reduce(s, Maint{maint::PinAnswered{PinResult::Wrong, 4, 0}});
    EXPECT_EQ(s.maint.mode, MaintMode::Pin);
    EXPECT_EQ(s.maint.pinMessageKey, "maint.pin_wrong");
    fx = reduce(s, Maint{maint::PinAnswered{PinResult::Ok, 5, 0}});
    EXPECT_EQ(s.maint.mode, MaintMode::Open);
    EXPECT_TRUE(has<LoadMaintInfo>(fx));
}

TEST(Maintenance, LeavesByItselfAfterTheIdleTimeAndReportsIt) {
    Settings st = settings();
    st.maintIdleExitMs = 120'000;
    AppState s = makeInitialState(st, 0);
    (void)reduce(s, Maint{maint::Open{}});
    (void)reduce(s, Maint{maint::PinAnswered{PinResult::Ok, 5, 0}});
    (void)reduce(s, Tick{60'000});
    (void)reduce(s, UserActivity{});
    EXPECT_EQ(nextDeadlineMs(s), 180'000);
    (void)reduce(s, Tick{179'999});
    EXPECT_EQ(s.maint.mode, MaintMode::Open);
    const auto fx = reduce(s, Tick{180'000});
    EXPECT_EQ(s.maint.mode, MaintMode::Off);
    ASSERT_TRUE(has<RunMaint>(fx));
    for (const auto& e : fx)
        if (const auto* r = std::get_if<RunMaint>(&e)) {
            EXPECT_EQ(r->command, MaintCommand::Leave);
            EXPECT_EQ(r->arg, 1) << "left because idle";
        }
}

TEST(Maintenance, RestartAsksForASecondPress) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, Maint{maint::Open{}});
    (void)reduce(s, Maint{maint::PinAnswered{PinResult::Ok, 5, 0}});
    EXPECT_FALSE(has<RunMaint>(reduce(s, Maint{maint::Do{MaintCommand::Restart}})));
    EXPECT_TRUE(s.maint.confirmRestart);
    EXPECT_TRUE(has<RunMaint>(reduce(s, Maint{maint::Do{MaintCommand::Restart}})));
    EXPECT_TRUE(s.maint.restartRequested);
}

TEST(Scans, EachKindIsRecognisedAndMasked) {
    EXPECT_EQ(classifyScan("914403001922038216").kind, ScanKind::Uscc);
    EXPECT_EQ(classifyScan("914403001922038217").kind, ScanKind::Other) << "wrong check character";
    EXPECT_EQ(classifyScan("JCM:SH2026110001").kind, ScanKind::Inspection);
    EXPECT_EQ(classifyScan("JCM:SH2026110001").value, "SH2026110001");
    EXPECT_EQ(classifyScan("JC20261100010002").kind, ScanKind::Inspection);
    EXPECT_EQ(classifyScan("qp0120260115000001x").kind, ScanKind::CaseNo);
    EXPECT_EQ(classifyScan("qp0120260115000001x").value, "QP0120260115000001X");
    EXPECT_EQ(classifyScan("6901234567892").kind, ScanKind::Other) << "a product barcode is no case number";
    EXPECT_EQ(classifyScan(R"({"format":"kiosk-provision/1","hub_url":"https://hub"})").kind, ScanKind::Provisioning);
    const ScanLine line = describeScan("914403001922038216");
    EXPECT_EQ(line.shown, "9144****8216 (18)");
    EXPECT_EQ(describeScan("1234").shown, "**** (4)");
}

TEST(Scans, ACreditCodeFillsTheOpenCaseFormOnly) {
    AppState s = makeInitialState(settings(), 0);
    (void)reduce(s, ScanArrived{"914403001922038216"});
    EXPECT_TRUE(s.session.caseForm.uscc.empty());
    ASSERT_FALSE(s.session.toasts.empty());
    EXPECT_EQ(s.session.toasts.back().key, "scan.uscc_where");
    (void)reduce(s, Navigate{ScreenId::Feedback});
    s.session.caseForm.errors["uscc"] = {"错", "wrong"};
    (void)reduce(s, ScanArrived{"914403001922038216"});
    EXPECT_EQ(s.session.caseForm.uscc, "914403001922038216");
    EXPECT_EQ(s.session.caseForm.errors.count("uscc"), 0u);
    (void)reduce(s, ScanArrived{"JCM:SH2026110001"});
    EXPECT_EQ(currentScreen(s), ScreenId::RatingForm);
    EXPECT_EQ(s.session.rating.target.kind, "inspection");
    EXPECT_EQ(s.session.rating.target.id, "SH2026110001");
}
