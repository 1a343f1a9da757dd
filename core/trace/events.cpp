#include "trace/events.h"

namespace dlab {

const char* event_type(const Event& event) {
    struct Tag {
        const char* operator()(const RunEvent&) const { return "run"; }
        const char* operator()(const PhaseEvent&) const { return "phase"; }
        const char* operator()(const StepEvent&) const { return "step"; }
        const char* operator()(const KvEvent&) const { return "kv"; }
        const char* operator()(const KvStatsEvent&) const { return "kv_stats"; }
        const char* operator()(const TileEvent&) const { return "tile"; }
        const char* operator()(const SpecRoundEvent&) const { return "spec_round"; }
        const char* operator()(const SpecSummaryEvent&) const { return "spec_summary"; }
    };
    return std::visit(Tag{}, event.body);
}

}  // namespace dlab
