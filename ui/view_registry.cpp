#include "view_registry.h"

#include "events_view.h"
#include "views/beam_tree_view.h"
#include "views/candidates_view.h"
#include "views/flash_tiles_view.h"
#include "views/kv_cache_view.h"
#include "views/memory_hierarchy_view.h"
#include "views/narration_view.h"
#include "views/speculative_view.h"

namespace {

template <typename View>
bool is(const StepView* view) {
    return qobject_cast<const View*>(view) != nullptr;
}

struct ViewName {
    const char* name;
    bool (*matches)(const StepView*);
};

// in the registry's order
constexpr ViewName kViewNames[] = {
    {"beam-tree", is<BeamTreeView>},     {"narration", is<NarrationView>},
    {"candidates", is<CandidatesView>},  {"kv-blocks", is<KvCacheView>},
    {"flash-tiles", is<FlashTilesView>}, {"memory", is<MemoryHierarchyView>},
    {"speculative", is<SpeculativeView>}, {"events", is<EventsView>},
};

}  // namespace

std::vector<StepView*> createStepViews(QWidget* parent) {
    std::vector<StepView*> views;
    // the teaching views, in the order of the lesson, go here
    views.push_back(new BeamTreeView(parent));
    views.push_back(new NarrationView(parent));
    views.push_back(new CandidatesView(parent));
    views.push_back(new KvCacheView(parent));
    views.push_back(new FlashTilesView(parent));
    views.push_back(new MemoryHierarchyView(parent));
    views.push_back(new SpeculativeView(parent));

    // the raw events last: for debugging, and the fallback for what no view explains
    views.push_back(new EventsView(parent));
    return views;
}

const QStringList& stepViewNames() {
    static const QStringList names = [] {
        QStringList list;
        for (const ViewName& view : kViewNames) list << QLatin1String(view.name);
        return list;
    }();
    return names;
}

QString stepViewName(const StepView* view) {
    for (const ViewName& entry : kViewNames)
        if (entry.matches(view)) return QLatin1String(entry.name);
    return {};
}

StepView* findStepView(const std::vector<StepView*>& views, const QString& name) {
    for (StepView* view : views)
        if (stepViewName(view) == name) return view;
    return nullptr;
}
