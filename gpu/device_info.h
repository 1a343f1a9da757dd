// Facts about a CUDA device, for the memory-hierarchy view and the benchmarks' bounds.
#pragma once

#include <cstdint>
#include <string>

namespace dlab {

struct DeviceInfo {
    int index = 0;
    std::string name;
    int compute_major = 0;
    int compute_minor = 0;
    int sm_count = 0;
    uint64_t global_memory_bytes = 0;
    uint64_t shared_memory_per_block_optin = 0;  // bytes a block may opt in to
    uint64_t shared_memory_per_sm = 0;
    uint64_t l2_bytes = 0;
    int memory_clock_khz = 0;
    int memory_bus_width_bits = 0;
    // 2 (double data rate) × clock × bus width: the HBM bound in bytes/s.
    double theoretical_bandwidth() const;
};

// Devices visible to this process; 0 when there is no device or no driver.
int cuda_device_count();

// Throws CudaError (file:line) when the device cannot be queried.
DeviceInfo query_device(int index);

}  // namespace dlab
