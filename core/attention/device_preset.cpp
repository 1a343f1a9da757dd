#include "attention/device_preset.h"

#include <algorithm>

#include "common/error.h"

namespace dlab {

namespace {
constexpr double kTB = 1e12;
constexpr double kGB = 1e9;
constexpr long long kKiB = 1024;
constexpr long long kMiB = 1024 * kKiB;
constexpr long long kGiB = 1024 * kMiB;
}  // namespace

double DevicePreset::modeled_seconds(long long moved_bytes, long long flops) const {
    return std::max(moved_bytes / hbm_bandwidth, flops / peak_flops);
}

const std::vector<DevicePreset>& device_presets() {
    // Figures from the FlashAttention paper (Fig. 1: SRAM 19 TB/s 20 MB, HBM 1.5 TB/s 40 GB,
    // DRAM 12.8 GB/s) and NVIDIA's data sheets (H100 SXM5, H200 SXM: 3.35 / 4.8 TB/s HBM,
    // 227 KB of shared memory per block, 132 SMs; dense BF16 tensor cores 312 / 989 TFLOP/s).
    // Shared memory per block is the most one thread block may address (A100: 163 KB of the
    // SM's 164). The H100/H200 SRAM bandwidth is 132 SMs × 128 B/clock × 1.98 GHz.
    static const std::vector<DevicePreset> presets = {
        {"a100", "A100 40GB, as in the FlashAttention paper and the textbook", 19 * kTB, 20 * kMiB, 163 * kKiB,
         1.5 * kTB, 40 * kGiB, 12.8 * kGB, 40 * kMiB, 108, 312 * kTB},
        {"h100", "H100 SXM5 80GB", 33.4 * kTB, 132 * 228 * kKiB, 227 * kKiB, 3.35 * kTB, 80 * kGiB, 64 * kGB,
         50 * kMiB, 132, 989 * kTB},
        {"h200", "H200 SXM 141GB", 33.4 * kTB, 132 * 228 * kKiB, 227 * kKiB, 4.8 * kTB, 141 * kGiB, 64 * kGB,
         60 * kMiB, 132, 989 * kTB},
    };
    return presets;
}

const DevicePreset& device_preset(const std::string& name) {
    for (const DevicePreset& preset : device_presets())
        if (preset.name == name) return preset;
    throw InvalidArgument("--device-preset must be a100, h100 or h200, got '" + name + "'");
}

}  // namespace dlab
