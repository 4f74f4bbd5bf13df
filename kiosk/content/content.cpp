// Names and fixed lists of the content model.
#include "content.h"

namespace kiosk::content {

const std::vector<std::string>& themes() {
    static const std::vector<std::string> t = {"企业开办", "经营许可", "变更",     "工程建设", "纳税缴费", "社保与用工",
                                               "人才服务", "融资与金融", "知识产权", "涉外服务", "纠纷解决", "注销与破产"};
    return t;
}

const char* timeUnitName(TimeUnit u) {
    switch (u) {
        case TimeUnit::WorkingDays: return "working_days";
        case TimeUnit::NaturalDays: return "natural_days";
        case TimeUnit::Hours: return "hours";
    }
    return "working_days";
}

const char* redemptionModeName(RedemptionMode m) {
    switch (m) {
        case RedemptionMode::NoApplication: return "免申即享";
        case RedemptionMode::Quick: return "快申快享";
        case RedemptionMode::Normal: return "常规申报";
    }
    return "常规申报";
}

}  // namespace kiosk::content
