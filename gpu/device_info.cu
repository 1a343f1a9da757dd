#include "cuda_check.h"
#include "device_info.h"

namespace dlab {

double DeviceInfo::theoretical_bandwidth() const {
    return 2.0 * memory_clock_khz * 1e3 * (memory_bus_width_bits / 8.0);
}

int cuda_device_count() {
    int count = 0;
    // no driver or no device is an answer here, not an error
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
        cudaGetLastError();
        return 0;
    }
    return count;
}

DeviceInfo query_device(int index) {
    cudaDeviceProp prop{};
    DLAB_CUDA_CHECK(cudaGetDeviceProperties(&prop, index));
    DeviceInfo info;
    info.index = index;
    info.name = prop.name;
    info.compute_major = prop.major;
    info.compute_minor = prop.minor;
    info.sm_count = prop.multiProcessorCount;
    info.global_memory_bytes = prop.totalGlobalMem;
    info.shared_memory_per_block_optin = prop.sharedMemPerBlockOptin;
    info.shared_memory_per_sm = prop.sharedMemPerMultiprocessor;
    info.l2_bytes = prop.l2CacheSize;
    DLAB_CUDA_CHECK(cudaDeviceGetAttribute(&info.memory_clock_khz, cudaDevAttrMemoryClockRate, index));
    DLAB_CUDA_CHECK(cudaDeviceGetAttribute(&info.memory_bus_width_bits, cudaDevAttrGlobalMemoryBusWidth, index));
    return info;
}

}  // namespace dlab
