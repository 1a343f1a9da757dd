#include "run_controller.h"

#include <QThread>

#include "run_worker.h"

RunController::RunController(QObject* parent) : QObject(parent) { qRegisterMetaType<EventBatch>(); }

RunController::~RunController() {
    if (!m_thread) return;
    m_stop = true;
    m_thread->quit();
    m_thread->wait();
}

bool RunController::start(const RunRequest& request) {
    if (m_thread) return false;
    m_stop = false;
    m_stopReason.clear();
    m_detail.clear();
    m_thread = new QThread(this);
    auto* worker = new RunWorker(request, &m_stop);
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, worker, &RunWorker::run);
    // the worker emits from its thread: these connections queue into the GUI thread, in order
    connect(worker, &RunWorker::loadingModel, this, &RunController::loadingModel);
    connect(worker, &RunWorker::backendNote, this, &RunController::backendNote);
    connect(worker, &RunWorker::eventsReady, this, &RunController::eventsArrived);
    connect(worker, &RunWorker::stepDone, this, &RunController::progress);
    connect(worker, &RunWorker::failed, this, &RunController::failed);
    connect(worker, &RunWorker::done, this, [this](const QString& reason, const QString& detail) {
        m_stopReason = reason;
        m_detail = detail;
    });
    // ends the thread's event loop from the worker thread itself, so that it also ends while
    // the GUI thread waits in the destructor
    connect(worker, &RunWorker::done, m_thread, &QThread::quit, Qt::DirectConnection);
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(m_thread, &QThread::finished, this, &RunController::onThreadFinished);
    m_thread->start();
    Q_EMIT started();
    return true;
}

void RunController::stop() { m_stop = true; }

void RunController::onThreadFinished() {
    m_thread->deleteLater();
    m_thread = nullptr;
    Q_EMIT finished(m_stopReason, m_detail);
}
