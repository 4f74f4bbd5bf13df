// Running the kiosk binary from a benchmark, shared by startup_bench and
// browser_bench: one start of `kiosk --headless` on the home screen, timed
// from fork to exit, and the --stats JSON it leaves behind. Header-only; no
// kiosk library is linked — the benchmarks measure the real program.
#pragma once

#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace bench {

// Runs `args` (args[0] is a path, no PATH search) with stdout and stderr on
// /dev/null and waits for it. Returns the wall time from fork to exit in ms;
// `maxRssKb`, when given, receives the child's peak RSS (wait4).
inline double runOnce(const std::vector<std::string>& args, long* maxRssKb = nullptr) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        const int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(args[0].c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    if (maxRssKb) *maxRssKb = ru.ru_maxrss;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The command line of one headless start on the home screen, as startup_bench
// times it: `kiosk --headless --size WxH --data DIR`. Callers append --stats,
// --content, --screenshot or --script.
inline std::vector<std::string> headlessHomeArgs(const std::string& bin, const std::string& size,
                                                 const std::string& dataDir) {
    return {bin, "--headless", "--size", size, "--data", dataDir};
}

// The JSON `kiosk --stats FILE` wrote (keys in kiosk/app/main.cpp), or a
// discarded value when the file is missing or not JSON.
inline nlohmann::json readStats(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(in, nullptr, false);
}

}  // namespace bench
