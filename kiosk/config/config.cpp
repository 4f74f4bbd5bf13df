// Strict TOML configuration: a schema table, a validator that walks the
// user's document against it, and a mapper into the Config struct.
#include "config.h"

#include "assets_embedded.h"
#include "base/atomic_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <span>
#include <sstream>
#include <vector>

namespace kiosk::config {
namespace {

enum class Kind { String, Bool, Int, Choice };

struct KeySpec {
    std::string_view key;  // dotted path, "idle.timeout_s"
    Kind kind;
    long long min = 0;
    long long max = 0;
    std::vector<std::string_view> choices = {};
};

const std::vector<KeySpec>& schema() {
    static const std::vector<KeySpec> specs = {
        {"site.name", Kind::String},
        {"site.name_en", Kind::String},
        {"site.terminal_code", Kind::String},
        {"data.dir", Kind::String},
        {"ui.language", Kind::Choice, 0, 0, {"zh-CN", "en"}},
        {"ui.elder_mode", Kind::Bool},
        {"idle.timeout_s", Kind::Int, 15, 3600},
        {"idle.countdown_s", Kind::Int, 20, 300},
        {"sync.interval_s", Kind::Int, 10, 3600},
        {"sync.heartbeat_s", Kind::Int, 30, 86400},
        {"sync.stall_alert_min", Kind::Int, 1, 1440},
        {"display.mode", Kind::Choice, 0, 0, {"fullscreen", "windowed"}},
        {"display.width", Kind::Int, 320, 7680},
        {"display.height", Kind::Int, 240, 4320},
        {"display.renderer", Kind::Choice, 0, 0, {"auto", "gl", "software"}},
        {"display.rotation", Kind::Int, 0, 270},
        {"display.on_at", Kind::String},
        {"display.off_at", Kind::String},
        {"display.backlight", Kind::String},
        {"display.brightness", Kind::Int, 5, 100},
        {"fonts.regular", Kind::String},
        {"fonts.bold", Kind::String},
        {"fonts.face", Kind::Int, 0, 4},
        {"content.database", Kind::String},
        {"printer.output", Kind::String},
        {"printer.kind", Kind::Choice, 0, 0, {"file", "escpos"}},
        {"printer.device", Kind::String},
        {"printer.text_mode", Kind::Choice, 0, 0, {"gb18030", "raster"}},
        {"printer.width_dots", Kind::Int, 384, 832},
        {"scanner.device", Kind::String},
        {"scanner.burst_gap_ms", Kind::Int, 5, 200},
        {"maintenance.idle_exit_s", Kind::Int, 30, 3600},
        {"update.enabled", Kind::Bool},
        {"update.os_release_file", Kind::String},
        {"update.reboot_window", Kind::String},
    };
    return specs;
}

const KeySpec* findSpec(std::string_view key) {
    for (const auto& s : schema())
        if (s.key == key) return &s;
    return nullptr;
}

// Keys directly below `section` ("" = top level), for "allowed keys" messages.
std::vector<std::string> keysBelow(std::string_view section) {
    std::vector<std::string> out;
    for (const auto& s : schema()) {
        std::string_view k = s.key;
        if (!section.empty()) {
            if (!k.starts_with(section) || k.size() <= section.size() || k[section.size()] != '.')
                continue;
            k.remove_prefix(section.size() + 1);
        }
        std::string first(k.substr(0, k.find('.')));
        if (std::find(out.begin(), out.end(), first) == out.end()) out.push_back(first);
    }
    return out;
}

std::string where(std::string_view origin, const toml::node& node) {
    const auto& src = node.source();
    if (src.begin.line == 0) return std::string(origin);
    return fmt::format("{}:{}", origin, src.begin.line);
}

Result<void> validateTable(const toml::table& table, std::string_view section, std::string_view origin) {
    for (const auto& [k, node] : table) {
        const std::string key = section.empty() ? std::string(k.str())
                                                : fmt::format("{}.{}", section, k.str());
        if (node.is_table()) {
            if (keysBelow(key).empty()) {
                return fail(ErrorCode::Config,
                            fmt::format("{}: unknown section [{}]; allowed: {}", where(origin, node), key,
                                        fmt::join(keysBelow(section), ", ")));
            }
            if (auto r = validateTable(*node.as_table(), key, origin); !r) return r;
            continue;
        }
        const KeySpec* spec = findSpec(key);
        if (!spec) {
            return fail(ErrorCode::Config,
                        fmt::format("{}: unknown key '{}'; allowed keys{}: {}", where(origin, node), key,
                                    section.empty() ? "" : fmt::format(" in [{}]", section),
                                    fmt::join(keysBelow(section), ", ")));
        }
        switch (spec->kind) {
            case Kind::String:
                if (!node.is_string())
                    return fail(ErrorCode::Config,
                                fmt::format("{}: '{}' must be a string in quotes", where(origin, node), key));
                break;
            case Kind::Bool:
                if (!node.is_boolean())
                    return fail(ErrorCode::Config,
                                fmt::format("{}: '{}' must be true or false", where(origin, node), key));
                break;
            case Kind::Int: {
                if (!node.is_integer())
                    return fail(ErrorCode::Config, fmt::format("{}: '{}' must be a whole number from {} to {}",
                                                               where(origin, node), key, spec->min, spec->max));
                const auto v = node.as_integer()->get();
                if (v < spec->min || v > spec->max)
                    return fail(ErrorCode::Config, fmt::format("{}: '{}' = {} is out of range; allowed {} to {}",
                                                               where(origin, node), key, v, spec->min, spec->max));
                break;
            }
            case Kind::Choice: {
                const auto* s = node.as_string();
                const bool ok = s && std::find(spec->choices.begin(), spec->choices.end(),
                                               std::string_view(s->get())) != spec->choices.end();
                if (!ok)
                    return fail(ErrorCode::Config,
                                fmt::format("{}: '{}' must be one of: {}", where(origin, node), key,
                                            fmt::join(spec->choices, ", ")));
                break;
            }
        }
    }
    return {};
}

void apply(const toml::table& t, Config& c) {
    auto str = [&](std::string_view path, std::string& out) {
        if (auto v = t.at_path(path).value<std::string>()) out = *v;
    };
    auto integer = [&](std::string_view path, int& out) {
        if (auto v = t.at_path(path).value<int64_t>()) out = static_cast<int>(*v);
    };
    str("site.name", c.siteName);
    str("site.name_en", c.siteNameEn);
    str("site.terminal_code", c.terminalCode);
    str("data.dir", c.dataDir);
    str("ui.language", c.language);
    if (auto v = t.at_path("ui.elder_mode").value<bool>()) c.elderMode = *v;
    integer("idle.timeout_s", c.idleTimeoutS);
    integer("idle.countdown_s", c.idleCountdownS);
    integer("sync.interval_s", c.syncIntervalS);
    integer("sync.heartbeat_s", c.heartbeatS);
    integer("sync.stall_alert_min", c.stallAlertMin);
    str("display.mode", c.displayMode);
    integer("display.width", c.windowWidth);
    integer("display.height", c.windowHeight);
    str("display.renderer", c.renderer);
    integer("display.rotation", c.rotation);
    str("display.on_at", c.screenOnAt);
    str("display.off_at", c.screenOffAt);
    str("display.backlight", c.backlight);
    integer("display.brightness", c.brightness);
    str("fonts.regular", c.fontRegular);
    str("fonts.bold", c.fontBold);
    integer("fonts.face", c.fontFace);
    str("content.database", c.contentDatabase);
    str("printer.output", c.printerOutput);
    str("printer.kind", c.printerKind);
    str("printer.device", c.printerDevice);
    str("printer.text_mode", c.printerTextMode);
    integer("printer.width_dots", c.printerWidthDots);
    str("scanner.device", c.scannerDevice);
    integer("scanner.burst_gap_ms", c.scannerBurstGapMs);
    integer("maintenance.idle_exit_s", c.maintenanceIdleExitS);
    if (auto v = t.at_path("update.enabled").value<bool>()) c.updateEnabled = *v;
    str("update.os_release_file", c.osReleaseFile);
    str("update.reboot_window", c.rebootWindow);
}

Result<toml::table> parseToml(std::string_view text, std::string_view origin) {
    try {
        return toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        return fail(ErrorCode::Parse, fmt::format("{}:{}:{}: {}", origin, e.source().begin.line,
                                                  e.source().begin.column, e.description()));
    }
}

Result<Config> overlay(Config base, std::string_view text, std::string_view origin) {
    auto table = parseToml(text, origin);
    if (!table) return std::unexpected(table.error());
    if (auto ok = validateTable(*table, "", origin); !ok) return std::unexpected(ok.error());
    apply(*table, base);
    const auto& code = base.terminalCode;
    const bool codeOk = code.size() >= 2 && code.size() <= 6 &&
                        std::all_of(code.begin(), code.end(), [](char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); });
    if (!codeOk)
        return fail(ErrorCode::Config, fmt::format("{}: 'site.terminal_code' = \"{}\" must be 2 to 6 capital letters or digits",
                                                   origin, code));
    if (base.rotation % 90 != 0)
        return fail(ErrorCode::Config,
                    fmt::format("{}: 'display.rotation' = {} must be 0, 90, 180 or 270", origin, base.rotation));
    auto clockOk = [](const std::string& t) {
        return t.size() == 5 && t[2] == ':' && std::isdigit(static_cast<unsigned char>(t[0])) &&
               std::isdigit(static_cast<unsigned char>(t[1])) && std::isdigit(static_cast<unsigned char>(t[3])) &&
               std::isdigit(static_cast<unsigned char>(t[4])) && std::stoi(t.substr(0, 2)) < 24 &&
               std::stoi(t.substr(3, 2)) < 60;
    };
    for (const auto& [key, value] : {std::pair{"display.on_at", &base.screenOnAt}, std::pair{"display.off_at", &base.screenOffAt}})
        if (!value->empty() && !clockOk(*value))
            return fail(ErrorCode::Config,
                        fmt::format("{}: '{}' = \"{}\" must be a time of day as HH:MM (00:00–23:59)", origin, key, *value));
    if (base.screenOnAt.empty() != base.screenOffAt.empty())
        return fail(ErrorCode::Config,
                    fmt::format("{}: set both 'display.on_at' and 'display.off_at' (or neither, for always on)", origin));
    if (!base.screenOnAt.empty() && base.screenOnAt == base.screenOffAt)
        return fail(ErrorCode::Config, fmt::format("{}: 'display.on_at' and 'display.off_at' are both {}", origin,
                                                   base.screenOnAt));
    // Named with the line when this text set the key, else the origin alone.
    auto at = [&](std::string_view key) {
        const toml::node* n = table->at_path(key).node();
        return n ? where(origin, *n) : std::string(origin);
    };
    if (auto w = parseDayWindow(base.rebootWindow, "update.reboot_window"); !w)
        return fail(ErrorCode::Config, fmt::format("{}: {}", at("update.reboot_window"), w.error().message));
    if (base.osReleaseFile.empty())
        return fail(ErrorCode::Config, fmt::format("{}: 'update.os_release_file' must name a file (the OS image's is "
                                                   "/etc/kiosk-image-release)",
                                                   at("update.os_release_file")));
    return base;
}

}  // namespace

Result<DayWindow> parseDayWindow(std::string_view text, std::string_view key) {
    auto bad = [&](std::string_view why) {
        return fail(ErrorCode::Config,
                    fmt::format("'{}' = \"{}\" {}; write \"HH:MM-HH:MM\" in local time, e.g. \"02:00-05:00\" "
                                "(\"22:00-04:00\" runs past midnight, \"00:00-24:00\" is any time)",
                                key, text, why));
    };
    // "HH:MM" → minutes after midnight; 24:00 only where `end`.
    auto minutes = [](std::string_view t, bool end) {
        auto digit = [](char c) { return c >= '0' && c <= '9'; };
        if (t.size() != 5 || t[2] != ':' || !digit(t[0]) || !digit(t[1]) || !digit(t[3]) || !digit(t[4])) return -1;
        const int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
        if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end))) return -1;
        return h * 60 + m;
    };
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) return bad("has no '-' between the two times");
    DayWindow w;
    w.fromMin = minutes(text.substr(0, dash), false);
    w.toMin = minutes(text.substr(dash + 1), true);
    if (w.fromMin < 0 || w.toMin < 0) return bad("is not two times of day (00:00–23:59, the end may be 24:00)");
    if (w.fromMin == w.toMin % 1440 && !(w.fromMin == 0 && w.toMin == 1440))
        return bad("starts and ends at the same time");
    return w;
}

std::string_view defaultsText() { return assets::kiosk_toml(); }

Result<Config> defaults() { return overlay(Config{}, defaultsText(), "built-in kiosk.toml"); }

Result<Config> parse(std::string_view text, std::string_view origin) {
    auto base = defaults();
    if (!base) return base;
    return overlay(*base, text, origin);
}

Result<Config> load(const std::optional<std::filesystem::path>& path) {
    if (!path) return defaults();
    std::ifstream in(*path, std::ios::binary);
    if (!in)
        return fail(ErrorCode::NotFound,
                    fmt::format("cannot read config file {}: check the path given to --config", path->string()));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str(), path->string());
}

Result<Config> overlayFile(Config base, const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return fail(ErrorCode::NotFound, fmt::format("no settings file {}", file.string()));
    auto text = fileio::readAll(file);
    if (!text) return std::unexpected(text.error());
    return overlay(std::move(base), *text, file.string());
}

Result<void> writeDeviceSettings(const std::filesystem::path& dataDir,
                                 const std::vector<std::pair<std::string, std::string>>& keyValues) {
    const std::filesystem::path file = dataDir / kDeviceSettingsFile;
    const std::string origin = file.string();
    toml::table table;
    if (std::error_code ec; std::filesystem::exists(file, ec)) {
        auto text = fileio::readAll(file);
        if (!text) return std::unexpected(text.error());
        auto parsed = parseToml(*text, origin);
        if (!parsed)
            return fail(ErrorCode::Parse, fmt::format("{} (fix or remove the file, then set the values again)",
                                                      parsed.error().message));
        table = std::move(*parsed);
    }
    for (const auto& [key, valueText] : keyValues) {
        if (!findSpec(key) || key == "data.dir")
            return fail(ErrorCode::Config, fmt::format("{}: '{}' is not a device setting", origin, key));
        auto value = parseToml("v = " + valueText, origin);
        const toml::node* node = value ? value->get("v") : nullptr;
        if (!node || !(node->is_string() || node->is_integer() || node->is_boolean()))
            return fail(ErrorCode::Config,
                        fmt::format("{}: '{}' = {} is not a TOML string (in quotes), whole number or true/false",
                                    origin, key, valueText));
        // Walk (and make) the sections of the dotted key.
        toml::table* section = &table;
        std::string_view rest = key;
        for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
            const std::string name(rest.substr(0, dot));
            if (!section->contains(name)) section->insert(name, toml::table{});
            section = section->get(name) ? section->get(name)->as_table() : nullptr;
            if (!section) return fail(ErrorCode::Config, fmt::format("{}: '{}' is a value, not a section", origin, name));
            rest.remove_prefix(dot + 1);
        }
        const std::string leaf(rest);
        if (node->is_string()) section->insert_or_assign(leaf, node->as_string()->get());
        else if (node->is_integer()) section->insert_or_assign(leaf, node->as_integer()->get());
        else section->insert_or_assign(leaf, node->as_boolean()->get());
    }
    std::ostringstream out;
    out << "# Settings of this kiosk (screen rotation, printer …), written by kioskctl provision\n"
           "# and the maintenance screen; they override the site config. Keys as in kiosk.toml.\n\n"
        << table << "\n";
    const std::string text = out.str();
    if (auto check = parse(text, origin); !check) return std::unexpected(check.error());
    return fileio::writeAtomic(file, text, 0644);
}

}  // namespace kiosk::config
