// Reads content editors' files (docs/CONTENT-FORMAT.md: JSON `kiosk-content/1`
// and CSV service lists) into Content, checking everything the format
// promises: keys, types, allowed values, references, time limits, codes.
//
// All files of one import form one set. Every problem is collected and
// reported with file, line (where it can be found) and the field's JSON path;
// one error means nothing is imported.
#pragma once

#include "base/error.h"
#include "content.h"

#include <string>
#include <vector>

namespace kiosk::content {

struct AuthoringResult {
    Content content;
    std::vector<std::string> warnings;  // "file:line: path: message"
};

[[nodiscard]] Result<AuthoringResult> readAuthoringFiles(const std::vector<std::string>& paths);

// The same, from text already in memory (`name` is used in messages and its
// extension, .json or .csv, picks the format). For tests and the admin console.
struct AuthoringSource {
    std::string name;
    std::string text;
};
[[nodiscard]] Result<AuthoringResult> readAuthoring(const std::vector<AuthoringSource>& sources);

}  // namespace kiosk::content
