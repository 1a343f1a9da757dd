#include "kv/sliding_kv_cache.h"

#include <string>

#include "common/error.h"
#include "kv/region_budget.h"

namespace dlab {

SlidingKvCache::SlidingKvCache(int n_layers, int kv_dim, int max_seq_len, int window, int sink_tokens,
                               std::size_t memory_budget)
    : m_n_layers(n_layers),
      m_kv_dim(kv_dim),
      m_max_seq_len(max_seq_len),
      m_window(window),
      m_sinks(sink_tokens),
      m_memory_budget(memory_budget) {
    if (n_layers <= 0 || kv_dim <= 0 || max_seq_len <= 0)
        throw InvalidArgument("kv cache: layers, kv_dim and max_seq_len must be positive");
    if (window < 1) throw InvalidArgument("--window must be at least 1, got " + std::to_string(window));
    if (sink_tokens < 0) throw InvalidArgument("--sink-tokens must be ≥ 0, got " + std::to_string(sink_tokens));
}

void SlidingKvCache::emit(KvEvent event, std::initializer_list<int> seqs) const {
    for (int seq : seqs) {
        auto it = m_sequences.find(seq);
        event.tables[seq] = it == m_sequences.end() ? std::vector<int>{} : std::vector<int>{it->second.id};
    }
    notify(event);
}

SlidingKvCache::Ring& SlidingKvCache::ring(int seq) {
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) throw InvalidArgument("kv cache: unknown sequence " + std::to_string(seq));
    return it->second;
}

const SlidingKvCache::Ring& SlidingKvCache::ring(int seq) const { return const_cast<SlidingKvCache*>(this)->ring(seq); }

int SlidingKvCache::length(int seq) const {
    auto it = m_sequences.find(seq);
    return it == m_sequences.end() ? 0 : it->second.length;
}

int SlidingKvCache::first_kept(int seq) const { return ring(seq).first_kept; }

bool SlidingKvCache::keeps(const Ring& r, int pos) const {
    return pos >= 0 && pos < r.length && (pos < m_sinks || pos >= r.first_kept);
}

int SlidingKvCache::kept_count(const Ring& r) const {
    return std::min(r.length, m_sinks) + std::max(0, r.length - std::max(m_sinks, r.first_kept));
}

std::size_t SlidingKvCache::ring_bytes() const {
    return static_cast<std::size_t>(m_n_layers) * ring_size() * m_kv_dim * 2 * sizeof(float);
}

size_t SlidingKvCache::offset(int layer, int slot) const {
    return (static_cast<size_t>(layer) * ring_size() + slot) * m_kv_dim;
}

std::string SlidingKvCache::check_append(const std::vector<std::pair<int, int>>& appends) const {
    for (const auto& [seq, n_new] : appends)
        if (length(seq) + n_new > m_max_seq_len)
            return "sequence " + std::to_string(seq) + " at length " + std::to_string(length(seq)) +
                   " has no room for " + std::to_string(n_new) + " more positions (at most " +
                   std::to_string(m_max_seq_len) + ")";
    return {};
}

KvAppendResult SlidingKvCache::append(int seq, const std::vector<int>& tokens, bool) {
    const int n_new = static_cast<int>(tokens.size());
    const std::string shortage = check_append({{seq, n_new}});
    if (!shortage.empty()) throw InvalidArgument("kv cache: " + shortage);
    const int start = length(seq);
    if (n_new == 0) return {start, 0};

    // the ring is reserved when the sequence starts
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) {
        check_region_budget(m_sequences.size(), ring_bytes(), m_memory_budget, seq, ring_size());
        Ring r;
        r.id = m_ids.take();
        r.first_kept = m_sinks;
        const size_t n = static_cast<size_t>(m_n_layers) * ring_size() * m_kv_dim;
        r.keys.resize(n);
        r.values.resize(n);
        it = m_sequences.emplace(seq, std::move(r)).first;
        KvEvent alloc = kv_event("alloc", seq);
        alloc.blocks = {it->second.id};
        emit(alloc, {seq});
    }
    Ring& r = it->second;

    // positions that leave the window (a long prompt's own early positions included)
    const int kept_from = std::max(r.first_kept, window_start(start + n_new));
    if (kept_from > r.first_kept) {
        KvEvent evict = kv_event("evict", seq);
        evict.blocks = {r.id};
        evict.first_pos = r.first_kept;
        evict.n_pos = kept_from - r.first_kept;
        r.first_kept = kept_from;
        emit(evict, {seq});
    }
    r.length = start + n_new;
    KvEvent event = kv_event("append", seq);
    event.blocks = {r.id};
    event.first_pos = start;
    event.n_pos = n_new;
    emit(event, {seq});
    return {start, 0};
}

void SlidingKvCache::add_arc(const Ring& r, int layer, int first, int end, std::vector<KvSegment>& out) const {
    // consecutive positions are consecutive slots until the ring wraps
    for (int pos = first; pos < end;) {
        const int slot = slot_of(pos);
        const int run = pos < m_sinks ? std::min(end, m_sinks) - pos : std::min(end - pos, ring_size() - slot);
        out.push_back({pos, run, &r.keys[offset(layer, slot)], &r.values[offset(layer, slot)]});
        pos += run;
    }
}

void SlidingKvCache::past(int layer, int seq, int end_pos, std::vector<KvSegment>& out) const {
    out.clear();
    const Ring& r = ring(seq);
    if (end_pos > r.length) throw InvalidArgument("kv cache: reading past the end of a sequence");
    // sinks, then the window a query at end_pos sees (read before this pass overwrites it)
    add_arc(r, layer, 0, std::min(m_sinks, end_pos), out);
    add_arc(r, layer, std::max(m_sinks, end_pos - m_window + 1), end_pos, out);
}

float* SlidingKvCache::key_slot(int layer, int seq, int pos) {
    Ring& r = ring(seq);
    return keeps(r, pos) ? &r.keys[offset(layer, slot_of(pos))] : nullptr;
}

float* SlidingKvCache::value_slot(int layer, int seq, int pos) {
    Ring& r = ring(seq);
    return keeps(r, pos) ? &r.values[offset(layer, slot_of(pos))] : nullptr;
}

void SlidingKvCache::fork(int src, int dst) {
    const Ring& source = ring(src);
    if (src == dst || m_sequences.count(dst))
        throw InvalidArgument("kv cache: cannot fork sequence " + std::to_string(src) + " into existing sequence " +
                              std::to_string(dst));
    check_region_budget(m_sequences.size(), ring_bytes(), m_memory_budget, dst, ring_size());
    Ring copy = source;
    copy.id = m_ids.take();
    const int copy_id = copy.id;
    m_sequences.emplace(dst, std::move(copy));
    KvEvent event = kv_event("fork", src, dst);
    event.blocks = {ring(src).id, copy_id};
    emit(event, {src, dst});
}

void SlidingKvCache::truncate(int seq, int length) {
    Ring& r = ring(seq);
    if (length < 0 || length > r.length)
        throw InvalidArgument("kv cache: cannot truncate sequence " + std::to_string(seq) + " of length " +
                              std::to_string(r.length) + " to " + std::to_string(length));
    // the next query, at `length`, must still find every position its window shows
    const int needed_from = std::max(m_sinks, length - m_window + 1);
    if (needed_from < length && needed_from < r.first_kept)
        throw InvalidArgument("kv cache: cannot truncate sequence " + std::to_string(seq) + " to " +
                              std::to_string(length) + ": the sliding window already evicted positions " +
                              std::to_string(needed_from) + "…" + std::to_string(r.first_kept - 1) +
                              " that position " + std::to_string(length) + " attends to");
    KvEvent event = kv_event("truncate", seq);
    event.blocks = {r.id};
    event.first_pos = length;
    event.n_pos = r.length - length;
    r.length = length;
    r.first_kept = std::min(r.first_kept, std::max(m_sinks, length));
    emit(event, {seq});
}

void SlidingKvCache::free(int seq) {
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) return;
    KvEvent event = kv_event("free", seq);
    event.blocks = {it->second.id};
    m_ids.give_back(it->second.id);
    m_sequences.erase(it);
    emit(event, {seq});
}

KvStatsEvent SlidingKvCache::stats() const {
    KvStatsEvent stats;
    stats.kind = "sliding";
    stats.block_size = ring_size();
    stats.n_blocks = static_cast<int>(m_sequences.size());
    stats.n_sequences = stats.n_blocks;
    stats.slots_reserved = static_cast<long long>(stats.n_blocks) * ring_size();
    for (const auto& [seq, r] : m_sequences) stats.slots_used += kept_count(r);
    stats.bytes_per_slot = 2LL * m_n_layers * m_kv_dim * static_cast<long long>(sizeof(float));
    return stats;
}

}  // namespace dlab
