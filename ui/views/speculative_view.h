// Speculative sampling (投机采样) round by round: a sentence saying what the round under the
// cursor did; its draft row — each draft token accepted (接受), rejected (拒绝) or never
// verified, then the resampled (重新采样) or bonus token — under the rows of the rounds
// before it; for one position (click a draft; by default the rejected or last one) the
// target's p against the drafter's q over the leading candidates, with the residual
// distribution (残差分布) norm(max(0, p − q)) at a rejected position; and over the run the
// acceptance rate α (接受率) so far and the tokens a target pass yields, measured against
// the theory's (1 − α^{γ+1}) / (1 − α). A trace without speculative events says how to get one.
#pragma once

#include <optional>
#include <vector>

#include "step_view.h"

class CandidateChart;
class QGraphicsView;
class QLabel;
class QLineSeries;
class QStackedWidget;
class RoundLineChart;
class SpecRoundRows;

class SpeculativeView : public StepView {
    Q_OBJECT

public:
    explicit SpeculativeView(QWidget* parent = nullptr);

    void setTimeline(const dlab::TraceTimeline* timeline) override;
    void showStep(int step, bool animate) override;
    QString title() const override;
    // The rounds table: round, gamma, drafted, accepted, rejected, token, text, kind,
    // emitted, alpha_so_far, expected_tokens_per_pass, tokens_per_pass.
    QString csv() const override;

    // Charts position `position` (0-based) of the shown round; −1 picks the round's rejected
    // position, or its last one when every draft stood.
    void selectPosition(int position);
    int selectedPosition() const { return m_position; }

    SpecRoundRows* rows() const { return m_rows; }
    CandidateChart* distributionChart() const { return m_distribution; }
    QLabel* explanation() const { return m_explanation; }
    QLabel* positionLabel() const { return m_positionLabel; }
    QLabel* message() const { return m_message; }
    QLineSeries* alphaSeries() const { return m_alpha; }
    QLineSeries* expectedSeries() const { return m_expected; }
    QLineSeries* measuredSeries() const { return m_measured; }

Q_SIGNALS:
    // An earlier round's row was clicked: the step it ran at.
    void stepRequested(int step);

protected:
    void changeEvent(QEvent* event) override;

private:
    // The run up to and including a round.
    struct SoFar {
        double alpha = 0;     // accepted / (accepted + rejected) over the verified drafts
        double expected = 0;  // mean over the rounds of (1 − α^{n+1}) / (1 − α), n drafts proposed
        double measured = 0;  // tokens added per round (a round is one target pass)
    };

    void retranslate();
    void applyFont();
    void refresh();  // re-reads the timeline when it has grown (live runs)
    void rebuildCharts();
    void showRound();
    void showDistribution();
    QString summaryText() const;

    const dlab::TraceTimeline* m_timeline = nullptr;
    size_t m_eventCount = 0;
    int m_step = 0;
    bool m_greedy = false;
    // copied out of the timeline: a live run's timeline grows and moves its events
    std::vector<dlab::SpecRoundEvent> m_rounds;  // in order
    std::vector<int> m_roundSteps;               // [rounds] the step each ran at
    std::vector<SoFar> m_soFar;                  // [rounds]
    std::optional<dlab::SpecSummaryEvent> m_summary;
    int m_current = -1;   // index into m_rounds of the shown round; −1 before the first
    int m_position = -1;  // the charted position of the shown round

    QStackedWidget* m_pages = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_explanation = nullptr;
    SpecRoundRows* m_rows = nullptr;
    QGraphicsView* m_rowsView = nullptr;
    CandidateChart* m_distribution = nullptr;
    QLabel* m_positionLabel = nullptr;
    RoundLineChart* m_alphaChart = nullptr;
    RoundLineChart* m_rateChart = nullptr;
    QLineSeries* m_alpha = nullptr;
    QLineSeries* m_expected = nullptr;
    QLineSeries* m_measured = nullptr;
    QLabel* m_summaryLabel = nullptr;
};
