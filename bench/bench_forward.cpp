// Prefill and decode throughput of the CPU backend, reported separately, each next to
// its physical bound. Decode streams every weight once per token, so its bound is the
// read bandwidth this machine reaches on a working set of the weights' size over the
// weight bytes (a model that fits the last-level cache is bound by that cache, not by
// DRAM: both bandwidths are printed). Prefill is compute-bound and is reported with its
// achieved GFLOP/s in the matrix products.
//
// Like is compared with like: a decode run of N tokens is timed as a whole, and so is the
// bound's read run of N passes over the weights' bytes. The fastest single pass (the peak)
// is printed beside it; a run of many passes does not sustain it.
//
// On a shared machine both the bandwidth and the decode speed move from minute to minute,
// so the two are measured alternately, `--repeats` times each. Each decode run is divided
// by the read run just before it, and the median of those paired fractions is the figure
// to judge: it follows the host's drift, where best decode over best read pairs two
// different minutes (printed as well).
//
// Last, the finest pairing: token by token, each decode token beside one plain read of the
// weights' own bytes (not a separate buffer, which would evict them from the cache). Half
// a pair is a millisecond or two, so the host's drift is common to both halves; the
// median of those fractions is the steadiest figure this benchmark prints.
//
//   decodelab-bench-forward (--model FILE | --shape stories15M|stories110M)
//       [--threads N] [--prompt-tokens N] [--decode-tokens N] [--repeats N] [--json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_util.h"
#include "common/error.h"
#include "engine/cpu_backend.h"
#include "engine/threads.h"
#include "memory_bandwidth.h"
#include "model/model.h"
#include "model/random_model.h"

using namespace dlab;

namespace {

struct Options {
    std::string model_path;
    std::string shape;
    int threads = 0;
    int prompt_tokens = 128;
    int decode_tokens = 64;
    int repeats = 3;
    bool json = false;
};

Options parse(int argc, char** argv) {
    const Args args = bench::parse_options(
        argc, argv, {"json"}, {"model", "shape", "threads", "prompt-tokens", "decode-tokens", "repeats"});
    Options o;
    o.model_path = args.value("model");
    o.shape = args.value("shape");
    if (o.model_path.empty() == o.shape.empty()) throw InvalidArgument("give exactly one of --model and --shape");
    o.threads = args.integer("threads", o.threads, 0, 4096);
    o.prompt_tokens = args.integer("prompt-tokens", o.prompt_tokens, 2, 1 << 20);
    o.decode_tokens = args.integer("decode-tokens", o.decode_tokens, 1, 1 << 20);
    o.repeats = args.integer("repeats", o.repeats, 1, 10000);
    o.json = args.flag("json");
    return o;
}

// The weights read for one decoded token: one embedding row, every layer's norms, every
// layer's matrices, the final norm and the classifier.
std::vector<MemoryRange> weights_read_per_token(const ModelConfig& c, const ModelWeights& w) {
    std::vector<MemoryRange> ranges;
    const auto add = [&](const float* data, Eigen::Index floats) {
        ranges.push_back({data, static_cast<std::size_t>(floats) * sizeof(float)});
    };
    add(w.token_embedding.data(), c.dim);
    for (const LayerWeights& l : w.layers)
        for (const auto* m : {&l.attn_norm, &l.ffn_norm}) add(m->data(), m->size());
    for (const LayerWeights& l : w.layers)
        for (const RowMatrix* m : l.matrices()) add(m->data(), m->size());
    add(w.output_norm.data(), w.output_norm.size());
    add(w.classifier().data(), w.classifier().size());
    return ranges;
}

// Bytes of cached keys and values read per decoded token, averaged over a decode of
// `decode_tokens` after a prompt of `prompt_tokens`: the token at position p reads p + 1
// rows of keys and of values in every layer. Not part of the bound (weights only),
// but memory traffic all the same, printed beside it.
double kv_bytes_per_token(const ModelConfig& c, int prompt_tokens, int decode_tokens) {
    const double mean_rows = prompt_tokens + (decode_tokens - 1) / 2.0 + 1.0;
    return static_cast<double>(c.n_layers) * mean_rows * c.kv_dim() * 2.0 * sizeof(float);
}

// Multiply-adds of the matrices per token (×2 FLOPs), attention excluded.
double matmul_flops_per_token(const ModelConfig& c) {
    const double per_layer = 2.0 * c.dim * c.dim + 2.0 * c.dim * c.kv_dim() + 3.0 * c.dim * c.hidden_dim;
    return 2.0 * (c.n_layers * per_layer + static_cast<double>(c.vocab_size) * c.dim);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        set_thread_count(o.threads);

        Model model;
        if (!o.model_path.empty()) {
            model = load_model(o.model_path);
        } else if (o.shape == "stories15M") {
            model = random_model(stories15m_config(), 1, false);
        } else if (o.shape == "stories110M") {
            model = random_model(stories110m_config(), 1, false);
        } else {
            throw InvalidArgument("--shape: unknown shape '" + o.shape + "' (stories15M or stories110M)");
        }
        const ModelConfig& c = model.config;
        if (o.prompt_tokens + o.decode_tokens > c.context_length)
            throw InvalidArgument("prompt plus decode tokens exceed the context length " + std::to_string(c.context_length));

        const bench::RangesRead weights_read(weights_read_per_token(c, model.weights));
        const double bytes = static_cast<double>(weights_read.bytes());
        const double dram_bandwidth = bench::ReadBandwidth(1.0e9).best_single_pass(5);
        bench::ReadBandwidth working_set(bytes);
        std::vector<int> prompt(o.prompt_tokens);
        for (int i = 0; i < o.prompt_tokens; ++i) prompt[i] = (i * 131 + 7) % c.vocab_size;

        // warm-up pass: first touch of the backend's buffers and the cache
        CpuBackend backend(c, model.weights);
        backend.forward({{1, prompt}});
        backend.free_sequence(1);

        double bandwidth = 0.0;                        // best sustained run of decode_tokens passes
        double peak_bandwidth = 0.0;                   // best single pass
        double prefill_s = 1e300, decode_s = 1e300;    // best of the repeats
        std::vector<double> decode_runs_s;             // [repeats]
        std::vector<double> paired_fractions;          // [repeats], each decode run over the read run just before it
        for (int r = 0; r < o.repeats; ++r) {
            peak_bandwidth = std::max(peak_bandwidth, working_set.best_single_pass(5));
            const double run_bandwidth = working_set.sustained(o.decode_tokens);
            bandwidth = std::max(bandwidth, run_bandwidth);

            // prefill of a fresh sequence
            auto start = std::chrono::steady_clock::now();
            auto out = backend.forward({{0, prompt}});
            prefill_s = std::min(prefill_s, bench::seconds_since(start));

            // decode: one token per pass, greedy so the run is realistic
            start = std::chrono::steady_clock::now();
            for (int i = 0; i < o.decode_tokens; ++i) {
                const int next = bench::first_argmax(out[0].logits.data(), c.vocab_size);
                out = backend.forward({{0, {next}}});
            }
            decode_runs_s.push_back(bench::seconds_since(start));
            paired_fractions.push_back(o.decode_tokens / decode_runs_s.back() / (run_bandwidth / bytes));
            decode_s = std::min(decode_s, decode_runs_s.back());
            backend.free_sequence(0);
        }

        // Token by token: each decode token beside one plain read of the same weight bytes,
        // the read first on even tokens and second on odd ones. Both find the weights where
        // the previous token left them, and the host's drift, which moves the run-long
        // figures above by ±15% on a shared machine, is common to both halves of a pair.
        std::vector<double> token_fractions;  // [repeats · decode_tokens], read seconds over token seconds
        std::vector<double> weight_read_s;     // [repeats · decode_tokens], the pairs' read halves
        double read_total_s = 0.0, token_total_s = 0.0;
        for (int r = 0; r < o.repeats; ++r) {
            auto out = backend.forward({{0, prompt}});
            for (int i = 0; i < o.decode_tokens; ++i) {
                const double read_before_s = i % 2 == 0 ? weights_read.pass_seconds() : 0.0;
                const auto start = std::chrono::steady_clock::now();
                const int next = bench::first_argmax(out[0].logits.data(), c.vocab_size);
                out = backend.forward({{0, {next}}});
                const double token_s = bench::seconds_since(start);
                const double read_s = i % 2 == 0 ? read_before_s : weights_read.pass_seconds();
                token_fractions.push_back(read_s / token_s);
                weight_read_s.push_back(read_s);
                read_total_s += read_s;
                token_total_s += token_s;
            }
            backend.free_sequence(0);
        }
        const double token_median = bench::quantile(token_fractions, 0.5);
        const double token_lower = bench::quantile(token_fractions, 0.25);
        const double token_upper = bench::quantile(token_fractions, 0.75);
        const double weight_read_bandwidth = bytes / bench::quantile(weight_read_s, 0.5);

        const double prefill_tps = o.prompt_tokens / prefill_s;
        const double decode_tps = o.decode_tokens / decode_s;
        const double decode_bound = bandwidth / bytes;
        const double kv_bytes = kv_bytes_per_token(c, o.prompt_tokens, o.decode_tokens);
        const double decode_bound_with_kv = bandwidth / (bytes + kv_bytes);
        const double peak_bound = peak_bandwidth / bytes;
        const double prefill_gflops = prefill_tps * matmul_flops_per_token(c) / 1e9;
        const double paired_median = bench::quantile(paired_fractions, 0.5);
        const auto [paired_lowest, paired_highest] = std::minmax_element(paired_fractions.begin(), paired_fractions.end());

        nlohmann::json j = {{"model", o.model_path.empty() ? c.name : o.model_path},
                            {"threads", thread_count()},
                            {"prompt_tokens", o.prompt_tokens},
                            {"decode_tokens", o.decode_tokens},
                            {"weight_bytes_per_token", bytes},
                            {"read_bandwidth_gb_s", bandwidth / 1e9},
                            {"peak_read_bandwidth_gb_s", peak_bandwidth / 1e9},
                            {"dram_read_bandwidth_gb_s", dram_bandwidth / 1e9},
                            {"weight_huge_page_bytes", backend.huge_page_bytes()},
                            {"read_buffer_huge_page_bytes", working_set.huge_page_bytes()},
                            {"prefill_tokens_per_s", prefill_tps},
                            {"prefill_matmul_gflop_s", prefill_gflops},
                            {"decode_tokens_per_s", decode_tps},
                            {"decode_bound_tokens_per_s", decode_bound},
                            {"decode_fraction_of_bound", decode_tps / decode_bound},
                            {"decode_fraction_of_peak_bound", decode_tps / peak_bound},
                            {"decode_fraction_paired", paired_fractions},
                            {"kv_bytes_per_token", kv_bytes},
                            {"decode_fraction_of_bound_with_kv", decode_tps / decode_bound_with_kv},
                            {"decode_fraction_paired_median", paired_median},
                            {"decode_fraction_per_token_median", token_median},
                            {"decode_fraction_per_token_quartiles", {token_lower, token_upper}},
                            {"decode_fraction_per_token_totals", read_total_s / token_total_s},
                            {"per_token_pairs", token_fractions.size()},
                            {"weight_read_bandwidth_gb_s", weight_read_bandwidth / 1e9},
                            {"repeats", o.repeats},
                            {"decode_runs_s", decode_runs_s}};
        if (o.json) {
            std::printf("%s\n", j.dump(2).c_str());
        } else {
            std::printf("%-22s threads %d | weights %.1f MB/token | read bandwidth on that working set %.2f GB/s"
                        " sustained over %d passes (%.2f GB/s peak pass), %.2f GB/s from DRAM\n",
                        j["model"].get<std::string>().c_str(), thread_count(), bytes / 1e6, bandwidth / 1e9,
                        o.decode_tokens, peak_bandwidth / 1e9, dram_bandwidth / 1e9);
            std::printf("  2 MB pages: %.1f MB under the weights, %.1f MB under the read buffer\n",
                        backend.huge_page_bytes() / 1e6, working_set.huge_page_bytes() / 1e6);
            std::printf("  prefill %4d tokens: %8.1f tok/s  (%.1f GFLOP/s in the matrix products)\n",
                        o.prompt_tokens, prefill_tps, prefill_gflops);
            std::printf("  decode  %4d tokens: %8.1f tok/s  bound %.1f tok/s  -> %.2f of bound  (best run over best read"
                        " run of %d; %.2f of the peak pass's bound)\n",
                        o.decode_tokens, decode_tps, decode_bound, decode_tps / decode_bound, o.repeats,
                        decode_tps / peak_bound);
            std::printf("          each run over the read run just before it: median %.2f, range %.2f–%.2f (",
                        paired_median, *paired_lowest, *paired_highest);
            for (size_t r = 0; r < paired_fractions.size(); ++r) std::printf(r ? " %.2f" : "%.2f", paired_fractions[r]);
            std::printf(")\n          token by token, each beside a read of the same weight bytes (%zu pairs): median %.2f,"
                        " middle half %.2f–%.2f, totals %.2f (the weights read at %.2f GB/s, median pass)",
                        token_fractions.size(), token_median, token_lower, token_upper, read_total_s / token_total_s,
                        weight_read_bandwidth / 1e9);
            std::printf("\n          counting the cache's keys and values read as well (%.2f MB/token): %.2f of that bound\n",
                        kv_bytes / 1e6, decode_tps / decode_bound_with_kv);
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decodelab-bench-forward: %s\n", e.what());
        return 2;
    }
}
