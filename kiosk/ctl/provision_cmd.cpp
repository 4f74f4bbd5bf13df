// kioskctl provision (provision_cmd.h). Order of work: check every input
// (settings, PIN rules, the provisioning file, an existing device.toml) →
// enroll → save device.toml → save the PIN hash → first content download.
// Each done step is recorded in the maintenance action log, so the hub sees
// who changed what on its next heartbeat (the PIN itself never).
#include "provision_cmd.h"

#include "base/log.h"
#include "bundle/install.h"
#include "bundle/trusted_time.h"
#include "client/hub_client.h"
#include "client/sync_engine.h"
#include "config/config.h"
#include "crypto/crypto.h"
#include "maint/action_log.h"
#include "maint/pin.h"
#include "outbox/outbox.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace kiosk::ctl {
namespace {

namespace fs = std::filesystem;

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Step progress on stderr. On a terminal: one line redrawn in place,
//   [########············] 2/4 enrolling with the hub … 3 s
// with the seconds ticking while a step runs; otherwise (a script, a log)
// one plain line per step. Result lines go to stdout through note().
class Progress {
public:
    explicit Progress(int total) : m_total(total), m_tty(::isatty(STDERR_FILENO) == 1) {
        if (m_tty) m_ticker = std::thread([this] { tick(); });
    }
    ~Progress() { finish(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void step(std::string label) {
        std::lock_guard lock(m_mutex);
        ++m_done;
        m_label = std::move(label);
        m_stepStart = std::chrono::steady_clock::now();
        if (m_tty) drawLocked();
        else fmt::print(stderr, "kioskctl: [{}/{}] {}\n", m_done, m_total, m_label);
    }

    // A result line on stdout; the bar is cleared first and drawn again after.
    void note(const std::string& line) {
        std::lock_guard lock(m_mutex);
        if (m_tty) clearLocked();
        fmt::print("{}\n", line);
        std::fflush(stdout);
        if (m_tty && !m_stopped) drawLocked();
    }

    void finish() {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopped) return;
            m_stopped = true;
            if (m_tty) clearLocked();
        }
        m_cv.notify_all();
        if (m_ticker.joinable()) m_ticker.join();
    }

private:
    void clearLocked() {
        fmt::print(stderr, "\r\x1b[K");
        std::fflush(stderr);
    }
    void drawLocked() {
        constexpr int kWidth = 20;
        const int filled = m_total > 0 ? kWidth * std::max(0, m_done - 1) / m_total : 0;
        const auto secs =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - m_stepStart).count();
        std::string bar(std::size_t(filled), '#');
        for (int i = filled; i < kWidth; ++i) bar += "·";
        fmt::print(stderr, "\r\x1b[K[{}] {}/{} {} … {} s", bar, m_done, m_total, m_label, secs);
        std::fflush(stderr);
    }
    void tick() {
        std::unique_lock lock(m_mutex);
        while (!m_stopped) {
            m_cv.wait_for(lock, std::chrono::milliseconds(250));
            if (!m_stopped && m_done > 0) drawLocked();
        }
    }

    int m_total = 0;
    int m_done = 0;
    bool m_tty = false;
    bool m_stopped = false;
    std::string m_label;
    std::chrono::steady_clock::time_point m_stepStart = std::chrono::steady_clock::now();
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::thread m_ticker;
};

// Reads the PIN from stdin: on a terminal twice with echo off, else one line.
// Returns an error message (never containing the PIN) on failure.
std::string readPin(std::string& pin) {
    auto readLine = [](std::string& out) {
        if (!std::getline(std::cin, out)) return false;
        if (!out.empty() && out.back() == '\r') out.pop_back();
        return true;
    };
    if (::isatty(STDIN_FILENO) != 1) {
        if (!readLine(pin) || pin.empty()) return "no PIN on stdin (pipe it in: --pin-stdin reads one line)";
        return "";
    }
    termios old{};
    const bool canHide = ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (canHide) {
        termios quiet = old;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string again;
    fmt::print(stderr, "maintenance PIN (6 to 12 digits): ");
    std::fflush(stderr);
    const bool first = readLine(pin);
    fmt::print(stderr, "\nthe same PIN again: ");
    std::fflush(stderr);
    const bool second = first && readLine(again);
    fmt::print(stderr, "\n");
    if (canHide) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    const bool same = second && again == pin;
    OPENSSL_cleanse(again.data(), again.size());
    if (!first || pin.empty()) return "no PIN was typed";
    if (!same) return "the two PINs differ; nothing was changed";
    return "";
}

// A TOML basic string: JSON's escaping is valid TOML.
std::string tomlString(const std::string& s) { return nlohmann::json(s).dump(); }

struct Opts {
    std::string file, content, rotation, printer, printerDevice, printerTextMode;
    bool force = false, pinStdin = false;
};

int run(const Opts& o, const fs::path& dataDir) {
    auto usage = [](const std::string& why) {
        fmt::print(stderr, "kioskctl: {}\n", why);
        return 2;
    };
    // 1. Check everything before the first slow step.
    std::vector<std::pair<std::string, std::string>> settings;
    if (!o.rotation.empty()) {
        int degrees = -1;
        const auto* end = o.rotation.data() + o.rotation.size();
        const auto [ptr, ec] = std::from_chars(o.rotation.data(), end, degrees);
        if (ec != std::errc() || ptr != end || (degrees != 0 && degrees != 90 && degrees != 180 && degrees != 270))
            return usage(fmt::format("--rotation must be 0, 90, 180 or 270 (degrees clockwise), not '{}'", o.rotation));
        settings.emplace_back("display.rotation", std::to_string(degrees));
    }
    if (!o.printer.empty()) {
        if (o.printer != "escpos" && o.printer != "file")
            return usage(fmt::format("--printer must be escpos or file, not '{}'", o.printer));
        settings.emplace_back("printer.kind", tomlString(o.printer));
    }
    if (!o.printerDevice.empty()) {
        if (std::any_of(o.printerDevice.begin(), o.printerDevice.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
            return usage("--printer-device must be a device path (/dev/usb/lp0) or tcp:HOST:PORT");
        settings.emplace_back("printer.device", tomlString(o.printerDevice));
    }
    if (!o.printerTextMode.empty()) {
        if (o.printerTextMode != "gb18030" && o.printerTextMode != "raster")
            return usage(fmt::format("--printer-text-mode must be gb18030 or raster, not '{}'", o.printerTextMode));
        settings.emplace_back("printer.text_mode", tomlString(o.printerTextMode));
    }
    if (o.file.empty() && settings.empty() && !o.pinStdin && o.content.empty())
        return usage("nothing to do: give --file to enroll, and/or settings (--rotation, --printer, "
                     "--printer-device, --printer-text-mode, --pin-stdin)");
    std::error_code fsError;
    const bool enrolled = fs::exists(dataDir / "hub.json", fsError);
    if (!o.content.empty() && o.file.empty() && !enrolled)
        return usage("--content needs an enrolled kiosk: give --file too");
    const fs::path deviceToml = dataDir / config::kDeviceSettingsFile;
    if (!settings.empty() && fs::exists(deviceToml, fsError)) {
        auto base = config::defaults();
        auto current = base ? config::overlayFile(*base, deviceToml) : base;
        if (!current) return usage(fmt::format("{} (fix or remove it first)", current.error().message));
    }
    std::optional<protocol::ProvisionFile> provFile;
    if (!o.file.empty()) {
        auto text = crypto::readFile(o.file);
        if (!text) return usage(text.error().message);
        auto j = nlohmann::json::parse(*text, nullptr, false);
        if (j.is_discarded()) return usage(fmt::format("{} is not JSON", o.file));
        auto parsed = protocol::parseProvisionFile(j);
        if (!parsed) return usage(parsed.error().message);
        if (enrolled && !o.force)
            return usage(fmt::format("{} is already enrolled; pass --force to enroll it again (its outbox is kept), "
                                     "or leave out --file to change settings only",
                                     dataDir.string()));
        provFile = std::move(*parsed);
    }
    std::string pin;
    struct Wipe {
        std::string& s;
        ~Wipe() { OPENSSL_cleanse(s.data(), s.size()); }
    } wipe{pin};
    if (o.pinStdin) {
        if (auto why = readPin(pin); !why.empty()) return usage(why);
        if (auto rules = maint::checkPinRules(pin); !rules) return usage("PIN refused: " + rules.error().message);
    }

    // 2. The work, with progress. The steps say what the "maint" log lines
    // would (they still go to the action log), and must not cut into the bar.
    if (!log::traced("maint")) log::channel("maint")->set_level(spdlog::level::warn);
    const int steps = int(provFile.has_value()) + int(!settings.empty()) + int(o.pinStdin) + int(!o.content.empty());
    Progress progress(steps);
    auto failed = [&](const std::string& why) {
        progress.finish();
        fmt::print(stderr, "kioskctl: {}\n", why);
        return 1;
    };
    auto audit = [&](std::string_view what, const std::string& detail) {
        if (auto r = maint::recordAction(dataDir, what, "kioskctl: " + detail, nowMs()); !r)
            fmt::print(stderr, "kioskctl: note: not recorded in the maintenance log: {}\n", r.error().message);
    };
    if (provFile) {
        progress.step(fmt::format("enrolling with {} (device key, certificate)", provFile->hubUrl));
        auto c = sync::provision(dataDir, *provFile, o.force);
        if (!c) return failed(c.error().message);
        progress.note(fmt::format("enrolled as {} for site {} with hub {}", c->deviceId, c->site, c->hubUrl));
        audit(maint::action::kProvisioned, fmt::format("{} for site {}", c->deviceId, c->site));
    }
    if (!settings.empty()) {
        progress.step("saving device settings");
        if (auto w = config::writeDeviceSettings(dataDir, settings); !w)
            return failed(fmt::format("device settings not saved: {}", w.error().message));
        std::string list;
        for (const auto& [key, value] : settings) list += fmt::format("{}{} = {}", list.empty() ? "" : ", ", key, value);
        progress.note(fmt::format("device settings saved in {}: {}", deviceToml.string(), list));
        audit(maint::action::kSettings, list);
    }
    if (o.pinStdin) {
        progress.step("saving the maintenance PIN (slow hash)");
        if (auto w = maint::setPin(dataDir, pin); !w) return failed(fmt::format("PIN not saved: {}", w.error().message));
        progress.note("maintenance PIN set (the lockout is reset)");
        audit(maint::action::kPinSet, "new PIN");
    }
    if (!o.content.empty()) {
        progress.step("first sync and content download");
        auto config = sync::loadHubConfig(dataDir);
        if (!config) return failed(config.error().message);
        auto box = outbox::Outbox::open(dataDir.string(), config->deviceId);
        if (!box) return failed(box.error().message);
        sync::HubClient client(*config);
        bundle::TrustedTime clock(dataDir / "trusted-time.json", bundle::buildEpochS());
        sync::SyncEngine engine(*box, client, sync::ContentTarget{o.content, &clock});
        const sync::SyncReport r = engine.runOnce();
        (void)clock.flush();
        if (r.contentInstalled) progress.note(fmt::format("installed content version {}", r.contentInstalled));
        else if (r.ok && r.contentError.empty()) progress.note("no new content on the hub");
        const std::string why = !r.ok ? r.error : r.contentError;
        if (!why.empty()) {
            progress.finish();
            // Enrolled and configured all the same: the kiosk fetches content at its next sync.
            fmt::print(stderr, "kioskctl: content not downloaded now ({}); the kiosk fetches it at its next sync\n", why);
        }
    }
    progress.finish();
    if (!provFile && !enrolled)
        fmt::print(stderr, "kioskctl: note: this kiosk is not enrolled yet (give --file to enroll it)\n");
    return 0;
}

}  // namespace

std::function<int()> addProvisionCommand(CLI::App& app, const std::string& dataDir) {
    auto o = std::make_shared<Opts>();
    auto* prov = app.add_subcommand(
        "provision", "Enroll this terminal with the hub and/or set its device settings and maintenance PIN");
    prov->add_option("--file", o->file, "The file kiosk-hub provision-file wrote (leave out to change settings only)");
    prov->add_flag("--force", o->force, "Enroll again even if this kiosk is already enrolled (keeps the outbox)");
    prov->add_option("--rotation", o->rotation, "How the screen is mounted: 0, 90, 180 or 270 degrees clockwise");
    prov->add_option("--printer", o->printer, "Receipt printer: escpos (a real printer) or file (a folder)");
    prov->add_option("--printer-device", o->printerDevice, "ESC/POS printer: /dev/usb/lp0 or tcp:HOST:PORT");
    prov->add_option("--printer-text-mode", o->printerTextMode,
                     "gb18030 (the printer's Chinese font) or raster (the kiosk draws the text)");
    prov->add_flag("--pin-stdin", o->pinStdin,
                   "Set the maintenance PIN, read from stdin (asked twice on a terminal); never give it as an argument");
    prov->add_option("--content", o->content,
                     "Content database to fill from the hub right away (as content.database in the kiosk config)");
    return [=, &dataDir]() -> int { return prov->parsed() ? run(*o, dataDir) : -1; };
}

}  // namespace kiosk::ctl
