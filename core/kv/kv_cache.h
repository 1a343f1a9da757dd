// The KV cache interface: per sequence, per layer, one key and one value row of kv_dim
// floats for every position the sequence keeps. Implementations differ in how slots are
// reserved — contiguous up front, a ring for the sliding window, blocks from a shared pool
// for PagedAttention — and report every operation as a KvEvent.
//
// A forward pass uses the cache in three moves: append() reserves the new positions (and
// may copy, allocate, evict), attention reads the positions before them through past()
// — a list of contiguous runs, which for the paged cache is the walk along the block
// table — together with the new positions' own keys and values, and only then are the
// new keys and values written through key_slot()/value_slot(). Reading before writing is
// what lets a ring or a copied block be overwritten in place.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "trace/kv_events.h"

namespace dlab {

// Which keys a query may attend to. size 0 = every earlier position (plain causal).
struct KvWindow {
    int size = 0;   // positions visible, the query's own included
    int sinks = 0;  // first positions visible for ever

    bool visible(int query_pos, int key_pos) const {
        return key_pos <= query_pos && (size <= 0 || query_pos - key_pos < size || key_pos < sinks);
    }
};

// Consecutive positions stored contiguously (one block, one ring arc, one region).
struct KvSegment {
    int first_pos = 0;
    int length = 0;
    const float* keys = nullptr;    // [length][kv_dim]
    const float* values = nullptr;  // [length][kv_dim]
};

struct KvAppendResult {
    int first_pos = 0;  // position of the first appended token
    int n_cached = 0;   // leading appended tokens whose keys and values are already stored (prefix hit)
};

class KvObserver {
public:
    virtual ~KvObserver() = default;
    virtual void on_kv_event(const KvEvent& event) = 0;
};

class KvCache {
public:
    virtual ~KvCache() = default;

    virtual std::string kind() const = 0;
    virtual KvWindow window() const { return {}; }

    // Positions appended to `seq` so far (0 for an unknown sequence).
    virtual int length(int seq) const = 0;

    // Whether every (sequence, new positions) pair of one forward pass fits together;
    // empty when it does, else a sentence saying what is short.
    virtual std::string check_append(const std::vector<std::pair<int, int>>& appends) const = 0;

    // Reserves positions for `tokens` after the current end of `seq`, creating the sequence
    // on first use. With reuse_prefix a new sequence may find its leading full blocks
    // already stored (prefix caching; the result says how many tokens). Throws
    // InvalidArgument when they do not fit, leaving the cache unchanged.
    virtual KvAppendResult append(int seq, const std::vector<int>& tokens, bool reuse_prefix = false) = 0;

    // The stored positions before end_pos that a query at end_pos may see, in position
    // order. Valid until the next append/fork/truncate/free.
    virtual void past(int layer, int seq, int end_pos, std::vector<KvSegment>& out) const = 0;

    // Where position `pos` of `seq` is written: [kv_dim] floats, or nullptr for a position
    // the cache does not keep (evicted by the window before it was ever read).
    virtual float* key_slot(int layer, int seq, int pos) = 0;
    virtual float* value_slot(int layer, int seq, int pos) = 0;

    // `dst` continues from the same positions as `src` (beam search forks a beam).
    virtual void fork(int src, int dst) = 0;
    // Drops the positions at and after `length` (rejected speculative tokens).
    virtual void truncate(int seq, int length) = 0;
    // Releases everything `seq` holds.
    virtual void free(int seq) = 0;

    virtual KvStatsEvent stats() const = 0;

    void set_observer(KvObserver* observer) { m_observer = observer; }

protected:
    void notify(const KvEvent& event) const {
        if (m_observer) m_observer->on_kv_event(event);
    }

private:
    KvObserver* m_observer = nullptr;
};

}  // namespace dlab
