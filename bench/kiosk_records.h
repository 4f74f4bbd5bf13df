// What the kiosk UI queues, made up for the benchmarks (sync_bench,
// load_bench): cases and ratings with the fields saveCase()/saveRating() in
// kiosk/app/app.cpp fill, with varied Chinese free text. The contact details
// are invented (fixed names, random 13… mobiles); nothing here is anyone's
// personal data, and the benchmarks never print it.
#pragma once

#include "outbox/outbox.h"

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

// Record `i` of a kiosk: two cases for every rating.
inline kiosk::outbox::Submission submission(std::mt19937& rng, int i) {
    static const char* kKinds[] = {"咨询", "求助", "投诉", "举报", "建议", "办不成事"};
    static const char* kLevels[] = {"very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"};
    static const char* kLabels[] = {"非常满意", "满意", "基本满意", "不满意", "非常不满意"};
    kiosk::outbox::Submission s;
    if (i % 3 != 2) {
        const std::string m = mobile(rng);
        s.kind = "case";
        s.publicData = {{"case_kind", kKinds[i % 6]},
                        {"service_id", fmt::format("310118-{:04d}", i % 86)},
                        {"reply", i % 2 ? "sms" : "phone"},
                        {"language", "zh-CN"}};
        s.personalData = {{"description", description(rng, std::uniform_int_distribution<int>(40, 300)(rng))},
                          {"enterprise", "上海青浦某某贸易有限公司"},
                          {"credit_code", "91310118MA1JL4XX2K"},
                          {"contact_name", "王小明"},
                          {"mobile", m}};
        s.mobileLast4 = m.substr(7);
    } else {
        const int level = i % 5;
        const bool named = level >= 3 && i % 2 == 0;
        s.kind = "rating";
        s.publicData = {{"target_kind", "service"},
                        {"target_id", fmt::format("310118-{:04d}", i % 86)},
                        {"target_name", "营业执照变更登记"},
                        {"instance", fmt::format("inst-{}", i)},
                        {"follow_up", false},
                        {"level", kLevels[level]},
                        {"level_label", kLabels[level]},
                        {"reasons", level >= 3 ? nlohmann::json{"R301", "R305"} : nlohmann::json{"R101"}},
                        {"reasons_version", "2026.1"},
                        {"anonymous", !named},
                        {"callback", named},
                        {"channel", "self-service terminal"},
                        {"language", "zh-CN"}};
        s.personalData = nlohmann::json::object();
        if (named) s.personalData = {{"contact_name", "李华"}, {"mobile", mobile(rng)}};
    }
    return s;
}

}  // namespace bench
