// Beam search (Hugging Face semantics): hand-worked steps on a small table, exhaustive
// search on tables small enough to enumerate, greedy at num_beams = 1, and the fixture
// that tools/oracle/hf_beam_oracle.py recorded from transformers' generate().
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

// Qt's `emit` keyword macro would erase the name of TraceSink::emit in the headers below.

#include "common/error.h"
#include "decoding/beam_search.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "model/model.h"
#include "tokenizer/tokenizer.h"

using namespace dlab;

namespace {

// Next-token probabilities [vocab] after the generated tokens.
using Table = std::function<std::vector<double>(const std::vector<int>& context)>;

Vector logits_of(const std::vector<double>& probs /* [vocab] */) {
    Vector logits(probs.size());
    for (size_t i = 0; i < probs.size(); ++i) logits[i] = float(std::log(probs[i]));
    return logits;
}

// A whole generation with the strategy alone: the test applies each decision itself.
struct BeamRun {
    std::vector<std::vector<int>> live_ids;  // [steps] ids live at the start of each step
    std::vector<StepDecision> decisions;     // [steps]
    std::vector<SequenceRecord> results;
};

BeamRun run_beam(const GenerationConfig& config, const Table& table, int eos) {
    BeamSearchStrategy strategy(config);
    const std::vector<int> prompt;
    Rng rng(0);
    int next_id = 1;
    std::vector<SequenceState> live(1);
    live[0].logits = logits_of(table({}));
    BeamRun run;
    for (int step = 1; step <= config.max_new_tokens; ++step) {
        StepInput input;
        input.step = step;
        input.prompt = &prompt;
        input.live = &live;
        input.eos_id = eos;
        input.max_new_tokens = config.max_new_tokens;
        input.rng = &rng;
        input.next_sequence_id = &next_id;
        StepDecision decision = strategy.step(input, {});
        const bool last = decision.done || step == config.max_new_tokens;

        std::vector<int> ids;
        for (const SequenceState& s : live) ids.push_back(s.id);
        std::vector<SequenceState> next;
        for (const Extension& e : decision.extensions) {
            const auto source =
                std::find_if(live.begin(), live.end(), [&](const SequenceState& s) { return s.id == e.seq; });
            if (source == live.end()) throw std::logic_error("extension of a sequence that is not live");
            SequenceState s;
            s.id = e.new_seq;
            s.parent = e.seq;
            s.tokens = source->tokens;
            s.tokens.push_back(e.token);
            s.logprob = e.logprob;
            s.score = e.score;
            if (!last) s.logits = logits_of(table(s.tokens));
            next.push_back(std::move(s));
        }
        live = std::move(next);
        run.live_ids.push_back(std::move(ids));
        run.decisions.push_back(std::move(decision));
        if (last) break;
    }
    run.results = strategy.results(live);
    return run;
}

// Every step: ids of continuations and endings are distinct, a source is extended in
// place at most once, and a fresh id belongs to no sequence live before.
void check_sequence_ids(const BeamRun& run) {
    std::set<int> ever_live;
    for (size_t step = 0; step < run.decisions.size(); ++step) {
        ever_live.insert(run.live_ids[step].begin(), run.live_ids[step].end());
        std::set<int> taken;
        std::vector<Extension> all = run.decisions[step].extensions;
        all.insert(all.end(), run.decisions[step].finished.begin(), run.decisions[step].finished.end());
        for (const Extension& e : all) {
            QVERIFY2(taken.insert(e.new_seq).second,
                     qPrintable(QString("step %1: id %2 twice").arg(step + 1).arg(e.new_seq)));
            if (e.new_seq != e.seq) QVERIFY(!ever_live.count(e.new_seq));
        }
    }
}

const CandidateRecord* find_candidate(const StepDecision& d, int seq, int token) {
    for (const CandidateRecord& c : d.candidates)
        if (c.seq == seq && c.token == token) return &c;
    return nullptr;
}

GenerationConfig beam_config(int num_beams, float length_penalty, EarlyStopping early_stopping,
                             int max_new_tokens) {
    GenerationConfig c;
    c.strategy = StrategyKind::Beam;
    c.num_beams = num_beams;
    c.num_return_sequences = num_beams;
    c.length_penalty = length_penalty;
    c.early_stopping = early_stopping;
    c.max_new_tokens = max_new_tokens;
    return c;
}

// The hand-worked table: vocabulary {0 EOS, 1 a, 2 b, 3 c}, distributions chosen so that
// with num_beams = 2 and length_penalty = 1 the three early_stopping modes stop at steps
// 2, 3 and 4 (the derivation is in handTableStoppingSteps).
enum : int { kEos = 0, kA = 1, kB = 2, kC = 3 };

const std::map<std::vector<int>, std::vector<double>>& hand_table() {
    static const std::map<std::vector<int>, std::vector<double>> table = {
        {{}, {0.4, 0.3, 0.2, 0.1}},
        {{kA}, {0.4, 0.5, 0.06, 0.04}},
        {{kB}, {0.05, 0.5, 0.3, 0.15}},
        {{kA, kA}, {0.25, 0.27, 0.26, 0.22}},
        {{kB, kA}, {0.1, 0.35, 0.3, 0.25}},
        {{kA, kA, kA}, {0.6, 0.2, 0.15, 0.05}},
        {{kA, kA, kB}, {0.5, 0.3, 0.15, 0.05}},
    };
    return table;
}

std::vector<double> hand_lookup(const std::vector<int>& context) { return hand_table().at(context); }

// Step 2 ranks a·EOS .3, b·a .16, b·EOS .12, a·a .10: the walk passes an EOS at rank 2
// (= num_beams) on its way to the second beam.
std::vector<double> two_endings_lookup(const std::vector<int>& context) {
    static const std::map<std::vector<int>, std::vector<double>> table = {
        {{}, {0.05, 0.5, 0.4, 0.05}},
        {{kA}, {0.6, 0.2, 0.15, 0.05}},
        {{kB}, {0.3, 0.4, 0.2, 0.1}},
    };
    return table.at(context);
}

// A table of vocabulary `n_vocab` (EOS = 0) whose distribution depends on the whole
// context through a hash, so no two contexts look alike; 53-bit draws make ties (which
// would leave the order of equal scores open) practically impossible.
std::vector<double> hashed_distribution(const std::vector<int>& context, int n_vocab, uint32_t seed) {
    uint64_t h = 1469598103934665603ull ^ seed;
    for (int t : context) h = (h ^ uint64_t(t + 1)) * 1099511628211ull;
    std::vector<double> p(n_vocab);
    double sum = 0.0;
    for (int i = 0; i < n_vocab; ++i) {
        h = (h ^ uint64_t(i + 17)) * 1099511628211ull;
        p[i] = 0.05 + double(h >> 11) * 0x1.0p-53;
        sum += p[i];
    }
    for (double& x : p) x /= sum;
    return p;
}

struct Enumerated {
    std::vector<int> tokens;
    double logprob = 0.0;
    bool finished = false;
};

// Every sequence of at most `depth` tokens that beam search could return: those ending
// at the first EOS, and those reaching `depth` without one.
void enumerate(const Table& table, int n_vocab, int depth, std::vector<int>& context, double logprob,
               std::vector<Enumerated>& out) {
    const std::vector<double> p = table(context);
    for (int t = 0; t < n_vocab; ++t) {
        context.push_back(t);
        const double lp = logprob + std::log(p[t]);
        if (t == 0)
            out.push_back({context, lp, true});
        else if (int(context.size()) == depth)
            out.push_back({context, lp, false});
        else
            enumerate(table, n_vocab, depth, context, lp, out);
        context.pop_back();
    }
}

QByteArray sha256_of(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

std::vector<int> ints_of(const QJsonArray& array) {
    std::vector<int> out;
    for (const QJsonValue& v : array) out.push_back(v.toInt());
    return out;
}

QString tokens_text(const std::vector<int>& tokens) {
    QStringList parts;
    for (int t : tokens) parts << QString::number(t);
    return "[" + parts.join(",") + "]";
}

}  // namespace

class TestBeamSearch : public QObject {
    Q_OBJECT

private slots:
    void refusesInvalidConfig() {
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 BeamSearchStrategy{beam_config(0, 1.0f, EarlyStopping::False, 4)});
        GenerationConfig c = beam_config(2, 1.0f, EarlyStopping::False, 4);
        c.num_return_sequences = 3;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, BeamSearchStrategy{c});
    }

    // Step 1 of the hand table, ranked: EOS .4, a .3, b .2, c .1. EOS is rank 0 < num_beams
    // and ends a hypothesis; a extends the root in place, b forks it; the walk stops with
    // two beams, so c (rank 3) is pruned.
    void firstStepRankWalk() {
        const BeamRun run = run_beam(beam_config(2, 1.0f, EarlyStopping::True, 4), hand_lookup, kEos);
        const StepDecision& d = run.decisions.at(0);
        QCOMPARE(d.extensions.size(), size_t(2));
        QCOMPARE(d.extensions[0].seq, 0);
        QCOMPARE(d.extensions[0].new_seq, 0);
        QCOMPARE(d.extensions[0].token, int(kA));
        QCOMPARE(d.extensions[1].seq, 0);
        QCOMPARE(d.extensions[1].new_seq, 1);
        QCOMPARE(d.extensions[1].token, int(kB));
        QVERIFY(std::abs(d.extensions[0].logprob - std::log(0.3)) < 1e-6);
        QVERIFY(std::abs(d.extensions[1].logprob - std::log(0.2)) < 1e-6);
        // the ending's source lives on, so it takes the next id
        QCOMPARE(d.finished.size(), size_t(1));
        QCOMPARE(d.finished[0].seq, 0);
        QCOMPARE(d.finished[0].new_seq, 2);
        QCOMPARE(d.finished[0].token, int(kEos));
        QVERIFY(std::abs(d.finished[0].score - std::log(0.4)) < 1e-6);
        QVERIFY(!d.done);

        QCOMPARE(d.candidates.size(), size_t(4));
        const CandidateRecord* c = find_candidate(d, 0, kC);
        QVERIFY(c && !c->kept && !c->chosen && c->reason == "beam_rank");
        const CandidateRecord* eos = find_candidate(d, 0, kEos);
        QVERIFY(eos && eos->kept && eos->chosen && eos->reason.empty());
        QCOMPARE(eos->probs.size(), size_t(1));
        QVERIFY(std::abs(eos->probs[0] - 0.4f) < 1e-6f);
        QVERIFY(std::abs(eos->score - std::log(0.4)) < 1e-6);
        check_sequence_ids(run);
    }

    // An EOS ranked at num_beams or beyond never ends a hypothesis, even when the walk
    // reaches it because an earlier EOS did not fill a beam.
    void eosBeyondNumBeamsIsSkipped() {
        const BeamRun run = run_beam(beam_config(2, 1.0f, EarlyStopping::False, 2), two_endings_lookup, kEos);
        QCOMPARE(run.decisions.size(), size_t(2));
        const StepDecision& d = run.decisions[1];
        const int a = run.live_ids[1][0], b = run.live_ids[1][1];
        QCOMPARE(d.finished.size(), size_t(1));
        QCOMPARE(d.finished[0].seq, a);
        QVERIFY(std::abs(d.finished[0].logprob - std::log(0.5 * 0.6)) < 1e-6);
        QCOMPARE(d.extensions.size(), size_t(2));
        QCOMPARE(d.extensions[0].seq, b);
        QCOMPARE(d.extensions[0].token, int(kA));
        QCOMPARE(d.extensions[1].seq, a);
        QCOMPARE(d.extensions[1].token, int(kA));
        const CandidateRecord* b_eos = find_candidate(d, b, kEos);
        QVERIFY(b_eos && !b_eos->kept && b_eos->reason == "eos_rank");
        // a's ending took a fresh id because a lives on in place
        QCOMPARE(d.extensions[1].new_seq, a);
        QVERIFY(d.finished[0].new_seq != a && d.finished[0].new_seq != b);
        check_sequence_ids(run);
    }

    // The worked example, num_beams 2, length_penalty 1, max_new_tokens 4.
    // step 1: hypothesis H1 = [EOS], log .4 = -0.9163; beams a (log .3), b (log .2).
    // step 2: a·a .15, a·EOS .12, b·a .10, b·b .06 are the top 4. a·a is a beam; a·EOS is
    //   rank 1 and becomes H2 = [a EOS], log .12 / 2 = -1.0601; b·a is the second beam.
    //   Two hypotheses: early_stopping true is done. false: best .15 at length 2,
    //   log .15 / 2 = -0.9486 > worst -1.0601, not done. never: log .15 / 4, not done.
    // step 3: a·a·a .0405, a·a·b .039, a·a·EOS .0375 (rank 2: skipped), b·a·a .035. Beams
    //   aaa (in place) and aab (a fork); b·a is dropped. false: log .0405 / 3 = -1.0688 ≤
    //   worst -1.0601, done. never: log .0405 / 4 = -0.8016, not done.
    // step 4: aaa·EOS .0243 (rank 0) → [a a a EOS], log .0243 / 4 = -0.9293, evicting H2;
    //   aab·EOS .0195 (rank 1) → -0.9844, below the new worst -0.9293: not added;
    //   aab·a, aaa·a become beams. never: log .0243 / 4 = worst, done.
    void handTableStoppingSteps_data() {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("doneStep");
        QTest::newRow("true") << int(EarlyStopping::True) << 2;
        QTest::newRow("false") << int(EarlyStopping::False) << 3;
        QTest::newRow("never") << int(EarlyStopping::Never) << 4;
    }
    void handTableStoppingSteps() {
        QFETCH(int, mode);
        QFETCH(int, doneStep);
        const BeamRun run = run_beam(beam_config(2, 1.0f, EarlyStopping(mode), 4), hand_lookup, kEos);
        QCOMPARE(int(run.decisions.size()), doneStep);
        for (int step = 0; step < doneStep; ++step) QCOMPARE(run.decisions[step].done, step + 1 == doneStep);
        check_sequence_ids(run);

        // step 2: the ending a·EOS comes from beam 0, which lives on as a·a
        const StepDecision& d2 = run.decisions.at(1);
        QCOMPARE(d2.finished.size(), size_t(1));
        QCOMPARE(d2.finished[0].seq, 0);
        QVERIFY(std::abs(d2.finished[0].logprob - std::log(0.3 * 0.4)) < 1e-6);
        QVERIFY(std::abs(d2.finished[0].score - std::log(0.3 * 0.4) / 2) < 1e-6);

        std::vector<std::vector<int>> expected_tokens = {{kEos}, {kA, kEos}};
        std::vector<double> expected_scores = {std::log(0.4), std::log(0.12) / 2};
        if (mode == int(EarlyStopping::Never)) {
            expected_tokens = {{kEos}, {kA, kA, kA, kEos}};
            expected_scores = {std::log(0.4), std::log(0.3 * 0.5 * 0.27 * 0.6) / 4};
        }
        QCOMPARE(run.results.size(), size_t(2));
        for (size_t i = 0; i < 2; ++i) {
            QCOMPARE(run.results[i].tokens, expected_tokens[i]);
            QVERIFY(run.results[i].finished);
            QVERIFY(std::abs(run.results[i].score - expected_scores[i]) < 1e-6);
        }
    }

    // Step 3 with trace_top_n = 0 records exactly the top 2·num_beams: aa·a, aa·b
    // (beams), aa·EOS (EOS beyond num_beams), ba·a (pruned by rank).
    void rankedCandidatesAndReasons() {
        GenerationConfig config = beam_config(2, 1.0f, EarlyStopping::Never, 4);
        config.trace_top_n = 0;
        const BeamRun run = run_beam(config, hand_lookup, kEos);
        const StepDecision& d3 = run.decisions.at(2);
        QCOMPARE(d3.candidates.size(), size_t(4));
        const int aa = run.live_ids[2][0], ba = run.live_ids[2][1];
        const CandidateRecord* aa_a = find_candidate(d3, aa, kA);
        const CandidateRecord* aa_b = find_candidate(d3, aa, kB);
        const CandidateRecord* aa_eos = find_candidate(d3, aa, kEos);
        const CandidateRecord* ba_a = find_candidate(d3, ba, kA);
        QVERIFY(aa_a && aa_a->kept && aa_a->chosen);
        QVERIFY(aa_b && aa_b->kept);
        QVERIFY(aa_eos && !aa_eos->kept && aa_eos->reason == "eos_rank");
        QVERIFY(ba_a && !ba_a->kept && ba_a->reason == "beam_rank");
        QVERIFY(std::abs(ba_a->score - std::log(0.2 * 0.5 * 0.35)) < 1e-6);
        // aa extends in place, its second continuation forks; ba is dropped
        QCOMPARE(d3.extensions.size(), size_t(2));
        QCOMPARE(d3.extensions[0].new_seq, aa);
        QVERIFY(d3.extensions[1].new_seq != aa && d3.extensions[1].seq == aa);
        QVERIFY(d3.finished.empty());

        // step 4: the second ending scores below the worst kept hypothesis
        const StepDecision& d4 = run.decisions.at(3);
        QCOMPARE(d4.finished.size(), size_t(1));
        const CandidateRecord* aab_eos = find_candidate(d4, d3.extensions[1].new_seq, kEos);
        QVERIFY(aab_eos && !aab_eos->kept && aab_eos->reason == "below_worst_hypothesis");
    }

    // True stops at step 2 whatever the length penalty, with H1 = log .4 / 1 and
    // H2 = log .12 / 2^lp: lp 0.5 keeps H1 first (-0.916 vs -1.499), lp 2 puts H2 first
    // (-0.530 vs -0.916).
    void lengthPenaltyArithmetic_data() {
        QTest::addColumn<float>("lp");
        QTest::addColumn<double>("h2");
        QTest::addColumn<bool>("h2First");
        QTest::newRow("0.5") << 0.5f << std::log(0.12) / std::sqrt(2.0) << false;
        QTest::newRow("1") << 1.0f << std::log(0.12) / 2.0 << false;
        QTest::newRow("2") << 2.0f << std::log(0.12) / 4.0 << true;
    }
    void lengthPenaltyArithmetic() {
        QFETCH(float, lp);
        QFETCH(double, h2);
        QFETCH(bool, h2First);
        const BeamRun run = run_beam(beam_config(2, lp, EarlyStopping::True, 4), hand_lookup, kEos);
        QCOMPARE(run.results.size(), size_t(2));
        const SequenceRecord& first = run.results[h2First ? 0 : 1];
        const SequenceRecord& second = run.results[h2First ? 1 : 0];
        QCOMPARE(first.tokens, (std::vector<int>{kA, kEos}));
        QVERIFY(std::abs(first.score - h2) < 1e-6);
        QVERIFY(std::abs(first.logprob - std::log(0.12)) < 1e-6);
        QCOMPARE(second.tokens, (std::vector<int>{kEos}));
        QVERIFY(std::abs(second.score - std::log(0.4)) < 1e-6);
    }

    // With num_beams ≥ the number of possible sequences nothing is ever pruned, so beam
    // search must return every sequence, ordered as exhaustive enumeration orders them.
    void equalsExhaustiveSearch_data() {
        QTest::addColumn<int>("nVocab");
        QTest::addColumn<int>("depth");
        QTest::addColumn<float>("lp");
        QTest::addColumn<int>("mode");
        for (auto [v, d] : {std::pair{4, 3}, std::pair{4, 4}, std::pair{5, 3}})
            for (float lp : {0.5f, 1.0f, 2.0f})
                for (EarlyStopping m : {EarlyStopping::True, EarlyStopping::False, EarlyStopping::Never})
                    QTest::addRow("v%d-d%d-lp%g-%s", v, d, lp, early_stopping_name(m))
                        << v << d << lp << int(m);
    }
    void equalsExhaustiveSearch() {
        QFETCH(int, nVocab);
        QFETCH(int, depth);
        QFETCH(float, lp);
        QFETCH(int, mode);
        const Table table = [&](const std::vector<int>& c) { return hashed_distribution(c, nVocab, 7); };
        std::vector<Enumerated> all;
        std::vector<int> context;
        enumerate(table, nVocab, depth, context, 0.0, all);
        auto score = [&](const Enumerated& e) {
            return e.logprob / std::pow(double(e.tokens.size()), double(lp));
        };
        std::sort(all.begin(), all.end(),
                  [&](const Enumerated& x, const Enumerated& y) { return score(x) > score(y); });

        const BeamRun run = run_beam(beam_config(int(all.size()), lp, EarlyStopping(mode), depth), table, 0);
        QCOMPARE(run.results.size(), all.size());
        for (size_t i = 0; i < all.size(); ++i) {
            QVERIFY2(run.results[i].tokens == all[i].tokens,
                     qPrintable(QString("rank %1: beam %2, exhaustive %3")
                                    .arg(i)
                                    .arg(tokens_text(run.results[i].tokens), tokens_text(all[i].tokens))));
            QCOMPARE(run.results[i].finished, all[i].finished);
            QVERIFY(std::abs(run.results[i].score - score(all[i])) < 1e-5);
        }
        check_sequence_ids(run);
    }

    // One beam is greedy search: the most probable token each step until EOS (for true
    // and false; never may keep searching after the EOS).
    void oneBeamIsGreedy() {
        int with_eos = 0;
        for (uint32_t seed = 1; seed <= 40; ++seed) {
            const Table table = [&](const std::vector<int>& c) { return hashed_distribution(c, 4, seed); };
            std::vector<int> greedy;
            while (int(greedy.size()) < 6) {
                const std::vector<double> p = table(greedy);
                greedy.push_back(int(std::max_element(p.begin(), p.end()) - p.begin()));
                if (greedy.back() == 0) break;
            }
            with_eos += greedy.back() == 0;
            for (EarlyStopping mode : {EarlyStopping::True, EarlyStopping::False}) {
                const BeamRun run = run_beam(beam_config(1, 1.0f, mode, 6), table, 0);
                QCOMPARE(run.results.size(), size_t(1));
                QCOMPARE(run.results[0].tokens, greedy);
            }
        }
        QVERIFY(with_eos > 5 && with_eos < 35);  // both endings are exercised
    }

    // The fixtures recorded by tools/oracle/hf_beam_oracle.py from transformers' generate():
    // every case through the Session must give the same sequences and scores. The shipped
    // model's stories are far longer than the cases, so a random model whose EOS competes
    // covers finished hypotheses and the early-stopping rules.
    void matchesTransformersOracle_data() {
        QTest::addColumn<QString>("fixture_file");
        QTest::newRow("shipped target model") << "tests/data/hf-beam-oracle.json";
        QTest::newRow("random model, EOS competes") << "tests/data/hf-beam-oracle-random.json";
    }
    void matchesTransformersOracle() {
        QFETCH(QString, fixture_file);
        const QString root = DECODELAB_SOURCE_DIR;
        QFile file(root + "/" + fixture_file);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(fixture_file + " is missing"));
        const QJsonObject fixture = QJsonDocument::fromJson(file.readAll()).object();
        const QString model_path = root + "/" + fixture["model"].toString();
        const QByteArray sha = sha256_of(model_path);
        if (sha != fixture["model_sha256"].toString().toLatin1())
            QSKIP(qPrintable("the fixture belongs to another model file: " + model_path + " has SHA-256 '" +
                             sha + "', the fixture " + fixture["model_sha256"].toString() +
                             "; rerun tools/oracle/hf_beam_oracle.py"));

        const Model model = load_model(model_path.toStdString());
        QVERIFY(model.vocab.has_value());
        const Tokenizer tokenizer(*model.vocab);
        CpuBackend backend(model.config, model.weights);
        const QJsonArray cases = fixture["cases"].toArray();
        QVERIFY(cases.size() >= 36);
        for (const QJsonValue& value : cases) {
            const QJsonObject c = value.toObject();
            GenerationConfig config =
                beam_config(c["num_beams"].toInt(), float(c["length_penalty"].toDouble()),
                            parse_early_stopping(c["early_stopping"].toString().toStdString()),
                            fixture["max_new_tokens"].toInt());
            config.num_return_sequences = c["num_return_sequences"].toInt();
            Session session(backend, tokenizer, config);
            const GenerationResult result = session.run(c["prompt"].toString().toStdString());
            const QString label = QString("%1 beams=%2 lp=%3 early_stopping=%4")
                                      .arg(c["prompt"].toString())
                                      .arg(config.num_beams)
                                      .arg(config.length_penalty)
                                      .arg(c["early_stopping"].toString());
            QCOMPARE(result.prompt_tokens, ints_of(c["prompt_tokens"].toArray()));
            const QJsonArray expected = c["sequences"].toArray();
            QVERIFY2(result.sequences.size() == size_t(expected.size()), qPrintable(label));
            for (int i = 0; i < expected.size(); ++i) {
                const QJsonObject e = expected[i].toObject();
                const SequenceRecord& got = result.sequences[i];
                const std::vector<int> tokens = ints_of(e["tokens"].toArray());
                QVERIFY2(got.tokens == tokens,
                         qPrintable(QString("%1, sequence %2: %3, transformers %4")
                                        .arg(label)
                                        .arg(i)
                                        .arg(tokens_text(got.tokens), tokens_text(tokens))));
                QVERIFY2(got.finished == e["finished"].toBool(), qPrintable(label));
                QVERIFY2(std::abs(got.score - e["score"].toDouble()) < 1e-4,
                         qPrintable(QString("%1, sequence %2: score %3, transformers %4")
                                        .arg(label)
                                        .arg(i)
                                        .arg(got.score, 0, 'g', 9)
                                        .arg(e["score"].toDouble(), 0, 'g', 9)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestBeamSearch)
#include "test_beam_search.moc"
