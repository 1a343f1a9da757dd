// The trace the window shows: read from a file, or grown event by event during a live run.
// Owns the timeline every view reads; the timeline's address never changes, so views keep
// it across reloads and are told to rebuild through reset().
#pragma once

#include <QObject>
#include <QString>

#include "event_batch.h"
#include "trace/trace_timeline.h"

class TraceDocument : public QObject {
    Q_OBJECT

public:
    explicit TraceDocument(QObject* parent = nullptr);

    const dlab::TraceTimeline& timeline() const { return m_timeline; }
    bool isEmpty() const { return m_timeline.empty(); }
    int lastStep() const { return m_timeline.last_step(); }
    // The file the trace was read from or last saved to; empty for an unsaved live run.
    QString path() const { return m_path; }

    // Replaces the trace with a JSONL file's. On failure the document keeps its trace,
    // `error` receives the reader's message ("PATH:LINE: …") and false is returned.
    bool open(const QString& path, QString* error = nullptr);
    // Writes the trace as JSON Lines; false with the message in `error` on failure.
    bool save(const QString& path, QString* error = nullptr);
    // Empties the document for a live run.
    void clear();
    // Adds the next events of a live run. Events that break the trace's rules (the first
    // is not a run event) are refused with false and the message in `error`.
    bool appendEvents(const EventBatch& events, QString* error = nullptr);
    bool appendEvent(const dlab::Event& event, QString* error = nullptr);

Q_SIGNALS:
    // The whole trace changed (opened or cleared): views set the timeline again.
    void reset();
    // Events were appended; lastStep is the newest step now.
    void stepsChanged(int lastStep);

private:
    dlab::TraceTimeline m_timeline;
    QString m_path;
};
