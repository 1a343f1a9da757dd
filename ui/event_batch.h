// Trace events travelling from the run controller's worker thread to the GUI thread: one
// batch per decode step, so the views redraw once per step rather than once per event.
#pragma once

#include <QMetaType>
#include <vector>

#include "trace/events.h"

using EventBatch = std::vector<dlab::Event>;
Q_DECLARE_METATYPE(EventBatch)
