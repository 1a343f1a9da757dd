// Speculative sampling on the command line: the drafter (--draft-model FILE, --draft ngram
// or --draft-table FILE) and its parameters (--num-draft-tokens, --draft-schedule,
// --max-matching-ngram-size).
#pragma once

#include <memory>
#include <set>
#include <string>

#include "args.h"
#include "decoding/generation_config.h"
#include "engine/drafter.h"
#include "engine_setup.h"

namespace dlab::cli {

// --draft-model, --draft, --draft-table and the drafter's parameters.
const std::set<std::string>& draft_option_names();

// The drafter option in `args` ("--draft-model"), or empty when there is none. Throws
// InvalidArgument for two drafters, a --draft other than ngram, a drafter the target cannot
// use (a draft table needs a table model, a table model a draft table) and a drafter's
// parameter without a drafter (or --max-matching-ngram-size without prompt lookup).
std::string drafter_option(const Args& args);

// `base` with the drafter's parameters in `args` applied, validated.
GenerationConfig draft_config(const Args& args, GenerationConfig base);

// The drafter `args` ask for, with the model or table it runs (loaded like the target, on
// a backend of its own with a default KV cache).
class LoadedDrafter {
public:
    // Null when `args` name no drafter. A draft model runs on the CUDA backend when `cuda`,
    // where the target runs. Throws InvalidArgument when the draft's vocabulary is not the
    // target's (its size, a token's piece or a table's symbol differs); load errors name
    // the option.
    static std::unique_ptr<LoadedDrafter> load(const Args& args, const LoadedEngine& target,
                                               const GenerationConfig& config, bool cuda);

    Drafter& drafter() { return *m_drafter; }

private:
    std::unique_ptr<LoadedEngine> m_engine;  // the draft model or table; null for prompt lookup
    std::unique_ptr<Drafter> m_drafter;
};

}  // namespace dlab::cli
