// Start-up benchmark (a program, not a test): runs `kiosk --headless` on the
// home screen N times (default 15) and prints median and p95 of the time to
// the first frame and of peak memory, next to a baseline measured in the same
// run: the same binary started only to print --help (process start cost).
//
//   build/release/bench/startup_bench [RUNS] [WxH]
//
// Targets from the foundation issue: first frame ≤ 80 ms, peak RSS ≤ 70 MB.
#include "bench_stats.h"
#include "kiosk_process.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using bench::percentile;
using bench::runOnce;

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(10, std::atoi(argv[1])) : 15;
    const std::string size = argc > 2 ? argv[2] : "1920x1080";
    const std::string bin = KIOSK_BIN;
    const auto statsPath = std::filesystem::temp_directory_path() / "kiosk_startup_bench.json";
    const std::string dataDir = (std::filesystem::temp_directory_path() / "kiosk_startup_bench_data").string();

    std::vector<double> first, wall, rss, baseWall;
    const auto home = bench::headlessHomeArgs(bin, size, dataDir);
    runOnce(home, nullptr);  // warm the page cache once
    for (int i = 0; i < runs; ++i) {
        long rssKb = 0;
        auto args = home;
        args.insert(args.end(), {"--stats", statsPath.string()});
        const double ms = runOnce(args, &rssKb);
        const auto j = bench::readStats(statsPath);
        if (j.is_discarded()) {
            fmt::print(stderr, "run {} wrote no stats; is {} built?\n", i, bin);
            return 1;
        }
        first.push_back(j["first_frame_ms"].get<double>());
        rss.push_back(double(j["peak_rss_kb"].get<long>()) / 1024.0);
        wall.push_back(ms);
        baseWall.push_back(runOnce({bin, "--help"}, nullptr));
    }

    fmt::print("kiosk --headless --size {} (home screen), {} runs\n\n", size, runs);
    fmt::print("{:<40} {:>10} {:>10} {:>10}\n", "measure", "median", "p95", "target");
    fmt::print("{:<40} {:>10.1f} {:>10.1f} {:>10}\n", "first frame (ms)", percentile(first, 0.5),
               percentile(first, 0.95), "<= 80");
    fmt::print("{:<40} {:>10.1f} {:>10.1f} {:>10}\n", "peak RSS (MB)", percentile(rss, 0.5), percentile(rss, 0.95),
               "<= 70");
    fmt::print("{:<40} {:>10.1f} {:>10.1f} {:>10}\n", "process wall time, start to exit (ms)", percentile(wall, 0.5),
               percentile(wall, 0.95), "");
    fmt::print("{:<40} {:>10.1f} {:>10.1f} {:>10}\n", "baseline: kiosk --help wall (ms)", percentile(baseWall, 0.5),
               percentile(baseWall, 0.95), "");
    fmt::print("\nfirst frame / baseline process start: {:.1f}x\n",
               percentile(first, 0.5) / std::max(0.01, percentile(baseWall, 0.5)));

    // Offline content: open the demo database, go to 办事指南 and type a query.
    // Upper bound for "open + first result screen": opening time plus the
    // slowest frame (which includes adding the results' glyphs to the atlas).
    const auto script = std::filesystem::temp_directory_path() / "kiosk_bench_search.kss";
    {
        std::ofstream(script) << "tap-id home.tile.guide\ntap-id guide.search\ntype 社保\n";
    }
    std::vector<double> openMs, slowestMs;
    for (int i = 0; i < runs; ++i) {
        auto args = home;
        args.insert(args.end(), {"--content", KIOSK_DEMO_CONTENT, "--script", script.string(), "--stats", statsPath.string()});
        runOnce(args, nullptr);
        const auto j = bench::readStats(statsPath);
        if (j.is_discarded() || !j.value("content_open", false)) {
            fmt::print(stderr, "the search run failed; is {} built (target demo_content)?\n", KIOSK_DEMO_CONTENT);
            return 1;
        }
        openMs.push_back(j["content_open_ms"].get<double>());
        slowestMs.push_back(j["max_frame_ms"].get<double>());
    }
    fmt::print("\n{:<40} {:>10} {:>10} {:>10}\n", "offline content (demo database)", "median", "p95", "target");
    fmt::print("{:<40} {:>10.1f} {:>10.1f} {:>10}\n", "open content database (ms)", percentile(openMs, 0.5),
               percentile(openMs, 0.95), "");
    fmt::print("{:<40} {:>10.1f} {:>10.1f} {:>10}\n", "slowest frame, results as you type (ms)",
               percentile(slowestMs, 0.5), percentile(slowestMs, 0.95), "");
    std::vector<double> sum;
    for (std::size_t i = 0; i < openMs.size(); ++i) sum.push_back(openMs[i] + slowestMs[i]);
    fmt::print("{:<40} {:>10.1f} {:>10.1f} {:>10}\n", "open + first result screen (ms)", percentile(sum, 0.5),
               percentile(sum, 0.95), "<= 50");
    std::filesystem::remove(script);
    std::filesystem::remove(statsPath);
    return 0;
}
