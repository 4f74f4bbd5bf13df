// A case (诉求) and a rating (好差评) as typed records: what the kiosk's forms
// fill in, what the outbox stores as JSON, what kioskctl's import reads, what
// the hub checks before it stores an upload and what every hub reader (case
// desk, follow-up desk, statistics, CLI, console API) works with. Each record
// has a public half (nothing that identifies a person) and a personal half
// (names, mobile, credit code, free text), sealed on the kiosk and purged
// there once the hub has it.
//
// Two ways in from JSON, one field list:
//   parse…()   strict, for what arrives (an upload, an import line): every
//              required field present, every value of the right type and
//              vocabulary; the error names the field ("personal.mobile: …").
//   read…()    tolerant, for what a hub has already stored (rows older hubs
//              took before they checked): a missing or mistyped field reads
//              as its default. Never fails.
// Unknown keys are ignored by both (a hub keeps the JSON as sent).
// docs/ARCHITECTURE.md "How to add a field" walks through adding one.
#pragma once

#include "base/error.h"
#include "vocabulary.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::records {

// Limits in characters (UTF-8 code points), the same on the kiosk's form.
inline constexpr std::size_t kDescriptionMax = 1000;
inline constexpr std::size_t kEnterpriseMax = 100;
inline constexpr std::size_t kContactMax = 30;
inline constexpr std::size_t kNameMax = 200;   // a rating target's name
inline constexpr std::size_t kIdMax = 128;     // ids, codes, numbers (bytes)
inline constexpr std::size_t kReasonsMax = 20;

// --- Case ---------------------------------------------------------------------

struct CasePublic {
    std::string kind;               // case_kind: one of kCaseKindList
    std::string serviceId;          // service_id: the related service, "" = none
    std::string reply = "phone";    // reply: one of kReplyChannels
    std::string language = "zh-CN"; // language: one of kLanguages
    bool operator==(const CasePublic&) const = default;
};

struct CasePersonal {
    std::string description;   // what happened (required)
    std::string enterprise;    // company name, may be ""
    std::string creditCode;    // credit_code: 统一社会信用代码, "" or a valid one
    std::string contactName;   // contact_name (required)
    std::string mobile;        // 11 digits (required)
    bool operator==(const CasePersonal&) const = default;
};

struct CaseRecord {
    CasePublic pub;
    CasePersonal personal;
};

nlohmann::json toJson(const CasePublic& p);
nlohmann::json toJson(const CasePersonal& p);
[[nodiscard]] Result<CasePublic> parseCasePublic(const nlohmann::json& j);
[[nodiscard]] Result<CasePersonal> parseCasePersonal(const nlohmann::json& j);
[[nodiscard]] Result<CaseRecord> parseCase(const nlohmann::json& pub, const nlohmann::json& personal);
CasePublic readCasePublic(const nlohmann::json& j);
CasePersonal readCasePersonal(const nlohmann::json& j);

// --- Rating -------------------------------------------------------------------

struct RatingPublic {
    std::string targetKind;            // target_kind: one of kRatingTargetKinds
    std::string targetId;              // target_id
    std::string targetName;            // target_name, as the kiosk showed it
    std::string instance;              // the service instance rated (one rating + one follow-up each)
    bool followUp = false;             // follow_up: a 追加评价 of the same instance
    std::string level;                 // one of kRatingLevelList's codes (level_label is derived)
    std::vector<std::string> reasons;  // reason codes of the level (a 差评 has at least one)
    std::string reasonsVersion;        // reasons_version: the reason list they come from
    bool callback = false;             // the visitor left a contact for a call back (anonymous = !callback)
    std::string channel = "self-service terminal";
    std::string language = "zh-CN";
    std::string caseNo;                // case_no: the case this rating follows, "" = none
    std::string departmentId;          // department_id of a rated service, "" = unknown
    bool operator==(const RatingPublic&) const = default;

    const RatingLevelInfo* levelInfo() const { return ratingLevel(level); }
    bool bad() const { return isBadLevel(level); }
};

struct RatingPersonal {
    std::string contactName;   // contact_name, only with callback
    std::string mobile;
    bool empty() const { return contactName.empty() && mobile.empty(); }
    bool operator==(const RatingPersonal&) const = default;
};

struct RatingRecord {
    RatingPublic pub;
    RatingPersonal personal;
};

nlohmann::json toJson(const RatingPublic& p);
nlohmann::json toJson(const RatingPersonal& p);  // {} without a contact
[[nodiscard]] Result<RatingPublic> parseRatingPublic(const nlohmann::json& j);
[[nodiscard]] Result<RatingPersonal> parseRatingPersonal(const nlohmann::json& j);
// Both halves and what ties them: a call back needs the contact, and no
// contact is taken without one.
[[nodiscard]] Result<RatingRecord> parseRating(const nlohmann::json& pub, const nlohmann::json& personal);
RatingPublic readRatingPublic(const nlohmann::json& j);
RatingPersonal readRatingPersonal(const nlohmann::json& j);

// --- Either -------------------------------------------------------------------

inline constexpr std::array<std::string_view, 2> kRecordKinds = {"case", "rating"};
// Checks one record of `kind` ("case" | "rating") as parseCase/parseRating
// do; the error names the field. What the hub does to every uploaded record.
[[nodiscard]] Result<void> checkRecord(std::string_view kind, const nlohmann::json& pub, const nlohmann::json& personal);

// The vocabularies as one JSON document (GET /staff/api/vocabulary).
nlohmann::json vocabularyJson();

}  // namespace kiosk::records
