// `kioskctl config check|defaults` (config_cmd.h): the kiosk's own config
// loader (kiosk/config), so that a file passes here exactly when the kiosk
// would start with it. Exit 2 for a file the kiosk would refuse.
#include "config_cmd.h"

#include "config/config.h"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

namespace kiosk::ctl {
namespace {

struct Options {
    CLI::App* check = nullptr;
    CLI::App* defaults = nullptr;
    const CLI::Option* data = nullptr;  // kioskctl's --data
    std::string file;
};

int checkFile(const Options& o, const std::string& dataDir) {
    auto c = config::load(std::filesystem::path(o.file));
    if (!c) {
        fmt::print(stderr, "{}\n", c.error().message);
        return c.error().code == ErrorCode::NotFound ? 1 : 2;
    }
    fmt::print("ok: {} (site \"{}\", language {}, idle {} s + {} s countdown, {} display, renderer {})\n", o.file,
               c->siteName, c->language, c->idleTimeoutS, c->idleCountdownS, c->displayMode, c->renderer);
    // The kiosk applies DATA/device.toml over the site file: check it the same way.
    const std::filesystem::path device =
        std::filesystem::path(o.data && o.data->count() > 0 ? dataDir : c->dataDir) / config::kDeviceSettingsFile;
    if (std::error_code ec; std::filesystem::exists(device, ec)) {
        auto d = config::overlayFile(*c, device);
        if (!d) {
            fmt::print(stderr, "{}\n", d.error().message);
            return 2;
        }
        fmt::print("ok: {} over it (rotation {}, printer {})\n", device.string(), d->rotation, d->printerKind);
    }
    return 0;
}

}  // namespace

std::function<int()> addConfigCommands(CLI::App& app, const std::string& dataDir) {
    auto o = std::make_shared<Options>();
    o->data = app.get_option_no_throw("--data");
    auto* configCmd = app.add_subcommand("config", "Check or print the kiosk configuration");
    configCmd->require_subcommand(1);
    o->check = configCmd->add_subcommand("check", "Validate a site configuration file as the kiosk would at start");
    o->check->add_option("FILE", o->file, "TOML file, e.g. /etc/kiosk/kiosk.toml")->required();
    o->defaults = configCmd->add_subcommand("defaults", "Print every key with its default and documentation");

    return [o, &dataDir]() -> int {
        if (o->defaults->parsed()) {
            fmt::print("{}", config::defaultsText());
            return 0;
        }
        if (o->check->parsed()) return checkFile(*o, dataDir);
        return -1;
    };
}

}  // namespace kiosk::ctl
