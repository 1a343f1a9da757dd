// A view of a trace at one step: the beam tree, the candidates, the KV cache, the tiles ….
// The main window hands every view the same timeline and moves them all to a step
// together; a view draws only from the timeline's snapshots.
#pragma once

#include <QString>
#include <QWidget>

#include "trace/trace_timeline.h"

class StepView : public QWidget {
    Q_OBJECT

public:
    using QWidget::QWidget;

    // The timeline outlives the view's use of it (until the next setTimeline); nullptr clears.
    virtual void setTimeline(const dlab::TraceTimeline* timeline) = 0;
    // Shows the state after `step`; `animate` eases from the previous step when it is adjacent.
    virtual void showStep(int step, bool animate) = 0;
    // The view's name in menus and tabs (translated).
    virtual QString title() const = 0;
    // The data behind the view's chart as CSV (header row first); empty when it has none.
    virtual QString csv() const { return {}; }
};
