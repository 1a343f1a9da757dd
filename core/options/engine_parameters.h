// The KV cache's and the attention's settings under their option names (--kv, --block-size,
// --attention, --device-preset …), for the run event's parameters: a trace then says what
// cache and attention it ran with, and the views follow its device preset.
#pragma once

#include <map>
#include <string>

#include "attention/attention_config.h"
#include "kv/kv_config.h"

namespace dlab {

// Every setting that applies to `kv`'s layout and to `attention`'s kind; zero sizes that
// mean "the default" are left out.
std::map<std::string, std::string> engine_parameters(const KvConfig& kv, const AttentionConfig& attention);

}  // namespace dlab
