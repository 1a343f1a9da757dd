// The CUDA backend: the CPU backend's Llama forward pass on an NVIDIA GPU, in one of two
// precisions (CudaPrecision). F32, the parity mode: weights live on the device as F32
// (uploaded once), matrix products run on cuBLAS SGEMM with pedantic (no TF32) math.
// BF16: every weight matrix lives on the device as BF16 (rounded to nearest even at upload),
// products accumulate in F32 — cuBLAS GemmEx with BF16 activations (tensor cores allowed)
// for passes of many rows, a BF16 matrix-vector kernel for decode's few rows — while
// norms, the embedding, activations between steps, attention and the KV cache stay F32.
// The elementwise steps and attention run on the kernels in kernels/ in both modes. The KV cache is paged on the
// device, managed by the core's BlockManager — the same host code as the CPU's paged cache,
// so block tables and KV events are identical — with this backend carrying out its
// copy-on-write copies on the device.
//
// Host C++20; no CUDA header here, so that callers (tests, benchmarks) need none.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/backend.h"
#include "kv/block_manager.h"
#include "kv/kv_config.h"

namespace dlab {

// How the CUDA backend stores weight matrices and multiplies by them.
//   F32:  F32 weights, cuBLAS SGEMM, pedantic math: the CPU backend's results to ~1e-5.
//   BF16: BF16 weight matrices (half the bytes per token), F32 accumulation; logits within
//         a few percent of the CPU's (BF16 keeps 8 significant bits).
enum class CudaPrecision { F32, BF16 };

// "f32" or "bf16".
const char* to_string(CudaPrecision precision);

class CudaBackend final : public Backend {
public:
    // `config` and `weights` must outlive the backend. Throws InvalidArgument for a KV
    // configuration or weights that do not fit the model, UnsupportedError for --kv sliding
    // (not done on the GPU yet) or a context too long for the attention kernel's shared
    // memory, CudaError (file:line) when `device` does not exist or a CUDA call fails.
    //
    // KvKind::Paged: the pool of KvConfig (block_size, num_blocks, prefix caching).
    // KvKind::Contiguous: a paged pool whose blocks hold max_seq_len positions each, so that
    // a sequence takes one block; as many blocks as fit in half the free device memory, at
    // most 32 (beams and samples each hold one). Its KV events are therefore block events
    // (alloc, append, fork, cow, free), not the CPU contiguous cache's.
    //
    // `precision`: F32 (the default) or BF16; see CudaPrecision.
    CudaBackend(const ModelConfig& config, const ModelWeights& weights, const KvConfig& kv = {}, int device = 0,
                CudaPrecision precision = CudaPrecision::F32);
    ~CudaBackend() override;
    CudaBackend(const CudaBackend&) = delete;
    CudaBackend& operator=(const CudaBackend&) = delete;

    std::string name() const override { return "cuda"; }
    const ModelConfig& config() const override { return m_config; }
    std::vector<SequenceOutput> forward(const std::vector<SequenceInput>& batch,
                                        const ForwardOptions& options = {}) override;
    std::string check_forward(const std::vector<SequenceInput>& batch) const override;
    void set_kv_observer(KvObserver* observer) override { m_observer = observer; }
    std::optional<KvStatsEvent> kv_stats() const override;
    int sequence_length(int seq_id) const override { return m_blocks->length(seq_id); }
    void fork_sequence(int src_id, int dst_id) override { m_blocks->fork(src_id, dst_id); }
    void truncate_sequence(int seq_id, int length) override { m_blocks->truncate(seq_id, length); }
    void free_sequence(int seq_id) override { m_blocks->free(seq_id); }
    std::map<std::string, std::string> device_facts() const override { return m_device_facts; }

    int device() const { return m_device_index; }
    CudaPrecision precision() const { return m_precision; }
    // Bytes of weights on the device that one pass reads for a single token: every layer's
    // matrices (at the storage precision) and norms, the final norm, the classifier and one
    // embedding row (F32). The KV cache is not included.
    double weight_bytes_per_token() const;
    const BlockManager& blocks() const { return *m_blocks; }

private:
    struct Device;  // stream, cuBLAS handle, weights, KV storage and activations on the device

    // Token rows pushed through the layer stack together, with where their keys and values go.
    struct Pass {
        std::vector<int> tokens;     // [n_rows]
        std::vector<int> positions;  // [n_rows]
        std::vector<int> slot_mapping;  // [n_rows] block · block_size + slot of each row's position
        std::vector<int> tables;     // [n_rows or 1][table_stride] physical blocks of each row's sequence
        int table_stride = 0;        // 0: every row reads the one table (a prefill)
    };

    // BlockManager::append, then its copy-on-write copies on the device (every layer, K and V).
    KvAppendResult append(int seq, const std::vector<int>& tokens, bool reuse_prefix);
    int slot_of(int seq, int pos) const;
    // The whole prompt of one sequence (its new positions).
    SequenceOutput prefill(const SequenceInput& input, const ForwardOptions& options);
    // One new token per sequence.
    std::vector<SequenceOutput> decode(const std::vector<SequenceInput>& inputs, const ForwardOptions& options);
    // Every layer and the final norm over `pass`; the final-normed states stay on the device.
    void run_layers(const Pass& pass);
    // Logits of rows [first_row, first_row + n_rows) of the final-normed states, copied back.
    RowMatrix classify(int first_row, int n_rows);
    // Rows [first_row, first_row + n_rows) of the final-normed states, copied back.
    RowMatrix copy_hidden(int first_row, int n_rows);

    const ModelConfig& m_config;
    const ModelWeights& m_weights;
    int m_device_index = 0;
    std::map<std::string, std::string> m_device_facts;  // queried once, for every run's trace
    CudaPrecision m_precision = CudaPrecision::F32;
    bool m_contiguous = false;   // KvKind::Contiguous emulated by one max_seq_len block per sequence
    KvObserver* m_observer = nullptr;
    std::unique_ptr<Device> m_device;
    std::unique_ptr<BlockManager> m_blocks;
};

}  // namespace dlab
