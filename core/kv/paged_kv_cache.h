// PagedAttention's cache on the host: a BlockManager for the bookkeeping and one pool of
// blocks per layer for the keys and values. Attention walks a sequence's block table.
#pragma once

#include <memory>

#include "kv/block_manager.h"
#include "kv/kv_cache.h"

namespace dlab {

class PagedKvCache final : public KvCache {
public:
    PagedKvCache(int n_layers, int kv_dim, int n_blocks, int block_size, bool prefix_caching);

    std::string kind() const override { return "paged"; }
    int length(int seq) const override { return m_blocks.length(seq); }
    std::string check_append(const std::vector<std::pair<int, int>>& appends) const override {
        return m_blocks.check_append(appends);
    }
    KvAppendResult append(int seq, const std::vector<int>& tokens, bool reuse_prefix = false) override;
    void past(int layer, int seq, int end_pos, std::vector<KvSegment>& out) const override;
    float* key_slot(int layer, int seq, int pos) override;
    float* value_slot(int layer, int seq, int pos) override;
    void fork(int src, int dst) override { m_blocks.fork(src, dst); }
    void truncate(int seq, int length) override { m_blocks.truncate(seq, length); }
    void free(int seq) override { m_blocks.free(seq); }
    KvStatsEvent stats() const override;

    const BlockManager& blocks() const { return m_blocks; }

private:
    size_t offset(int layer, int block, int slot) const;

    int m_n_layers;
    int m_kv_dim;
    BlockManager m_blocks;
    // Left uninitialized: a slot is read only after it was written, and an untouched
    // block costs no memory until the pool hands it out.
    std::unique_ptr<float[]> m_keys;    // [n_layers][n_blocks][block_size][kv_dim]
    std::unique_ptr<float[]> m_values;  // [n_layers][n_blocks][block_size][kv_dim]
};

}  // namespace dlab
