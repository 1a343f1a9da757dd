#include "trace/events.h"

namespace dlab {

const char* event_type(const Event& event) {
    struct Tag {
        const char* operator()(const RunEvent&) const { return "run"; }
        const char* operator()(const PhaseEvent&) const { return "phase"; }
        const char* operator()(const StepEvent&) const { return "step"; }
    };
    return std::visit(Tag{}, event.body);
}

}  // namespace dlab
