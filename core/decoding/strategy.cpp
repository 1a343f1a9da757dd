#include "decoding/strategy.h"

#include "decoding/beam_search.h"
#include "decoding/contrastive_search.h"
#include "decoding/greedy_strategy.h"
#include "decoding/sample_strategy.h"

namespace dlab {

std::unique_ptr<Strategy> make_strategy(const GenerationConfig& config) {
    switch (config.strategy) {
        case StrategyKind::Greedy:
            return std::make_unique<GreedyStrategy>(config);
        case StrategyKind::Beam:
            return std::make_unique<BeamSearchStrategy>(config);
        case StrategyKind::Contrastive:
            return std::make_unique<ContrastiveSearchStrategy>(config);
        case StrategyKind::Sample:
            return std::make_unique<SampleStrategy>(config);
    }
    return nullptr;
}

}  // namespace dlab
