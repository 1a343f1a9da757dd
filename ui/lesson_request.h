// A lesson run's options (generate's, by name) as the run panel's request: read by the CLI's
// own parsers (dlab::run_settings), so the app runs a lesson as `decodelab-cli lesson` does.
#pragma once

#include <QString>

#include "run_request.h"
#include "scenario/scenario.h"

// False with the message naming the option when the options are refused, or when one has no
// setting in the run panel (a custom chain, the traced tile's layer and head …) and the run
// could not be shown there as it runs.
bool lessonRequest(const dlab::ScenarioRun& run, RunRequest* request, QString* error);
