// Where two traces part ways (dlab::first_divergence): the step, why, and each side's
// sequences (their text) and candidates (token, text, final probability) at that step in
// two tables side by side, with a button that takes the timeline there. Keeps copies of
// what it shows, so the traces may change or go away while it is open.
#pragma once

#include <QDialog>
#include <optional>

#include "trace/trace_timeline.h"

class QGroupBox;
class QLabel;
class QPushButton;
class QTableWidget;

class DivergenceDialog : public QDialog {
    Q_OBJECT

public:
    enum Side { Left, Right };
    enum SequenceColumn {
        SequenceIdColumn,
        SequenceTextColumn,
        SequenceTokensColumn,
        LogProbColumn,
        FinishedColumn
    };
    enum CandidateColumn { CandidateSeqColumn, TokenColumn, TokenTextColumn, ProbColumn, ChosenColumn };

    explicit DivergenceDialog(QWidget* parent = nullptr);

    // Compares `left` (the window's trace) with `right`; the names head the two sides.
    void compare(const dlab::TraceTimeline& left, const dlab::TraceTimeline& right, const QString& leftName,
                 const QString& rightName);

    bool diverges() const { return m_divergence.has_value(); }
    // The step of the divergence; 0 when the traces agree.
    int step() const { return m_divergence ? m_divergence->step : 0; }
    QString reasonText() const;
    QTableWidget* sequenceTable(Side side) const { return m_sides[side].sequences; }
    QTableWidget* candidateTable(Side side) const { return m_sides[side].candidates; }
    QPushButton* jumpButton() const { return m_jump; }

Q_SIGNALS:
    // "Go to step" was pressed.
    void stepRequested(int step);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct SideWidgets {
        QGroupBox* box = nullptr;
        QLabel* sequencesLabel = nullptr;
        QTableWidget* sequences = nullptr;
        QLabel* candidatesLabel = nullptr;
        QTableWidget* candidates = nullptr;
        QString name;
        bool hasStep = false;  // the trace has the divergence's step
    };

    void retranslateUi();
    void fill();
    void fillSide(Side side, const std::vector<dlab::SequenceRecord>& sequences,
                  const std::vector<dlab::SequenceRecord>& other,
                  const std::vector<dlab::CandidateRecord>& candidates);

    std::optional<dlab::Divergence> m_divergence;
    SideWidgets m_sides[2];
    QLabel* m_headline;
    QLabel* m_reason;
    QPushButton* m_jump;
};
