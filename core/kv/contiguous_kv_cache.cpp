#include "kv/contiguous_kv_cache.h"

#include <string>

#include "common/error.h"
#include "kv/region_budget.h"

namespace dlab {

ContiguousKvCache::ContiguousKvCache(int n_layers, int kv_dim, int max_seq_len, std::size_t memory_budget)
    : m_n_layers(n_layers), m_kv_dim(kv_dim), m_max_seq_len(max_seq_len), m_memory_budget(memory_budget) {
    if (n_layers <= 0 || kv_dim <= 0 || max_seq_len <= 0)
        throw InvalidArgument("kv cache: layers, kv_dim and max_seq_len must be positive");
}

void ContiguousKvCache::emit(KvEvent event, std::initializer_list<int> seqs) const {
    for (int seq : seqs) {
        auto it = m_sequences.find(seq);
        event.tables[seq] = it == m_sequences.end() ? std::vector<int>{} : std::vector<int>{it->second.id};
    }
    notify(event);
}

int ContiguousKvCache::length(int seq) const {
    auto it = m_sequences.find(seq);
    return it == m_sequences.end() ? 0 : it->second.length;
}

std::string ContiguousKvCache::check_append(const std::vector<std::pair<int, int>>& appends) const {
    for (const auto& [seq, n_new] : appends)
        if (length(seq) + n_new > m_max_seq_len)
            return "sequence " + std::to_string(seq) + " at length " + std::to_string(length(seq)) +
                   " has no room for " + std::to_string(n_new) + " more positions in its " +
                   std::to_string(m_max_seq_len) + "-slot KV region";
    return {};
}

KvAppendResult ContiguousKvCache::append(int seq, const std::vector<int>& tokens, bool) {
    const int n_new = static_cast<int>(tokens.size());
    const std::string shortage = check_append({{seq, n_new}});
    if (!shortage.empty()) throw InvalidArgument("kv cache: " + shortage);
    const int start = length(seq);
    if (n_new == 0) return {start, 0};

    // the whole region is reserved when the sequence starts
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) {
        check_region_budget(m_sequences.size(), region_bytes(), m_memory_budget, seq, m_max_seq_len);
        Region r;
        r.id = m_ids.take();
        const size_t n = static_cast<size_t>(m_n_layers) * m_max_seq_len * m_kv_dim;
        r.keys.resize(n);
        r.values.resize(n);
        it = m_sequences.emplace(seq, std::move(r)).first;
        KvEvent alloc = kv_event("alloc", seq);
        alloc.blocks = {it->second.id};
        emit(alloc, {seq});
    }
    it->second.length = start + n_new;
    KvEvent event = kv_event("append", seq);
    event.blocks = {it->second.id};
    event.first_pos = start;
    event.n_pos = n_new;
    emit(event, {seq});
    return {start, 0};
}

std::size_t ContiguousKvCache::region_bytes() const {
    return static_cast<std::size_t>(m_n_layers) * m_max_seq_len * m_kv_dim * 2 * sizeof(float);
}

size_t ContiguousKvCache::offset(int layer, int pos) const {
    return (static_cast<size_t>(layer) * m_max_seq_len + pos) * m_kv_dim;
}

ContiguousKvCache::Region& ContiguousKvCache::region(int seq) {
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) throw InvalidArgument("kv cache: unknown sequence " + std::to_string(seq));
    return it->second;
}

const ContiguousKvCache::Region& ContiguousKvCache::region(int seq) const {
    return const_cast<ContiguousKvCache*>(this)->region(seq);
}

void ContiguousKvCache::past(int layer, int seq, int end_pos, std::vector<KvSegment>& out) const {
    out.clear();
    const Region& r = region(seq);
    if (end_pos > r.length) throw InvalidArgument("kv cache: reading past the end of a sequence");
    if (end_pos > 0) out.push_back({0, end_pos, &r.keys[offset(layer, 0)], &r.values[offset(layer, 0)]});
}

float* ContiguousKvCache::key_slot(int layer, int seq, int pos) { return &region(seq).keys[offset(layer, pos)]; }
float* ContiguousKvCache::value_slot(int layer, int seq, int pos) { return &region(seq).values[offset(layer, pos)]; }

void ContiguousKvCache::fork(int src, int dst) {
    const Region& source = region(src);
    if (src == dst || m_sequences.count(dst))
        throw InvalidArgument("kv cache: cannot fork sequence " + std::to_string(src) + " into existing sequence " +
                              std::to_string(dst));
    check_region_budget(m_sequences.size(), region_bytes(), m_memory_budget, dst, m_max_seq_len);
    Region copy = source;
    copy.id = m_ids.take();
    const int copy_id = copy.id;
    m_sequences.emplace(dst, std::move(copy));
    KvEvent event = kv_event("fork", src, dst);
    event.blocks = {region(src).id, copy_id};
    emit(event, {src, dst});
}

void ContiguousKvCache::truncate(int seq, int length) {
    Region& r = region(seq);
    if (length < 0 || length > r.length)
        throw InvalidArgument("kv cache: cannot truncate sequence " + std::to_string(seq) + " of length " +
                              std::to_string(r.length) + " to " + std::to_string(length));
    KvEvent event = kv_event("truncate", seq);
    event.first_pos = length;
    event.n_pos = r.length - length;
    r.length = length;
    emit(event, {seq});
}

void ContiguousKvCache::free(int seq) {
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) return;
    KvEvent event = kv_event("free", seq);
    event.blocks = {it->second.id};
    m_ids.give_back(it->second.id);
    m_sequences.erase(it);
    emit(event, {seq});
}

KvStatsEvent ContiguousKvCache::stats() const {
    KvStatsEvent stats;
    stats.kind = "contiguous";
    stats.block_size = m_max_seq_len;
    stats.n_blocks = static_cast<int>(m_sequences.size());
    stats.n_sequences = stats.n_blocks;
    stats.slots_reserved = static_cast<long long>(stats.n_blocks) * m_max_seq_len;
    for (const auto& [seq, r] : m_sequences) stats.slots_used += r.length;
    stats.bytes_per_slot = 2LL * m_n_layers * m_kv_dim * static_cast<long long>(sizeof(float));
    return stats;
}

}  // namespace dlab
