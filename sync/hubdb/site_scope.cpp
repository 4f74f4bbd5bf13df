// Staff accounts' site lists (site_scope.h).
#include "site_scope.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace kiosk::hubdb {
namespace {

std::string trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

}  // namespace

SiteScope SiteScope::only(const std::vector<std::string>& names) {
    SiteScope s;
    s.all = false;
    for (const auto& n : names) {
        std::string name = trimmed(n);
        if (name == "*") return every();
        if (!name.empty()) s.sites.push_back(std::move(name));
    }
    std::sort(s.sites.begin(), s.sites.end());
    s.sites.erase(std::unique(s.sites.begin(), s.sites.end()), s.sites.end());
    return s;
}

bool SiteScope::allows(std::string_view site) const {
    return all || std::binary_search(sites.begin(), sites.end(), site,
                                     [](std::string_view a, std::string_view b) { return a < b; });
}

std::string storedSiteScope(const SiteScope& s) { return s.all ? "*" : nlohmann::json(s.sites).dump(); }

SiteScope parseSiteScope(const std::string& stored) {
    if (trimmed(stored) == "*") return SiteScope::every();
    const auto j = nlohmann::json::parse(stored, nullptr, false);
    std::vector<std::string> names;
    if (j.is_array())
        for (const auto& n : j)
            if (n.is_string()) names.push_back(n.get<std::string>());
    return SiteScope::only(names);  // not an array: no names, no site
}

std::string describeSiteScope(const SiteScope& s) {
    if (s.all) return "*";
    if (s.sites.empty()) return "(none)";
    std::string out;
    for (const auto& n : s.sites) out += (out.empty() ? "" : ", ") + n;
    return out;
}

}  // namespace kiosk::hubdb
