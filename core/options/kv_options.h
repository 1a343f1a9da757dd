// The KV cache layout on the command line: --kv contiguous|sliding|paged and its sizes.
#pragma once

#include <set>
#include <string>

#include "options/args.h"
#include "kv/kv_config.h"

namespace dlab {

// --kv, --block-size, --num-blocks, --window, --sink-tokens, --max-seq-len.
const std::set<std::string>& kv_option_names();
// --prefix-caching.
const std::set<std::string>& kv_flag_names();

// The first KV option or flag present in `args` ("--block-size"), or empty when none is:
// a table model has no KV cache to configure, and a --compare spec that names one needs a
// backend of its own.
std::string first_kv_option(const Args& args);

// `base` with every KV option present in `args` applied, validated.
KvConfig kv_config(const Args& args, KvConfig base = {});

}  // namespace dlab
