#include "attention/attention_cost.h"

#include "common/error.h"

namespace dlab {

void AttentionShape::validate() const {
    if (n_queries < 1 || n_keys < 1) throw InvalidArgument("attention: needs at least one query and one key");
    if (head_dim < 1) throw InvalidArgument("attention: head_dim must be positive");
    if (query_offset < 0) throw InvalidArgument("attention: query_offset must be ≥ 0");
    if (element_bytes < 1) throw InvalidArgument("attention: element_bytes must be positive");
}

}  // namespace dlab
