// Power-cut behaviour of the swap, approximated with SIGKILL: a forked child
// installs bundles in a loop, alternating two content databases A and B with
// rising versions (odd = A, even = B), and the parent kills it at random
// moments. After every kill the target must open, pass integrity_check, be
// exactly A or exactly B (sha256), and the recorded version must belong to
// that content. Bounded: at most 50 cycles and 20 seconds.
#include "bundle_fixture.h"
#include "proof_cycles.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <random>
#include <thread>

using namespace bundletest;

namespace {

using Clock = std::chrono::steady_clock;

struct Sources {
    fs::path a, b;
    std::string shaA, shaB;
    std::int64_t sizeA = 0, sizeB = 0;
};

// One install of the next version; what the child repeats until killed.
// Returns false on an unexpected error (the child then exits with status 3).
bool installNext(const fs::path& target, const Sources& s) {
    const auto installed = readInstalledVersion(target);
    if (!installed) return false;
    const std::int64_t next = *installed + 1;
    const bool useA = next % 2 == 1;
    const auto staging = stagingPathFor(target);
    if (!discardStaging(staging)) return false;
    std::error_code ec;
    fs::copy_file(useA ? s.a : s.b, staging, ec);
    if (ec) return false;
    InstallRequest r;
    r.staging = staging;
    r.target = target;
    r.contentPublicKeyPem = hubKey().publicPem;
    r.installedVersion = *installed;
    r.trustedNowS = kNow;
    r.signedManifest = signRaw(manifestFor(useA ? s.shaA : s.shaB, useA ? s.sizeA : s.sizeB, next),
                               hubKey().privatePem);
    return installBundle(r).has_value();
}

}  // namespace

TEST(InstallCrash, SigkillAtRandomMomentsLeavesOldOrNewContent) {
    const auto dir = freshDir("crash");
    Sources s{dir / "a.src", dir / "b.src", "", "", 0, 0};
    makeDb(s.a, "A", kSchema, 2000);
    makeDb(s.b, "B", kSchema, 2500);
    s.shaA = shaOf(s.a);
    s.shaB = shaOf(s.b);
    s.sizeA = std::int64_t(fs::file_size(s.a));
    s.sizeB = std::int64_t(fs::file_size(s.b));
    const auto target = dir / "content.db";
    (void)hubKey();  // made before fork: the child must not need to make it

    // Version 1 (A) installed normally; time one install to aim the kills.
    const auto t0 = Clock::now();
    ASSERT_TRUE(installNext(target, s));
    const auto oneInstallUs = std::max<long>(
        200, long(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count()));

    std::mt19937 rng(20261121);
    const int want = prooftest::cycles(50);
    const auto deadline = Clock::now() + std::chrono::seconds(20) * std::max(1, want / 50);
    int cycles = 0, sawA = 0, sawB = 0, inIntentWindow = 0, stagingLeft = 0;
    std::int64_t lastVersion = 1;
    for (; cycles < want && Clock::now() < deadline; ++cycles) {
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            for (;;)
                if (!installNext(target, s)) _exit(3);
        }
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<long>(0, 3 * oneInstallUs)(rng)));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status)) << "cycle " << cycles << ": the child stopped by itself (status "
                                         << WEXITSTATUS(status) << "), an install failed";

        const std::string sha = shaOf(target);
        ASSERT_TRUE(sha == s.shaA || sha == s.shaB) << "cycle " << cycles << ": the target is neither A nor B";
        ASSERT_TRUE(integrityOk(target)) << "cycle " << cycles;
        const bool isA = sha == s.shaA;
        EXPECT_EQ(markerOf(target), isA ? "A" : "B");
        (isA ? sawA : sawB)++;
        // Killed between the intent record and the final one: the version
        // must then be worked out from the content.
        if (bytesOf(versionFileFor(target)).find("pending") != std::string::npos) ++inIntentWindow;
        if (fs::exists(stagingPathFor(target))) ++stagingLeft;
        auto v = readInstalledVersion(target);
        ASSERT_TRUE(v.has_value()) << "cycle " << cycles << ": " << v.error().message;
        EXPECT_EQ(*v % 2 == 1, isA) << "cycle " << cycles << ": version " << *v << " recorded for content "
                                    << (isA ? "A" : "B");
        EXPECT_GE(*v, lastVersion) << "the recorded version went back";
        lastVersion = *v;
        for (const char* side : {"-journal", "-wal", "-shm"})
            EXPECT_FALSE(fs::exists(target.string() + side)) << side;
    }
    std::cout << "proof: content install " << cycles << " kills, one install ≈ " << oneInstallUs << " µs; target was A " << sawA
              << " times, B " << sawB << " times; killed inside the intent window " << inIntentWindow
              << " times, with a staging file left " << stagingLeft << " times; last version " << lastVersion << "\n";
    EXPECT_GE(cycles, std::min(20, want)) << "too few cycles in the time allowed";
    EXPECT_GT(sawA, 0);
    EXPECT_GT(sawB, 0);
    fs::remove_all(dir);
}
