// Speculative sampling's wall-clock speed-up on the CPU, next to the model of Leviathan et
// al.: with acceptance rate α, γ draft tokens and c the cost of a draft pass relative to a
// target pass, a round yields (1 − α^{γ+1}) / (1 − α) tokens for the price of γc + 1
// target passes, so the expected speed-up is (1 − α^{γ+1}) / ((1 − α)(γc + 1)).
//
// For every drafter (the draft model, prompt lookup) and γ the benchmark decodes the same
// number of tokens (EOS ignored) as plain decoding of the target does, and reports the
// measured α, tokens per target pass (measured and the theory's), c (the draft's time per
// pass over the target's time per decode pass, both measured in the same runs) and the
// measured and modeled speed-ups. Prompt lookup often proposes fewer than γ tokens, so the
// model takes γ̄, the drafts actually proposed per round, and the theory averages
// (1 − α^{n+1}) / (1 − α) over the rounds' proposal lengths n. Greedy by default, so every
// run yields the same tokens as plain decoding (the last column checks it). The model
// prices a verification pass like a one-token decode pass; v, the measured ratio of the two,
// shows where that fails (a CPU computes the γ + 1 positions, it does not only stream the
// weights once), and the last model column divides by γ̄c + v instead.
//
//   decodelab-bench-speculative [--target MODEL] [--draft MODEL] [--prompt TEXT]
//       [--new-tokens N] [--gammas 2,4,8] [--repeats N] [--threads N] [--strategy greedy|sample]
//       [--backend cpu|cuda]   (cuda: target and draft both on device 0, in builds with CUDA)
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "common/error.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/model_drafter.h"
#include "engine/ngram_drafter.h"
#include "engine/session.h"
#include "engine/threads.h"
#include "tokenizer/tokenizer.h"
#ifdef DECODELAB_HAVE_CUDA
#include "cuda_backend.h"
#include "device_info.h"
#endif

using namespace dlab;

namespace {

struct Options {
    std::string target = "embedded:stories-target";
    std::string draft = "embedded:stories-draft";
    std::string prompt = "Once upon a time";
    int new_tokens = 200;
    std::vector<int> gammas = {2, 4, 8};
    int repeats = 3;
    int threads = 0;
    StrategyKind strategy = StrategyKind::Greedy;
    std::string backend = "cpu";
};

// "2,4,8": the draft lengths to time, each from 1 to 64
std::vector<int> parse_gammas(const std::string& text) {
    std::vector<int> gammas;
    for (const std::string& item : split_commas(text)) {
        int gamma = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), gamma);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || gamma < 1 || gamma > 64)
            throw InvalidArgument("--gammas: each draft length must be an integer from 1 to 64, got '" +
                                  item + "'");
        gammas.push_back(gamma);
    }
    return gammas;
}

Options parse(int argc, char** argv) {
    const Args args = bench::parse_options(
        argc, argv, {},
        {"target", "draft", "prompt", "new-tokens", "gammas", "repeats", "threads", "strategy", "backend"});
    Options o;
    o.target = args.value("target", o.target);
    o.draft = args.value("draft", o.draft);
    o.prompt = args.value("prompt", o.prompt);
    o.new_tokens = args.integer("new-tokens", o.new_tokens, 2, 1 << 20);
    if (args.has("gammas")) o.gammas = parse_gammas(args.value("gammas"));
    o.repeats = args.integer("repeats", o.repeats, 1, 10000);
    o.threads = args.integer("threads", o.threads, 0, 4096);
    if (args.has("strategy")) o.strategy = parse_strategy(args.value("strategy"));
    o.backend = args.value("backend", o.backend);
    if (o.backend != "cpu" && o.backend != "cuda") throw InvalidArgument("--backend: cpu or cuda");
    return o;
}

// A backend of `model` on the chosen device: the CPU, or CUDA device 0 (F32, contiguous).
std::unique_ptr<Backend> make_backend(const Model& model, const std::string& kind) {
    if (kind == "cpu") return std::make_unique<CpuBackend>(model.config, model.weights);
#ifdef DECODELAB_HAVE_CUDA
    return std::make_unique<CudaBackend>(model.config, model.weights, KvConfig{});
#else
    throw UnsupportedError("--backend cuda: this build has no CUDA backend");
#endif
}

struct Plain {
    std::vector<double> decode_seconds;  // one per repeat
    std::vector<double> pass_seconds;    // decode seconds per decode pass
    std::vector<int> tokens;
};

struct Speculative {
    std::vector<double> decode_seconds;
    std::vector<double> draft_pass_seconds;  // the drafter's time per forward pass (model drafter)
    SpecSummaryEvent summary;                // the same in every repeat (same tokens)
    bool same_tokens = true;                 // equal to plain decoding of the target
};

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        set_thread_count(o.threads);
#ifdef DECODELAB_HAVE_CUDA
        if (o.backend == "cuda" && cuda_device_count() == 0) {
            std::fprintf(stderr, "decodelab-bench-speculative: no CUDA device\n");
            return 77;  // skipped, as decodelab-bench-gpu reports it
        }
#endif
        const Model target_model = load_model_or_embedded(o.target);
        const Model draft_model = load_model_or_embedded(o.draft);
        if (!target_model.vocab) throw InvalidArgument(o.target + ": the model has no tokenizer");
        const Tokenizer tokenizer(*target_model.vocab);
        GenerationConfig config;
        config.strategy = o.strategy;
        config.max_new_tokens = o.new_tokens;
        config.stop_at_eos = false;
        config.seed = 1;

        const std::vector<std::string> drafters = {"model", "ngram"};
        Plain plain, draft_plain;
        std::vector<std::vector<Speculative>> spec(drafters.size(), std::vector<Speculative>(o.gammas.size()));
        // repeats outermost, so that a slow spell of a shared machine hits every configuration alike
        for (int r = 0; r < o.repeats; ++r) {
            const std::unique_ptr<Backend> target_backend = make_backend(target_model, o.backend);
            const std::unique_ptr<Backend> draft_backend = make_backend(draft_model, o.backend);
            Backend& target = *target_backend;
            Backend& draft = *draft_backend;

            // plain decoding of the target, and of the draft model (its cost per pass)
            for (auto [backend, record] : {std::pair{&target, &plain}, std::pair{&draft, &draft_plain}}) {
                Session session(*backend, tokenizer, config);
                const GenerationResult result = session.run(o.prompt);
                record->decode_seconds.push_back(result.decode_seconds);
                record->pass_seconds.push_back(result.decode_seconds / result.decode_passes);
                record->tokens = result.tokens();
            }

            // every drafter at every γ
            for (size_t d = 0; d < drafters.size(); ++d) {
                for (size_t g = 0; g < o.gammas.size(); ++g) {
                    ModelDrafter model_drafter(draft, "model");
                    NgramDrafter ngram_drafter(target_model.config.vocab_size, config.max_matching_ngram_size);
                    SessionOptions options;
                    options.drafter = drafters[d] == "model" ? static_cast<Drafter*>(&model_drafter) : &ngram_drafter;
                    GenerationConfig c = config;
                    c.num_draft_tokens = o.gammas[g];
                    Session session(target, tokenizer, c, nullptr, options);
                    const GenerationResult result = session.run(o.prompt);
                    Speculative& s = spec[d][g];
                    s.decode_seconds.push_back(result.decode_seconds);
                    s.summary = *result.speculative;
                    if (s.summary.draft_passes > 0)
                        s.draft_pass_seconds.push_back(*s.summary.draft_ms / 1e3 / s.summary.draft_passes);
                    s.same_tokens = s.same_tokens && result.tokens() == plain.tokens;
                }
            }
        }

        // the table: measured against modeled
        const double target_pass = bench::median(plain.pass_seconds);
        std::printf("target %s, draft %s, prompt \"%s\", %d new tokens (EOS ignored), %s, backend %s, %d CPU"
                    " threads; times: median of %d runs\n",
                    o.target.c_str(), o.draft.c_str(), o.prompt.c_str(), o.new_tokens, strategy_name(o.strategy),
                    o.backend.c_str(), thread_count(), o.repeats);
        std::printf(
            "plain decoding: target %.0f tok/s (%.3f ms per pass),"
            " draft model %.0f tok/s (%.3f ms per pass)\n\n",
            (o.new_tokens - 1) / bench::median(plain.decode_seconds), target_pass * 1e3,
            (o.new_tokens - 1) / bench::median(draft_plain.decode_seconds),
            bench::median(draft_plain.pass_seconds) * 1e3);
        std::printf("| drafter | γ | drafts per round γ̄ | α | tokens per target pass | theory (1−α^{γ̄+1})/(1−α) | c | v |"
                    " speed-up | modeled (1−α^{γ̄+1})/((1−α)(γ̄c+1)) | modeled with v: …/(γ̄c+v) | same tokens |\n");
        std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (size_t d = 0; d < drafters.size(); ++d) {
            for (size_t g = 0; g < o.gammas.size(); ++g) {
                const Speculative& s = spec[d][g];
                const int gamma = o.gammas[g];
                // γ̄: drafts actually proposed per round (prompt lookup often finds fewer than γ)
                const double proposed = static_cast<double>(s.summary.drafted) / s.summary.rounds;
                // c: a draft pass over a target decode pass; for prompt lookup its time per drafted token
                const double c =
                    s.draft_pass_seconds.empty()
                        ? *s.summary.draft_ms / 1e3 / std::max(1, s.summary.drafted) / target_pass
                        : bench::median(s.draft_pass_seconds) / target_pass;
                const double yield = s.summary.expected_tokens_per_target_pass;
                const double modeled = yield / (proposed * c + 1);
                // v: a verification pass (γ̄ + 1 positions) over a one-token decode pass; the
                // model assumes 1, which holds where decode is bound by streaming the weights
                const double v = *s.summary.target_ms / 1e3 / std::max(1, s.summary.target_passes) / target_pass;
                const double modeled_v = yield / (proposed * c + v);
                const double speedup = bench::median(plain.decode_seconds) / bench::median(s.decode_seconds);
                std::printf("| %s | %d | %.2f | %.3f | %.2f | %.2f | %.3f | %.2f | %.2f× | %.2f× | %.2f× | %s |\n",
                            drafters[d].c_str(), gamma, proposed, s.summary.alpha, s.summary.tokens_per_target_pass,
                            yield, c, v, speedup, modeled, modeled_v,
                            o.strategy != StrategyKind::Greedy ? "n/a (sampled)" : s.same_tokens ? "yes" : "no");
            }
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decodelab-bench-speculative: %s\n", e.what());
        return 2;
    }
}
