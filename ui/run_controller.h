// Runs a live generation on a worker thread so the window stays responsive: the session's
// trace events come back to the GUI thread as queued signals, one batch per step; Stop is
// an atomic flag the worker reads between steps. One run at a time.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>

#include "event_batch.h"
#include "run_request.h"

class QThread;

class RunController : public QObject {
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);
    // Stops a run in flight and waits for its thread.
    ~RunController() override;

    bool isRunning() const { return m_thread != nullptr; }
    // Starts a run; false (and nothing happens) while one is in flight.
    bool start(const RunRequest& request);
    // Asks the run to end after the step in flight; finished() follows.
    void stop();

Q_SIGNALS:
    void started();
    void loadingModel(const QString& model);
    // An Automatic backend fell back to the CPU: why, for the status bar.
    void backendNote(const QString& note);
    void eventsArrived(const EventBatch& events);
    void progress(int step, int maxSteps);
    // The run could not start or continue (bad model file, prompt too long …).
    void failed(const QString& message);
    // The worker thread has ended: the session's stop reason ("eos", "max_new_tokens",
    // "done", "kv_exhausted"), "stopped" or "failed"; detail says why it ended early.
    void finished(const QString& stopReason, const QString& detail);

private:
    void onThreadFinished();

    QThread* m_thread = nullptr;
    std::atomic<bool> m_stop{false};
    QString m_stopReason;
    QString m_detail;
};
