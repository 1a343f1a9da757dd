// The baseline cache: each sequence reserves max_seq_len slots per layer the moment it
// starts, whether or not it ever fills them, and a fork copies everything — the waste
// PagedAttention removes. Each sequence's region is one "block" in the events.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "kv/kv_cache.h"
#include "kv/region_ids.h"

namespace dlab {

class ContiguousKvCache final : public KvCache {
public:
    // memory_budget: bytes the regions may take together (0: no limit); a sequence whose
    // region would cross it is refused (kv/region_budget.h).
    ContiguousKvCache(int n_layers, int kv_dim, int max_seq_len, std::size_t memory_budget = 0);

    std::string kind() const override { return "contiguous"; }
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

    int max_seq_len() const { return m_max_seq_len; }

private:
    struct Region {
        int id = 0;
        int length = 0;
        std::vector<float> keys;    // [n_layers][max_seq_len][kv_dim]
        std::vector<float> values;  // [n_layers][max_seq_len][kv_dim]
    };
    size_t offset(int layer, int pos) const;
    std::size_t region_bytes() const;  // one sequence's keys and values
    Region& region(int seq);
    const Region& region(int seq) const;
    void emit(KvEvent event, std::initializer_list<int> seqs) const;

    int m_n_layers;
    int m_kv_dim;
    int m_max_seq_len;
    std::size_t m_memory_budget;
    std::map<int, Region> m_sequences;
    RegionIds m_ids;
};

}  // namespace dlab
