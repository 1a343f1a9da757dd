// The body of a live run, on the run controller's worker thread: loads the model (and the
// drafter of a speculative run), starts the session and steps it until it finishes or the
// stop flag is raised, sending each step's trace events to the GUI thread through queued
// signals.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>

#include "event_batch.h"
#include "run_request.h"

class RunWorker : public QObject {
    Q_OBJECT

public:
    // `stop` outlives the worker; it is checked between decode steps.
    RunWorker(RunRequest request, const std::atomic<bool>* stop);

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void loadingModel(const QString& model);
    // The model is loaded, on the CPU although the CUDA GPU was preferred: why (translated).
    void backendNote(const QString& note);
    void eventsReady(const EventBatch& events);
    void stepDone(int step, int maxSteps);
    void failed(const QString& message);
    // The run ended: the session's stop reason, or "stopped" when the stop flag ended it.
    void done(const QString& stopReason, const QString& detail);

private:
    RunRequest m_request;
    const std::atomic<bool>* m_stop;
};
