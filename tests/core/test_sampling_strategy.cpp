// GreedyStrategy and SampleStrategy driven directly with hand-built logits (no model): a
// small loop in this file plays the Session, applying each decision and asking a
// deterministic function of the context for the next logits.
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "decoding/greedy_strategy.h"
#include "decoding/sample_strategy.h"
#include "decoding/sampler_stages.h"

using namespace dlab;

namespace {

constexpr int kVocab = 7;
constexpr int kEos = 0;

Vector vector_of(const std::vector<float>& values) {
    Vector v(static_cast<Eigen::Index>(values.size()));
    for (size_t i = 0; i < values.size(); ++i) v[static_cast<Eigen::Index>(i)] = values[i];
    return v;
}

// [kVocab] logits as a deterministic function of the context; EOS becomes likely only
// once the context has grown by 6 tokens past a 2-token prompt.
Vector toy_logits(const std::vector<int>& context) {
    double h = 0.0;
    for (size_t i = 0; i < context.size(); ++i) h += 0.37 * (i + 1) * (context[i] + 1);
    std::vector<float> logits(kVocab);
    for (int v = 0; v < kVocab; ++v) logits[v] = static_cast<float>(2.0 * std::sin(1.3 * v + 0.7 * h));
    logits[kEos] = context.size() >= 8 ? 4.0f : -4.0f;
    return vector_of(logits);
}

GenerationConfig sample_config(float temperature, int n_return = 1) {
    GenerationConfig c;
    c.strategy = StrategyKind::Sample;
    c.temperature = temperature;
    c.top_k = 0;
    c.num_return_sequences = n_return;
    c.trace_top_n = 3;
    return c;
}

struct Driven {
    std::vector<StepDecision> decisions;
    std::vector<SequenceRecord> results;
};

// The Session's part, reduced: one root sequence, decisions applied, logits recomputed.
Driven drive(Strategy& strategy, const std::vector<int>& prompt, int max_new_tokens, uint64_t seed,
             const std::function<Vector(const std::vector<int>&)>& logits_of) {
    Driven out;
    Rng rng(seed);
    int next_id = 1;
    std::vector<SequenceState> live(1);
    live[0].logits = logits_of(prompt);
    for (int step = 1; step <= max_new_tokens && !live.empty(); ++step) {
        StepInput input;
        input.step = step;
        input.prompt = &prompt;
        input.live = &live;
        input.eos_id = kEos;
        input.max_new_tokens = max_new_tokens;
        input.rng = &rng;
        input.next_sequence_id = &next_id;
        StepDecision decision = strategy.step(input, {});
        std::vector<SequenceState> next;
        for (const Extension& e : decision.extensions) {
            const SequenceState& src =
                *std::find_if(live.begin(), live.end(), [&](auto& s) { return s.id == e.seq; });
            SequenceState s;
            s.id = e.new_seq;
            s.parent = e.seq;
            s.tokens = src.tokens;
            s.tokens.push_back(e.token);
            s.logprob = e.logprob;
            s.score = e.score;
            std::vector<int> context = prompt;
            context.insert(context.end(), s.tokens.begin(), s.tokens.end());
            s.logits = logits_of(context);
            next.push_back(std::move(s));
        }
        live = std::move(next);
        out.decisions.push_back(std::move(decision));
    }
    out.results = strategy.results(live);
    return out;
}

// One decision for a single live sequence holding `logits`.
StepDecision one_step(Strategy& strategy, const std::vector<float>& logits, uint64_t seed = 1) {
    const std::vector<int> prompt = {1};
    std::vector<SequenceState> live(1);
    live[0].id = 5;
    live[0].logprob = -1.0;
    live[0].logits = vector_of(logits);
    Rng rng(seed);
    int next_id = 6;
    StepInput input;
    input.step = 3;
    input.prompt = &prompt;
    input.live = &live;
    input.eos_id = kEos;
    input.rng = &rng;
    input.next_sequence_id = &next_id;
    return strategy.step(input, {});
}

// An independent SplitMix64 (Vigna's splitmix64.c) and the uniform double it defines.
struct ReferenceSplitMix {
    uint64_t state;
    double uniform() {
        state += 0x9E3779B97F4A7C15ull;
        uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return std::ldexp(static_cast<double>((z ^ (z >> 31)) >> 11), -53);
    }
};

}  // namespace

class TestSamplingStrategy : public QObject {
    Q_OBJECT

private slots:
    void greedy_picks_the_argmax();
    void greedy_finishes_on_eos();
    void sampling_records_the_chain();
    void sampling_is_reproducible_from_the_seed();
    void parallel_sampling_forks_at_step_one();
    void temperature_zero_equals_greedy();
};

void TestSamplingStrategy::greedy_picks_the_argmax() {
    GenerationConfig c;
    c.trace_top_n = 3;
    GreedyStrategy greedy(c);
    // tokens 1 and 2 tie at the top: the lower id wins. Σ e^l = e^0.5 + 2e^2 + e^-1 + e^1 + e^0 + e^-2
    // = 1.648721 + 14.778112 + 0.367879 + 2.718282 + 1 + 0.135335 = 20.648329; ln = 3.027634
    const StepDecision d = one_step(greedy, {0.5f, 2.0f, 2.0f, -1.0f, 1.0f, 0.0f, -2.0f});
    QCOMPARE(d.extensions.size(), size_t(1));
    QVERIFY(d.finished.empty());
    QCOMPARE(d.extensions[0].seq, 5);
    QCOMPARE(d.extensions[0].new_seq, 5);
    QCOMPARE(d.extensions[0].token, 1);
    QVERIFY(std::abs(d.extensions[0].logprob - (-1.0 + 2.0 - 3.027634)) < 1e-6);
    QCOMPARE(d.extensions[0].score, d.extensions[0].logprob);

    // the three highest logits: 1, 2 (tie, higher id second), then 4
    QVERIFY(d.stages.empty());
    QCOMPARE(d.candidates.size(), size_t(3));
    const int tokens[] = {1, 2, 4};
    const double log_p[] = {2.0 - 3.027634, 2.0 - 3.027634, 1.0 - 3.027634};
    for (int i = 0; i < 3; ++i) {
        const CandidateRecord& cand = d.candidates[i];
        QCOMPARE(cand.seq, 5);
        QCOMPARE(cand.token, tokens[i]);
        QCOMPARE(cand.probs.size(), size_t(1));
        QVERIFY(std::abs(cand.probs[0] - std::exp(log_p[i])) < 1e-6);
        QVERIFY(std::abs(cand.score - log_p[i]) < 1e-6);
        QCOMPARE(cand.chosen, i == 0);
        QCOMPARE(cand.kept, i == 0);
        QCOMPARE(cand.reason, std::string(i == 0 ? "" : "not_chosen"));
    }
}

void TestSamplingStrategy::greedy_finishes_on_eos() {
    GreedyStrategy greedy(GenerationConfig{});
    const std::vector<int> prompt = {3, 4};
    // logits peaked at 2, 5, then EOS
    auto logits = [&](const std::vector<int>& context) {
        std::vector<float> l(kVocab, 0.0f);
        const size_t n = context.size() - prompt.size();
        l[n == 0 ? 2 : n == 1 ? 5 : kEos] = 3.0f;
        return vector_of(l);
    };
    const Driven run = drive(greedy, prompt, 10, 0, logits);
    QCOMPARE(run.decisions.size(), size_t(3));
    QCOMPARE(run.decisions[2].finished.size(), size_t(1));
    QVERIFY(run.decisions[2].extensions.empty());
    QCOMPARE(run.decisions[2].finished[0].token, kEos);

    // one sequence, EOS included; each step: log(e^3 / (e^3 + 6)) = 3 − ln 26.085537 = −0.261381
    QCOMPARE(run.results.size(), size_t(1));
    const SequenceRecord& r = run.results[0];
    QCOMPARE(r.tokens, (std::vector<int>{2, 5, kEos}));
    QVERIFY(r.finished);
    QVERIFY(std::abs(r.logprob - 3 * -0.261381) < 1e-5);
    QCOMPARE(r.score, r.logprob);

    // with EOS switched off (the session passes eos_id -1) it simply continues
    GreedyStrategy open(GenerationConfig{});
    std::vector<float> l(kVocab, 0.0f);
    l[kEos] = 3.0f;
    std::vector<SequenceState> live(1);
    live[0].logits = vector_of(l);
    Rng rng(0);
    int next_id = 1;
    StepInput input;
    input.step = 1;
    input.prompt = &prompt;
    input.live = &live;
    input.eos_id = -1;
    input.rng = &rng;
    input.next_sequence_id = &next_id;
    const StepDecision d = open.step(input, {});
    QCOMPARE(d.extensions.size(), size_t(1));
    QVERIFY(d.finished.empty());
    QCOMPARE(open.results(live).front().finished, false);
}

void TestSamplingStrategy::sampling_records_the_chain() {
    GenerationConfig c = sample_config(1.0f);
    c.top_k = 2;
    c.trace_top_n = 1;
    SampleStrategy sampler(c);
    // top_k keeps tokens 3 (logit 2) and 1 (logit 1.5): e^2 / (e^2 + e^1.5) = 0.622459
    const std::vector<float> logits = {0.0f, 1.5f, -1.0f, 2.0f, 1.0f};
    // in id order token 1 (p 0.377541) comes first: u below it draws token 1, else token 3
    const double p3 = 0.622459;
    uint64_t seed_draws_1 = 0, seed_draws_3 = 0;
    while (ReferenceSplitMix{seed_draws_1}.uniform() >= 1 - p3) ++seed_draws_1;
    while (ReferenceSplitMix{seed_draws_3}.uniform() < 1 - p3) ++seed_draws_3;
    const StepDecision d = one_step(sampler, logits, seed_draws_1);
    QCOMPARE(d.stages, chain_preset("hf"));
    QCOMPARE(d.extensions.size(), size_t(1));
    QCOMPARE(d.extensions[0].token, 1);
    QVERIFY(std::abs(d.extensions[0].logprob - (-1.0 + std::log(1 - p3))) < 1e-6);

    // the top-1 token (3), then the drawn one outside it (1)
    QCOMPARE(d.candidates.size(), size_t(2));
    QCOMPARE(d.candidates[0].token, 3);
    QCOMPARE(d.candidates[0].chosen, false);
    QCOMPARE(d.candidates[0].kept, true);
    QCOMPARE(d.candidates[0].reason, std::string());
    QCOMPARE(d.candidates[1].token, 1);
    QCOMPARE(d.candidates[1].chosen, true);
    QCOMPARE(d.candidates[1].logit, 1.5f);
    QCOMPARE(d.candidates[1].probs.size(), size_t(8));
    QVERIFY(std::abs(d.candidates[1].probs.back() - (1 - p3)) < 1e-6);
    QVERIFY(std::abs(d.candidates[1].score - std::log(1 - p3)) < 1e-6);

    const StepDecision other = one_step(sampler, logits, seed_draws_3);
    QCOMPARE(other.extensions[0].token, 3);
    QCOMPARE(other.candidates.size(), size_t(1));

    // a pruned candidate: its stage and an impossible score
    c.trace_top_n = 5;
    SampleStrategy wide(c);
    const StepDecision all = one_step(wide, logits);
    QCOMPARE(all.candidates.size(), size_t(5));
    const CandidateRecord& pruned = all.candidates[2];  // logit 1.0: token 4, third highest
    QCOMPARE(pruned.token, 4);
    QCOMPARE(pruned.kept, false);
    QCOMPARE(pruned.reason, std::string("top_k"));
    QCOMPARE(pruned.score, kImpossibleLogProb);
    QCOMPARE(pruned.probs.back(), 0.0f);
}

void TestSamplingStrategy::sampling_is_reproducible_from_the_seed() {
    const std::vector<int> prompt = {2, 3};
    auto tokens_for = [&](uint64_t seed) {
        SampleStrategy sampler(sample_config(1.0f));
        const Driven run = drive(sampler, prompt, 12, seed, toy_logits);
        return std::make_pair(run.results.front().tokens, run.results.front().logprob);
    };
    QCOMPARE(tokens_for(7), tokens_for(7));
    QCOMPARE(tokens_for(123), tokens_for(123));
    // the seed matters: several seeds do not all give one sequence
    bool differ = false;
    for (uint64_t seed = 1; seed < 6; ++seed)
        differ = differ || tokens_for(seed).first != tokens_for(0).first;
    QVERIFY(differ);
}

void TestSamplingStrategy::parallel_sampling_forks_at_step_one() {
    const int n = 4;
    SampleStrategy sampler(sample_config(1.0f, n));
    const std::vector<int> prompt = {2, 3};
    const Driven run = drive(sampler, prompt, 3, 11, toy_logits);

    // step 1: the root in place and three forks with fresh ids, all drawn from the root's
    // distribution (softmax of the raw logits: every stage is off) in this order
    const StepDecision& first = run.decisions[0];
    QCOMPARE(first.extensions.size() + first.finished.size(), size_t(n));
    const Vector root_logits = toy_logits(prompt);
    std::vector<double> p(kVocab);
    double sum = 0.0;
    for (int v = 0; v < kVocab; ++v) sum += p[v] = std::exp(double(root_logits[v]));
    ReferenceSplitMix reference{11};
    for (int i = 0; i < n; ++i) {
        const Extension& e = first.extensions[i];
        QCOMPARE(e.seq, 0);
        QCOMPARE(e.new_seq, i);
        const double u = reference.uniform();
        double cumulative = 0.0;
        int expected = kVocab - 1;
        for (int v = 0; v < kVocab; ++v)
            if ((cumulative += p[v] / sum) > u) {
                expected = v;
                break;
            }
        QCOMPARE(e.token, expected);
        QVERIFY(std::abs(e.logprob - std::log(p[expected] / sum)) < 1e-5);
    }
    // one candidate list, for the root
    for (const CandidateRecord& cand : first.candidates) QCOMPARE(cand.seq, 0);

    // later steps: every sequence draws on its own, in place
    for (size_t s = 1; s < run.decisions.size(); ++s) {
        QCOMPARE(run.decisions[s].extensions.size(), size_t(n));
        for (const Extension& e : run.decisions[s].extensions) QCOMPARE(e.new_seq, e.seq);
    }
    QCOMPARE(run.results.size(), size_t(n));
    for (int i = 0; i < n; ++i) {
        QCOMPARE(run.results[i].id, i);
        QCOMPARE(run.results[i].tokens.size(), size_t(3));
        QCOMPARE(run.results[i].tokens.front(), first.extensions[i].token);
    }
}

void TestSamplingStrategy::temperature_zero_equals_greedy() {
    const std::vector<int> prompt = {4, 1};
    GreedyStrategy greedy(GenerationConfig{});
    const Driven expected = drive(greedy, prompt, 10, 0, toy_logits);
    QVERIFY(expected.results.front().tokens.size() >= 5);

    for (uint64_t seed : {0ull, 99ull}) {
        GenerationConfig c = sample_config(0.0f);
        c.top_k = 3;
        c.top_p = 0.9f;
        SampleStrategy sampler(c);
        const Driven run = drive(sampler, prompt, 10, seed, toy_logits);
        QCOMPARE(run.results.size(), size_t(1));
        QCOMPARE(run.results.front().tokens, expected.results.front().tokens);
        QCOMPARE(run.results.front().finished, expected.results.front().finished);
        QCOMPARE(run.results.front().logprob, 0.0);  // every draw had probability 1
    }
}

QTEST_APPLESS_MAIN(TestSamplingStrategy)
#include "test_sampling_strategy.moc"
