// Read side of the content database, as the kiosk and kioskctl use it:
// opening (schema check, migration, tokenizer registration) and search.
// Browsing queries for the screens are added here as the screens arrive.
//
// Search contract:
//   - any query length: 1–2 folded characters use the single-character
//     index as a phrase, 3+ use the trigram index
//   - Simplified finds Traditional and the reverse, width and case and
//     punctuation differences do not matter (TextFolder)
//   - the query is always one phrase: quotes, *, NEAR(, AND, parentheses are
//     text, never syntax
//   - ranking: pinyin-initial matches of service names, then title hits, then
//     body hits; in force before expired; within those, the static order
//     fixed at import (services, bundles, policies newest first)
#pragma once

#include "base/error.h"
#include "content/content_views.h"
#include "sqlite/sqlite.h"
#include "text_fold.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::store {

// What the queries return: the plain views of content/content_views.h.
using content::BundleRef, content::BundleView, content::DepartmentCount, content::DocumentSummary,
    content::DocumentView, content::GuideView, content::MeasureNode, content::PlaceView, content::PolicyFacets,
    content::PolicyFilter, content::SearchHit, content::ServiceList, content::ServiceSummary, content::ServiceView,
    content::ThemeCount, content::WindowRef, content::kMarkClose, content::kMarkOpen, content::renderMarks;

using sql::Database;
using sql::Statement;
using sql::Transaction;

struct ContentInfo {
    int schema = 0;
    std::string version, created;
    long services = 0, bundles = 0, documents = 0, measures = 0, guides = 0, departments = 0, halls = 0,
         searchRows = 0, foldMappings = 0;
};

class ContentStore {
public:
    // Opens read-only (migrating first when the file has an older schema).
    [[nodiscard]] static Result<ContentStore> open(const std::string& path);

    [[nodiscard]] Result<ContentInfo> info();
    // `today` is an ISO date for expiry checks ("2026-01-15").
    [[nodiscard]] Result<std::vector<SearchHit>> search(std::string_view query, int limit, std::string_view today);

    // Browsing (content_queries.cpp). `today` is an ISO date for expiry.
    [[nodiscard]] Result<std::vector<ThemeCount>> themes();
    [[nodiscard]] Result<std::vector<DepartmentCount>> departments();
    [[nodiscard]] Result<ServiceList> servicesByTheme(const std::string& theme);
    [[nodiscard]] Result<ServiceList> servicesByDepartment(const std::string& departmentId);
    [[nodiscard]] Result<ServiceView> service(const std::string& id);
    [[nodiscard]] Result<std::vector<BundleRef>> bundles();
    // Every window of every hall, halls and windows in content order.
    [[nodiscard]] Result<std::vector<WindowRef>> windows();
    [[nodiscard]] Result<BundleView> bundle(const std::string& id);
    [[nodiscard]] Result<PolicyFacets> policyFacets();
    [[nodiscard]] Result<std::vector<DocumentSummary>> documents(const PolicyFilter& filter, std::string_view today);
    [[nodiscard]] Result<DocumentView> document(const std::string& id, std::string_view today);
    [[nodiscard]] Result<std::vector<GuideView>> guides(std::string_view today);
    // 好差评 reason options; version "" when the content carries none.
    [[nodiscard]] Result<content::RatingReasonSet> ratingReasons();

    Database& db() { return m_db; }
    const TextFolder& folder() const { return *m_folder; }

private:
    Database m_db;
    std::shared_ptr<TextFolder> m_folder;
};

// Loads the fold table and registers the tokenizer on `db` (also used by the
// writer before it creates the search tables).
[[nodiscard]] Result<std::shared_ptr<TextFolder>> attachSearch(Database& db);


}  // namespace kiosk::store
