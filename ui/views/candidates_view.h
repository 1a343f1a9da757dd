// The candidates of one sequence at one step: a bar chart of the top tokens' probability
// after softmax and after each sampler stage (temperature, top-k, top-p …), the chosen
// token's bars in a darker shade and each stage's survivors counted in the legend; the
// full candidate list as a sortable table; and the temperature playground, which reshapes
// the step's logits with a slider. Beam, greedy and contrastive steps have no stages and
// show the softmax alone.
#pragma once

#include <string>
#include <vector>

#include "step_view.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QSpinBox;
class QTabWidget;
class QTableView;
QT_END_NAMESPACE
class CandidateChart;
class CandidateTableModel;
class TemperaturePlayground;

class CandidatesView : public StepView {
    Q_OBJECT

public:
    explicit CandidatesView(QWidget* parent = nullptr);

    void setTimeline(const dlab::TraceTimeline* timeline) override;
    void showStep(int step, bool animate) override;
    QString title() const override;
    // The chart's data: token, text, then the probability after softmax and each stage.
    QString csv() const override;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void fillSequences();
    void refresh(bool animate);
    void clear(const QString& message);
    QString sequenceLabel(int id) const;
    QStringList categories() const;
    QString stageLegend(size_t probIndex) const;

    const dlab::TraceTimeline* m_timeline = nullptr;
    int m_step = 0;
    int m_vocabulary = 0;  // the run's vocabulary size, 0 when the trace does not say
    // copied out of the timeline: a live run's timeline grows and moves its events
    std::vector<std::string> m_stages;
    std::vector<dlab::CandidateRecord> m_candidates;  // the sequence's, by softmax probability
    std::vector<int> m_shown;                         // indices into m_candidates, as charted

    QLabel* m_sequenceLabel;
    QComboBox* m_sequence;
    QLabel* m_topLabel;
    QSpinBox* m_topCount;
    QLabel* m_summary;
    CandidateChart* m_chart;
    TemperaturePlayground* m_playground;
    QTabWidget* m_tabs;
    QTableView* m_table;
    CandidateTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
};
