// What the kiosk UI queues, made up for the benchmarks (sync_bench,
// load_bench): cases and ratings as typed records (sync/records), the fields
// saveCase()/saveRating() in kiosk/app/app.cpp fill, with varied Chinese free text. The contact details
// are invented (fixed names, random 13… mobiles); nothing here is anyone's
// personal data, and the benchmarks never print it.
#pragma once

#include "outbox/outbox.h"
#include "records/records.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iterator>
#include <random>
#include <string>
#include <string_view>

namespace bench {

// ~`chars` characters of a visitor's complaint, different for every record.
inline std::string description(std::mt19937& rng, int chars) {
    static const char* kPhrases[] = {"我于上周二到",   "青浦区行政服务中心", "办理营业执照变更", "窗口工作人员告知",
                                     "材料不齐需补交", "但网上办事指南",   "并未列出该材料",   "来回跑了三次",
                                     "希望尽快答复",   "并统一告知标准",   "联系电话已留",     "谢谢"};
    std::string out;
    int n = 0;
    while (n < chars) {
        const char* p = kPhrases[std::uniform_int_distribution<std::size_t>(0, std::size(kPhrases) - 1)(rng)];
        out += p;
        n += int(std::string_view(p).size() / 3);
        out += "，";
        ++n;
    }
    return out;
}

inline std::string mobile(std::mt19937& rng) {
    return fmt::format("13{:09d}", std::uniform_int_distribution<int>(0, 999'999'999)(rng));
}

// Record `i` of a kiosk: two cases for every rating, built as the kiosk
// builds them (records.h).
inline kiosk::outbox::Submission submission(std::mt19937& rng, int i) {
    namespace records = kiosk::records;
    kiosk::outbox::Submission s;
    if (i % 3 != 2) {
        const std::string m = mobile(rng);
        records::CaseRecord c;
        c.pub = {std::string(records::kCaseKindList[std::size_t(i) % records::kCaseKindList.size()].code),
                 fmt::format("310118-{:04d}", i % 86), i % 2 ? "sms" : "phone", "zh-CN"};
        c.personal = {description(rng, std::uniform_int_distribution<int>(40, 300)(rng)), "上海青浦某某贸易有限公司",
                      "9144030071526726XG", "王小明", m};
        s = {"case", records::toJson(c.pub), records::toJson(c.personal), m.substr(7)};
    } else {
        const int level = i % records::kRatingLevels;
        const bool named = records::isBadLevel(level) && i % 2 == 0;
        records::RatingRecord r;
        r.pub.targetKind = "service";
        r.pub.targetId = fmt::format("310118-{:04d}", i % 86);
        r.pub.targetName = "营业执照变更登记";
        r.pub.instance = fmt::format("inst-{}", i);
        r.pub.level = records::kRatingLevelList[std::size_t(level)].code;
        r.pub.reasons = records::isBadLevel(level) ? std::vector<std::string>{"R301", "R305"} : std::vector<std::string>{"R101"};
        r.pub.reasonsVersion = "2026.1";
        r.pub.callback = named;
        if (named) r.personal = {"李华", mobile(rng)};
        s = {"rating", records::toJson(r.pub), records::toJson(r.personal), ""};
    }
    return s;
}

}  // namespace bench
