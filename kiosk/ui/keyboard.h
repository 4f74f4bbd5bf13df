// The on-screen keyboard (no system input method exists on a locked-down
// terminal): letters with a 中/EN switch, pinyin candidates with paging, and
// a numeric pad for digit-only fields. Geometry and drawing only: the app
// loop decides when it shows, takes the touches that land on it away from
// ImGui (so the focused field stays focused) and carries out the keys.
#pragma once

#include "kit.h"

#include <string>
#include <vector>

namespace kiosk::ui {

enum class KeyKind { Text, Backspace, Space, Done, ToggleChinese, PagePrev, PageNext, Candidate };

struct KeyboardView {
    bool chinese = true;
    bool digitsOnly = false;
    std::string preedit;
    std::vector<std::string> candidates;
    bool firstPage = true, lastPage = true;
};

struct KeyRect {
    KeyKind kind = KeyKind::Text;
    std::string text;   // what a Text key types; the label of the others
    int candidate = -1;
    ImVec2 min, max;
    std::string id;     // widget id for scripts: kb.key.a, kb.cand.0, kb.space …
};

float keyboardHeight(const Ctx& c, const KeyboardView& v);
std::vector<KeyRect> layoutKeyboard(const Ctx& c, const KeyboardView& v);
void drawKeyboard(const Ctx& c, const KeyboardView& v, const std::vector<KeyRect>& keys, int pressed);

// Text fields report here whether the focused one wants digits only, and
// ask the app to keep them above the keyboard.
void noteFocusedField(bool digitsOnly, float bottom);
bool focusedFieldDigitsOnly();
float focusedFieldBottom();
void clearFocusedField();

}  // namespace kiosk::ui
