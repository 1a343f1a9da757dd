// Every step view the main window shows, in tab order. A new view is added here with one
// line; the window, the timeline and the exporter need no other change.
#pragma once

#include <vector>

#include "step_view.h"

// The views, parented to `parent`.
std::vector<StepView*> createStepViews(QWidget* parent);
