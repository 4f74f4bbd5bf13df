// Pinyin through librime: full pinyin, initials, paging, commit, and nothing
// kept after the engine stops.
#include "input/pinyin.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

using namespace kiosk::input;

namespace {
ImeState typeWord(PinyinEngine& e, const std::string& letters) {
    ImeState s;
    for (char c : letters) s = e.letter(c);
    return s;
}
bool has(const ImeState& s, const std::string& word) {
    return std::find(s.candidates.begin(), s.candidates.end(), word) != s.candidates.end();
}
}  // namespace

TEST(Pinyin, FullPinyinInitialsPagingAndCommit) {
    auto e = PinyinEngine::start();
    ASSERT_TRUE(e.has_value()) << e.error().message;
    const std::string userDir = (*e)->userDir();
    ASSERT_TRUE(std::filesystem::exists(userDir));

    auto s = typeWord(**e, "zhengce");
    ASSERT_FALSE(s.candidates.empty());
    EXPECT_TRUE(has(s, "政策")) << s.candidates.front();
    const auto index = int(std::find(s.candidates.begin(), s.candidates.end(), "政策") - s.candidates.begin());
    s = (*e)->select(index);
    EXPECT_EQ(s.committed, "政策");
    EXPECT_TRUE(s.preedit.empty());

    s = typeWord(**e, "zfgjj");
    EXPECT_TRUE(has(s, "住房公积金")) << (s.candidates.empty() ? "(none)" : s.candidates.front());
    (*e)->clear();

    s = typeWord(**e, "guojia");
    EXPECT_TRUE(has(s, "国家")) << "Simplified output";
    EXPECT_FALSE(has(s, "國家"));
    s = (*e)->space();
    EXPECT_FALSE(s.committed.empty());

    s = typeWord(**e, "shi");
    ASSERT_FALSE(s.lastPage);
    const auto first = s.candidates;
    s = (*e)->nextPage();
    EXPECT_EQ(s.page, 1);
    EXPECT_NE(s.candidates, first);
    s = (*e)->backspace();
    EXPECT_EQ(s.preedit, "sh") << "backspace edits the pinyin";
    (*e)->clear();
    e->reset();
    EXPECT_FALSE(std::filesystem::exists(userDir)) << "the learning dictionary is thrown away";
}
