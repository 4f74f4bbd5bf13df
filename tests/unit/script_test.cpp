// Script parser: every step kind, repeat blocks, and errors that name the line.
#include "script.h"

#include <gtest/gtest.h>

using namespace kiosk::app;

TEST(Script, ParsesEveryStep) {
    auto s = parseScript(
        "# comment\n\ntap 10 20\ntap-id home.tile.guide\ndrag 1 2 3 4\ndrag 1 2 3 4 500\ntype 政策 abc\nkey Enter\n"
        "wait 100\nidle 5000\nscreenshot out.png\ndrag-id home.tile.check 0 -400 800\n",
        "t.kss");
    ASSERT_TRUE(s.has_value()) << s.error().message;
    ASSERT_EQ(s->size(), 10u);
    EXPECT_EQ((*s)[0].kind, Step::Kind::Tap);
    EXPECT_EQ((*s)[0].line, 3);
    EXPECT_EQ((*s)[1].text, "home.tile.guide");
    EXPECT_EQ((*s)[2].ms, 300);
    EXPECT_EQ((*s)[3].ms, 500);
    EXPECT_EQ((*s)[4].text, "政策 abc");
    EXPECT_EQ((*s)[7].kind, Step::Kind::Idle);
    EXPECT_EQ((*s)[8].text, "out.png");
    EXPECT_EQ((*s)[9].kind, Step::Kind::DragId);
    EXPECT_EQ((*s)[9].y2, -400.0f);
    EXPECT_EQ((*s)[9].ms, 800);
}

TEST(Script, ErrorsNameTheLine) {
    auto s = parseScript("tap 1 2\nclick 3 4\n", "t.kss");
    ASSERT_FALSE(s.has_value());
    EXPECT_NE(s.error().message.find("t.kss:2"), std::string::npos);
    EXPECT_NE(s.error().message.find("unknown step 'click'"), std::string::npos);
    EXPECT_FALSE(parseScript("tap 1\n", "t").has_value());
    EXPECT_FALSE(parseScript("wait -5\n", "t").has_value());
    EXPECT_FALSE(parseScript("key F13\n", "t").has_value());
    EXPECT_FALSE(parseScript("type\n", "t").has_value());
}

TEST(Script, RepeatBlocksPointAtTheirEnds) {
    auto s = parseScript("repeat 3\ntap 1 2\nrepeat 0\nwait 5\nend\nend\nwait 1\n", "t.kss");
    ASSERT_TRUE(s.has_value()) << s.error().message;
    ASSERT_EQ(s->size(), 7u);
    EXPECT_EQ((*s)[0].kind, Step::Kind::Repeat);
    EXPECT_EQ((*s)[0].ms, 3);
    EXPECT_EQ((*s)[0].jump, 5u);  // the outer end
    EXPECT_EQ((*s)[5].jump, 0u);
    EXPECT_EQ((*s)[2].ms, 0);
    EXPECT_EQ((*s)[2].jump, 4u);  // the inner end
    EXPECT_EQ((*s)[4].jump, 2u);

    auto unclosed = parseScript("tap 1 2\nrepeat 2\ntap 1 2\n", "t.kss");
    ASSERT_FALSE(unclosed.has_value());
    EXPECT_NE(unclosed.error().message.find("t.kss:2: 'repeat' has no 'end'"), std::string::npos)
        << unclosed.error().message;
    auto stray = parseScript("tap 1 2\nend\n", "t.kss");
    ASSERT_FALSE(stray.has_value());
    EXPECT_NE(stray.error().message.find("t.kss:2: 'end' without a 'repeat'"), std::string::npos);
    EXPECT_FALSE(parseScript("repeat\nend\n", "t").has_value());
    EXPECT_FALSE(parseScript("repeat -1\nend\n", "t").has_value());
    EXPECT_FALSE(parseScript("repeat 2\nend now\n", "t").has_value());
}
