// decodelab-cli io-model: FlashAttention's IO claim as numbers. For each sequence length,
// head dimension and SRAM budget it walks both algorithms without data (core/attention's
// io_model) and prints the HBM bytes each moves, their ratio, the closed forms Θ(Nd + N²)
// and Θ(N²d²/M) with the constant each count carries over them, and the roofline time a
// device preset gives those bytes and FLOPs. A model, not a timing.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "attention/device_preset.h"
#include "attention/io_model.h"
#include "commands.h"
#include "common/byte_size.h"
#include "common/error.h"
#include "options/args.h"
#include "options/attention_options.h"

namespace dlab::cli {

namespace {

constexpr int kMaxHeadDim = 1024;
constexpr int kMaxN = 1 << 22;                  // keeps every byte count far inside 64 bits
constexpr long long kMaxTiles = 1LL << 27;      // tiles the whole run may walk (a few seconds)
constexpr long long kMaxSram = 1LL << 40;

std::vector<int> head_dims_of(const Args& args) {
    if (!args.has("head-dims")) return {64, 128};
    std::vector<int> dims;
    for (const std::string& part : split_commas(args.value("head-dims"))) {
        int d = 0;
        auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), d);
        if (ec != std::errc() || end != part.data() + part.size() || part.empty())
            throw InvalidArgument("--head-dims: '" + part + "' is not an integer");
        if (d < 1 || d > kMaxHeadDim)
            throw InvalidArgument("--head-dims: " + part + " is outside [1, " + std::to_string(kMaxHeadDim) + "]");
        dims.push_back(d);
    }
    return dims;
}

std::vector<long long> sram_sizes_of(const Args& args) {
    if (!args.has("sram")) return {100 * 1024LL, 227 * 1024LL, 20 * 1024LL * 1024LL};
    std::vector<long long> sizes;
    for (const std::string& part : split_commas(args.value("sram"))) sizes.push_back(parse_byte_size("--sram", part, 1, kMaxSram));
    return sizes;
}

// "100 KiB", "20 MiB", "1000 B": the unit that divides the count exactly
std::string exact_size(long long bytes) {
    if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
    if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
    return std::to_string(bytes) + " B";
}

std::string human_seconds(double seconds) {
    char text[32];
    if (seconds >= 1.0) std::snprintf(text, sizeof text, "%.3g s", seconds);
    else if (seconds >= 1e-3) std::snprintf(text, sizeof text, "%.3g ms", seconds * 1e3);
    else std::snprintf(text, sizeof text, "%.3g us", seconds * 1e6);
    return text;
}

long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

}  // namespace

int run_io_model(int argc, char** argv) {
    Args args(argc, argv, 2, {"causal", "csv"},
              {"head-dims", "sram", "n-min", "n-max", "element-bytes", "device-preset"});
    if (!args.positional().empty()) throw InvalidArgument("io-model: unexpected argument '" + args.positional()[0] + "'");
    const std::vector<int> head_dims = head_dims_of(args);
    const std::vector<long long> sram_sizes = sram_sizes_of(args);
    const int n_min = args.integer("n-min", 256, 1, kMaxN);
    const int n_max = args.integer("n-max", 16384, 1, kMaxN);
    if (n_max < n_min)
        throw InvalidArgument("--n-max (" + std::to_string(n_max) + ") must be at least --n-min (" +
                              std::to_string(n_min) + ")");
    const int element_bytes = args.integer("element-bytes", 2, 1, 8);
    const bool causal = args.flag("causal");
    const DevicePreset& preset = device_preset(args.value("device-preset", "a100"));

    std::vector<int> ns;
    for (long long n = n_min; n <= n_max; n *= 2) ns.push_back(static_cast<int>(n));
    // the model walks every tile of every point: refuse a run that would take minutes, one
    // point that large (naming it), or many points that add up to it
    long long total_tiles = 0;
    for (int d : head_dims)
        for (long long m : sram_sizes) {
            const TileSizes tiles = flash_tile_sizes(d, m, element_bytes);
            for (int n : ns) {
                const long long n_tiles = ceil_div(n, tiles.rows) * ceil_div(n, tiles.cols);
                if (n_tiles > kMaxTiles)
                    throw InvalidArgument("--n-max " + std::to_string(n) + " with d = " + std::to_string(d) +
                                          " and M = " + std::to_string(m) + " bytes walks " +
                                          std::to_string(n_tiles) + " tiles (at most " +
                                          std::to_string(kMaxTiles) + "): lower --n-max or raise --sram");
                total_tiles += n_tiles;
            }
        }
    if (total_tiles > kMaxTiles)
        throw InvalidArgument(
            std::to_string(head_dims.size()) + " head dims × " + std::to_string(sram_sizes.size()) +
            " SRAM sizes × " + std::to_string(ns.size()) + " sequence lengths walk " +
            std::to_string(total_tiles) + " tiles in all (at most " + std::to_string(kMaxTiles) +
            "): give fewer --head-dims or --sram values, or a lower --n-max");

    const std::vector<IoModelPoint> points = io_model_series(ns, head_dims, sram_sizes, element_bytes, causal);

    if (args.flag("csv")) {
        std::printf("n,head_dim,sram_bytes,element_bytes,causal,br,bc,naive_hbm_bytes,flash_hbm_bytes,ratio,"
                    "naive_closed_form_bytes,flash_closed_form_bytes,naive_factor,flash_factor,device,"
                    "naive_modeled_s,flash_modeled_s\n");
        for (const IoModelPoint& p : points)
            std::printf("%d,%d,%lld,%d,%d,%d,%d,%lld,%lld,%.6g,%.6g,%.6g,%.6g,%.6g,%s,%.6g,%.6g\n", p.n, p.head_dim,
                        p.sram_bytes, p.element_bytes, p.causal ? 1 : 0, p.tiles.rows, p.tiles.cols,
                        p.naive.hbm_bytes(), p.flash.hbm_bytes(), p.ratio(), p.naive_closed_form_bytes,
                        p.flash_closed_form_bytes, p.naive.hbm_bytes() / p.naive_closed_form_bytes,
                        p.flash.hbm_bytes() / p.flash_closed_form_bytes, preset.name.c_str(),
                        preset.modeled_seconds(p.naive.hbm_bytes(), p.naive.flops),
                        preset.modeled_seconds(p.flash.hbm_bytes(), p.flash.flops));
        return 0;
    }

    std::printf("HBM traffic of one head's attention, counted by walking standard attention (Algorithm 0)\n"
                "and FlashAttention (Algorithm 1) without data: %d-byte elements, %s. Times are the\n"
                "roofline (the longer of bytes / HBM bandwidth and FLOPs / peak) on %s, %.3g TB/s HBM,\n"
                "%.0f TFLOP/s (%s).\nA model, not a measurement.\n\n",
                element_bytes, causal ? "causal" : "non-causal", preset.name.c_str(), preset.hbm_bandwidth / 1e12,
                preset.peak_flops / 1e12, preset.description.c_str());
    const char* const row = "%7s %5s %8s %10s %10s %10s %7s %10s %10s %7s %7s %10s %10s\n";
    std::printf(row, "N", "d", "M", "Br x Bc", "naive HBM", "flash HBM", "naive/", "(Nd+N^2)e", "N^2d^2e/M", "naive/",
                "flash/", "naive", "flash");
    std::printf(row, "", "", "", "", "", "", "flash", "", "", "closed", "closed", preset.name.c_str(),
                preset.name.c_str());
    for (size_t i = 0; i < points.size(); ++i) {
        const IoModelPoint& p = points[i];
        if (i > 0 && (p.head_dim != points[i - 1].head_dim || p.sram_bytes != points[i - 1].sram_bytes)) std::printf("\n");
        const std::string tiles = std::to_string(p.tiles.rows) + "x" + std::to_string(p.tiles.cols);
        std::printf("%7d %5d %8s %10s %10s %10s %7.2f %10s %10s %7.2f %7.2f %10s %10s\n", p.n, p.head_dim,
                    exact_size(p.sram_bytes).c_str(), tiles.c_str(), human_bytes(double(p.naive.hbm_bytes())).c_str(),
                    human_bytes(double(p.flash.hbm_bytes())).c_str(), p.ratio(),
                    human_bytes(p.naive_closed_form_bytes).c_str(), human_bytes(p.flash_closed_form_bytes).c_str(),
                    p.naive.hbm_bytes() / p.naive_closed_form_bytes, p.flash.hbm_bytes() / p.flash_closed_form_bytes,
                    human_seconds(preset.modeled_seconds(p.naive.hbm_bytes(), p.naive.flops)).c_str(),
                    human_seconds(preset.modeled_seconds(p.flash.hbm_bytes(), p.flash.flops)).c_str());
    }
    return 0;
}

}  // namespace dlab::cli
