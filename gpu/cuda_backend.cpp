#include "cuda_backend.h"

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <string>

#include "common/error.h"
#include "cublas_check.h"
#include "cuda_check.h"
#include "device_buffer.h"
#include "device_info.h"
#include "engine/forward_batch.h"
#include "kernels/attention.h"
#include "kernels/llama_kernels.h"

namespace dlab {

namespace {

constexpr int kContiguousMaxSequences = 32;

std::string shape(Eigen::Index rows, Eigen::Index cols) {
    return "[" + std::to_string(rows) + "][" + std::to_string(cols) + "]";
}

void expect_shape(const RowMatrix& m, Eigen::Index rows, Eigen::Index cols, const std::string& name) {
    if (m.rows() != rows || m.cols() != cols)
        throw InvalidArgument("CUDA backend: weight " + name + " is " + shape(m.rows(), m.cols()) + ", the config needs " +
                              shape(rows, cols));
}

void expect_size(const Vector& v, Eigen::Index size, const std::string& name) {
    if (v.size() != size)
        throw InvalidArgument("CUDA backend: weight " + name + " has " + std::to_string(v.size()) +
                              " elements, the config needs " + std::to_string(size));
}

}  // namespace

const char* to_string(CudaPrecision precision) { return precision == CudaPrecision::BF16 ? "bf16" : "f32"; }

struct CudaBackend::Device {
    // A weight matrix, row-major as on the host, in the backend's precision: f32 holds it
    // in F32 mode, bf16 in BF16 mode (the embedding keeps f32 in both, for the lookup).
    struct Matrix {
        DeviceBuffer<float> f32;
        DeviceBuffer<__nv_bfloat16> bf16;
    };
    struct Layer {
        DeviceBuffer<float> attn_norm;  // [dim]
        Matrix wq;                      // [n_heads·head_dim][dim]
        Matrix wk;                      // [kv_dim][dim]
        Matrix wv;                      // [kv_dim][dim]
        Matrix wo;                      // [dim][n_heads·head_dim]
        DeviceBuffer<float> ffn_norm;   // [dim]
        Matrix w_gate;                  // [hidden_dim][dim]
        Matrix w_up;                    // [hidden_dim][dim]
        Matrix w_down;                  // [dim][hidden_dim]
    };

    Device(int index, CudaPrecision precision) : index(index), precision(precision) {
        DLAB_CUDA_CHECK(cudaSetDevice(index));
        DLAB_CUDA_CHECK(cudaStreamCreate(&stream));  // blocking: ordered after the legacy stream's weight uploads
        DLAB_CUBLAS_CHECK(cublasCreate(&cublas));
        DLAB_CUBLAS_CHECK(cublasSetStream(cublas, stream));
        // F32 parity mode: true F32 products, no TF32 tensor-core shortcut. BF16: the
        // default math, tensor cores included (the accumulation is F32 either way).
        DLAB_CUBLAS_CHECK(
            cublasSetMathMode(cublas, precision == CudaPrecision::F32 ? CUBLAS_PEDANTIC_MATH : CUBLAS_DEFAULT_MATH));
    }
    ~Device() {
        // nothing thrown from here; the buffers free themselves after this body
        cudaSetDevice(index);
        if (stream) cudaStreamSynchronize(stream);
        if (cublas) cublasDestroy(cublas);
        if (stream) cudaStreamDestroy(stream);
    }
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    void upload(DeviceBuffer<float>& dst, const float* src, size_t n) {
        dst.reserve(n);
        DLAB_CUDA_CHECK(cudaMemcpy(dst.data(), src, n * sizeof(float), cudaMemcpyHostToDevice));
    }
    void upload(DeviceBuffer<float>& dst, const RowMatrix& m) { upload(dst, m.data(), static_cast<size_t>(m.size())); }
    void upload(DeviceBuffer<float>& dst, const Vector& v) { upload(dst, v.data(), static_cast<size_t>(v.size())); }
    // A weight matrix in the backend's precision. BF16: the F32 values go up through a
    // staging buffer and are rounded to nearest even on the device.
    void upload(Matrix& dst, const RowMatrix& m) {
        if (precision == CudaPrecision::F32) return upload(dst.f32, m);
        upload_bf16(dst, m);
    }
    void upload_bf16(Matrix& dst, const RowMatrix& m) {
        const size_t n = static_cast<size_t>(m.size());
        upload(staging, m.data(), n);  // synchronous: the previous conversion has finished reading staging
        dst.bf16.reserve(std::max<size_t>(n, 1));
        DLAB_CUDA_CHECK(kernels::launch_f32_to_bf16(staging.data(), dst.bf16.data(), static_cast<long long>(n), stream));
        // the next cudaMemcpy into staging (legacy stream) waits for this blocking stream's kernel
    }
    void upload_ints(DeviceBuffer<int>& dst, const std::vector<int>& src) {
        dst.reserve(std::max<size_t>(src.size(), 1));
        if (!src.empty())
            DLAB_CUDA_CHECK(cudaMemcpyAsync(dst.data(), src.data(), src.size() * sizeof(int), cudaMemcpyHostToDevice,
                                            stream));
    }

    // y = x · wᵀ for row-major x: [n_rows][n_in], w: [n_out][n_in], y: [n_rows][n_out].
    // cuBLAS is column-major, and a row-major [R][C] matrix read column-major is its
    // transpose [C][R]: cuBLAS sees xᵀ [n_in][n_rows] (ld n_in), wᵀ [n_in][n_out] (ld n_in)
    // and writes yᵀ [n_out][n_rows] (ld n_out). y = x·wᵀ ⇔ yᵀ = w·xᵀ = (wᵀ)ᵀ·xᵀ, so
    // C = op_T(A = wᵀ) · op_N(B = xᵀ) with m = n_out, n = n_rows, k = n_in.
    //
    // BF16 mode, the same product with w in BF16 and F32 accumulation: up to kGemvMaxRows
    // rows (decode) the matrix-vector kernel, which streams w once; more rows (prefill) go
    // through cuBLAS GemmEx after x is rounded to BF16 (act_bf16), C in F32.
    void matmul_transposed(const float* x, const Matrix& w, float* y, int n_rows, int n_out, int n_in) {
        const float alpha = 1.0f, beta = 0.0f;
        if (precision == CudaPrecision::F32) {
            DLAB_CUBLAS_CHECK(cublasSgemm(cublas, CUBLAS_OP_T, CUBLAS_OP_N, n_out, n_rows, n_in, &alpha, w.f32.data(),
                                          n_in, x, n_in, &beta, y, n_out));
            return;
        }
        if (n_rows <= kernels::kGemvMaxRows && n_in % 8 == 0) {
            DLAB_CUDA_CHECK(kernels::launch_gemv_bf16(x, w.bf16.data(), y, n_rows, n_out, n_in, stream));
            return;
        }
        const size_t n_x = static_cast<size_t>(n_rows) * n_in;
        act_bf16.reserve(n_x);
        DLAB_CUDA_CHECK(kernels::launch_f32_to_bf16(x, act_bf16.data(), static_cast<long long>(n_x), stream));
        DLAB_CUBLAS_CHECK(cublasGemmEx(cublas, CUBLAS_OP_T, CUBLAS_OP_N, n_out, n_rows, n_in, &alpha, w.bf16.data(),
                                       CUDA_R_16BF, n_in, act_bf16.data(), CUDA_R_16BF, n_in, &beta, y, CUDA_R_32F,
                                       n_out, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    }

    int index = 0;
    CudaPrecision precision = CudaPrecision::F32;
    cudaStream_t stream = nullptr;
    cublasHandle_t cublas = nullptr;

    // weights, row-major as on the host; matrices in the backend's precision
    Matrix embedding;                 // [vocab_size][dim]; f32 always, bf16 too when it is the (tied) BF16 classifier
    std::vector<Layer> layers;        // [n_layers]
    DeviceBuffer<float> output_norm;  // [dim]
    Matrix output;                    // [vocab_size][dim]; unused when tied (the embedding serves)
    const Matrix* classifier = nullptr;
    DeviceBuffer<float> staging;      // BF16 uploads: one F32 matrix on its way to BF16; freed after the upload
    double weight_bytes_per_token = 0.0;

    // KV cache, uninitialized: a slot is read only after it was written
    int n_blocks = 0;
    int block_size = 0;
    DeviceBuffer<float> keys;    // [n_layers][n_blocks][block_size][kv_dim]
    DeviceBuffer<float> values;  // [n_layers][n_blocks][block_size][kv_dim]

    // one pass's inputs and activations (grown on demand, kept between passes)
    DeviceBuffer<int> tokens;     // [n_rows]
    DeviceBuffer<int> positions;  // [n_rows]
    DeviceBuffer<int> slot_mapping;  // [n_rows]
    DeviceBuffer<int> tables;     // [n_rows or 1][table_stride]
    DeviceBuffer<float> x;        // [n_rows][dim], the residual stream
    DeviceBuffer<float> xb;       // [n_rows][dim], normed input; after the last layer the final-normed states
    DeviceBuffer<float> q;        // [n_rows][n_heads·head_dim]
    DeviceBuffer<float> k;        // [n_rows][kv_dim]
    DeviceBuffer<float> v;        // [n_rows][kv_dim]
    DeviceBuffer<float> attn;     // [n_rows][n_heads·head_dim]
    DeviceBuffer<float> proj;     // [n_rows][dim], output of wo and w_down
    DeviceBuffer<float> gate;     // [n_rows][hidden_dim], then silu(gate) ⊙ up
    DeviceBuffer<float> up;       // [n_rows][hidden_dim]
    DeviceBuffer<float> logits;   // [n_rows][vocab_size]
    DeviceBuffer<__nv_bfloat16> act_bf16;  // BF16 mode, GemmEx passes: [n_rows][n_in] the product's input in BF16
    int n_rows = 0;               // rows of the last pass (what xb holds)
};

CudaBackend::CudaBackend(const ModelConfig& config, const ModelWeights& weights, const KvConfig& kv, int device,
                         CudaPrecision precision)
    : m_config(config), m_weights(weights), m_device_index(device), m_precision(precision) {
    const ModelConfig& c = config;

    // the KV configuration, checked like make_kv_cache does for the CPU
    kv.validate();
    if (kv.kind == KvKind::Sliding) throw UnsupportedError("the CUDA backend does not do sliding windows yet");
    if (kv.max_seq_len > c.context_length)
        throw InvalidArgument("--max-seq-len " + std::to_string(kv.max_seq_len) +
                              " exceeds the model's context length of " + std::to_string(c.context_length));
    const int max_seq_len = kv.max_seq_len > 0 ? kv.max_seq_len : c.context_length;
    m_contiguous = kv.kind == KvKind::Contiguous;

    // weights of the config's shapes
    const int head_dim = c.head_dim(), q_dim = c.n_heads * head_dim, kv_dim = c.kv_dim();
    if (c.dim <= 0 || c.n_heads <= 0 || c.n_kv_heads <= 0 || c.n_heads % c.n_kv_heads != 0 || head_dim % 2 != 0)
        throw InvalidArgument("CUDA backend: the model config is inconsistent (dim, heads, KV heads)");
    expect_shape(weights.token_embedding, c.vocab_size, c.dim, "token_embedding");
    if (static_cast<int>(weights.layers.size()) != c.n_layers)
        throw InvalidArgument("CUDA backend: " + std::to_string(weights.layers.size()) + " layers of weights, the config has " +
                              std::to_string(c.n_layers));
    for (int l = 0; l < c.n_layers; ++l) {
        const LayerWeights& w = weights.layers[l];
        const std::string at = "layers[" + std::to_string(l) + "].";
        expect_size(w.attn_norm, c.dim, at + "attn_norm");
        expect_shape(w.wq, q_dim, c.dim, at + "wq");
        expect_shape(w.wk, kv_dim, c.dim, at + "wk");
        expect_shape(w.wv, kv_dim, c.dim, at + "wv");
        expect_shape(w.wo, c.dim, q_dim, at + "wo");
        expect_size(w.ffn_norm, c.dim, at + "ffn_norm");
        expect_shape(w.w_gate, c.hidden_dim, c.dim, at + "w_gate");
        expect_shape(w.w_up, c.hidden_dim, c.dim, at + "w_up");
        expect_shape(w.w_down, c.dim, c.hidden_dim, at + "w_down");
    }
    expect_size(weights.output_norm, c.dim, "output_norm");
    if (weights.output.size()) expect_shape(weights.output, c.vocab_size, c.dim, "output");

    // the attention kernel keeps one score per visible position in shared memory
    if (kernels::attention_shared_bytes(c.context_length, head_dim) > kernels::kAttentionMaxSharedBytes)
        throw UnsupportedError("the CUDA backend's attention kernel holds at most " +
                               std::to_string(kernels::kAttentionMaxSharedBytes / 4 - head_dim) +
                               " positions; the model's context is " + std::to_string(c.context_length));

    const int n_devices = cuda_device_count();
    if (device < 0 || device >= n_devices)
        throw CudaError("CUDA backend: device " + std::to_string(device) + " does not exist (" +
                        std::to_string(n_devices) + " visible)");
    m_device = std::make_unique<Device>(device, precision);
    const DeviceInfo info = query_device(device);
    m_device_facts = {{"name", info.name},
                      {"compute_capability", std::to_string(info.compute_major) + "." + std::to_string(info.compute_minor)},
                      {"sm_count", std::to_string(info.sm_count)},
                      {"global_memory_bytes", std::to_string(info.global_memory_bytes)},
                      {"shared_memory_per_block", std::to_string(info.shared_memory_per_block_optin)},
                      {"shared_memory_per_sm", std::to_string(info.shared_memory_per_sm)},
                      {"l2_bytes", std::to_string(info.l2_bytes)},
                      {"memory_clock_khz", std::to_string(info.memory_clock_khz)},
                      {"memory_bus_width_bits", std::to_string(info.memory_bus_width_bits)},
                      {"bandwidth_bytes_per_s", std::to_string(static_cast<long long>(info.theoretical_bandwidth()))},
                      {"precision", m_precision == CudaPrecision::BF16 ? "bf16" : "f32"}};
    Device& d = *m_device;

    // weights, uploaded once
    d.upload(d.embedding.f32, weights.token_embedding);
    d.layers.resize(c.n_layers);
    for (int l = 0; l < c.n_layers; ++l) {
        const LayerWeights& w = weights.layers[l];
        Device::Layer& dl = d.layers[l];
        d.upload(dl.attn_norm, w.attn_norm);
        d.upload(dl.wq, w.wq);
        d.upload(dl.wk, w.wk);
        d.upload(dl.wv, w.wv);
        d.upload(dl.wo, w.wo);
        d.upload(dl.ffn_norm, w.ffn_norm);
        d.upload(dl.w_gate, w.w_gate);
        d.upload(dl.w_up, w.w_up);
        d.upload(dl.w_down, w.w_down);
    }
    d.upload(d.output_norm, weights.output_norm);
    if (weights.output.size()) {
        d.upload(d.output, weights.output);
        d.classifier = &d.output;
    } else {
        if (precision == CudaPrecision::BF16) d.upload_bf16(d.embedding, weights.token_embedding);
        d.classifier = &d.embedding;  // tied output
    }
    DLAB_CUDA_CHECK(cudaStreamSynchronize(d.stream));  // the BF16 conversions are done with staging
    d.staging = DeviceBuffer<float>();

    // what one token's pass reads of them
    const double matrix_bytes = precision == CudaPrecision::BF16 ? sizeof(__nv_bfloat16) : sizeof(float);
    const double layer_matrices = static_cast<double>(q_dim) * c.dim * 2 + 2.0 * kv_dim * c.dim + 3.0 * c.hidden_dim * c.dim;
    d.weight_bytes_per_token = c.n_layers * (layer_matrices * matrix_bytes + 2.0 * c.dim * sizeof(float)) +
                               static_cast<double>(c.vocab_size) * c.dim * matrix_bytes +  // classifier
                               2.0 * c.dim * sizeof(float);                                 // final norm, embedding row

    // the KV pool
    const size_t slot_floats = static_cast<size_t>(c.n_layers) * kv_dim;  // per slot, keys or values
    if (m_contiguous) {
        d.block_size = max_seq_len;
        size_t free_bytes = 0, total_bytes = 0;
        DLAB_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
        const size_t block_bytes = 2 * slot_floats * d.block_size * sizeof(float);
        const size_t fit = free_bytes / 2 / block_bytes;
        if (fit == 0)
            throw CudaError("CUDA backend: one sequence's KV cache (" + std::to_string(block_bytes) +
                            " bytes) does not fit in half the free device memory (" + std::to_string(free_bytes) + ")");
        d.n_blocks = static_cast<int>(std::min<size_t>(fit, kContiguousMaxSequences));
    } else {
        d.block_size = kv.block_size;
        const long long blocks = kv.resolved_num_blocks(max_seq_len);
        if (blocks > 0x7fffffffLL)
            throw InvalidArgument("CUDA backend: a pool of " + std::to_string(blocks) +
                                  " blocks is too large");
        d.n_blocks = static_cast<int>(blocks);
    }
    if (static_cast<long long>(d.n_blocks) * d.block_size > 0x7fffffffLL)
        throw InvalidArgument("CUDA backend: a pool of " + std::to_string(d.n_blocks) + " blocks of " +
                              std::to_string(d.block_size) + " slots is too large");
    const size_t cache_floats = slot_floats * static_cast<size_t>(d.n_blocks) * d.block_size;
    d.keys.reserve(cache_floats);
    d.values.reserve(cache_floats);
    m_blocks = std::make_unique<BlockManager>(d.n_blocks, d.block_size, kv.prefix_caching, [this](const KvEvent& event) {
        if (m_observer) m_observer->on_kv_event(event);
    });
    // the pageable uploads may still be in flight after cudaMemcpy returned
    DLAB_CUDA_CHECK(cudaDeviceSynchronize());
}

CudaBackend::~CudaBackend() = default;

double CudaBackend::weight_bytes_per_token() const { return m_device->weight_bytes_per_token; }

std::vector<SequenceOutput> CudaBackend::forward(const std::vector<SequenceInput>& batch,
                                                 const ForwardOptions& options) {
    // refuse the whole batch before anything changes
    validate_batch(batch, m_config.vocab_size);
    const std::string shortage = check_forward(batch);
    if (!shortage.empty()) throw InvalidArgument("forward: " + shortage);
    DLAB_CUDA_CHECK(cudaSetDevice(m_device_index));
    return run_by_phase(
        batch, [&](const SequenceInput& input) { return prefill(input, options); },
        [&](const std::vector<SequenceInput>& inputs) { return decode(inputs, options); });
}

std::string CudaBackend::check_forward(const std::vector<SequenceInput>& batch) const {
    return check_batch_room(
        batch, m_config.context_length, [&](int seq) { return m_blocks->length(seq); },
        [&](const std::vector<std::pair<int, int>>& appends) { return m_blocks->check_append(appends); });
}

std::optional<KvStatsEvent> CudaBackend::kv_stats() const {
    KvStatsEvent stats = m_blocks->stats();
    if (m_contiguous) stats.kind = "contiguous";
    stats.bytes_per_slot = 2LL * m_config.n_layers * m_config.kv_dim() * static_cast<long long>(sizeof(float));
    return stats;
}

KvAppendResult CudaBackend::append(int seq, const std::vector<int>& tokens, bool reuse_prefix) {
    Device& d = *m_device;
    std::vector<BlockCopy> copies;
    const KvAppendResult result = m_blocks->append(seq, tokens, reuse_prefix, copies);
    // copy-on-write: the filled slots of each shared block, in every layer (one 2-D copy:
    // a row per layer, layers a pool apart), keys and values, in stream order before any write
    const size_t kv_dim = static_cast<size_t>(m_config.kv_dim());
    const size_t layer_pitch = static_cast<size_t>(d.n_blocks) * d.block_size * kv_dim * sizeof(float);
    for (const BlockCopy& copy : copies) {
        if (copy.src < 0 || copy.src >= d.n_blocks || copy.dst < 0 || copy.dst >= d.n_blocks || copy.n_slots < 0 ||
            copy.n_slots > d.block_size)
            throw Error("CUDA backend: block copy " + std::to_string(copy.src) + " → " + std::to_string(copy.dst) +
                        " of " + std::to_string(copy.n_slots) + " slots is outside the pool");
        if (copy.n_slots == 0) continue;
        const size_t src = static_cast<size_t>(copy.src) * d.block_size * kv_dim;
        const size_t dst = static_cast<size_t>(copy.dst) * d.block_size * kv_dim;
        const size_t width = static_cast<size_t>(copy.n_slots) * kv_dim * sizeof(float);
        DLAB_CUDA_CHECK(cudaMemcpy2DAsync(d.keys.data() + dst, layer_pitch, d.keys.data() + src, layer_pitch, width,
                                          m_config.n_layers, cudaMemcpyDeviceToDevice, d.stream));
        DLAB_CUDA_CHECK(cudaMemcpy2DAsync(d.values.data() + dst, layer_pitch, d.values.data() + src, layer_pitch,
                                          width, m_config.n_layers, cudaMemcpyDeviceToDevice, d.stream));
    }
    return result;
}

int CudaBackend::slot_of(int seq, int pos) const {
    const auto [block, slot] = m_blocks->locate(seq, pos);
    return block * m_blocks->block_size() + slot;
}

SequenceOutput CudaBackend::prefill(const SequenceInput& input, const ForwardOptions& options) {
    // a stored prefix (prefix caching) is skipped unless every position's output is wanted
    const bool reuse_prefix = !options.all_logits && !options.hidden;
    const KvAppendResult appended = append(input.seq_id, input.tokens, reuse_prefix);
    const int n = static_cast<int>(input.tokens.size()) - appended.n_cached;
    Pass pass;
    pass.tokens.assign(input.tokens.begin() + appended.n_cached, input.tokens.end());
    for (int i = 0; i < n; ++i) {
        const int pos = appended.first_pos + appended.n_cached + i;
        pass.positions.push_back(pos);
        pass.slot_mapping.push_back(slot_of(input.seq_id, pos));
    }
    pass.tables = m_blocks->table(input.seq_id);
    pass.table_stride = 0;
    run_layers(pass);

    // classifier: every position when asked, else only the last one
    SequenceOutput out;
    out.seq_id = input.seq_id;
    out.logits = options.all_logits ? classify(0, n) : classify(n - 1, 1);
    if (options.hidden) out.hidden = copy_hidden(0, n);
    return out;
}

std::vector<SequenceOutput> CudaBackend::decode(const std::vector<SequenceInput>& inputs,
                                                const ForwardOptions& options) {
    const int n = static_cast<int>(inputs.size());
    Pass pass;
    for (const SequenceInput& input : inputs) {
        pass.tokens.push_back(input.tokens[0]);
        pass.positions.push_back(append(input.seq_id, input.tokens, false).first_pos);
    }
    // each row's slot and block table, the tables padded to the longest
    for (int i = 0; i < n; ++i) {
        pass.slot_mapping.push_back(slot_of(inputs[i].seq_id, pass.positions[i]));
        pass.table_stride = std::max(pass.table_stride, static_cast<int>(m_blocks->table(inputs[i].seq_id).size()));
    }
    pass.tables.assign(static_cast<size_t>(n) * pass.table_stride, 0);
    for (int i = 0; i < n; ++i) {
        const std::vector<int>& table = m_blocks->table(inputs[i].seq_id);
        std::copy(table.begin(), table.end(), pass.tables.begin() + static_cast<ptrdiff_t>(i) * pass.table_stride);
    }
    run_layers(pass);

    const RowMatrix logits = classify(0, n);   // [n][vocab]
    RowMatrix hidden;                          // [n][dim]
    if (options.hidden) hidden = copy_hidden(0, n);
    std::vector<SequenceOutput> outputs(n);
    for (int i = 0; i < n; ++i) {
        outputs[i].seq_id = inputs[i].seq_id;
        outputs[i].logits = logits.row(i);
        if (options.hidden) outputs[i].hidden = hidden.row(i);
    }
    return outputs;
}

void CudaBackend::run_layers(const Pass& pass) {
    const ModelConfig& c = m_config;
    Device& d = *m_device;
    const int n = static_cast<int>(pass.tokens.size());
    const int head_dim = c.head_dim(), q_dim = c.n_heads * head_dim, kv_dim = c.kv_dim();
    if (n <= 0 || static_cast<int>(pass.positions.size()) != n || static_cast<int>(pass.slot_mapping.size()) != n)
        throw Error("CUDA backend: a pass of " + std::to_string(n) + " rows with " +
                    std::to_string(pass.positions.size()) + " positions and " + std::to_string(pass.slot_mapping.size()) +
                    " slots");
    const int max_position = *std::max_element(pass.positions.begin(), pass.positions.end());
    // every block a row reads must be in its table
    const int table_rows = pass.table_stride == 0 ? 1 : n;
    const int table_width = pass.table_stride == 0 ? static_cast<int>(pass.tables.size()) : pass.table_stride;
    for (int r = 0; r < n; ++r)
        if (pass.positions[r] / d.block_size >= table_width)
            throw Error("CUDA backend: row " + std::to_string(r) + " at position " + std::to_string(pass.positions[r]) +
                        " has a block table of only " + std::to_string(table_width) + " blocks");
    if (static_cast<long long>(table_rows) * table_width > static_cast<long long>(pass.tables.size()))
        throw Error("CUDA backend: block tables are shorter than their rows");

    // inputs and activations of this pass
    d.upload_ints(d.tokens, pass.tokens);
    d.upload_ints(d.positions, pass.positions);
    d.upload_ints(d.slot_mapping, pass.slot_mapping);
    d.upload_ints(d.tables, pass.tables);
    const size_t rows = static_cast<size_t>(n);
    d.x.reserve(rows * c.dim);
    d.xb.reserve(rows * c.dim);
    d.proj.reserve(rows * c.dim);
    d.q.reserve(rows * q_dim);
    d.attn.reserve(rows * q_dim);
    d.k.reserve(rows * kv_dim);
    d.v.reserve(rows * kv_dim);
    d.gate.reserve(rows * c.hidden_dim);
    d.up.reserve(rows * c.hidden_dim);
    const size_t layer_floats = static_cast<size_t>(d.n_blocks) * d.block_size * kv_dim;

    // token embedding   x: [n][dim]
    DLAB_CUDA_CHECK(kernels::launch_embedding(d.tokens.data(), d.embedding.f32.data(), d.x.data(), n, c.dim, d.stream));

    for (int l = 0; l < c.n_layers; ++l) {
        Device::Layer& w = d.layers[l];

        // attention norm and qkv projections   q: [n][n_heads·hd], k, v: [n][kv_dim]
        DLAB_CUDA_CHECK(kernels::launch_rms_norm(d.x.data(), w.attn_norm.data(), d.xb.data(), n, c.dim, c.rms_eps,
                                                 d.stream));
        d.matmul_transposed(d.xb.data(), w.wq, d.q.data(), n, q_dim, c.dim);
        d.matmul_transposed(d.xb.data(), w.wk, d.k.data(), n, kv_dim, c.dim);
        d.matmul_transposed(d.xb.data(), w.wv, d.v.data(), n, kv_dim, c.dim);

        // RoPE on queries and keys
        DLAB_CUDA_CHECK(kernels::launch_rope(d.q.data(), d.positions.data(), n, c.n_heads, head_dim, c.rope_freq_base,
                                             d.stream));
        DLAB_CUDA_CHECK(kernels::launch_rope(d.k.data(), d.positions.data(), n, c.n_kv_heads, head_dim,
                                             c.rope_freq_base, d.stream));

        // this pass's keys and values into their slots first, then causal grouped-query
        // attention over positions 0 … pos read through the block tables. The CPU attends
        // first and stores after, reading its own k, v from this pass's rows; the values
        // are the same, and the slots written here belong to their sequence alone
        // (append() already copied any shared block), so storing first changes nothing.
        float* layer_keys = d.keys.data() + l * layer_floats;
        float* layer_values = d.values.data() + l * layer_floats;
        DLAB_CUDA_CHECK(kernels::launch_store_kv(d.k.data(), d.v.data(), d.slot_mapping.data(), layer_keys, layer_values, n,
                                                 kv_dim, d.stream));
        DLAB_CUDA_CHECK(kernels::launch_paged_attention(d.q.data(), layer_keys, layer_values, d.tables.data(),
                                                        pass.table_stride, d.positions.data(), d.attn.data(), n,
                                                        c.n_heads, c.n_kv_heads, head_dim, d.block_size, max_position,
                                                        d.stream));

        // output projection and residual
        d.matmul_transposed(d.attn.data(), w.wo, d.proj.data(), n, c.dim, q_dim);
        DLAB_CUDA_CHECK(kernels::launch_residual_add(d.x.data(), d.proj.data(), static_cast<long long>(rows) * c.dim,
                                                     d.stream));

        // feed-forward norm, SwiGLU, down projection and residual
        DLAB_CUDA_CHECK(kernels::launch_rms_norm(d.x.data(), w.ffn_norm.data(), d.xb.data(), n, c.dim, c.rms_eps,
                                                 d.stream));
        d.matmul_transposed(d.xb.data(), w.w_gate, d.gate.data(), n, c.hidden_dim, c.dim);
        d.matmul_transposed(d.xb.data(), w.w_up, d.up.data(), n, c.hidden_dim, c.dim);
        DLAB_CUDA_CHECK(kernels::launch_swiglu(d.gate.data(), d.up.data(), static_cast<long long>(rows) * c.hidden_dim,
                                               d.stream));
        d.matmul_transposed(d.gate.data(), w.w_down, d.proj.data(), n, c.dim, c.hidden_dim);
        DLAB_CUDA_CHECK(kernels::launch_residual_add(d.x.data(), d.proj.data(), static_cast<long long>(rows) * c.dim,
                                                     d.stream));
    }

    // final norm   xb: [n][dim]
    DLAB_CUDA_CHECK(kernels::launch_rms_norm(d.x.data(), d.output_norm.data(), d.xb.data(), n, c.dim, c.rms_eps,
                                             d.stream));
    d.n_rows = n;
}

RowMatrix CudaBackend::classify(int first_row, int n_rows) {
    const ModelConfig& c = m_config;
    Device& d = *m_device;
    if (first_row < 0 || n_rows <= 0 || first_row + n_rows > d.n_rows)
        throw Error("CUDA backend: classifier rows " + std::to_string(first_row) + " + " + std::to_string(n_rows) +
                    " outside the pass's " + std::to_string(d.n_rows));
    d.logits.reserve(static_cast<size_t>(n_rows) * c.vocab_size);
    d.matmul_transposed(d.xb.data() + static_cast<size_t>(first_row) * c.dim, *d.classifier, d.logits.data(), n_rows,
                        c.vocab_size, c.dim);
    RowMatrix logits(n_rows, c.vocab_size);  // row-major, so one copy
    DLAB_CUDA_CHECK(cudaMemcpyAsync(logits.data(), d.logits.data(), static_cast<size_t>(logits.size()) * sizeof(float),
                                    cudaMemcpyDeviceToHost, d.stream));
    DLAB_CUDA_CHECK(cudaStreamSynchronize(d.stream));
    return logits;
}

RowMatrix CudaBackend::copy_hidden(int first_row, int n_rows) {
    const ModelConfig& c = m_config;
    Device& d = *m_device;
    if (first_row < 0 || n_rows <= 0 || first_row + n_rows > d.n_rows)
        throw Error("CUDA backend: hidden rows " + std::to_string(first_row) + " + " + std::to_string(n_rows) +
                    " outside the pass's " + std::to_string(d.n_rows));
    RowMatrix hidden(n_rows, c.dim);
    DLAB_CUDA_CHECK(cudaMemcpyAsync(hidden.data(), d.xb.data() + static_cast<size_t>(first_row) * c.dim,
                                    static_cast<size_t>(hidden.size()) * sizeof(float), cudaMemcpyDeviceToHost,
                                    d.stream));
    DLAB_CUDA_CHECK(cudaStreamSynchronize(d.stream));
    return hidden;
}

}  // namespace dlab
