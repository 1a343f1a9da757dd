// The drafter a generate command asks for, loaded: the draft model or table on a backend
// of its own, or prompt lookup (options/draft_options.h reads the options).
#pragma once

#include <memory>
#include <string>

#include "decoding/generation_config.h"
#include "engine/drafter.h"
#include "engine_setup.h"
#include "options/args.h"

namespace dlab::cli {

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
