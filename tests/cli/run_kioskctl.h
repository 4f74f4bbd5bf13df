// Runs the real kioskctl (KIOSKCTL_BIN) with arguments, as a technician's
// shell would, and collects its output and exit code. Shared by the CLI
// tests and the printer's kioskctl tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace kioskctl_test {

struct Out {
    int code = -1;
    std::string text;  // stdout and stderr together
};

inline Out run(const std::string& args) {
    const std::string cmd = std::string(KIOSKCTL_BIN) + " " + args + " 2>&1";
    Out o;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return o;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) o.text.append(buf.data(), n);
    const int status = pclose(p);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return o;
}

}  // namespace kioskctl_test
