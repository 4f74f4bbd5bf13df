// Loads the embedded TOML string tables once into flat key -> text maps.
#include "strings.h"

#include "assets_embedded.h"
#include "base/log.h"

#include <toml++/toml.h>

#include <map>
#include <mutex>
#include <set>

namespace kiosk::i18n {
namespace {

using Table = std::map<std::string, std::string, std::less<>>;

void flatten(const toml::table& t, const std::string& prefix, Table& out) {
    for (const auto& [k, node] : t) {
        std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (const auto* sub = node.as_table()) flatten(*sub, key, out);
        else if (const auto* s = node.as_string()) out.emplace(std::move(key), s->get());
    }
}

Table load(std::string_view text, std::string_view name) {
    Table out;
    try {
        flatten(toml::parse(text, name), "", out);
    } catch (const toml::parse_error& e) {
        // The tables are compiled in and covered by tests; still never abort.
        log::channel("i18n")->error("string table {} is malformed: {}", name, e.description());
    }
    return out;
}

const Table& table(Lang lang) {
    static const Table zh = load(assets::zh_CN_toml(), "zh-CN.toml");
    static const Table en = load(assets::en_toml(), "en.toml");
    return lang == Lang::En ? en : zh;
}

}  // namespace

Lang langFromTag(std::string_view tag) { return tag == "en" ? Lang::En : Lang::Zh; }
const char* langTag(Lang lang) { return lang == Lang::En ? "en" : "zh-CN"; }

const char* tr(Lang lang, std::string_view key) {
    const Table& t = table(lang);
    if (auto it = t.find(key); it != t.end()) return it->second.c_str();
    static std::mutex mutex;
    static std::set<std::string, std::less<>> missing;
    std::lock_guard lock(mutex);
    auto [it, inserted] = missing.emplace(key);
    if (inserted) log::channel("i18n")->warn("missing string '{}' for {}", key, langTag(lang));
    return it->c_str();
}

std::vector<std::string> keys(Lang lang) {
    std::vector<std::string> out;
    for (const auto& [k, v] : table(lang)) out.push_back(k);
    return out;
}

std::string allText() {
    std::string out;
    for (Lang lang : {Lang::Zh, Lang::En})
        for (const auto& [k, v] : table(lang)) out += v;
    return out;
}

}  // namespace kiosk::i18n
