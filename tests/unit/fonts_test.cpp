// The atlas holds what the app shows; a code point missing at run time is
// added at the next rebuild instead of being drawn as '?'.
#include "ui/fonts.h"

#include "config/config.h"

#include <gtest/gtest.h>
#include <imgui.h>

using namespace kiosk;

TEST(Fonts, DecodesUtf8) {
    std::string_view s = "a政\xF0\x9F\x98\x80\xFF";
    EXPECT_EQ(ui::nextCodepoint(s), U'a');
    EXPECT_EQ(ui::nextCodepoint(s), U'政');
    EXPECT_EQ(ui::nextCodepoint(s), 0x1F600u);
    EXPECT_EQ(ui::nextCodepoint(s), 0xFFFDu);
    EXPECT_TRUE(s.empty());
}

TEST(Fonts, MissingGlyphIsAddedAtTheNextRebuild) {
    auto cfg = config::defaults();
    ASSERT_TRUE(cfg.has_value());
    ImGui::CreateContext();
    ui::FontLibrary fonts;
    ASSERT_TRUE(fonts.open(cfg->fontRegular, cfg->fontBold, cfg->fontFace).has_value());
    fonts.addText("办事指南");
    const ui::Metrics m = ui::computeMetrics(1024, 600, false);
    ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
    auto first = fonts.build(atlas, m);
    ASSERT_TRUE(first.has_value()) << first.error().message;
    ImFont* body = fonts.font(ui::FontRole::Body);
    EXPECT_NE(body->FindGlyphNoFallback(U'办'), nullptr);
    EXPECT_EQ(body->FindGlyphNoFallback(U'措'), nullptr);  // 措 in 措施: not yet wanted

    fonts.check("办事指南", ui::FontRole::Body);
    EXPECT_FALSE(fonts.needsRebuild());
    fonts.check("政策措施和部署", ui::FontRole::Body);
    fonts.check("部署", ui::FontRole::Title);
    EXPECT_TRUE(fonts.needsRebuild());
    auto second = fonts.build(atlas, m);
    ASSERT_TRUE(second.has_value());
    EXPECT_GT(second->codepoints, first->codepoints);
    EXPECT_NE(fonts.font(ui::FontRole::Body)->FindGlyphNoFallback(U'措'), nullptr);
    EXPECT_NE(fonts.font(ui::FontRole::Title)->FindGlyphNoFallback(U'署'), nullptr) << "full-width set";
    fonts.check("政策措施", ui::FontRole::Body);
    EXPECT_FALSE(fonts.needsRebuild());
    EXPECT_EQ(fonts.font(ui::FontRole::Display)->FindGlyphNoFallback(U'措'), nullptr) << "only the size that drew it";

    // Traditional characters render too.
    fonts.check("實施", ui::FontRole::Body);
    ASSERT_TRUE(fonts.build(atlas, m).has_value());
    EXPECT_NE(fonts.font(ui::FontRole::Body)->FindGlyphNoFallback(U'實'), nullptr);
    fonts.detach(atlas);
    ImGui::DestroyContext();
}
