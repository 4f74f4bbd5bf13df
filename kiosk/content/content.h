// The offline content a kiosk shows, as plain C++ values: service guides
// (办事指南), 一件事 bundles, departments and halls, policy documents split
// into measures, support guides (申兑指南) and policy-check rules.
//
// These types are what the authoring importer produces, what the content
// store writes and what the screens' views are built from. No I/O here.
#pragma once

#include "records/vocabulary.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::content {

enum class TimeUnit { WorkingDays, NaturalDays, Hours };

struct TimeLimit {
    int value = 0;
    TimeUnit unit = TimeUnit::WorkingDays;
};

struct Material {  // 申请材料
    std::string name;
    std::string form = "paper";   // paper | electronic | both
    int originals = 0;            // 原件份数
    int copies = 0;               // 复印件份数
    bool required = true;
    bool toleratedMissing = false;  // 容缺: may be missing at acceptance
    bool blankForm = false;       // 空白表格 available
    bool sample = false;          // 示例样表 available
    std::string notes;
};

struct Step {
    std::string name;
    std::string text;
};

struct Faq {
    std::string q;
    std::string a;
};

struct Location {
    std::string hall;                 // hall id
    std::vector<std::string> windows; // window numbers in that hall
};

struct Channels {
    bool window = true;
    std::string onlineUrl;            // "" = not online
    bool mobile = false;
    bool post = false;
    bool selfServiceTerminal = false;
    bool appointment = false;
};

struct Service {  // one government service item (事项)
    std::string id;                   // "svc.company-registration"
    std::string basicCode;            // 基本编码, ≤ 10 chars
    std::string implCode;             // 实施编码, ≤ 36 chars
    std::string version = "1";
    std::string status = "active";    // active | suspended | withdrawn
    std::string name, nameEn, summary, summaryEn;
    std::string type;                 // 事项类型 code: "01".."10", "20", "备案"
    std::string department;           // department id (实施主体)
    std::vector<std::string> coDepartments;
    std::vector<std::string> applicants;  // 服务对象
    std::string theme;                // life-cycle theme (企业开办 …)
    std::vector<std::string> conditions, legalBasis;
    std::vector<Step> steps;
    TimeLimit statutory, promised;
    std::string caseKind;             // 即办件 | 承诺件
    std::vector<Material> materials;
    bool feesCharged = false;
    std::string feesBasis;
    std::vector<Location> locations;
    std::string phoneConsult, phoneComplaint;
    std::vector<Faq> faq;
    Channels channels;
    int visits = 1;                   // 到现场次数
    std::string resultName;
    std::vector<std::string> resultDelivery;  // window | post | electronic
    std::string scope;                // 全国 | 跨省 | 跨市 | 跨区
    std::vector<std::string> tags;
    int sourceLine = 0;               // where it was defined (for messages)
};

struct Bundle {  // 一件事
    std::string id, name, nameEn, summary;
    std::vector<std::string> services;  // ordered member service ids
    TimeLimit promised;
};

struct Window {
    std::string no, name, nameEn, department;
};

struct Hall {
    std::string id, name, nameEn, address, hours;
    std::vector<Window> windows;
};

struct Department {
    std::string id, name, nameEn, creditCode, phone, address;
};

struct Measure {  // 措施 / 条款
    std::string number;               // "一、" "（一）" "1." …
    std::string heading;
    std::string text;
    std::vector<std::string> units;   // 责任单位
    std::vector<Measure> children;
};

struct PolicyDocument {
    std::string id, title;
    std::vector<std::string> issuers;
    std::string docNumber;            // 文号
    std::string written, published, effective, expiry;  // ISO dates or ""
    std::string validity = "有效";    // 有效 | 已失效 | 已废止
    std::string level;                // 国家 | 市 | 区 | 街镇
    std::string district, topic, source;
    std::vector<Measure> measures;
};

enum class RedemptionMode { NoApplication /*免申即享*/, Quick /*快申快享*/, Normal /*常规申报*/ };

struct Guide {  // 申兑指南 for a benefit measure
    std::string id, document;
    std::string measurePath;          // "二、/（一）/1." numbers joined by '/'
    std::string title, beneficiaries, conditions, amount, window, payout, where, phone;
    RedemptionMode mode = RedemptionMode::Normal;
};

struct RuleCondition {
    std::string attr;                 // industry size district years employees revenue qualifications credit foreign ip
    std::string op;                   // in | >= | <= | has | not | is
    std::vector<std::string> values;  // for in
    std::string value;                // for has / not / is / >= / <=
};

struct Rule {
    std::string guide;
    std::vector<RuleCondition> conditions;
};

// 好差评's five levels are records::kRatingLevelList (sync/records): the
// stable code is what records and the hub store; the direction of numeric
// codes differs between national and provincial tables, so numbers are only
// made at export.

struct RatingReason {  // one reason a visitor may tick for a level
    std::string code;                 // stable, unique in the set ("R401")
    std::string text, textEn;
};

// The reason options of every level. Published with the content; a rating
// records the version it was given under.
struct RatingReasonSet {
    std::string version;              // "" = the content has none
    std::vector<RatingReason> levels[records::kRatingLevels];  // index as records::kRatingLevelList
};

struct Content {
    std::vector<Department> departments;
    std::vector<Hall> halls;
    std::vector<Service> services;
    std::vector<Bundle> bundles;
    std::vector<PolicyDocument> documents;
    std::vector<Guide> guides;
    std::vector<Rule> rules;
    RatingReasonSet ratingReasons;
};

// The twelve life-cycle themes, in browsing order.
const std::vector<std::string>& themes();

const char* timeUnitName(TimeUnit u);  // "working_days" | "natural_days" | "hours"
const char* redemptionModeName(RedemptionMode m);  // "免申即享" | "快申快享" | "常规申报"

}  // namespace kiosk::content
