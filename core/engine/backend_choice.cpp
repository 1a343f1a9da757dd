#include "engine/backend_choice.h"

#include "common/error.h"

namespace dlab {

const char* backend_choice_name(BackendChoice choice) {
    switch (choice) {
    case BackendChoice::Auto: return "auto";
    case BackendChoice::Cpu: return "cpu";
    case BackendChoice::Cuda: return "cuda";
    }
    return "auto";
}

BackendChoice parse_backend_choice(const std::string& text) {
    if (text == "auto") return BackendChoice::Auto;
    if (text == "cpu") return BackendChoice::Cpu;
    if (text == "cuda") return BackendChoice::Cuda;
    throw InvalidArgument("--backend: unknown backend '" + text + "' (auto, cpu or cuda)");
}

std::string cpu_reason_text(CpuReason reason) {
    switch (reason) {
    case CpuReason::None: return {};
    case CpuReason::NotBuilt: return "built without CUDA";
    case CpuReason::NoDevice: return "no CUDA device";
    case CpuReason::SlidingKv: return "--kv sliding is CPU-only for now";
    case CpuReason::FlashAttention: return "--attention flash is CPU-only for now";
    }
    return {};
}

BackendResolution resolve_backend(BackendChoice choice, bool built_with_cuda, int device_count,
                                  const KvConfig& kv, const AttentionConfig& attention) {
    if (choice == BackendChoice::Cpu) return {};
    // the first thing that keeps the run off the GPU; asked for by name, an option the GPU
    // does not run is named before the machine's lack (the command can never run there)
    const CpuReason option = kv.kind == KvKind::Sliding                ? CpuReason::SlidingKv
                             : attention.kind == AttentionKind::Flash ? CpuReason::FlashAttention
                                                                      : CpuReason::None;
    CpuReason reason = CpuReason::None;
    if (choice == BackendChoice::Cuda && option != CpuReason::None)
        reason = option;
    else if (!built_with_cuda)
        reason = CpuReason::NotBuilt;
    else if (device_count <= 0)
        reason = CpuReason::NoDevice;
    else
        reason = option;
    if (reason == CpuReason::None) return {true, CpuReason::None};
    if (choice == BackendChoice::Cuda) throw UnsupportedError("--backend cuda: " + cpu_reason_text(reason));
    return {false, reason};
}

}  // namespace dlab
