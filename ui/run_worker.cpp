#include "run_worker.h"

#include <exception>
#include <utility>

#include "common/error.h"
#include "engine/session.h"
#include "run_drafter.h"
#include "run_engine.h"
#include "trace/trace_sink.h"

namespace {

// Collects the events of one step on the worker thread until they are sent as a batch.
class BatchSink final : public dlab::TraceSink {
public:
    void emit(const dlab::Event& event) override { m_pending.push_back(event); }
    EventBatch take() { return std::exchange(m_pending, {}); }
    bool empty() const { return m_pending.empty(); }

private:
    EventBatch m_pending;
};

}  // namespace

RunWorker::RunWorker(RunRequest request, const std::atomic<bool>* stop) : m_request(std::move(request)), m_stop(stop) {}

void RunWorker::run() {
    BatchSink sink;
    const auto flush = [&] {
        if (!sink.empty()) Q_EMIT eventsReady(sink.take());
    };
    try {
        Q_EMIT loadingModel(m_request.model);
        RunEngine engine(m_request);
        if (!engine.backendNote().isEmpty()) Q_EMIT backendNote(engine.backendNote());
        if (m_stop->load()) {
            Q_EMIT done(QStringLiteral("stopped"), {});
            return;
        }
        // before the session, which it must outlive
        const RunDrafter drafter(m_request, engine);
        dlab::SessionOptions options = engine.sessionOptions();
        options.drafter = drafter.drafter();
        dlab::Session session(engine.backend(), engine.codec(), m_request.generation, &sink, options);
        session.start(m_request.prompt.toStdString());
        flush();
        const int maxSteps = m_request.generation.max_new_tokens;
        // the flag is read between steps, so a stop ends the run after the step in flight
        while (!m_stop->load()) {
            const bool more = session.step();
            flush();
            Q_EMIT stepDone(session.current_step(), maxSteps);
            if (!more) break;
        }
        if (!session.finished()) {
            Q_EMIT done(QStringLiteral("stopped"), {});
            return;
        }
        const dlab::GenerationResult& result = session.result();
        Q_EMIT done(QString::fromStdString(result.stop_reason), QString::fromStdString(result.stop_detail));
    } catch (const std::exception& e) {
        // what the run recorded before the error still reaches the document
        flush();
        Q_EMIT failed(QString::fromUtf8(e.what()));
        Q_EMIT done(QStringLiteral("failed"), QString::fromUtf8(e.what()));
    }
}
