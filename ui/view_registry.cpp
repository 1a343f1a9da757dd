#include "view_registry.h"

#include "events_view.h"
#include "views/beam_tree_view.h"
#include "views/candidates_view.h"
#include "views/flash_tiles_view.h"
#include "views/kv_cache_view.h"
#include "views/memory_hierarchy_view.h"
#include "views/narration_view.h"
#include "views/speculative_view.h"

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
