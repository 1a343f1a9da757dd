// Speculative sampling: the accept/reject rule on hand-worked numbers; exactness (the first
// three tokens of ≥ 10⁵ seeded runs with a draft table follow the target table's own
// distribution, chi-square p > 0.01, for γ = 1, 3, 5 and through a sampler chain); a
// table pair with α known in closed form; the heuristic γ schedule; prompt lookup; both KV
// caches holding exactly what stands after each round and no block leaked; and greedy
// speculative decoding (and sampling at temperature 0) equal to the target's greedy output
// on the embedded models.
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <fstream>
#include <map>

#include "common/error.h"
#include "decoding/speculative_rule.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/model_drafter.h"
#include "engine/ngram_drafter.h"
#include "engine/session.h"
#include "table/table_backend.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"

using namespace dlab;

namespace {

// ---------------------------------------------------------------- tables written by the test

const std::vector<std::string> kSymbols = {"a", "b", "c"};
using Dist = std::vector<double>;           // [3] over a, b, c
using TableSpec = std::map<std::string, Dist>;  // context key → next-symbol distribution

// Target and draft: context-dependent and deliberately different.
const TableSpec kTarget = {{"", {0.5, 0.3, 0.2}},   {"a", {0.1, 0.6, 0.3}}, {"b", {0.3, 0.3, 0.4}},
                           {"c", {0.7, 0.2, 0.1}},  {"a b", {0.25, 0.25, 0.5}}, {"c a", {0.05, 0.15, 0.8}}};
const TableSpec kDraft = {{"", {0.2, 0.2, 0.6}}, {"a", {0.5, 0.4, 0.1}}, {"b", {0.6, 0.1, 0.3}},
                          {"c", {0.3, 0.3, 0.4}}};

std::string table_json(const std::string& name, const TableSpec& spec, int context_length) {
    std::string json = "{\"format\": \"decodelab-table\", \"version\": 1, \"name\": \"" + name +
                       "\", \"symbols\": [\"a\", \"b\", \"c\"], \"context_length\": " +
                       std::to_string(context_length) + ", \"next\": {";
    bool first = true;
    for (const auto& [key, dist] : spec) {
        json += std::string(first ? "" : ", ") + "\"" + key + "\": {";
        for (size_t s = 0; s < kSymbols.size(); ++s)
            json += (s ? ", \"" : "\"") + kSymbols[s] + "\": " + std::to_string(dist[s]);
        json += "}";
        first = false;
    }
    return json + "}}";
}

// The spec's distribution after `context` (symbol ids): the longest suffix key wins.
Dist lookup(const TableSpec& spec, const std::vector<int>& context) {
    for (size_t n = context.size(); n > 0; --n) {
        std::string key;
        for (size_t i = context.size() - n; i < context.size(); ++i) key += (key.empty() ? "" : " ") + kSymbols[context[i]];
        if (auto it = spec.find(key); it != spec.end()) return it->second;
    }
    return spec.at("");
}

// Temperature T then top-k on a distribution, as Hugging Face's warpers do (probabilities
// here, logits = log p): p^(1/T) normalized, then the k most probable kept.
Dist warp(const Dist& p, double temperature, int top_k) {
    Dist out(p.size());
    double sum = 0.0;
    for (size_t t = 0; t < p.size(); ++t) sum += out[t] = std::pow(p[t], 1.0 / temperature);
    for (double& v : out) v /= sum;
    if (top_k > 0 && top_k < static_cast<int>(p.size())) {
        Dist sorted = out;
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        const double kth = sorted[top_k - 1];
        sum = 0.0;
        for (double& v : out) sum += v = v >= kth ? v : 0.0;
        for (double& v : out) v /= sum;
    }
    return out;
}

// ---------------------------------------------------------------- statistics

// Q(a, x), the regularized upper incomplete gamma function: a series below a + 1, a
// continued fraction (modified Lentz) above.
double gamma_q(double a, double x) {
    if (x <= 0.0) return 1.0;
    const double log_prefactor = -x + a * std::log(x) - std::lgamma(a);
    if (x < a + 1.0) {
        double term = 1.0 / a, sum = term;
        for (int n = 1; n < 1000 && std::abs(term) > std::abs(sum) * 1e-16; ++n) sum += term *= x / (a + n);
        return 1.0 - sum * std::exp(log_prefactor);
    }
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 1000; ++i) {
        const double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (std::abs(d) < tiny) d = tiny;
        c = b + an / c;
        if (std::abs(c) < tiny) c = tiny;
        d = 1.0 / d;
        const double step = d * c;
        h *= step;
        if (std::abs(step - 1.0) < 1e-16) break;
    }
    return std::exp(log_prefactor) * h;
}

// The chi-square test's p-value for observed counts against expected probabilities.
double chi_square_p(const std::vector<long>& observed, const std::vector<double>& expected_probs, long n) {
    double statistic = 0.0;
    int cells = 0;
    for (size_t i = 0; i < observed.size(); ++i) {
        if (expected_probs[i] <= 0.0) {
            if (observed[i] != 0) return 0.0;  // an impossible outcome happened
            continue;
        }
        const double expected = expected_probs[i] * n;
        statistic += (observed[i] - expected) * (observed[i] - expected) / expected;
        ++cells;
    }
    return gamma_q((cells - 1) / 2.0, statistic / 2.0);
}

// ---------------------------------------------------------------- runs

GenerationConfig sampling(int max_new_tokens, int gamma) {
    GenerationConfig c;
    c.strategy = StrategyKind::Sample;
    c.max_new_tokens = max_new_tokens;
    c.stop_at_eos = false;
    c.top_k = 0;
    c.num_draft_tokens = gamma;
    return c;
}

GenerationConfig greedy(int max_new_tokens) {
    GenerationConfig c;
    c.max_new_tokens = max_new_tokens;
    c.stop_at_eos = false;
    return c;
}

template <typename T>
std::vector<const T*> events_of(const std::vector<Event>& events) {
    std::vector<const T*> found;
    for (const Event& e : events)
        if (const auto* body = std::get_if<T>(&e.body)) found.push_back(body);
    return found;
}

const Model& story_target() {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    return model;
}

const Model& story_draft() {
    static const Model model = load_model_or_embedded("embedded:stories-draft");
    return model;
}

KvConfig paged(int block_size) {
    KvConfig kv;
    kv.kind = KvKind::Paged;
    kv.block_size = block_size;
    return kv;
}

}  // namespace

class TestSpeculative : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string write(const std::string& name, const std::string& text) {
        const std::string path = (m_dir.path() + "/").toStdString() + name;
        std::ofstream(path) << text;
        return path;
    }

    // counts[x1·9 + x2·3 + x3] of the first three tokens over `runs` seeds (the runs go on
    // to γ + 1 tokens, so the first round drafts its full γ)
    std::vector<long> first_three(const TableModel& target, const TableModel& draft, GenerationConfig config,
                                  long runs) {
        TableBackend target_backend(target), draft_backend(draft);
        TableCodec codec(target);
        ModelDrafter drafter(draft_backend, "table");
        SessionOptions options;
        options.record_timings = false;
        options.drafter = &drafter;
        std::vector<long> counts(27, 0);
        for (long seed = 0; seed < runs; ++seed) {
            config.seed = static_cast<uint64_t>(seed);
            Session session(target_backend, codec, config, nullptr, options);
            const std::vector<int> tokens = session.run("c").tokens();
            if (tokens.size() < 3) throw Error("a run generated " + std::to_string(tokens.size()) + " tokens, not 3");
            ++counts[tokens[0] * 9 + tokens[1] * 3 + tokens[2]];
        }
        return counts;
    }

    // P(x1 x2 x3 | prompt c) from the test's own target spec, each step through `step`
    template <typename Step>
    static std::vector<double> expected_first_three(Step step) {
        std::vector<double> probs(27);
        const int c = 2;
        for (int x1 = 0; x1 < 3; ++x1)
            for (int x2 = 0; x2 < 3; ++x2)
                for (int x3 = 0; x3 < 3; ++x3)
                    probs[x1 * 9 + x2 * 3 + x3] = step(lookup(kTarget, {c}))[x1] *
                                                  step(lookup(kTarget, {c, x1}))[x2] *
                                                  step(lookup(kTarget, {c, x1, x2}))[x3];
        return probs;
    }

private slots:
    void chiSquareHelperMatchesClosedForms() {
        // two degrees of freedom: Q(1, x/2) = exp(−x/2); one: Q(1/2, x/2) = erfc(√(x/2))
        for (double x : {0.5, 2.0, 5.99, 13.8}) {
            QVERIFY(std::abs(gamma_q(1.0, x / 2) - std::exp(-x / 2)) < 1e-12);
            QVERIFY(std::abs(gamma_q(0.5, x / 2) - std::erfc(std::sqrt(x / 2))) < 1e-12);
        }
    }

    void residualIsTheNormalizedPositivePart() {
        // p − q = (0.3, 0.1, −0.4) → (0.3, 0.1, 0) / 0.4
        const std::vector<float> residual = residual_distribution({0.4f, 0.4f, 0.2f}, {0.1f, 0.3f, 0.6f});
        QVERIFY(std::abs(residual[0] - 0.75f) < 1e-6f);
        QVERIFY(std::abs(residual[1] - 0.25f) < 1e-6f);
        QCOMPARE(residual[2], 0.0f);
        // p = q: no residual mass, so p itself
        const std::vector<float> same = residual_distribution({0.5f, 0.5f}, {0.5f, 0.5f});
        QCOMPARE(same[0], 0.5f);
    }

    void greedyRuleAcceptsWhileDraftsMatchTheArgmax() {
        Rng rng(1);
        const std::vector<std::vector<float>> q(2, {0.2f, 0.3f, 0.5f});
        const std::vector<std::vector<float>> p(3, {0.2f, 0.3f, 0.5f});
        // drafts 1, 2 against argmaxes 1, 0, 2: the first stands, the second is replaced by 0
        std::vector<int> choice = {1, 0, 2};
        RoundVerdict v = verify_drafts({1, 2}, q, p, rng, &choice);
        QCOMPARE(v.accepted, 1);
        QCOMPARE(v.token, 0);
        QVERIFY(!v.bonus);
        QVERIFY(v.drafts[0].accepted && v.drafts[1].verified && !v.drafts[1].accepted);
        // argmaxes 1, 2, 0: both stand, the bonus is position 3's argmax
        choice = {1, 2, 0};
        v = verify_drafts({1, 2}, q, p, rng, &choice);
        QCOMPARE(v.accepted, 2);
        QCOMPARE(v.token, 0);
        QVERIFY(v.bonus);
        QCOMPARE(Rng(1).next_u64(), rng.next_u64());  // greedy draws nothing
    }

    void samplingRuleComparesEachDrawWithPOverQ() {
        // draft 0 with q = 0.8, p = 0.4: stands iff r < 0.5; draft 1 with q = 0.5 ≤ p = 0.6: always
        const std::vector<std::vector<float>> q = {{0.8f, 0.2f}, {0.5f, 0.5f}};
        const std::vector<std::vector<float>> p = {{0.4f, 0.6f}, {0.4f, 0.6f}, {0.9f, 0.1f}};
        for (uint64_t seed = 0; seed < 64; ++seed) {
            Rng mirror(seed);
            const double r = mirror.uniform();
            Rng rng(seed);
            const RoundVerdict v = verify_drafts({0, 1}, q, p, rng);
            QCOMPARE(*v.drafts[0].r, r);
            if (r < 0.5) {
                const double r2 = mirror.uniform();  // r2 < 1.2 always: the second stands
                QCOMPARE(*v.drafts[1].r, r2);
                QCOMPARE(v.accepted, 2);
                QVERIFY(v.bonus);
                QCOMPARE(v.token, mirror.uniform() < 0.9 ? 0 : 1);  // drawn from p_3
            } else {
                // the replacement comes from norm(max(0, p − q)) = (0, 1): token 1
                QCOMPARE(v.accepted, 0);
                QCOMPARE(v.token, 1);
                QVERIFY(!v.drafts[1].verified);
            }
        }
    }

    void keepsTheTargetDistributionExactly() {
        const TableModel target = load_table_model(write("target.json", table_json("target", kTarget, 16)));
        const TableModel draft = load_table_model(write("draft.json", table_json("draft", kDraft, 16)));
        const long runs = 100000;
        const std::vector<double> expected = expected_first_three([](const Dist& d) { return d; });
        for (int gamma : {1, 3, 5}) {
            const std::vector<long> counts = first_three(target, draft, sampling(std::max(3, gamma + 1), gamma), runs);
            const double p_value = chi_square_p(counts, expected, runs);
            qInfo("gamma %d: chi-square p = %.4f", gamma, p_value);
            QVERIFY2(p_value > 0.01, qPrintable(QString("gamma %1: p = %2").arg(gamma).arg(p_value)));
        }
        // the sampler chain applies to p and q alike: temperature 0.7, top-k 2
        GenerationConfig chained = sampling(4, 3);
        chained.temperature = 0.7f;
        chained.top_k = 2;
        const std::vector<double> warped = expected_first_three([](const Dist& d) { return warp(d, 0.7, 2); });
        const double p_value = chi_square_p(first_three(target, draft, chained, runs), warped, runs);
        qInfo("temperature 0.7, top-k 2: chi-square p = %.4f", p_value);
        QVERIFY2(p_value > 0.01, qPrintable(QString("chained: p = %1").arg(p_value)));
    }

    void acceptanceRateMatchesTheClosedForm() {
        // context-free p and q: α = Σ min(p, q) = 0.3 + 0.3 + 0.1 = 0.7, the same every position
        const TableModel target = load_table_model(write("flat-target.json", table_json("t", {{"", {0.6, 0.3, 0.1}}}, 5000)));
        const TableModel draft = load_table_model(write("flat-draft.json", table_json("d", {{"", {0.3, 0.3, 0.4}}}, 5000)));
        const double alpha = 0.7;
        for (int gamma : {1, 3, 5}) {
            TableBackend target_backend(target), draft_backend(draft);
            TableCodec codec(target);
            ModelDrafter drafter(draft_backend, "table");
            SessionOptions options;
            options.drafter = &drafter;
            GenerationConfig config = sampling(4000, gamma);
            config.seed = 7;
            Session session(target_backend, codec, config, nullptr, options);
            const SpecSummaryEvent s = *session.run("a").speculative;

            // α̂ = accepted / verified drafts: binomial standard error
            const int verified = s.accepted + s.rejected;
            const double alpha_se = std::sqrt(alpha * (1 - alpha) / verified);
            qInfo("gamma %d: alpha %.4f ± %.4f, tokens per pass %.3f", gamma, s.alpha, alpha_se,
                  s.tokens_per_target_pass);
            QVERIFY(std::abs(s.alpha - alpha) < 4 * alpha_se);

            // tokens per round N = 1 + min(G, γ), G geometric: P(N = k + 1) = α^k (1 − α), k < γ; α^γ at γ
            double mean = 0.0, second = 0.0;
            for (int k = 0; k <= gamma; ++k) {
                const double prob = k < gamma ? std::pow(alpha, k) * (1 - alpha) : std::pow(alpha, gamma);
                mean += prob * (k + 1);
                second += prob * (k + 1) * (k + 1);
            }
            QVERIFY(std::abs(mean - (1 - std::pow(alpha, gamma + 1)) / (1 - alpha)) < 1e-12);
            const double mean_se = std::sqrt((second - mean * mean) / s.rounds);
            QVERIFY(std::abs(s.tokens_per_target_pass - mean) < 4 * mean_se + 4.0 / s.rounds);
            QCOMPARE(s.generated, 4000);
            QVERIFY(s.accepted + s.rejected <= s.drafted);
        }
    }

    void heuristicScheduleGrowsAfterFullAcceptance() {
        const TableModel target = load_table_model(write("h-target.json", table_json("t", kTarget, 256)));
        const TableModel draft = load_table_model(write("h-draft.json", table_json("d", kDraft, 256)));
        TableBackend target_backend(target), draft_backend(draft);
        TableCodec codec(target);
        ModelDrafter drafter(draft_backend, "table");
        MemoryTrace trace;
        SessionOptions options;
        options.drafter = &drafter;
        GenerationConfig config = sampling(200, 2);
        config.draft_schedule = DraftSchedule::Heuristic;
        Session session(target_backend, codec, config, &trace, options);
        const GenerationResult result = session.run("c");
        const auto rounds = events_of<SpecRoundEvent>(trace.events());
        QVERIFY(rounds.size() > 10);
        int gamma = 2;  // Hugging Face: +2 after a fully accepted round, −1 (not below 1) otherwise
        int generated = 0;
        bool grew = false, shrank = false;
        for (const SpecRoundEvent* r : rounds) {
            QCOMPARE(r->gamma, std::min(gamma, 200 - generated - 1));
            const bool all = r->accepted == static_cast<int>(r->drafts.size());
            grew = grew || all;
            shrank = shrank || (!all && gamma > 1);
            gamma = all ? gamma + 2 : std::max(1, gamma - 1);
            generated += r->emitted;
        }
        QVERIFY(grew && shrank);
        QCOMPARE(result.speculative->schedule, std::string("heuristic"));
    }

    void promptLookupCopiesTheMostRecentMatch() {
        NgramDrafter drafter(10, 2);
        Rng rng(0);
        // "5 6" occurs at 0 and 3; the most recent earlier one (3) is followed by 8 5 6
        DraftProposal d = drafter.propose({5, 6, 7, 5, 6, 8, 5, 6}, 3, nullptr, rng);
        QCOMPARE(d.tokens, (std::vector<int>{8, 5, 6}));
        QCOMPARE(d.q.size(), size_t(3));
        QCOMPARE(d.q[0][8], 1.0f);
        QCOMPARE(d.q[0][5], 0.0f);
        // clipped to what the context holds after the match
        d = drafter.propose({1, 2, 3, 1, 2}, 5, nullptr, rng);
        QCOMPARE(d.tokens, (std::vector<int>{3, 1, 2}));
        // no bigram match: falls back to the unigram 4 (at 1), followed by 9
        d = drafter.propose({3, 4, 9, 7, 4}, 2, nullptr, rng);
        QCOMPARE(d.tokens, (std::vector<int>{9, 7}));
        // nothing repeats: no draft
        QVERIFY(drafter.propose({1, 2, 3}, 4, nullptr, rng).tokens.empty());
    }

    void cachesHoldExactlyWhatStands() {
        const Model& model = story_target();
        Tokenizer tokenizer(*model.vocab);
        for (const bool use_paged : {false, true}) {
            CpuBackend target(model.config, model.weights, use_paged ? paged(4) : KvConfig{});
            CpuBackend draft_model(story_draft().config, story_draft().weights, use_paged ? paged(4) : KvConfig{});
            ModelDrafter drafter(draft_model, "model");
            MemoryTrace trace;
            SessionOptions options;
            options.drafter = &drafter;
            options.record_timings = false;
            GenerationConfig config = sampling(48, 4);
            config.top_k = 40;
            config.seed = 3;
            Session session(target, tokenizer, config, &trace, options);
            const GenerationResult result = session.run("Once upon a time");
            const auto rounds = events_of<SpecRoundEvent>(trace.events());
            QVERIFY(!rounds.empty());
            int rejected_rounds = 0;
            for (const SpecRoundEvent* r : rounds) {
                // the target keeps the context, the accepted drafts and not the token just added
                const bool cut_short = r->emitted < r->accepted + 1;
                if (!cut_short) QCOMPARE(r->target_length, r->context_before + r->emitted - 1);
                // the drafter never keeps more than the context it shares with the target
                QVERIFY(r->draft_length <= r->context_before + r->accepted);
                if (r->accepted < static_cast<int>(r->drafts.size())) {
                    ++rejected_rounds;
                    QCOMPARE(r->target_dropped, static_cast<int>(r->drafts.size()) - r->accepted);
                }
            }
            QVERIFY(rejected_rounds > 0);
            QCOMPARE(static_cast<int>(result.tokens().size()), 48);
            // after the run every block is back in both pools
            if (use_paged) {
                QCOMPARE(target.kv_stats()->free_blocks, target.kv_stats()->n_blocks);
                QCOMPARE(draft_model.kv_stats()->free_blocks, draft_model.kv_stats()->n_blocks);
                QVERIFY(!events_of<KvEvent>(trace.events()).empty());
            }
        }
    }

    void greedyEqualsTheTargetsGreedyOutput() {
        const Model& model = story_target();
        Tokenizer tokenizer(*model.vocab);
        for (const std::string prompt : {"Once upon a time", "The little dog", "Tom and Mia went to the park"}) {
            for (const bool use_paged : {false, true}) {
                const KvConfig kv = use_paged ? paged(16) : KvConfig{};
                CpuBackend target(model.config, model.weights, kv);
                Session plain(target, tokenizer, greedy(64));
                const std::vector<int> expected = plain.run(prompt).tokens();

                CpuBackend draft_model(story_draft().config, story_draft().weights, kv);
                ModelDrafter model_drafter(draft_model, "model");
                NgramDrafter ngram_drafter(model.config.vocab_size, 2);
                for (Drafter* drafter : std::vector<Drafter*>{&model_drafter, &ngram_drafter}) {
                    for (int gamma : {1, 4, 8}) {
                        SessionOptions options;
                        options.drafter = drafter;
                        GenerationConfig config = greedy(64);
                        config.num_draft_tokens = gamma;
                        Session session(target, tokenizer, config, nullptr, options);
                        const GenerationResult result = session.run(prompt);
                        QCOMPARE(result.tokens(), expected);
                        QVERIFY(result.speculative->rounds < 64 || drafter == &ngram_drafter);
                    }
                    // sampling at temperature 0: every p and q is one-hot, so the rule
                    // accepts exactly while the draft is the target's argmax
                    SessionOptions options;
                    options.drafter = drafter;
                    GenerationConfig cold = sampling(64, 4);
                    cold.temperature = 0.0f;
                    Session session(target, tokenizer, cold, nullptr, options);
                    QCOMPARE(session.run(prompt).tokens(), expected);
                }
            }
        }
    }

    void refusesWhatItCannotDecode() {
        const TableModel target = load_table_model(write("r-target.json", table_json("t", kTarget, 16)));
        TableBackend target_backend(target), draft_backend(target);
        TableCodec codec(target);
        ModelDrafter drafter(draft_backend, "table");
        SessionOptions options;
        options.drafter = &drafter;
        GenerationConfig beam = greedy(4);
        beam.strategy = StrategyKind::Beam;
        beam.num_beams = 2;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, Session(target_backend, codec, beam, nullptr, options));
        NgramDrafter wrong_vocab(5, 2);
        options.drafter = &wrong_vocab;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, Session(target_backend, codec, greedy(4), nullptr, options));
        GenerationConfig zero = greedy(4);
        zero.num_draft_tokens = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, zero.validate());
    }
};

QTEST_GUILESS_MAIN(TestSpeculative)
#include "test_speculative.moc"
