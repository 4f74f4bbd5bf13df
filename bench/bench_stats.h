// Statistics and machine facts shared by the benchmark programs.
#pragma once

#include <fmt/format.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

namespace bench {

// Linear-interpolated percentile, p in [0, 1]; v must not be empty.
inline double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const double idx = p * double(v.size() - 1);
    const auto lo = std::size_t(idx);
    const auto hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (idx - double(lo));
}

// The CPU's model name, for the header of a table.
inline std::string cpuModel() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

// The first line of a benchmark's table: "NAME 2026-12-06 19:00 UTC: 2 CPUs
// (nproc), MODEL, build type T, Linux R", so figures say where they came from.
inline std::string machineLine(const char* name, const char* buildType) {
    utsname un{};
    uname(&un);
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);
    return fmt::format("{} {}: {} CPUs (nproc), {}, build type {}, Linux {}", name, date, sysconf(_SC_NPROCESSORS_ONLN),
                       cpuModel(), buildType, un.release);
}

}  // namespace bench
