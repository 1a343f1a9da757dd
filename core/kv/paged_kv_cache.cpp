#include "kv/paged_kv_cache.h"

#include <algorithm>

#include "common/error.h"

namespace dlab {

PagedKvCache::PagedKvCache(int n_layers, int kv_dim, int n_blocks, int block_size, bool prefix_caching)
    : m_n_layers(n_layers),
      m_kv_dim(kv_dim),
      m_blocks(n_blocks, block_size, prefix_caching, [this](const KvEvent& event) { notify(event); }) {
    if (n_layers <= 0 || kv_dim <= 0) throw InvalidArgument("kv cache: layers and kv_dim must be positive");
    const size_t n_floats = static_cast<size_t>(n_layers) * n_blocks * block_size * kv_dim;
    m_keys.reset(new float[n_floats]);
    m_values.reset(new float[n_floats]);
}

size_t PagedKvCache::offset(int layer, int block, int slot) const {
    const size_t blocks_per_layer = m_blocks.pool().n_blocks();
    return ((layer * blocks_per_layer + block) * m_blocks.block_size() + slot) * m_kv_dim;
}

KvAppendResult PagedKvCache::append(int seq, const std::vector<int>& tokens, bool reuse_prefix) {
    std::vector<BlockCopy> copies;
    const KvAppendResult result = m_blocks.append(seq, tokens, reuse_prefix, copies);
    // copy-on-write: the filled slots of each shared block, in every layer
    for (const BlockCopy& c : copies)
        for (int layer = 0; layer < m_n_layers; ++layer) {
            const size_t n = static_cast<size_t>(c.n_slots) * m_kv_dim;
            std::copy_n(&m_keys[offset(layer, c.src, 0)], n, &m_keys[offset(layer, c.dst, 0)]);
            std::copy_n(&m_values[offset(layer, c.src, 0)], n, &m_values[offset(layer, c.dst, 0)]);
        }
    return result;
}

void PagedKvCache::past(int layer, int seq, int end_pos, std::vector<KvSegment>& out) const {
    out.clear();
    const int block_size = m_blocks.block_size();
    const std::vector<int>& table = m_blocks.table(seq);
    if (end_pos > m_blocks.length(seq)) throw InvalidArgument("kv cache: reading past the end of a sequence");
    // the block table walk: logical block i holds positions i·block_size … i·block_size+block_size−1
    for (int i = 0; i * block_size < end_pos; ++i) {
        const size_t at = offset(layer, table[i], 0);
        out.push_back({i * block_size, std::min(block_size, end_pos - i * block_size), &m_keys[at], &m_values[at]});
    }
}

float* PagedKvCache::key_slot(int layer, int seq, int pos) {
    const auto [block, slot] = m_blocks.locate(seq, pos);
    return &m_keys[offset(layer, block, slot)];
}

float* PagedKvCache::value_slot(int layer, int seq, int pos) {
    const auto [block, slot] = m_blocks.locate(seq, pos);
    return &m_values[offset(layer, block, slot)];
}

KvStatsEvent PagedKvCache::stats() const {
    KvStatsEvent stats = m_blocks.stats();
    stats.bytes_per_slot = 2LL * m_n_layers * m_kv_dim * static_cast<long long>(sizeof(float));
    return stats;
}

}  // namespace dlab
