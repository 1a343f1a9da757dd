// The engine's worker-thread count (OpenMP). One setting for the process: the CLI's
// --threads and the benches set it; 0 means one thread per hardware core.
#pragma once

namespace dlab {

void set_thread_count(int n_threads);  // throws InvalidArgument for n < 0
int thread_count();

}  // namespace dlab
