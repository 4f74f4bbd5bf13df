// Turns a keyboard's evdev key events into characters the way a US layout
// would, which is what keyboard-wedge scanners assume: they send ASCII as
// key codes plus Shift. Tracks Shift and Caps Lock itself, because a grabbed
// device's keys never reach the system's keyboard state. Keys held with
// Ctrl or Alt, auto-repeats and keys without an ASCII meaning give nothing.
// Pure: no device, no clock, so tests feed it synthetic event sequences.
#pragma once

#include <optional>

namespace platform {

// The ASCII character for a Linux key code (KEY_*) on a US layout with or
// without Shift: printable ASCII, '\n' Enter (main and keypad), '\t' Tab,
// '\b' Backspace; 0 for a key with no character (F1, arrows, Shift itself).
// Keypad keys give digits and operators (Num Lock is assumed on).
char usKeyToChar(unsigned code, bool shift);

class KeyDecoder {
public:
    // One input event (type EV_*, code, value: 1 press, 2 repeat, 0 release).
    // Returns the character a key press produced.
    std::optional<char> feed(unsigned type, unsigned code, int value);

    // Forget held modifiers (after reopening the device or lost events).
    void reset() { *this = KeyDecoder{}; }

private:
    bool m_leftShift = false, m_rightShift = false;
    bool m_leftCtrl = false, m_rightCtrl = false;
    bool m_leftAlt = false, m_rightAlt = false;
    bool m_capsLock = false;
};

}  // namespace platform
