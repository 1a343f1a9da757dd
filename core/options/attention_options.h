// The attention on the command line: --attention naive|flash, FlashAttention's SRAM budget
// and tiles, and which layer and head the tile trace follows. Also the byte sizes that
// --sram-bytes and io-model's --sram take ("100k", "20m").
#pragma once

#include <set>
#include <string>

#include "options/args.h"
#include "attention/attention_config.h"
#include "kv/kv_config.h"

namespace dlab {

// --attention, --sram-bytes, --device-preset, --tile-rows, --tile-cols, --tile-layer,
// --tile-head, --highlight-row, --max-tile-events.
const std::set<std::string>& attention_option_names();

// The first attention option present in `args` ("--sram-bytes"), or empty when none is: a
// table model has no attention to configure, and a --compare spec that names one needs a
// backend of its own.
std::string first_attention_option(const Args& args);

// `base` with every attention option present in `args` applied and checked as far as it
// can be without a model (the layer and head upper bounds are the backend's to check).
AttentionConfig attention_config(const Args& args, AttentionConfig base = {});

// Refuses a combination the engine cannot run: FlashAttention over a sliding window (its
// tiles assume every earlier position is visible).
void check_attention_with_kv(const AttentionConfig& attention, const KvConfig& kv);

// A byte count: digits, optionally followed by k or K (KiB) or m or M (MiB). Throws
// InvalidArgument naming `option` for anything else, or a value outside [min, max].
long long parse_byte_size(const std::string& option, const std::string& text, long long min, long long max);

}  // namespace dlab
