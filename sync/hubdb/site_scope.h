// The sites a staff account serves (hub schema step 6, column staff.sites):
// every site ("*", the default) or a list of sites as devices name them
// (device.site). A site-limited account reads and changes only records sent
// by kiosks of its sites; everything else is answered as if it did not exist
// (docs/HUB-CONSOLE.md, "Sites"). Stored as "*" or a JSON array of names, so
// a site's name may hold any character; anything unreadable serves no site
// (fail closed), never every site.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiosk::hubdb {

struct SiteScope {
    bool all = true;                 // every site, today's and future ones
    std::vector<std::string> sites;  // when !all: sorted, no duplicates (may be empty: no site)

    static SiteScope every() { return {}; }
    // The listed sites; "*" among them means every site. Names are trimmed,
    // empty ones dropped.
    static SiteScope only(const std::vector<std::string>& names);
    bool allows(std::string_view site) const;
    bool operator==(const SiteScope&) const = default;
};

// The column's text ("*" or ["A","B"]) and back.
std::string storedSiteScope(const SiteScope& s);
SiteScope parseSiteScope(const std::string& stored);
// For people and the audit log: "*" or "A, B" ("(none)" when empty).
std::string describeSiteScope(const SiteScope& s);

}  // namespace kiosk::hubdb
