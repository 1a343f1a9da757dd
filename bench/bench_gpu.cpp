// The GPU benchmarks: decode throughput of the CUDA backend against the CPU backend on the
// embedded model, greedy (batch 1) and beam search (k sequences per pass), and the
// device-to-device copy bandwidth that bounds any memory-bound kernel. Decode of a model
// this small is bound by launch overhead on a GPU, not by bandwidth: the bandwidth bound
// (weight bytes per pass over the measured copy bandwidth) is printed beside the
// measurement to show how far from it the launches keep us.
//
// Timings come from the Session (GenerationResult's prefill and decode seconds); every run
// decodes the same number of tokens (EOS does not stop it) after one unmeasured warm-up
// run per backend. Each figure is the best of `--repeats`.
//
//   decodelab-bench-gpu [--model MODEL] [--prompt TEXT] [--new-tokens N] [--beams K]
//       [--repeats N] [--threads N] [--copy-mib N] [--copy-repeats N] [--no-cpu]
//
// Exit status: 0 measured, 2 error, 77 no CUDA device (nothing measured).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "cuda_check.h"
#include "device_info.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "engine/threads.h"
#include "tokenizer/tokenizer.h"

#if __has_include("cuda_backend.h")
#include "cuda_backend.h"
#define DLAB_BENCH_HAVE_CUDA_BACKEND 1
#else
#define DLAB_BENCH_HAVE_CUDA_BACKEND 0
#endif

using namespace dlab;

namespace {

constexpr int kExitNoDevice = 77;

struct Options {
    std::string model = std::string(kEmbeddedPrefix) + kDefaultModelName;
    std::string prompt = "Once upon a time";
    int new_tokens = 200;
    int beams = 4;
    int repeats = 3;
    int threads = 0;
    int copy_mib = 1024;
    int copy_repeats = 5;
    bool cpu = true;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw InvalidArgument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--model") o.model = next();
        else if (arg == "--prompt") o.prompt = next();
        else if (arg == "--new-tokens") o.new_tokens = std::stoi(next());
        else if (arg == "--beams") o.beams = std::stoi(next());
        else if (arg == "--repeats") o.repeats = std::stoi(next());
        else if (arg == "--threads") o.threads = std::stoi(next());
        else if (arg == "--copy-mib") o.copy_mib = std::stoi(next());
        else if (arg == "--copy-repeats") o.copy_repeats = std::stoi(next());
        else if (arg == "--no-cpu") o.cpu = false;
        else throw InvalidArgument("unknown option " + arg);
    }
    if (o.new_tokens < 1 || o.repeats < 1 || o.beams < 2 || o.copy_mib < 1 || o.copy_repeats < 1)
        throw InvalidArgument("--new-tokens, --repeats, --copy-mib, --copy-repeats ≥ 1 and --beams ≥ 2");
    return o;
}

// cudaMemcpy device to device of `bytes`, timed with CUDA events; best of `repeats` after
// one warm-up copy. Returns seconds per copy.
double best_copy_seconds(size_t bytes, int repeats) {
    void* src = nullptr;
    void* dst = nullptr;
    DLAB_CUDA_CHECK(cudaMalloc(&src, bytes));
    try {
        DLAB_CUDA_CHECK(cudaMalloc(&dst, bytes));
    } catch (...) {
        cudaFree(src);
        throw;
    }
    cudaEvent_t start = nullptr, stop = nullptr;
    double best_s = 1e300;
    try {
        DLAB_CUDA_CHECK(cudaMemset(src, 1, bytes));
        DLAB_CUDA_CHECK(cudaMemset(dst, 0, bytes));
        DLAB_CUDA_CHECK(cudaEventCreate(&start));
        DLAB_CUDA_CHECK(cudaEventCreate(&stop));
        DLAB_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice));  // warm-up
        DLAB_CUDA_CHECK(cudaDeviceSynchronize());
        for (int r = 0; r < repeats; ++r) {
            DLAB_CUDA_CHECK(cudaEventRecord(start));
            DLAB_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice));
            DLAB_CUDA_CHECK(cudaEventRecord(stop));
            DLAB_CUDA_CHECK(cudaEventSynchronize(stop));
            float ms = 0.0f;
            DLAB_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
            best_s = std::min(best_s, ms / 1e3);
        }
    } catch (...) {
        if (start) cudaEventDestroy(start);
        if (stop) cudaEventDestroy(stop);
        cudaFree(dst);
        cudaFree(src);
        throw;
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    cudaFree(dst);
    cudaFree(src);
    return best_s;
}

// fp32 bytes of every weight read by one forward pass (one embedding row, the layers, the
// final norm and the classifier), as in bench_forward.
double weight_bytes_per_pass(const ModelConfig& c, const ModelWeights& w) {
    double floats = c.dim;
    for (const LayerWeights& l : w.layers)
        floats += l.attn_norm.size() + l.wq.size() + l.wk.size() + l.wv.size() + l.wo.size() + l.ffn_norm.size() +
                  l.w_gate.size() + l.w_up.size() + l.w_down.size();
    floats += w.output_norm.size() + w.classifier().size();
    return floats * sizeof(float);
}

struct Workload {
    std::string name;
    GenerationConfig config;
};

struct Measurement {
    std::string backend;
    std::string workload;
    double prefill_tps = 0.0;  // best
    double decode_tps = 0.0;   // best: token positions computed per second (k per pass for beams)
    double passes_per_s = 0.0; // best: decode forward passes per second
    std::vector<int> tokens;   // the best sequence's tokens, to compare backends
};

Measurement measure(Backend& backend, const Tokenizer& tokenizer, const Workload& work, const Options& o) {
    SessionOptions session_options;
    session_options.model_name = o.model;
    session_options.record_timings = true;
    Measurement m;
    m.backend = backend.name();
    m.workload = work.name;
    for (int r = -1; r < o.repeats; ++r) {  // r = -1: warm-up, not counted
        Session session(backend, tokenizer, work.config, nullptr, session_options);
        const GenerationResult result = session.run(o.prompt);
        if (result.stop_reason != "max_new_tokens")
            throw Error(work.name + " on " + backend.name() + " stopped early: " + result.stop_reason + " " +
                        result.stop_detail);
        if (r < 0) continue;
        m.prefill_tps = std::max(m.prefill_tps, result.prefill_tokens_per_s());
        m.decode_tps = std::max(m.decode_tps, result.decode_tokens_per_s());
        if (result.decode_seconds > 0.0) m.passes_per_s = std::max(m.passes_per_s, result.decode_passes / result.decode_seconds);
        m.tokens = result.tokens();
    }
    return m;
}

// Leading tokens two runs agree on (GPU and CPU may part where two candidates tie closely).
size_t common_prefix(const std::vector<int>& a, const std::vector<int>& b) {
    size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        set_thread_count(o.threads);
        if (cuda_device_count() == 0) {
            std::printf("decodelab-bench-gpu: no CUDA device, nothing measured\n");
            return kExitNoDevice;
        }
        const DeviceInfo info = query_device(0);
        std::printf("device 0: %s, compute %d.%d, %d SMs, %.1f GiB, L2 %.0f MiB, theoretical HBM %.0f GB/s\n\n",
                    info.name.c_str(), info.compute_major, info.compute_minor, info.sm_count,
                    info.global_memory_bytes / double(1ull << 30), info.l2_bytes / double(1 << 20),
                    info.theoretical_bandwidth() / 1e9);

        // device-to-device copy
        const size_t copy_bytes = size_t(o.copy_mib) << 20;
        const double copy_s = best_copy_seconds(copy_bytes, o.copy_repeats);
        const double copy_bw = 2.0 * copy_bytes / copy_s;  // bytes read + bytes written per second
        std::printf("| device-to-device copy | size | best of | time | bandwidth (read + write) | of theoretical |\n");
        std::printf("| --- | --- | --- | --- | --- | --- |\n");
        std::printf("| cudaMemcpy D2D | %d MiB | %d | %.3f ms | %.0f GB/s | %.0f%% |\n\n", o.copy_mib, o.copy_repeats,
                    copy_s * 1e3, copy_bw / 1e9, 100.0 * copy_bw / info.theoretical_bandwidth());

        // decode on the embedded model
        const Model model = load_model_or_embedded(o.model);
        if (!model.vocab) throw InvalidArgument(o.model + ": the model has no tokenizer");
        const Tokenizer tokenizer(*model.vocab);
        GenerationConfig base;
        base.max_new_tokens = o.new_tokens;
        base.stop_at_eos = false;
        GenerationConfig beam = base;
        beam.strategy = StrategyKind::Beam;
        beam.num_beams = o.beams;
        const std::vector<Workload> work = {{"greedy (batch 1)", base}, {"beam k=" + std::to_string(o.beams), beam}};

        std::vector<Measurement> cpu, gpu;
        if (o.cpu) {
            CpuBackend backend(model.config, model.weights);
            for (const Workload& w : work) cpu.push_back(measure(backend, tokenizer, w, o));
        }
#if DLAB_BENCH_HAVE_CUDA_BACKEND
        {
            CudaBackend backend(model.config, model.weights);
            for (const Workload& w : work) gpu.push_back(measure(backend, tokenizer, w, o));
        }
#endif
        const double weight_bytes = weight_bytes_per_pass(model.config, model.weights);
        // a pass reads every weight once: copy bandwidth counts reads and writes, so half of it reads
        const double bound_passes = 0.5 * copy_bw / weight_bytes;
        std::printf("%s, prompt \"%s\", %d new tokens (EOS ignored), best of %d after a warm-up; CPU %d threads;"
                    " weights %.2f MB/pass (fp32), HBM bound %.0f passes/s\n\n",
                    o.model.c_str(), o.prompt.c_str(), o.new_tokens, o.repeats, thread_count(), weight_bytes / 1e6,
                    bound_passes);
        std::printf("| backend | workload | prefill tok/s | decode tok/s | decode passes/s | GPU / CPU | same tokens as CPU |\n");
        std::printf("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (size_t i = 0; i < work.size(); ++i) {
            if (i < cpu.size())
                std::printf("| cpu | %s | %.0f | %.0f | %.0f | | |\n", cpu[i].workload.c_str(), cpu[i].prefill_tps,
                            cpu[i].decode_tps, cpu[i].passes_per_s);
            if (i < gpu.size()) {
                std::string ratio = "", same = "";
                if (i < cpu.size()) {
                    char buffer[64];
                    std::snprintf(buffer, sizeof buffer, "%.2f×", gpu[i].decode_tps / cpu[i].decode_tps);
                    ratio = buffer;
                    const size_t agree = common_prefix(gpu[i].tokens, cpu[i].tokens);
                    std::snprintf(buffer, sizeof buffer, "%zu of %zu", agree, cpu[i].tokens.size());
                    same = buffer;
                }
                std::printf("| %s | %s | %.0f | %.0f | %.0f | %s | %s |\n", gpu[i].backend.c_str(),
                            gpu[i].workload.c_str(), gpu[i].prefill_tps, gpu[i].decode_tps, gpu[i].passes_per_s,
                            ratio.c_str(), same.c_str());
            }
        }
        if (!DLAB_BENCH_HAVE_CUDA_BACKEND) std::printf("\n(no CUDA backend in this build: gpu/cuda_backend.h is missing)\n");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decodelab-bench-gpu: %s\n", e.what());
        return 2;
    }
}
