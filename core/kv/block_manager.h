// PagedAttention's bookkeeping: a block table per sequence (logical block → physical block)
// over a shared BlockPool. Forks share every block; appending into a shared, partly filled
// last block copies it first (copy-on-write); frees and truncations return blocks; with
// prefix caching a new sequence takes over the full blocks of an identical prefix. Host
// code only — the caller owns the storage and carries out the block copies it is handed —
// so the CPU and the CUDA backend manage their pools with the same code.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kv/block_pool.h"
#include "kv/kv_cache.h"
#include "trace/kv_events.h"

namespace dlab {

// Copy the first n_slots slots of block src into block dst, in every layer, keys and values.
struct BlockCopy {
    int src = 0;
    int dst = 0;
    int n_slots = 0;
};

class BlockManager {
public:
    using Notify = std::function<void(const KvEvent&)>;

    BlockManager(int n_blocks, int block_size, bool prefix_caching, Notify notify);

    int block_size() const { return m_block_size; }
    const BlockPool& pool() const { return m_pool; }
    bool contains(int seq) const { return m_sequences.count(seq) > 0; }
    int length(int seq) const;
    const std::vector<int>& table(int seq) const;  // [ceil(length / block_size)] physical ids

    // Empty when the appends fit the free blocks together (copies included), else why not.
    std::string check_append(const std::vector<std::pair<int, int>>& appends) const;
    // Reserves positions for `tokens`; the copies must be carried out before anything is
    // written. Throws InvalidArgument when the pool is short, changing nothing.
    KvAppendResult append(int seq, const std::vector<int>& tokens, bool reuse_prefix, std::vector<BlockCopy>& copies);
    // Physical block and slot of a stored position.
    std::pair<int, int> locate(int seq, int pos) const;

    void fork(int src, int dst);
    void truncate(int seq, int length);
    void free(int seq);

    // Slots in the blocks' units; bytes_per_slot is the storage owner's to fill in.
    KvStatsEvent stats() const;

private:
    struct Sequence {
        int length = 0;
        std::vector<int> blocks;        // [ceil(length / block_size)]
        std::vector<int> tokens;        // [length], kept for prefix hashes
        std::vector<uint64_t> hashes;   // [full blocks] chained content hash of each
    };
    const Sequence& sequence(int seq) const;
    int blocks_for(int n_positions) const { return (n_positions + m_block_size - 1) / m_block_size; }
    BlockContent content_of(const Sequence& s, int block_index) const;
    int take_prefix(int seq, Sequence& s, const std::vector<int>& tokens);
    void remember_full_blocks(Sequence& s, int first_block);
    void emit(KvEvent event, std::initializer_list<int> seqs) const;

    int m_block_size;
    bool m_prefix_caching;
    Notify m_notify;
    BlockPool m_pool;
    std::map<int, Sequence> m_sequences;
};

}  // namespace dlab
