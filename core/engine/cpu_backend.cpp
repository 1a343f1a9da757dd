#include "engine/cpu_backend.h"

#include <set>
#include <string>

#include "common/error.h"
#include "engine/cpu_attention.h"
#include "engine/cpu_kernels.h"
#include "kv/make_kv_cache.h"

namespace dlab {

CpuBackend::CpuBackend(const ModelConfig& config, const ModelWeights& weights, const KvConfig& kv,
                       const AttentionConfig& attention)
    : m_config(config), m_weights(weights), m_cache(make_kv_cache(kv, config)), m_attention(attention) {
    m_attention.validate(config.n_layers, config.n_heads);
    if (m_attention.kind == AttentionKind::Flash && kv.kind == KvKind::Sliding)
        throw InvalidArgument("--attention flash needs every earlier position visible: use --kv contiguous or paged");
}

void CpuBackend::check_tokens(const SequenceInput& input) const {
    if (input.tokens.empty())
        throw InvalidArgument("forward: sequence " + std::to_string(input.seq_id) + " has no new tokens");
    for (int t : input.tokens)
        if (t < 0 || t >= m_config.vocab_size)
            throw InvalidArgument("forward: token id " + std::to_string(t) + " is outside the vocabulary of " +
                                  std::to_string(m_config.vocab_size) + " tokens");
}

std::vector<SequenceOutput> CpuBackend::forward(const std::vector<SequenceInput>& batch,
                                                const ForwardOptions& options) {
    // refuse the whole batch before anything changes
    std::set<int> seen;
    for (const SequenceInput& input : batch) {
        check_tokens(input);
        if (!seen.insert(input.seq_id).second)
            throw InvalidArgument("forward: sequence " + std::to_string(input.seq_id) + " appears twice in one batch");
    }
    const std::string shortage = check_forward(batch);
    if (!shortage.empty()) throw InvalidArgument("forward: " + shortage);

    std::vector<SequenceOutput> outputs(batch.size());
    std::vector<SequenceInput> decode_inputs;
    std::vector<size_t> decode_slots;
    for (size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].tokens.size() > 1) {
            outputs[i] = prefill(batch[i], options);
        } else {
            decode_inputs.push_back(batch[i]);
            decode_slots.push_back(i);
        }
    }
    if (!decode_inputs.empty()) {
        std::vector<SequenceOutput> decoded = decode(decode_inputs, options);
        for (size_t i = 0; i < decoded.size(); ++i) outputs[decode_slots[i]] = std::move(decoded[i]);
    }
    return outputs;
}

std::string CpuBackend::check_forward(const std::vector<SequenceInput>& batch) const {
    std::vector<std::pair<int, int>> appends;
    for (const SequenceInput& input : batch) {
        const int n_new = static_cast<int>(input.tokens.size());
        const int length = m_cache->length(input.seq_id);
        if (length + n_new > m_config.context_length)
            return "sequence " + std::to_string(input.seq_id) + " at length " + std::to_string(length) +
                   " has no room for " + std::to_string(n_new) + " more positions in the model's context of " +
                   std::to_string(m_config.context_length);
        appends.emplace_back(input.seq_id, n_new);
    }
    return m_cache->check_append(appends);
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
    run_layers(rows, std::nullopt, hidden);

    RowMatrix& logits = m_scratch.logits;  // [n][vocab]
    matmul_transposed(hidden, m_weights.classifier(), logits);
    std::vector<SequenceOutput> outputs(n);
    for (int i = 0; i < n; ++i) {
        outputs[i].seq_id = inputs[i].seq_id;
        outputs[i].logits = logits.row(i);
        if (options.hidden) outputs[i].hidden = hidden.row(i);
    }
    return outputs;
}

void CpuBackend::run_layers(const RowBatch& rows, std::optional<int> prefill_seq, RowMatrix& hidden) {
    const ModelConfig& c = m_config;
    const int n = static_cast<int>(rows.tokens.size());

    // the activations live in m_scratch; these names keep the layer loop readable
    RowMatrix &x = m_scratch.x, &xb = m_scratch.xb, &q = m_scratch.q, &k = m_scratch.k, &v = m_scratch.v;
    RowMatrix &attn = m_scratch.attn, &proj = m_scratch.proj, &gate = m_scratch.gate, &up = m_scratch.up;

    // token embedding   x: [n][dim]
    x.resize(n, c.dim);
    for (int i = 0; i < n; ++i) x.row(i) = m_weights.token_embedding.row(rows.tokens[i]);

    // RoPE angles of every row, the same in every layer
    make_rope_table(rows.positions, c.head_dim(), c.rope_freq_base, m_scratch.rope);

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
        attend_and_store(l, rows, prefill_seq, q, k, v, attn);

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

void CpuBackend::attend_and_store(int layer, const RowBatch& rows, std::optional<int> prefill_seq, const RowMatrix& q,
                                  const RowMatrix& k, const RowMatrix& v, RowMatrix& attn) {
    const int n = static_cast<int>(rows.tokens.size());
    const int kv_dim = m_config.kv_dim();

    // attention: the stored positions before each row, and this pass's own keys and values
    if (prefill_seq) {
        m_past.resize(1);
        m_cache->past(layer, *prefill_seq, rows.positions[0], m_past[0]);
        const PrefillAttentionMode mode{&m_attention, layer, m_tiles.active()};
        prefill_attention(m_config, m_cache->window(), m_past[0], rows.positions[0], q, k, v, attn, mode);
    } else {
        m_past.resize(n);
        for (int i = 0; i < n; ++i) m_cache->past(layer, rows.seqs[i], rows.positions[i], m_past[i]);
        decode_attention(m_config, m_cache->window(), m_past, rows.positions, q, k, v, attn);
    }

    // store only after every read: a ring slot or a block may be reused in place
    for (int i = 0; i < n; ++i) {
        float* key = m_cache->key_slot(layer, rows.seqs[i], rows.positions[i]);
        if (!key) continue;  // already outside the sliding window
        Eigen::Map<Eigen::RowVectorXf>(key, kv_dim) = k.row(i);
        Eigen::Map<Eigen::RowVectorXf>(m_cache->value_slot(layer, rows.seqs[i], rows.positions[i]), kv_dim) = v.row(i);
    }
}

}  // namespace dlab
