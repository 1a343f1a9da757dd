// Measured main-memory read bandwidth: the physical bound on bandwidth-bound decode.
#pragma once

namespace dlab::bench {

// Best-of-`repeats` bytes/s reading a buffer of `bytes` over and over with the engine's
// current thread count, each thread summing its own slice — the access pattern of a
// decode step streaming the weights. A buffer far larger than the caches gives DRAM
// bandwidth; one of a model's size gives what that model's decode can reach.
double measure_read_bandwidth(double bytes, int repeats = 5);

}  // namespace dlab::bench
