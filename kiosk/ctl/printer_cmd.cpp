// kioskctl printer test / status (printer_cmd.h). Both read the kiosk's
// configuration (--config, else /etc/kiosk/kiosk.toml when it exists, else the
// built-in defaults; then DATA/device.toml over it) and build the printer
// exactly as the kiosk does.
#include "printer_cmd.h"

#include "base/time_text.h"

#include "client/hub_client.h"
#include "config/printer_options.h"
#include "printer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>

namespace kiosk::ctl {
namespace {

constexpr const char* kSiteConfig = "/etc/kiosk/kiosk.toml";


nlohmann::json statusJson(const platform::PrinterStatus& s) {
    return {{"status", platform::statusName(s.code)}, {"state", platform::stateText(s)}, {"detail", s.detail}};
}

std::string statusLine(const platform::PrinterStatus& s) {
    const std::string state = platform::stateText(s);
    if (s.detail.empty() || s.code == platform::PrinterStatus::Code::Error) return state;
    return state + " (" + s.detail + ")";
}

bool canPrint(const platform::PrinterStatus& s) {
    return s.code == platform::PrinterStatus::Code::Ready || s.code == platform::PrinterStatus::Code::PaperLow;
}

}  // namespace

std::function<int()> addPrinterCommands(CLI::App& app) {
    struct Opts {
        std::string config;
        bool json = false;
    };
    auto o = std::make_shared<Opts>();
    auto* printer = app.add_subcommand("printer", "Test the receipt printer and read its status");
    printer->require_subcommand(1);
    auto* test = printer->add_subcommand("test", "Print a test page on the configured printer, then report its status");
    auto* status = printer->add_subcommand(
        "status", "Ask the configured printer how it is: exit 0 when it can print (ready, paper low), 1 otherwise");
    for (auto* cmd : {test, status}) {
        cmd->add_option("--config", o->config,
                        fmt::format("The kiosk's TOML configuration (default {} if it exists, else built-in defaults)",
                                    kSiteConfig));
        cmd->add_flag("--json", o->json, "Print one JSON object");
    }

    return [=, &app]() -> int {
        if (!test->parsed() && !status->parsed()) return -1;
        std::optional<std::filesystem::path> path;
        if (!o->config.empty()) path = o->config;
        else if (std::error_code ec; std::filesystem::exists(kSiteConfig, ec)) path = kSiteConfig;
        auto c = config::load(path);
        if (!c) {
            fmt::print(stderr, "kioskctl: {}\n", c.error().message);
            return c.error().code == ErrorCode::NotFound ? 1 : 2;
        }
        // Per-device settings (DATA/device.toml, where provisioning and the
        // maintenance screen put the printer) apply over the site file, and a
        // bad one is skipped, exactly as the kiosk does at start.
        const CLI::Option* dataOpt = app.get_option_no_throw("--data");
        const std::filesystem::path dataDir =
            dataOpt && dataOpt->count() > 0 ? dataOpt->as<std::string>() : c->dataDir;
        const std::filesystem::path deviceSettings = dataDir / config::kDeviceSettingsFile;
        if (std::error_code ec; std::filesystem::exists(deviceSettings, ec)) {
            if (auto overlaid = config::overlayFile(*c, deviceSettings)) c = std::move(*overlaid);
            else fmt::print(stderr, "kioskctl: device settings ignored, as the kiosk would: {}\n", overlaid.error().message);
        }
        auto p = platform::makePrinter(config::printerOptions(*c));

        if (status->parsed()) {
            const platform::PrinterStatus s = p->status();
            if (o->json) {
                nlohmann::json out = statusJson(s);
                out["printer"] = p->name();
                fmt::print("{}\n", out.dump());
            } else {
                fmt::print("{}: {}\n", p->name(), statusLine(s));
            }
            return canPrint(s) ? 0 : 1;
        }

        // The test page names the terminal as the hub knows it, once enrolled.
        std::string device = c->terminalCode;
        if (auto hub = sync::loadHubConfig(dataDir); hub && !hub->deviceId.empty()) device = hub->deviceId;
        const std::string site = c->siteNameEn.empty() ? c->siteName : c->siteName + " " + c->siteNameEn;
        const auto printed = p->print(platform::testPageJob(device, site, localDateTime(std::time(nullptr), true)));
        const platform::PrinterStatus s = p->status();
        if (o->json) {
            nlohmann::json out = statusJson(s);
            out["printer"] = p->name();
            out["printed"] = printed.has_value();
            out["error"] = printed ? "" : printed.error().message;
            fmt::print("{}\n", out.dump());
        } else {
            if (printed) fmt::print("printed a test page on {}\n", *printed);
            else fmt::print(stderr, "kioskctl: test page not printed: {}\n", printed.error().message);
            // The status, unless it only repeats why nothing was printed.
            if (printed || s.detail != printed.error().message) fmt::print("{}: {}\n", p->name(), statusLine(s));
        }
        return printed ? 0 : 1;
    };
}

}  // namespace kiosk::ctl
