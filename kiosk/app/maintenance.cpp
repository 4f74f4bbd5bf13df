// The app loop's technician side: the hidden gesture, the PIN check, the
// facts the maintenance pages show, the commands they run (each recorded in
// the maintenance log the heartbeat reports), the scanner, and the setup
// screen of an unprovisioned kiosk. Everything slow (enrolment, the hub
// probe) runs off the UI thread in interactive runs and inline in scripts,
// so scripted runs stay deterministic.
#include "app.h"

#include "base/log.h"
#include "base/time_text.h"
#include "client/hub_client.h"
#include "client/sync_engine.h"
#include "crypto/crypto.h"
#include "crypto/x509.h"
#include "health.h"
#include "bundle/install.h"
#include "maint/action_log.h"
#include "maint/pin.h"
#include "protocol/protocol.h"
#include "rotation.h"

#include <fmt/format.h>
#include <imgui.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <filesystem>
#include <fstream>
#include <utility>

namespace kiosk::app {
namespace {

auto logger() { return log::channel("maint"); }

namespace fs = std::filesystem;

// "https://host:port/…" → host and port (443 by default).
bool hostAndPort(const std::string& url, std::string& host, std::uint16_t& port) {
    auto rest = std::string_view(url);
    if (const auto p = rest.find("://"); p != std::string_view::npos) rest.remove_prefix(p + 3);
    rest = rest.substr(0, rest.find('/'));
    port = 443;
    if (rest.starts_with('[')) {  // [v6]:port
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return false;
        host = std::string(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
        if (rest.starts_with(':')) port = std::uint16_t(std::atoi(std::string(rest.substr(1)).c_str()));
        return !host.empty();
    }
    const auto colon = rest.rfind(':');
    host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = std::uint16_t(std::atoi(std::string(rest.substr(colon + 1)).c_str()));
    return !host.empty() && port != 0;
}

// Scripted runs only: KIOSK_MACHINE_FACTS names a JSON file whose keys
// replace what this machine reports (uptime, disk, addresses, machine id,
// log lines), so screenshots of the maintenance pages are the same on every
// machine. Interactive runs never read it.
void applyMachineFactsFixture(state::MaintInfo& i) {
    const char* path = std::getenv("KIOSK_MACHINE_FACTS");
    if (!path || !*path) return;
    auto text = crypto::readFile(path);
    auto j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    if (!j.is_object()) {
        logger()->warn("KIOSK_MACHINE_FACTS {} is not a JSON object; using the real facts", path);
        return;
    }
    if (!i.provisioned) i.deviceId = j.value("device_id", i.deviceId);
    i.uptimeS = j.value("uptime_s", i.uptimeS);
    i.diskFreeBytes = j.value("disk_free", i.diskFreeBytes);
    i.diskTotalBytes = j.value("disk_total", i.diskTotalBytes);
    i.defaultRoute = j.value("default_route", i.defaultRoute);
    if (j.contains("addresses")) i.addresses = j["addresses"].get<std::vector<std::string>>();
    if (j.contains("logs")) i.logs = j["logs"].get<std::vector<std::string>>();
}

}  // namespace

// --- gesture --------------------------------------------------------------------
void App::trackGesture() {
    ImGuiIO& io = ImGui::GetIO();
    const bool down = io.MouseDown[0] && io.MousePos.x > -FLT_MAX / 2;
    const auto r = m_gesture.update(down, io.MousePos.x, io.MousePos.y, m_clock->monotonicMs(), float(m_display->width()),
                                    float(m_display->height()));
    if (r == CornerGesture::Result::None) return;
    // A completed corner hold is not a tap on what lies under the corner.
    io.MouseDown[0] = false;
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    if (r == CornerGesture::Result::Complete && m_state.maint.mode == state::MaintMode::Off) {
        logger()->info("maintenance gesture");
        dispatch(state::Maint{state::maint::Open{}});
    }
}

// --- effects ----------------------------------------------------------------------
void App::recordMaint(std::string_view action, std::string_view detail) {
    if (auto r = maint::recordAction(m_config.dataDir, action, detail, m_clock->epochMs()); !r)
        logger()->error("maintenance action '{}' not recorded: {}", action, r.error().message);
}

void App::checkPin(const state::CheckPin& request) {
    if (!m_pinGuard) m_pinGuard = std::make_unique<maint::PinGuard>(m_config.dataDir);
    const std::int64_t now = m_clock->epochMs();
    state::maint::PinAnswered answer{state::PinResult::Wrong};
    if (!maint::pinIsSet(m_config.dataDir)) {
        answer.result = state::PinResult::NotSet;
    } else if (request.pin.empty()) {  // the pad just opened: is it locked?
        const std::int64_t until = m_pinGuard->lockedUntilMs(now);
        if (until > 0) answer = {state::PinResult::Locked, 0, until};
        else return;  // nothing to say yet
    } else {
        const maint::PinCheck c = m_pinGuard->check(request.pin, now);
        answer.attemptsLeft = c.attemptsLeft;
        answer.lockedUntilEpochMs = c.lockedUntilMs;
        switch (c.verdict) {
            case maint::PinVerdict::Ok: answer.result = state::PinResult::Ok; break;  // PinGuard records it
            case maint::PinVerdict::Wrong:
                answer.result = c.lockedUntilMs > 0 ? state::PinResult::Locked : state::PinResult::Wrong;
                break;
            case maint::PinVerdict::Locked: answer.result = state::PinResult::Locked; break;
            case maint::PinVerdict::NotSet: answer.result = state::PinResult::NotSet; break;
        }
    }
    dispatch(state::Maint{answer});
}

void App::savePin(const state::SavePin& request) {
    if (auto rules = maint::checkPinRules(request.pin); !rules) {
        dispatch(state::Maint{state::maint::Done{i18n::Key{"setup.pin_weak"}.id, "", false}});
        return;
    }
    if (request.rulesOnly) {
        dispatch(state::Maint{state::maint::Done{i18n::Key{"setup.pin_repeat"}.id}});
        return;
    }
    if (auto r = maint::setPin(m_config.dataDir, request.pin); !r) {
        logger()->error("maintenance PIN not saved: {}", r.error().message);
        dispatch(state::Maint{state::maint::Done{i18n::Key{"maint.rotate_failed"}.id, r.error().message, false}});
        return;
    }
    recordMaint(maint::action::kPinSet, "setup screen");
    dispatch(state::Maint{state::maint::Done{i18n::Key{"setup.pin_saved"}.id}});
}

void App::loadMaintInfo() {
    state::MaintInfo i;
    auto hub = sync::loadHubConfig(m_config.dataDir);
    i.provisioned = hub && !hub->deviceId.empty() && !hub->certPem.empty();
    i.deviceId = platform::deviceIdentity(hub ? hub->deviceId : "").id;
    if (hub) {
        i.site = hub->site;
        i.hubUrl = hub->hubUrl;
        if (!hub->certPem.empty())
            if (auto cert = crypto::inspectCert(hub->certPem); cert)
                i.certDaysLeft = int(std::max<std::int64_t>(0, cert->validity.notAfter - m_clock->epochMs() / 1000) / 86400);
    }
    i.siteName = m_state.settings.siteName;
    i.appVersion = KIOSK_APP_VERSION;
    if (m_content)
        if (auto info = m_content->info(); info) {
            // The bundle version the hub published, else the catalog's own.
            const auto bundleVersion = bundle::readInstalledVersion(m_config.contentDatabase).value_or(0);
            i.contentVersion = fmt::format("{} ({})", bundleVersion > 0 ? std::to_string(bundleVersion) : info->version,
                                           info->created.substr(0, 10));
        }
    if (auto up = platform::uptimeMs(); up) i.uptimeS = *up / 1000;
    if (auto disk = platform::diskSpace(m_config.dataDir); disk) {
        i.diskFreeBytes = std::int64_t(disk->freeBytes);
        i.diskTotalBytes = std::int64_t(disk->totalBytes);
    }
    i.rotation = m_display->rotation();
    i.width = m_display->width();
    i.height = m_display->height();
    i.defaultRoute = platform::hasDefaultRoute();
    i.addresses = platform::interfaceAddresses();
    // The probe result stays until the technician asks again.
    i.hubReachable = m_state.maint.info.hubReachable;
    i.hubProbe = m_state.maint.info.hubProbe;
    if (m_outbox)
        if (auto st = m_outbox->status(m_clock->epochMs()); st) {
            i.pending = int(st->pending);
            i.sending = int(st->sending);
            i.acked = int(st->acked);
            i.rejected = int(st->rejected);
            i.oldestPendingS = st->oldestPendingAgeMs / 1000;
        }
    // This run's worker, else what an earlier run or kioskctl recorded.
    const std::int64_t lastSync = m_lastWorker.lastSyncS > 0 ? m_lastWorker.lastSyncS
                                                             : sync::lastSyncS(m_config.dataDir).value_or(0);
    if (lastSync > 0) i.lastSync = localDateTime(lastSync);
    i.syncError = m_lastWorker.lastError;
    if (m_printer) {
        const auto st = m_printer->status();
        i.printerName = m_printer->name();
        i.printerCode = platform::statusName(st.code);
        i.printerDetail = st.detail;
    }
    i.scannerName = m_scanner ? m_scanner->name() : "";
    if (m_watchdog && m_watchdog->enabled()) {
        i.watchdogWithheld = m_watchdog->withheldReason();
        i.watchdogState = i.watchdogWithheld.empty() ? 1 : 2;
        i.watchdogIntervalS = m_watchdog->intervalMs() / 1000;
    }
    i.logs = log::recent(60);
    if (m_fixedClock) applyMachineFactsFixture(i);
    dispatch(state::Maint{state::maint::InfoLoaded{std::move(i)}});
}

std::vector<std::string> App::findProvisioningFiles() const {
    // The data folder, then USB sticks where desktop and udisks mount them.
    std::vector<std::string> found;
    std::vector<fs::path> roots{m_config.dataDir, "/media", "/run/media", "/mnt"};
    for (const auto& root : roots) {
        std::error_code ec;
        if (!fs::is_directory(root, ec)) continue;
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
        for (; it != end && !ec; it.increment(ec)) {
            if (it.depth() > 3) it.disable_recursion_pending();
            const auto name = it->path().filename().string();
            if (it->is_regular_file(ec) && name.starts_with("provision") && name.ends_with(".json"))
                found.push_back(it->path().string());
            if (found.size() >= 8) break;
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

void App::provisionFrom(const std::string& text, const std::string& origin) {
    auto finish = [this](state::maint::Done done) {
        std::lock_guard lock(m_syncMutex);
        m_maintInbox.push_back(std::move(done));
    };
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return finish({i18n::Key{"setup.provision_failed"}.id, origin + " is not JSON", false});
    auto file = protocol::parseProvisionFile(j);
    if (!file) return finish({i18n::Key{"setup.provision_failed"}.id, file.error().message, false});
    auto job = [this, f = *file, finish] {
        auto c = sync::provision(m_config.dataDir, f, false);
        if (!c) finish({i18n::Key{"setup.provision_failed"}.id, c.error().message, false});
        else finish({i18n::Key{"setup.connected"}.id, fmt::format("{} · {}", c->deviceId, c->site), true});
        m_display->wake();
    };
    if (m_fixedClock) job();  // scripts: one step, same result every run
    else {
        if (m_background.joinable()) m_background.join();
        m_background = std::thread(job);
    }
}

void App::takeMaintInbox() {
    std::vector<state::maint::Done> done;
    {
        std::lock_guard lock(m_syncMutex);
        done.swap(m_maintInbox);
    }
    for (auto& d : done) {
        const bool connected = d.ok && d.messageKey == std::string("setup.connected");
        if (connected) recordMaint(maint::action::kProvisioned, "setup screen");
        dispatch(state::Maint{std::move(d)});
        if (connected) {
            startWorkerIfProvisioned();
            loadMaintInfo();
        }
    }
}

void App::runMaint(const state::RunMaint& r) {
    using state::MaintCommand;
    auto done = [this](const char* key, std::string detail = {}, bool ok = true) {
        dispatch(state::Maint{state::maint::Done{key, std::move(detail), ok}});
    };
    switch (r.command) {
        case MaintCommand::Refresh: loadMaintInfo(); return;
        case MaintCommand::SyncNow:
            recordMaint(maint::action::kSyncNow, "");
            if (!m_worker) return done(i18n::Key{"maint.not_available"}.id, "", false);
            m_worker->kick();
            return done(i18n::Key{"maint.sync_started"}.id);
        case MaintCommand::Redownload:
            recordMaint(maint::action::kRedownload, "");
            if (!m_worker) return done(i18n::Key{"maint.not_available"}.id, "", false);
            m_worker->redownloadContent();
            return done(i18n::Key{"maint.redownload_started"}.id);
        case MaintCommand::Restart:
            recordMaint(maint::action::kRestart, "");
            m_exitCode = kExitRestart;
            m_exitRequested = true;
            return;
        case MaintCommand::Rotate: {
            const int from = m_display->rotation();
            if (auto set = m_display->setRotation(r.arg); !set)
                return done(i18n::Key{"maint.rotate_failed"}.id, set.error().message, false);
            m_fontsDirty = true;  // the layout size changed
            m_framesPending = std::max(m_framesPending, 3);
            auto saved = config::writeDeviceSettings(m_config.dataDir, {{"display.rotation", std::to_string(r.arg)}});
            recordMaint(maint::action::kRotation, fmt::format("{} -> {}", from, r.arg));
            if (!saved) return done(i18n::Key{"maint.rotate_failed"}.id, saved.error().message, false);
            m_config.rotation = r.arg;
            return done(i18n::Key{"maint.rotated"}.id);
        }
        case MaintCommand::PrintTest: {
            auto job = platform::testPageJob(m_state.maint.info.deviceId, m_state.settings.siteName,
                                             localDateTime(m_clock->epochMs() / 1000));
            auto printed = m_printer ? m_printer->print(job)
                                     : Result<std::string>(fail(ErrorCode::Unsupported, "no printer configured"));
            if (printed) ++m_stats.printJobs;
            recordMaint(maint::action::kPrintTest, printed ? "ok" : printed.error().message);
            if (!printed) return done(i18n::Key{"maint.print_failed"}.id, printed.error().message, false);
            return done(i18n::Key{"maint.print_ok"}.id);
        }
        case MaintCommand::ProbeNetwork: {
            state::MaintInfo i = m_state.maint.info;
            std::string host;
            std::uint16_t port = 0;
            if (i.hubUrl.empty() || !hostAndPort(i.hubUrl, host, port)) {
                i.hubReachable = 0;
                i.hubProbe = "not provisioned";
            } else {
                const auto probe = platform::probeTcp(host, port, 3000);
                i.hubReachable = probe.reachable ? 1 : 0;
                i.hubProbe = probe.reachable ? fmt::format("{} ms", probe.latencyMs) : probe.error;
            }
            dispatch(state::Maint{state::maint::InfoLoaded{i}});
            return done(i18n::Key{"maint.probe_done"}.id);
        }
        case MaintCommand::Leave:
            recordMaint(maint::action::kLeft, r.arg ? "idle" : "");
            m_fontsDirty = true;  // back to the visitor's glyphs
            return;
        case MaintCommand::SetupFindFiles: {
            auto files = findProvisioningFiles();
            std::vector<std::string> labels;
            const fs::path data = fs::absolute(m_config.dataDir).lexically_normal();
            for (const auto& f : files) {
                const auto rel = fs::absolute(f).lexically_normal().lexically_relative(data);
                labels.push_back(!rel.empty() && !rel.string().starts_with("..") ? "DATA/" + rel.string() : f);
            }
            dispatch(state::Maint{state::maint::SetupFiles{std::move(files), std::move(labels)}});
            return;
        }
        case MaintCommand::SetupProvision: {
            if (r.arg < 0) return provisionFrom(r.text, "the scanned code");
            const auto& files = m_state.maint.setup.files;
            if (std::size_t(r.arg) >= files.size()) return;
            auto text = crypto::readFile(files[std::size_t(r.arg)]);
            if (!text) {
                std::lock_guard lock(m_syncMutex);
                m_maintInbox.push_back({i18n::Key{"setup.provision_failed"}.id, text.error().message, false});
                return;
            }
            return provisionFrom(*text, files[std::size_t(r.arg)]);
        }
        case MaintCommand::SetupSkip: {
            // Done or skipped: either way the setup screen does not come back.
            std::ofstream(fs::path(m_config.dataDir) / "setup-done") << (r.arg ? "finished\n" : "skipped\n");
            recordMaint("setup", r.arg ? "finished" : "skipped");
            m_fontsDirty = true;
            return;
        }
    }
}

// --- scanner ------------------------------------------------------------------
void App::startScanner() {
    if (m_config.scannerDevice.empty()) return;
    platform::EvdevScannerOptions o;
    o.burst.gapMs = m_config.scannerBurstGapMs;
    o.waitForDevice = true;  // a scanner plugged in later still works
    auto s = platform::makeEvdevScanner(m_config.scannerDevice, o);
    if (!s) {
        logger()->error("scanner unavailable: {}", s.error().message);
        return;
    }
    if (::pipe2(m_scanStopPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        logger()->error("scanner not started: no pipe to stop its thread with");
        return;
    }
    m_scanner = std::move(*s);
    m_scanThread = std::thread([this] {
        // Sleeps until a key arrives, a burst's gap runs out or stop() writes
        // to the pipe: an idle kiosk with a scanner wakes for nothing.
        while (!m_scanStop.load()) {
            const std::int64_t now = m_clock->monotonicMs();
            int timeout = -1;
            if (auto d = m_scanner->nextDeadlineMs()) timeout = int(std::clamp<std::int64_t>(*d - now, 0, 60'000));
            pollfd p[2] = {{m_scanner->fd(), POLLIN, 0}, {m_scanStopPipe[0], POLLIN, 0}};
            ::poll(p, 2, timeout);  // a negative fd (no device yet) is skipped by poll
            if (m_scanStop.load()) break;
            auto events = m_scanner->poll(m_clock->monotonicMs());
            bool any = false;
            {
                std::lock_guard lock(m_syncMutex);
                for (auto& e : events)
                    if (e.kind == platform::ScanEvent::Kind::Scan) {
                        m_scanInbox.push_back(std::move(e.text));
                        any = true;
                    }
            }
            if (any) m_display->wake();
        }
    });
}

void App::stopScanner() {
    m_scanStop = true;
    if (m_scanStopPipe[1] >= 0) (void)!::write(m_scanStopPipe[1], "x", 1);
    if (m_scanThread.joinable()) m_scanThread.join();
    for (int& fd : m_scanStopPipe)
        if (fd >= 0) ::close(std::exchange(fd, -1));
}

void App::takeScans() {
    std::vector<std::string> scans;
    {
        std::lock_guard lock(m_syncMutex);
        scans.swap(m_scanInbox);
    }
    for (auto& s : scans) dispatch(state::ScanArrived{std::move(s)});
}

// --- setup --------------------------------------------------------------------
bool App::setupWanted() const {
    const fs::path data(m_config.dataDir);
    return !fs::exists(data / "hub.json") && !fs::exists(data / "setup-done");
}

}  // namespace kiosk::app
