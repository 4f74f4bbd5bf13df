// Schema versions as SQL steps. Add a step; never edit a shipped one.
#include "schema.h"

#include <fmt/format.h>

#include <array>

namespace kiosk::store {
namespace {

// Step k brings version k to version k+1.
constexpr std::array<const char*, kContentSchemaVersion> kSteps = {
    // 0 → 1: first schema.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE fold_map(trad INTEGER PRIMARY KEY, simp INTEGER NOT NULL);
CREATE TABLE department(id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, credit_code TEXT NOT NULL,
                        phone TEXT NOT NULL, address TEXT NOT NULL);
CREATE TABLE hall(id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, address TEXT NOT NULL,
                  hours TEXT NOT NULL);
CREATE TABLE hall_window(hall TEXT NOT NULL, no TEXT NOT NULL, name TEXT NOT NULL, name_en TEXT NOT NULL,
                         department TEXT NOT NULL, PRIMARY KEY(hall, no)) WITHOUT ROWID;
CREATE TABLE service(
  id TEXT PRIMARY KEY, ord INTEGER NOT NULL, basic_code TEXT NOT NULL, impl_code TEXT NOT NULL,
  version TEXT NOT NULL, status TEXT NOT NULL, name TEXT NOT NULL, name_en TEXT NOT NULL,
  summary TEXT NOT NULL, summary_en TEXT NOT NULL, type TEXT NOT NULL, department TEXT NOT NULL,
  theme TEXT NOT NULL, case_kind TEXT NOT NULL,
  statutory_value INTEGER NOT NULL, statutory_unit TEXT NOT NULL,
  promised_value INTEGER NOT NULL, promised_unit TEXT NOT NULL,
  visits INTEGER NOT NULL, scope TEXT NOT NULL, fees_charged INTEGER NOT NULL, fees_basis TEXT NOT NULL,
  phone_consult TEXT NOT NULL, phone_complaint TEXT NOT NULL, online_url TEXT NOT NULL,
  result_name TEXT NOT NULL, high_frequency INTEGER NOT NULL, initials TEXT NOT NULL,
  detail TEXT NOT NULL  -- JSON: conditions, legal_basis, steps, materials, faq, channels, locations, tags …
) WITHOUT ROWID;
CREATE INDEX service_theme ON service(theme, ord);
CREATE INDEX service_department ON service(department, ord);
CREATE INDEX service_initials ON service(initials);
CREATE TABLE bundle(id TEXT PRIMARY KEY, ord INTEGER NOT NULL, name TEXT NOT NULL, name_en TEXT NOT NULL,
                    summary TEXT NOT NULL, promised_value INTEGER NOT NULL, promised_unit TEXT NOT NULL,
                    services TEXT NOT NULL /* JSON ids in order */) WITHOUT ROWID;
CREATE TABLE policy_document(
  id TEXT PRIMARY KEY, title TEXT NOT NULL, issuers TEXT NOT NULL /* JSON */, doc_number TEXT NOT NULL,
  written TEXT NOT NULL, published TEXT NOT NULL, effective TEXT NOT NULL, expiry TEXT NOT NULL,
  validity TEXT NOT NULL, level TEXT NOT NULL, district TEXT NOT NULL, topic TEXT NOT NULL, source TEXT NOT NULL,
  year INTEGER NOT NULL, measures INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX policy_document_filter ON policy_document(district, level, topic, year);
CREATE TABLE measure(
  id INTEGER PRIMARY KEY, document TEXT NOT NULL, parent INTEGER, ord INTEGER NOT NULL, depth INTEGER NOT NULL,
  number TEXT NOT NULL, path TEXT NOT NULL, heading TEXT NOT NULL, text TEXT NOT NULL, units TEXT NOT NULL /* JSON */);
CREATE INDEX measure_document ON measure(document, ord);
CREATE UNIQUE INDEX measure_path ON measure(document, path);
CREATE TABLE guide(id TEXT PRIMARY KEY, document TEXT NOT NULL, measure INTEGER NOT NULL, title TEXT NOT NULL,
                   beneficiaries TEXT NOT NULL, conditions TEXT NOT NULL, amount TEXT NOT NULL,
                   window TEXT NOT NULL, payout TEXT NOT NULL, place TEXT NOT NULL, phone TEXT NOT NULL,
                   mode TEXT NOT NULL, rule TEXT NOT NULL /* JSON conditions */) WITHOUT ROWID;
-- One row per searchable thing, rowid in static rank order (services first,
-- in-force policies before expired ones): FTS5 returns hits in rowid order,
-- so LIMIT stops early even for a one-character query.
CREATE TABLE search_doc(rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL, title TEXT NOT NULL,
                        body TEXT NOT NULL, context TEXT NOT NULL, expiry TEXT NOT NULL, validity TEXT NOT NULL);
CREATE VIRTUAL TABLE search_tri USING fts5(title, body, content='search_doc', content_rowid='rowid',
                                           tokenize='kiosk 3', detail='full');
CREATE VIRTUAL TABLE search_uni USING fts5(title, body, content='search_doc', content_rowid='rowid',
                                           tokenize='kiosk 1', detail='full');
)sql",
    // 1 → 2: 好差评 reason options, per level in display order. The set's
    // version is the meta row 'rating_reasons_version'; a database without
    // that row or these rows has no reason set (version "").
    R"sql(
CREATE TABLE rating_reason(
  level TEXT NOT NULL CHECK(level IN ('very_satisfied', 'satisfied', 'basic', 'dissatisfied', 'very_dissatisfied')),
  ord INTEGER NOT NULL, code TEXT NOT NULL UNIQUE, text TEXT NOT NULL, text_en TEXT NOT NULL,
  PRIMARY KEY(level, ord)) WITHOUT ROWID;
)sql",
};

}  // namespace

Result<int> schemaVersion(Database& db) {
    auto v = db.scalarInt("PRAGMA user_version");
    if (!v) return std::unexpected(v.error());
    return int(*v);
}

Result<void> migrate(Database& db, int target) {
    if (target < 0 || target > kContentSchemaVersion)
        return fail(ErrorCode::Internal, fmt::format("no content schema version {}", target));
    auto version = schemaVersion(db);
    if (!version) return std::unexpected(version.error());
    if (*version > kContentSchemaVersion)
        return fail(ErrorCode::Unsupported,
                    fmt::format("content database {} has schema version {}, newer than this kiosk software "
                                "understands ({}); update the kiosk software first",
                                db.path(), *version, kContentSchemaVersion));
    for (int v = *version; v < target; ++v) {
        Transaction tx(db);
        if (auto r = tx.begin(); !r) return r;
        if (auto r = db.exec(kSteps[std::size_t(v)]); !r)
            return fail(ErrorCode::Internal, fmt::format("schema step {}→{} failed: {}", v, v + 1, r.error().message));
        if (auto r = db.exec(fmt::format("PRAGMA user_version = {}", v + 1)); !r) return r;
        if (auto r = tx.commit(); !r) return r;
    }
    return {};
}

}  // namespace kiosk::store
