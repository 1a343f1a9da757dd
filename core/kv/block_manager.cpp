#include "kv/block_manager.h"

#include <algorithm>

#include "common/error.h"

namespace dlab {

BlockManager::BlockManager(int n_blocks, int block_size, bool prefix_caching, Notify notify)
    : m_block_size(block_size), m_prefix_caching(prefix_caching), m_notify(std::move(notify)), m_pool(n_blocks) {
    if (block_size <= 0) throw InvalidArgument("kv pool: block size must be positive");
}

const BlockManager::Sequence& BlockManager::sequence(int seq) const {
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) throw InvalidArgument("kv cache: unknown sequence " + std::to_string(seq));
    return it->second;
}

int BlockManager::length(int seq) const {
    auto it = m_sequences.find(seq);
    return it == m_sequences.end() ? 0 : it->second.length;
}

const std::vector<int>& BlockManager::table(int seq) const { return sequence(seq).blocks; }

void BlockManager::emit(KvEvent event, std::initializer_list<int> seqs) const {
    if (!m_notify) return;
    for (int seq : seqs) {
        auto it = m_sequences.find(seq);
        event.tables[seq] = it == m_sequences.end() ? std::vector<int>{} : it->second.blocks;
    }
    m_notify(event);
}

std::string BlockManager::check_append(const std::vector<std::pair<int, int>>& appends) const {
    // new blocks past each sequence's end
    long long needed = 0;
    std::map<int, int> writers_of_shared_block;  // shared, partly filled last block → sequences appending into it
    for (const auto& [seq, n_new] : appends) {
        if (n_new <= 0) continue;
        auto it = m_sequences.find(seq);
        const int length = it == m_sequences.end() ? 0 : it->second.length;
        const int held = it == m_sequences.end() ? 0 : static_cast<int>(it->second.blocks.size());
        needed += blocks_for(length + n_new) - held;
        if (held > 0 && length % m_block_size != 0 && m_pool.ref_count(it->second.blocks.back()) > 1)
            ++writers_of_shared_block[it->second.blocks.back()];
    }
    // copy-on-write: every writer of a shared block copies it, except the last owner when all write
    for (const auto& [block, writers] : writers_of_shared_block)
        needed += std::min(writers, m_pool.ref_count(block) - 1);
    if (needed <= m_pool.n_free()) return {};
    return "KV pool exhausted: the next pass needs " + std::to_string(needed) + " new blocks of " +
           std::to_string(m_block_size) + " slots but only " + std::to_string(m_pool.n_free()) + " of " +
           std::to_string(m_pool.n_blocks()) + " are free";
}

BlockContent BlockManager::content_of(const Sequence& s, int block_index) const {
    BlockContent content;
    content.parent_hash = block_index > 0 ? s.hashes[block_index - 1] : 0;
    const auto first = s.tokens.begin() + static_cast<ptrdiff_t>(block_index) * m_block_size;
    content.tokens.assign(first, first + m_block_size);
    content.hash = hash_block(content.parent_hash, content.tokens);
    return content;
}

int BlockManager::take_prefix(int seq, Sequence& s, const std::vector<int>& tokens) {
    // only blocks that end before the last token: its logits must be computed
    const int n_eligible = (static_cast<int>(tokens.size()) - 1) / m_block_size;
    std::vector<int> hits;
    s.tokens.assign(tokens.begin(), tokens.begin() + static_cast<ptrdiff_t>(n_eligible) * m_block_size);
    for (int i = 0; i < n_eligible; ++i) {
        BlockContent content = content_of(s, i);
        const std::optional<int> block = m_pool.find(content);
        if (!block) break;
        m_pool.retain(*block);
        s.blocks.push_back(*block);
        s.hashes.push_back(content.hash);
        hits.push_back(*block);
    }
    s.length = static_cast<int>(hits.size()) * m_block_size;
    s.tokens.resize(s.length);
    if (!hits.empty()) {
        KvEvent event = kv_event("prefix_hit", seq);
        event.blocks = hits;
        event.first_pos = 0;
        event.n_pos = s.length;
        emit(event, {seq});
    }
    return s.length;
}

void BlockManager::remember_full_blocks(Sequence& s, int first_block) {
    for (int i = first_block; i < s.length / m_block_size; ++i) {
        BlockContent content = content_of(s, i);
        s.hashes.push_back(content.hash);
        m_pool.remember(s.blocks[i], std::move(content));
    }
}

KvAppendResult BlockManager::append(int seq, const std::vector<int>& tokens, bool reuse_prefix,
                                    std::vector<BlockCopy>& copies) {
    const int n_new = static_cast<int>(tokens.size());
    KvAppendResult result{length(seq), 0};
    if (n_new == 0) return result;
    const std::string shortage = check_append({{seq, n_new}});
    if (!shortage.empty()) throw InvalidArgument(shortage);
    Sequence& s = m_sequences[seq];

    // prefix caching: a new sequence takes over the stored blocks of its prefix
    if (s.length == 0 && reuse_prefix && m_prefix_caching) result.n_cached = take_prefix(seq, s, tokens);
    const int n_rest = n_new - result.n_cached;

    // copy-on-write: the partly filled last block is shared, so this sequence gets its own copy
    if (s.length % m_block_size != 0 && m_pool.ref_count(s.blocks.back()) > 1) {
        const int shared = s.blocks.back();
        const int copy = *m_pool.allocate();
        copies.push_back({shared, copy, s.length % m_block_size});
        m_pool.release(shared);
        s.blocks.back() = copy;
        KvEvent event = kv_event("cow", seq);
        event.blocks = {shared, copy};
        event.first_pos = s.length - s.length % m_block_size;
        event.n_pos = s.length % m_block_size;
        emit(event, {seq});
    }

    // writing into a partly filled block changes what it holds: it no longer answers for
    // the full block it was before a truncation
    if (s.length % m_block_size != 0) m_pool.forget(s.blocks.back());

    // new blocks for the positions past the last one
    KvEvent alloc = kv_event("alloc", seq);
    while (static_cast<int>(s.blocks.size()) < blocks_for(s.length + n_rest)) {
        s.blocks.push_back(*m_pool.allocate());
        alloc.blocks.push_back(s.blocks.back());
    }
    if (!alloc.blocks.empty()) emit(alloc, {seq});

    // record the tokens; blocks that just filled become findable by their prefix
    const int full_before = static_cast<int>(s.hashes.size());
    const int first_written = s.length;
    if (m_prefix_caching) s.tokens.insert(s.tokens.end(), tokens.begin() + result.n_cached, tokens.end());
    s.length += n_rest;
    if (m_prefix_caching) remember_full_blocks(s, full_before);

    KvEvent event = kv_event("append", seq);
    for (int b = first_written / m_block_size; b < blocks_for(s.length); ++b) event.blocks.push_back(s.blocks[b]);
    event.first_pos = first_written;
    event.n_pos = n_rest;
    emit(event, {seq});
    return result;
}

std::pair<int, int> BlockManager::locate(int seq, int pos) const {
    const Sequence& s = sequence(seq);
    if (pos < 0 || pos >= s.length)
        throw InvalidArgument("kv cache: position " + std::to_string(pos) + " is outside sequence " +
                              std::to_string(seq) + " of length " + std::to_string(s.length));
    return {s.blocks[pos / m_block_size], pos % m_block_size};
}

void BlockManager::fork(int src, int dst) {
    const Sequence& source = sequence(src);
    if (src == dst || m_sequences.count(dst))
        throw InvalidArgument("kv cache: cannot fork sequence " + std::to_string(src) + " into existing sequence " +
                              std::to_string(dst));
    for (int block : source.blocks) m_pool.retain(block);
    m_sequences[dst] = source;
    KvEvent event = kv_event("fork", src, dst);
    event.blocks = source.blocks;
    emit(event, {src, dst});
}

void BlockManager::truncate(int seq, int length) {
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) throw InvalidArgument("kv cache: unknown sequence " + std::to_string(seq));
    Sequence& s = it->second;
    if (length < 0 || length > s.length)
        throw InvalidArgument("kv cache: cannot truncate sequence " + std::to_string(seq) + " of length " +
                              std::to_string(s.length) + " to " + std::to_string(length));
    KvEvent event = kv_event("truncate", seq);
    event.first_pos = length;
    event.n_pos = s.length - length;

    // tail blocks go back to the pool
    const int kept = blocks_for(length);
    for (int b = static_cast<int>(s.blocks.size()) - 1; b >= kept; --b) {
        m_pool.release(s.blocks[b]);
        event.blocks.push_back(s.blocks[b]);
    }
    s.blocks.resize(kept);

    // a full block cut into will be overwritten: unless shared (then it is copied first),
    // it no longer answers for its old prefix
    if (length % m_block_size != 0 && static_cast<int>(s.hashes.size()) > length / m_block_size &&
        m_pool.ref_count(s.blocks.back()) == 1)
        m_pool.forget(s.blocks.back());
    s.hashes.resize(std::min<size_t>(s.hashes.size(), length / m_block_size));
    if (m_prefix_caching) s.tokens.resize(length);
    s.length = length;
    emit(event, {seq});
}

void BlockManager::free(int seq) {
    auto it = m_sequences.find(seq);
    if (it == m_sequences.end()) return;
    // tail first, so that a prefix's later blocks are reused before its first ones
    KvEvent event = kv_event("free", seq);
    for (auto b = it->second.blocks.rbegin(); b != it->second.blocks.rend(); ++b) {
        m_pool.release(*b);
        event.blocks.push_back(*b);
    }
    m_sequences.erase(it);
    emit(event, {seq});
}

KvStatsEvent BlockManager::stats() const {
    KvStatsEvent stats;
    stats.kind = "paged";
    stats.block_size = m_block_size;
    stats.n_blocks = m_pool.n_blocks();
    stats.free_blocks = m_pool.n_free();
    stats.n_sequences = static_cast<int>(m_sequences.size());
    stats.slots_reserved = static_cast<long long>(stats.n_blocks - stats.free_blocks) * m_block_size;
    // a shared block holds as many tokens as its fullest owner sees in it
    std::map<int, int> filled;  // block → slots holding a token
    for (const auto& [seq, s] : m_sequences)
        for (size_t i = 0; i < s.blocks.size(); ++i) {
            const int in_block = std::min(m_block_size, s.length - static_cast<int>(i) * m_block_size);
            int& slots = filled[s.blocks[i]];
            slots = std::max(slots, in_block);
        }
    for (const auto& [block, slots] : filled) {
        stats.slots_used += slots;
        if (m_pool.ref_count(block) > 1) ++stats.shared_blocks;
    }
    return stats;
}

}  // namespace dlab
