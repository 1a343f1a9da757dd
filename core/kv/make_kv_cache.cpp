#include "kv/make_kv_cache.h"

#include "common/error.h"
#include "kv/contiguous_kv_cache.h"
#include "kv/paged_kv_cache.h"
#include "kv/sliding_kv_cache.h"

namespace dlab {

std::unique_ptr<KvCache> make_kv_cache(const KvConfig& config, const ModelConfig& model) {
    config.validate();
    if (config.max_seq_len > model.context_length)
        throw InvalidArgument("--max-seq-len " + std::to_string(config.max_seq_len) +
                              " exceeds the model's context length of " + std::to_string(model.context_length));
    const int max_seq_len = config.max_seq_len > 0 ? config.max_seq_len : model.context_length;
    if (config.kind == KvKind::Sliding && config.sink_tokens + config.window > max_seq_len)
        throw InvalidArgument("--window " + std::to_string(config.window) + " plus --sink-tokens " +
                              std::to_string(config.sink_tokens) + " exceed the " + std::to_string(max_seq_len) +
                              " positions a sequence can hold; a window that never slides is --kv contiguous");
    switch (config.kind) {
        case KvKind::Contiguous:
            return std::make_unique<ContiguousKvCache>(model.n_layers, model.kv_dim(), max_seq_len);
        case KvKind::Sliding:
            return std::make_unique<SlidingKvCache>(model.n_layers, model.kv_dim(), max_seq_len, config.window,
                                                    config.sink_tokens);
        case KvKind::Paged:
            return std::make_unique<PagedKvCache>(model.n_layers, model.kv_dim(),
                                                  config.resolved_num_blocks(max_seq_len), config.block_size,
                                                  config.prefix_caching);
    }
    throw InvalidArgument("kv cache: unknown kind");
}

}  // namespace dlab
