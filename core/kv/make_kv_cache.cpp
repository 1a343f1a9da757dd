#include "kv/make_kv_cache.h"

#include <limits>
#include <string>

#include "common/byte_size.h"
#include "common/error.h"
#include "common/system_memory.h"
#include "kv/contiguous_kv_cache.h"
#include "kv/paged_kv_cache.h"
#include "kv/sliding_kv_cache.h"

namespace dlab {

namespace {

// Keys and values of `positions` positions in every layer, in bytes (double: the product of
// an absurd context length and the model's sizes must not wrap).
double kv_bytes(const ModelConfig& model, double positions) {
    return positions * model.n_layers * model.kv_dim() * 2.0 * sizeof(float);
}

}  // namespace

std::unique_ptr<KvCache> make_kv_cache(const KvConfig& config, const ModelConfig& model) {
    return make_kv_cache(config, model, physical_memory_bytes() / 2);
}

std::unique_ptr<KvCache> make_kv_cache(const KvConfig& config, const ModelConfig& model,
                                       std::size_t budget_bytes) {
    config.validate();
    if (config.max_seq_len > model.context_length)
        throw InvalidArgument("--max-seq-len " + std::to_string(config.max_seq_len) +
                              " exceeds the model's context length of " + std::to_string(model.context_length));
    const int max_seq_len = config.max_seq_len > 0 ? config.max_seq_len : model.context_length;
    if (config.kind == KvKind::Sliding &&
        static_cast<long long>(config.sink_tokens) + config.window > static_cast<long long>(max_seq_len))
        throw InvalidArgument("--window " + std::to_string(config.window) + " plus --sink-tokens " +
                              std::to_string(config.sink_tokens) + " exceed the " + std::to_string(max_seq_len) +
                              " positions a sequence can hold; a window that never slides is --kv contiguous");

    // what one sequence's region (or the paged pool) takes must fit the budget at all
    const double budget = static_cast<double>(budget_bytes);
    const std::string over_budget =
        ", more than the KV cache's budget of " + human_bytes(budget) + " (half this machine's memory)";
    const std::string context = "the model's context length is " + std::to_string(model.context_length);
    if (config.kind == KvKind::Paged) {
        const long long blocks = config.resolved_num_blocks(max_seq_len);
        const double pool = kv_bytes(model, static_cast<double>(blocks) * config.block_size);
        if (blocks > std::numeric_limits<int>::max() || (budget > 0 && pool > budget))
            throw InvalidArgument("kv cache: a pool of " + std::to_string(blocks) + " blocks of " +
                                  std::to_string(config.block_size) + " positions would take " +
                                  human_bytes(pool) + over_budget +
                                  (config.num_blocks > 0
                                       ? std::string(": give a smaller --num-blocks")
                                       : "; by default it holds " +
                                             std::to_string(KvConfig::kDefaultPoolSequences) +
                                             " sequences of --max-seq-len (" + context +
                                             "): give --num-blocks or --max-seq-len"));
    } else {
        const long long slots =
            config.kind == KvKind::Sliding ? config.sink_tokens + config.window : max_seq_len;
        const double region = kv_bytes(model, static_cast<double>(slots));
        if (budget > 0 && region > budget)
            throw InvalidArgument("kv cache: one sequence's region of " + std::to_string(slots) +
                                  " positions would take " + human_bytes(region) + over_budget + "; " +
                                  context + ": give a smaller " +
                                  (config.kind == KvKind::Sliding ? "--window" : "--max-seq-len"));
    }

    switch (config.kind) {
        case KvKind::Contiguous:
            return std::make_unique<ContiguousKvCache>(model.n_layers, model.kv_dim(), max_seq_len,
                                                       budget_bytes);
        case KvKind::Sliding:
            return std::make_unique<SlidingKvCache>(model.n_layers, model.kv_dim(), max_seq_len,
                                                    config.window, config.sink_tokens, budget_bytes);
        case KvKind::Paged:
            return std::make_unique<PagedKvCache>(model.n_layers, model.kv_dim(),
                                                  static_cast<int>(config.resolved_num_blocks(max_seq_len)),
                                                  config.block_size, config.prefix_caching);
    }
    throw InvalidArgument("kv cache: unknown kind");
}

}  // namespace dlab
