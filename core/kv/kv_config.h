// How the KV cache is laid out: the choice the CLI's --kv options and the GUI's run panel
// make. One value type so every backend builds the same cache from the same settings.
#pragma once

#include <string>

namespace dlab {

enum class KvKind { Contiguous, Sliding, Paged };

struct KvConfig {
    KvKind kind = KvKind::Contiguous;
    int max_seq_len = 0;        // longest sequence; 0 = the model's context length
    // paged
    int block_size = 16;        // token slots per block, 1 … 128
    static constexpr int kDefaultPoolSequences = 8;
    int num_blocks = 0;           // blocks in the pool; 0 = enough for kDefaultPoolSequences of max_seq_len
    bool prefix_caching = false;  // share full blocks of identical prefixes by hash
    // sliding window
    int window = 0;             // positions a query sees, itself included (sliding: ≥ 1)
    int sink_tokens = 0;        // first positions kept for ever (StreamingLLM's attention sinks)

    // Throws InvalidArgument naming the option (CLI spelling) that is out of range.
    void validate() const;
    // The pool size after applying the default, for a given max_seq_len (64-bit: the
    // default for an absurd context length must not wrap; make_kv_cache refuses it).
    long long resolved_num_blocks(int resolved_max_seq_len) const;
};

const char* kv_kind_name(KvKind kind);
// Throws InvalidArgument listing the accepted names.
KvKind parse_kv_kind(const std::string& name);

}  // namespace dlab
