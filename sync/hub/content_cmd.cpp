// `kiosk-hub content publish` (content_cmd.h): signs a content database as
// the next version kiosks download. The signing is fleet.h's publishContent;
// this file only reads the command line and prints the result.
#include "content_cmd.h"

#include "fleet.h"
#include "hub_cli.h"
#include "keys.h"

#include <fmt/format.h>

#include <memory>

namespace kiosk::hub {
namespace {

struct Options {
    CLI::App* publish = nullptr;
    std::string contentDb, contentTtl = "30d";
};

}  // namespace

std::function<int()> addContentCommands(CLI::App& app, const std::string& dataDir, const std::string& dbSpec) {
    auto o = std::make_shared<Options>();
    auto* content = app.add_subcommand("content", "Publish content databases to the fleet as signed bundles");
    content->require_subcommand(1);
    o->publish = content->add_subcommand(
        "publish", "Sign DB (made by kioskctl content import) as the next version; kiosks install it on their next sync");
    o->publish->add_option("DB", o->contentDb, "Content database file")->required()->check(CLI::ExistingFile);
    o->publish->add_option("--ttl", o->contentTtl,
                           "How long kiosks accept this version before it counts as frozen (publish again before): 7d, 30d")
        ->capture_default_str();

    return [o, &dataDir, &dbSpec]() -> int {
        const std::int64_t ttlS = parseDuration(o->contentTtl);
        if (ttlS <= 0) return cliFailure({ErrorCode::InvalidArgument, fmt::format("--ttl {}: use 7d or 30d", o->contentTtl)});
        auto keys = loadOrCreateKeys(dataDir, {"127.0.0.1", "localhost"}, unixNow());
        if (!keys) return cliFailure(keys.error());
        auto st = openStore(dataDir, dbSpec, 1);
        if (!st) return cliFailure(st.error());
        auto published = publishContent(*st->db, *keys, o->contentDb, ttlS, unixNow());
        if (!published) return cliFailure(published.error());
        fmt::print("published content version {} ({} bytes, sha256 {}, expires {})\n", published->version, published->size,
                   published->sha256, published->expires);
        return 0;
    };
}

}  // namespace kiosk::hub
