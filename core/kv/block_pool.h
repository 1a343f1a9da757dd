// The pool of physical KV blocks, in vLLM's vocabulary: a reference count per block, a
// free queue ordered least recently used first, and — for prefix caching — a table from
// the hash of a full block's tokens (chained with its predecessor's hash) to the block
// holding them. A freed block keeps its contents and its hash until it is handed out
// again, so a later request with the same prefix can take it back off the free queue.
// Host bookkeeping only: the storage lives with whoever owns the pool (CPU or GPU).
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <vector>

namespace dlab {

// What a full block holds, for prefix caching. The hash finds it; parent hash and tokens
// confirm it, so a 64-bit collision cannot hand out the wrong keys and values.
struct BlockContent {
    uint64_t hash = 0;
    uint64_t parent_hash = 0;
    std::vector<int> tokens;  // [block_size]
};

uint64_t hash_block(uint64_t parent_hash, const std::vector<int>& tokens);

class BlockPool {
public:
    explicit BlockPool(int n_blocks);

    int n_blocks() const { return static_cast<int>(m_ref_count.size()); }
    int n_free() const { return static_cast<int>(m_free_queue.size()); }
    int ref_count(int block) const { return m_ref_count.at(block); }

    // The least recently used free block, now with one reference and no cached content;
    // nullopt when none is free.
    std::optional<int> allocate();
    // One more owner. A free block (a prefix hit on cached content) leaves the free queue.
    void retain(int block);
    // One owner fewer; at zero the block joins the tail of the free queue (most recent).
    void release(int block);

    // Prefix caching: the block holding `content`, if one still does.
    std::optional<int> find(const BlockContent& content) const;
    // Records what a just-filled block holds (ignored when another block already does).
    void remember(int block, BlockContent content);
    // The block's contents are about to change: it no longer answers for any prefix.
    void forget(int block);
    bool remembered(int block) const { return m_content.at(block).has_value(); }

    // Every count consistent with the free queue; throws Error describing the first fault.
    void check_invariants() const;

private:
    std::vector<int> m_ref_count;                                 // [n_blocks]
    std::list<int> m_free_queue;                                  // LRU first
    std::vector<std::optional<std::list<int>::iterator>> m_free_position;  // [n_blocks]
    std::vector<std::optional<BlockContent>> m_content;           // [n_blocks]
    std::unordered_map<uint64_t, int> m_by_hash;
};

}  // namespace dlab
