// The full candidate list of one sequence at one step as a table: token id, text, raw
// logit, the probability after softmax and after each sampler stage, the strategy's score,
// whether it was kept and why not, whether it was chosen, and the contrastive values when
// the strategy recorded them. Cells display formatted text; kSortRole gives the raw value so
// that a QSortFilterProxyModel sorts numbers as numbers.
#pragma once

#include <QAbstractTableModel>
#include <string>
#include <vector>

#include "trace/events.h"

class CandidateTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    static constexpr int kSortRole = Qt::UserRole + 1;

    explicit CandidateTableModel(QObject* parent = nullptr);

    // `stages` names CandidateRecord::probs[1..]; beam, greedy and contrastive have none.
    void setCandidates(std::vector<dlab::CandidateRecord> candidates, std::vector<std::string> stages);

    // Column of probs[index] (0: softmax of the raw logits, i: after stage i).
    int probabilityColumn(int index) const { return kFirstProbability + index; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // A chain stage's name as the interface shows it ("top_p" → "top-p"), translated.
    static QString stageTitle(const std::string& stage);
    // A token's text with its whitespace made visible (leading spaces matter in BPE).
    static QString tokenLabel(const std::string& text);

private:
    static constexpr int kToken = 0, kText = 1, kLogit = 2, kFirstProbability = 3;
    enum class Column { Score, Kept, Reason, Chosen, Confidence, Penalty };

    int trailingStart() const;  // the Score column, after the probabilities
    Column trailingColumn(int column) const;
    QVariant displayValue(const dlab::CandidateRecord& c, int column) const;
    QVariant sortValue(const dlab::CandidateRecord& c, int column) const;
    static QString reasonTitle(const std::string& reason);

    std::vector<dlab::CandidateRecord> m_candidates;
    std::vector<std::string> m_stages;
    bool m_contrastive = false;  // any candidate carries confidence or degeneration penalty
};
