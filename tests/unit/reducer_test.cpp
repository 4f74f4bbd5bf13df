// The reducer drives every flow; these tests walk the flows without pixels.
#include "state/reducer.h"

#include <gtest/gtest.h>

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
    s.session.scroll[1].offset = 300;
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
    EXPECT_EQ(s.session.scroll[1].offset, 0.0f);
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
