// Memory hierarchies to model attention on: the FlashAttention paper's figure (an A100, as
// the textbook quotes it), H100 and H200. A modeled time is the roofline's: the longer of
// HBM bytes over HBM bandwidth and FLOPs over peak, since a kernel overlaps the two.
#pragma once

#include <string>
#include <vector>

namespace dlab {

struct DevicePreset {
    std::string name;              // "a100" | "h100" | "h200"
    std::string description;
    double sram_bandwidth = 0;     // bytes/s, all SMs together
    long long sram_bytes = 0;      // on-chip SRAM, all SMs together
    long long sram_per_block = 0;  // shared memory one thread block may use: the default M
    double hbm_bandwidth = 0;      // bytes/s
    long long hbm_bytes = 0;
    double dram_bandwidth = 0;     // host memory, bytes/s
    long long l2_bytes = 0;
    int n_sms = 0;
    double peak_flops = 0;         // dense FP16/BF16 tensor-core FLOP/s

    // Roofline time of moving `hbm_bytes` and computing `flops`, in seconds.
    double modeled_seconds(long long moved_bytes, long long flops) const;
};

const std::vector<DevicePreset>& device_presets();
// Throws InvalidArgument listing the preset names.
const DevicePreset& device_preset(const std::string& name);

}  // namespace dlab
