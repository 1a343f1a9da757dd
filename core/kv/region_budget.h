// The contiguous and sliding-window caches reserve a whole region per sequence when it
// starts or forks. A request for thousands of beams or returned sequences would reserve
// more than the machine has and end in the kernel's out-of-memory killer, without a word;
// this check refuses the region that would cross the line, with a message.
#pragma once

#include <cstddef>

namespace dlab {

// Throws InvalidArgument when one more region of `region_bytes` (`slots` positions, for
// sequence `seq`) would take the `live_regions` already reserved past `budget_bytes`
// (0: no limit). make_kv_cache gives the caches half the machine's memory: the rest is the
// weights', the activations' and every sequence's logits, which grow with the sequences too.
void check_region_budget(std::size_t live_regions, std::size_t region_bytes, std::size_t budget_bytes,
                         int seq, int slots);

}  // namespace dlab
