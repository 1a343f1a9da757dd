// The Session driving strategies on a real (random-weight) model: greedy and contrastive
// search against independent re-computations, the trace's shape and its determinism.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "common/error.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "model/random_model.h"
#include "testing/reference_forward.h"
#include "tokenizer/tokenizer.h"
#include "trace/jsonl.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

struct Fixture {
    Model model = random_model(small_config(), 41);
    Tokenizer tokenizer{*model.vocab};
    CpuBackend backend{model.config, model.weights};
};

GenerationConfig config_for(StrategyKind kind, int max_new_tokens) {
    GenerationConfig c;
    c.strategy = kind;
    c.max_new_tokens = max_new_tokens;
    c.stop_at_eos = false;
    return c;
}

double cosine(const RowMatrix& a, int row_a, const RowMatrix& b, int row_b) {
    return a.row(row_a).dot(b.row(row_b)) / (a.row(row_a).norm() * b.row(row_b).norm());
}

// Contrastive search written out directly on the backend: every candidate's hidden state
// comes from a full prefill of context + candidate, with no forks, probes or session.
std::vector<int> reference_contrastive(const Model& model, std::vector<int> context, int steps, int top_k,
                                       double alpha) {
    std::vector<int> chosen;
    for (int step = 0; step < steps; ++step) {
        CpuBackend backend(model.config, model.weights);
        ForwardOptions all;
        all.hidden = true;
        const SequenceOutput base = backend.forward({{0, context}}, all)[0];
        const RowMatrix& history = base.hidden;  // [context][dim]
        // softmax of the last logits and its top_k
        const Eigen::RowVectorXf logits = base.logits.row(0);
        const double max_logit = logits.maxCoeff();
        std::vector<std::pair<double, int>> probs;
        double sum = 0.0;
        for (int v = 0; v < logits.size(); ++v) sum += std::exp(logits[v] - max_logit);
        for (int v = 0; v < logits.size(); ++v) probs.push_back({std::exp(logits[v] - max_logit) / sum, v});
        std::sort(probs.begin(), probs.end(), [](auto a, auto b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
        double best_score = -1e300;
        int best_token = -1;
        for (int i = 0; i < top_k; ++i) {
            std::vector<int> extended = context;
            extended.push_back(probs[i].second);
            CpuBackend fresh(model.config, model.weights);
            const RowMatrix hidden = fresh.forward({{0, extended}}, all)[0].hidden;  // [context + 1][dim]
            double penalty = -1.0;
            for (int j = 0; j < history.rows(); ++j)
                penalty = std::max(penalty, cosine(hidden, int(hidden.rows()) - 1, history, j));
            const double score = (1.0 - alpha) * probs[i].first - alpha * penalty;
            if (score > best_score) best_score = score, best_token = probs[i].second;
        }
        chosen.push_back(best_token);
        context.push_back(best_token);
    }
    return chosen;
}

}  // namespace

class TestSession : public QObject {
    Q_OBJECT

private slots:
    void greedyMatchesReference() {
        Fixture f;
        Session session(f.backend, f.tokenizer, config_for(StrategyKind::Greedy, 8));
        const GenerationResult result = session.run("ab");
        QCOMPARE(result.prompt_tokens, (std::vector<int>{1, 259, 260, 261}));
        QCOMPARE(result.tokens(), reference_greedy(f.model.config, f.model.weights, result.prompt_tokens, 8));
        QCOMPARE(result.stop_reason, std::string("max_new_tokens"));
        QCOMPARE(result.sequences.size(), size_t(1));
    }

    void contrastiveMatchesDirectComputation() {
        Fixture f;
        GenerationConfig c = config_for(StrategyKind::Contrastive, 5);
        c.top_k = 4;
        c.penalty_alpha = 0.6f;
        Session session(f.backend, f.tokenizer, c);
        const GenerationResult result = session.run("cab");
        QCOMPARE(result.tokens(), reference_contrastive(f.model, result.prompt_tokens, 5, 4, 0.6));
    }

    void contrastiveWithoutPenaltyIsGreedy() {
        Fixture f;
        GenerationConfig c = config_for(StrategyKind::Contrastive, 6);
        c.top_k = 3;
        c.penalty_alpha = 0.0f;
        Session session(f.backend, f.tokenizer, c);
        const GenerationResult result = session.run("ba");
        QCOMPARE(result.tokens(), reference_greedy(f.model.config, f.model.weights, result.prompt_tokens, 6));
    }

    void traceRecordsEveryStepInOrder() {
        Fixture f;
        MemoryTrace trace;
        GenerationConfig c = config_for(StrategyKind::Contrastive, 4);
        c.top_k = 3;
        Session session(f.backend, f.tokenizer, c, &trace);
        session.run("ab");
        const std::vector<Event>& events = trace.events();
        QVERIFY(events.size() >= 8);
        QVERIFY(std::holds_alternative<RunEvent>(events[0].body));
        QCOMPARE(std::get<RunEvent>(events[0].body).strategy, std::string("contrastive"));
        int steps = 0;
        for (size_t i = 0; i < events.size(); ++i) {
            QCOMPARE(events[i].seq, uint64_t(i));
            if (const auto* step = std::get_if<StepEvent>(&events[i].body)) {
                QCOMPARE(events[i].step, ++steps);
                QCOMPARE(step->candidates.size(), size_t(3));
                int chosen = 0;
                for (const CandidateRecord& cand : step->candidates) {
                    QVERIFY(cand.confidence && cand.degeneration_penalty);
                    // the recorded score is the formula over the recorded terms
                    QVERIFY(std::abs(cand.score - (0.4 * *cand.confidence - 0.6 * *cand.degeneration_penalty)) < 1e-6);
                    chosen += cand.chosen;
                }
                QCOMPARE(chosen, 1);
                QCOMPARE(step->sequences.size(), size_t(1));
                QCOMPARE(step->sequences[0].tokens.size(), size_t(steps));
            }
        }
        QCOMPARE(steps, 4);
        const auto* last = std::get_if<PhaseEvent>(&events.back().body);
        QVERIFY(last && last->phase == "decode" && last->edge == "end");
    }

    void sameSeedGivesByteIdenticalTraces() {
        QTemporaryDir dir;
        std::string texts[2];
        for (int run = 0; run < 2; ++run) {
            Fixture f;
            const std::string path = dir.filePath(QString("run%1.jsonl").arg(run)).toStdString();
            {
                JsonlTraceWriter writer(path);
                GenerationConfig c = config_for(StrategyKind::Sample, 12);
                c.seed = 1234;
                c.num_return_sequences = 3;
                SessionOptions options;
                options.record_timings = false;
                Session session(f.backend, f.tokenizer, c, &writer, options);
                session.run("abc");
            }
            QFile file(QString::fromStdString(path));
            QVERIFY(file.open(QIODevice::ReadOnly));
            texts[run] = file.readAll().toStdString();
        }
        QVERIFY(texts[0].size() > 1000);
        QVERIFY(texts[0] == texts[1]);
    }

    void promptBeyondTheContextIsRefused() {
        Fixture f;
        Session session(f.backend, f.tokenizer, config_for(StrategyKind::Greedy, 126));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, session.start("abc"));
    }
};

QTEST_APPLESS_MAIN(TestSession)
#include "test_session.moc"
