#include "trace_document.h"

#include <exception>

#include "trace/jsonl.h"

TraceDocument::TraceDocument(QObject* parent) : QObject(parent) {}

bool TraceDocument::open(const QString& path, QString* error) {
    try {
        // read and fold the whole file before touching the current trace
        dlab::TraceTimeline timeline(dlab::read_jsonl_trace(path.toStdString()));
        m_timeline = std::move(timeline);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    m_path = path;
    Q_EMIT reset();
    return true;
}

bool TraceDocument::save(const QString& path, QString* error) {
    try {
        dlab::JsonlTraceWriter writer(path.toStdString());
        for (const dlab::Event& event : m_timeline.events()) writer.emit(event);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    m_path = path;
    return true;
}

void TraceDocument::clear() {
    m_timeline = dlab::TraceTimeline();
    m_path.clear();
    Q_EMIT reset();
}

bool TraceDocument::appendEvents(const EventBatch& events, QString* error) {
    const bool wasEmpty = m_timeline.empty();
    bool ok = true;
    for (const dlab::Event& event : events) {
        try {
            m_timeline.append(event);
        } catch (const std::exception& e) {
            if (error) *error = QString::fromUtf8(e.what());
            ok = false;
            break;
        }
    }
    // the run event makes a fresh timeline that views must take up again
    if (wasEmpty && !m_timeline.empty()) Q_EMIT reset();
    if (!m_timeline.empty()) Q_EMIT stepsChanged(m_timeline.last_step());
    return ok;
}

bool TraceDocument::appendEvent(const dlab::Event& event, QString* error) { return appendEvents({event}, error); }
