// Content drafts on the hub's disk, imported with the kioskctl importer (content_desk.h).
#include "content_desk.h"

#include "contentbuild/importer.h"
#include "crypto/crypto.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace kiosk::hub {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxFileBytes = 4 << 20;

bool hasSuffix(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A plain file name: no folders, no hidden files, no control characters, and
// an extension the importer reads.
Result<void> checkName(const std::string& name) {
    if (name.empty() || name.size() > 200 || name.front() == '.' ||
        name.find_first_of("/\\") != std::string::npos ||
        std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not a plain file name", name));
    if (!hasSuffix(name, ".txt") && !hasSuffix(name, ".json") && !hasSuffix(name, ".csv"))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{}: upload policy documents as .txt and authoring files as .json or .csv", name));
    return {};
}

bool validId(const std::string& id) {
    return !id.empty() && id.size() <= 64 &&
           std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

std::vector<std::string> namesIn(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file()) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// Paths in the importer's messages and preview, shown as the file's name.
std::string stripDir(std::string text, const std::string& dir) {
    for (std::size_t at; (at = text.find(dir)) != std::string::npos;) text.erase(at, dir.size());
    return text;
}

// A draft's draft.json; NotFound for an unknown or malformed id.
Result<nlohmann::json> readMeta(const fs::path& dir, const std::string& id) {
    if (!validId(id) || !fs::exists(dir / "draft.json")) return fail(ErrorCode::NotFound, fmt::format("no draft {}", id));
    auto text = crypto::readFile(dir / "draft.json");
    if (!text) return std::unexpected(text.error());
    auto meta = nlohmann::json::parse(*text, nullptr, false);
    if (meta.is_discarded()) return fail(ErrorCode::Io, fmt::format("{} is damaged", (dir / "draft.json").string()));
    return meta;
}

}  // namespace

ContentDesk::ContentDesk(fs::path dataDir) : m_root(std::move(dataDir) / "content") {}

Result<std::vector<std::string>> ContentDesk::currentFiles() {
    std::lock_guard lock(m_mutex);
    return namesIn(m_root / "current");
}

Result<nlohmann::json> ContentDesk::build(const fs::path& dir, const DraftChange& change, nlohmann::json meta) {
    static const std::set<std::string> levels = {"国家", "市", "区", "街镇"};
    if (!levels.contains(change.level)) return fail(ErrorCode::InvalidArgument, "level must be 国家, 市, 区 or 街镇");
    if (change.district.size() > 100 || change.topic.size() > 100)
        return fail(ErrorCode::InvalidArgument, "district and topic are at most 100 bytes");
    for (const auto& f : change.files) {
        if (auto ok = checkName(f.name); !ok) return std::unexpected(ok.error());
        if (f.text.size() > kMaxFileBytes)
            return fail(ErrorCode::InvalidArgument, fmt::format("{} is larger than 4 MiB", f.name));
    }
    const fs::path files = dir / "files";
    std::error_code ec;
    fs::create_directories(files, ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot make {}: {}", files.string(), ec.message()));
    for (const auto& name : change.remove) {
        if (auto ok = checkName(name); !ok) return std::unexpected(ok.error());
        fs::remove(files / name, ec);
    }
    for (const auto& f : change.files)
        if (auto w = crypto::writeFileAtomic(files / f.name, f.text, 0640); !w) return std::unexpected(w.error());

    contentbuild::ImportOptions o;
    o.district = change.district;
    o.level = change.level;
    o.topic = change.topic;
    meta["options"] = {{"district", o.district}, {"level", o.level}, {"topic", o.topic}};
    std::vector<std::string> paths;
    for (const auto& n : namesIn(files)) paths.push_back((files / n).string());
    meta["ok"] = false;
    meta["error"] = nullptr;
    meta.erase("summary");
    meta.erase("preview");
    fs::remove(dir / "content.db", ec);
    if (paths.empty()) {
        meta["error"] = "the draft has no files: upload a policy document (.txt) or an authoring file (.json, .csv)";
    } else if (auto r = contentbuild::importFiles(paths, (dir / "content.db").string(), o); !r) {
        if (r.error().code == ErrorCode::Io) return std::unexpected(r.error());  // the machine's, not the editor's
        meta["error"] = stripDir(r.error().message, files.string() + "/");
    } else {
        meta["ok"] = true;
        meta["summary"] = nlohmann::json::parse(stripDir(r->summary.dump(), files.string() + "/"));
        meta["preview"] = nlohmann::json::parse(stripDir(r->preview.dump(), files.string() + "/"));
    }
    if (auto w = crypto::writeFileAtomic(dir / "draft.json", meta.dump(), 0640); !w) return std::unexpected(w.error());
    return meta;
}

Result<nlohmann::json> ContentDesk::createDraft(const DraftChange& change, const std::string& by, std::int64_t now) {
    std::lock_guard lock(m_mutex);
    const std::string id = fmt::format("{}-{}", now, crypto::randomToken(4));
    const fs::path dir = m_root / "drafts" / id;
    std::error_code ec;
    fs::create_directories(dir / "files", ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot make {}: {}", dir.string(), ec.message()));
    for (const auto& n : namesIn(m_root / "current")) fs::copy_file(m_root / "current" / n, dir / "files" / n, ec);
    nlohmann::json meta = {{"id", id}, {"created_at", now}, {"updated_at", now}, {"by", by}, {"published_version", nullptr}};
    auto built = build(dir, change, meta);
    if (!built) fs::remove_all(dir, ec);  // a refused upload leaves no half draft
    return built;
}

Result<nlohmann::json> ContentDesk::changeDraft(const std::string& id, const DraftChange& change, const std::string& by,
                                                std::int64_t now) {
    std::lock_guard lock(m_mutex);
    const fs::path dir = m_root / "drafts" / id;
    auto meta = readMeta(dir, id);
    if (!meta) return std::unexpected(meta.error());
    if (!(*meta)["published_version"].is_null())
        return fail(ErrorCode::InvalidArgument, "this draft was published: start a new one");
    (*meta)["updated_at"] = now;
    (*meta)["by"] = by;
    return build(dir, change, *meta);
}

Result<nlohmann::json> ContentDesk::draft(const std::string& id, bool withText) {
    std::lock_guard lock(m_mutex);
    const fs::path dir = m_root / "drafts" / id;
    auto meta = readMeta(dir, id);
    if (!meta) return std::unexpected(meta.error());
    nlohmann::json files = nlohmann::json::array();
    for (const auto& n : namesIn(dir / "files")) {
        nlohmann::json f = {{"name", n}, {"size", std::int64_t(fs::file_size(dir / "files" / n))}};
        if (withText) {
            auto body = crypto::readFile(dir / "files" / n);
            if (!body) return std::unexpected(body.error());
            f["text"] = *body;
        }
        files.push_back(std::move(f));
    }
    (*meta)["files"] = std::move(files);
    return meta;
}

Result<std::vector<nlohmann::json>> ContentDesk::drafts() {
    std::vector<std::string> ids;
    {
        std::lock_guard lock(m_mutex);
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(m_root / "drafts", ec))
            if (e.is_directory()) ids.push_back(e.path().filename().string());
    }
    std::sort(ids.rbegin(), ids.rend());
    std::vector<nlohmann::json> out;
    for (const auto& id : ids) {
        auto d = draft(id, false);
        if (!d) continue;  // a half-made folder
        d->erase("summary");
        d->erase("preview");
        out.push_back(std::move(*d));
    }
    return out;
}

Result<fs::path> ContentDesk::publishable(const std::string& id) {
    auto d = draft(id, false);
    if (!d) return std::unexpected(d.error());
    if (!(*d)["ok"].get<bool>()) return fail(ErrorCode::InvalidArgument, "the draft did not import: fix it first");
    if (!(*d)["published_version"].is_null()) return fail(ErrorCode::InvalidArgument, "this draft was published already");
    return m_root / "drafts" / id / "content.db";
}

Result<void> ContentDesk::adopt(const std::string& id, std::int64_t version) {
    std::lock_guard lock(m_mutex);
    const fs::path dir = m_root / "drafts" / id, next = m_root / "current.next", old = m_root / "current.old";
    std::error_code ec;
    fs::remove_all(next, ec);
    fs::remove_all(old, ec);
    fs::copy(dir / "files", next, fs::copy_options::recursive, ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot copy the draft's files: {}", ec.message()));
    if (fs::exists(m_root / "current")) fs::rename(m_root / "current", old, ec);
    if (!ec) fs::rename(next, m_root / "current", ec);
    if (ec) return fail(ErrorCode::Io, fmt::format("cannot make the draft's files current: {}", ec.message()));
    fs::remove_all(old, ec);
    auto meta = readMeta(dir, id);
    if (!meta) return std::unexpected(meta.error());
    (*meta)["published_version"] = version;
    return crypto::writeFileAtomic(dir / "draft.json", meta->dump(), 0640);
}

}  // namespace kiosk::hub
