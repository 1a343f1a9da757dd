// Speculative sampling's rounds drawn as rows, one per round up to the shown one: the draft
// tokens the draft model (草稿模型) proposed, each cell coloured by what the target model
// (目标模型) made of it — accepted (接受), rejected (拒绝), or never verified because an
// earlier draft was rejected — then the token the round ended with: resampled (重新采样)
// from the residual distribution (残差分布) after a rejection, or the bonus token drawn
// from p when every draft stood. The shown round's row is highlighted and its selected
// position outlined; clicking one of its cells selects that position, clicking an earlier
// row asks for that round.
#pragma once

#include <QGraphicsScene>
#include <QPalette>
#include <vector>

#include "trace/speculative_events.h"

class SpecRoundRows : public QGraphicsScene {
    Q_OBJECT

public:
    // Item data keys: every cell says what it shows, so that the tests and the view can
    // find a round's cells and their outcomes.
    static constexpr int kRoleKey = 0;      // "draft" | "token" | "label" | "current" | "legend" | "note"
    static constexpr int kRoundKey = 1;     // the round (1-based)
    static constexpr int kPositionKey = 2;  // draft: its index; token: the position it fills (= accepted)
    static constexpr int kOutcomeKey = 3;   // draft: "accepted" | "rejected" | "unverified"; token: "resampled" | "bonus"

    explicit SpecRoundRows(QObject* parent = nullptr);

    // Draws `rounds` (the run's rounds up to and including the shown one, in order), the
    // last highlighted with `selectedPosition` outlined. `greedy`: a rejection means the
    // draft was not the target's argmax, which is what replaces it (no residual).
    void setRounds(const std::vector<dlab::SpecRoundEvent>& rounds, int selectedPosition, bool greedy);
    // Shows only a sentence.
    void setMessage(const QString& text);

    // The highlighted row's rectangle, to scroll it into sight; empty without rounds.
    QRectF currentRowRect() const { return m_currentRow; }
    // The cell of a draft (role "draft") or of the round's token (role "token") in `round`.
    QGraphicsItem* cell(int round, const QString& role, int position) const;

    // The colour of an outcome ("accepted", "rejected", "unverified", "resampled", "bonus").
    static QColor outcomeColor(const QString& outcome, const QPalette& palette);

Q_SIGNALS:
    // A cell of the highlighted round was clicked: the position it stands for.
    void positionClicked(int position);
    // Something in an earlier round's row was clicked.
    void roundClicked(int round);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;

private:
    void addLegend(qreal top);
    qreal addRow(const dlab::SpecRoundEvent& round, qreal top, bool current, int selectedPosition, bool greedy);

    QRectF m_currentRow;
    int m_currentRound = 0;
};
