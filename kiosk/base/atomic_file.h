// Whole-file writes that a power cut cannot tear: the text goes to NAME.tmp,
// is fsync'ed, renamed over NAME, and the folder is fsync'ed, so a reader
// sees either the old file or the new one, never half of either. Used for the
// kiosk's small state files (device settings, maintenance PIN and lockout).
// It never logs the text it writes (it may be a PIN hash).
#pragma once

#include "base/error.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace kiosk::fileio {

// Writes `text` to `path` atomically with permission bits `mode` (e.g. 0600),
// whatever the umask. Creates the parent folder if needed.
[[nodiscard]] Result<void> writeAtomic(const std::filesystem::path& path, std::string_view text, unsigned mode);

// The whole file; NotFound when it does not exist or cannot be opened.
[[nodiscard]] Result<std::string> readAll(const std::filesystem::path& path);

}  // namespace kiosk::fileio
