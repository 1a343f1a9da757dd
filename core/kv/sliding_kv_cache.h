// Sliding-window attention's cache: each sequence keeps its first sink_tokens positions
// for ever (StreamingLLM's attention sinks) and its last `window` positions in a ring;
// a position leaving the window is evicted and its slot reused. Queries attend only to
// what the window shows them (KvWindow), so the model sees the same keys whether or not
// the prompt was longer than the ring.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <vector>

#include "kv/kv_cache.h"
#include "kv/region_ids.h"

namespace dlab {

class SlidingKvCache final : public KvCache {
public:
    // max_seq_len bounds the positions (RoPE); the ring holds sink_tokens + window slots.
    // memory_budget: bytes the rings may take together (0: no limit; kv/region_budget.h).
    SlidingKvCache(int n_layers, int kv_dim, int max_seq_len, int window, int sink_tokens,
                   std::size_t memory_budget = 0);

    std::string kind() const override { return "sliding"; }
    KvWindow window() const override { return {m_window, m_sinks}; }
    int length(int seq) const override;
    std::string check_append(const std::vector<std::pair<int, int>>& appends) const override;
    KvAppendResult append(int seq, const std::vector<int>& tokens, bool reuse_prefix = false) override;
    void past(int layer, int seq, int end_pos, std::vector<KvSegment>& out) const override;
    float* key_slot(int layer, int seq, int pos) override;
    float* value_slot(int layer, int seq, int pos) override;
    void fork(int src, int dst) override;
    void truncate(int seq, int length) override;
    void free(int seq) override;
    KvStatsEvent stats() const override;

    // First non-sink position still in the ring of `seq`.
    int first_kept(int seq) const;

private:
    struct Ring {
        int id = 0;
        int length = 0;
        int first_kept = 0;         // lowest non-sink position not yet evicted
        std::vector<float> keys;    // [n_layers][sinks + window][kv_dim]
        std::vector<float> values;  // [n_layers][sinks + window][kv_dim]
    };
    int ring_size() const { return m_sinks + m_window; }
    int slot_of(int pos) const { return pos < m_sinks ? pos : m_sinks + (pos - m_sinks) % m_window; }
    int window_start(int length) const { return std::max(m_sinks, length - m_window); }
    size_t offset(int layer, int slot) const;
    std::size_t ring_bytes() const;  // one sequence's keys and values
    Ring& ring(int seq);
    const Ring& ring(int seq) const;
    bool keeps(const Ring& r, int pos) const;
    int kept_count(const Ring& r) const;
    void add_arc(const Ring& r, int layer, int first, int end, std::vector<KvSegment>& out) const;
    void emit(KvEvent event, std::initializer_list<int> seqs) const;

    int m_n_layers;
    int m_kv_dim;
    int m_max_seq_len;
    int m_window;
    int m_sinks;
    std::size_t m_memory_budget;
    std::map<int, Ring> m_sequences;
    RegionIds m_ids;
};

}  // namespace dlab
