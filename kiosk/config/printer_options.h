// The printer a configuration describes, as platform::makePrinter wants it:
// one mapping for the kiosk and for `kioskctl printer`. Header-only so that
// kiosk_config itself never depends on the printer library; only targets
// that link platform_printer include it.
#pragma once

#include "config/config.h"
#include "printer.h"

namespace kiosk::config {

inline platform::PrinterOptions printerOptions(const Config& c) {
    platform::PrinterOptions o;
    o.kind = c.printerKind;
    o.output = c.printerOutput;
    o.device = c.printerDevice;
    o.textMode = c.printerTextMode;
    o.widthDots = c.printerWidthDots;
    o.fontPath = c.fontRegular;  // raster mode draws with the kiosk's own font
    o.fontFace = c.fontFace;
    return o;
}

}  // namespace kiosk::config
