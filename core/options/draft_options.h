// Speculative sampling's options: the drafter (--draft-model FILE, --draft ngram or
// --draft-table FILE) and its parameters (--num-draft-tokens, --draft-schedule,
// --max-matching-ngram-size).
#pragma once

#include <set>
#include <string>

#include "decoding/generation_config.h"
#include "options/args.h"

namespace dlab {

// --draft-model, --draft, --draft-table and the drafter's parameters.
const std::set<std::string>& draft_option_names();

// The drafter option in `args` ("--draft-model"), or empty when there is none. Throws
// InvalidArgument for two drafters, a --draft other than ngram, a drafter the target cannot
// use (a draft table needs a table model, a table model a draft table) and a drafter's
// parameter without a drafter (or --max-matching-ngram-size without prompt lookup).
std::string drafter_option(const Args& args);

// `base` with the drafter's parameters in `args` applied, validated.
GenerationConfig draft_config(const Args& args, GenerationConfig base);

}  // namespace dlab
