#include "kv/block_pool.h"

#include <string>

#include "common/error.h"

namespace dlab {

uint64_t hash_block(uint64_t parent_hash, const std::vector<int>& tokens) {
    // FNV-1a over the parent hash and the token ids, then a SplitMix64 finalizer so that
    // nearby token sequences spread over the whole table
    uint64_t h = 14695981039346656037ull;
    auto mix = [&](uint64_t value) {
        for (int byte = 0; byte < 8; ++byte) {
            h ^= (value >> (8 * byte)) & 0xff;
            h *= 1099511628211ull;
        }
    };
    mix(parent_hash);
    for (int token : tokens) mix(static_cast<uint32_t>(token));
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

BlockPool::BlockPool(int n_blocks) : m_ref_count(n_blocks, 0), m_free_position(n_blocks), m_content(n_blocks) {
    if (n_blocks <= 0) throw InvalidArgument("kv pool: needs at least one block, got " + std::to_string(n_blocks));
    for (int b = 0; b < n_blocks; ++b) m_free_position[b] = m_free_queue.insert(m_free_queue.end(), b);
}

std::optional<int> BlockPool::allocate() {
    if (m_free_queue.empty()) return std::nullopt;
    const int block = m_free_queue.front();
    m_free_queue.pop_front();
    m_free_position[block].reset();
    forget(block);
    m_ref_count[block] = 1;
    return block;
}

void BlockPool::retain(int block) {
    if (m_ref_count.at(block) == 0) {
        m_free_queue.erase(*m_free_position[block]);
        m_free_position[block].reset();
    }
    ++m_ref_count[block];
}

void BlockPool::release(int block) {
    if (m_ref_count.at(block) <= 0) throw Error("kv pool: block " + std::to_string(block) + " released while free");
    if (--m_ref_count[block] == 0) m_free_position[block] = m_free_queue.insert(m_free_queue.end(), block);
}

std::optional<int> BlockPool::find(const BlockContent& content) const {
    auto it = m_by_hash.find(content.hash);
    if (it == m_by_hash.end()) return std::nullopt;
    const BlockContent& held = *m_content[it->second];
    if (held.parent_hash != content.parent_hash || held.tokens != content.tokens) return std::nullopt;
    return it->second;
}

void BlockPool::remember(int block, BlockContent content) {
    if (m_content.at(block) || m_by_hash.count(content.hash)) return;
    m_by_hash[content.hash] = block;
    m_content[block] = std::move(content);
}

void BlockPool::forget(int block) {
    std::optional<BlockContent>& content = m_content.at(block);
    if (!content) return;
    m_by_hash.erase(content->hash);
    content.reset();
}

void BlockPool::check_invariants() const {
    int n_zero = 0;
    for (int b = 0; b < n_blocks(); ++b) {
        if (m_ref_count[b] < 0) throw Error("kv pool: block " + std::to_string(b) + " has a negative count");
        if ((m_ref_count[b] == 0) != m_free_position[b].has_value())
            throw Error("kv pool: block " + std::to_string(b) + " has count " + std::to_string(m_ref_count[b]) +
                        (m_free_position[b] ? " but sits in the free queue" : " but is missing from the free queue"));
        if (m_ref_count[b] == 0) ++n_zero;
        if (m_content[b]) {
            auto it = m_by_hash.find(m_content[b]->hash);
            if (it == m_by_hash.end() || it->second != b)
                throw Error("kv pool: block " + std::to_string(b) + " is not found under its own hash");
        }
    }
    if (n_zero != n_free()) throw Error("kv pool: free queue length differs from the free block count");
    if (m_by_hash.size() > static_cast<size_t>(n_blocks())) throw Error("kv pool: more hashes than blocks");
}

}  // namespace dlab
