// Draw functions of every screen and overlay. Each takes the frame context,
// a read-only view of what to show, the screen's own UI state (text buffers,
// scroll position) and an output list of Actions. They only call the kit and
// ImGui layout; they never read a clock, a file or the network.
#pragma once

#include "state/actions.h"
#include "ui/kit.h"

#include <string>
#include <vector>

namespace kiosk::ui {

struct TopBarView {
    std::vector<std::string> crumbs;  // titles of the screens on the stack above home
    bool canGoBack = false;
    bool showHome = false;
    bool elder = false;
    bool online = false;
    std::string lastSync;  // "09:28": when the last sync with the centre finished ("" = never)
    std::string clock;  // "09:30"
    std::string date;   // shown where the title would be when there is none
};
void drawTopBar(const Ctx& c, const TopBarView& v, state::Actions& out);

struct HomeView {
    std::string siteName;
};
void drawHome(const Ctx& c, const HomeView& v, state::ScrollState& scroll, state::Actions& out);

void drawCaseLookup(const Ctx& c, state::CaseLookupForm& form, state::ScrollState& scroll, state::Actions& out);

// Content screens (data in session.page, loaded by the app loop).
void drawGuideHome(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawServiceList(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawServiceDetail(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawBundleDetail(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawPolicies(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawPolicyDocument(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawMeasureDetail(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawPolicyCheck(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawCaseForm(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawCaseReview(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawCaseReceipt(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawRatingHome(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawRatingForm(const Ctx& c, state::VisitorSession& s, state::Actions& out);
void drawRatingThanks(const Ctx& c, state::VisitorSession& s, state::Actions& out);
// What a rating rates, in the visitor's language.
std::string ratingTargetName(const Ctx& c, const state::RatingTarget& t);

struct OverlayView {
    state::Modal modal = state::Modal::None;
    bool idleWarning = false;
    int idleSecondsLeft = 0;
    std::vector<std::string> toastKeys;
};
void drawOverlays(const Ctx& c, const OverlayView& v, state::Actions& out);

// The technician's screens (maintenance mode and first-start setup); they
// take the whole screen, without the visitors' top bar.
void drawMaintenance(const Ctx& c, state::MaintenanceState& m, state::ScrollState& scroll, state::Actions& out);
void drawSetup(const Ctx& c, state::MaintenanceState& m, state::Actions& out);

// Content area below the top bar (screen coordinates).
ImVec2 contentMin(const Ctx& c);
ImVec2 contentSize(const Ctx& c);

// The page title row used by every screen but home; returns its height.
float drawPageHeader(const Ctx& c, std::string_view title, std::string_view subtitle);

}  // namespace kiosk::ui
