// ESC/POS encoding of receipts (escpos_encoder.h).
#include "escpos_encoder.h"

#include "text_wrap.h"

#include <fmt/format.h>
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <iconv.h>

namespace platform::escpos {
namespace {

using namespace std::string_view_literals;

// The commands, spelled out once.
constexpr std::string_view kInit = "\x1b\x40"sv;               // ESC @
constexpr std::string_view kChineseOn = "\x1c\x26"sv;          // FS &
constexpr std::string_view kFontA = "\x1b\x4d\x00"sv;          // ESC M 0
constexpr std::string_view kAlignLeft = "\x1b\x61\x00"sv;      // ESC a 0
constexpr std::string_view kAlignCentre = "\x1b\x61\x01"sv;    // ESC a 1
constexpr std::string_view kBoldOn = "\x1b\x45\x01"sv;         // ESC E 1
constexpr std::string_view kBoldOff = "\x1b\x45\x00"sv;        // ESC E 0
constexpr std::string_view kDoubleSize = "\x1d\x21\x11"sv;     // GS ! 0x11: double width and height
constexpr std::string_view kNormalSize = "\x1d\x21\x00"sv;     // GS ! 0
constexpr std::string_view kFeedAndCut = "\x1d\x56\x42\x20"sv; // GS V 66 32: feed to the cutter + 32 units, partial cut
constexpr char kLineFeed = '\x0a';

// Converts UTF-8 to GB18030 through one iconv descriptor.
class Gb18030 {
public:
    Gb18030() : m_cd(iconv_open("GB18030", "UTF-8")) {}
    ~Gb18030() {
        if (ok()) iconv_close(m_cd);
    }
    Gb18030(const Gb18030&) = delete;
    Gb18030& operator=(const Gb18030&) = delete;
    bool ok() const { return m_cd != reinterpret_cast<iconv_t>(-1); }

    // `utf8` is sanitised (valid UTF-8), so iconv only stops for a full buffer.
    kiosk::Result<std::string> convert(const std::string& utf8) {
        std::string out(utf8.size() * 2 + 8, '\0');
        std::string in = utf8;
        char* inPtr = in.data();
        std::size_t inLeft = in.size();
        char* outPtr = out.data();
        std::size_t outLeft = out.size();
        iconv(m_cd, nullptr, nullptr, nullptr, nullptr);
        if (iconv(m_cd, &inPtr, &inLeft, &outPtr, &outLeft) == static_cast<std::size_t>(-1))
            return kiosk::fail(kiosk::ErrorCode::Internal,
                               fmt::format("GB18030 conversion stopped (errno {})", errno));
        out.resize(out.size() - outLeft);
        return out;
    }

private:
    iconv_t m_cd;
};

// Writes the job's text in one of the two modes.
class TextSink {
public:
    virtual ~TextSink() = default;
    virtual kiosk::Result<void> title(const std::string& text) = 0;
    virtual kiosk::Result<void> line(const std::string& text, bool centre) = 0;
    virtual void blankLine() = 0;
};

class Gb18030Sink final : public TextSink {
public:
    Gb18030Sink(std::string& out, int widthDots) : m_out(out), m_columns(widthDots / kFontADots) {}
    bool ok() const { return m_conv.ok(); }

    kiosk::Result<void> title(const std::string& text) override {
        m_out += kAlignCentre;
        m_out += kDoubleSize;
        m_out += kBoldOn;
        auto r = lines(text, m_columns / 2);
        m_out += kBoldOff;
        m_out += kNormalSize;
        m_out += kAlignLeft;
        return r;
    }
    kiosk::Result<void> line(const std::string& text, bool centre) override {
        if (centre) m_out += kAlignCentre;
        auto r = lines(text, m_columns);
        if (centre) m_out += kAlignLeft;
        return r;
    }
    void blankLine() override { m_out += kLineFeed; }

private:
    kiosk::Result<void> lines(const std::string& text, int columns) {
        for (const auto& l : wrapText(text, columns, fontAColumns)) {
            auto bytes = m_conv.convert(l);
            if (!bytes) return std::unexpected(bytes.error());
            m_out += *bytes;
            m_out += kLineFeed;
        }
        return {};
    }

    std::string& m_out;
    int m_columns;
    Gb18030 m_conv;
};

class RasterSink final : public TextSink {
public:
    RasterSink(std::string& out, int widthDots, TextRaster& font) : m_out(out), m_width(widthDots), m_font(font) {}

    kiosk::Result<void> title(const std::string& text) override {
        draw(text, kTitleStyle, true);
        return {};
    }
    kiosk::Result<void> line(const std::string& text, bool centre) override {
        draw(text, kBodyStyle, centre);
        return {};
    }
    void blankLine() override {
        // ESC J n: feed n dots without printing.
        m_out += "\x1b\x4a";
        m_out += static_cast<char>(TextRaster::lineHeight(kBodyStyle));
    }

private:
    void draw(const std::string& text, const TextStyle& style, bool centre) {
        const auto measure = [&](char32_t cp) { return m_font.advance(cp, style); };
        for (const auto& l : wrapText(text, m_width, measure))
            m_out += rasterCommand(m_font.drawLine(l, style, m_width, centre));
    }

    std::string& m_out;
    int m_width;
    TextRaster& m_font;
};

}  // namespace

std::string rasterCommand(const Bitmap& picture) {
    std::string out;
    const int bytesPerRow = picture.width / 8;
    // Bands of equal height, none taller than kMaxBandRows.
    const int bands = (picture.height + kMaxBandRows - 1) / kMaxBandRows;
    const int bandRows = bands > 0 ? (picture.height + bands - 1) / bands : 0;
    for (int top = 0; top < picture.height; top += bandRows) {
        const int rows = std::min(bandRows, picture.height - top);
        // GS v 0 m xL xH yL yH: m = 0 normal size; x in bytes, y in rows.
        out += "\x1d\x76\x30";
        out += '\0';
        out += static_cast<char>(bytesPerRow & 0xFF);
        out += static_cast<char>(bytesPerRow >> 8);
        out += static_cast<char>(rows & 0xFF);
        out += static_cast<char>(rows >> 8);
        for (int y = top; y < top + rows; ++y)
            for (int xb = 0; xb < bytesPerRow; ++xb) {
                unsigned byte = 0;
                for (int bit = 0; bit < 8; ++bit)
                    if (picture.at(xb * 8 + bit, y)) byte |= 0x80u >> bit;  // leftmost dot is the high bit
                out += static_cast<char>(byte);
            }
    }
    return out;
}

kiosk::Result<Bitmap> qrPicture(const std::string& payload, int width) {
    QRcode* qr = QRcode_encodeString8bit(payload.c_str(), 0, QR_ECLEVEL_M);
    if (!qr)
        return kiosk::fail(kiosk::ErrorCode::InvalidArgument,
                           fmt::format("a QR code cannot hold {} bytes of text (keep QR payloads short)", payload.size()));
    constexpr int kQuiet = 4;  // modules of white around the code, as the QR standard asks
    const int modules = qr->width + 2 * kQuiet;
    // About half the paper wide, 2–8 dots per module.
    const int scale = std::clamp(width * 55 / 100 / modules, 2, 8);
    Bitmap bm(width, modules * scale);
    const int left = std::max(0, (width - modules * scale) / 2);
    for (int my = 0; my < qr->width; ++my)
        for (int mx = 0; mx < qr->width; ++mx) {
            if ((qr->data[my * qr->width + mx] & 1) == 0) continue;  // bit 0: dark module
            for (int dy = 0; dy < scale; ++dy)
                for (int dx = 0; dx < scale; ++dx)
                    bm.set(left + (kQuiet + mx) * scale + dx, (kQuiet + my) * scale + dy);
        }
    QRcode_free(qr);
    return bm;
}

kiosk::Result<std::string> encodeJob(const PrintJob& job, const EncodeOptions& options) {
    const int width = std::max(8, options.widthDots / 8 * 8);
    std::string out(kInit);

    std::unique_ptr<TextRaster> font;
    std::unique_ptr<TextSink> sink;
    if (options.textMode == TextMode::Raster) {
        auto f = TextRaster::open(options.fontPath, options.fontFace);
        if (!f) return std::unexpected(f.error());
        font = std::move(*f);
        sink = std::make_unique<RasterSink>(out, width, *font);
    } else {
        auto gb = std::make_unique<Gb18030Sink>(out, width);
        if (!gb->ok())
            return kiosk::fail(kiosk::ErrorCode::Unsupported,
                               "this system cannot convert text to GB18030 (glibc's gconv modules are missing); "
                               "use printer.text_mode = \"raster\"");
        out += kChineseOn;
        out += kFontA;
        sink = std::move(gb);
    }

    if (!job.title.empty()) {
        if (auto r = sink->title(sanitizeText(job.title)); !r) return std::unexpected(r.error());
        sink->blankLine();
    }
    for (const auto& l : job.lines) {
        if (l.empty()) {
            sink->blankLine();
            continue;
        }
        if (auto r = sink->line(sanitizeText(l), false); !r) return std::unexpected(r.error());
    }
    if (!job.qr.empty()) {
        auto picture = qrPicture(job.qr, width);
        if (!picture) return std::unexpected(picture.error());
        sink->blankLine();
        out += rasterCommand(*picture);
        if (auto r = sink->line(sanitizeText(job.qr), true); !r) return std::unexpected(r.error());
    }
    out += kFeedAndCut;
    return out;
}

}  // namespace platform::escpos
