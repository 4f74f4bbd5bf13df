// Chinese input for the on-screen keyboard: pinyin (full or initials,
// 'zfgjj' → 住房公积金) through librime with the luna_pinyin_simp schema.
//
// Rime learns from what is typed into a user dictionary. On a public
// terminal nothing a visitor types may survive them: the engine's user
// folder is a fresh temporary directory, removed when the engine stops, and
// clear() drops any composition when a session is wiped.
#pragma once

#include "base/error.h"

#include <memory>
#include <string>
#include <vector>

namespace kiosk::input {

struct ImeState {
    std::string preedit;                 // the pinyin being composed ("zheng ce")
    std::vector<std::string> candidates;  // current page
    int page = 0;
    bool lastPage = true;
    std::string committed;               // text to insert now (after a selection or space)
};

class PinyinEngine {
public:
    // Starts librime (one engine per process). `sharedData` holds the schema
    // (Debian rime-data-luna-pinyin).
    [[nodiscard]] static Result<std::unique_ptr<PinyinEngine>> start(const std::string& sharedData = "/usr/share/rime-data");
    ~PinyinEngine();
    PinyinEngine(const PinyinEngine&) = delete;
    PinyinEngine& operator=(const PinyinEngine&) = delete;

    ImeState letter(char c);   // a–z
    ImeState backspace();
    ImeState space();          // commits the first candidate
    ImeState select(int indexOnPage);
    ImeState nextPage();
    ImeState previousPage();
    void clear();
    const std::string& userDir() const { return m_userDir; }

private:
    PinyinEngine() = default;
    ImeState key(int keycode);
    ImeState read();

    unsigned long m_session = 0;
    std::string m_userDir;
};

}  // namespace kiosk::input
