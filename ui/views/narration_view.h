// The run told in sentences: the current step's sentence large, for a class to read off the
// projector, and below it every step's sentence so far; clicking one asks to go there.
#pragma once

#include <QStringList>

#include "step_view.h"

class QLabel;
class QListWidget;
class QListWidgetItem;

class NarrationView : public StepView {
    Q_OBJECT

public:
    explicit NarrationView(QWidget* parent = nullptr);

    void setTimeline(const dlab::TraceTimeline* timeline) override;
    void showStep(int step, bool animate) override;
    QString title() const override;
    // step,sentence for the steps shown so far.
    QString csv() const override;

    int step() const { return m_step; }
    // The sentence in large type.
    QString currentSentence() const;
    QLabel* currentLabel() const { return m_current; }
    QListWidget* history() const { return m_history; }

Q_SIGNALS:
    // A line of the history was clicked: the user wants to see that step.
    void stepRequested(int step);

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateSentences();
    void applyFont();

    const dlab::TraceTimeline* m_timeline = nullptr;
    size_t m_narratedEvents = 0;  // how many of the timeline's events the sentences cover
    QStringList m_sentences;      // [step]
    int m_step = 0;
    QLabel* m_stepLabel;
    QLabel* m_current;
    QListWidget* m_history;
};
