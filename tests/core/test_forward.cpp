// The CPU backend against the independent straight-loop reference (tests/testing).
#include <QTest>

#include "common/error.h"
#include "engine/cpu_backend.h"
#include "engine/threads.h"
#include "model/random_model.h"
#include "testing/reference_forward.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

constexpr double kTolerance = 1e-5;

std::vector<int> some_tokens(int n, int vocab, int salt) {
    std::vector<int> tokens(n);
    for (int i = 0; i < n; ++i) tokens[i] = (i * 37 + salt * 101 + 3) % vocab;
    return tokens;
}

void check_row(const RowMatrix& logits, int row, const std::vector<double>& reference, const char* what) {
    const double error = relative_error(logits.row(row).data(), reference);
    if (error > kTolerance) QFAIL(qPrintable(QString("%1: relative error %2").arg(what).arg(error)));
}

}  // namespace

class TestForward : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { set_thread_count(0); }

    void prefillMatchesReference_data() {
        QTest::addColumn<bool>("tied");
        QTest::addColumn<int>("kvHeads");
        QTest::newRow("gqa-untied") << false << 2;
        QTest::newRow("gqa-tied") << true << 2;
        QTest::newRow("mha-untied") << false << 8;
        QTest::newRow("mqa-untied") << false << 1;
    }
    void prefillMatchesReference() {
        QFETCH(bool, tied);
        QFETCH(int, kvHeads);
        ModelConfig config = small_config();
        config.tied_output = tied;
        config.n_kv_heads = kvHeads;
        const ModelWeights weights = random_weights(config, 7);
        const std::vector<int> tokens = some_tokens(23, config.vocab_size, 1);
        const auto reference = reference_logits(config, weights, tokens);

        CpuBackend backend(config, weights);
        ForwardOptions all;
        all.all_logits = true;
        const auto out = backend.forward({{0, tokens}}, all);
        QCOMPARE(out[0].logits.rows(), Eigen::Index(tokens.size()));
        for (size_t t = 0; t < tokens.size(); ++t) check_row(out[0].logits, int(t), reference[t], "prefill");
        QCOMPARE(backend.sequence_length(0), int(tokens.size()));
    }

    void cachedDecodeEqualsRecomputation() {
        const ModelConfig config = small_config();
        const ModelWeights weights = random_weights(config, 11);
        const std::vector<int> tokens = some_tokens(30, config.vocab_size, 2);
        const auto reference = reference_logits(config, weights, tokens);

        // prefill 6 tokens, then decode the rest one by one through the cache
        CpuBackend backend(config, weights);
        auto out = backend.forward({{0, {tokens.begin(), tokens.begin() + 6}}});
        check_row(out[0].logits, 0, reference[5], "prefill last");
        for (size_t t = 6; t < tokens.size(); ++t) {
            out = backend.forward({{0, {tokens[t]}}});
            QCOMPARE(out[0].logits.rows(), Eigen::Index(1));
            check_row(out[0].logits, 0, reference[t], "decode");
        }
    }

    void batchedDecodeMatchesSeparateSequences() {
        const ModelConfig config = small_config();
        const ModelWeights weights = random_weights(config, 13);
        // three sequences of different lengths, decoded together for several steps
        std::vector<std::vector<int>> sequences = {some_tokens(9, config.vocab_size, 3),
                                                   some_tokens(4, config.vocab_size, 4),
                                                   some_tokens(15, config.vocab_size, 5)};
        CpuBackend backend(config, weights);
        for (int s = 0; s < 3; ++s) {
            std::vector<int> prompt(sequences[s].begin(), sequences[s].end() - 3);
            backend.forward({{s, prompt}});
        }
        for (int step = 3; step > 0; --step) {
            std::vector<SequenceInput> batch;
            for (int s = 0; s < 3; ++s) batch.push_back({s, {sequences[s][sequences[s].size() - step]}});
            const auto out = backend.forward(batch);
            QCOMPARE(out.size(), size_t(3));
            for (int s = 0; s < 3; ++s) {
                QCOMPARE(out[s].seq_id, s);
                std::vector<int> prefix(sequences[s].begin(), sequences[s].end() - step + 1);
                check_row(out[s].logits, 0, reference_logits(config, weights, prefix).back(), "batched decode");
            }
        }
    }

    void mixedBatchPrefillsAndDecodes() {
        const ModelConfig config = small_config();
        const ModelWeights weights = random_weights(config, 17);
        const std::vector<int> a = some_tokens(8, config.vocab_size, 6);
        const std::vector<int> b = some_tokens(5, config.vocab_size, 7);
        CpuBackend backend(config, weights);
        backend.forward({{0, {a.begin(), a.end() - 1}}});
        const auto out = backend.forward({{1, b}, {0, {a.back()}}});
        check_row(out[0].logits, 0, reference_logits(config, weights, b).back(), "prefill in mixed batch");
        check_row(out[1].logits, 0, reference_logits(config, weights, a).back(), "decode in mixed batch");
    }

    void forkAndTruncateKeepSequencesIndependent() {
        const ModelConfig config = small_config();
        const ModelWeights weights = random_weights(config, 19);
        std::vector<int> prompt = some_tokens(10, config.vocab_size, 8);
        CpuBackend backend(config, weights);
        backend.forward({{0, prompt}});
        backend.fork_sequence(0, 1);
        const auto out = backend.forward({{0, {42}}, {1, {77}}});
        std::vector<int> with42 = prompt, with77 = prompt;
        with42.push_back(42);
        with77.push_back(77);
        check_row(out[0].logits, 0, reference_logits(config, weights, with42).back(), "fork parent");
        check_row(out[1].logits, 0, reference_logits(config, weights, with77).back(), "fork child");

        // truncate back into the prompt and continue differently
        backend.truncate_sequence(1, 7);
        QCOMPARE(backend.sequence_length(1), 7);
        const auto again = backend.forward({{1, {5}}});
        std::vector<int> cut(prompt.begin(), prompt.begin() + 7);
        cut.push_back(5);
        check_row(again[0].logits, 0, reference_logits(config, weights, cut).back(), "after truncate");
        backend.free_sequence(1);
        QCOMPARE(backend.sequence_length(1), 0);
    }

    void hiddenStatesAreFinalNormed() {
        const ModelConfig config = small_config();
        const ModelWeights weights = random_weights(config, 23);
        CpuBackend backend(config, weights);
        ForwardOptions opts;
        opts.hidden = true;
        const auto out = backend.forward({{0, some_tokens(6, config.vocab_size, 9)}}, opts);
        QCOMPARE(out[0].hidden.rows(), Eigen::Index(6));
        QCOMPARE(out[0].hidden.cols(), Eigen::Index(config.dim));
        // the logits are the classifier applied to exactly the last position's hidden state
        const RowMatrix logits = out[0].hidden.bottomRows(1) * weights.output.transpose();
        QVERIFY((logits - out[0].logits).cwiseAbs().maxCoeff() < 1e-4);
    }

    void threadCountDoesNotChangeResults() {
        const ModelConfig config = small_config();
        const ModelWeights weights = random_weights(config, 29);
        const std::vector<int> tokens = some_tokens(12, config.vocab_size, 10);
        set_thread_count(1);
        CpuBackend one(config, weights);
        const RowMatrix single = one.forward({{0, tokens}})[0].logits;
        set_thread_count(2);
        CpuBackend two(config, weights);
        const RowMatrix parallel = two.forward({{0, tokens}})[0].logits;
        set_thread_count(0);
        QVERIFY((single - parallel).cwiseAbs().maxCoeff() <= 1e-6f * single.cwiseAbs().maxCoeff());
    }

    void badInputIsRefusedWithoutChangingTheCache() {
        ModelConfig config = small_config();
        config.context_length = 16;
        const ModelWeights weights = random_weights(config, 31);
        CpuBackend backend(config, weights);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.forward({{0, {1, config.vocab_size}}}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.forward({{0, {-1}}}));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.forward({{0, {}}}));
        QCOMPARE(backend.sequence_length(0), 0);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.forward({{0, some_tokens(17, config.vocab_size, 1)}}));
        QCOMPARE(backend.sequence_length(0), 0);
        backend.forward({{0, some_tokens(16, config.vocab_size, 1)}});
        backend.forward({{1, {3}}});
        // sequence 0 is full: the whole decode batch is refused and sequence 1 is untouched
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, backend.forward({{1, {4}}, {0, {5}}}));
        QCOMPARE(backend.sequence_length(1), 1);
        QCOMPARE(backend.sequence_length(0), 16);
    }
};

QTEST_APPLESS_MAIN(TestForward)
#include "test_forward.moc"
