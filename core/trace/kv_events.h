// KV cache events: every operation on the cache (which blocks, which sequences, the
// affected block tables after it) and per-step pool statistics. Emitted by the caches in
// core/kv through a KvObserver; the session stamps them into the trace.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace dlab {

// One cache operation. For the contiguous cache a "block" is a sequence's whole reserved
// region of max_seq_len slots; for the sliding window it is the sequence's ring.
struct KvEvent {
    std::string op;            // alloc | append | fork | cow | free | evict | prefix_hit | preempt | truncate
    int seq = -1;              // the sequence acted on (fork: the source)
    int other_seq = -1;        // fork: the new sequence
    std::vector<int> blocks;   // physical blocks involved (cow: [old, new])
    int first_pos = -1;        // append / evict / truncate / prefix_hit: first position concerned
    int n_pos = 0;             // ... and how many positions
    std::map<int, std::vector<int>> tables;  // affected sequences' block tables after the op
    std::string detail;        // preempt: why
};

inline KvEvent kv_event(std::string op, int seq, int other_seq = -1) {
    KvEvent event;
    event.op = std::move(op);
    event.seq = seq;
    event.other_seq = other_seq;
    return event;
}

// The pool after a step. Slots are token positions in one layer's K (and V) storage;
// bytes_per_slot converts them to memory over all layers, keys and values.
struct KvStatsEvent {
    std::string kind;           // "contiguous" | "sliding" | "paged"
    int block_size = 0;         // slots per block (contiguous: max_seq_len; sliding: ring size)
    int n_blocks = 0;           // blocks in the pool (contiguous / sliding: live sequences)
    int free_blocks = 0;
    int n_sequences = 0;        // sequences holding cache
    long long slots_reserved = 0;  // slots set aside for the live sequences
    long long slots_used = 0;      // reserved slots that hold a token (shared ones once)
    int shared_blocks = 0;         // blocks with more than one owner
    long long bytes_per_slot = 0;  // n_layers × 2 × kv_dim × sizeof(float)

    // Reserved slots that hold no token, as a fraction of the reserved ones.
    double fragmentation() const {
        return slots_reserved > 0 ? double(slots_reserved - slots_used) / double(slots_reserved) : 0.0;
    }
    // Blocks in use as a fraction of the pool.
    double utilization() const { return n_blocks > 0 ? double(n_blocks - free_blocks) / double(n_blocks) : 0.0; }
};

}  // namespace dlab
