// What the content screens show, as plain values read from the content
// database: lists with counts, a service guide with its department and
// places, a 一件事 bundle with its merged materials, policy documents and
// their measure trees. Built by store::ContentStore's queries; held in
// AppState; drawn by the UI. Plain data with no SQLite types, so the
// reducer and the screens use it without linking the store.
#pragma once

#include "content.h"

#include <string>
#include <string_view>
#include <vector>

namespace kiosk::content {

inline constexpr char kMarkOpen = '\x01';   // search highlight start
inline constexpr char kMarkClose = '\x02';  // search highlight end

// Replaces the highlight marks with `open`/`close` ("" to drop them).
inline std::string renderMarks(std::string_view text, std::string_view open, std::string_view close) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == kMarkOpen) out += open;
        else if (c == kMarkClose) out += close;
        else out += c;
    }
    return out;
}

struct SearchHit {
    std::string kind;     // service | bundle | document | measure | guide
    std::string id;       // service/bundle/document/guide id; measure: "DOC#PATH"
    std::string title;    // highlighted with kMarkOpen/kMarkClose
    std::string snippet;  // body excerpt, highlighted
    std::string context;  // e.g. the document a measure belongs to
    bool titleHit = false;
    bool pinyinHit = false;
    bool expired = false;
    double score = 0.0;   // higher is better; decreasing in result order
};

// A 一件事 bundle as a list entry.
struct BundleRef {
    std::string id, name, nameEn;
};

struct ServiceSummary {
    std::string id, name, nameEn, theme, department, status;
    content::TimeLimit promised;
    int visits = 1;
    std::vector<std::string> tags;
};

struct ThemeCount {
    std::string theme;
    int services = 0;
};

struct DepartmentCount {
    std::string id, name, nameEn;
    int services = 0;
};

// A service window in a hall, as a rating target.
struct WindowRef {
    std::string hall, hallName, hallNameEn, no, name, nameEn, department;
};

struct ServiceList {
    std::string titleZh, titleEn;  // the theme or department name
    std::vector<ServiceSummary> services;
};

struct PlaceView {
    std::string hall, hallEn, address, hours;
    std::vector<std::string> windows;  // "A01 企业开办综合窗口"
};

struct ServiceView {
    content::Service service;
    std::string departmentName, departmentNameEn;
    std::vector<std::string> coDepartmentNames;
    std::vector<std::string> coDepartmentNamesEn;  // the same in English ("" where none)
    std::vector<PlaceView> places;
    std::vector<BundleRef> bundles;  // the 一件事 it belongs to
};

struct BundleView {
    content::Bundle bundle;
    std::vector<ServiceSummary> members;            // in order
    std::vector<std::string> departments;           // names, in order of first appearance
    std::vector<std::string> departmentsEn;         // the same in English ("" where none)
    std::vector<content::Material> materials;       // merged by name (CONTENT-FORMAT.md rule)
};

struct DocumentSummary {
    std::string id, title, docNumber, published, level, district, topic, validity, expiry;
    int year = 0, measures = 0;
    bool expired = false;
};

struct PolicyFilter {
    std::string district, level, topic;  // "" = any
    int year = 0;                        // 0 = any
    bool inForceOnly = false;
};

struct PolicyFacets {
    std::vector<std::string> districts, levels, topics;
    std::vector<int> years;
};

struct MeasureNode {
    std::int64_t id = 0;
    int depth = 0;
    std::string number, path, heading, text;
    std::vector<std::string> units;
    bool hasGuide = false;
};

struct DocumentView {
    DocumentSummary summary;
    std::vector<std::string> issuers;
    std::vector<MeasureNode> measures;  // depth-first order; depth gives the indentation
};

struct GuideView {
    content::Guide guide;
    std::string documentTitle;
    bool expired = false;
    std::vector<content::RuleCondition> rule;
};

}  // namespace kiosk::content
