// The CPU backend: the Llama forward pass with Eigen and OpenMP over F32 weights.
#pragma once

#include <memory>
#include <optional>

#include "attention/attention_config.h"
#include "engine/backend.h"
#include "engine/cpu_kernels.h"
#include "kv/kv_cache.h"
#include "kv/kv_config.h"

namespace dlab {

class CpuBackend final : public Backend {
public:
    // `config` and `weights` must outlive the backend. Throws InvalidArgument for a KV
    // configuration that does not fit the model.
    CpuBackend(const ModelConfig& config, const ModelWeights& weights, const KvConfig& kv = {},
               const AttentionConfig& attention = {});

    std::string name() const override { return "cpu"; }
    const ModelConfig& config() const override { return m_config; }
    std::vector<SequenceOutput> forward(const std::vector<SequenceInput>& batch,
                                        const ForwardOptions& options = {}) override;
    std::string check_forward(const std::vector<SequenceInput>& batch) const override;
    void set_kv_observer(KvObserver* observer) override { m_cache->set_observer(observer); }
    std::optional<KvStatsEvent> kv_stats() const override { return m_cache->stats(); }
    void set_tile_observer(TileObserver* observer) override { m_tiles.set_target(observer); }
    int sequence_length(int seq_id) const override { return m_cache->length(seq_id); }
    void fork_sequence(int src_id, int dst_id) override { m_cache->fork(src_id, dst_id); }
    void truncate_sequence(int seq_id, int length) override { m_cache->truncate(seq_id, length); }
    void free_sequence(int seq_id) override { m_cache->free(seq_id); }
    // Bytes of the weights' pages the kernel moved to 2 MB pages (common/huge_pages.h).
    std::size_t huge_page_bytes() const { return m_huge_page_bytes; }

private:
    // Passes on at most a budget of tile events per prefill pass, so long prompts keep the
    // trace small; the rest are counted.
    class BoundedTileObserver final : public TileObserver {
    public:
        void set_target(TileObserver* target) { m_target = target; }
        TileObserver* active() { return m_target ? this : nullptr; }
        void start_pass(int budget) { m_left = budget; }
        void on_tile(const TileEvent& event) override {
            if (m_left <= 0) return;
            --m_left;
            m_target->on_tile(event);
        }

    private:
        TileObserver* m_target = nullptr;
        int m_left = 0;
    };

    // A block of token rows pushed through the layer stack together.
    struct RowBatch {
        std::vector<int> tokens;     // [n_rows]
        std::vector<int> seqs;       // [n_rows]
        std::vector<int> positions;  // [n_rows]
    };
    // The whole prompt of one sequence: attention in matrix form.
    SequenceOutput prefill(const SequenceInput& input, const ForwardOptions& options);
    // One new token per sequence: attention row by row through the cache.
    std::vector<SequenceOutput> decode(const std::vector<SequenceInput>& inputs,
                                       const ForwardOptions& options);
    // The prefill: every layer over one sequence's block of `rows`, leaving the final-normed
    // hidden states in `hidden` [n_rows][dim].
    void run_layers(const RowBatch& rows, int seq, RowMatrix& hidden);
    // Decode's whole pass in one parallel region: every layer, the final norm into `hidden`
    // [n_rows][dim] and the classifier into `logits` [n_rows][vocab_size].
    void decode_layers(const RowBatch& rows, RowMatrix& hidden, RowMatrix& logits);
    // Prefill attention of one layer over the stored past and the block's k, v; then stores k, v.
    void attend_and_store(int layer, const RowBatch& rows, int seq, const RowMatrix& q, const RowMatrix& k,
                          const RowMatrix& v, RowMatrix& attn);

    const ModelConfig& m_config;
    const ModelWeights& m_weights;
    std::unique_ptr<KvCache> m_cache;
    AttentionConfig m_attention;
    BoundedTileObserver m_tiles;
    std::size_t m_huge_page_bytes = 0;
    std::vector<double> m_rope_frequencies;  // [head_dim/2]
    std::vector<std::vector<KvSegment>> m_past;  // [1][segments]: what the prefilled sequence has stored
    std::vector<std::vector<std::vector<KvSegment>>> m_decode_past;  // [layers][rows][segments], decode

    // Activations of one pass, kept between calls so that a decode step allocates nothing:
    // Eigen's resize reallocates only when a shape changes (prefill ↔ decode).
    struct Scratch {
        RowMatrix x;       // [n_rows][dim], the residual stream
        RowMatrix xb;      // [n_rows][dim], normed input of a projection
        std::vector<RowMatrix> xb_thread;  // [threads][n_rows][dim], decode: each thread's own normed input
        RowMatrix q;       // [n_rows][n_heads·head_dim]
        RowMatrix k;       // [n_rows][kv_dim]
        RowMatrix v;       // [n_rows][kv_dim]
        RowMatrix attn;    // [n_rows][n_heads·head_dim]
        RowMatrix proj;    // [n_rows][dim], output of wo and w_down
        RowMatrix gate;    // [n_rows][hidden_dim], silu(gate) ⊙ up
        RowMatrix up;      // [n_rows][hidden_dim]
        RopeTable rope;    // [n_rows][head_dim/2] cos and sin
        RowMatrix hidden;  // [n_rows][dim], decode's final-normed states
        RowMatrix logits;  // [n_rows][vocab_size], decode's logits
    };
    Scratch m_scratch;
};

}  // namespace dlab
