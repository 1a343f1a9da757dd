// Prefill and decode throughput of the CPU backend, reported separately, each next to
// its physical bound. Decode streams every weight once per token, so its bound is the
// read bandwidth this machine reaches on a working set of the weights' size over the
// weight bytes (a model that fits the last-level cache is bound by that cache, not by
// DRAM: both bandwidths are printed). Prefill is compute-bound and is reported with its
// achieved GFLOP/s in the matrix products.
//
// On a shared machine both the bandwidth and the decode speed move from minute to minute,
// so the two are measured alternately, `--repeats` times each, and each is reported as its
// best: the bound comes from the best bandwidth seen in the same minutes as the best decode.
//
//   decodelab-bench-forward (--model FILE | --shape stories15M|stories110M)
//       [--threads N] [--prompt-tokens N] [--decode-tokens N] [--repeats N] [--json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

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
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw InvalidArgument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--model") o.model_path = next();
        else if (arg == "--shape") o.shape = next();
        else if (arg == "--threads") o.threads = std::stoi(next());
        else if (arg == "--prompt-tokens") o.prompt_tokens = std::stoi(next());
        else if (arg == "--decode-tokens") o.decode_tokens = std::stoi(next());
        else if (arg == "--repeats") o.repeats = std::stoi(next());
        else if (arg == "--json") o.json = true;
        else throw InvalidArgument("unknown option " + arg);
    }
    if (o.model_path.empty() == o.shape.empty()) throw InvalidArgument("give exactly one of --model and --shape");
    if (o.prompt_tokens < 2 || o.decode_tokens < 1 || o.repeats < 1)
        throw InvalidArgument("--prompt-tokens ≥ 2, --decode-tokens ≥ 1 and --repeats ≥ 1");
    return o;
}

// Bytes of weights read for one decoded token: every matrix and norm, the classifier,
// and one embedding row.
double weight_bytes_per_token(const ModelConfig& c, const ModelWeights& w) {
    double floats = c.dim;  // the embedding row
    for (const LayerWeights& l : w.layers)
        floats += l.attn_norm.size() + l.wq.size() + l.wk.size() + l.wv.size() + l.wo.size() + l.ffn_norm.size() +
                  l.w_gate.size() + l.w_up.size() + l.w_down.size();
    floats += w.output_norm.size() + w.classifier().size();
    return floats * sizeof(float);
}

// Multiply-adds of the matrices per token (×2 FLOPs), attention excluded.
double matmul_flops_per_token(const ModelConfig& c) {
    const double per_layer = 2.0 * c.dim * c.dim + 2.0 * c.dim * c.kv_dim() + 3.0 * c.dim * c.hidden_dim;
    return 2.0 * (c.n_layers * per_layer + static_cast<double>(c.vocab_size) * c.dim);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
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

        const double bytes = weight_bytes_per_token(c, model.weights);
        const double dram_bandwidth = bench::measure_read_bandwidth(1.0e9);
        std::vector<int> prompt(o.prompt_tokens);
        for (int i = 0; i < o.prompt_tokens; ++i) prompt[i] = (i * 131 + 7) % c.vocab_size;

        // warm-up pass: first touch of the backend's buffers and the cache
        CpuBackend backend(c, model.weights);
        backend.forward({{1, prompt}});
        backend.free_sequence(1);

        double bandwidth = 0.0;                        // best of every measurement
        double prefill_s = 1e300, decode_s = 1e300;    // best of the repeats
        std::vector<double> decode_runs_s;             // [repeats]
        for (int r = 0; r < o.repeats; ++r) {
            bandwidth = std::max(bandwidth, bench::measure_read_bandwidth(bytes));

            // prefill of a fresh sequence
            auto start = std::chrono::steady_clock::now();
            auto out = backend.forward({{0, prompt}});
            prefill_s = std::min(prefill_s, seconds_since(start));

            // decode: one token per pass, greedy so the run is realistic
            start = std::chrono::steady_clock::now();
            for (int i = 0; i < o.decode_tokens; ++i) {
                Eigen::Index next = 0;
                out[0].logits.row(0).maxCoeff(&next);
                out = backend.forward({{0, {static_cast<int>(next)}}});
            }
            decode_runs_s.push_back(seconds_since(start));
            decode_s = std::min(decode_s, decode_runs_s.back());
            backend.free_sequence(0);
        }

        const double prefill_tps = o.prompt_tokens / prefill_s;
        const double decode_tps = o.decode_tokens / decode_s;
        const double decode_bound = bandwidth / bytes;
        const double prefill_gflops = prefill_tps * matmul_flops_per_token(c) / 1e9;

        nlohmann::json j = {{"model", o.model_path.empty() ? c.name : o.model_path},
                            {"threads", thread_count()},
                            {"prompt_tokens", o.prompt_tokens},
                            {"decode_tokens", o.decode_tokens},
                            {"weight_bytes_per_token", bytes},
                            {"read_bandwidth_gb_s", bandwidth / 1e9},
                            {"dram_read_bandwidth_gb_s", dram_bandwidth / 1e9},
                            {"prefill_tokens_per_s", prefill_tps},
                            {"prefill_matmul_gflop_s", prefill_gflops},
                            {"decode_tokens_per_s", decode_tps},
                            {"decode_bound_tokens_per_s", decode_bound},
                            {"decode_fraction_of_bound", decode_tps / decode_bound},
                            {"repeats", o.repeats},
                            {"decode_runs_s", decode_runs_s}};
        if (o.json) {
            std::printf("%s\n", j.dump(2).c_str());
        } else {
            std::printf("%-22s threads %d | weights %.1f MB/token | read bandwidth %.2f GB/s on that working set,"
                        " %.2f GB/s from DRAM\n",
                        j["model"].get<std::string>().c_str(), thread_count(), bytes / 1e6, bandwidth / 1e9,
                        dram_bandwidth / 1e9);
            std::printf("  prefill %4d tokens: %8.1f tok/s  (%.1f GFLOP/s in the matrix products)\n",
                        o.prompt_tokens, prefill_tps, prefill_gflops);
            std::printf("  decode  %4d tokens: %8.1f tok/s  bound %.1f tok/s  -> %.2f of bound  (best of %d; every run:",
                        o.decode_tokens, decode_tps, decode_bound, decode_tps / decode_bound, o.repeats);
            for (double run_s : decode_runs_s) std::printf(" %.2f", o.decode_tokens / run_s / decode_bound);
            std::printf(")\n");
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decodelab-bench-forward: %s\n", e.what());
        return 2;
    }
}
