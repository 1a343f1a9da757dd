#include "views/candidate_table_model.h"

#include <QFont>
#include <cmath>

namespace {

// Sampling records a pruned candidate's score as −1e30 (the log of a zero probability).
constexpr double kPrunedScore = -1e29;

QString formatNumber(double value) {
    if (std::isnan(value)) return QStringLiteral("NaN");
    if (std::isinf(value) || value <= kPrunedScore)
        return value < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    return QString::number(value, 'g', 4);
}

}  // namespace

CandidateTableModel::CandidateTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void CandidateTableModel::setCandidates(std::vector<dlab::CandidateRecord> candidates,
                                        std::vector<std::string> stages) {
    beginResetModel();
    m_candidates = std::move(candidates);
    m_stages = std::move(stages);
    m_contrastive = false;
    for (const dlab::CandidateRecord& c : m_candidates)
        if (c.confidence || c.degeneration_penalty) m_contrastive = true;
    endResetModel();
}

int CandidateTableModel::trailingStart() const { return kFirstProbability + int(m_stages.size()) + 1; }

int CandidateTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_candidates.size());
}

int CandidateTableModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid()) return 0;
    const int trailing = m_contrastive ? int(Column::Penalty) + 1 : int(Column::Chosen) + 1;
    return trailingStart() + trailing;
}

CandidateTableModel::Column CandidateTableModel::trailingColumn(int column) const {
    return Column(column - trailingStart());
}

QVariant CandidateTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_candidates.size())) return {};
    const dlab::CandidateRecord& c = m_candidates[size_t(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return displayValue(c, index.column());
        case kSortRole:
            return sortValue(c, index.column());
        case Qt::TextAlignmentRole:
            // words to the left, numbers and marks to the right
            return index.column() == kText || index.column() == trailingStart() + int(Column::Reason)
                       ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                       : QVariant(Qt::AlignRight | Qt::AlignVCenter);
        case Qt::FontRole:
            // the chosen token stands out in every column, in any palette
            if (c.chosen) {
                QFont bold;
                bold.setBold(true);
                return bold;
            }
            return {};
        default:
            return {};
    }
}

QVariant CandidateTableModel::displayValue(const dlab::CandidateRecord& c, int column) const {
    if (column == kToken) return c.token;
    if (column == kText) return tokenLabel(c.text);
    if (column == kLogit) return formatNumber(c.logit);
    const int probability = column - kFirstProbability;
    if (probability <= int(m_stages.size()))
        return size_t(probability) < c.probs.size() ? formatNumber(c.probs[size_t(probability)]) : QString();
    switch (trailingColumn(column)) {
        case Column::Score:
            return formatNumber(c.score);
        case Column::Kept:
            return c.kept ? QStringLiteral("✓") : QString();
        case Column::Reason:
            return reasonTitle(c.reason);
        case Column::Chosen:
            return c.chosen ? QStringLiteral("✓") : QString();
        case Column::Confidence:
            return c.confidence ? formatNumber(*c.confidence) : QString();
        case Column::Penalty:
            return c.degeneration_penalty ? formatNumber(*c.degeneration_penalty) : QString();
    }
    return {};
}

QVariant CandidateTableModel::sortValue(const dlab::CandidateRecord& c, int column) const {
    if (column == kToken) return c.token;
    if (column == kText) return QString::fromStdString(c.text);
    if (column == kLogit) return double(c.logit);
    const int probability = column - kFirstProbability;
    if (probability <= int(m_stages.size()))
        return size_t(probability) < c.probs.size() ? double(c.probs[size_t(probability)]) : 0.0;
    // an absent contrastive value sorts below every present one
    switch (trailingColumn(column)) {
        case Column::Score:
            return c.score;
        case Column::Kept:
            return int(c.kept);
        case Column::Reason:
            return reasonTitle(c.reason);
        case Column::Chosen:
            return int(c.chosen);
        case Column::Confidence:
            return c.confidence ? double(*c.confidence) : -HUGE_VAL;
        case Column::Penalty:
            return c.degeneration_penalty ? double(*c.degeneration_penalty) : -HUGE_VAL;
    }
    return {};
}

QVariant CandidateTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section == kToken) return tr("Token id");
    if (section == kText) return tr("Text");
    if (section == kLogit) return tr("Logit");
    const int probability = section - kFirstProbability;
    if (probability == 0) return tr("softmax");
    if (probability <= int(m_stages.size())) return stageTitle(m_stages[size_t(probability - 1)]);
    switch (trailingColumn(section)) {
        case Column::Score:
            return tr("Score");
        case Column::Kept:
            return tr("Kept");
        case Column::Reason:
            return tr("Reason");
        case Column::Chosen:
            return tr("Chosen");
        case Column::Confidence:
            return tr("Confidence");
        case Column::Penalty:
            return tr("Degeneration penalty");
    }
    return {};
}

QString CandidateTableModel::stageTitle(const std::string& stage) {
    if (stage == "temperature") return tr("temperature");
    if (stage == "top_k") return tr("top-k");
    if (stage == "top_p") return tr("top-p");
    if (stage == "min_p") return tr("min-p");
    if (stage == "typical_p") return tr("typical-p");
    if (stage == "repetition_penalty") return tr("repetition penalty");
    if (stage == "no_repeat_ngram") return tr("no-repeat n-gram");
    return QString::fromStdString(stage);
}

QString CandidateTableModel::reasonTitle(const std::string& reason) {
    if (reason.empty()) return {};
    if (reason == "beam_rank") return tr("beam rank");
    if (reason == "eos_rank") return tr("EOS rank");
    if (reason == "below_worst_hypothesis") return tr("below worst hypothesis");
    if (reason == "not_chosen") return tr("not chosen");
    return stageTitle(reason);
}

QString CandidateTableModel::tokenLabel(const std::string& text) {
    QString label = QString::fromStdString(text);
    label.replace(QLatin1Char(' '), QStringLiteral("␣"));
    label.replace(QLatin1Char('\n'), QStringLiteral("↵"));
    label.replace(QLatin1Char('\t'), QStringLiteral("⇥"));
    return label;
}
