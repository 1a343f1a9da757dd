#include "engine/threads.h"

#include <omp.h>

#include <string>
#include <thread>

#include "common/error.h"

namespace dlab {

void set_thread_count(int n_threads) {
    if (n_threads < 0)
        throw InvalidArgument("threads: " + std::to_string(n_threads) + " is negative");
    const int hardware = static_cast<int>(std::thread::hardware_concurrency());
    omp_set_num_threads(n_threads == 0 ? (hardware > 0 ? hardware : 1) : n_threads);
}

int thread_count() { return omp_get_max_threads(); }

}  // namespace dlab
