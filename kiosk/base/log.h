// Channelled logging to stderr (journald collects it on the device) plus an
// in-memory ring buffer that the maintenance screen shows.
//
// Every message belongs to a channel ("ui", "fonts", "store", "sync", ...).
// Info and above are always written; debug detail for a channel is enabled
// with KIOSK_TRACE=ui,fonts (or KIOSK_TRACE=all).
//
// Never pass personal data (names, mobiles, credit codes, free text typed by
// a visitor) or secrets to these functions.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::log {

// Reads KIOSK_TRACE and sets up the shared sinks. Safe to call more than once.
void init();

// The logger for a channel, created on first use.
std::shared_ptr<spdlog::logger> channel(std::string_view name);

// True when KIOSK_TRACE enables debug detail for this channel.
bool traced(std::string_view name);

// The newest `count` formatted lines, oldest first (for the maintenance UI).
std::vector<std::string> recent(std::size_t count);

}  // namespace kiosk::log
