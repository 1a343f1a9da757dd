// Speculative sampling with target and draft both on the CUDA backend (F32 parity mode):
// greedy with the shipped draft model gives the target's plain greedy tokens; a sampled
// speculative run gives the CPU's tokens for the same seed (the host draws every random
// number, so one seed chooses the same tokens wherever the probabilities agree); both
// pools get every block back. Skipped without a CUDA device.
#include <QTest>

#include "cuda_backend.h"
#include "device_info.h"
#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/model_drafter.h"
#include "engine/session.h"
#include "tokenizer/tokenizer.h"

using namespace dlab;

namespace {

const Model& target_model() {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    return model;
}

const Model& draft_model() {
    static const Model model = load_model_or_embedded("embedded:stories-draft");
    return model;
}

KvConfig paged(int block_size) {
    KvConfig kv;
    kv.kind = KvKind::Paged;
    kv.block_size = block_size;
    return kv;
}

GenerationConfig config_of(StrategyKind kind, int max_new_tokens, int gamma) {
    GenerationConfig c;
    c.strategy = kind;
    c.max_new_tokens = max_new_tokens;
    c.stop_at_eos = false;
    c.num_draft_tokens = gamma;
    c.seed = 5;
    return c;
}

// One run on `target`, speculative when `draft` is given.
GenerationResult run(Backend& target, Backend* draft, const GenerationConfig& config) {
    Tokenizer tokenizer(*target_model().vocab);
    std::unique_ptr<ModelDrafter> drafter;
    SessionOptions options;
    options.record_timings = false;
    if (draft) {
        drafter = std::make_unique<ModelDrafter>(*draft, "model");
        options.drafter = drafter.get();
    }
    Session session(target, tokenizer, config, nullptr, options);
    return session.run("Once upon a time");
}

void expect_pool_whole(const Backend& backend) {
    const KvStatsEvent stats = *backend.kv_stats();
    QCOMPARE(stats.free_blocks, stats.n_blocks);
    QCOMPARE(stats.n_sequences, 0);
}

}  // namespace

class TestCudaSpeculative : public QObject {
    Q_OBJECT

private slots:
    void init() {
        if (cuda_device_count() == 0) QSKIP("no CUDA device");
    }

    void greedyWithADraftIsTheTargetsGreedy() {
        CudaBackend target(target_model().config, target_model().weights, paged(4));
        CudaBackend draft(draft_model().config, draft_model().weights, paged(4));
        const std::vector<int> plain = run(target, nullptr, config_of(StrategyKind::Greedy, 48, 4)).tokens();
        for (int gamma : {1, 4, 8}) {
            const GenerationResult spec = run(target, &draft, config_of(StrategyKind::Greedy, 48, gamma));
            QCOMPARE(spec.tokens(), plain);
            QVERIFY(spec.speculative->accepted > 0);
            expect_pool_whole(target);
            expect_pool_whole(draft);
        }
    }

    void sampledRunMatchesTheCpu() {
        CudaBackend gpu_target(target_model().config, target_model().weights, paged(4));
        CudaBackend gpu_draft(draft_model().config, draft_model().weights, paged(4));
        CpuBackend cpu_target(target_model().config, target_model().weights, paged(4));
        CpuBackend cpu_draft(draft_model().config, draft_model().weights, paged(4));
        GenerationConfig sample = config_of(StrategyKind::Sample, 48, 4);
        sample.top_k = 40;
        const GenerationResult gpu = run(gpu_target, &gpu_draft, sample);
        const GenerationResult cpu = run(cpu_target, &cpu_draft, sample);
        QCOMPARE(gpu.tokens(), cpu.tokens());
        QCOMPARE(gpu.speculative->accepted, cpu.speculative->accepted);
        QCOMPARE(gpu.speculative->rounds, cpu.speculative->rounds);
        expect_pool_whole(gpu_target);
        expect_pool_whole(gpu_draft);
    }
};

QTEST_GUILESS_MAIN(TestCudaSpeculative)
#include "test_cuda_speculative.moc"
