// The words a case or a rating is made of, defined once for the kiosk that
// writes them, the hub that checks and stores them, kioskctl's import and the
// staff console (which reads them from GET /staff/api/vocabulary): case kinds
// (诉求类型), case statuses with their labels and which ones are final, rating
// levels (好差评) and which ones are good, what a rating can be about, and how a
// visitor wants the reply. Codes are stable (they are stored and sent); labels
// are for people. Adding an entry here is all it takes for every end to know it.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace kiosk::records {

// 诉求类型. The code is the Chinese word (it is what kiosks have always sent).
// `deadlineDays`: working days to close such a case unless hub.toml says
// otherwise (DOMAIN: one city's rules; 办不成事 counts as multi-department).
struct CaseKindInfo {
    std::string_view code, en;
    int deadlineDays;
};
inline constexpr std::array<CaseKindInfo, 6> kCaseKindList = {{
    {"咨询", "Enquiry", 3},
    {"求助", "Help", 3},
    {"投诉", "Complaint", 13},
    {"举报", "Report", 13},
    {"建议", "Suggestion", 13},
    {"办不成事", "Could not get it done", 3},
}};
const CaseKindInfo* caseKind(std::string_view code);  // nullptr when unknown

// The central life cycle of a case (DOMAIN.md). "received" is the hub's own
// first state. An open case is still being worked on (its deadline runs); a
// final status takes no further step. The arrows between statuses are the
// hub's business (hub/lifecycle.h).
struct CaseStatusInfo {
    std::string_view code, zh, en;
    bool open, final;
};
inline constexpr std::array<CaseStatusInfo, 11> kCaseStatusList = {{
    {"received", "已接收", "Received", true, false},
    {"accepted", "受理", "Accepted", true, false},
    {"dispatched", "派单", "Dispatched", true, false},
    {"handling", "办理", "Handling", true, false},
    {"replied", "答复", "Replied", true, false},
    {"closed", "办结", "Closed", false, false},
    {"revisited", "回访", "Revisited", false, false},
    {"rated", "评价", "Rated", false, true},
    {"returned", "退单/改派", "Returned", true, false},
    {"extended", "延期", "Extended", true, false},
    {"merged", "并单", "Merged", false, true},
}};
const CaseStatusInfo* caseStatus(std::string_view code);  // nullptr when unknown
bool isOpenStatus(std::string_view code);                  // known and open
bool isFinalStatus(std::string_view code);                 // known and final

// 好差评 levels, best first; the index is what the kiosk's rating form holds.
struct RatingLevelInfo {
    std::string_view code, zh, en;
    bool good;  // 非常满意, 满意, 基本满意; the other two are 差评
};
inline constexpr std::array<RatingLevelInfo, 5> kRatingLevelList = {{
    {"very_satisfied", "非常满意", "Very satisfied", true},
    {"satisfied", "满意", "Satisfied", true},
    {"basic", "基本满意", "Fair", true},
    {"dissatisfied", "不满意", "Dissatisfied", false},
    {"very_dissatisfied", "非常不满意", "Very dissatisfied", false},
}};
inline constexpr int kRatingLevels = int(kRatingLevelList.size());
std::optional<int> ratingLevelIndex(std::string_view code);
const RatingLevelInfo* ratingLevel(std::string_view code);  // nullptr when unknown
inline bool isBadLevel(int index) { return index >= 0 && index < kRatingLevels && !kRatingLevelList[index].good; }
bool isGoodLevel(std::string_view code);
bool isBadLevel(std::string_view code);

// What a rating is about: a service, a department, a window ("HALL/NO"), a
// case (its number) or an inspection (涉企检查, its code).
inline constexpr std::array<std::string_view, 5> kRatingTargetKinds = {"service", "department", "window", "case",
                                                                        "inspection"};
// How the visitor wants the centre's reply to a case.
inline constexpr std::array<std::string_view, 2> kReplyChannels = {"phone", "sms"};
// The languages a kiosk sends (i18n::langTag).
inline constexpr std::array<std::string_view, 2> kLanguages = {"zh-CN", "en"};

}  // namespace kiosk::records
