#include "kernels/flash_attention.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace dlab::kernels {

namespace {

// A CUDA runtime error becomes a std::runtime_error naming the call and the line.
void check_cuda(cudaError_t status, const char* call, int line) {
    if (status == cudaSuccess) return;
    throw std::runtime_error(std::string("flash_attention: CUDA error at ") + __FILE__ + ":" + std::to_string(line) +
                             ": " + call + ": " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}
#define FLASH_CUDA_CHECK(call) check_cuda((call), #call, __LINE__)

// The instantiated configurations: head dim is a compile-time constant, tile sizes are not.
template <int D>
struct FlashTraits {
    static_assert(D == 16 || D == 32 || D == 64 || D == 80 || D == 128,
                  "flash_attention: head dims 16, 32, 64, 80, 128 are instantiated");
    static constexpr int kKeyStride = D + 1;  // K_j rows padded: S's dot products walk K by row
    static constexpr int kThreads = 128;
    static_assert(kThreads % 32 == 0, "whole warps");
    static constexpr int kWarps = kThreads / 32;
};

__host__ __device__ inline long long shared_floats(int d, int br, int bc) {
    return 2LL * br * d                        // Q_i, O_i
           + static_cast<long long>(bc) * (d + 1)  // K_j (padded)
           + static_cast<long long>(bc) * d        // V_j
           + static_cast<long long>(br) * bc       // S_ij, then P̃_ij
           + 4LL * br;                             // ℓ_i, m_i, and the rescale factors of O_i
}

struct KernelParams {
    const float* q;
    const float* k;
    const float* v;
    float* out;
    float* row_sum;  // Algorithm1: ℓ in HBM [n_heads][n_queries]
    float* row_max;  // Algorithm1: m in HBM [n_heads][n_queries]
    int group;       // n_heads / n_kv_heads
    int n_queries;
    int n_keys;
    int causal;
    int query_offset;
    int br;
    int bc;
    int n_row_blocks;  // T_r
    int n_col_blocks;  // T_c
    float scale;
    FlashStepRecord* steps;  // instrumented: steps_per_cta slots per CTA
    FlashCtaRecord* ctas;
    int steps_per_cta;
};

__device__ inline long long global_timer_ns() {
    unsigned long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return static_cast<long long>(t);
}

__device__ inline int sm_id() {
    unsigned int id;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(id));
    return static_cast<int>(id);
}

template <int D>
struct Tile {
    float* q;         // [Br][D]
    float* o;         // [Br][D]
    float* k;         // [Bc][D+1]
    float* v;         // [Bc][D]
    float* s;         // [Br][Bc]
    float* l;         // [Br]
    float* m;         // [Br]
    float* keep_old;  // [Br]
    float* keep_new;  // [Br]

    __device__ Tile(float* shared, int br, int bc) {
        q = shared;
        o = q + br * D;
        k = o + br * D;
        v = k + bc * FlashTraits<D>::kKeyStride;
        s = v + bc * D;
        l = s + br * bc;
        m = l + br;
        keep_old = m + br;
        keep_new = keep_old + br;
    }
};

// rows × D floats from global (row-major, D per row) into shared (dst_stride per row);
// returns the floats this thread loaded.
template <int D>
__device__ inline int load_rows(float* dst, int dst_stride, const float* src, int rows) {
    int n = 0;
    for (int idx = threadIdx.x; idx < rows * D; idx += FlashTraits<D>::kThreads) {
        const int r = idx / D, c = idx - (idx / D) * D;
        dst[r * dst_stride + c] = src[idx];
        ++n;
    }
    return n;
}

template <int D>
__device__ inline int store_rows(float* dst, const float* src, int rows) {
    int n = 0;
    for (int idx = threadIdx.x; idx < rows * D; idx += FlashTraits<D>::kThreads) {
        dst[idx] = src[idx];
        ++n;
    }
    return n;
}

// One tile (Algorithm 1, lines 9–13) on shared memory: S = Q_i K_jᵀ · scale with entries
// above the diagonal at −∞; m̃, P̃ = exp(S − m̃), ℓ̃ per row; the new running m, ℓ; O_i
// rescaled and P̃ V_j added, kept normalized. The same arithmetic as the CPU model.
// Starts and ends with the block synchronized on shared memory.
template <int D>
__device__ void compute_tile(const Tile<D>& t, int bc, int q_rows, int kv_rows, int q_pos_first, int kv_first,
                             bool causal, float scale) {
    constexpr int kThreads = FlashTraits<D>::kThreads;
    constexpr int kKeyStride = FlashTraits<D>::kKeyStride;
    const float minus_infinity = -INFINITY;

    for (int idx = threadIdx.x; idx < q_rows * kv_rows; idx += kThreads) {
        const int r = idx / kv_rows, c = idx - (idx / kv_rows) * kv_rows;
        const float* qr = t.q + r * D;
        const float* kc = t.k + c * kKeyStride;
        float dot = 0.0f;
#pragma unroll 16
        for (int x = 0; x < D; ++x) dot += qr[x] * kc[x];
        float score = dot * scale;
        if (causal && kv_first + c > q_pos_first + r) score = minus_infinity;
        t.s[r * bc + c] = score;
    }
    __syncthreads();

    // one warp per row: tile max, probabilities, tile sum, then the running statistics
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    for (int r = warp; r < q_rows; r += FlashTraits<D>::kWarps) {
        float* sr = t.s + r * bc;
        float tile_max = minus_infinity;
        for (int c = lane; c < kv_rows; c += 32) tile_max = fmaxf(tile_max, sr[c]);
        for (int offset = 16; offset > 0; offset >>= 1)
            tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, offset));
        float tile_sum = 0.0f;
        for (int c = lane; c < kv_rows; c += 32) {
            const float p = tile_max == minus_infinity ? 0.0f : expf(sr[c] - tile_max);
            sr[c] = p;
            tile_sum += p;
        }
        for (int offset = 16; offset > 0; offset >>= 1) tile_sum += __shfl_xor_sync(0xffffffffu, tile_sum, offset);
        if (lane == 0) {
            const float m_old = t.m[r], l_old = t.l[r];
            const float m_new = fmaxf(m_old, tile_max);
            if (m_new == minus_infinity) {  // nothing visible yet in this row
                t.keep_old[r] = 1.0f;
                t.keep_new[r] = 0.0f;
            } else {
                const float keep_old = expf(m_old - m_new);
                const float keep_new = expf(tile_max - m_new);
                const float l_new = keep_old * l_old + keep_new * tile_sum;
                t.keep_old[r] = l_old * keep_old / l_new;
                t.keep_new[r] = keep_new / l_new;
                t.m[r] = m_new;
                t.l[r] = l_new;
            }
        }
    }
    __syncthreads();

    for (int idx = threadIdx.x; idx < q_rows * D; idx += kThreads) {
        const int r = idx / D, x = idx - (idx / D) * D;
        const float* pr = t.s + r * bc;
        float acc = 0.0f;
        for (int c = 0; c < kv_rows; ++c) acc += pr[c] * t.v[c * D + x];
        t.o[idx] = t.o[idx] * t.keep_old[r] + acc * t.keep_new[r];
    }
    __syncthreads();
}

// Instrumentation state of one CTA; every member is used only when kInstrument.
struct StepCounter {
    long long read = 0;   // floats this thread loaded in the current step
    long long write = 0;  // … stored
    long long start_ns = 0;
    int n_steps = 0;
};

template <int D, bool kInstrument>
__device__ inline void step_begin(StepCounter& counter) {
    if constexpr (kInstrument) {
        if (threadIdx.x == 0) counter.start_ns = global_timer_ns();
    }
}

// Sums the threads' counts and records the step (thread 0). Called by every thread.
template <int D, bool kInstrument>
__device__ inline void step_end(StepCounter& counter, unsigned long long* totals, const KernelParams& p,
                                int cta_index, int head, int q_block, int kv_block, int q_first, int q_rows,
                                int kv_first, int kv_rows) {
    if constexpr (kInstrument) {
        atomicAdd(&totals[0], static_cast<unsigned long long>(counter.read));
        atomicAdd(&totals[1], static_cast<unsigned long long>(counter.write));
        counter.read = 0;
        counter.write = 0;
        __syncthreads();
        if (threadIdx.x == 0) {
            if (counter.n_steps < p.steps_per_cta) {
                FlashStepRecord& rec = p.steps[static_cast<long long>(cta_index) * p.steps_per_cta + counter.n_steps];
                rec.head = head;
                rec.q_block = q_block;
                rec.kv_block = kv_block;
                rec.q_first = q_first;
                rec.q_rows = q_rows;
                rec.kv_first = kv_first;
                rec.kv_rows = kv_rows;
                rec.read_bytes = static_cast<long long>(totals[0]) * static_cast<long long>(sizeof(float));
                rec.write_bytes = static_cast<long long>(totals[1]) * static_cast<long long>(sizeof(float));
                rec.start_ns = counter.start_ns;
                rec.end_ns = global_timer_ns();
            }
            ++counter.n_steps;  // more than the slots: the launcher reports the overflow
            totals[0] = 0;
            totals[1] = 0;
        }
        __syncthreads();
    }
}

template <bool kInstrument>
__device__ inline void cta_begin(FlashCtaRecord& rec) {
    if constexpr (kInstrument) {
        if (threadIdx.x == 0) {
            rec.sm = sm_id();
            rec.start_ns = global_timer_ns();
            rec.start_cycles = clock64();
        }
    }
}

template <bool kInstrument>
__device__ inline void cta_end(FlashCtaRecord& rec, const KernelParams& p, int cta_index, int head, int q_block,
                               const StepCounter& counter) {
    if constexpr (kInstrument) {
        __syncthreads();
        if (threadIdx.x == 0) {
            rec.end_cycles = clock64();
            rec.end_ns = global_timer_ns();
            rec.head = head;
            rec.q_block = q_block;
            rec.n_steps = counter.n_steps;
            p.ctas[cta_index] = rec;
        }
    }
}

// Algorithm 1 as written. grid (n_heads): one CTA per query head.
template <int D, bool kInstrument>
__global__ void __launch_bounds__(FlashTraits<D>::kThreads) flash_algorithm1_kernel(KernelParams p) {
    extern __shared__ float shared[];
    __shared__ unsigned long long totals[2];
    const Tile<D> t(shared, p.br, p.bc);
    const int h = blockIdx.x;
    const int cta_index = h;
    const long long q_base = static_cast<long long>(h) * p.n_queries;
    const long long kv_base = static_cast<long long>(h / p.group) * p.n_keys;
    const float* q = p.q + q_base * D;
    const float* k = p.k + kv_base * D;
    const float* v = p.v + kv_base * D;
    float* o = p.out + q_base * D;
    float* l = p.row_sum + q_base;
    float* m = p.row_max + q_base;

    StepCounter counter;
    FlashCtaRecord cta;
    if constexpr (kInstrument) {
        if (threadIdx.x == 0) totals[0] = totals[1] = 0;
    }
    cta_begin<kInstrument>(cta);

    // line 2: O = 0, ℓ = 0, m = −∞ in HBM
    step_begin<D, kInstrument>(counter);
    for (int idx = threadIdx.x; idx < p.n_queries * D; idx += FlashTraits<D>::kThreads) {
        o[idx] = 0.0f;
        if constexpr (kInstrument) ++counter.write;
    }
    for (int idx = threadIdx.x; idx < p.n_queries; idx += FlashTraits<D>::kThreads) {
        l[idx] = 0.0f;
        m[idx] = -INFINITY;
        if constexpr (kInstrument) counter.write += 2;
    }
    __syncthreads();  // the block's global writes are visible to the block's later reads
    step_end<D, kInstrument>(counter, totals, p, cta_index, h, -1, -1, 0, p.n_queries, 0, 0);

    for (int j = 0; j < p.n_col_blocks; ++j) {
        const int kv_first = j * p.bc;
        const int kv_rows = min(p.bc, p.n_keys - kv_first);
        bool kv_loaded = false;
        for (int i = 0; i < p.n_row_blocks; ++i) {
            const int q_first = i * p.br;
            const int q_rows = min(p.br, p.n_queries - q_first);
            const int q_pos_first = p.query_offset + q_first;
            if (p.causal && q_pos_first + q_rows - 1 < kv_first) continue;  // wholly above the diagonal
            step_begin<D, kInstrument>(counter);
            if (!kv_loaded) {  // line 6: K_j, V_j once per column of tiles
                const int nk = load_rows<D>(t.k, FlashTraits<D>::kKeyStride, k + static_cast<long long>(kv_first) * D, kv_rows);
                const int nv = load_rows<D>(t.v, D, v + static_cast<long long>(kv_first) * D, kv_rows);
                if constexpr (kInstrument) counter.read += nk + nv;
                kv_loaded = true;
            }
            // line 8: Q_i, O_i, ℓ_i, m_i
            const int nq = load_rows<D>(t.q, D, q + static_cast<long long>(q_first) * D, q_rows);
            const int no = load_rows<D>(t.o, D, o + static_cast<long long>(q_first) * D, q_rows);
            int nlm = 0;
            for (int r = threadIdx.x; r < q_rows; r += FlashTraits<D>::kThreads) {
                t.l[r] = l[q_first + r];
                t.m[r] = m[q_first + r];
                nlm += 2;
            }
            if constexpr (kInstrument) counter.read += nq + no + nlm;
            __syncthreads();
            compute_tile<D>(t, p.bc, q_rows, kv_rows, q_pos_first, kv_first, p.causal != 0, p.scale);
            // lines 12–13: O_i, ℓ_i, m_i back to HBM
            const int wo = store_rows<D>(o + static_cast<long long>(q_first) * D, t.o, q_rows);
            int wlm = 0;
            for (int r = threadIdx.x; r < q_rows; r += FlashTraits<D>::kThreads) {
                l[q_first + r] = t.l[r];
                m[q_first + r] = t.m[r];
                wlm += 2;
            }
            if constexpr (kInstrument) counter.write += wo + wlm;
            __syncthreads();  // before the next tile overwrites Q_i, O_i in shared memory
            step_end<D, kInstrument>(counter, totals, p, cta_index, h, i, j, q_first, q_rows, kv_first, kv_rows);
        }
    }
    cta_end<kInstrument>(cta, p, cta_index, h, -1, counter);
}

// FlashAttention-2's order. grid (T_r, n_heads): one CTA per (query block i, head).
template <int D, bool kInstrument>
__global__ void __launch_bounds__(FlashTraits<D>::kThreads) flash_row_blocks_kernel(KernelParams p) {
    extern __shared__ float shared[];
    __shared__ unsigned long long totals[2];
    const Tile<D> t(shared, p.br, p.bc);
    const int i = blockIdx.x;
    const int h = blockIdx.y;
    const int cta_index = h * p.n_row_blocks + i;
    const long long q_base = static_cast<long long>(h) * p.n_queries;
    const long long kv_base = static_cast<long long>(h / p.group) * p.n_keys;
    const float* k = p.k + kv_base * D;
    const float* v = p.v + kv_base * D;
    const int q_first = i * p.br;
    const int q_rows = min(p.br, p.n_queries - q_first);
    const int q_pos_first = p.query_offset + q_first;
    const float* q = p.q + (q_base + q_first) * D;
    float* o = p.out + (q_base + q_first) * D;
    // K/V blocks with a first key at or before the last query position
    const int n_visible = p.causal ? min(p.n_col_blocks, (q_pos_first + q_rows - 1) / p.bc + 1) : p.n_col_blocks;

    StepCounter counter;
    FlashCtaRecord cta;
    if constexpr (kInstrument) {
        if (threadIdx.x == 0) totals[0] = totals[1] = 0;
    }
    cta_begin<kInstrument>(cta);

    // O_i = 0, ℓ_i = 0, m_i = −∞ on chip
    for (int idx = threadIdx.x; idx < q_rows * D; idx += FlashTraits<D>::kThreads) t.o[idx] = 0.0f;
    for (int r = threadIdx.x; r < q_rows; r += FlashTraits<D>::kThreads) {
        t.l[r] = 0.0f;
        t.m[r] = -INFINITY;
    }

    for (int j = 0; j < n_visible; ++j) {
        const int kv_first = j * p.bc;
        const int kv_rows = min(p.bc, p.n_keys - kv_first);
        step_begin<D, kInstrument>(counter);
        if (j == 0) {
            const int nq = load_rows<D>(t.q, D, q, q_rows);
            if constexpr (kInstrument) counter.read += nq;
        }
        const int nk = load_rows<D>(t.k, FlashTraits<D>::kKeyStride, k + static_cast<long long>(kv_first) * D, kv_rows);
        const int nv = load_rows<D>(t.v, D, v + static_cast<long long>(kv_first) * D, kv_rows);
        if constexpr (kInstrument) counter.read += nk + nv;
        __syncthreads();
        compute_tile<D>(t, p.bc, q_rows, kv_rows, q_pos_first, kv_first, p.causal != 0, p.scale);
        if (j == n_visible - 1) {
            const int wo = store_rows<D>(o, t.o, q_rows);
            if constexpr (kInstrument) counter.write += wo;
        }
        step_end<D, kInstrument>(counter, totals, p, cta_index, h, i, j, q_first, q_rows, kv_first, kv_rows);
    }
    cta_end<kInstrument>(cta, p, cta_index, h, i, counter);
}

using KernelFn = void (*)(KernelParams);

template <int D>
KernelFn pick_kernel(FlashSchedule schedule, bool instrument) {
    if (schedule == FlashSchedule::Algorithm1)
        return instrument ? flash_algorithm1_kernel<D, true> : flash_algorithm1_kernel<D, false>;
    return instrument ? flash_row_blocks_kernel<D, true> : flash_row_blocks_kernel<D, false>;
}

KernelFn pick_kernel(int head_dim, FlashSchedule schedule, bool instrument) {
    switch (head_dim) {
        case 16: return pick_kernel<16>(schedule, instrument);
        case 32: return pick_kernel<32>(schedule, instrument);
        case 64: return pick_kernel<64>(schedule, instrument);
        case 80: return pick_kernel<80>(schedule, instrument);
        case 128: return pick_kernel<128>(schedule, instrument);
        default: return nullptr;
    }
}

// Device memory freed when the launcher leaves, however it leaves.
struct DeviceScratch {
    void* data = nullptr;
    DeviceScratch() = default;
    DeviceScratch(const DeviceScratch&) = delete;
    DeviceScratch& operator=(const DeviceScratch&) = delete;
    ~DeviceScratch() {
        if (data) cudaFree(data);
    }
    template <typename T>
    T* allocate(long long n, const char* what) {
        const cudaError_t status = cudaMalloc(&data, static_cast<size_t>(n) * sizeof(T));
        if (status != cudaSuccess)
            throw std::runtime_error(std::string("flash_attention: cudaMalloc of ") + what + " (" +
                                     std::to_string(static_cast<long long>(n * sizeof(T))) + " bytes): " +
                                     cudaGetErrorName(status));
        return static_cast<T*>(data);
    }
};

std::string describe(const FlashAttentionArgs& a) {
    return "heads " + std::to_string(a.n_heads) + "/" + std::to_string(a.n_kv_heads) + ", n_queries " +
           std::to_string(a.n_queries) + ", n_keys " + std::to_string(a.n_keys) + ", head_dim " +
           std::to_string(a.head_dim) + ", Br " + std::to_string(a.block_rows) + ", Bc " +
           std::to_string(a.block_cols) + (a.causal ? ", causal" : "") + ", query_offset " +
           std::to_string(a.query_offset);
}

void validate(const FlashAttentionArgs& a) {
    auto fail = [&](const std::string& why) {
        throw std::invalid_argument("flash_attention: " + why + " (" + describe(a) + ")");
    };
    if (!flash_attention_head_dim_supported(a.head_dim))
        fail("unsupported head dim " + std::to_string(a.head_dim) + "; instantiated: 16, 32, 64, 80, 128");
    if (a.n_heads < 1 || a.n_kv_heads < 1 || a.n_heads % a.n_kv_heads != 0)
        fail("n_heads must be a positive multiple of n_kv_heads");
    if (a.n_heads > 65535) fail("at most 65535 heads");
    if (a.n_queries < 1 || a.n_keys < 1) fail("n_queries and n_keys must be positive");
    if (a.query_offset < 0) fail("query_offset must not be negative");
    if (a.block_rows < 1 || a.block_cols < 1) fail("tile sizes must be positive");
    if (!a.q || !a.k || !a.v || !a.out) fail("q, k, v and out must be device pointers");
}

}  // namespace

bool flash_attention_head_dim_supported(int head_dim) {
    return head_dim == 16 || head_dim == 32 || head_dim == 64 || head_dim == 80 || head_dim == 128;
}

long long flash_attention_shared_bytes(int head_dim, int block_rows, int block_cols) {
    return shared_floats(head_dim, block_rows, block_cols) * static_cast<long long>(sizeof(float));
}

void launch_flash_attention(const FlashAttentionArgs& a, cudaStream_t stream, FlashInstrumentation* instrumentation) {
    validate(a);
    const bool instrument = instrumentation != nullptr;
    const KernelFn kernel = pick_kernel(a.head_dim, a.schedule, instrument);

    int device = 0;
    FLASH_CUDA_CHECK(cudaGetDevice(&device));
    int optin = 0;
    FLASH_CUDA_CHECK(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
    cudaFuncAttributes attributes{};
    FLASH_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
    const long long dynamic_bytes = flash_attention_shared_bytes(a.head_dim, a.block_rows, a.block_cols);
    const long long needed = dynamic_bytes + static_cast<long long>(attributes.sharedSizeBytes);
    if (needed > optin)
        throw std::invalid_argument("flash_attention: unsupported tiles Br " + std::to_string(a.block_rows) + " × Bc " +
                                    std::to_string(a.block_cols) + " at head dim " + std::to_string(a.head_dim) +
                                    ": a CTA needs " + std::to_string(needed) +
                                    " bytes of shared memory, the device allows " + std::to_string(optin) +
                                    " per block (opt-in)");
    FLASH_CUDA_CHECK(
        cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(dynamic_bytes)));

    const int n_row_blocks = (a.n_queries + a.block_rows - 1) / a.block_rows;
    const int n_col_blocks = (a.n_keys + a.block_cols - 1) / a.block_cols;
    const bool algorithm1 = a.schedule == FlashSchedule::Algorithm1;
    const long long n_ctas = algorithm1 ? a.n_heads : static_cast<long long>(a.n_heads) * n_row_blocks;
    const long long steps_per_cta = algorithm1 ? 1LL + static_cast<long long>(n_row_blocks) * n_col_blocks : n_col_blocks;
    if (instrument && n_ctas * steps_per_cta > (1LL << 26))
        throw std::invalid_argument("flash_attention: instrumentation of " + std::to_string(n_ctas * steps_per_cta) +
                                    " tile steps is too many to record (" + describe(a) + ")");

    KernelParams p{};
    p.q = a.q;
    p.k = a.k;
    p.v = a.v;
    p.out = a.out;
    p.group = a.n_heads / a.n_kv_heads;
    p.n_queries = a.n_queries;
    p.n_keys = a.n_keys;
    p.causal = a.causal ? 1 : 0;
    p.query_offset = a.query_offset;
    p.br = a.block_rows;
    p.bc = a.block_cols;
    p.n_row_blocks = n_row_blocks;
    p.n_col_blocks = n_col_blocks;
    p.scale = 1.0f / std::sqrt(static_cast<float>(a.head_dim));
    p.steps_per_cta = static_cast<int>(steps_per_cta);

    DeviceScratch statistics, steps, ctas;
    if (algorithm1) {
        float* lm = statistics.allocate<float>(2LL * a.n_heads * a.n_queries, "ℓ and m");
        p.row_sum = lm;
        p.row_max = lm + static_cast<long long>(a.n_heads) * a.n_queries;
    }
    if (instrument) {
        p.steps = steps.allocate<FlashStepRecord>(n_ctas * steps_per_cta, "step records");
        p.ctas = ctas.allocate<FlashCtaRecord>(n_ctas, "CTA records");
        FLASH_CUDA_CHECK(cudaMemsetAsync(p.steps, 0, static_cast<size_t>(n_ctas * steps_per_cta) * sizeof(FlashStepRecord), stream));
        FLASH_CUDA_CHECK(cudaMemsetAsync(p.ctas, 0, static_cast<size_t>(n_ctas) * sizeof(FlashCtaRecord), stream));
    }

    constexpr int kThreads = 128;  // FlashTraits<D>::kThreads for every D
    static_assert(kThreads == FlashTraits<16>::kThreads && kThreads == FlashTraits<128>::kThreads, "one block size");
    const dim3 grid = algorithm1 ? dim3(static_cast<unsigned>(a.n_heads))
                                 : dim3(static_cast<unsigned>(n_row_blocks), static_cast<unsigned>(a.n_heads));
    kernel<<<grid, kThreads, static_cast<size_t>(dynamic_bytes), stream>>>(p);
    FLASH_CUDA_CHECK(cudaGetLastError());

    if (instrument) {
        std::vector<FlashStepRecord> all_steps(static_cast<size_t>(n_ctas * steps_per_cta));
        std::vector<FlashCtaRecord> all_ctas(static_cast<size_t>(n_ctas));
        FLASH_CUDA_CHECK(cudaMemcpyAsync(all_steps.data(), p.steps, all_steps.size() * sizeof(FlashStepRecord),
                                         cudaMemcpyDeviceToHost, stream));
        FLASH_CUDA_CHECK(cudaMemcpyAsync(all_ctas.data(), p.ctas, all_ctas.size() * sizeof(FlashCtaRecord),
                                         cudaMemcpyDeviceToHost, stream));
        FLASH_CUDA_CHECK(cudaStreamSynchronize(stream));
        instrumentation->steps.clear();
        instrumentation->ctas = all_ctas;
        for (long long c = 0; c < n_ctas; ++c) {
            const int n = all_ctas[static_cast<size_t>(c)].n_steps;
            if (n > steps_per_cta)
                throw std::runtime_error("flash_attention: CTA " + std::to_string(c) + " ran " + std::to_string(n) +
                                         " steps, more than the " + std::to_string(steps_per_cta) + " recorded");
            for (int s = 0; s < n; ++s) instrumentation->steps.push_back(all_steps[static_cast<size_t>(c * steps_per_cta + s)]);
        }
    } else if (algorithm1) {
        FLASH_CUDA_CHECK(cudaStreamSynchronize(stream));  // the ℓ, m workspace is freed on return
    }
}

}  // namespace dlab::kernels
