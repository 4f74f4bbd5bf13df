// String tables: both languages have the same keys, and every key the UI
// code names exists (so no screen ever shows a raw key).
#include "i18n/strings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace kiosk::i18n;

TEST(Strings, BothLanguagesHaveTheSameKeys) {
    const auto zh = keys(Lang::Zh);
    const auto en = keys(Lang::En);
    EXPECT_GT(zh.size(), 30u);
    EXPECT_EQ(zh, en);
}

TEST(Strings, EveryKeyUsedByTheUiExists) {
    const auto zh = keys(Lang::Zh);
    const std::set<std::string> known(zh.begin(), zh.end());
    // Keys appear as tr("a.b") / c.tr("a.b") or are marked Key{"a.b"}.
    const std::regex literal(R"re((?:\btr\(|Key\{)\s*"([a-z_]+)\.([a-z_0-9]+)")re");
    int checked = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(KIOSK_SOURCE_DIR "/kiosk")) {
        if (entry.path().extension() != ".cpp") continue;
        std::ifstream in(entry.path());
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it) {
            const std::string key = (*it)[1].str() + "." + (*it)[2].str();
            EXPECT_TRUE(known.contains(key)) << key << " used in " << entry.path().filename();
            ++checked;
        }
    }
    EXPECT_GT(checked, 20);
}

TEST(Strings, MissingKeyShowsTheKeyInsteadOfCrashing) {
    EXPECT_STREQ(tr(Lang::Zh, "no.such_key"), "no.such_key");
    EXPECT_STREQ(tr(Lang::Zh, "tile.guide"), "办事指南");
    EXPECT_STREQ(tr(Lang::En, "tile.guide"), "Service Guide");
}
