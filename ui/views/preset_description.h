// A device preset's description in the interface language. The core describes the A100
// preset in English prose; the others' descriptions are product names ("H100 SXM5 80GB")
// and read the same in every language. Also: which preset a trace ran with.
#pragma once

#include <QString>

#include "attention/device_preset.h"
#include "trace/trace_timeline.h"

QString presetDescription(const dlab::DevicePreset& preset);

// The device preset a trace's run used (its run event's "device-preset" parameter), or
// empty when the trace does not say or names no known preset.
QString tracePreset(const dlab::TraceTimeline* timeline);
