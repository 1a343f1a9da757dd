#include "kv/contiguous_kv_cache.h"

#include <string>

#include "common/error.h"

namespace dlab {

ContiguousKvCache::ContiguousKvCache(int n_layers, int kv_dim, int max_seq_len)
    : m_n_layers(n_layers), m_kv_dim(kv_dim), m_max_seq_len(max_seq_len) {
    if (n_layers <= 0 || kv_dim <= 0 || max_seq_len <= 0)
        throw InvalidArgument("kv cache: layers, kv_dim and max_seq_len must be positive");
}

int ContiguousKvCache::length(int seq) const {
    auto it = m_sequences.find(seq);
    return it == m_sequences.end() ? 0 : it->second.length;
}

bool ContiguousKvCache::can_append(int seq, int n_new) const {
    return n_new >= 0 && length(seq) + n_new <= m_max_seq_len;
}

int ContiguousKvCache::append(int seq, int n_new) {
    if (n_new < 0) throw InvalidArgument("kv cache: cannot append a negative number of positions");
    const int start = length(seq);
    if (!can_append(seq, n_new))
        throw InvalidArgument("kv cache: sequence " + std::to_string(seq) + " needs " +
                              std::to_string(start + n_new) + " positions but the context holds " +
                              std::to_string(m_max_seq_len));
    SequenceSlots& s = m_sequences[seq];
    if (s.keys.empty()) {
        const size_t n = static_cast<size_t>(m_n_layers) * m_max_seq_len * m_kv_dim;
        s.keys.assign(n, 0.0f);
        s.values.assign(n, 0.0f);
    }
    s.length = start + n_new;
    return start;
}

size_t ContiguousKvCache::offset(int layer, int pos) const {
    return (static_cast<size_t>(layer) * m_max_seq_len + pos) * m_kv_dim;
}

ContiguousKvCache::SequenceSlots& ContiguousKvCache::slots(int seq) {
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end())
        throw InvalidArgument("kv cache: unknown sequence " + std::to_string(seq));
    return it->second;
}

const ContiguousKvCache::SequenceSlots& ContiguousKvCache::slots(int seq) const {
    return const_cast<ContiguousKvCache*>(this)->slots(seq);
}

float* ContiguousKvCache::key(int layer, int seq, int pos) { return slots(seq).keys.data() + offset(layer, pos); }
float* ContiguousKvCache::value(int layer, int seq, int pos) { return slots(seq).values.data() + offset(layer, pos); }
const float* ContiguousKvCache::key(int layer, int seq, int pos) const { return slots(seq).keys.data() + offset(layer, pos); }
const float* ContiguousKvCache::value(int layer, int seq, int pos) const { return slots(seq).values.data() + offset(layer, pos); }

void ContiguousKvCache::fork(int src, int dst) {
    if (src == dst) return;
    m_sequences[dst] = slots(src);
}

void ContiguousKvCache::truncate(int seq, int length) {
    SequenceSlots& s = slots(seq);
    if (length < 0 || length > s.length)
        throw InvalidArgument("kv cache: cannot truncate sequence " + std::to_string(seq) + " of length " +
                              std::to_string(s.length) + " to " + std::to_string(length));
    s.length = length;
}

void ContiguousKvCache::free(int seq) { m_sequences.erase(seq); }

}  // namespace dlab
