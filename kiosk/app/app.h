// The app loop: owns the ImGui context, the display, the fonts and AppState;
// turns input and time into Actions, runs reduce(), carries out Effects and
// draws a frame only when something on screen can have changed.
//
//   input/timer ──► Action ──► reduce(state) ──► Effects ──► (fonts, lookups)
//        │                                                        │
//        └──────────── frame needed? ──► drawApp() ──► Actions ◄──┘
//
// Event-driven: with no input, no running animation and no timer due, the
// loop sleeps in waitEvents() and draws nothing (an idle kiosk uses ~0 CPU).
#pragma once

#include "base/error.h"
#include "clock.h"
#include "config/config.h"
#include "display.h"
#include "input/pinyin.h"
#include "ui/keyboard.h"
#include "client/sync_worker.h"
#include "outbox/outbox.h"
#include "printer.h"
#include "store/content_store.h"
#include "backlight.h"
#include "gesture.h"
#include "screen_schedule.h"
#include "scanner.h"
#include "watchdog.h"
#include "script.h"
#include "state/reducer.h"
#include "ui/fonts.h"

#include <functional>
#include <memory>
#include <mutex>
#include <atomic>
#include <optional>
#include <string>
#include <thread>

namespace kiosk::maint {
class PinGuard;
}

namespace kiosk::app {

// Exit status asking the service manager for a restart (maintenance
// "restart app"); the unit restarts the kiosk on any exit anyway.
inline constexpr int kExitRestart = 75;

struct RunStats {
    double firstFrameMs = -1;        // process start → first frame presented
    long framesDrawn = 0;
    long framesDrawnWhileIdle = 0;   // frames drawn during `idle` script steps
    long wipes = 0;                  // visitor sessions wiped by the idle timer
    ui::AtlasStats atlas;
    int glyphsMissingFromFont = 0;
    long peakRssKb = 0;
    long printJobs = 0;
    long casesSaved = 0;
    long ratingsSaved = 0;
    std::string lastLookupStatus;    // i18n key of the last 办件查询 answer ("" = none / not found)
    bool contentOpen = false;
    double contentOpenMs = 0;        // opening the content database at start
    double maxFrameMs = 0;           // slowest frame after the first (atlas rebuilds included)
    std::string renderer;
    int width = 0, height = 0;
    std::string maintMode;           // "off" | "pin" | "open" | "setup" at the end of the run
    int maintPage = 0;               // MaintPage shown (when open)
    std::string screen;              // the visitor screen shown at the end (ScreenId number)
};

// Answers a case-status lookup from what this kiosk knows: its outbox and
// the statuses the centre sent down. Nothing when the case is unknown here.
struct CaseLookupAnswer {
    std::string statusKey;                 // i18n key of the current status
    std::vector<state::StatusLine> history;
};
using CaseLookupFn =
    std::function<std::optional<CaseLookupAnswer>(const std::string& caseNo, const std::string& mobileLast4)>;

class App {
public:
    App(config::Config config, platform::DisplayOptions display, std::unique_ptr<platform::Clock> clock);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    [[nodiscard]] Result<void> start();
    // Runs until SIGTERM/SIGINT (or the window is closed when windowed).
    int runInteractive();
    // Replays a script headless; fails on the first step that cannot run.
    [[nodiscard]] Result<void> runScript(const std::vector<Step>& steps);

    RunStats stats() const;
    const state::AppState& state() const { return m_state; }
    // Opens the setup screen at start when the kiosk is not provisioned yet
    // (interactive runs do by themselves; scripts ask with --setup).
    void setForceSetup(bool force) { m_forceSetup = force; }
    void setCaseLookup(CaseLookupFn fn) { m_lookup = std::move(fn); }

private:
    void dispatch(const state::Action& action);
    void loadPage(const state::LoadPage& request);
    void print(const state::PrintChecklist& request);
    std::string today() const;  // ISO date from the clock
    void tick(std::int64_t nowMs);
    std::int64_t nextWakeMs(std::int64_t nowMs) const;  // when time alone next changes the screen
    void runEffects(const state::Effects& effects);
    bool needsFrame() const;
    void drawFrame(std::int64_t dtMs);
    [[nodiscard]] Result<void> rebuildFonts();
    // Script helpers (virtual clock).
    void scriptFrame();
    void settle();
    void advance(std::int64_t ms, bool countIdle);
    void pressAt(float x, float y);
    void release();
    void drag(float x1, float y1, float x2, float y2, int ms);

    config::Config m_config;
    platform::DisplayOptions m_displayOptions;
    std::unique_ptr<platform::Clock> m_clock;
    platform::FixedClock* m_fixedClock = nullptr;  // set when m_clock is fixed
    std::unique_ptr<platform::Display> m_display;
    ui::FontLibrary m_fonts;
    ui::Metrics m_metrics;
    state::AppState m_state;
    CaseLookupFn m_lookup;
    std::optional<store::ContentStore> m_content;
    std::optional<outbox::Outbox> m_outbox;
    // The sync worker (interactive runs only) and what it last reported,
    // handed from its thread to this one.
    std::unique_ptr<sync::SyncWorker> m_worker;
    std::mutex m_syncMutex;
    std::optional<sync::WorkerStatus> m_syncInbox;
    void takeSyncStatus();
    // Technician side (maintenance.cpp).
    void trackGesture();
    void recordMaint(std::string_view action, std::string_view detail);
    void checkPin(const state::CheckPin& request);
    void savePin(const state::SavePin& request);
    void loadMaintInfo();
    void runMaint(const state::RunMaint& request);
    std::vector<std::string> findProvisioningFiles() const;
    void provisionFrom(const std::string& text, const std::string& origin);
    void takeMaintInbox();
    void startScanner();
    void stopScanner();
    void takeScans();
    bool setupWanted() const;
    CornerGesture m_gesture;
    std::unique_ptr<maint::PinGuard> m_pinGuard;
    sync::WorkerStatus m_lastWorker;                 // what the maintenance pages show of the worker
    std::vector<state::maint::Done> m_maintInbox;    // answers from m_background (under m_syncMutex)
    std::thread m_background;                        // enrolment from the setup screen
    std::unique_ptr<platform::Scanner> m_scanner;
    std::thread m_scanThread;
    std::atomic<bool> m_scanStop{false};
    int m_scanStopPipe[2] = {-1, -1};                // stop() wakes the scanner thread through it
    std::vector<std::string> m_scanInbox;            // scans from m_scanThread (under m_syncMutex)
    std::unique_ptr<platform::Watchdog> m_watchdog;
    platform::ScreenPower m_power;                   // schedule + wake on touch (always lit by default)
    platform::Backlight m_backlight;                 // no-op unless the hardware has one
    bool m_forceSetup = false;
    bool m_exitRequested = false;
    int m_exitCode = 0;
    void startWorkerIfProvisioned();
    // OS updates (config [update]; os_reboot.h): the running version, and
    // the quiet-hours reboot into an installed update, checked from tick().
    void readOsVersion();
    void checkOsReboot();
    std::string m_osVersion;                         // "" = not on the OS image (no release file)
    config::DayWindow m_rebootWindow;
    bool m_rebootWatch = false;                      // update.enabled and the OS version is known
    std::int64_t m_nextRebootCheckMs = 0;            // monotonic
    std::string m_rebootRequestedSha;                // the installed update this run asked to reboot into
    std::string m_lastRebootVerdict;                 // for a debug line when it changes
    std::int64_t m_lastInputMs = 0;                  // monotonic: any input, a wake-up touch included
    void applySiteConfig();
    void saveCase(const state::SaveCase& request);
    void saveRating(const state::SaveRating& request);
    // On-screen keyboard: touches on it never reach ImGui (the focused field
    // stays focused); keys act on release.
    void interceptKeyboardTouch();
    void pressKey(const ui::KeyRect& key);
    void applyIme(const input::ImeState& s);
    std::unique_ptr<input::PinyinEngine> m_ime;
    std::vector<ui::KeyRect> m_keys;
    bool m_keyboardShown = false;
    float m_keyboardHeight = 0.0f;
    int m_keyDown = -1;            // key under a touch that started on the keyboard
    bool m_touchOnKeyboard = false;
    bool m_releaseBackspace = false;
    std::unique_ptr<platform::Printer> m_printer;

    int m_framesPending = 2;
    bool m_animating = false;
    bool m_fontsDirty = true;
    bool m_countIdle = false;
    int m_fontWidth = 0, m_fontHeight = 0;
    bool m_fontElder = false;
    std::int64_t m_lastFrameMs = 0;
    int m_shownMinute = -1;
    RunStats m_stats;
};

// Milliseconds since the process started (steady clock, set at first call
// from main()).
double msSinceProcessStart();

}  // namespace kiosk::app
