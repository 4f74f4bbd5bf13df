// Content drafts that editors make in the staff console, before they publish
// them as a signed bundle (fleet.h publishContent). The hub keeps the source
// files of what it last published from the console in DATA/content/current/;
// a draft starts as a copy of them, takes the editor's uploads and edits
// (a file of the same name is replaced) and removals, and is imported with
// the same importer as `kioskctl content import` (contentbuild/importer.h)
// into its own database, so the editor previews exactly what kiosks will
// get. Publishing makes the draft's files the new current set.
//
//   DATA/content/current/FILE…                 sources of the last console publish
//   DATA/content/drafts/ID/files/FILE…         the draft's sources
//   DATA/content/drafts/ID/draft.json          who, when, options, import result
//   DATA/content/drafts/ID/content.db          the imported database (when it imported)
//
// An import the editor can fix (a wrong field, a document without measures)
// is kept in the draft as "error" with the file and line, never thrown away.
// The folder is this hub's: run the console on one hub of a cluster.
#pragma once

#include "base/error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace kiosk::hub {

struct DraftFile {
    std::string name, text;  // name: a plain file name ending .txt, .json or .csv
};

struct DraftChange {
    std::vector<DraftFile> files;      // added or replaced
    std::vector<std::string> remove;   // file names to drop
    std::string district, level = "区", topic;  // for .txt policy documents (kioskctl's flags)
};

class ContentDesk {
public:
    explicit ContentDesk(std::filesystem::path dataDir);

    // File names of the last published sources.
    [[nodiscard]] Result<std::vector<std::string>> currentFiles();
    // A new draft from the current sources plus `change`, imported. Returns
    // the draft as draftJson() does. InvalidArgument: a bad name or option.
    [[nodiscard]] Result<nlohmann::json> createDraft(const DraftChange& change, const std::string& by, std::int64_t now);
    [[nodiscard]] Result<nlohmann::json> changeDraft(const std::string& id, const DraftChange& change,
                                                     const std::string& by, std::int64_t now);
    // {id, created_at, updated_at, by, options, files:[{name,size[,text]}],
    //  ok, error, summary, preview, published_version}; NotFound if none.
    [[nodiscard]] Result<nlohmann::json> draft(const std::string& id, bool withText);
    // Every draft, newest first, without summary, preview or texts.
    [[nodiscard]] Result<std::vector<nlohmann::json>> drafts();
    // The draft's database, for publishContent; InvalidArgument when the
    // draft did not import or was published already.
    [[nodiscard]] Result<std::filesystem::path> publishable(const std::string& id);
    // After publishing: the draft's files become the current sources.
    [[nodiscard]] Result<void> adopt(const std::string& id, std::int64_t version);

private:
    Result<nlohmann::json> build(const std::filesystem::path& dir, const DraftChange& change, nlohmann::json meta);
    std::filesystem::path m_root;
    std::mutex m_mutex;  // one change at a time: imports are quick, editors few
};

}  // namespace kiosk::hub
