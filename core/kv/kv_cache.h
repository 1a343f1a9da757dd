// The KV cache interface: per sequence, per layer, one key and one value row of kv_dim
// floats for every position seen so far. Implementations differ in how slots are
// reserved (contiguous up front; paged blocks and sliding windows come with issue 5);
// the attention code reads through key()/value() and never sees the layout.
#pragma once

namespace dlab {

class KvCache {
public:
    virtual ~KvCache() = default;

    // Positions stored for `seq` (0 for an unknown sequence).
    virtual int length(int seq) const = 0;

    // Whether append(seq, n_new) would succeed.
    virtual bool can_append(int seq, int n_new) const = 0;

    // Makes room for n_new positions after the current end of `seq`, creating the
    // sequence on first use; returns the first new position. Throws InvalidArgument
    // when the cache cannot hold them, leaving the cache unchanged.
    virtual int append(int seq, int n_new) = 0;

    // Key / value rows of one position: [kv_dim] floats each.
    virtual float* key(int layer, int seq, int pos) = 0;
    virtual float* value(int layer, int seq, int pos) = 0;
    virtual const float* key(int layer, int seq, int pos) const = 0;
    virtual const float* value(int layer, int seq, int pos) const = 0;

    // `dst` becomes a copy of `src` (beam search forks a beam).
    virtual void fork(int src, int dst) = 0;
    // Drops the positions at and after `length` (rejected speculative tokens).
    virtual void truncate(int seq, int length) = 0;
    // Releases everything `seq` holds.
    virtual void free(int seq) = 0;
};

}  // namespace dlab
