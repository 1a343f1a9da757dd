// Builds the cache a KvConfig describes for a model's shape.
#pragma once

#include <cstddef>
#include <memory>

#include "kv/kv_cache.h"
#include "kv/kv_config.h"
#include "model/config.h"

namespace dlab {

// Throws InvalidArgument for an invalid config, a max_seq_len above the model's context, or
// a sequence's region (the paged pool) larger than the KV cache's budget, half the machine's
// memory; the contiguous and sliding caches then refuse the sequence whose region would take
// them all past it (kv/region_budget.h).
std::unique_ptr<KvCache> make_kv_cache(const KvConfig& config, const ModelConfig& model);
// The same with a budget of `budget_bytes` (0: no limit), for tests.
std::unique_ptr<KvCache> make_kv_cache(const KvConfig& config, const ModelConfig& model,
                                       std::size_t budget_bytes);

}  // namespace dlab
