// Test scripts for the headless kiosk: one step per line, replayed on a
// virtual clock so that every run draws the same frames.
//
//   tap X Y                 touch and release at (X, Y) px
//   tap-id WIDGET_ID        touch the centre of a widget drawn in the last frame
//   hold X Y MS             touch at (X, Y), keep the finger there MS, release
//   drag X1 Y1 X2 Y2 [MS]   press, move in a straight line over MS (default 300), release
//   drag-id WIDGET DX DY [MS]  the same, starting at a widget's centre, moving by (DX, DY)
//   type TEXT               text typed on a keyboard (the rest of the line, UTF-8)
//   scan TEXT               the QR/barcode scanner reads TEXT (the rest of the line)
//   key NAME                Backspace Delete Enter Tab Escape Left Right Home End
//   wait MS                 let MS pass (animations and timers run)
//   idle MS                 like wait, and frames drawn meanwhile count as idle frames
//   screenshot PATH         write the current screen as PNG
//   repeat N                run the steps up to the matching `end` N times
//   end                       (blocks nest; long soak runs stay a short script)
//   # comment               blank lines and comments are ignored
#pragma once

#include "base/error.h"

#include <string>
#include <string_view>
#include <vector>

namespace kiosk::app {

struct Step {
    enum class Kind { Tap, TapId, Hold, Drag, DragId, Type, Key, Scan, Wait, Idle, Screenshot, Repeat, End };
    Kind kind = Kind::Wait;
    int line = 0;              // 1-based line in the script, for messages
    float x = 0, y = 0, x2 = 0, y2 = 0;
    int ms = 0;                // also a repeat's count
    std::string text;          // widget id, typed text, key name or path
    std::size_t jump = 0;      // repeat: the index of its end; end: the index of its repeat
};

[[nodiscard]] Result<std::vector<Step>> parseScript(std::string_view text, std::string_view origin);
[[nodiscard]] Result<std::vector<Step>> loadScript(const std::string& path);

}  // namespace kiosk::app
