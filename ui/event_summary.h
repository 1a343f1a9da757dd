// One line of text per trace event, for the events view's table and its CSV: what a reader
// of the JSONL file would want to know about the event at a glance.
#pragma once

#include <QString>

#include "trace/events.h"

QString eventSummary(const dlab::Event& event);
