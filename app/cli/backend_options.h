// The compute backend on the command line: --backend auto|cpu|cuda, resolved against this
// build (DECODELAB_HAVE_CUDA) and the devices this process sees.
#pragma once

#include <string>

#include "options/args.h"
#include "attention/attention_config.h"
#include "engine/backend_choice.h"
#include "kv/kv_config.h"

namespace dlab::cli {

// --backend's value, `base` when it is absent; throws InvalidArgument for an unknown one.
BackendChoice backend_choice(const Args& args, BackendChoice base = BackendChoice::Auto);

// resolve_backend with this build's CUDA backend (or none) and device count. Throws
// UnsupportedError naming the reason or option when cuda was asked for and cannot be had.
BackendResolution resolve_backend_here(BackendChoice choice, const KvConfig& kv,
                                       const AttentionConfig& attention);

// The note auto's fallback prints on stderr ("decodelab-cli: no CUDA device; running on
// the CPU"); empty when the run is where it was asked to be.
std::string backend_note(const BackendResolution& resolution);

}  // namespace dlab::cli
