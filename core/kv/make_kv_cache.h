// Builds the cache a KvConfig describes for a model's shape.
#pragma once

#include <memory>

#include "kv/kv_cache.h"
#include "kv/kv_config.h"
#include "model/config.h"

namespace dlab {

// Throws InvalidArgument for an invalid config or a max_seq_len above the model's context.
std::unique_ptr<KvCache> make_kv_cache(const KvConfig& config, const ModelConfig& model);

}  // namespace dlab
