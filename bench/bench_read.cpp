// Read bandwidth against working-set size: where this machine's caches end.
//
// Decode's bound is the read bandwidth at the model's working set (bench_forward). On a
// host whose last-level cache is shared, the size it reports (lscpu) is not what one
// process can keep: this sweep finds the usable size as the point where the sustained
// read falls from the cache's rate to DRAM's. A model whose weights sit on that slope has a
// bound that moves with every MB of other traffic (docs/PERFORMANCE.md).
//
// Every size gets its own buffer, all allocated up front; the sizes are read in turn,
// `--repeats` rounds, so each size's median spans the same minutes as the others'.
//
//   decodelab-bench-read [--threads N] [--sizes-mb 16,32,...] [--passes N] [--repeats N] [--json]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_util.h"
#include "common/error.h"
#include "engine/threads.h"
#include "memory_bandwidth.h"

using namespace dlab;

namespace {

struct Options {
    int threads = 0;
    std::vector<double> sizes_mb{16, 32, 48, 56, 64, 72, 80, 96, 128, 192, 256, 512};
    int passes = 64;
    int repeats = 5;
    bool json = false;
};

std::vector<double> parse_sizes(const std::string& list) {
    std::vector<double> sizes;
    for (const std::string& item : split_commas(list)) {
        char* end = nullptr;
        const double mb = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0' || !(mb >= 1 && mb <= 65536))
            throw InvalidArgument("--sizes-mb: each size must be a number of MB from 1 to 65536, got '" + item + "'");
        sizes.push_back(mb);
    }
    return sizes;
}

Options parse(int argc, char** argv) {
    const Args args =
        bench::parse_options(argc, argv, {"json"}, {"threads", "sizes-mb", "passes", "repeats"});
    Options o;
    o.threads = args.integer("threads", o.threads, 0, 4096);
    if (args.has("sizes-mb")) o.sizes_mb = parse_sizes(args.value("sizes-mb"));
    o.passes = args.integer("passes", o.passes, 1, 1000000);
    o.repeats = args.integer("repeats", o.repeats, 1, 10000);
    o.json = args.flag("json");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        set_thread_count(o.threads);

        // one buffer per size, then the sizes in turn, each run warmed by two passes
        std::vector<std::unique_ptr<bench::ReadBandwidth>> buffers;
        for (double mb : o.sizes_mb) buffers.push_back(std::make_unique<bench::ReadBandwidth>(mb * 1e6));
        std::vector<std::vector<double>> runs(buffers.size());  // [sizes][repeats], bytes/s
        for (int r = 0; r < o.repeats; ++r)
            for (size_t s = 0; s < buffers.size(); ++s) {
                buffers[s]->sustained(2);
                runs[s].push_back(buffers[s]->sustained(o.passes));
            }

        nlohmann::json rows = nlohmann::json::array();
        for (size_t s = 0; s < buffers.size(); ++s) {
            const auto [low, high] = std::minmax_element(runs[s].begin(), runs[s].end());
            rows.push_back({{"size_mb", o.sizes_mb[s]},
                            {"median_gb_s", bench::median(runs[s]) / 1e9},
                            {"min_gb_s", *low / 1e9},
                            {"max_gb_s", *high / 1e9},
                            {"huge_page_bytes", buffers[s]->huge_page_bytes()}});
        }
        if (o.json) {
            const nlohmann::json j = {
                {"threads", thread_count()}, {"passes", o.passes}, {"repeats", o.repeats}, {"sizes", rows}};
            std::printf("%s\n", j.dump(2).c_str());
        } else {
            std::printf("sustained read, %d threads, %d passes per run, %d runs per size\n", thread_count(), o.passes,
                        o.repeats);
            std::printf("%10s %12s %20s\n", "size MB", "median GB/s", "range GB/s");
            for (const auto& row : rows)
                std::printf("%10.1f %12.1f %9.1f – %-9.1f\n", row["size_mb"].get<double>(),
                            row["median_gb_s"].get<double>(), row["min_gb_s"].get<double>(),
                            row["max_gb_s"].get<double>());
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decodelab-bench-read: %s\n", e.what());
        return 2;
    }
}
