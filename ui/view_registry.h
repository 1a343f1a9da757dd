// Every step view the main window shows, in tab order, and each view's stable name. A new
// view is added here with two lines; the window, the timeline, the exporter, the CLI's
// render command and the lessons need no other change.
#pragma once

#include <QStringList>
#include <vector>

#include "step_view.h"

// The views, parented to `parent`.
std::vector<StepView*> createStepViews(QWidget* parent);

// The names `decodelab-cli render --view` and a lesson's "views" use ("beam-tree",
// "kv-blocks" …): words for scripts and scenario files, where the titles are translated.
// In the registry's order.
const QStringList& stepViewNames();
// The view's name; empty for a view the registry does not know.
QString stepViewName(const StepView* view);
// The view named `name` among `views`; nullptr when none is.
StepView* findStepView(const std::vector<StepView*>& views, const QString& name);
