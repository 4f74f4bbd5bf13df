// ContentStore: open + search.
#include "content_store.h"

#include "fts_tokenizer.h"
#include "schema.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiosk::store {

Result<std::shared_ptr<TextFolder>> attachSearch(Database& db) {
    auto folder = std::make_shared<TextFolder>();
    // The fold table may not exist yet when the writer attaches before migrating.
    auto exists = db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'fold_map'");
    if (!exists) return std::unexpected(exists.error());
    if (*exists) {
        auto st = db.prepare("SELECT trad, simp FROM fold_map");
        if (!st) return std::unexpected(st.error());
        for (;;) {
            auto row = st->step();
            if (!row) return std::unexpected(row.error());
            if (!*row) break;
            folder->addMapping(char32_t(st->integer(0)), char32_t(st->integer(1)));
        }
    }
    if (auto r = registerTokenizer(db.handle(), folder); !r) return std::unexpected(r.error());
    return folder;
}

Result<ContentStore> ContentStore::open(const std::string& path) {
    {
        auto probe = Database::open(path, SQLITE_OPEN_READONLY);
        if (!probe) return std::unexpected(probe.error());
        auto version = schemaVersion(*probe);
        if (!version)
            return fail(ErrorCode::Parse, fmt::format("{} is not a content database: {}", path, version.error().message));
        if (*version == 0)
            return fail(ErrorCode::Parse, fmt::format("{} is not a content database (no schema)", path));
        if (*version < kContentSchemaVersion) {
            auto rw = Database::open(path, SQLITE_OPEN_READWRITE);
            if (!rw) return std::unexpected(rw.error());
            if (auto r = migrate(*rw); !r) return std::unexpected(r.error());
        } else if (*version > kContentSchemaVersion) {
            return fail(ErrorCode::Unsupported,
                        fmt::format("content database {} has schema version {}, newer than this kiosk software "
                                    "understands ({}); update the kiosk software first",
                                    path, *version, kContentSchemaVersion));
        }
    }
    ContentStore s;
    auto db = Database::open(path, SQLITE_OPEN_READONLY);
    if (!db) return std::unexpected(db.error());
    s.m_db = std::move(*db);
    auto folder = attachSearch(s.m_db);
    if (!folder) return std::unexpected(folder.error());
    s.m_folder = *folder;
    return s;
}

Result<ContentInfo> ContentStore::info() {
    ContentInfo i;
    auto v = schemaVersion(m_db);
    if (!v) return std::unexpected(v.error());
    i.schema = *v;
    auto meta = m_db.prepare("SELECT key, value FROM meta");
    if (!meta) return std::unexpected(meta.error());
    for (;;) {
        auto row = meta->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        if (meta->text(0) == "version") i.version = meta->text(1);
        if (meta->text(0) == "created") i.created = meta->text(1);
    }
    const std::pair<const char*, long*> counts[] = {
        {"service", &i.services},  {"bundle", &i.bundles},   {"policy_document", &i.documents},
        {"measure", &i.measures},  {"guide", &i.guides},     {"department", &i.departments},
        {"hall", &i.halls},        {"search_doc", &i.searchRows}, {"fold_map", &i.foldMappings}};
    for (const auto& [table, out] : counts) {
        auto n = m_db.scalarInt(fmt::format("SELECT count(*) FROM {}", table));
        if (!n) return std::unexpected(n.error());
        *out = long(*n);
    }
    return i;
}

namespace {

bool isExpired(std::string_view validity, std::string_view expiry, std::string_view today) {
    if (validity.empty()) return false;  // services and bundles have no validity
    if (validity != "有效") return true;
    return !expiry.empty() && !today.empty() && expiry < today;
}

bool asciiLetters(std::string_view s) {
    if (s.size() < 2 || s.size() > 16) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

Result<std::vector<SearchHit>> ContentStore::search(std::string_view query, int limit, std::string_view today) {
    std::vector<SearchHit> hits;
    if (limit <= 0) return hits;
    const std::string folded = m_folder->foldToString(query);
    if (folded.empty()) return hits;
    const std::size_t length = m_folder->foldedLength(query);
    const char* table = length >= 3 ? "search_tri" : "search_uni";
    // `folded` holds only letters, digits and CJK: it cannot close the quote.
    const std::string phrase = "\"" + folded + "\"";

    // Pinyin initials of service names ("gssl" → 分公司设立登记): anywhere in the
    // name, names that start with them first. A scan, but of short strings.
    if (asciiLetters(folded)) {
        auto st = m_db.prepare(
            "SELECT id, name FROM service WHERE instr(initials, ?1) > 0 AND status != 'withdrawn' "
            "ORDER BY instr(initials, ?1) != 1, ord LIMIT ?2");
        if (!st) return std::unexpected(st.error());
        st->bind(1, folded).bind(2, limit);
        for (;;) {
            auto row = st->step();
            if (!row) return std::unexpected(row.error());
            if (!*row) break;
            SearchHit h;
            h.kind = "service";
            h.id = st->text(0);
            h.title = std::string(1, kMarkOpen) + st->text(1) + kMarkClose;
            h.pinyinHit = h.titleHit = true;
            hits.push_back(std::move(h));
        }
    }

    const std::string sql = fmt::format(
        "SELECT d.kind, d.ref, highlight({0}, 0, char(1), char(2)), snippet({0}, 1, char(1), char(2), '…', 24), "
        "d.context, d.validity, d.expiry FROM {0} JOIN search_doc d ON d.rowid = {0}.rowid "
        "WHERE {0} MATCH ?1 ORDER BY {0}.rowid LIMIT ?2",
        table);
    auto st = m_db.prepare(sql);
    if (!st) return std::unexpected(st.error());
    const std::string titleQuery = "title : " + phrase;
    const std::string bodyQuery = "body : " + phrase + " NOT title : " + phrase;
    for (const auto& [match, titleHit] : {std::pair{titleQuery, true}, std::pair{bodyQuery, false}}) {
        st->reset();
        st->bind(1, match).bind(2, limit + 1);
        for (;;) {
            auto row = st->step();
            if (!row) return std::unexpected(row.error());
            if (!*row) break;
            SearchHit h;
            h.kind = st->text(0);
            h.id = st->text(1);
            if (std::any_of(hits.begin(), hits.end(), [&](const SearchHit& o) { return o.pinyinHit && o.id == h.id; }))
                continue;
            h.title = st->text(2);
            h.snippet = st->text(3);
            h.context = st->text(4);
            h.titleHit = titleHit;
            h.expired = isExpired(st->text(5), st->text(6), today);
            hits.push_back(std::move(h));
        }
    }
    // Expired documents go last whatever matched; order is otherwise kept.
    std::stable_partition(hits.begin(), hits.end(), [](const SearchHit& h) { return !h.expired; });
    if (hits.size() > std::size_t(limit)) hits.resize(std::size_t(limit));
    for (std::size_t i = 0; i < hits.size(); ++i)
        hits[i].score = double(hits.size() - i) / double(hits.size());
    return hits;
}

}  // namespace kiosk::store
