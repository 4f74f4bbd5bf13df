// The ESC/POS encoder (escpos_encoder.h) against golden byte files: a case
// receipt (title, Chinese and ASCII lines, a line that wraps, a QR code) in
// both text modes. KIOSK_UPDATE_GOLDENS=1 rewrites the goldens instead of
// comparing; a mismatch names the first differing offset and leaves
// NAME.actual.bin in the test output folder. Every stream is also walked
// command by command, and raster receipts are drawn into PNGs there
// (receipt_raster_576.png) for a person to look at.
#include "escpos_encoder.h"
#include "config/config.h"
#include "image.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iconv.h>
#include <sstream>

namespace fs = std::filesystem;
using namespace platform::escpos;

namespace {

const fs::path kGoldens = fs::path(KIOSK_SOURCE_DIR) / "tests/platform/printer/golden";
const fs::path kOut = PRINTER_TEST_OUT;

platform::PrintJob receipt() {
    platform::PrintJob job;
    job.title = "受理回执 Case receipt";
    job.lines = {
        "受理编号 Case no.: KS01-20250314-0007",
        "事项：企业开办（设立登记）",
        "",
        "请凭受理编号到3号窗口领取办理结果，也可以在本机「办件查询」中输入编号和手机号后四位查看进度。",
        "Bring this slip to window 3 to collect the result, or check the progress on this kiosk under Case lookup.",
        "打印时间 Printed at: 2025-03-14 10:32",
    };
    job.qr = "KS01-20250314-0007";
    return job;
}

EncodeOptions options(TextMode mode, int width) {
    EncodeOptions o;
    o.textMode = mode;
    o.widthDots = width;
    auto defaults = kiosk::config::defaults();  // the app's own font and face
    o.fontPath = defaults->fontRegular;
    o.fontFace = defaults->fontFace;
    return o;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void expectGolden(const std::string& actual, const std::string& name) {
    const fs::path golden = kGoldens / (name + ".bin");
    if (std::getenv("KIOSK_UPDATE_GOLDENS")) {
        fs::create_directories(kGoldens);
        std::ofstream(golden, std::ios::binary) << actual;
        return;
    }
    ASSERT_TRUE(fs::exists(golden)) << "no golden " << golden << ": run with KIOSK_UPDATE_GOLDENS=1 and check it";
    const std::string expected = slurp(golden);
    if (expected == actual) return;
    std::size_t at = 0;
    while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
    fs::create_directories(kOut);
    std::ofstream(kOut / (name + ".actual.bin"), std::ios::binary) << actual;
    ADD_FAILURE() << name << ": differs from the golden at byte offset " << at << " (golden " << expected.size()
                  << " bytes, actual " << actual.size() << "); actual bytes in " << (kOut / (name + ".actual.bin"));
}

// What a printer would do with the stream, for the commands the encoder
// uses: text (gb18030 mode) collected per line, pictures stacked into one
// page image. Anything else fails the test: the stream must hold nothing
// the encoder did not mean to send.
struct Page {
    int width = 0;
    std::vector<std::vector<std::uint8_t>> rows;  // dots, 1 = black
    std::vector<std::string> textLines;           // raw GB18030 bytes per LF
    int pictures = 0;
    bool initialised = false, chineseMode = false, cut = false;
};

Page walk(const std::string& s, int width) {
    Page p;
    p.width = width;
    std::string text;
    auto u = [&](std::size_t i) { return static_cast<std::uint8_t>(s.at(i)); };
    for (std::size_t i = 0; i < s.size();) {
        const std::uint8_t b = u(i);
        if (b == 0x1B) {
            const std::uint8_t c = u(i + 1);
            if (c == '@') { p.initialised = true; i += 2; continue; }
            if (c == 'J') { p.rows.insert(p.rows.end(), u(i + 2), std::vector<std::uint8_t>(width, 0)); i += 3; continue; }
            if (c == 'a' || c == 'E' || c == 'M') { i += 3; continue; }
        } else if (b == 0x1D) {
            const std::uint8_t c = u(i + 1);
            if (c == '!') { i += 3; continue; }
            if (c == 'V' && u(i + 2) == 66) { p.cut = true; i += 4; EXPECT_EQ(i, s.size()) << "cut is last"; continue; }
            if (c == 'v' && u(i + 2) == '0') {
                const int xBytes = u(i + 4) | (u(i + 5) << 8), rows = u(i + 6) | (u(i + 7) << 8);
                EXPECT_EQ(xBytes * 8, width);
                i += 8;
                for (int y = 0; y < rows; ++y) {
                    std::vector<std::uint8_t> row(width, 0);
                    for (int x = 0; x < xBytes * 8; ++x) row[x] = (u(i + x / 8) >> (7 - x % 8)) & 1;
                    p.rows.push_back(std::move(row));
                    i += xBytes;
                }
                ++p.pictures;
                continue;
            }
        } else if (b == 0x1C && u(i + 1) == '&') {
            p.chineseMode = true;
            i += 2;
            continue;
        } else if (b == 0x0A) {
            p.textLines.push_back(text);
            text.clear();
            ++i;
            continue;
        } else if (b >= 0x20) {
            text += static_cast<char>(b);
            ++i;
            continue;
        }
        ADD_FAILURE() << "unexpected byte 0x" << std::hex << int(b) << " at offset " << std::dec << i;
        return p;
    }
    EXPECT_TRUE(text.empty()) << "text after the last line feed";
    return p;
}

std::string gbToUtf8(const std::string& gb) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    std::string in = gb, out(gb.size() * 3 + 4, '\0');
    char* ip = in.data();
    char* op = out.data();
    std::size_t il = in.size(), ol = out.size();
    const std::size_t rc = iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    EXPECT_NE(rc, static_cast<std::size_t>(-1)) << "not GB18030";
    out.resize(out.size() - ol);
    return out;
}

int fontAColumnsOf(const std::string& gb) {  // ASCII one column, every multi-byte character two
    int cols = 0;
    for (std::size_t i = 0; i < gb.size();) {
        const auto c = static_cast<std::uint8_t>(gb[i]);
        if (c < 0x80) { cols += 1; i += 1; continue; }
        const auto c2 = static_cast<std::uint8_t>(gb[i + 1]);
        i += (c2 >= 0x30 && c2 <= 0x39) ? 4 : 2;
        cols += 2;
    }
    return cols;
}

void writePagePng(const Page& p, const std::string& name) {
    platform::Image img;
    img.width = p.width;
    img.height = static_cast<int>(p.rows.size());
    img.rgba.reserve(static_cast<std::size_t>(img.width) * img.height * 4);
    for (const auto& row : p.rows)
        for (int x = 0; x < p.width; ++x) {
            const std::uint8_t v = row[x] ? 0 : 255;
            img.rgba.insert(img.rgba.end(), {v, v, v, 255});
        }
    fs::create_directories(kOut);
    ASSERT_TRUE(platform::writePng(kOut / (name + ".png"), img));
}

}  // namespace

TEST(EscposEncoder, Gb18030ReceiptMatchesGolden) {
    for (const int width : {576, 384}) {
        auto bytes = encodeJob(receipt(), options(TextMode::Gb18030, width));
        ASSERT_TRUE(bytes) << bytes.error().message;
        expectGolden(*bytes, "receipt_gb18030_" + std::to_string(width));

        const Page p = walk(*bytes, width);
        EXPECT_TRUE(p.initialised && p.chineseMode && p.cut);
        EXPECT_GE(p.pictures, 1);  // the QR code (in bands of at most 256 rows)
        std::vector<std::string> utf8;
        for (const auto& l : p.textLines) {
            utf8.push_back(gbToUtf8(l));
            EXPECT_LE(fontAColumnsOf(l), width / kFontADots) << utf8.back();
        }
        // The title is printed at double width: half as many columns.
        const std::vector<std::string> want576 = {
            "受理回执 Case receipt",
            "",
            "受理编号 Case no.: KS01-20250314-0007",
            "事项：企业开办（设立登记）",
            "",
            "请凭受理编号到3号窗口领取办理结果，也可以在本机",
            "「办件查询」中输入编号和手机号后四位查看进度。",
            "Bring this slip to window 3 to collect the",
            "result, or check the progress on this kiosk",
            "under Case lookup.",
            "打印时间 Printed at: 2025-03-14 10:32",
            "",
            "KS01-20250314-0007",  // under the QR code
        };
        const std::vector<std::string> want384 = {
            "受理回执 Case",
            "receipt",
            "",
            "受理编号 Case no.:",
            "KS01-20250314-0007",
            "事项：企业开办（设立登记）",
            "",
            "请凭受理编号到3号窗口领取办理结",
            "果，也可以在本机「办件查询」中输",
            "入编号和手机号后四位查看进度。",
            "Bring this slip to window 3 to",
            "collect the result, or check the",
            "progress on this kiosk under",
            "Case lookup.",
            "打印时间 Printed at: 2025-03-14",
            "10:32",
            "",
            "KS01-20250314-0007",
        };
        EXPECT_EQ(utf8, width == 576 ? want576 : want384);
    }
}

TEST(EscposEncoder, RasterReceiptMatchesGoldenAndDrawsAPage) {
    auto bytes = encodeJob(receipt(), options(TextMode::Raster, 576));
    ASSERT_TRUE(bytes) << bytes.error().message;
    expectGolden(*bytes, "receipt_raster_576");
    const Page p = walk(*bytes, 576);
    EXPECT_TRUE(p.initialised && p.cut);
    EXPECT_FALSE(p.chineseMode);
    EXPECT_TRUE(p.textLines.empty()) << "raster mode sends no text";
    EXPECT_GE(p.pictures, 10);
    writePagePng(p, "receipt_raster_576");

    // 58 mm paper, for the eye only (the same code paths as above).
    auto narrow = encodeJob(receipt(), options(TextMode::Raster, 384));
    ASSERT_TRUE(narrow);
    writePagePng(walk(*narrow, 384), "receipt_raster_384");
}

TEST(EscposEncoder, IsDeterministic) {
    for (const auto mode : {TextMode::Gb18030, TextMode::Raster}) {
        auto a = encodeJob(receipt(), options(mode, 576));
        auto b = encodeJob(receipt(), options(mode, 576));
        ASSERT_TRUE(a && b);
        EXPECT_EQ(*a, *b);
    }
}

TEST(EscposEncoder, TextCannotInjectCommands) {
    platform::PrintJob job;
    job.title = "t";
    job.lines = {std::string("\x1d\x56\x42\x00 cut now \x1b@", 15)};
    auto bytes = encodeJob(job, options(TextMode::Gb18030, 576));
    ASSERT_TRUE(bytes);
    const Page p = walk(*bytes, 576);  // walk() fails on any byte it does not expect
    EXPECT_EQ(p.textLines.at(2), " VB  cut now  @");
}

TEST(EscposEncoder, ExplainsWhatIsMissing) {
    auto o = options(TextMode::Raster, 576);
    o.fontPath = "/nonexistent/font.ttc";
    auto r = encodeJob(receipt(), o);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("fonts.regular"), std::string::npos) << r.error().message;

    platform::PrintJob job;
    job.qr = std::string(5000, 'x');
    auto q = encodeJob(job, options(TextMode::Gb18030, 576));
    ASSERT_FALSE(q);
    EXPECT_NE(q.error().message.find("QR"), std::string::npos);
}

TEST(EscposEncoder, QrIsCentredAndScaled) {
    auto qr = qrPicture("KS01-20250314-0007", 576);
    ASSERT_TRUE(qr);
    int minX = qr->width, maxX = -1;
    for (int y = 0; y < qr->height; ++y)
        for (int x = 0; x < qr->width; ++x)
            if (qr->at(x, y)) minX = std::min(minX, x), maxX = std::max(maxX, x);
    EXPECT_LE(std::abs(minX - (qr->width - 1 - maxX)), 1) << "left and right margins equal";
    EXPECT_GE(maxX - minX + 1, 576 / 3);  // big enough to scan from a slip
}

TEST(EscposEncoder, TestPageRendersInRaster) {
    const auto job = platform::testPageJob("KS01", "青浦区行政服务中心 Qingpu Service Centre", "2025-03-14 10:32:00");
    auto bytes = encodeJob(job, options(TextMode::Raster, 576));
    ASSERT_TRUE(bytes) << bytes.error().message;
    writePagePng(walk(*bytes, 576), "test_page_raster_576");
}
