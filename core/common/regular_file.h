// Readers of whole files check first that the path is a regular file: opening a FIFO
// blocks until a writer comes, for ever at a prompt, and reading a directory fails with a
// library message that names no file.
#pragma once

#include <string>

namespace dlab {

// Throws Error("PATH: not a regular file") for a directory, FIFO, socket or device. A path
// that does not exist or cannot be examined is left for the caller's open to report.
void require_regular_file(const std::string& path);

}  // namespace dlab
