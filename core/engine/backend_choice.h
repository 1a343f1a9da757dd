// Which compute backend a run asks for (--backend auto|cpu|cuda, the app's Backend combo)
// and what it gets. The choice is pure host logic, shared by the CLI and the app: they pass
// in whether this build has the CUDA backend and how many devices the process sees (the
// core knows no CUDA), and build the backend the resolution names.
#pragma once

#include <string>

#include "attention/attention_config.h"
#include "kv/kv_config.h"

namespace dlab {

enum class BackendChoice { Auto, Cpu, Cuda };

// "auto", "cpu", "cuda"; parse throws InvalidArgument naming --backend for anything else.
const char* backend_choice_name(BackendChoice choice);
BackendChoice parse_backend_choice(const std::string& text);

// Why a run is on the CPU although the GPU was asked for or preferred.
enum class CpuReason {
    None,           // on the CPU because it was asked for, or on the GPU
    NotBuilt,       // this build has no CUDA backend
    NoDevice,       // the process sees no CUDA device
    SlidingKv,      // --kv sliding is CPU-only for now
    FlashAttention  // --attention flash is CPU-only for now
};

struct BackendResolution {
    bool cuda = false;                   // true: the CUDA backend; false: the CPU backend
    CpuReason reason = CpuReason::None;  // set when Auto fell back, or when Cuda is refused
};

// Auto: CUDA when built with it, a device is present and the KV cache and attention are
// supported on the GPU; otherwise the CPU with the reason. Cpu: the CPU. Cuda: the CUDA
// backend, or throws UnsupportedError (a missing build or device, an option the GPU does
// not run) with a one-line message naming the reason or the option.
BackendResolution resolve_backend(BackendChoice choice, bool built_with_cuda, int device_count,
                                  const KvConfig& kv, const AttentionConfig& attention);

// The reason in English, without a leading capital ("no CUDA device").
std::string cpu_reason_text(CpuReason reason);

}  // namespace dlab
