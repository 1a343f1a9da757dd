// The machine's memory, so that a request that can never fit is refused with a message
// before it is attempted: past it, the kernel's out-of-memory killer ends the process
// without a word.
#pragma once

#include <cstddef>
#include <string>

namespace dlab {

// Physical memory in bytes; 0 where the system does not say.
std::size_t physical_memory_bytes();

// "812 KB", "1.3 MB", "131.1 GB": decimal units, for messages.
std::string format_bytes(double bytes);

}  // namespace dlab
