// Pause-on conditions for replays and live runs, the debugger's breakpoints: at step N;
// when a token enters or leaves the candidates; when a beam is pruned or finishes; when the
// KV pool falls below a number of free blocks; when the chosen token's probability drops
// below a threshold. Each row maps to a dlab::PauseCondition and can be switched off; the
// window asks pauseReason() after every step it plays or receives and pauses when it
// answers. A token is typed as an id or as its text, found among the trace's candidates.
// A lesson's run adds its own pauses (at steps), listed and switched off like the others.
#pragma once

#include <QWidget>
#include <optional>
#include <vector>

#include "trace/trace_timeline.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

class DebugPanel : public QWidget {
    Q_OBJECT

public:
    explicit DebugPanel(QWidget* parent = nullptr);

    // The trace typed token texts are looked up in; nullptr: ids only.
    void setTimeline(const dlab::TraceTimeline* timeline);

    // Adds an enabled condition and returns its row.
    int addCondition(const dlab::PauseCondition& condition);
    // Adds a condition of `kind` from typed text (a step, a token id or text, a number of
    // blocks, a probability); -1 with the reason in `error` when the text does not say one.
    int addCondition(dlab::PauseCondition::Kind kind, const QString& value, QString* error = nullptr);
    void removeCondition(int row);
    // Replaces the previous lesson run's pauses with pauses after these steps.
    void setLessonPauses(const std::vector<int>& steps);
    bool isLessonCondition(int row) const { return m_rows[size_t(row)].lesson; }
    int conditionCount() const { return int(m_rows.size()); }
    const dlab::PauseCondition& condition(int row) const { return m_rows[size_t(row)].condition; }
    bool isConditionEnabled(int row) const;
    void setConditionEnabled(int row, bool enabled);
    // The row's text in the list.
    QString conditionText(int row) const;

    // Why playback should pause at `step`: the first enabled condition that holds there, as
    // a sentence; empty when none does.
    QString pauseReason(const dlab::TraceTimeline& timeline, int step) const;

    // Whether a live run is to be stopped, not only no longer followed, when it pauses.
    bool stopsRun() const;
    void setStopsRun(bool stop);

    // Shows where and why playback paused, and offers Continue; clearPause() forgets it.
    void showPause(int step, const QString& reason);
    void clearPause();
    QString pauseText() const;

    // A typed token: an id, or a text (quotes keep its spaces) that a candidate or a prompt
    // piece of `timeline` has; nullopt when neither.
    static std::optional<int> resolveToken(const QString& typed, const dlab::TraceTimeline* timeline);

Q_SIGNALS:
    // The user wants playback (or following the live run) to go on after a pause.
    void continueRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Row {
        dlab::PauseCondition condition;
        QString tokenText;  // a token condition's text when known, kept across traces
        bool lesson = false;  // one of a lesson run's pauses
    };

    void retranslateUi();
    void updateValueEditor();
    void addFromEditor();
    void refreshRow(int row);
    QString describe(const Row& row) const;
    QString tokenText(int token) const;
    QString detail(const dlab::PauseCondition& condition, const dlab::TraceTimeline& timeline,
                   int step) const;

    const dlab::TraceTimeline* m_timeline = nullptr;
    std::vector<Row> m_rows;  // [rows of m_list]
    QListWidget* m_list;
    QComboBox* m_kind;
    QLineEdit* m_value;
    QPushButton* m_add;
    QPushButton* m_remove;
    QCheckBox* m_stopRun;
    QLabel* m_pause;
    QPushButton* m_continue;
};
