// The central life cycle of a case (DOMAIN.md): 受理 → 派单 → 办理 → 答复 →
// 办结 → 回访 → 评价, with the side states 退单/改派 (back to dispatch), 延期
// (more time, back to handling) and 并单 (merged into another case, final).
// "received" is the hub's own first state: the record arrived, nobody has
// accepted it yet. The statuses themselves, their labels and which are final
// are records::kCaseStatusList (sync/records), shared with the kiosk and the
// console; the arrows between them are the hub's, here. A status change is
// allowed only along these arrows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiosk::hub {

std::string statusLabel(std::string_view code);  // "受理" …; "" when unknown

// Statuses that may follow `current`.
std::vector<std::string> nextStatuses(std::string_view current);
bool transitionAllowed(std::string_view from, std::string_view to);

}  // namespace kiosk::hub
