// The KV cache family inside the engine: the paged cache gives the contiguous cache's
// tokens and logits for greedy, beam and sampled runs on the embedded model; beam search
// forks and copies blocks and gives every one back; the sliding window equals an
// independent reference that masks old positions; a pool too small stops the run with a
// reason and leaves the backend usable.
#include <QTest>
#include <set>

#include "common/error.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "model/random_model.h"
#include "testing/reference_forward.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

// Passes every call to a real backend and keeps the logits it returned, call by call.
class RecordingBackend final : public Backend {
public:
    explicit RecordingBackend(Backend& inner) : m_inner(inner) {}
    std::string name() const override { return m_inner.name(); }
    const ModelConfig& config() const override { return m_inner.config(); }
    std::vector<SequenceOutput> forward(const std::vector<SequenceInput>& batch,
                                        const ForwardOptions& options) override {
        std::vector<SequenceOutput> out = m_inner.forward(batch, options);
        for (const SequenceOutput& o : out) logits.push_back(o.logits);
        return out;
    }
    std::string check_forward(const std::vector<SequenceInput>& batch) const override {
        return m_inner.check_forward(batch);
    }
    void set_kv_observer(KvObserver* observer) override { m_inner.set_kv_observer(observer); }
    std::optional<KvStatsEvent> kv_stats() const override { return m_inner.kv_stats(); }
    int sequence_length(int seq) const override { return m_inner.sequence_length(seq); }
    void fork_sequence(int src, int dst) override { m_inner.fork_sequence(src, dst); }
    void truncate_sequence(int seq, int length) override { m_inner.truncate_sequence(seq, length); }
    void free_sequence(int seq) override { m_inner.free_sequence(seq); }

    std::vector<RowMatrix> logits;  // [calls × sequences]: each [rows][vocab]

private:
    Backend& m_inner;
};

struct Run {
    GenerationResult result;
    std::vector<RowMatrix> logits;
    std::vector<Event> events;
};

const Model& story_model() {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    return model;
}

KvConfig paged(int block_size, int num_blocks = 0, bool prefix_caching = false) {
    KvConfig kv;
    kv.kind = KvKind::Paged;
    kv.block_size = block_size;
    kv.num_blocks = num_blocks;
    kv.prefix_caching = prefix_caching;
    return kv;
}

Run run_on(CpuBackend& backend, const GenerationConfig& config, const std::string& prompt) {
    const Model& model = story_model();
    Tokenizer tokenizer(*model.vocab);
    RecordingBackend recorder(backend);
    MemoryTrace trace;
    SessionOptions options;
    options.record_timings = false;
    Session session(recorder, tokenizer, config, &trace, options);
    Run run;
    run.result = session.run(prompt);
    run.logits = std::move(recorder.logits);
    run.events = trace.events();
    return run;
}

Run run_with(const KvConfig& kv, const GenerationConfig& config, const std::string& prompt = "Once upon a time") {
    CpuBackend backend(story_model().config, story_model().weights, kv);
    return run_on(backend, config, prompt);
}

GenerationConfig generation(StrategyKind kind, int max_new_tokens) {
    GenerationConfig c;
    c.strategy = kind;
    c.max_new_tokens = max_new_tokens;
    c.stop_at_eos = false;
    return c;
}

std::vector<const KvEvent*> kv_events(const Run& run, const std::string& op) {
    std::vector<const KvEvent*> found;
    for (const Event& e : run.events)
        if (const auto* kv = std::get_if<KvEvent>(&e.body); kv && kv->op == op) found.push_back(kv);
    return found;
}

const KvStatsEvent& last_stats(const Run& run) {
    for (auto e = run.events.rbegin(); e != run.events.rend(); ++e)
        if (const auto* stats = std::get_if<KvStatsEvent>(&e->body)) return *stats;
    throw Error("no kv_stats event in the trace");
}

void expect_same_run(const Run& actual, const Run& expected) {
    QCOMPARE(actual.result.sequences.size(), expected.result.sequences.size());
    for (size_t i = 0; i < expected.result.sequences.size(); ++i)
        QCOMPARE(actual.result.sequences[i].tokens, expected.result.sequences[i].tokens);
    QCOMPARE(actual.logits.size(), expected.logits.size());
    for (size_t i = 0; i < expected.logits.size(); ++i) {
        QCOMPARE(actual.logits[i].rows(), expected.logits[i].rows());
        const float diff = (actual.logits[i] - expected.logits[i]).cwiseAbs().maxCoeff();
        if (diff > 1e-6f) QFAIL(qPrintable(QString("forward call %1: logits differ by %2").arg(i).arg(diff)));
    }
}

}  // namespace

class TestKvEngine : public QObject {
    Q_OBJECT

private slots:
    void paged_equals_contiguous_data() {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<int>("block_size");
        QTest::addColumn<bool>("prefix_caching");
        for (int block_size : {1, 5, 16}) {
            const QByteArray bs = QByteArray::number(block_size);
            QTest::newRow("greedy bs" + bs) << int(StrategyKind::Greedy) << block_size << false;
            QTest::newRow("beam4 bs" + bs) << int(StrategyKind::Beam) << block_size << false;
            QTest::newRow("sample4 bs" + bs) << int(StrategyKind::Sample) << block_size << false;
        }
        QTest::newRow("beam4 bs16 prefix") << int(StrategyKind::Beam) << 16 << true;
        QTest::newRow("contrastive bs4") << int(StrategyKind::Contrastive) << 4 << false;
    }

    // Same tokens and the same logits (≤ 1e-6) whichever cache holds the keys and values.
    void paged_equals_contiguous() {
        QFETCH(int, strategy);
        QFETCH(int, block_size);
        QFETCH(bool, prefix_caching);
        GenerationConfig config = generation(static_cast<StrategyKind>(strategy), 40);
        config.num_beams = 4;
        config.num_return_sequences = config.strategy == StrategyKind::Sample ? 4 : 1;
        config.penalty_alpha = 0.6;
        config.top_k = config.strategy == StrategyKind::Contrastive ? 4 : 50;
        config.seed = 7;
        const Run contiguous = run_with({}, config);
        const Run paged_run = run_with(paged(block_size, 0, prefix_caching), config);
        expect_same_run(paged_run, contiguous);
        QCOMPARE(last_stats(paged_run).kind, std::string("paged"));
        QCOMPARE(last_stats(contiguous).kind, std::string("contiguous"));
    }

    // Beams share blocks (forks), copy a shared half-filled block before writing into it
    // (copy-on-write), and when the run ends every block is back in the pool.
    void beam_search_forks_copies_and_frees_everything() {
        GenerationConfig config = generation(StrategyKind::Beam, 48);
        config.num_beams = 4;
        const int n_blocks = 64;
        CpuBackend backend(story_model().config, story_model().weights, paged(4, n_blocks));
        const Run run = run_on(backend, config, "Once upon a time");

        QVERIFY(!kv_events(run, "fork").empty());
        const std::vector<const KvEvent*> cows = kv_events(run, "cow");
        QVERIFY(!cows.empty());
        for (const KvEvent* cow : cows) {
            QCOMPARE(cow->blocks.size(), size_t(2));
            QVERIFY(cow->blocks[0] != cow->blocks[1]);
            QVERIFY(cow->n_pos > 0 && cow->n_pos < 4);  // only a partly filled block is copied
            QCOMPARE(cow->tables.at(cow->seq).back(), cow->blocks[1]);
        }
        // while beams live, some blocks have several owners
        int most_shared = 0;
        for (const Event& e : run.events)
            if (const auto* stats = std::get_if<KvStatsEvent>(&e.body))
                most_shared = std::max(most_shared, stats->shared_blocks);
        QVERIFY(most_shared > 0);

        // leak check: the pool is whole again, in the trace and in the backend
        const KvStatsEvent end = *backend.kv_stats();
        QCOMPARE(end.free_blocks, n_blocks);
        QCOMPARE(end.n_sequences, 0);
        QCOMPARE(end.slots_reserved, 0LL);
        QCOMPARE(last_stats(run).free_blocks, n_blocks);
        // and every table the trace ever showed emptied by a free
        std::set<int> ever, freed;
        for (const Event& e : run.events)
            if (const auto* kv = std::get_if<KvEvent>(&e.body)) {
                for (const auto& [seq, table] : kv->tables) ever.insert(seq);
                if (kv->op == "free") freed.insert(kv->seq);
            }
        QCOMPARE(freed, ever);
    }

    // A second run with the same prompt finds the prompt's full blocks already stored.
    void prefix_caching_reuses_the_prompt() {
        GenerationConfig config = generation(StrategyKind::Greedy, 12);
        CpuBackend backend(story_model().config, story_model().weights, paged(4, 0, true));
        const std::string prompt = "Once upon a time there was a little girl named Lily";
        const Run first = run_on(backend, config, prompt);
        const Run second = run_on(backend, config, prompt);
        QVERIFY(kv_events(first, "prefix_hit").empty());
        const std::vector<const KvEvent*> hits = kv_events(second, "prefix_hit");
        QCOMPARE(hits.size(), size_t(1));
        const int n_prompt = static_cast<int>(second.result.prompt_tokens.size());
        QCOMPARE(hits[0]->n_pos, (n_prompt - 1) / 4 * 4);  // full blocks before the last prompt token
        QCOMPARE(second.result.tokens(), first.result.tokens());
        // equal to rounding, relative to the logits' scale: the second prefill runs only the
        // prompt's last few positions, which take the few-rows product path, not the GEMM
        const float diff = (second.logits[0] - first.logits[0]).cwiseAbs().maxCoeff();
        const float scale = first.logits[0].cwiseAbs().maxCoeff();
        QVERIFY2(diff <= 1e-6f * scale, qPrintable(QString::number(diff / scale)));
    }

    void sliding_window_equals_masked_reference_data() {
        QTest::addColumn<int>("window");
        QTest::addColumn<int>("sinks");
        QTest::addColumn<int>("prefill");
        QTest::newRow("W4 no sinks, long prompt") << 4 << 0 << 9;
        QTest::newRow("W4 two sinks, long prompt") << 4 << 2 << 9;
        QTest::newRow("W5 one sink, short prompt") << 5 << 1 << 3;
        QTest::newRow("W1 (only itself) one sink") << 1 << 1 << 6;
        QTest::newRow("W larger than the run") << 64 << 0 << 6;
    }

    // Prefill (with eviction inside the prompt), single-token decode and a multi-token
    // pass on top of a cached past all see exactly the keys the reference window shows.
    void sliding_window_equals_masked_reference() {
        QFETCH(int, window);
        QFETCH(int, sinks);
        QFETCH(int, prefill);
        const Model model = random_model(small_config(), 23);
        KvConfig kv;
        kv.kind = KvKind::Sliding;
        kv.window = window;
        kv.sink_tokens = sinks;
        CpuBackend backend(model.config, model.weights, kv);
        MemoryTrace trace;
        struct Forward final : KvObserver {
            MemoryTrace* trace;
            void on_kv_event(const KvEvent& e) override { trace->emit(Event{0, 0, e}); }
        } observer;
        observer.trace = &trace;
        backend.set_kv_observer(&observer);

        std::vector<int> tokens;
        for (int i = 0; i < 16; ++i) tokens.push_back(3 + (i * 37) % 250);
        const std::vector<std::vector<double>> reference = reference_logits(model.config, model.weights, tokens, window, sinks);

        ForwardOptions all;
        all.all_logits = true;
        auto check_rows = [&](const RowMatrix& logits, int first_pos) {
            for (int r = 0; r < logits.rows(); ++r) {
                const double err = relative_error(logits.row(r).data(), reference[first_pos + r]);
                QVERIFY2(err <= 1e-5, qPrintable(QString("position %1: relative error %2").arg(first_pos + r).arg(err)));
            }
        };
        // prefill, then three single-token decodes, then a three-token pass, then decodes
        int pos = 0;
        auto pass = [&](int n) {
            const std::vector<int> chunk(tokens.begin() + pos, tokens.begin() + pos + n);
            check_rows(backend.forward({{0, chunk}}, all)[0].logits, pos);
            pos += n;
        };
        pass(prefill);
        for (int i = 0; i < 3; ++i) pass(1);
        pass(3);
        while (pos < static_cast<int>(tokens.size())) pass(1);

        // evictions happened when the run outgrew the window, and never touched a sink
        int evicted = 0;
        for (const Event& e : trace.events()) {
            const auto& kv = std::get<KvEvent>(e.body);
            if (kv.op != "evict") continue;
            QVERIFY(kv.first_pos >= sinks);
            evicted += kv.n_pos;
        }
        QCOMPARE(evicted, std::max(0, static_cast<int>(tokens.size()) - sinks - window));
        const KvStatsEvent stats = *backend.kv_stats();
        QCOMPARE(stats.slots_reserved, static_cast<long long>(sinks + window));
        QCOMPARE(stats.slots_used, static_cast<long long>(std::min<int>(tokens.size(), sinks + window)));
    }

    // Beam search in a pool that runs dry mid-run: the run stops with the reason, keeps
    // what it generated, returns every block, and the backend decodes correctly after.
    void exhausted_pool_stops_the_run_and_keeps_the_cache_sound() {
        GenerationConfig config = generation(StrategyKind::Beam, 60);
        config.num_beams = 4;
        const int n_blocks = 12;  // 48 slots: the prompt and a few steps of four beams
        CpuBackend backend(story_model().config, story_model().weights, paged(4, n_blocks));
        const Run run = run_on(backend, config, "Once upon a time");
        QCOMPARE(run.result.stop_reason, std::string("kv_exhausted"));
        QVERIFY2(run.result.stop_detail.find("KV pool exhausted") != std::string::npos, run.result.stop_detail.c_str());
        QVERIFY(!run.result.sequences.empty());
        QVERIFY(!run.result.tokens().empty());
        QVERIFY(static_cast<int>(run.result.tokens().size()) < config.max_new_tokens);
        const auto& end = std::get<PhaseEvent>(run.events.back().body);
        QCOMPARE(end.stop_reason, std::string("kv_exhausted"));
        QCOMPARE(end.detail, run.result.stop_detail);
        QCOMPARE(backend.kv_stats()->free_blocks, n_blocks);

        // the same backend then runs a short greedy generation exactly like a fresh cache
        const GenerationConfig short_run = generation(StrategyKind::Greedy, 8);
        const Run after = run_on(backend, short_run, "Once upon a time");
        expect_same_run(after, run_with({}, short_run));
    }

    // A prompt the pool cannot hold is refused before anything is computed.
    void prompt_larger_than_the_pool_is_refused() {
        CpuBackend backend(story_model().config, story_model().weights, paged(4, 2));
        const Model& model = story_model();
        Tokenizer tokenizer(*model.vocab);
        Session session(backend, tokenizer, generation(StrategyKind::Greedy, 4));
        try {
            session.start("Once upon a time there was a little girl named Lily who loved to play");
            QFAIL("expected InvalidArgument");
        } catch (const InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("KV pool exhausted") != std::string::npos, e.what());
        }
        QCOMPARE(backend.kv_stats()->free_blocks, 2);
    }
};

QTEST_APPLESS_MAIN(TestKvEngine)
#include "test_kv_engine.moc"
