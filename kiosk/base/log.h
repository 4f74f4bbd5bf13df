// Channelled logging to stderr (journald collects it on the device) plus an
// in-memory ring buffer that the maintenance screen shows, and — once the
// kiosk calls addFileSink() — a size-bounded rotating file that
// `kioskctl logs` reads (DATA/logs/kiosk.log, 1 MiB × 3 by default).
//
// Every message belongs to a channel ("ui", "fonts", "store", "sync", ...).
// Info and above are always written; debug detail for a channel is enabled
// with KIOSK_TRACE=ui,fonts (or KIOSK_TRACE=all).
//
// Never pass personal data (names, mobiles, credit codes, free text typed by
// a visitor) or secrets to these functions.
#pragma once

#include "base/error.h"

#include <spdlog/logger.h>

#include <cstddef>
#include <filesystem>
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

// Also writes every channel's lines (same level as stderr, no colour) to
// `file`, rotating at `maxBytes` into FILE.1 … FILE.(files-1) (spdlog naming:
// kiosk.log, kiosk.1.log, kiosk.2.log). Each line is flushed as written so a
// reader sees it at once. Creates the folder (0750). Calling it again
// replaces the previous file sink. Thread-safe.
inline constexpr std::size_t kLogFileMaxBytes = 1024 * 1024;
inline constexpr std::size_t kLogFiles = 3;
[[nodiscard]] Result<void> addFileSink(const std::filesystem::path& file, std::size_t maxBytes = kLogFileMaxBytes,
                                       std::size_t files = kLogFiles);

// The file the kiosk logs to inside its data folder: DATA/logs/kiosk.log.
std::filesystem::path logFileIn(const std::filesystem::path& dataDir);

}  // namespace kiosk::log
