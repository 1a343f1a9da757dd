#include "engine/cpu_backend.h"

#include <omp.h>

#include <algorithm>
#include <string>

#include "common/error.h"
#include "common/huge_pages.h"
#include "engine/cpu_attention.h"
#include "engine/cpu_kernels.h"
#include "engine/forward_batch.h"
#include "kv/make_kv_cache.h"

namespace dlab {

namespace {

// Every weight tensor; decode streams all but a separate output's embedding table.
std::vector<MemoryRange> weight_ranges(const ModelWeights& w) {
    std::vector<MemoryRange> ranges;
    const auto add = [&](const auto& tensor) {
        ranges.push_back({tensor.data(), static_cast<std::size_t>(tensor.size()) * sizeof(float)});
    };
    add(w.token_embedding);
    add(w.output_norm);
    add(w.output);
    for (const LayerWeights& l : w.layers)
        for (const RowMatrix* m : l.matrices()) add(*m);
    for (const LayerWeights& l : w.layers) {
        add(l.attn_norm);
        add(l.ffn_norm);
    }
    return ranges;
}

}  // namespace

CpuBackend::CpuBackend(const ModelConfig& config, const ModelWeights& weights, const KvConfig& kv,
                       const AttentionConfig& attention)
    : m_config(config),
      m_weights(weights),
      m_cache(make_kv_cache(kv, config)),
      m_attention(attention),
      m_rope_frequencies(rope_frequencies(config.head_dim(), config.rope_freq_base)) {
    m_attention.validate(config.n_layers, config.n_heads);
    m_huge_page_bytes = request_huge_pages(weight_ranges(weights));
    if (m_attention.kind == AttentionKind::Flash && kv.kind == KvKind::Sliding)
        throw InvalidArgument("--attention flash needs every earlier position visible: use --kv contiguous or paged");
}

std::vector<SequenceOutput> CpuBackend::forward(const std::vector<SequenceInput>& batch,
                                                const ForwardOptions& options) {
    // refuse the whole batch before anything changes
    validate_batch(batch, m_config.vocab_size);
    const std::string shortage = check_forward(batch);
    if (!shortage.empty()) throw InvalidArgument("forward: " + shortage);
    return run_by_phase(
        batch, [&](const SequenceInput& input) { return prefill(input, options); },
        [&](const std::vector<SequenceInput>& inputs) { return decode(inputs, options); });
}

std::string CpuBackend::check_forward(const std::vector<SequenceInput>& batch) const {
    return check_batch_room(
        batch, m_config.context_length, [&](int seq) { return m_cache->length(seq); },
        [&](const std::vector<std::pair<int, int>>& appends) { return m_cache->check_append(appends); });
}

SequenceOutput CpuBackend::prefill(const SequenceInput& input, const ForwardOptions& options) {
    // a stored prefix (prefix caching) is skipped unless every position's output is wanted
    const bool reuse_prefix = !options.all_logits && !options.hidden;
    const KvAppendResult appended = m_cache->append(input.seq_id, input.tokens, reuse_prefix);
    const int n = static_cast<int>(input.tokens.size()) - appended.n_cached;
    RowBatch rows{std::vector<int>(input.tokens.begin() + appended.n_cached, input.tokens.end()),
                  std::vector<int>(n, input.seq_id), std::vector<int>(n)};
    for (int i = 0; i < n; ++i) rows.positions[i] = appended.first_pos + appended.n_cached + i;

    RowMatrix hidden;  // [n][dim]
    m_tiles.start_pass(m_attention.max_tile_events);
    run_layers(rows, input.seq_id, hidden);

    // classifier: every position when asked, else only the last one
    SequenceOutput out;
    out.seq_id = input.seq_id;
    const RowMatrix selected = options.all_logits ? hidden : RowMatrix(hidden.bottomRows(1));
    matmul_transposed(selected, m_weights.classifier(), out.logits);
    if (options.hidden) out.hidden = std::move(hidden);
    return out;
}

std::vector<SequenceOutput> CpuBackend::decode(const std::vector<SequenceInput>& inputs,
                                               const ForwardOptions& options) {
    const int n = static_cast<int>(inputs.size());
    RowBatch rows{std::vector<int>(n), std::vector<int>(n), std::vector<int>(n)};
    for (int i = 0; i < n; ++i) {
        rows.tokens[i] = inputs[i].tokens[0];
        rows.seqs[i] = inputs[i].seq_id;
    }
    for (int i = 0; i < n; ++i) rows.positions[i] = m_cache->append(inputs[i].seq_id, inputs[i].tokens).first_pos;

    RowMatrix& hidden = m_scratch.hidden;  // [n][dim]
    RowMatrix& logits = m_scratch.logits;  // [n][vocab]
    decode_layers(rows, hidden, logits);
    std::vector<SequenceOutput> outputs(n);
    for (int i = 0; i < n; ++i) {
        outputs[i].seq_id = inputs[i].seq_id;
        // one row: the pass's logits are handed over, not copied. Copying 128 KB, half of it
        // from the other core's cache, took 20 µs of a 1.5 ms stories15M token at 2 threads;
        // the caller's first read now pays ~4 µs of that. The next pass allocates its own.
        if (n == 1)
            outputs[i].logits = std::move(logits);
        else
            outputs[i].logits = logits.row(i);
        if (options.hidden) outputs[i].hidden = hidden.row(i);
    }
    return outputs;
}

void CpuBackend::run_layers(const RowBatch& rows, int seq, RowMatrix& hidden) {
    const ModelConfig& c = m_config;
    const int n = static_cast<int>(rows.tokens.size());

    // the activations live in m_scratch; these names keep the layer loop readable
    RowMatrix &x = m_scratch.x, &xb = m_scratch.xb, &q = m_scratch.q, &k = m_scratch.k, &v = m_scratch.v;
    RowMatrix &attn = m_scratch.attn, &proj = m_scratch.proj, &gate = m_scratch.gate, &up = m_scratch.up;

    // token embedding   x: [n][dim]
    x.resize(n, c.dim);
    for (int i = 0; i < n; ++i) x.row(i) = m_weights.token_embedding.row(rows.tokens[i]);

    // RoPE angles of every row, the same in every layer
    make_rope_table(rows.positions, m_rope_frequencies, m_scratch.rope);

    for (int l = 0; l < c.n_layers; ++l) {
        const LayerWeights& w = m_weights.layers[l];

        // attention norm and qkv projections, streamed as one stacked matrix
        // q: [n][n_heads·hd], k, v: [n][kv_dim]
        rms_norm(x, w.attn_norm, c.rms_eps, xb);
        matmul_transposed(xb, {{&w.wq, &q}, {&w.wk, &k}, {&w.wv, &v}});

        // RoPE on queries and keys
        apply_rope(q, m_scratch.rope);
        apply_rope(k, m_scratch.rope);

        // causal grouped-query attention over the cache, then this pass's keys and values into it
        attend_and_store(l, rows, seq, q, k, v, attn);

        // output projection and residual
        matmul_transposed(attn, w.wo, proj);
        x += proj;

        // feed-forward norm, SwiGLU, down projection and residual
        rms_norm(x, w.ffn_norm, c.rms_eps, xb);
        swiglu_projection(xb, w.w_gate, w.w_up, gate, up);
        matmul_transposed(gate, w.w_down, proj);
        x += proj;
    }

    // final norm
    rms_norm(x, m_weights.output_norm, c.rms_eps, hidden);
}

void CpuBackend::decode_layers(const RowBatch& rows, RowMatrix& hidden, RowMatrix& logits) {
    const ModelConfig& c = m_config;
    const int n = static_cast<int>(rows.tokens.size());
    const int head_dim = c.head_dim();
    const int group = c.group_size();
    RowMatrix &x = m_scratch.x, &q = m_scratch.q, &k = m_scratch.k, &v = m_scratch.v;
    RowMatrix &attn = m_scratch.attn, &gate = m_scratch.gate, &up = m_scratch.up;

    // token embedding   x: [n][dim]
    x.resize(n, c.dim);
    for (int i = 0; i < n; ++i) x.row(i) = m_weights.token_embedding.row(rows.tokens[i]);
    make_rope_table(rows.positions, m_rope_frequencies, m_scratch.rope);
    q.resize(n, c.n_heads * head_dim);
    k.resize(n, c.kv_dim());
    v.resize(n, c.kv_dim());
    attn.resize(n, c.n_heads * head_dim);
    gate.resize(n, c.hidden_dim);
    up.resize(n, c.hidden_dim);
    hidden.resize(n, c.dim);
    logits.resize(n, c.vocab_size);

    // every layer's stored past, fetched before the threads start
    m_decode_past.resize(c.n_layers);
    for (int l = 0; l < c.n_layers; ++l) {
        m_decode_past[l].resize(n);
        for (int i = 0; i < n; ++i) m_cache->past(l, rows.seqs[i], rows.positions[i], m_decode_past[l][i]);
    }
    const KvWindow window = m_cache->window();
    const int kv_dim = c.kv_dim();
    m_scratch.xb_thread.resize(omp_get_max_threads());

    // One parallel region for the whole pass; the threads meet at 4 barriers per layer.
    // Phase 1: normed x, q/k/v, RoPE and attention; when the KV heads split evenly over the
    // threads each thread projects and attends to its own heads (no barrier between them).
#pragma omp parallel
    {
        const int n_threads = omp_get_num_threads();
        const int thread = omp_get_thread_num();
        RowMatrix& xb = m_scratch.xb_thread[thread];  // [n][dim], this thread's normed input
        const bool own_heads = c.n_kv_heads % n_threads == 0;
        const int g0 = c.n_kv_heads * thread / n_threads, g1 = c.n_kv_heads * (thread + 1) / n_threads;
        const auto [wo0, wo1] = thread_slice(c.dim);
        const auto [ffn0, ffn1] = thread_slice(c.hidden_dim);

        for (int l = 0; l < c.n_layers; ++l) {
            const LayerWeights& w = m_weights.layers[l];

            rms_norm(x, w.attn_norm, c.rms_eps, xb);
            if (own_heads) {
                matmul_transposed_rows(xb, w.wq, q, g0 * group * head_dim, g1 * group * head_dim);
                matmul_transposed_rows(xb, w.wk, k, g0 * head_dim, g1 * head_dim);
                matmul_transposed_rows(xb, w.wv, v, g0 * head_dim, g1 * head_dim);
                for (int r = 0; r < n; ++r) {
                    apply_rope_heads(q, r, m_scratch.rope, g0 * group, g1 * group);
                    apply_rope_heads(k, r, m_scratch.rope, g0, g1);
                    decode_attention_heads(c, window, m_decode_past[l][r], rows.positions[r], q.row(r).data(),
                                           k.row(r).data(), v.row(r).data(), attn.row(r).data(), g0 * group,
                                           g1 * group);
                }
            } else {
                // q, k, v as one stacked matrix split evenly; RoPE and attention by (row, KV group)
                const Eigen::Index n_stacked = q.cols() + 2 * kv_dim;
                const auto [s0, s1] = thread_slice(n_stacked);
                Eigen::Index first = 0;
                for (const auto& [weight, out] : {std::pair{&w.wq, &q}, std::pair{&w.wk, &k}, std::pair{&w.wv, &v}}) {
                    const Eigen::Index rows_out = weight->rows();
                    matmul_transposed_rows(xb, *weight, *out, std::clamp(s0 - first, Eigen::Index(0), rows_out),
                                           std::clamp(s1 - first, Eigen::Index(0), rows_out));
                    first += rows_out;
                }
#pragma omp barrier
#pragma omp for schedule(static)
                for (int item = 0; item < n * c.n_kv_heads; ++item) {
                    const int r = item / c.n_kv_heads, g = item % c.n_kv_heads;
                    apply_rope_heads(q, r, m_scratch.rope, g * group, (g + 1) * group);
                    apply_rope_heads(k, r, m_scratch.rope, g, g + 1);
                    decode_attention_heads(c, window, m_decode_past[l][r], rows.positions[r], q.row(r).data(),
                                           k.row(r).data(), v.row(r).data(), attn.row(r).data(), g * group,
                                           (g + 1) * group);
                }
            }
#pragma omp barrier

            // Phase 2: this pass's keys and values into the cache (after every read of it:
            // a ring slot or a block may be reused in place), output projection and residual
            if (thread == 0)
                for (int i = 0; i < n; ++i) {
                    float* key = m_cache->key_slot(l, rows.seqs[i], rows.positions[i]);
                    if (!key) continue;  // already outside the sliding window
                    Eigen::Map<Eigen::RowVectorXf>(key, kv_dim) = k.row(i);
                    Eigen::Map<Eigen::RowVectorXf>(m_cache->value_slot(l, rows.seqs[i], rows.positions[i]), kv_dim) =
                        v.row(i);
                }
            matmul_transposed_rows(attn, w.wo, x, wo0, wo1, true);
#pragma omp barrier

            // Phase 3: feed-forward norm and SwiGLU
            rms_norm(x, w.ffn_norm, c.rms_eps, xb);
            swiglu_rows(xb, w.w_gate, w.w_up, gate, up, ffn0, ffn1);
#pragma omp barrier

            // Phase 4: down projection and residual
            matmul_transposed_rows(gate, w.w_down, x, wo0, wo1, true);
#pragma omp barrier
        }

        // final norm and classifier
        rms_norm(x, m_weights.output_norm, c.rms_eps, xb);
        if (thread == 0) hidden = xb;
        const auto [v0, v1] = thread_slice(c.vocab_size);
        matmul_transposed_rows(xb, m_weights.classifier(), logits, v0, v1);
    }
}

void CpuBackend::attend_and_store(int layer, const RowBatch& rows, int seq, const RowMatrix& q, const RowMatrix& k,
                                  const RowMatrix& v, RowMatrix& attn) {
    const int n = static_cast<int>(rows.tokens.size());
    const int kv_dim = m_config.kv_dim();

    // attention: the stored positions before the block, and the block's own keys and values
    m_past.resize(1);
    m_cache->past(layer, seq, rows.positions[0], m_past[0]);
    const PrefillAttentionMode mode{&m_attention, layer, m_tiles.active()};
    prefill_attention(m_config, m_cache->window(), m_past[0], rows.positions[0], q, k, v, attn, mode);

    // store only after every read: a ring slot or a block may be reused in place
    for (int i = 0; i < n; ++i) {
        float* key = m_cache->key_slot(layer, seq, rows.positions[i]);
        if (!key) continue;  // already outside the sliding window
        Eigen::Map<Eigen::RowVectorXf>(key, kv_dim) = k.row(i);
        Eigen::Map<Eigen::RowVectorXf>(m_cache->value_slot(layer, seq, rows.positions[i]), kv_dim) = v.row(i);
    }
}

}  // namespace dlab
