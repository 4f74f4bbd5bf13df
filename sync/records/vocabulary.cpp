// Lookups over the vocabularies (vocabulary.h).
#include "vocabulary.h"

namespace kiosk::records {

const CaseKindInfo* caseKind(std::string_view code) {
    for (const auto& k : kCaseKindList)
        if (k.code == code) return &k;
    return nullptr;
}

const CaseStatusInfo* caseStatus(std::string_view code) {
    for (const auto& s : kCaseStatusList)
        if (s.code == code) return &s;
    return nullptr;
}

bool isOpenStatus(std::string_view code) {
    const auto* s = caseStatus(code);
    return s && s->open;
}

bool isFinalStatus(std::string_view code) {
    const auto* s = caseStatus(code);
    return s && s->final;
}

std::optional<int> ratingLevelIndex(std::string_view code) {
    for (int i = 0; i < kRatingLevels; ++i)
        if (kRatingLevelList[std::size_t(i)].code == code) return i;
    return std::nullopt;
}

const RatingLevelInfo* ratingLevel(std::string_view code) {
    const auto i = ratingLevelIndex(code);
    return i ? &kRatingLevelList[std::size_t(*i)] : nullptr;
}

bool isGoodLevel(std::string_view code) {
    const auto* l = ratingLevel(code);
    return l && l->good;
}

bool isBadLevel(std::string_view code) {
    const auto* l = ratingLevel(code);
    return l && !l->good;
}

}  // namespace kiosk::records
