#include "kv/region_budget.h"

#include <string>

#include "common/byte_size.h"
#include "common/error.h"

namespace dlab {

void check_region_budget(std::size_t live_regions, std::size_t region_bytes, std::size_t budget_bytes,
                         int seq, int slots) {
    if (budget_bytes == 0) return;
    const double after = static_cast<double>(live_regions + 1) * static_cast<double>(region_bytes);
    if (after <= static_cast<double>(budget_bytes)) return;
    throw InvalidArgument(
        "kv cache: sequence " + std::to_string(seq) + " needs its own region of " + std::to_string(slots) +
        " positions (" + human_bytes(static_cast<double>(region_bytes)) + "), and " +
        std::to_string(live_regions + 1) + " such regions (" + human_bytes(after) +
        ") exceed the KV cache's budget of " + human_bytes(static_cast<double>(budget_bytes)) +
        " (half this machine's memory): use fewer beams or returned sequences, a smaller "
        "--max-seq-len, or --kv paged");
}

}  // namespace dlab
