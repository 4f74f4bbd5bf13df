// The folder of the running GoogleTest test: ROOT/SUITE.NAME, made fresh
// (temp_dir.h's freshDir) and left in place afterwards so that a failed
// test's logs, databases and screenshots can be read. Slashes in the names of
// parametrised tests become '_' so that each test has one flat folder.
#pragma once

#include "harness/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace harness {

// "SUITE.NAME" of the running test, '/' replaced by '_'; "" outside a test.
inline std::string currentTestName() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    if (!info) return "";
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    for (char& ch : name)
        if (ch == '/') ch = '_';
    return name;
}

// ROOT/SUITE.NAME of the running test, fresh.
inline std::filesystem::path testDir(const std::filesystem::path& root) { return freshDir(root / currentTestName()); }

}  // namespace harness
