// Turns a PrintJob into the ESC/POS byte stream of one receipt. A pure
// function: the same job and options give the same bytes (the goldens in
// tests/platform/printer/golden hold it to that), and it never touches a
// device. The stream is
//
//   ESC @                      reset
//   [FS &  ESC M 0]            gb18030 mode: Chinese mode on, Font A
//   title                      centred, double size (GS ! 0x11) and bold (ESC E 1)
//   blank line
//   body lines                 wrapped to the paper width
//   blank line, QR, its text   QR as a GS v 0 picture, centred; text centred under it
//   GS V 66 n                  feed to the cutter and cut partially
//
// In gb18030 mode text goes out as GB18030 bytes (glibc iconv) for the
// printer's own Chinese font, wrapped at its Font A columns (widthDots / 12;
// a Chinese character takes two). In raster mode every line is drawn with
// the kiosk's font (text_raster.h) and sent as a GS v 0 picture, so printers
// without a Chinese font print Chinese too.
#pragma once

#include "base/error.h"
#include "printer.h"
#include "text_raster.h"

#include <string>

namespace platform::escpos {

enum class TextMode { Gb18030, Raster };

struct EncodeOptions {
    TextMode textMode = TextMode::Gb18030;
    int widthDots = 576;   // printable width; rounded down to a multiple of 8 (384–832 from the config)
    std::string fontPath;  // raster mode: the font file drawn with
    int fontFace = 2;      // raster mode: face index in the collection
};

// Text sizes in raster mode, chosen to match the printer's own fonts.
inline constexpr TextStyle kBodyStyle{24, false};
inline constexpr TextStyle kTitleStyle{48, true};

// Font A is 12 dots wide: 48 columns on 576 dots, 32 on 384.
inline constexpr int kFontADots = 12;

// Most rows sent in one GS v 0 command (longer pictures go in bands).
inline constexpr int kMaxBandRows = 256;

// The whole receipt. Fails when the font cannot be opened (raster mode),
// the system has no GB18030 converter, or the QR payload is too long.
[[nodiscard]] kiosk::Result<std::string> encodeJob(const PrintJob& job, const EncodeOptions& options);

// GS v 0 commands for `picture` (width a multiple of 8).
std::string rasterCommand(const Bitmap& picture);

// The QR code of `payload` (8-bit mode, level M) with a 4-module quiet zone,
// 2–8 dots per module so that it is about half the paper wide, centred in a
// picture `width` dots wide. Fails when the payload does not fit a QR code.
[[nodiscard]] kiosk::Result<Bitmap> qrPicture(const std::string& payload, int width);

}  // namespace platform::escpos
