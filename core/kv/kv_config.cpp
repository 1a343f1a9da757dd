#include "kv/kv_config.h"

#include "common/error.h"

namespace dlab {

namespace {
constexpr int kMaxBlockSize = 128;
}  // namespace

void KvConfig::validate() const {
    if (max_seq_len < 0) throw InvalidArgument("--max-seq-len must be ≥ 0 (0 = the model's context)");
    if (block_size < 1 || block_size > kMaxBlockSize)
        throw InvalidArgument("--block-size must be between 1 and " + std::to_string(kMaxBlockSize) + ", got " +
                              std::to_string(block_size));
    if (num_blocks < 0) throw InvalidArgument("--num-blocks must be ≥ 0 (0 = automatic), got " + std::to_string(num_blocks));
    if (window < 0) throw InvalidArgument("--window must be ≥ 0, got " + std::to_string(window));
    if (sink_tokens < 0) throw InvalidArgument("--sink-tokens must be ≥ 0, got " + std::to_string(sink_tokens));
    if (kind == KvKind::Sliding && window < 1)
        throw InvalidArgument("--kv sliding needs --window ≥ 1 (positions each query sees)");
    if (kind != KvKind::Sliding && (window > 0 || sink_tokens > 0))
        throw InvalidArgument("--window and --sink-tokens apply only to --kv sliding");
    if (kind != KvKind::Paged && num_blocks > 0)
        throw InvalidArgument("--num-blocks applies only to --kv paged");
    if (kind != KvKind::Paged && prefix_caching)
        throw InvalidArgument("--prefix-caching applies only to --kv paged");
}

long long KvConfig::resolved_num_blocks(int resolved_max_seq_len) const {
    if (num_blocks > 0) return num_blocks;
    const long long per_sequence =
        (static_cast<long long>(resolved_max_seq_len) + block_size - 1) / block_size;
    return per_sequence * kDefaultPoolSequences;
}

const char* kv_kind_name(KvKind kind) {
    switch (kind) {
        case KvKind::Contiguous: return "contiguous";
        case KvKind::Sliding: return "sliding";
        case KvKind::Paged: return "paged";
    }
    return "?";
}

KvKind parse_kv_kind(const std::string& name) {
    for (KvKind kind : {KvKind::Contiguous, KvKind::Sliding, KvKind::Paged})
        if (name == kv_kind_name(kind)) return kind;
    throw InvalidArgument("--kv must be contiguous, sliding or paged, got '" + name + "'");
}

}  // namespace dlab
