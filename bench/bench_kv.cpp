// KV cache memory and the cost of the paged indirection, on the embedded model. Beam search
// and parallel sampling keep several sequences alive at once: the contiguous cache reserves
// max_seq_len slots for each of them up front, the paged cache only the blocks they fill,
// shared between beams that have a common prefix. Every run decodes the same number of
// tokens (EOS does not stop it), once per cache layout, and reports from the kv_stats
// events the peak memory reserved and the share of reserved slots that hold no token, and
// from the session the decode speed — the paged/contiguous ratio is what walking block
// tables instead of one contiguous region costs the forward passes. The whole run's time
// is printed beside it: forking a beam copies a contiguous region but only a block table.
//
//   decodelab-bench-kv [--model MODEL] [--prompt TEXT] [--new-tokens N] [--repeats N]
//       [--threads N] [--csv]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bench_util.h"
#include "common/error.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "engine/threads.h"
#include "tokenizer/tokenizer.h"

using namespace dlab;

namespace {

struct Options {
    std::string model = std::string(kEmbeddedPrefix) + kDefaultModelName;
    std::string prompt = "Once upon a time";
    int new_tokens = 256;
    int repeats = 3;
    int threads = 0;
    bool csv = false;
};

Options parse(int argc, char** argv) {
    const Args args =
        bench::parse_options(argc, argv, {"csv"}, {"model", "prompt", "new-tokens", "repeats", "threads"});
    Options o;
    o.model = args.value("model", o.model);
    o.prompt = args.value("prompt", o.prompt);
    o.new_tokens = args.integer("new-tokens", o.new_tokens, 1, 1 << 20);
    o.repeats = args.integer("repeats", o.repeats, 1, 10000);
    o.threads = args.integer("threads", o.threads, 0, 4096);
    o.csv = args.flag("csv");
    return o;
}

struct Workload {
    std::string name;
    GenerationConfig config;
};

std::vector<Workload> workloads(int new_tokens) {
    GenerationConfig base;
    base.max_new_tokens = new_tokens;
    base.stop_at_eos = false;  // every run decodes the same number of tokens
    GenerationConfig beam4 = base, beam8 = base, sample4 = base;
    beam4.strategy = beam8.strategy = StrategyKind::Beam;
    beam4.num_beams = 4;
    beam8.num_beams = 8;
    sample4.strategy = StrategyKind::Sample;
    sample4.num_return_sequences = 4;
    sample4.seed = 1;
    return {{"beam k=4", beam4}, {"beam k=8", beam8}, {"sample n=4", sample4}};
}

struct Layout {
    std::string name;
    KvConfig kv;
};

std::vector<Layout> layouts() {
    std::vector<Layout> list = {{"contiguous", {}}};
    for (int block_size : {4, 16, 32}) {
        KvConfig kv;
        kv.kind = KvKind::Paged;
        kv.block_size = block_size;
        list.push_back({"paged (block " + std::to_string(block_size) + ")", kv});
    }
    return list;
}

// Keeps only the pool statistics the session emits after the prefill and after each step.
class KvStatsSeries final : public TraceSink {
public:
    void emit(const Event& event) override {
        if (const auto* stats = std::get_if<KvStatsEvent>(&event.body)) m_stats.push_back(*stats);
    }
    const std::vector<KvStatsEvent>& stats() const { return m_stats; }

private:
    std::vector<KvStatsEvent> m_stats;
};

struct Measurement {
    long long peak_bytes = 0;          // most KV memory reserved at once
    double mean_fragmentation = 0.0;   // over the steps with slots reserved
    double peak_fragmentation = 0.0;   // when the most was reserved (the last such step)
    int peak_shared_blocks = 0;        // blocks owned by several sequences at that step
    std::vector<double> decode_tps;    // one per repeat
    std::vector<double> run_seconds;   // one per repeat: the whole session.run()
};

// Memory figures from one run's stats; they are the same in every repeat (same tokens).
void summarize(const std::vector<KvStatsEvent>& stats, Measurement& m) {
    const KvStatsEvent* peak = nullptr;
    double fragmentation_sum = 0.0;
    int n_reserved = 0;
    for (const KvStatsEvent& s : stats) {
        if (!peak || s.slots_reserved >= peak->slots_reserved) peak = &s;
        if (s.slots_reserved == 0) continue;  // the pool after the run released everything
        fragmentation_sum += s.fragmentation();
        ++n_reserved;
    }
    if (!peak) throw Error("the backend reported no KV cache statistics");
    m.peak_bytes = peak->slots_reserved * peak->bytes_per_slot;
    m.peak_fragmentation = peak->fragmentation();
    m.peak_shared_blocks = peak->shared_blocks;
    m.mean_fragmentation = n_reserved > 0 ? fragmentation_sum / n_reserved : 0.0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        set_thread_count(o.threads);
        const Model model = load_model_or_embedded(o.model);
        if (!model.vocab) throw InvalidArgument(o.model + ": the model has no tokenizer");
        const Tokenizer tokenizer(*model.vocab);
        SessionOptions session_options;
        session_options.model_name = o.model;
        session_options.record_timings = true;

        const std::vector<Workload> work = workloads(o.new_tokens);
        const std::vector<Layout> caches = layouts();
        std::vector<std::vector<Measurement>> results(work.size(), std::vector<Measurement>(caches.size()));
        // repeats outermost, so that a slow spell of a shared machine hits every layout alike
        for (int r = 0; r < o.repeats; ++r) {
            for (size_t w = 0; w < work.size(); ++w) {
                for (size_t c = 0; c < caches.size(); ++c) {
                    CpuBackend backend(model.config, model.weights, caches[c].kv);
                    KvStatsSeries series;
                    Session session(backend, tokenizer, work[w].config, &series, session_options);
                    const auto start = std::chrono::steady_clock::now();
                    const GenerationResult result = session.run(o.prompt);
                    results[w][c].run_seconds.push_back(
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
                    if (result.stop_reason != "max_new_tokens")
                        throw Error(work[w].name + " on " + caches[c].name + " stopped early: " + result.stop_reason +
                                    " " + result.stop_detail);
                    if (r == 0) summarize(series.stats(), results[w][c]);
                    results[w][c].decode_tps.push_back(result.decode_tokens_per_s());
                }
            }
        }

        if (o.csv) {
            std::printf("workload,cache,peak_kv_bytes,mean_fragmentation,peak_fragmentation,peak_shared_blocks,"
                        "decode_tokens_per_s_median,decode_ratio_to_contiguous,run_seconds_median\n");
        } else {
            std::printf("%s, prompt \"%s\", %d new tokens (EOS ignored), %d threads; times: median (and range) of %d"
                        " runs\n\n",
                        o.model.c_str(), o.prompt.c_str(), o.new_tokens, thread_count(), o.repeats);
            std::printf("| workload | cache | peak KV reserved | vs contiguous | empty slots, mean"
                        " | empty slots, at peak | shared blocks at peak | decode tok/s | vs contiguous | whole run |\n");
            std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        }
        for (size_t w = 0; w < work.size(); ++w) {
            const Measurement& contiguous = results[w][0];
            const double contiguous_tps = bench::median(contiguous.decode_tps);
            for (size_t c = 0; c < caches.size(); ++c) {
                const Measurement& m = results[w][c];
                const double tps = bench::median(m.decode_tps);
                if (o.csv) {
                    std::printf("%s,%s,%lld,%.4f,%.4f,%d,%.1f,%.3f,%.4f\n", work[w].name.c_str(),
                                caches[c].name.c_str(), m.peak_bytes, m.mean_fragmentation,
                                m.peak_fragmentation, m.peak_shared_blocks, tps, tps / contiguous_tps,
                                bench::median(m.run_seconds));
                } else {
                    const auto [slowest, fastest] = std::minmax_element(m.decode_tps.begin(), m.decode_tps.end());
                    std::printf(
                        "| %s | %s | %.2f MB | %.2f× | %.1f%% | %.1f%% | %d | %.0f (%.0f–%.0f) | %.2f× |"
                        " %.2f s |\n",
                        work[w].name.c_str(), caches[c].name.c_str(), m.peak_bytes / 1e6,
                        double(m.peak_bytes) / double(contiguous.peak_bytes), 100.0 * m.mean_fragmentation,
                        100.0 * m.peak_fragmentation, m.peak_shared_blocks, tps, *slowest, *fastest,
                        tps / contiguous_tps, bench::median(m.run_seconds));
                }
            }
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decodelab-bench-kv: %s\n", e.what());
        return 2;
    }
}
