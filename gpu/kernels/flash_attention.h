// FlashAttention forward (F32) on the GPU: tiles of Br query rows × Bc key/value rows in
// shared memory, online softmax (running row max m and row sum ℓ, the partial output kept
// normalized after every tile exactly as the CPU model does), causal masking with a query
// offset, grouped-query heads. Plain C++17 with CUDA runtime types only: no core header.
//
// Two schedules over the same tile step:
// - Algorithm1: Dao et al. 2022, Algorithm 1, as written — one CTA per query head walks
//   K/V column blocks j (outer) and Q row blocks i (inner); O, ℓ, m live in HBM, are
//   initialized there, and are read and written back around every tile; K_j, V_j are
//   loaded on the first computed tile of column j. Its HBM traffic is exactly the CPU
//   model's (core/attention/flash_attention.cpp), tile by tile. Parallel only over heads:
//   the schedule to look at, not the one to time.
// - RowBlocks: FlashAttention-2's order — one CTA per (head, query block i) streams the
//   visible K_j, V_j blocks; Q_i is loaded once, O_i, ℓ_i, m_i stay on chip and O_i is
//   written once after the last visible block. Per CTA: read Q_i once and each visible
//   K_j, V_j once; write O_i once.
// Tiles wholly above the causal diagonal (last query position < first key of the block)
// are skipped by both.
//
// Instrumentation, chosen at run time by passing a FlashInstrumentation: each CTA records,
// per tile step, the bytes its threads actually loaded from and stored to global memory
// (each thread counts its own accesses; the counts are summed in shared memory) and
// %globaltimer start/end, plus one record per CTA (SM, globaltimer and clock64 start/end).
// Without it the kernel is a separate instantiation (template flag) with no counting code.
#pragma once

#include <cuda_runtime.h>

#include <vector>

namespace dlab::kernels {

enum class FlashSchedule { Algorithm1 = 0, RowBlocks = 1 };

struct FlashAttentionArgs {
    const float* q = nullptr;  // [n_heads][n_queries][head_dim]
    const float* k = nullptr;  // [n_kv_heads][n_keys][head_dim]
    const float* v = nullptr;  // [n_kv_heads][n_keys][head_dim]
    float* out = nullptr;      // [n_heads][n_queries][head_dim]
    int n_heads = 1;
    int n_kv_heads = 1;        // head h reads KV head h / (n_heads / n_kv_heads)
    int n_queries = 0;         // queries at key positions query_offset … query_offset+n_queries−1
    int n_keys = 0;
    int head_dim = 0;          // instantiated: 16, 32, 64, 80, 128
    bool causal = false;       // a query sees keys at its own position and before
    int query_offset = 0;
    int block_rows = 0;        // Br (pass the core's flash_tile_sizes(...).rows)
    int block_cols = 0;        // Bc (… .cols)
    FlashSchedule schedule = FlashSchedule::RowBlocks;
};

// One tile step of one CTA. kv_block == −1: Algorithm 1's initialization of O, ℓ, m in HBM
// (q_rows = n_queries, nothing read). Bytes are what the CTA's threads moved.
struct FlashStepRecord {
    int head = 0;
    int q_block = -1;
    int kv_block = -1;
    int q_first = 0;
    int q_rows = 0;
    int kv_first = 0;
    int kv_rows = 0;
    long long read_bytes = 0;   // global → shared
    long long write_bytes = 0;  // shared/registers → global
    long long start_ns = 0;     // %globaltimer
    long long end_ns = 0;
};

struct FlashCtaRecord {
    int head = 0;
    int q_block = -1;  // −1 for Algorithm1 (one CTA walks all of a head's blocks)
    int sm = -1;
    int n_steps = 0;
    long long start_ns = 0;  // %globaltimer
    long long end_ns = 0;
    long long start_cycles = 0;  // clock64 of the SM it ran on
    long long end_cycles = 0;
};

// Filled by an instrumented launch, in schedule order: for each CTA (Algorithm1: by head;
// RowBlocks: by head, then query block) its steps in the order it ran them.
struct FlashInstrumentation {
    std::vector<FlashStepRecord> steps;
    std::vector<FlashCtaRecord> ctas;
};

bool flash_attention_head_dim_supported(int head_dim);

// Dynamic shared memory of one CTA: Q_i, O_i [Br][d], K_j [Bc][d+1] (padded against bank
// conflicts), V_j [Bc][d], S/P [Br][Bc], ℓ, m and the two rescale factors [Br] each.
long long flash_attention_shared_bytes(int head_dim, int block_rows, int block_cols);

// Throws std::invalid_argument naming what is out of range or not instantiated (head dim,
// tiles that do not fit the device's opt-in shared memory per block); std::runtime_error
// naming the CUDA call that failed. Enqueued on `stream`; returns after the kernel has
// finished when the schedule is Algorithm1 (its ℓ, m workspace is freed) or when
// `instrumentation` is given (its records are copied back into it, replacing its contents).
void launch_flash_attention(const FlashAttentionArgs& args, cudaStream_t stream,
                            FlashInstrumentation* instrumentation = nullptr);

}  // namespace dlab::kernels
