// The decoding parameters on the command line, in Hugging Face's names as kebab-case.
#pragma once

#include <set>
#include <string>

#include "options/args.h"
#include "decoding/generation_config.h"

namespace dlab {

// --strategy, --max-new-tokens, --num-beams … --seed (everything GenerationConfig holds).
const std::set<std::string>& decoding_option_names();

// `base` with every decoding option present in `args` applied, validated. Contrastive
// search probes 4 candidates unless --top-k says otherwise (sampling's default is 50).
GenerationConfig decoding_config(const Args& args, GenerationConfig base = {});

}  // namespace dlab
