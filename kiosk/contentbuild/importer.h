// The content import: editors' authoring files (.json, .csv;
// docs/CONTENT-FORMAT.md) and policy documents published as plain text (.txt,
// split by docimport) in, one content database out, with the JSON summary
// `kioskctl content import --json` prints and a preview an editor reads
// before publishing. kioskctl and the hub's web console both run this, so an
// upload imports exactly as the command line does.
//
// Two stages, so a caller can tell the editor's mistakes from the machine's:
// prepareImport reads and checks every file and writes nothing; writeImport
// writes the database (temp file + rename: a failed write leaves OUT as it
// was). importFiles runs both. Never throws; writes nothing but OUT.
#pragma once

#include "base/error.h"
#include "content/content.h"
#include "docimport/doc_import.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace kiosk::contentbuild {

// The flags of `kioskctl content import` / `import-doc`.
struct ImportOptions {
    std::string district;      // district of .txt documents, e.g. "青浦区"; "" = read from each title
    std::string level = "区";  // level of .txt documents: 国家 | 市 | 区 | 街镇
    std::string topic;         // topic of .txt documents, e.g. "营商环境"; "" = none
    std::string version;       // content version to record; "" = now, UTC ("2026-01-15T08:30:00Z")
    std::string asOf;          // YYYY-MM-DD: documents expired by then rank as expired; "" = today, local time
    bool docsOnly = false;     // import-doc: every file is a plain-text policy document, whatever its extension
};

// One .txt file as docimport read it.
struct ImportedDoc {
    std::string file;  // path as given
    docimport::Document doc;
};

// Everything prepareImport read and checked; what writeImport writes.
struct PreparedImport {
    content::Content content;                  // authoring files + the .txt documents, merged
    std::vector<std::string> warnings;         // the authoring files' ("file:line: path: message")
    std::vector<std::string> authoringFiles;   // the .json/.csv files, in the order given
    std::vector<ImportedDoc> documents;        // the .txt files, in the order given
};

struct ImportResult {
    nlohmann::json summary;  // what `kioskctl content import --json` / `import-doc --json` print
    nlohmann::json preview;  // what an editor checks before publishing (importPreview)
};

// Reads and checks `files`; writes nothing. Bad input → an Error whose
// message names the file, the line or field, and what to fix.
[[nodiscard]] Result<PreparedImport> prepareImport(const std::vector<std::string>& files, const ImportOptions& o);

// Writes `outDb` from `p` (replaced only when the write succeeds). Errors are
// the machine's: disk, permissions, OpenCC missing.
[[nodiscard]] Result<ImportResult> writeImport(const PreparedImport& p, const std::string& outDb,
                                               const ImportOptions& o);

// prepareImport then writeImport.
[[nodiscard]] Result<ImportResult> importFiles(const std::vector<std::string>& files, const std::string& outDb,
                                               const ImportOptions& o);

// The editor's preview of `p` (ImportResult::preview without the writer's
// warnings), for a caller that checks files without writing a database:
//   documents  each .txt document: id, file, source, title, doc_number, issuers,
//              written/published/effective/expiry, validity, district, level,
//              topic, traditional, measure counts and its measure tree
//              (number, path, heading, text, units, line, children)
//   services   id, name, department (id) and department_name, theme, type, status
//   bundles    id, name, services (count)
//   policies   documents from the authoring files: id, title, doc_number, level,
//              district, validity, measures (count)
//   guides     id, document, measure_path, title, mode
//   counts     services, bundles, departments, halls, documents, measures, guides, rules
//   rating_reasons  {version, reasons}
//   warnings   [{kind, file, message}], kind one of authoring | document |
//              normalisation | units | build; file "" where not known
nlohmann::json importPreview(const PreparedImport& p);

}  // namespace kiosk::contentbuild
