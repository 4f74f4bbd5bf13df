// Configuration: defaults document every key; anything else is refused with
// a message naming the key and what is allowed.
#include "config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace kiosk;

TEST(Config, DefaultsParseAndMatchTheDocumentedFile) {
    auto c = config::defaults();
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_EQ(c->idleTimeoutS, 90);
    EXPECT_EQ(c->idleCountdownS, 30);
    EXPECT_EQ(c->language, "zh-CN");
    EXPECT_EQ(c->fontFace, 2);
    EXPECT_EQ(c->displayMode, "fullscreen");
    EXPECT_NE(config::defaultsText().find("timeout_s = 90"), std::string_view::npos);
}

TEST(Config, OverridesOnlyWhatTheSiteSets) {
    auto c = config::parse("[idle]\ntimeout_s = 120\n[site]\nname = \"青浦区企业服务中心\"\n", "site.toml");
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_EQ(c->idleTimeoutS, 120);
    EXPECT_EQ(c->idleCountdownS, 30);
    EXPECT_EQ(c->siteName, "青浦区企业服务中心");
}

TEST(Config, UnknownKeyIsNamedWithTheAllowedOnes) {
    auto c = config::parse("[idle]\ntimeout = 120\n", "site.toml");
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, ErrorCode::Config);
    EXPECT_NE(c.error().message.find("site.toml:2"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("'idle.timeout'"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("timeout_s, countdown_s"), std::string::npos) << c.error().message;
}

TEST(Config, UnknownSectionIsRefused) {
    auto c = config::parse("[camera]\nport = 9100\n", "site.toml");
    ASSERT_FALSE(c.has_value());
    EXPECT_NE(c.error().message.find("unknown section [camera]"), std::string::npos) << c.error().message;
}

TEST(Config, OutOfRangeSaysTheRange) {
    auto c = config::parse("[idle]\ncountdown_s = 5\n", "site.toml");
    ASSERT_FALSE(c.has_value());
    EXPECT_NE(c.error().message.find("allowed 20 to 300"), std::string::npos) << c.error().message;
}

TEST(Config, WrongWordListsTheChoices) {
    auto c = config::parse("[display]\nrenderer = \"vulkan\"\n", "site.toml");
    ASSERT_FALSE(c.has_value());
    EXPECT_NE(c.error().message.find("auto, gl, software"), std::string::npos) << c.error().message;
}

TEST(Config, WrongTypeIsExplained) {
    auto c = config::parse("[ui]\nelder_mode = \"yes\"\n", "site.toml");
    ASSERT_FALSE(c.has_value());
    EXPECT_NE(c.error().message.find("true or false"), std::string::npos) << c.error().message;
}

TEST(Config, SyntaxErrorHasLineAndColumn) {
    auto c = config::parse("[idle\n", "site.toml");
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, ErrorCode::Parse);
    EXPECT_NE(c.error().message.find("site.toml:1:"), std::string::npos) << c.error().message;
}

TEST(Config, MissingFileIsNotFound) {
    auto c = config::load(std::filesystem::path("/nonexistent/kiosk.toml"));
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, ErrorCode::NotFound);
}
