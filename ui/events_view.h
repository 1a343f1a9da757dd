// The raw events of the current step in a table: sequence number, type and a one-line
// summary. For debugging a trace, and the fallback when no other view explains an event.
#pragma once

#include "step_view.h"

class QTableWidget;

class EventsView : public StepView {
    Q_OBJECT

public:
    explicit EventsView(QWidget* parent = nullptr);

    void setTimeline(const dlab::TraceTimeline* timeline) override;
    void showStep(int step, bool animate) override;
    QString title() const override;
    QString csv() const override;

    // The table, for tests and export.
    const QTableWidget* table() const { return m_table; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();

    const dlab::TraceTimeline* m_timeline = nullptr;
    int m_step = 0;
    QTableWidget* m_table;
};
