// The sampler chain stage by stage against hand-worked distributions, top-p's minimality
// and the sampled frequencies against straight-loop references, the generator against an
// independent SplitMix64, and every refused parameter with its message.
#include <QTest>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"
#include "decoding/generation_config.h"
#include "decoding/rng.h"
#include "decoding/sampler_chain.h"
#include "decoding/sampler_stages.h"

using namespace dlab;

namespace {

// A config in which every stage is off; tests switch on what they examine.
GenerationConfig all_off(std::vector<std::string> chain = {}) {
    GenerationConfig c;
    c.strategy = StrategyKind::Sample;
    c.temperature = 1.0f;
    c.top_k = 0;
    c.top_p = 1.0f;
    c.min_p = 0.0f;
    c.typical_p = 1.0f;
    c.repetition_penalty = 1.0f;
    c.no_repeat_ngram_size = 0;
    c.chain = std::move(chain);
    return c;
}

ChainResult run(const GenerationConfig& config, const std::vector<float>& logits,
                const std::vector<int>& context = {}) {
    return SamplerChain(config).apply(logits.data(), static_cast<int>(logits.size()), context);
}

// [n] logits whose softmax is `probs` exactly (up to float rounding of the logs).
std::vector<float> logits_of(const std::vector<double>& probs) {
    std::vector<float> logits;
    for (double p : probs) logits.push_back(static_cast<float>(std::log(p)));
    return logits;
}

// Straight-loop softmax in double over `logits`, restricted to `keep` (all when empty).
std::vector<double> reference_softmax(const std::vector<float>& logits, const std::vector<bool>& keep = {}) {
    double max = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < logits.size(); ++i)
        if (keep.empty() || keep[i]) max = std::max(max, double(logits[i]));
    std::vector<double> p(logits.size(), 0.0);
    double sum = 0.0;
    for (size_t i = 0; i < logits.size(); ++i)
        if (keep.empty() || keep[i]) sum += p[i] = std::exp(double(logits[i]) - max);
    for (double& x : p) x /= sum;
    return p;
}

void compare_probs(const std::vector<float>& actual, const std::vector<double>& expected,
                   double tolerance = 1e-6) {
    QCOMPARE(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i)
        if (std::abs(actual[i] - expected[i]) > tolerance)
            QFAIL(qPrintable(
                QString("token %1: probability %2, expected %3").arg(i).arg(actual[i]).arg(expected[i])));
}

std::vector<int> pruned_at(const ChainResult& r) {
    std::vector<int> out;
    for (const ChainCandidate& c : r.candidates) out.push_back(c.pruned_at);
    return out;
}

// An independent SplitMix64 (Steele, Lea, Flood 2014; Vigna's splitmix64.c).
struct ReferenceSplitMix {
    uint64_t state;
    uint64_t next() {
        state += 0x9E3779B97F4A7C15ull;
        uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return std::ldexp(static_cast<double>(next() >> 11), -53); }
};

// The documented draw, written from its definition: first token whose cumulative
// probability (token-id order) exceeds u; the last token with probability > 0 otherwise.
int reference_draw(const std::vector<float>& probs, double u) {
    double cumulative = 0.0;
    int last = -1;
    for (size_t t = 0; t < probs.size(); ++t) {
        if (probs[t] <= 0.0f) continue;
        cumulative += probs[t];
        if (cumulative > u) return static_cast<int>(t);
        last = static_cast<int>(t);
    }
    return last;
}

// The message validate() throws, "" when the config is accepted.
std::string refusal(const GenerationConfig& config) {
    try {
        config.validate();
    } catch (const InvalidArgument& e) {
        return e.what();
    }
    return "";
}

// Upper critical values of the chi-square distribution at significance 0.001, for 1…5
// degrees of freedom (NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.4,
// "Critical Values of the Chi-Square Distribution").
constexpr double kChiSquare999[] = {0.0, 10.828, 13.816, 16.266, 18.467, 20.515};

}  // namespace

class TestSamplerChain : public QObject {
    Q_OBJECT

private slots:
    void presets_and_names();
    void every_stage_off_passes_the_raw_distribution();
    void temperature_scales_the_logits();
    void temperature_zero_keeps_the_argmax();
    void top_k_keeps_ties_at_the_boundary();
    void top_p_keeps_the_smallest_set_reaching_p();
    void top_p_set_is_minimal();
    void min_p_scales_with_the_top_probability();
    void typical_p_keeps_the_most_typical();
    void repetition_penalty_divides_positive_and_multiplies_negative();
    void no_repeat_ngram_bans_completions();
    void no_repeat_ngram_banning_everything_is_refused();
    void presets_differ_when_order_matters();
    void sample_is_the_documented_draw();
    void sample_falls_back_to_the_last_kept_token();
    void sampled_frequencies_match_the_filtered_distribution();
    void rng_is_splitmix64();
    void invalid_configs_are_refused();
};

void TestSamplerChain::presets_and_names() {
    QCOMPARE(chain_preset("hf"),
             (std::vector<std::string>{"repetition_penalty", "no_repeat_ngram", "temperature", "top_k",
                                       "top_p", "min_p", "typical_p"}));
    QCOMPARE(chain_preset("llama.cpp"),
             (std::vector<std::string>{"repetition_penalty", "no_repeat_ngram", "top_k", "typical_p", "top_p",
                                       "min_p", "temperature"}));
    GenerationConfig c;
    QCOMPARE(c.chain_stages(), chain_preset("hf"));
    c.chain_order = "llama.cpp";
    QCOMPARE(c.chain_stages(), chain_preset("llama.cpp"));
    c.chain = {"top_p", "temperature"};
    QCOMPARE(c.chain_stages(), (std::vector<std::string>{"top_p", "temperature"}));
    QCOMPARE(known_chain_stages().size(), size_t(7));

    for (const char* name : {"greedy", "beam", "contrastive", "sample"})
        QCOMPARE(std::string(strategy_name(parse_strategy(name))), std::string(name));
    QCOMPARE(parse_strategy("beam"), StrategyKind::Beam);
    for (const char* name : {"true", "false", "never"})
        QCOMPARE(std::string(early_stopping_name(parse_early_stopping(name))), std::string(name));
    QCOMPARE(parse_early_stopping("never"), EarlyStopping::Never);
}

void TestSamplerChain::every_stage_off_passes_the_raw_distribution() {
    const std::vector<float> logits = {2, 1, 0, -1};
    const ChainResult r = run(all_off(), logits, {0, 1, 2});
    QCOMPARE(r.stages, chain_preset("hf"));
    QCOMPARE(r.stage_probs.size(), size_t(8));
    // softmax(2, 1, 0, −1) = e^{2,1,0,−1} / 10.1073
    const std::vector<double> raw = {0.643914, 0.236883, 0.0871443, 0.0320586};
    for (const std::vector<float>& row : r.stage_probs) compare_probs(row, raw);
    QCOMPARE(pruned_at(r), (std::vector<int>{-1, -1, -1, -1}));
    QCOMPARE(r.probs_of(1), std::vector<float>(8, r.stage_probs[0][1]));
}

void TestSamplerChain::temperature_scales_the_logits() {
    GenerationConfig c = all_off({"temperature"});
    c.temperature = 0.5f;
    const ChainResult r = run(c, {2, 1, 0, -1});
    // logits / 0.5 = {4, 2, 0, −2}; e^{4,2,0,−2} = 54.5982, 7.38906, 1, 0.135335, sum 63.1225
    compare_probs(r.stage_probs[0], {0.643914, 0.236883, 0.0871443, 0.0320586});
    compare_probs(r.stage_probs[1], {0.864955, 0.117059, 0.0158422, 0.00214401});
    QCOMPARE(r.candidates[0].logit, 4.0f);
    QCOMPARE(r.candidates[3].logit, -2.0f);
    QCOMPARE(r.candidates[1].prob, r.stage_probs[1][1]);
}

void TestSamplerChain::temperature_zero_keeps_the_argmax() {
    GenerationConfig c = all_off({"top_k", "temperature"});
    c.temperature = 0.0f;
    // ties at the top go to the lowest id
    const ChainResult tie = run(c, {1, 3, 3, 2});
    compare_probs(tie.stage_probs[2], {0, 1, 0, 0});
    QCOMPARE(pruned_at(tie), (std::vector<int>{1, -1, 1, 1}));

    // over random logits: exactly the straight-loop argmax survives, with probability 1
    ReferenceSplitMix gen{99};
    for (int trial = 0; trial < 100; ++trial) {
        std::vector<float> logits(2 + trial % 30);
        for (float& l : logits) l = static_cast<float>(8.0 * gen.uniform() - 4.0);
        int argmax = 0;
        for (size_t t = 1; t < logits.size(); ++t)
            if (logits[t] > logits[argmax]) argmax = static_cast<int>(t);
        const ChainResult r = run(c, logits);
        for (size_t t = 0; t < logits.size(); ++t)
            QCOMPARE(r.candidates[t].prob, t == size_t(argmax) ? 1.0f : 0.0f);
        Rng rng(trial);
        QCOMPARE(SamplerChain::sample(r, rng), argmax);
    }
}

void TestSamplerChain::top_k_keeps_ties_at_the_boundary() {
    GenerationConfig c = all_off({"temperature", "top_k"});
    c.top_k = 2;
    // e^2 / (e^2 + e^1) = 0.731059
    const ChainResult r = run(c, {2, 1, 0, -1});
    compare_probs(r.stage_probs[2], {0.731059, 0.268941, 0, 0});
    QCOMPARE(pruned_at(r), (std::vector<int>{-1, -1, 1, 1}));

    // the 2nd highest logit is 1, shared by tokens 1 and 2: both stay; e^3/(e^3+2e) = 0.786986
    const ChainResult tied = run(c, {3, 1, 1, 0});
    compare_probs(tied.stage_probs[2], {0.786986, 0.106507, 0.106507, 0});

    // k at least the vocabulary: nothing to remove
    c.top_k = 4;
    QCOMPARE(pruned_at(run(c, {2, 1, 0, -1})), (std::vector<int>{-1, -1, -1, -1}));
}

void TestSamplerChain::top_p_keeps_the_smallest_set_reaching_p() {
    GenerationConfig c = all_off({"top_p"});
    // descending: token 1 (0.5), 3 (0.25), 0 (0.15), 2 (0.1); cumulative 0.5, 0.75, 0.9, 1
    const std::vector<float> logits = logits_of({0.15, 0.5, 0.1, 0.25});
    c.top_p = 0.7f;  // 0.75 ≥ 0.7 first: {1, 3}
    compare_probs(run(c, logits).stage_probs[1], {0, 0.5 / 0.75, 0, 0.25 / 0.75});
    c.top_p = 0.8f;  // 0.9 ≥ 0.8 first: {1, 3, 0}
    const ChainResult r = run(c, logits);
    compare_probs(r.stage_probs[1], {0.15 / 0.9, 0.5 / 0.9, 0, 0.25 / 0.9});
    QCOMPARE(pruned_at(r), (std::vector<int>{-1, -1, 0, -1}));
    c.top_p = 0.4f;  // 0.5 ≥ 0.4 already: {1}
    compare_probs(run(c, logits).stage_probs[1], {0, 1, 0, 0});
    // equal probabilities are ranked by id: token 0 before token 1
    c.top_p = 0.3f;
    compare_probs(run(c, logits_of({0.4, 0.4, 0.2})).stage_probs[1], {1, 0, 0});
}

void TestSamplerChain::top_p_set_is_minimal() {
    ReferenceSplitMix gen{2024};
    GenerationConfig c = all_off({"top_p"});
    for (int trial = 0; trial < 300; ++trial) {
        std::vector<float> logits(2 + trial % 40);
        for (float& l : logits) l = static_cast<float>(6.0 * gen.uniform() - 3.0);
        c.top_p = static_cast<float>(0.02 + 0.96 * gen.uniform());
        const ChainResult r = run(c, logits);
        const std::vector<double> p = reference_softmax(logits);

        // the kept set: its mass, its least probable member, the most probable pruned one
        double mass = 0.0, least_kept = 1.0, most_pruned = 0.0;
        for (size_t t = 0; t < logits.size(); ++t) {
            if (r.candidates[t].pruned_at < 0) {
                mass += p[t];
                least_kept = std::min(least_kept, p[t]);
            } else {
                most_pruned = std::max(most_pruned, p[t]);
            }
        }
        QVERIFY2(mass >= c.top_p - 1e-9,
                 qPrintable(QString("trial %1: kept mass %2 < p %3").arg(trial).arg(mass).arg(c.top_p)));
        QVERIFY2(mass - least_kept < c.top_p + 1e-9,
                 qPrintable(QString("trial %1: set not minimal").arg(trial)));
        QVERIFY2(least_kept >= most_pruned,
                 qPrintable(QString("trial %1: a likelier token was pruned").arg(trial)));
    }
}

void TestSamplerChain::min_p_scales_with_the_top_probability() {
    GenerationConfig c = all_off({"min_p"});
    const std::vector<float> logits = logits_of({0.5, 0.25, 0.15, 0.1});
    c.min_p = 0.25f;  // threshold 0.125: 0.1 goes; the rest renormalized over 0.9
    compare_probs(run(c, logits).stage_probs[1], {0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0});
    c.min_p = 0.4f;  // threshold 0.2
    compare_probs(run(c, logits).stage_probs[1], {2.0 / 3, 1.0 / 3, 0, 0});
    c.min_p = 1.0f;  // only the most probable
    compare_probs(run(c, logits).stage_probs[1], {1, 0, 0, 0});
}

void TestSamplerChain::typical_p_keeps_the_most_typical() {
    // p = {0.1, 0.5, 0.15, 0.25}: H = −Σ p ln p = 0.230259 + 0.346574 + 0.284568 + 0.346574 = 1.207974.
    // |−ln p − H| = |2.302585 − H| 1.094611, |0.693147 − H| 0.514827, |1.897120 − H| 0.689146,
    // |1.386294 − H| 0.178321: most typical first is token 3, 1, 2, 0; cumulative 0.25, 0.75, 0.9, 1.
    GenerationConfig c = all_off({"typical_p"});
    const std::vector<float> logits = logits_of({0.1, 0.5, 0.15, 0.25});
    c.typical_p = 0.2f;  // token 3 alone: the most typical, not the most probable
    compare_probs(run(c, logits).stage_probs[1], {0, 0, 0, 1});
    c.typical_p = 0.5f;
    compare_probs(run(c, logits).stage_probs[1], {0, 0.5 / 0.75, 0, 0.25 / 0.75});
    c.typical_p = 0.8f;
    const ChainResult r = run(c, logits);
    compare_probs(r.stage_probs[1], {0, 0.5 / 0.9, 0.15 / 0.9, 0.25 / 0.9});
    QCOMPARE(pruned_at(r), (std::vector<int>{0, -1, -1, -1}));

    // p = {0.4, 0.4, 0.2}: H = 1.054920; tokens 0 and 1 tie at |0.916291 − H| = 0.138629.
    // Token 0 alone reaches τ = 0.3, and token 1, as typical, stays with it.
    c.typical_p = 0.3f;
    compare_probs(run(c, logits_of({0.4, 0.4, 0.2})).stage_probs[1], {0.5, 0.5, 0});
}

void TestSamplerChain::repetition_penalty_divides_positive_and_multiplies_negative() {
    GenerationConfig c = all_off({"repetition_penalty"});
    c.repetition_penalty = 2.0f;
    // context holds 0 (logit 2 → 1), 1 twice (−1 → −2, penalized once), 4 (0 → 0)
    const std::vector<float> logits = {2, -1, 0.5f, 3, 0};
    const ChainResult r = run(c, logits, {0, 1, 1, 4});
    const std::vector<float> expected = {1, -2, 0.5f, 3, 0};
    for (int t = 0; t < 5; ++t) QCOMPARE(r.candidates[t].logit, expected[t]);
    compare_probs(r.stage_probs[1], reference_softmax(expected));
    compare_probs(r.stage_probs[0], reference_softmax(logits));
    // θ < 1 rewards instead
    c.repetition_penalty = 0.5f;
    QCOMPARE(run(c, logits, {0, 1}).candidates[0].logit, 4.0f);
    QCOMPARE(run(c, logits, {0, 1}).candidates[1].logit, -0.5f);
}

void TestSamplerChain::no_repeat_ngram_bans_completions() {
    GenerationConfig c = all_off({"temperature", "no_repeat_ngram"});
    const std::vector<float> flat(6, 0.0f);
    auto banned = [&](int n, const std::vector<int>& context) {
        c.no_repeat_ngram_size = n;
        std::vector<int> out;
        const ChainResult r = run(c, flat, context);
        for (int t = 0; t < 6; ++t) {
            if (r.candidates[t].pruned_at == -1) continue;
            out.push_back(t);
            if (r.candidates[t].pruned_at != 1 || r.candidates[t].prob != 0.0f) return std::vector<int>{-99};
        }
        return out;
    };
    // bigrams of 5 1 2 1: (5,1) (1,2) (2,1); after 1, token 2 would repeat (1,2)
    QCOMPARE(banned(2, {5, 1, 2, 1}), (std::vector<int>{2}));
    // trigram (1,2,3) occurs; the context ends in 1 2
    QCOMPARE(banned(3, {1, 2, 3, 1, 2}), (std::vector<int>{3}));
    // (3,3) occurs and the context ends in 3
    QCOMPARE(banned(2, {3, 3}), (std::vector<int>{3}));
    // unigrams: every context token
    QCOMPARE(banned(1, {4, 0, 4}), (std::vector<int>{0, 4}));
    // too short a context to hold an n-gram, and n = 0 (off)
    QCOMPARE(banned(3, {1, 2}), std::vector<int>{});
    QCOMPARE(banned(0, {1, 1, 1}), std::vector<int>{});
    // the remaining five share the mass
    c.no_repeat_ngram_size = 2;
    compare_probs(run(c, flat, {5, 1, 2, 1}).stage_probs[2], {0.2, 0.2, 0, 0.2, 0.2, 0.2});
}

void TestSamplerChain::no_repeat_ngram_banning_everything_is_refused() {
    GenerationConfig c = all_off();
    c.no_repeat_ngram_size = 1;
    try {
        run(c, {0, 0}, {0, 1});
        QFAIL("no exception");
    } catch (const InvalidArgument& e) {
        QCOMPARE(std::string(e.what()),
                 std::string(
                     "sampler chain: stage 'no_repeat_ngram' left no candidate token with a finite logit"));
    }
}

void TestSamplerChain::presets_differ_when_order_matters() {
    // p = {0.5, 0.3, 0.2}, T = 0.25, top-p 0.7.
    // hf (temperature first): p^4 = {0.0625, 0.0081, 0.0016} / 0.0722 = {0.8657, 0.1122, 0.0222};
    //   0.8657 ≥ 0.7 already: only token 0 survives top-p.
    // llama.cpp (temperature last): top-p at T = 1 keeps {0, 1} (0.5, then 0.8 ≥ 0.7), renormalized
    //   {0.625, 0.375}; then T: {0.0625, 0.0081} / 0.0706 = {0.885269, 0.114731}.
    GenerationConfig c = all_off();
    c.temperature = 0.25f;
    c.top_p = 0.7f;
    const std::vector<float> logits = logits_of({0.5, 0.3, 0.2});

    c.chain_order = "hf";
    const ChainResult hf = run(c, logits);
    compare_probs(hf.stage_probs[3], {0.865651, 0.112188, 0.0221607});  // after temperature
    compare_probs(hf.stage_probs.back(), {1, 0, 0});
    QCOMPARE(hf.candidates[1].pruned_at, 4);  // top_p, 5th stage

    c.chain_order = "llama.cpp";
    const ChainResult llama = run(c, logits);
    compare_probs(llama.stage_probs[5], {0.625, 0.375, 0});  // after top_p
    compare_probs(llama.stage_probs.back(), {0.885269, 0.114731, 0});
    QCOMPARE(llama.candidates[2].pruned_at, 4);  // top_p, 5th stage here too
}

void TestSamplerChain::sample_is_the_documented_draw() {
    GenerationConfig c = all_off();
    c.top_k = 5;
    c.temperature = 1.5f;
    const std::vector<float> logits = {0.3f, 2.0f, -1.0f, 1.2f, 0.0f, 1.9f, -0.5f, 0.8f};
    const ChainResult r = run(c, logits);
    std::vector<float> final_probs;
    for (const ChainCandidate& cand : r.candidates) final_probs.push_back(cand.prob);
    for (uint64_t seed : {0ull, 1ull, 17ull, 123456789ull}) {
        Rng rng(seed);
        ReferenceSplitMix reference{seed};
        for (int draw = 0; draw < 50; ++draw)
            QCOMPARE(SamplerChain::sample(r, rng), reference_draw(final_probs, reference.uniform()));
    }
}

void TestSamplerChain::sample_falls_back_to_the_last_kept_token() {
    // probabilities summing to 0.6 (as if rounded short) and a seed whose first u exceeds 0.6
    ChainResult r;
    r.stage_probs = {{0.3f, 0.3f, 0.0f}};
    r.candidates = {{0, 0, 0.3f, -1}, {1, 0, 0.3f, -1}, {2, 0, 0.0f, 0}};
    uint64_t seed = 0;
    while (ReferenceSplitMix{seed}.uniform() <= 0.6) ++seed;
    Rng rng(seed);
    QCOMPARE(SamplerChain::sample(r, rng), 1);
}

void TestSamplerChain::sampled_frequencies_match_the_filtered_distribution() {
    GenerationConfig c = all_off();
    c.temperature = 0.8f;
    c.top_k = 4;
    const std::vector<float> logits = {1.0f, 2.0f, 0.5f, -1.0f, 1.5f, 0.0f};
    // reference: logits / 0.8, keep the 4 highest (tokens 1, 4, 0, 2), softmax over them
    std::vector<float> scaled;
    for (float l : logits) scaled.push_back(l / 0.8f);
    const std::vector<double> expected = reference_softmax(scaled, {true, true, true, false, true, false});
    const std::vector<double> unfiltered = reference_softmax(logits);

    const ChainResult r = run(c, logits);
    Rng rng(20240601);
    const int n_draws = 20000;
    std::vector<int> counts(logits.size(), 0);
    for (int i = 0; i < n_draws; ++i) ++counts[SamplerChain::sample(r, rng)];

    QCOMPARE(counts[3] + counts[5], 0);  // pruned tokens are never drawn
    double chi2 = 0.0, chi2_unfiltered = 0.0;
    for (size_t t = 0; t < logits.size(); ++t) {
        if (expected[t] > 0) chi2 += std::pow(counts[t] - n_draws * expected[t], 2) / (n_draws * expected[t]);
        chi2_unfiltered += std::pow(counts[t] - n_draws * unfiltered[t], 2) / (n_draws * unfiltered[t]);
    }
    // 4 categories: 3 degrees of freedom
    QVERIFY2(chi2 < kChiSquare999[3], qPrintable(QString("chi-square %1").arg(chi2)));
    // the test has power: the same counts reject the unfiltered distribution (5 degrees of freedom)
    QVERIFY2(chi2_unfiltered > kChiSquare999[5], qPrintable(QString("chi-square %1").arg(chi2_unfiltered)));
}

void TestSamplerChain::rng_is_splitmix64() {
    // the first outputs for seed 0 of the reference splitmix64.c
    Rng zero(0);
    QCOMPARE(zero.next_u64(), 0xE220A8397B1DCDAFull);
    QCOMPARE(zero.next_u64(), 0x6E789E6AA1B965F4ull);
    QCOMPARE(zero.next_u64(), 0x06C45D188009454Full);

    for (uint64_t seed : {1ull, 42ull, 0x8000000000000005ull, ~0ull}) {
        Rng rng(seed), uniform_rng(seed);
        ReferenceSplitMix reference{seed}, uniform_reference{seed};
        for (int i = 0; i < 1000; ++i) {
            QCOMPARE(rng.next_u64(), reference.next());
            const double u = uniform_rng.uniform();
            QCOMPARE(u, uniform_reference.uniform());
            QVERIFY(u >= 0.0 && u < 1.0);
        }
    }
}

void TestSamplerChain::invalid_configs_are_refused() {
    QCOMPARE(refusal(GenerationConfig{}), std::string());

    struct Case {
        std::string expected;
        void (*edit)(GenerationConfig&);
    };
    const Case cases[] = {
        {"--max-new-tokens: 0 must be at least 1", [](GenerationConfig& c) { c.max_new_tokens = 0; }},
        {"--num-beams: 0 must be at least 1", [](GenerationConfig& c) { c.num_beams = 0; }},
        {"--num-return-sequences: 0 must be at least 1",
         [](GenerationConfig& c) { c.num_return_sequences = 0; }},
        {"--num-return-sequences: 3 exceeds --num-beams 2",
         [](GenerationConfig& c) {
             c.strategy = StrategyKind::Beam;
             c.num_beams = 2;
             c.num_return_sequences = 3;
         }},
        {"--num-return-sequences: 2 needs --strategy beam or sample (greedy returns one sequence)",
         [](GenerationConfig& c) { c.num_return_sequences = 2; }},
        {"--num-return-sequences: 2 needs --strategy beam or sample (contrastive returns one sequence)",
         [](GenerationConfig& c) {
             c.strategy = StrategyKind::Contrastive;
             c.num_return_sequences = 2;
         }},
        {"--top-k: 0 leaves contrastive search no candidates; it needs at least 1",
         [](GenerationConfig& c) {
             c.strategy = StrategyKind::Contrastive;
             c.top_k = 0;
         }},
        {"--top-p: 1.5 is outside (0, 1]", [](GenerationConfig& c) { c.top_p = 1.5f; }},
        {"--top-p: 0 is outside (0, 1]", [](GenerationConfig& c) { c.top_p = 0.0f; }},
        {"--min-p: -0.25 is outside [0, 1]", [](GenerationConfig& c) { c.min_p = -0.25f; }},
        {"--min-p: 1.5 is outside [0, 1]", [](GenerationConfig& c) { c.min_p = 1.5f; }},
        {"--typical-p: 0 is outside (0, 1]", [](GenerationConfig& c) { c.typical_p = 0.0f; }},
        {"--temperature: -1 must be a finite number ≥ 0 (0: always the most likely token)",
         [](GenerationConfig& c) { c.temperature = -1.0f; }},
        {"--top-k: -1 must be at least 0", [](GenerationConfig& c) { c.top_k = -1; }},
        {"--penalty-alpha: 1.5 is outside [0, 1]", [](GenerationConfig& c) { c.penalty_alpha = 1.5f; }},
        {"--penalty-alpha: -0.5 is outside [0, 1]", [](GenerationConfig& c) { c.penalty_alpha = -0.5f; }},
        {"--repetition-penalty: 0 must be a finite number > 0 (1: off)",
         [](GenerationConfig& c) { c.repetition_penalty = 0.0f; }},
        {"--no-repeat-ngram-size: -1 must be at least 0",
         [](GenerationConfig& c) { c.no_repeat_ngram_size = -1; }},
        {"--length-penalty: inf must be finite",
         [](GenerationConfig& c) { c.length_penalty = std::numeric_limits<float>::infinity(); }},
        {"--trace-top-n: 0 must be at least 1", [](GenerationConfig& c) { c.trace_top_n = 0; }},
        {"--chain: unknown chain stage 'foo' (known: repetition_penalty, no_repeat_ngram, temperature, "
         "top_k, "
         "typical_p, top_p, min_p)",
         [](GenerationConfig& c) {
             c.chain = {"top_k", "foo"};
         }},
        {"--chain: stage 'top_k' appears twice",
         [](GenerationConfig& c) {
             c.chain = {"top_k", "top_p", "top_k"};
         }},
        {"--chain-order: 'vllm' is not one of hf, llama.cpp",
         [](GenerationConfig& c) { c.chain_order = "vllm"; }},
    };
    for (const Case& k : cases) {
        GenerationConfig c;
        k.edit(c);
        QCOMPARE(refusal(c), k.expected);
    }

    // NaN is outside every range
    GenerationConfig nan_p;
    nan_p.top_p = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(refusal(nan_p).rfind("--top-p: ", 0) == 0);

    // the boundaries that are allowed
    GenerationConfig edge;
    edge.strategy = StrategyKind::Sample;
    edge.num_return_sequences = 7;  // parallel sampling: any n
    edge.temperature = 0.0f;
    edge.top_p = 1.0f;
    edge.min_p = 1.0f;
    edge.typical_p = 1.0f;
    edge.penalty_alpha = 0.0f;
    edge.top_k = 0;
    QCOMPARE(refusal(edge), std::string());
    GenerationConfig beam;
    beam.strategy = StrategyKind::Beam;
    beam.num_beams = 3;
    beam.num_return_sequences = 3;
    QCOMPARE(refusal(beam), std::string());

    // unknown names
    try {
        parse_strategy("nucleus");
        QFAIL("no exception");
    } catch (const InvalidArgument& e) {
        QCOMPARE(
            std::string(e.what()),
            std::string("--strategy: unknown strategy 'nucleus' (known: greedy, beam, contrastive, sample)"));
    }
    try {
        parse_early_stopping("maybe");
        QFAIL("no exception");
    } catch (const InvalidArgument& e) {
        QCOMPARE(std::string(e.what()),
                 std::string("--early-stopping: 'maybe' is not one of true, false, never"));
    }
}

QTEST_APPLESS_MAIN(TestSamplerChain)
#include "test_sampler_chain.moc"
