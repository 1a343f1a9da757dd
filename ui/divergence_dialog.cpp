#include "divergence_dialog.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace {

QString shown(const std::string& text) {
    return QString::fromStdString(text).replace(QLatin1Char('\n'), QStringLiteral("⏎"));
}

QString tokenList(const std::vector<int>& tokens) {
    QStringList parts;
    for (int token : tokens) parts << QString::number(token);
    return parts.join(QLatin1Char(' '));
}

QTableWidget* makeTable(QWidget* parent, int columns) {
    auto* table = new QTableWidget(0, columns, parent);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QTableWidgetItem* cell(const QString& text, bool bold = false, Qt::Alignment align = Qt::AlignLeft) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align | Qt::AlignVCenter);
    if (bold) {
        QFont font = item->font();
        font.setBold(true);
        item->setFont(font);
    }
    return item;
}

}  // namespace

DivergenceDialog::DivergenceDialog(QWidget* parent)
    : QDialog(parent),
      m_headline(new QLabel(this)),
      m_reason(new QLabel(this)),
      m_jump(new QPushButton(this)) {
    QFont headline = m_headline->font();
    headline.setPointSizeF(headline.pointSizeF() * 1.3);
    headline.setBold(true);
    m_headline->setFont(headline);
    m_reason->setWordWrap(true);

    auto* sides = new QHBoxLayout;
    for (SideWidgets& side : m_sides) {
        side.box = new QGroupBox(this);
        side.sequencesLabel = new QLabel(side.box);
        side.sequences = makeTable(side.box, 5);
        side.candidatesLabel = new QLabel(side.box);
        side.candidates = makeTable(side.box, 5);
        auto* column = new QVBoxLayout(side.box);
        column->addWidget(side.sequencesLabel);
        column->addWidget(side.sequences, 1);
        column->addWidget(side.candidatesLabel);
        column->addWidget(side.candidates, 2);
        sides->addWidget(side.box, 1);
    }

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_jump, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_jump, &QPushButton::clicked, this, [this] {
        if (m_divergence) Q_EMIT stepRequested(m_divergence->step);
    });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addWidget(m_reason);
    layout->addLayout(sides, 1);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * 150, fontMetrics().height() * 30);
    retranslateUi();
}

void DivergenceDialog::compare(const dlab::TraceTimeline& left, const dlab::TraceTimeline& right,
                               const QString& leftName, const QString& rightName) {
    m_divergence = dlab::first_divergence(left, right);
    m_sides[Left].name = leftName;
    m_sides[Right].name = rightName;
    m_sides[Left].hasStep = m_divergence && left.step_event(m_divergence->step);
    m_sides[Right].hasStep = m_divergence && right.step_event(m_divergence->step);
    fill();
    retranslateUi();
}

QString DivergenceDialog::reasonText() const { return m_reason->text(); }

void DivergenceDialog::changeEvent(QEvent* event) {
    QDialog::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslateUi();
}

void DivergenceDialog::retranslateUi() {
    setWindowTitle(tr("Where the traces diverge"));
    const int step = this->step();
    if (!m_divergence) {
        m_headline->setText(tr("The traces agree on every step"));
        m_reason->setText(tr("Both keep the same sequences at every decode step they have."));
    } else {
        m_headline->setText(tr("The traces first diverge at step %1").arg(step));
        if (!m_sides[Left].hasStep)
            m_reason->setText(tr("%1 has no step %2: it ended earlier.").arg(m_sides[Left].name).arg(step));
        else if (!m_sides[Right].hasStep)
            m_reason->setText(tr("%1 has no step %2: it ended earlier.").arg(m_sides[Right].name).arg(step));
        else
            m_reason->setText(
                tr("At step %1 the traces keep different sequences; the ones only one side has are in "
                   "bold.")
                    .arg(step));
    }
    for (SideWidgets& side : m_sides) {
        side.box->setTitle(side.name);
        side.sequencesLabel->setText(tr("Sequences after the step"));
        side.candidatesLabel->setText(tr("Candidates"));
        side.sequences->setHorizontalHeaderLabels(
            {tr("Sequence"), tr("Text"), tr("Tokens"), tr("Log-prob"), tr("Finished")});
        side.candidates->setHorizontalHeaderLabels(
            {tr("Sequence"), tr("Token"), tr("Text"), tr("Probability"), tr("Chosen")});
        // the yes/no cells follow the language too
        for (int row = 0; row < side.sequences->rowCount(); ++row)
            if (QTableWidgetItem* item = side.sequences->item(row, FinishedColumn))
                item->setText(item->data(Qt::UserRole).toBool() ? tr("yes") : QString());
        for (int row = 0; row < side.candidates->rowCount(); ++row)
            if (QTableWidgetItem* item = side.candidates->item(row, ChosenColumn))
                item->setText(item->data(Qt::UserRole).toBool()       ? tr("chosen")
                              : item->data(Qt::UserRole + 1).toBool() ? tr("kept")
                                                                      : QString());
    }
    m_jump->setText(m_divergence ? tr("Go to step %1").arg(step) : tr("Go to step"));
    m_jump->setEnabled(m_divergence.has_value());
}

void DivergenceDialog::fill() {
    static const dlab::Divergence none;
    const dlab::Divergence& d = m_divergence ? *m_divergence : none;
    fillSide(Left, d.left, d.right, d.left_candidates);
    fillSide(Right, d.right, d.left, d.right_candidates);
}

void DivergenceDialog::fillSide(Side side, const std::vector<dlab::SequenceRecord>& sequences,
                                const std::vector<dlab::SequenceRecord>& other,
                                const std::vector<dlab::CandidateRecord>& candidates) {
    QTableWidget* table = m_sides[side].sequences;
    table->setRowCount(int(sequences.size()));
    const auto onOtherSide = [&](const dlab::SequenceRecord& s) {
        return std::any_of(other.begin(), other.end(),
                           [&](const dlab::SequenceRecord& o) { return o.tokens == s.tokens; });
    };
    const Qt::Alignment right = Qt::AlignRight;
    for (int row = 0; row < int(sequences.size()); ++row) {
        const dlab::SequenceRecord& s = sequences[size_t(row)];
        const bool differs = !onOtherSide(s);
        table->setItem(row, SequenceIdColumn, cell(QString::number(s.id), differs, right));
        table->setItem(row, SequenceTextColumn, cell(shown(s.text), differs));
        table->setItem(row, SequenceTokensColumn, cell(tokenList(s.tokens), differs));
        table->setItem(row, LogProbColumn, cell(QString::number(s.logprob, 'f', 3), differs, right));
        QTableWidgetItem* finished = cell(QString(), differs);
        finished->setData(Qt::UserRole, s.finished);
        table->setItem(row, FinishedColumn, finished);
    }

    // the most probable first, each sequence's candidates together
    std::vector<dlab::CandidateRecord> sorted = candidates;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const dlab::CandidateRecord& a, const dlab::CandidateRecord& b) {
                         const float pa = a.probs.empty() ? 0.0f : a.probs.back(),
                                     pb = b.probs.empty() ? 0.0f : b.probs.back();
                         return a.seq != b.seq ? a.seq < b.seq : pa > pb;
                     });
    table = m_sides[side].candidates;
    table->setRowCount(int(sorted.size()));
    for (int row = 0; row < int(sorted.size()); ++row) {
        const dlab::CandidateRecord& c = sorted[size_t(row)];
        table->setItem(row, CandidateSeqColumn, cell(QString::number(c.seq), c.chosen, right));
        table->setItem(row, TokenColumn, cell(QString::number(c.token), c.chosen, right));
        table->setItem(row, TokenTextColumn, cell(shown(c.text), c.chosen));
        table->setItem(row, ProbColumn,
                       cell(c.probs.empty() ? QString() : QString::number(double(c.probs.back()), 'f', 4),
                            c.chosen, right));
        QTableWidgetItem* chosen = cell(QString(), c.chosen);
        chosen->setData(Qt::UserRole, c.chosen);
        chosen->setData(Qt::UserRole + 1, c.kept);
        table->setItem(row, ChosenColumn, chosen);
    }
    for (QTableWidget* t : {m_sides[side].sequences, m_sides[side].candidates}) t->resizeColumnsToContents();
}
