// The baseline cache: each sequence reserves max_seq_len slots per layer the moment it
// starts, whether or not it ever fills them — the waste PagedAttention removes.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "kv/kv_cache.h"

namespace dlab {

class ContiguousKvCache final : public KvCache {
public:
    ContiguousKvCache(int n_layers, int kv_dim, int max_seq_len);

    int length(int seq) const override;
    bool can_append(int seq, int n_new) const override;
    int append(int seq, int n_new) override;
    float* key(int layer, int seq, int pos) override;
    float* value(int layer, int seq, int pos) override;
    const float* key(int layer, int seq, int pos) const override;
    const float* value(int layer, int seq, int pos) const override;
    void fork(int src, int dst) override;
    void truncate(int seq, int length) override;
    void free(int seq) override;

    int max_seq_len() const { return m_max_seq_len; }

private:
    struct SequenceSlots {
        int length = 0;
        std::vector<float> keys;    // [n_layers][max_seq_len][kv_dim]
        std::vector<float> values;  // [n_layers][max_seq_len][kv_dim]
    };
    size_t offset(int layer, int pos) const;
    SequenceSlots& slots(int seq);
    const SequenceSlots& slots(int seq) const;

    int m_n_layers;
    int m_kv_dim;
    int m_max_seq_len;
    std::map<int, SequenceSlots> m_sequences;
};

}  // namespace dlab
