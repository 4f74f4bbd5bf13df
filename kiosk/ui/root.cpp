// Root of the UI: one borderless full-screen ImGui window per frame.
#include "root.h"

#include "screens/screens.h"

#include <fmt/format.h>

namespace kiosk::ui {

const char* screenTitleKey(state::ScreenId id) {
    switch (id) {
        case state::ScreenId::Home: return i18n::Key{"top.home"}.id;
        case state::ScreenId::ServiceGuide: return i18n::Key{"tile.guide"}.id;
        case state::ScreenId::Policies: return i18n::Key{"tile.policies"}.id;
        case state::ScreenId::PolicyCheck: return i18n::Key{"tile.check"}.id;
        case state::ScreenId::Feedback: return i18n::Key{"tile.feedback"}.id;
        case state::ScreenId::Rating: return i18n::Key{"tile.rating"}.id;
        case state::ScreenId::CaseLookup: return i18n::Key{"tile.lookup"}.id;
        case state::ScreenId::ServiceList: return i18n::Key{"guide.services"}.id;
        case state::ScreenId::ServiceDetail: return i18n::Key{"guide.service"}.id;
        case state::ScreenId::BundleDetail: return i18n::Key{"guide.bundle"}.id;
        case state::ScreenId::PolicyDocument: return i18n::Key{"policy.document"}.id;
        case state::ScreenId::MeasureDetail: return i18n::Key{"policy.measure"}.id;
        case state::ScreenId::CaseReview: return i18n::Key{"case.review_title"}.id;
        case state::ScreenId::CaseReceipt: return i18n::Key{"case.receipt_title"}.id;
        case state::ScreenId::RatingForm: return i18n::Key{"rating.crumb"}.id;
        case state::ScreenId::RatingThanks: return i18n::Key{"rating.thanks_title"}.id;
        case state::ScreenId::Count: break;
    }
    return i18n::Key{"top.home"}.id;
}

void drawApp(const Ctx& c, state::AppState& s, const std::tm& now, state::Actions& out) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(c.screen);
    ImGui::Begin("##root", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoBackground);  // the display fills the background
    if (s.maint.mode != state::MaintMode::Off) {
        if (s.maint.mode == state::MaintMode::Setup) drawSetup(c, s.maint, out);
        else drawMaintenance(c, s.maint, s.maintScroll, out);
        ImGui::End();
        return;
    }
    auto& session = s.session;
    const state::ScreenId screen = state::currentScreen(s);
    auto& scroll = session.nav.back().scroll;

    switch (screen) {
        case state::ScreenId::Home: {
            const std::string& name = session.lang == i18n::Lang::En && !s.settings.siteNameEn.empty()
                                          ? s.settings.siteNameEn
                                          : s.settings.siteName;
            drawHome(c, HomeView{name}, scroll, out);
            break;
        }
        case state::ScreenId::CaseLookup: drawCaseLookup(c, session.lookup, scroll, out); break;
        case state::ScreenId::ServiceGuide: drawGuideHome(c, session, out); break;
        case state::ScreenId::ServiceList: drawServiceList(c, session, out); break;
        case state::ScreenId::ServiceDetail: drawServiceDetail(c, session, out); break;
        case state::ScreenId::BundleDetail: drawBundleDetail(c, session, out); break;
        case state::ScreenId::Policies: drawPolicies(c, session, out); break;
        case state::ScreenId::PolicyDocument: drawPolicyDocument(c, session, out); break;
        case state::ScreenId::MeasureDetail: drawMeasureDetail(c, session, out); break;
        case state::ScreenId::PolicyCheck: drawPolicyCheck(c, session, out); break;
        case state::ScreenId::Feedback: drawCaseForm(c, session, out); break;
        case state::ScreenId::CaseReview: drawCaseReview(c, session, out); break;
        case state::ScreenId::CaseReceipt: drawCaseReceipt(c, session, out); break;
        case state::ScreenId::Rating: drawRatingHome(c, session, out); break;
        case state::ScreenId::RatingForm: drawRatingForm(c, session, out); break;
        case state::ScreenId::RatingThanks: drawRatingThanks(c, session, out); break;
        case state::ScreenId::Count: break;
    }

    TopBarView bar;
    for (std::size_t i = 1; i < session.nav.size(); ++i) {
        const auto& e = session.nav[i];
        bar.crumbs.emplace_back(e.title.empty() ? c.tr(screenTitleKey(e.screen)) : e.title);
    }
    bar.canGoBack = session.nav.size() > 1;
    bar.showHome = screen != state::ScreenId::Home;
    bar.elder = session.elderMode;
    bar.online = s.online;
    bar.lastSync = s.lastSync;
    bar.clock = fmt::format("{:02}:{:02}", now.tm_hour, now.tm_min);
    const std::string weekday = fmt::format("date.weekday_{}", now.tm_wday);
    const std::string month = fmt::format("date.month_{}", now.tm_mon + 1);
    bar.date = fmt::format(fmt::runtime(c.tr("date.format")), fmt::arg("year", now.tm_year + 1900),
                           fmt::arg("month", now.tm_mon + 1), fmt::arg("day", now.tm_mday),
                           fmt::arg("weekday", c.tr(weekday)), fmt::arg("month_name", c.tr(month)));
    ImGui::SetCursorScreenPos(ImVec2(0, 0));
    drawTopBar(c, bar, out);

    OverlayView ov;
    ov.modal = session.modal;
    ov.idleWarning = s.idle.warning;
    ov.idleSecondsLeft = state::idleSecondsLeft(s);
    for (const auto& t : session.toasts) ov.toastKeys.push_back(t.key);
    drawOverlays(c, ov, out);
    ImGui::End();
}

}  // namespace kiosk::ui
