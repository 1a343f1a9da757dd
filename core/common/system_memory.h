// The machine's memory, so that a request that can never fit is refused with a message
// before it is attempted: past it, the kernel's out-of-memory killer ends the process
// without a word.
#pragma once

#include <cstddef>

namespace dlab {

// Physical memory in bytes; 0 where the system does not say.
std::size_t physical_memory_bytes();

}  // namespace dlab
