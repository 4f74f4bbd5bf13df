// US-layout key code table and the modifier tracking of KeyDecoder.
#include "key_decoder.h"

#include <linux/input-event-codes.h>

namespace platform {
namespace {

struct KeyChars {
    unsigned code;
    char plain, shifted;
};

// Letters are handled apart (Caps Lock applies to them only).
constexpr KeyChars kTable[] = {
    {KEY_1, '1', '!'},          {KEY_2, '2', '@'},          {KEY_3, '3', '#'},
    {KEY_4, '4', '$'},          {KEY_5, '5', '%'},          {KEY_6, '6', '^'},
    {KEY_7, '7', '&'},          {KEY_8, '8', '*'},          {KEY_9, '9', '('},
    {KEY_0, '0', ')'},          {KEY_MINUS, '-', '_'},      {KEY_EQUAL, '=', '+'},
    {KEY_LEFTBRACE, '[', '{'},  {KEY_RIGHTBRACE, ']', '}'}, {KEY_SEMICOLON, ';', ':'},
    {KEY_APOSTROPHE, '\'', '"'}, {KEY_GRAVE, '`', '~'},     {KEY_BACKSLASH, '\\', '|'},
    {KEY_COMMA, ',', '<'},      {KEY_DOT, '.', '>'},        {KEY_SLASH, '/', '?'},
    {KEY_SPACE, ' ', ' '},      {KEY_TAB, '\t', '\t'},      {KEY_ENTER, '\n', '\n'},
    {KEY_KPENTER, '\n', '\n'},  {KEY_BACKSPACE, '\b', '\b'},
    {KEY_KP0, '0', '0'},        {KEY_KP1, '1', '1'},        {KEY_KP2, '2', '2'},
    {KEY_KP3, '3', '3'},        {KEY_KP4, '4', '4'},        {KEY_KP5, '5', '5'},
    {KEY_KP6, '6', '6'},        {KEY_KP7, '7', '7'},        {KEY_KP8, '8', '8'},
    {KEY_KP9, '9', '9'},        {KEY_KPMINUS, '-', '-'},    {KEY_KPPLUS, '+', '+'},
    {KEY_KPASTERISK, '*', '*'}, {KEY_KPSLASH, '/', '/'},    {KEY_KPDOT, '.', '.'},
};

// Key codes of the letter keys in alphabetical order (the codes follow the
// QWERTY rows, not the alphabet).
constexpr unsigned kLetters[26] = {
    KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
    KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
};

int letterIndex(unsigned code) {
    for (int i = 0; i < 26; ++i)
        if (kLetters[i] == code) return i;
    return -1;
}

}  // namespace

char usKeyToChar(unsigned code, bool shift) {
    if (const int i = letterIndex(code); i >= 0) return static_cast<char>((shift ? 'A' : 'a') + i);
    for (const auto& k : kTable)
        if (k.code == code) return shift ? k.shifted : k.plain;
    return 0;
}

std::optional<char> KeyDecoder::feed(unsigned type, unsigned code, int value) {
    if (type != EV_KEY) return std::nullopt;
    const bool down = value != 0;
    switch (code) {
        case KEY_LEFTSHIFT: m_leftShift = down; return std::nullopt;
        case KEY_RIGHTSHIFT: m_rightShift = down; return std::nullopt;
        case KEY_LEFTCTRL: m_leftCtrl = down; return std::nullopt;
        case KEY_RIGHTCTRL: m_rightCtrl = down; return std::nullopt;
        case KEY_LEFTALT: m_leftAlt = down; return std::nullopt;
        case KEY_RIGHTALT: m_rightAlt = down; return std::nullopt;
        case KEY_CAPSLOCK:
            if (value == 1) m_capsLock = !m_capsLock;
            return std::nullopt;
        default: break;
    }
    if (value != 1) return std::nullopt;  // release or auto-repeat
    if (m_leftCtrl || m_rightCtrl || m_leftAlt || m_rightAlt) return std::nullopt;
    bool shift = m_leftShift || m_rightShift;
    if (m_capsLock && letterIndex(code) >= 0) shift = !shift;
    const char c = usKeyToChar(code, shift);
    if (c == 0) return std::nullopt;
    return c;
}

}  // namespace platform
