// App loop implementation: interactive (SDL events, real clock) and scripted
// (virtual clock, synthetic input), sharing drawFrame().
#include "app.h"

#include "base/log.h"
#include "base/time_text.h"
#include "checklist.h"
#include "os_reboot.h"
#include "config/printer_options.h"
#include "maint/pin.h"
#include "rotation.h"
#include "screen_schedule.h"
#include "client/hub_client.h"
#include "client/os_update.h"
#include "crypto/crypto.h"
#include "records/records.h"
#include "validate/mobile.h"
#include "i18n/strings.h"
#include "ui/root.h"

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <cfloat>

namespace kiosk::app {
namespace {

auto logger() { return log::channel("app"); }

constexpr std::int64_t kFrameMs = 16;           // script frame step (≈60 Hz)
constexpr int kSettleFrameLimit = 2000;         // bound on frames while settling

const auto kProcessStart = std::chrono::steady_clock::now();

state::Settings settingsFrom(const config::Config& c) {
    state::Settings s;
    s.defaultLang = i18n::langFromTag(c.language);
    s.defaultElderMode = c.elderMode;
    s.idleTimeoutMs = std::int64_t(c.idleTimeoutS) * 1000;
    s.idleCountdownMs = std::int64_t(c.idleCountdownS) * 1000;
    s.siteName = c.siteName;
    s.siteNameEn = c.siteNameEn;
    // Tells this run's visits apart in rating instances (not a secret).
    std::random_device rd;
    s.runId = fmt::format("{:08x}", rd());
    s.maintIdleExitMs = std::int64_t(c.maintenanceIdleExitS) * 1000;
    return s;
}

// The i18n key of a status the centre sends down (hub lifecycle codes).
const char* statusKeyOf(const std::string& code) {
    static const std::pair<const char*, const char*> kKeys[] = {
        {"received", i18n::Key{"lookup.status_received"}.id},   {"accepted", i18n::Key{"lookup.status_accepted"}.id},
        {"dispatched", i18n::Key{"lookup.status_dispatched"}.id}, {"handling", i18n::Key{"lookup.status_handling"}.id},
        {"replied", i18n::Key{"lookup.status_replied"}.id},     {"closed", i18n::Key{"lookup.status_closed"}.id},
        {"revisited", i18n::Key{"lookup.status_revisited"}.id}, {"rated", i18n::Key{"lookup.status_rated"}.id},
        {"returned", i18n::Key{"lookup.status_returned"}.id},   {"extended", i18n::Key{"lookup.status_extended"}.id},
        {"merged", i18n::Key{"lookup.status_merged"}.id}};
    for (const auto& [code_, key] : kKeys)
        if (code == code_) return key;
    return nullptr;
}

int keyIndex(std::string_view name) {
    if (name == "Backspace") return ImGuiKey_Backspace;
    if (name == "Delete") return ImGuiKey_Delete;
    if (name == "Enter") return ImGuiKey_Enter;
    if (name == "Tab") return ImGuiKey_Tab;
    if (name == "Escape") return ImGuiKey_Escape;
    if (name == "Left") return ImGuiKey_LeftArrow;
    if (name == "Right") return ImGuiKey_RightArrow;
    if (name == "Home") return ImGuiKey_Home;
    if (name == "End") return ImGuiKey_End;
    return -1;
}

}  // namespace

double msSinceProcessStart() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - kProcessStart).count();
}

App::App(config::Config config, platform::DisplayOptions display, std::unique_ptr<platform::Clock> clock)
    : m_config(std::move(config)), m_displayOptions(std::move(display)), m_clock(std::move(clock)) {
    m_fixedClock = dynamic_cast<platform::FixedClock*>(m_clock.get());
    m_lookup = [](const std::string&, const std::string&) { return std::optional<CaseLookupAnswer>{}; };
}

App::~App() {
    m_display.reset();
    if (ImGui::GetCurrentContext()) {
        m_fonts.detach(*ImGui::GetIO().Fonts);
        ImGui::DestroyContext();
    }
}

Result<void> App::start() {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing about a visitor's session is ever written to disk
    io.LogFilename = nullptr;
    io.ConfigInputTextCursorBlink = false;  // a blinking caret would redraw forever
    io.ConfigWindowsMoveFromTitleBarOnly = true;
    for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;  // scripts use ImGuiKey values directly

    if (auto r = m_fonts.open(m_config.fontRegular, m_config.fontBold, m_config.fontFace); !r)
        return std::unexpected(r.error());
    // The atlas starts with ASCII and punctuation only; every other glyph is
    // added when a frame first draws it (that frame is redrawn before it is
    // shown), and only at the size it is drawn in.
    m_fonts.markBase();

    // Content and printer: a kiosk without them still starts and says so on
    // the screens that need them.
    const auto openStart = std::chrono::steady_clock::now();
    if (auto store = store::ContentStore::open(m_config.contentDatabase); store) {
        m_stats.contentOpenMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - openStart).count();
        m_content = std::move(*store);
        auto info = m_content->info();
        if (info)
            logger()->info("content {} (version {}): {} services, {} documents, {} measures", m_config.contentDatabase,
                           info->version, info->services, info->documents, info->measures);
        m_stats.contentOpen = true;
    } else {
        logger()->warn("no content: {}", store.error().message);
    }
    m_printer = platform::makePrinter(config::printerOptions(m_config));
    // A provisioned kiosk numbers its cases with the terminal code the hub
    // gave it at enrollment (unique in the fleet); before that, the config's.
    std::string terminal = m_config.terminalCode;
    if (auto hub = sync::loadHubConfig(m_config.dataDir); hub && !hub->deviceId.empty()) terminal = hub->deviceId;
    if (auto box = outbox::Outbox::open(m_config.dataDir, terminal); box) {
        m_outbox = std::move(*box);
        m_lookup = [this](const std::string& caseNo, const std::string& last4) -> std::optional<CaseLookupAnswer> {
            auto r = m_outbox->lookup(caseNo, last4);
            if (!r || !r->has_value()) return std::nullopt;
            CaseLookupAnswer a;
            switch ((*r)->state) {
                case outbox::State::Pending:
                case outbox::State::Sending: a.statusKey = i18n::Key{"lookup.status_queued"}.id; break;
                case outbox::State::Acked: a.statusKey = i18n::Key{"lookup.status_received"}.id; break;
                case outbox::State::Rejected: a.statusKey = i18n::Key{"lookup.status_rejected"}.id; break;
            }
            // What the centre sent down is newer than the delivery state.
            if (auto events = m_outbox->statusesOf(caseNo); events)
                for (const auto& e : *events) {
                    const char* key = statusKeyOf(e.status);
                    if (!key) continue;
                    a.history.push_back({key, localDateTime(e.at)});
                    a.statusKey = key;
                }
            return a;
        };
    } else {
        // The kiosk still informs visitors; submitting says it cannot save.
        logger()->error("outbox unavailable, submissions are off: {}", box.error().message);
    }

    m_displayOptions.rotation = m_config.rotation;
    auto display = platform::openDisplay(m_displayOptions);
    if (!display) return std::unexpected(display.error());
    m_display = std::move(*display);
    m_state = state::makeInitialState(settingsFrom(m_config), m_clock->monotonicMs());
    applySiteConfig();
    readOsVersion();
    m_lastFrameMs = m_state.nowMs;
    m_stats.renderer = m_display->rendererName();
    logger()->info("kiosk {}x{} renderer {}", m_display->width(), m_display->height(), m_stats.renderer);
    return rebuildFonts();
}

Result<void> App::rebuildFonts() {
    const int w = m_display->width(), h = m_display->height();
    m_metrics = ui::computeMetrics(w, h, m_state.session.elderMode);
    auto built = m_fonts.build(*ImGui::GetIO().Fonts, m_metrics);
    if (!built) return std::unexpected(built.error());
    m_display->reloadFonts();
    ImGui::GetIO().Fonts->ClearTexData();  // the GPU/renderer holds the pixels now
    m_fontWidth = w;
    m_fontHeight = h;
    m_fontElder = m_state.session.elderMode;
    m_fontsDirty = false;
    m_stats.atlas = built.value();
    m_framesPending = std::max(m_framesPending, 2);
    return {};
}

void App::dispatch(const state::Action& action) {
    if (!std::holds_alternative<state::UserActivity>(action)) logger()->debug("action {}", state::actionName(action));
    runEffects(state::reduce(m_state, action));
    m_framesPending = std::max(m_framesPending, 2);  // ImGui settles a change in two frames
}

std::int64_t App::nextWakeMs(std::int64_t nowMs) const {
    // The next state deadline, or the clock's next minute, whichever is first;
    // a corner hold completing and the watchdog's next keep-alive too.
    const std::tm t = m_clock->localTime();
    std::int64_t next = std::min(state::nextDeadlineMs(m_state), nowMs + std::int64_t(60 - t.tm_sec) * 1000);
    if (const auto g = m_gesture.deadlineMs(); g >= 0) next = std::min(next, g);
    if (m_watchdog)
        if (const auto w = m_watchdog->nextDeadlineMs()) next = std::min(next, *w);
    return next;
}

void App::tick(std::int64_t nowMs) {
    // Time alone changes the screen only at a deadline (idle warning, a
    // countdown second, a toast expiring) or when the clock's minute turns.
    const bool due = nowMs >= state::nextDeadlineMs(m_state);
    // A corner hold completes with the finger still: look at it then.
    if (const auto g = m_gesture.deadlineMs(); g >= 0 && nowMs >= g) m_framesPending = std::max(m_framesPending, 1);
    runEffects(state::reduce(m_state, state::Tick{nowMs}));
    if (m_rebootWatch && nowMs >= m_nextRebootCheckMs) {
        m_nextRebootCheckMs = nowMs + 30'000;  // the loop wakes at least every minute anyway
        checkOsReboot();
    }
    const std::tm t = m_clock->localTime();
    if (due) m_framesPending = std::max(m_framesPending, 2);  // state changed: let ImGui settle
    else if (t.tm_hour * 60 + t.tm_min != m_shownMinute) m_framesPending = std::max(m_framesPending, 1);
}

void App::runEffects(const state::Effects& effects) {
    for (const auto& e : effects) {
        if (std::holds_alternative<state::ResetUiState>(e)) {
            if (m_ime) m_ime->clear();  // no half-typed pinyin survives a page change or a wipe
            if (m_state.session.nav.size() == 1 && !m_state.session.active && m_fonts.resetToBase())
                m_fontsDirty = true;  // a wiped session drops the glyphs its pages added
            ImGui::ClearActiveID();
            // ImGui keeps its own copy of the last edited text; drop it too.
            ImGui::GetCurrentContext()->InputTextState.ClearFreeMemory();
        } else if (std::holds_alternative<state::RebuildFonts>(e)) {
            m_fontsDirty = true;
        } else if (const auto* q = std::get_if<state::LookupCase>(&e)) {
            auto answer = m_lookup(q->caseNo, q->mobileLast4);
            m_stats.lastLookupStatus = answer ? answer->statusKey : "";
            dispatch(answer ? state::LookupAnswered{q->caseNo, true, answer->statusKey, std::move(answer->history)}
                            : state::LookupAnswered{q->caseNo, false});
        } else if (const auto* load = std::get_if<state::LoadPage>(&e)) {
            loadPage(*load);
        } else if (const auto* search = std::get_if<state::RunSearch>(&e)) {
            std::vector<content::SearchHit> hits;
            if (m_content) {
                auto r = m_content->search(search->query, 30, today());
                if (r) hits = std::move(*r);
                else logger()->warn("search failed: {}", r.error().message);
            }
            dispatch(state::SearchAnswered{search->query, std::move(hits)});
        } else if (const auto* job = std::get_if<state::PrintChecklist>(&e)) {
            print(*job);
        } else if (const auto* save = std::get_if<state::SaveCase>(&e)) {
            saveCase(*save);
        } else if (const auto* check = std::get_if<state::CheckRatings>(&e)) {
            int previous = 0;
            if (m_outbox) {
                if (auto n = m_outbox->ratingsFor(check->instance); n) previous = *n;
                else logger()->warn("ratings of an instance not counted: {}", n.error().message);
            }
            dispatch(state::RatingChecked{check->instance, previous});
        } else if (const auto* rate = std::get_if<state::SaveRating>(&e)) {
            saveRating(*rate);
        } else if (const auto* pin = std::get_if<state::CheckPin>(&e)) {
            checkPin(*pin);
        } else if (std::holds_alternative<state::LoadMaintInfo>(e)) {
            loadMaintInfo();
        } else if (const auto* run = std::get_if<state::RunMaint>(&e)) {
            runMaint(*run);
        } else if (const auto* newPin = std::get_if<state::SavePin>(&e)) {
            savePin(*newPin);
        }
    }
}

std::string App::today() const {
    const std::tm t = m_clock->localTime();
    return fmt::format("{:04}-{:02}-{:02}", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday);
}

void App::loadPage(const state::LoadPage& r) {
    using state::ScreenId;
    auto failWith = [&](const char* key, const std::string& why) {
        logger()->warn("page {} {} not loaded: {}", int(r.screen), r.param, why);
        dispatch(state::PageFailed{r.screen, r.param, key});
    };
    if (!m_content) return failWith(i18n::Key{"content.unavailable"}.id, "no content database");
    auto& c = *m_content;
    auto deliver = [&](auto result) {
        if (!result) return failWith(i18n::Key{"content.not_found"}.id, result.error().message);
        dispatch(state::PageLoaded{r.screen, r.param, state::PageData{std::move(*result)}});
    };
    switch (r.screen) {
        case ScreenId::ServiceGuide: {
            state::GuideHomeData d;
            auto themes = c.themes();
            auto depts = c.departments();
            auto bundles = c.bundles();
            if (!themes || !depts || !bundles) return failWith(i18n::Key{"content.unavailable"}.id, "query failed");
            d.themes = std::move(*themes);
            d.departments = std::move(*depts);
            d.bundles = std::move(*bundles);
            return deliver(Result<state::GuideHomeData>(std::move(d)));
        }
        case ScreenId::ServiceList:
            if (r.param.starts_with("theme:")) return deliver(c.servicesByTheme(r.param.substr(6)));
            return deliver(c.servicesByDepartment(r.param.substr(r.param.find(':') + 1)));
        case ScreenId::ServiceDetail: return deliver(c.service(r.param));
        case ScreenId::BundleDetail: return deliver(c.bundle(r.param));
        case ScreenId::Policies: {
            auto facets = c.policyFacets();
            auto docs = c.documents(r.filter, today());
            if (!facets || !docs) return failWith(i18n::Key{"content.unavailable"}.id, "query failed");
            return deliver(Result<state::PoliciesData>(state::PoliciesData{std::move(*facets), std::move(*docs)}));
        }
        case ScreenId::PolicyDocument: return deliver(c.document(r.param, today()));
        case ScreenId::MeasureDetail: {
            const auto hash = r.param.find('#');
            auto doc = c.document(r.param.substr(0, hash), today());
            if (!doc || hash == std::string::npos) return failWith(i18n::Key{"content.not_found"}.id, "no document");
            const std::string path = r.param.substr(hash + 1);
            state::MeasureData d;
            d.document = doc->summary;
            for (const auto& m : doc->measures)
                if (m.path == path) d.measure = m;
            if (d.measure.path.empty()) return failWith(i18n::Key{"content.not_found"}.id, "no measure " + path);
            if (auto guides = c.guides(today()); guides)
                for (auto& g : *guides)
                    if (g.guide.document == d.document.id && g.guide.measurePath == path) d.guides.push_back(std::move(g));
            return deliver(Result<state::MeasureData>(std::move(d)));
        }
        case ScreenId::Rating: {
            auto depts = c.departments();
            auto windows = c.windows();
            if (!depts || !windows) return failWith(i18n::Key{"content.unavailable"}.id, "query failed");
            return deliver(Result<state::RatingHomeData>(state::RatingHomeData{std::move(*depts), std::move(*windows)}));
        }
        case ScreenId::RatingForm: return deliver(c.ratingReasons());
        case ScreenId::PolicyCheck: {
            auto guides = c.guides(today());
            auto facets = c.policyFacets();
            if (!guides || !facets) return failWith(i18n::Key{"content.unavailable"}.id, "query failed");
            return deliver(Result<state::CheckData>(state::CheckData{std::move(*guides), facets->districts}));
        }
        default: return;
    }
}

void App::saveCase(const state::SaveCase& r) {
    const auto& f = r.form;
    records::CaseRecord rec;
    rec.pub.kind = records::kCaseKindList[std::size_t(std::max(0, f.kind))].code;
    rec.pub.serviceId = f.service.id;
    rec.pub.reply = records::kReplyChannels[f.reply == 0 ? 0 : 1];
    rec.pub.language = i18n::langTag(r.lang);
    const auto mobile = validate::checkMobile(f.mobile).normalised;
    rec.personal = {f.description, f.enterprise, f.uscc, f.contact, mobile};
    outbox::Submission sub{"case", records::toJson(rec.pub), records::toJson(rec.personal),
                           mobile.size() == 11 ? mobile.substr(7) : ""};
    // What the hub will check, checked before the visitor is given a number.
    if (auto ok = records::checkRecord(sub.kind, sub.publicData, sub.personalData); !ok) {
        logger()->error("a case was not saved: {}", ok.error().message);  // names the field, never its value
        return dispatch(state::CaseSaveFailed{});
    }
    if (!m_outbox) return dispatch(state::CaseSaveFailed{});
    auto saved = m_outbox->enqueue(sub, m_clock->epochMs(), m_clock->localTime());
    if (!saved) {
        logger()->error("a case could not be saved: {}", saved.error().message);  // never the contents
        return dispatch(state::CaseSaveFailed{});
    }
    ++m_stats.casesSaved;
    if (m_worker) m_worker->kick();  // send it while the visitor reads the receipt
    logger()->info("case saved to the outbox (seq {})", saved->seq);
    dispatch(state::CaseSaved{saved->caseNo});
}

void App::saveRating(const state::SaveRating& r) {
    const auto& f = r.form;
    records::RatingRecord rec;
    auto& p = rec.pub;
    p.targetKind = f.target.kind;
    p.targetId = f.target.id;
    p.targetName = f.target.name;
    p.instance = f.instance;
    p.followUp = f.previous >= 1;
    p.level = records::kRatingLevelList[std::size_t(f.level)].code;
    p.reasons = f.reasons;
    p.reasonsVersion = r.reasonsVersion;
    p.callback = records::isBadLevel(f.level) && f.callback;
    p.language = i18n::langTag(r.lang);
    p.caseNo = f.target.caseNo;
    // The centre's statistics group ratings of services by department too.
    if (f.target.kind == "service" && m_content)
        if (auto sv = m_content->service(f.target.id); sv) p.departmentId = sv->service.department;
    if (p.callback) rec.personal = {f.contact, validate::checkMobile(f.mobile).normalised};
    outbox::Submission sub{"rating", records::toJson(rec.pub), records::toJson(rec.personal), ""};
    if (auto ok = records::checkRecord(sub.kind, sub.publicData, sub.personalData); !ok) {
        logger()->error("a rating was not saved: {}", ok.error().message);
        return dispatch(state::RatingSaveFailed{});
    }
    if (!m_outbox) return dispatch(state::RatingSaveFailed{});
    auto saved = m_outbox->enqueue(sub, m_clock->epochMs(), m_clock->localTime());
    if (!saved) {
        logger()->error("a rating could not be saved: {}", saved.error().message);
        return dispatch(state::RatingSaveFailed{});
    }
    ++m_stats.ratingsSaved;
    if (m_worker) m_worker->kick();
    logger()->info("rating saved to the outbox (seq {})", saved->seq);
    dispatch(state::RatingSaved{});
}

void App::print(const state::PrintChecklist& request) {
    const std::tm t = m_clock->localTime();
    const std::string at = fmt::format("{} {:02}:{:02}", today(), t.tm_hour, t.tm_min);
    platform::PrintJob job;
    if (request.kind == "receipt") {
        job = caseReceipt(request.id, m_state.session.lang, at);
    } else if (!m_content) {
        return;
    } else if (request.kind == "bundle") {
        auto b = m_content->bundle(request.id);
        if (!b) return;
        job = bundleChecklist(*b, m_state.session.lang, at);
    } else {
        auto s = m_content->service(request.id);
        if (!s) return;
        job = serviceChecklist(*s, m_state.session.lang, at);
    }
    if (auto r = m_printer->print(job); r) {
        ++m_stats.printJobs;
        logger()->info("printed a {} checklist to {}", request.kind, *r);
    } else {
        logger()->error("printing failed: {}", r.error().message);
    }
}

void App::interceptKeyboardTouch() {
    ImGuiIO& io = ImGui::GetIO();
    if (m_releaseBackspace) {  // a backspace key press lasts one frame
        io.KeysDown[io.KeyMap[ImGuiKey_Backspace]] = false;
        m_releaseBackspace = false;
    }
    auto hit = [&]() -> int {
        for (std::size_t i = 0; i < m_keys.size(); ++i)
            if (io.MousePos.x >= m_keys[i].min.x && io.MousePos.x < m_keys[i].max.x && io.MousePos.y >= m_keys[i].min.y &&
                io.MousePos.y < m_keys[i].max.y)
                return int(i);
        return -1;
    };
    const bool onKeyboard = m_keyboardShown && io.MousePos.y >= float(m_display->height()) - m_keyboardHeight;
    if (io.MouseDown[0] && !m_touchOnKeyboard && onKeyboard) m_touchOnKeyboard = true;
    if (!m_touchOnKeyboard) return;
    if (io.MouseDown[0]) {
        m_keyDown = hit();
    } else {
        // Where the finger left the glass; unknown when nothing moved it since
        // we hid the press from ImGui (then the pressed key counts).
        const int key = io.MousePos.x > -1e30f ? hit() : m_keyDown;
        if (key >= 0 && key == m_keyDown) pressKey(m_keys[std::size_t(key)]);
        m_keyDown = -1;
        m_touchOnKeyboard = false;
    }
    io.MouseDown[0] = false;  // ImGui never sees a touch on the keyboard
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    m_framesPending = std::max(m_framesPending, 2);
}

void App::applyIme(const input::ImeState& s) {
    auto& kb = m_state.session.keyboard;
    kb.preedit = s.preedit;
    kb.candidates = s.candidates;
    kb.page = s.page;
    kb.lastPage = s.lastPage;
    if (!s.committed.empty()) ImGui::GetIO().AddInputCharactersUTF8(s.committed.c_str());
}

void App::pressKey(const ui::KeyRect& key) {
    auto& kb = m_state.session.keyboard;
    ImGuiIO& io = ImGui::GetIO();
    const bool composing = !kb.preedit.empty();
    const bool chinese = kb.chinese && !ui::focusedFieldDigitsOnly();
    if (chinese && !m_ime) {
        auto engine = input::PinyinEngine::start();
        if (engine) m_ime = std::move(*engine);
        else logger()->error("pinyin input unavailable: {}", engine.error().message);
    }
    switch (key.kind) {
        case ui::KeyKind::Text:
            if (chinese && m_ime && key.text.size() == 1 && key.text[0] >= 'a' && key.text[0] <= 'z') {
                applyIme(m_ime->letter(key.text[0]));
            } else {
                if (composing && m_ime) applyIme(m_ime->space());  // finish the word before punctuation
                io.AddInputCharactersUTF8(key.text.c_str());
            }
            break;
        case ui::KeyKind::Backspace:
            if (composing && m_ime) {
                applyIme(m_ime->backspace());
            } else {
                io.KeysDown[io.KeyMap[ImGuiKey_Backspace]] = true;
                m_releaseBackspace = true;
            }
            break;
        case ui::KeyKind::Space:
            if (composing && m_ime) applyIme(m_ime->space());
            else io.AddInputCharactersUTF8(" ");
            break;
        case ui::KeyKind::Candidate:
            if (m_ime) applyIme(m_ime->select(key.candidate));
            break;
        case ui::KeyKind::PagePrev:
            if (m_ime && composing) applyIme(m_ime->previousPage());
            break;
        case ui::KeyKind::PageNext:
            if (m_ime && composing) applyIme(m_ime->nextPage());
            break;
        case ui::KeyKind::ToggleChinese:
            if (m_ime) m_ime->clear();
            kb = state::KeyboardState{!kb.chinese, {}, {}, 0, true};
            break;
        case ui::KeyKind::Done:
            if (composing && m_ime) applyIme(m_ime->space());
            if (m_ime) m_ime->clear();
            kb.preedit.clear();
            kb.candidates.clear();
            ImGui::ClearActiveID();  // the field lets go; the keyboard hides
            break;
    }
    dispatch(state::UserActivity{});
}

bool App::needsFrame() const { return m_framesPending > 0 || m_animating || m_fontsDirty || m_fonts.needsRebuild(); }

void App::drawFrame(std::int64_t dtMs) {
    if (m_fontsDirty || m_fonts.needsRebuild() || m_display->width() != m_fontWidth ||
        m_display->height() != m_fontHeight || m_state.session.elderMode != m_fontElder) {
        if (auto r = rebuildFonts(); !r) logger()->error("font rebuild failed: {}", r.error().message);
    }
    const std::tm now = m_clock->localTime();
    m_shownMinute = now.tm_hour * 60 + now.tm_min;
    const auto frameStart = std::chrono::steady_clock::now();

    state::Actions actions, firstAttempt;
    bool redrawn = false;
    // A frame that met text missing from the atlas is not shown: the atlas is
    // rebuilt and the frame drawn again (at most once), so no visitor ever
    // sees a placeholder for a character the font has. The input belonged to
    // the first attempt (the redraw sees none), so its actions are the ones
    // that count: typing 食品 into the search box first draws new glyphs, and
    // its search used to be dropped with the redrawn frame.
    for (int attempt = 0; attempt < 2; ++attempt) {
        m_display->newFrame();
        ImGuiIO& io = ImGui::GetIO();
        if (m_displayOptions.mode == platform::DisplayMode::Headless)
            io.DeltaTime = attempt ? 0.001f : float(std::max<std::int64_t>(dtMs, 1)) / 1000.0f;
        if (attempt == 0) {
            trackGesture();
            interceptKeyboardTouch();
        }
        ImGui::NewFrame();
        ui::registryBeginFrame();
        ui::applyStyle(m_metrics);
        ui::Ctx ctx{m_metrics, ui::palette(m_metrics.elder), m_fonts, m_state.session.lang,
                    ImVec2(float(m_display->width()), float(m_display->height()))};
        ctx.bottomInset = m_keyboardShown ? m_keyboardHeight : 0.0f;
        actions.clear();
        ui::drawApp(ctx, m_state, now, actions);
        // The keyboard shows while a text field is focused.
        const bool focused = ui::focusedFieldBottom() > 0.0f;
        if (focused) {
            const auto& kb = m_state.session.keyboard;
            ui::KeyboardView view{kb.chinese, ui::focusedFieldDigitsOnly(), kb.preedit, kb.candidates, kb.page == 0,
                                  kb.lastPage};
            m_keys = ui::layoutKeyboard(ctx, view);
            m_keyboardHeight = ui::keyboardHeight(ctx, view);
            ui::drawKeyboard(ctx, view, m_keys, m_keyDown);
        } else {
            m_keys.clear();
        }
        if (focused != m_keyboardShown) m_framesPending = std::max(m_framesPending, 2);  // the content area changed
        m_keyboardShown = focused;
        ImGui::Render();
        if (attempt == 0 && m_fonts.needsRebuild()) {
            if (auto r = rebuildFonts(); r) {
                firstAttempt = std::move(actions);
                redrawn = true;
                continue;
            }
        }
        break;
    }
    if (redrawn) actions = std::move(firstAttempt);
    const ImU32 bg = ui::palette(m_metrics.elder).background;  // IM_COL32 is 0xAABBGGRR
    m_display->present(ImGui::GetDrawData(), ((bg & 0xFF) << 16) | (bg & 0xFF00) | ((bg >> 16) & 0xFF));
    if (m_stats.firstFrameMs >= 0)
        m_stats.maxFrameMs = std::max(
            m_stats.maxFrameMs, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frameStart).count());

    ++m_stats.framesDrawn;
    logger()->debug("frame {} ({} ms)", m_stats.framesDrawn, dtMs);
    if (m_countIdle) ++m_stats.framesDrawnWhileIdle;
    if (m_stats.firstFrameMs < 0) {
        m_stats.firstFrameMs = msSinceProcessStart();
        logger()->info("first frame after {:.1f} ms", m_stats.firstFrameMs);
    }
    m_framesPending = std::max(0, m_framesPending - 1);
    m_animating = ui::takeAnimationRequest();
    for (auto& a : actions) {
        // The touch test shows where the panel saw a touch, too.
        if (auto* m = std::get_if<state::Maint>(&a))
            if (auto* t = std::get_if<state::maint::Touch>(&m->event)) {
                const platform::SizeF panel{float(m_display->physicalWidth()), float(m_display->physicalHeight())};
                const auto p = platform::logicalToPhysical({t->mark.x, t->mark.y}, m_display->rotation(), panel);
                t->mark.physX = p.x;
                t->mark.physY = p.y;
            }
        dispatch(a);
    }
}

// --- interactive ------------------------------------------------------------
// Settings the centre sends for this site (DATA/site-config.json) override
// the local config's site name and idle timeout.
void App::applySiteConfig() {
    auto text = crypto::readFile(std::filesystem::path(m_config.dataDir) / "site-config.json");
    if (!text) return;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return;
    state::ApplySiteSettings a;
    a.siteName = j.value("site_name", "");
    a.siteNameEn = j.value("site_name_en", "");
    const int idle = j.value("idle_timeout_s", 0);
    if (idle >= 15 && idle <= 3600) a.idleTimeoutMs = std::int64_t(idle) * 1000;
    dispatch(a);
    logger()->info("site settings from the centre applied");
}

// The running OS version (update.os_release_file), for the heartbeat and
// the reboot rule. Without the file the kiosk runs outside the OS image.
void App::readOsVersion() {
    auto v = sync::osupdate::readOsVersion(m_config.osReleaseFile);
    if (!v) {
        logger()->warn("OS version unknown, OS updates are off: {}", v.error().message);
        return;
    }
    if (!*v) {
        if (m_config.updateEnabled)
            logger()->info("OS updates are off: {} does not exist (not running on the kiosk OS image)",
                           m_config.osReleaseFile);
        return;
    }
    m_osVersion = **v;
    if (!m_config.updateEnabled) return;
    auto window = config::parseDayWindow(m_config.rebootWindow, "update.reboot_window");
    if (!window) {  // config::load() refused it already; kept for a hand-made Config
        logger()->error("{}", window.error().message);
        return;
    }
    m_rebootWindow = *window;
    m_rebootWatch = true;
    logger()->info("OS {}; OS updates on, reboots into an installed update between {}", m_osVersion,
                   m_config.rebootWindow);
}

// Asks the root side for the reboot into an installed update once, when
// decideReboot() says a visitor cannot notice (os_reboot.h).
void App::checkOsReboot() {
    namespace ou = sync::osupdate;
    const ou::Paths paths = ou::pathsIn(m_config.dataDir);
    const auto installed = ou::installedAwaitingReboot(paths, m_osVersion);
    RebootFacts facts;
    facts.updateWaiting = installed.has_value();
    if (installed) {
        const auto asked = ou::readMarker(paths.rebootRequest);
        facts.alreadyRequested =
            installed->sha256 == m_rebootRequestedSha || (asked && asked->version == installed->version);
    }
    facts.local = m_clock->localTime();
    facts.lastInputMs = m_lastInputMs;
    const RebootVerdict verdict = decideReboot(m_state, m_rebootWindow, facts);
    if (verdict != RebootVerdict::Now) {
        if (verdictName(verdict) != m_lastRebootVerdict && installed)
            logger()->debug("reboot into OS {} not yet: {}", installed->version, verdictName(verdict));
        m_lastRebootVerdict = verdictName(verdict);
        return;
    }
    m_lastRebootVerdict = verdictName(verdict);
    if (auto w = ou::requestReboot(paths, installed->version, m_clock->epochMs() / 1000); !w) {
        logger()->error("reboot into OS {} not requested: {}", installed->version, w.error().message);
        return;
    }
    m_rebootRequestedSha = installed->sha256;
    logger()->info("OS {} is installed: reboot requested (idle, inside {})", installed->version, m_config.rebootWindow);
}

void App::takeSyncStatus() {
    std::optional<sync::WorkerStatus> st;
    {
        std::lock_guard lock(m_syncMutex);
        st.swap(m_syncInbox);
    }
    if (!st) return;
    m_lastWorker = *st;
    const std::string at = st->lastSyncS > 0 ? localClock(st->lastSyncS) : "";
    if (st->online != m_state.online || at != m_state.lastSync) dispatch(state::SetOnline{st->online, at});
    if (st->siteConfigChanged) applySiteConfig();
    if (st->contentInstalledNow > 0) {
        // A new catalog was swapped in: reopen it and reload the page shown.
        m_content.reset();
        if (auto store = store::ContentStore::open(m_config.contentDatabase); store) m_content = std::move(*store);
        else logger()->error("new content could not be opened: {}", store.error().message);
        const auto& top = m_state.session.nav.back();
        loadPage(state::LoadPage{top.screen, top.param, m_state.session.policies.filter});
        logger()->info("content version {} in use", st->contentInstalledNow);
    }
}

void App::startWorkerIfProvisioned() {
    // An unprovisioned kiosk does nothing in the background (it stays truly
    // idle); the worker starts once kioskctl provision has written hub.json.
    if (m_worker || !std::filesystem::exists(std::filesystem::path(m_config.dataDir) / "hub.json")) return;
    sync::WorkerOptions wo;
    wo.dataDir = m_config.dataDir;
    wo.contentDb = m_config.contentDatabase;
    wo.intervalS = m_config.syncIntervalS;
    wo.heartbeatS = m_config.heartbeatS;
    wo.stallAlertMin = m_config.stallAlertMin;
    wo.appVersion = KIOSK_APP_VERSION;
    wo.osUpdates = m_config.updateEnabled;
    wo.osVersion = m_osVersion;
    // systemd's RuntimeDirectory= (several are ':'-separated): the first sync
    // that completes writes "synced" there for the OS image.
    if (const char* rt = std::getenv("RUNTIME_DIRECTORY"); rt && *rt)
        wo.runtimeDir = std::string(rt).substr(0, std::string_view(rt).find(':'));
    wo.printerState = [this] { return m_printer ? m_printer->state() : std::string("no printer configured"); };
    if (m_watchdog) {
        wo.beat = [this](std::int64_t sleepMs) {
            const std::int64_t now = m_clock->monotonicMs();
            if (sleepMs == 0) m_watchdog->workerAlive(now);
            else m_watchdog->workerWaiting(now, now + sleepMs);
        };
        wo.stopped = [this] { m_watchdog->workerStopped(); };
    }
    m_worker = std::make_unique<sync::SyncWorker>(wo, [this](const sync::WorkerStatus& st) {
        {
            std::lock_guard lock(m_syncMutex);
            m_syncInbox = st;
        }
        m_display->wake();
    });
    m_worker->start();
}

int App::runInteractive() {
    if (auto r = log::addFileSink(log::logFileIn(m_config.dataDir)); !r)
        logger()->warn("log file not written: {}", r.error().message);
    m_watchdog = std::make_unique<platform::Watchdog>();
    startWorkerIfProvisioned();
    startScanner();
    if (m_forceSetup || setupWanted())
        dispatch(state::Maint{state::maint::SetupStart{maint::pinIsSet(m_config.dataDir)}});
    // Screen schedule and backlight (display.on_at/off_at/backlight/brightness).
    if (auto sched = platform::ScreenSchedule::parse(m_config.screenOnAt, m_config.screenOffAt); sched)
        m_power = platform::ScreenPower(*sched, m_state.settings.idleTimeoutMs);
    else
        logger()->error("screen schedule ignored: {}", sched.error().message);
    if (auto bl = platform::Backlight::open(m_config.backlight); bl) {
        m_backlight = std::move(*bl);
        if (auto b = m_backlight.setBrightness(m_config.brightness); !b)
            logger()->warn("brightness not set: {}", b.error().message);
    } else {
        logger()->warn("no backlight control: {}", bl.error().message);
    }
    // Started outside opening hours: dark from the first moment, no flash.
    if (!m_power.update(m_clock->monotonicMs(), m_clock->localTime())) {
        m_display->setScreenPower(false);
        if (auto r = m_backlight.setPower(false); !r) logger()->warn("backlight: {}", r.error().message);
        logger()->info("screen off");
    }
    m_watchdog->status("starting");
    bool ready = false;  // READY=1 goes out once the first frame is on the screen
    bool quit = false;
    while (!quit && !m_exitRequested) {
        m_watchdog->frame(m_clock->monotonicMs());
        m_watchdog->tick(m_clock->monotonicMs());
        std::int64_t now = m_clock->monotonicMs();
        int timeout = 0;
        if (needsFrame() && m_display->screenPower()) {  // a dark screen draws nothing: no frame pacing
            timeout = int(std::max<std::int64_t>(0, m_lastFrameMs + kFrameMs - now));
        } else {
            timeout = int(std::clamp<std::int64_t>(nextWakeMs(now) - now, 0, 3'600'000));
        }
        if (const auto p = m_power.msUntilNextChange(now, m_clock->localTime()); p >= 0)
            timeout = int(std::min<std::int64_t>(timeout, std::max<std::int64_t>(p, 0)));
        const platform::EventSummary ev = m_display->waitEvents(timeout);
        if (ev.quit) break;
        if (ev.input || ev.press) m_lastInputMs = m_clock->monotonicMs();
        // Dark outside opening hours; a touch wakes it (and presses nothing).
        bool woke = false;
        // A pointer drifting over a dark screen (or one arriving as the window
        // opens) is no touch: only a press wakes it.
        if (ev.press || (ev.input && m_display->screenPower())) woke = m_power.activity(m_clock->monotonicMs());
        const bool lit = m_power.update(m_clock->monotonicMs(), m_clock->localTime());
        if (lit != m_display->screenPower()) {
            m_display->setScreenPower(lit);
            if (auto r = m_backlight.setPower(lit); !r) logger()->warn("backlight: {}", r.error().message);
            logger()->info("screen {}", lit ? "on" : "off");
            if (lit) m_framesPending = std::max(m_framesPending, 3);
        }
        takeSyncStatus();
        takeMaintInbox();
        takeScans();
        startWorkerIfProvisioned();
        if (ev.input || ev.resized) m_framesPending = std::max(m_framesPending, 3);
        now = m_clock->monotonicMs();
        tick(now);
        if (lit && needsFrame()) {
            drawFrame(now - m_lastFrameMs);
            m_lastFrameMs = now;
        }
        if (!ready && (m_stats.framesDrawn > 0 || !lit)) {  // dark by schedule at start: up all the same
            m_watchdog->status("serving");
            m_watchdog->ready();
            ready = true;
        }
        // The touch that ends an idle warning is eaten by the overlay drawn
        // above; only afterwards does it count as activity.
        if (ev.input && !woke) dispatch(state::UserActivity{});
    }
    logger()->info("stopping: {} frames drawn{}", m_stats.framesDrawn, m_exitRequested ? " (restart asked)" : "");
    m_watchdog->stopping();
    stopScanner();
    if (m_background.joinable()) m_background.join();
    if (m_worker) m_worker->stop();
    return m_exitCode;
}

// --- scripted -----------------------------------------------------------------
void App::scriptFrame() {
    takeMaintInbox();
    m_fixedClock->advance(kFrameMs);
    tick(m_fixedClock->monotonicMs());
    drawFrame(kFrameMs);
}

void App::settle() {
    for (int i = 0; i < kSettleFrameLimit && needsFrame(); ++i) scriptFrame();
}

void App::advance(std::int64_t ms, bool countIdle) {
    m_countIdle = countIdle;
    const std::int64_t target = m_fixedClock->monotonicMs() + ms;
    while (m_fixedClock->monotonicMs() < target) {
        if (needsFrame()) {
            scriptFrame();
            continue;
        }
        const std::int64_t now = m_fixedClock->monotonicMs();
        m_fixedClock->setMs(std::max(std::min(nextWakeMs(now), target), now + 1));
        tick(m_fixedClock->monotonicMs());
    }
    m_countIdle = false;
}

void App::pressAt(float x, float y) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    io.MouseDown[0] = true;
    m_framesPending = std::max(m_framesPending, 1);
    scriptFrame();
}

void App::release() {
    ImGuiIO& io = ImGui::GetIO();
    io.MouseDown[0] = false;
    scriptFrame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // the finger left the glass: nothing stays hovered
    dispatch(state::UserActivity{});
    m_framesPending = std::max(m_framesPending, 3);
    settle();
}

void App::drag(float x1, float y1, float x2, float y2, int ms) {
    pressAt(x1, y1);
    const int n = std::max(1, ms / int(kFrameMs));
    for (int i = 1; i <= n; ++i) {
        const float t = float(i) / float(n);
        ImGui::GetIO().MousePos = ImVec2(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
        m_framesPending = std::max(m_framesPending, 1);
        scriptFrame();
    }
    release();
}

Result<void> App::runScript(const std::vector<Step>& steps) {
    if (!m_fixedClock) return fail(ErrorCode::Internal, "scripts need the fixed clock");
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    if (m_forceSetup) dispatch(state::Maint{state::maint::SetupStart{maint::pinIsSet(m_config.dataDir)}});
    settle();
    std::vector<int> rounds;  // rounds still to run of each repeat entered
    for (std::size_t pc = 0; pc < steps.size(); ++pc) {
        const Step& s = steps[pc];
        switch (s.kind) {
            case Step::Kind::Repeat:
                if (s.ms == 0) pc = s.jump;  // past its end
                else rounds.push_back(s.ms);
                break;
            case Step::Kind::End:
                if (--rounds.back() > 0) pc = s.jump;  // the body again
                else rounds.pop_back();
                break;
            case Step::Kind::Tap:
                pressAt(s.x, s.y);
                release();
                break;
            case Step::Kind::TapId:
            case Step::Kind::DragId: {
                const auto rect = ui::registryFind(s.text);
                if (!rect) {
                    std::string known;
                    for (const auto& id : ui::registryIds()) known += " " + id;
                    return fail(ErrorCode::NotFound,
                                fmt::format("script line {}: widget '{}' is not on screen; visible:{}", s.line, s.text,
                                            known));
                }
                const ImVec2 c = rect->center();
                if (s.kind == Step::Kind::TapId) {
                    pressAt(c.x, c.y);
                    release();
                } else {
                    drag(c.x, c.y, c.x + s.x2, c.y + s.y2, s.ms);
                }
                break;
            }
            case Step::Kind::Drag: drag(s.x, s.y, s.x2, s.y2, s.ms); break;
            case Step::Kind::Hold: {
                pressAt(s.x, s.y);
                const std::int64_t until = m_fixedClock->monotonicMs() + s.ms;
                while (m_fixedClock->monotonicMs() < until) {
                    io.MousePos = ImVec2(s.x, s.y);
                    io.MouseDown[0] = true;  // the gesture may have hidden the press from ImGui
                    m_framesPending = std::max(m_framesPending, 1);
                    scriptFrame();
                }
                io.MousePos = ImVec2(s.x, s.y);
                io.MouseDown[0] = true;
                release();
                break;
            }
            case Step::Kind::Scan:
                dispatch(state::ScanArrived{s.text});
                settle();
                break;
            case Step::Kind::Type:
                io.AddInputCharactersUTF8(s.text.c_str());
                m_framesPending = std::max(m_framesPending, 1);
                scriptFrame();
                dispatch(state::UserActivity{});
                settle();
                break;
            case Step::Kind::Key: {
                const int k = keyIndex(s.text);
                io.KeysDown[k] = true;
                m_framesPending = std::max(m_framesPending, 1);
                scriptFrame();
                io.KeysDown[k] = false;
                m_framesPending = std::max(m_framesPending, 1);
                scriptFrame();
                dispatch(state::UserActivity{});
                settle();
                break;
            }
            case Step::Kind::Wait: advance(s.ms, false); break;
            case Step::Kind::Idle: advance(s.ms, true); break;
            case Step::Kind::Screenshot: {
                settle();
                auto img = m_display->capture();
                if (!img) return std::unexpected(img.error());
                if (auto w = platform::writePng(s.text, *img); !w) return std::unexpected(w.error());
                logger()->info("screenshot {}", s.text);
                break;
            }
        }
    }
    return {};
}

RunStats App::stats() const {
    RunStats s = m_stats;
    s.wipes = long(m_state.wipes);
    static constexpr const char* kModes[] = {"off", "pin", "open", "setup"};
    s.maintMode = kModes[static_cast<int>(m_state.maint.mode)];
    s.maintPage = static_cast<int>(m_state.maint.page);
    s.screen = std::to_string(static_cast<int>(state::currentScreen(m_state)));
    s.glyphsMissingFromFont = m_fonts.missingFromFont();
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    s.peakRssKb = ru.ru_maxrss;
    if (m_display) {
        s.width = m_display->width();
        s.height = m_display->height();
    }
    return s;
}

}  // namespace kiosk::app
