// Breaks one line of receipt text into lines that fit the paper. Both text
// modes use it: in gb18030 mode widths are character columns of the printer's
// font, in raster mode they are dots of the kiosk's own font. Chinese may
// break between any two characters, Latin only at spaces (a word wider than
// the paper is cut where it must be), and closing punctuation such as "，。）"
// never starts a line, nor an opening bracket end one.
//
// Pure functions: no printer, no font, no allocation beyond the result.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace platform::escpos {

// Width of one code point in the caller's unit (columns, dots).
using MeasureFn = std::function<int(char32_t)>;

// True for characters that allow a line break before and after them: CJK
// ideographs, kana, hangul, CJK punctuation and full-width forms.
bool breaksAnywhere(char32_t cp);

// Columns a character takes in the printer's Font A in Chinese mode: ASCII 1,
// everything else 2 (the printer draws every non-ASCII character from its
// 24×24 Chinese font).
int fontAColumns(char32_t cp);

// Replaces control characters (which would be printer commands) with spaces
// and malformed UTF-8 with U+FFFD, so text can never steer the printer.
std::string sanitizeText(std::string_view utf8);

// The lines of `utf8` no wider than `width`. Spaces where a line breaks are
// dropped; an empty input gives one empty line.
std::vector<std::string> wrapText(std::string_view utf8, int width, const MeasureFn& measure);

}  // namespace platform::escpos
