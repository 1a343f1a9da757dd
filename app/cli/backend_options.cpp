#include "backend_options.h"

#ifdef DECODELAB_HAVE_CUDA
#include "device_info.h"
#endif

namespace dlab::cli {

BackendChoice backend_choice(const Args& args, BackendChoice base) {
    return args.has("backend") ? parse_backend_choice(args.value("backend")) : base;
}

BackendResolution resolve_backend_here(BackendChoice choice, const KvConfig& kv,
                                       const AttentionConfig& attention) {
#ifdef DECODELAB_HAVE_CUDA
    // asked once: a --compare run resolves a backend per configuration
    static const int device_count = cuda_device_count();
    return resolve_backend(choice, true, device_count, kv, attention);
#else
    return resolve_backend(choice, false, 0, kv, attention);
#endif
}

std::string backend_note(const BackendResolution& resolution) {
    if (resolution.reason == CpuReason::None) return {};
    return "decodelab-cli: " + cpu_reason_text(resolution.reason) + "; running on the CPU";
}

}  // namespace dlab::cli
