// The ESC/POS receipt printer behind platform::Printer. makePrinter()
// (printer.h) chooses it for printer.kind = "escpos"; nothing else needs
// this header.
#pragma once

#include "printer.h"

#include <memory>

namespace platform {

std::unique_ptr<Printer> makeEscposPrinter(const PrinterOptions& options);

}  // namespace platform
