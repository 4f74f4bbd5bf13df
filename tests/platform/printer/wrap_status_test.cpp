// Line breaking (text_wrap.h) and the DLE EOT status parser
// (escpos_status.h): pure functions, every byte value of every query.
#include "escpos_status.h"
#include "text_wrap.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using platform::PrinterStatus;
using namespace platform::escpos;

namespace {

int columns(const std::string& s) {
    int w = 0;
    for (unsigned char c : s)
        if (c < 0x80) w += 1;
        else if ((c & 0xC0) != 0x80) w += 2;
    return w;
}

std::vector<std::string> wrapCols(const std::string& s, int width) { return wrapText(s, width, fontAColumns); }

}  // namespace

// --- wrapping --------------------------------------------------------------------

TEST(PrinterWrap, ChineseFillsTheLineTwoColumnsEach) {
    std::string s;
    for (int i = 0; i < 30; ++i) s += "字";
    const auto lines = wrapCols(s, 48);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(columns(lines[0]), 48);
    EXPECT_EQ(columns(lines[1]), 12);
    EXPECT_EQ(wrapCols(s, 32).size(), 2u);  // 58 mm paper: 16 per line
    EXPECT_EQ(columns(wrapCols(s, 32)[0]), 32);
}

TEST(PrinterWrap, LatinBreaksAtSpacesAndDropsThem) {
    const auto lines = wrapCols("the quick brown fox jumps over the lazy dog", 16);
    ASSERT_EQ(lines, (std::vector<std::string>{"the quick brown", "fox jumps over", "the lazy dog"}));
}

TEST(PrinterWrap, AWordWiderThanThePaperIsCut) {
    const auto lines = wrapCols("see https://example.gov.cn/a/very/long/path", 16);
    ASSERT_EQ(lines, (std::vector<std::string>{"see", "https://example.", "gov.cn/a/very/lo", "ng/path"}));
}

TEST(PrinterWrap, ClosingPunctuationNeverStartsALine) {
    // 7 characters fill 14 columns; the comma would start line 2, so the
    // character before it moves down with it.
    const auto lines = wrapCols("一二三四五六七，八九", 14);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "一二三四五六");
    EXPECT_EQ(lines[1], "七，八九");
}

TEST(PrinterWrap, OpeningBracketNeverEndsALine) {
    const auto lines = wrapCols("一二三四五六「七八」", 14);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "一二三四五六");
    EXPECT_EQ(lines[1], "「七八」");
}

TEST(PrinterWrap, MixedTextBreaksBetweenChineseAndLatin) {
    const auto lines = wrapCols("受理编号 Case no.: KS01-20250314-0007", 24);
    for (const auto& l : lines) EXPECT_LE(columns(l), 24) << l;
    EXPECT_EQ(lines.front(), "受理编号 Case no.:");
}

TEST(PrinterWrap, KeepsTheFirstLinesIndentOnly) {
    const auto lines = wrapCols("   indented text that wraps", 14);
    ASSERT_EQ(lines, (std::vector<std::string>{"   indented", "text that", "wraps"}));
}

TEST(PrinterWrap, EmptyTextIsOneEmptyLine) { EXPECT_EQ(wrapCols("", 48), std::vector<std::string>{""}); }

TEST(PrinterWrap, ControlCharactersCannotReachThePrinter) {
    EXPECT_EQ(sanitizeText("a\x1b@b\x1dV\tc\x7f"), "a @b V c ");
    EXPECT_EQ(sanitizeText("ok\xff"), "ok\xEF\xBF\xBD");  // malformed UTF-8 becomes U+FFFD
    EXPECT_EQ(sanitizeText("中文"), "中文");
}

// --- status ------------------------------------------------------------------------

namespace {

constexpr std::uint8_t kQuiet = 0x12;  // a valid reply with no condition set

bool bit(int b, int n) { return (b >> n) & 1; }

// What each byte means, written from the ESC/POS tables independently of the
// parser: the condition a lone reply to query `n` should give (the other
// queries answer kQuiet).
PrinterStatus::Code expected(int n, int b) {
    using C = PrinterStatus::Code;
    if ((b & 0x93) != 0x12) return C::Unknown;
    switch (n) {
        case 1: return bit(b, 3) ? C::Offline : C::Ready;
        case 2:
            if (bit(b, 2)) return C::CoverOpen;
            if (bit(b, 5)) return C::PaperOut;
            if (bit(b, 6)) return C::Error;
            return C::Ready;  // bit 3 (feed button) alone: the printer says it is online
        case 3: return (bit(b, 2) || bit(b, 3) || bit(b, 5) || bit(b, 6)) ? C::Error : C::Ready;
        case 4:
            if (bit(b, 5) || bit(b, 6)) return C::PaperOut;
            if (bit(b, 2) || bit(b, 3)) return C::PaperLow;
            return C::Ready;
    }
    return C::Unknown;
}

}  // namespace

TEST(EscposStatus, EveryByteOfEveryQuery) {
    for (int n = 1; n <= 4; ++n) {
        int replies = 0;
        for (int b = 0; b < 256; ++b) {
            StatusReplies r{kQuiet, kQuiet, kQuiet, kQuiet};
            std::optional<std::uint8_t>* slot[] = {&r.printer, &r.offline, &r.error, &r.paper};
            *slot[n - 1] = static_cast<std::uint8_t>(b);
            const PrinterStatus s = interpretStatus(r);
            EXPECT_EQ(s.code, expected(n, b)) << "DLE EOT " << n << " answered 0x" << std::hex << b;
            EXPECT_EQ(s.detail.empty(), s.code == PrinterStatus::Code::Ready) << n << " " << b;
            EXPECT_EQ(isStatusReply(static_cast<std::uint8_t>(b)), s.code != PrinterStatus::Code::Unknown);
            replies += s.code != PrinterStatus::Code::Unknown;
        }
        EXPECT_EQ(replies, 16) << "four free bits per reply";  // bits 2, 3, 5, 6
    }
}

TEST(EscposStatus, NoAnswerToTheFirstQueryIsUnknown) {
    const PrinterStatus s = interpretStatus(StatusReplies{});
    EXPECT_EQ(s.code, PrinterStatus::Code::Unknown);
    EXPECT_EQ(platform::stateText(s), "no status reply");
}

TEST(EscposStatus, MissingLaterAnswersOnlyHideDetail) {
    EXPECT_EQ(interpretStatus(StatusReplies{kQuiet, {}, {}, {}}).code, PrinterStatus::Code::Ready);
    EXPECT_EQ(interpretStatus(StatusReplies{0x1A, {}, {}, {}}).code, PrinterStatus::Code::Offline);
}

TEST(EscposStatus, TheMostUrgentConditionWins) {
    using C = PrinterStatus::Code;
    // Offline because the cover is open, and the paper sensor sees no paper
    // through the open cover: close the cover first.
    EXPECT_EQ(interpretStatus(StatusReplies{0x1A, 0x16, kQuiet, 0x72}).code, C::CoverOpen);
    // Offline, stopped at paper end.
    const PrinterStatus out = interpretStatus(StatusReplies{0x1A, 0x32, kQuiet, 0x72});
    EXPECT_EQ(out.code, C::PaperOut);
    EXPECT_EQ(platform::stateText(out), "paper out");
    // Cutter jam.
    const PrinterStatus cut = interpretStatus(StatusReplies{0x1A, 0x52, 0x1A, kQuiet});
    EXPECT_EQ(cut.code, C::Error);
    EXPECT_NE(platform::stateText(cut).find("error: the auto-cutter is jammed"), std::string::npos);
    // Feed button held.
    EXPECT_NE(interpretStatus(StatusReplies{0x5A, 0x1A, kQuiet, kQuiet}).detail.find("feed button"), std::string::npos);
    // Near end only.
    EXPECT_EQ(platform::stateText(interpretStatus(StatusReplies{kQuiet, kQuiet, kQuiet, 0x1E})), "paper low");
    // A byte from something that is not a printer.
    const PrinterStatus junk = interpretStatus(StatusReplies{0x41, {}, {}, {}});
    EXPECT_EQ(junk.code, C::Unknown);
    EXPECT_NE(junk.detail.find("0x41"), std::string::npos);
}

TEST(EscposStatus, QueryBytes) {
    EXPECT_EQ(statusQueryBytes(StatusQuery::Printer), std::string("\x10\x04\x01", 3));
    EXPECT_EQ(statusQueryBytes(StatusQuery::Paper), std::string("\x10\x04\x04", 3));
}
