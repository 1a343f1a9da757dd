#include "views/candidates_view.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <algorithm>

#include "views/candidate_chart.h"
#include "views/candidate_table_model.h"
#include "views/temperature_playground.h"

namespace {

constexpr int kDefaultTopCount = 10;
// Without the vocabulary's size: kept probabilities summing to less than this leave out
// survivors the trace did not record.
constexpr double kWholeDistribution = 0.999;

float probAt(const dlab::CandidateRecord& c, size_t index) {
    return index < c.probs.size() ? c.probs[index] : 0.0f;
}

QString csvText(const std::string& text) {
    QString quoted = QString::fromStdString(text);
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

}  // namespace

CandidatesView::CandidatesView(QWidget* parent)
    : StepView(parent),
      m_sequenceLabel(new QLabel(this)),
      m_sequence(new QComboBox(this)),
      m_topLabel(new QLabel(this)),
      m_topCount(new QSpinBox(this)),
      m_summary(new QLabel(this)),
      m_chart(new CandidateChart(this)),
      m_playground(new TemperaturePlayground(this)),
      m_tabs(new QTabWidget(this)),
      m_table(new QTableView(this)),
      m_model(new CandidateTableModel(this)),
      m_proxy(new QSortFilterProxyModel(this)) {
    m_sequence->setObjectName(QStringLiteral("sequenceBox"));
    m_sequence->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_topCount->setObjectName(QStringLiteral("topCount"));
    m_topCount->setRange(1, 200);
    m_topCount->setValue(kDefaultTopCount);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    m_chart->setObjectName(QStringLiteral("stageChart"));
    m_playground->setObjectName(QStringLiteral("temperaturePlayground"));

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CandidateTableModel::kSortRole);
    m_table->setObjectName(QStringLiteral("candidateTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(m_model->probabilityColumn(0), Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();

    m_sequenceLabel->setBuddy(m_sequence);
    m_topLabel->setBuddy(m_topCount);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_sequenceLabel);
    controls->addWidget(m_sequence);
    controls->addWidget(m_topLabel);
    controls->addWidget(m_topCount);
    controls->addWidget(m_summary, 1);

    // the stage chart on top at full width; the list and the playground share the rest
    m_tabs->addTab(m_table, QString());
    m_tabs->addTab(m_playground, QString());
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chart);
    split->addWidget(m_tabs);
    // proportions: the splitter scales these to its height
    split->setSizes({3, 2});

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(split, 1);

    connect(m_sequence, &QComboBox::currentIndexChanged, this, [this] { refresh(false); });
    connect(m_topCount, &QSpinBox::valueChanged, this, [this] { refresh(false); });
    retranslate();
}

QString CandidatesView::title() const { return tr("Candidates"); }

void CandidatesView::retranslate() {
    m_sequence->setToolTip(tr("The sequence (beam) whose next-token candidates are shown"));
    m_topCount->setToolTip(
        tr("How many of the most probable candidates the chart shows; "
           "a chosen token outside them is added"));
    m_sequenceLabel->setText(tr("&Sequence"));
    m_topLabel->setText(tr("Show &top"));
    m_tabs->setTabText(m_tabs->indexOf(m_table), tr("All candidates"));
    m_tabs->setTabText(m_tabs->indexOf(m_playground), tr("Temperature playground"));
    // the sequences' labels, the chart's title and legend, the summary
    fillSequences();
    refresh(false);
}

void CandidatesView::changeEvent(QEvent* event) {
    StepView::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslate();
}

void CandidatesView::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    m_step = 0;
    // the playground starts from the run's own temperature
    double temperature = 1.0;
    if (const dlab::RunEvent* run = m_timeline ? m_timeline->run() : nullptr) {
        const auto found = run->parameters.find("temperature");
        bool ok = false;
        if (found != run->parameters.end()) {
            const double value = QString::fromStdString(found->second).toDouble(&ok);
            if (ok) temperature = value;
        }
    }
    m_playground->setTemperature(temperature);
    m_vocabulary = 0;
    if (const dlab::RunEvent* run = m_timeline ? m_timeline->run() : nullptr) {
        const auto found = run->model_facts.find("vocab_size");
        if (found != run->model_facts.end()) m_vocabulary = QString::fromStdString(found->second).toInt();
    }
    fillSequences();
    refresh(false);
}

void CandidatesView::showStep(int step, bool animate) {
    m_step = step;
    fillSequences();
    refresh(animate);
}

void CandidatesView::fillSequences() {
    const QVariant previous = m_sequence->currentData();
    const QSignalBlocker blocker(m_sequence);
    m_sequence->clear();
    const dlab::StepEvent* event = m_timeline ? m_timeline->step_event(m_step) : nullptr;
    if (!event) return;
    // the candidates belong to the sequences as they were before the step
    std::vector<int> ids;
    for (const dlab::CandidateRecord& c : event->candidates)
        if (std::find(ids.begin(), ids.end(), c.seq) == ids.end()) ids.push_back(c.seq);
    for (int id : ids) m_sequence->addItem(sequenceLabel(id), id);
    const int index = previous.isValid() ? m_sequence->findData(previous) : -1;
    m_sequence->setCurrentIndex(std::max(index, 0));
}

QString CandidatesView::sequenceLabel(int id) const {
    std::string text;
    if (const dlab::StepEvent* before = m_timeline->step_event(m_step - 1)) {
        for (const dlab::SequenceRecord& s : before->sequences)
            if (s.id == id) text = s.text;
    } else if (const dlab::RunEvent* run = m_timeline->run()) {
        text = run->prompt;  // the first step continues the prompt
    }
    const QString tail = fontMetrics().elidedText(QString::fromStdString(text), Qt::ElideLeft,
                                                  fontMetrics().averageCharWidth() * 24);
    return tail.isEmpty() ? tr("#%1").arg(id) : tr("#%1: %2").arg(id).arg(tail);
}

void CandidatesView::clear(const QString& message) {
    m_stages.clear();
    m_candidates.clear();
    m_shown.clear();
    m_summary->setText(message);
    m_chart->setTitle(QString());
    m_chart->setBars({}, {}, {}, false);
    m_model->setCandidates({}, {});
    m_playground->setCandidates({}, {}, {}, {});
}

void CandidatesView::refresh(bool animate) {
    const dlab::StepEvent* event = m_timeline ? m_timeline->step_event(m_step) : nullptr;
    if (!m_timeline) return clear(tr("No trace is open."));
    if (!event && m_step == 0) return clear(tr("Step 0 is the prefill: candidates appear from step 1 on."));
    if (!event) return clear(tr("Step %1 has not been recorded.").arg(m_step));
    const int seq = m_sequence->currentData().toInt();

    // the sequence's candidates, most probable first (softmax of the raw logits)
    m_stages = event->stages;
    m_candidates.clear();
    for (const dlab::CandidateRecord& c : event->candidates)
        if (c.seq == seq) m_candidates.push_back(c);
    std::stable_sort(m_candidates.begin(), m_candidates.end(),
                     [](const auto& a, const auto& b) { return probAt(a, 0) > probAt(b, 0); });
    // the top ones, and a chosen token below them too: a sample can land far down the list
    m_shown.clear();
    for (size_t i = 0; i < m_candidates.size(); ++i)
        if (int(i) < m_topCount->value() || m_candidates[i].chosen) m_shown.push_back(int(i));

    QList<int> highlighted;
    QStringList chosen;
    for (size_t i = 0; i < m_shown.size(); ++i)
        if (m_candidates[size_t(m_shown[i])].chosen) highlighted.append(int(i));
    for (const dlab::CandidateRecord& c : m_candidates)
        if (c.chosen) chosen.append(CandidateTableModel::tokenLabel(c.text));

    QList<CandidateChart::Bars> sets;
    for (size_t k = 0; k <= m_stages.size(); ++k) {
        CandidateChart::Bars bars{stageLegend(k), {}};
        for (int i : m_shown) bars.values.append(probAt(m_candidates[size_t(i)], k));
        sets.append(bars);
    }
    const QStringList labels = categories();
    m_chart->setTitle(m_stages.empty()
                          ? tr("Step %1 · sequence %2: softmax of the logits").arg(m_step).arg(seq)
                          : tr("Step %1 · sequence %2: probability after each stage").arg(m_step).arg(seq));
    m_chart->setBars(labels, sets, highlighted, animate);

    m_model->setCandidates(m_candidates, m_stages);
    m_table->resizeColumnsToContents();

    std::vector<float> logits;
    for (const dlab::CandidateRecord& c : m_candidates) logits.push_back(c.logit);
    m_playground->setCandidates(std::move(logits), m_shown, labels, highlighted);

    const QString traced = tr("%n candidate(s) traced", nullptr, int(m_candidates.size()));
    m_summary->setText(chosen.isEmpty()
                           ? tr("%1; none chosen: the sequence ended or was dropped here.").arg(traced)
                           : tr("%1; chosen: %2").arg(traced, chosen.join(QStringLiteral(", "))));
}

QString CandidatesView::stageLegend(size_t probIndex) const {
    if (probIndex == 0) return tr("softmax");
    // how many tokens survive the stage (pruned ones are 0 from it on)
    int kept = 0;
    double mass = 0;
    for (const dlab::CandidateRecord& c : m_candidates) {
        const float p = probAt(c, probIndex);
        if (p > 0) ++kept;
        mass += p;
    }
    // when every traced candidate survives, so may tokens the trace left out (it keeps the top N)
    const int traced = int(m_candidates.size());
    const bool truncated = m_vocabulary > 0 ? traced < m_vocabulary : mass < kWholeDistribution;
    const QString name = CandidateTableModel::stageTitle(m_stages[probIndex - 1]);
    return kept == traced && truncated ? tr("%1 (kept ≥%2)").arg(name).arg(kept)
                                       : tr("%1 (kept %2)").arg(name).arg(kept);
}

QStringList CandidatesView::categories() const {
    // the axis needs distinct names; two tokens can share a text (byte pieces, U+FFFD)
    QStringList labels;
    QSet<QString> seen;
    for (int i : m_shown) {
        const dlab::CandidateRecord& c = m_candidates[size_t(i)];
        QString label = CandidateTableModel::tokenLabel(c.text);
        if (label.isEmpty()) label = QStringLiteral("⟨%1⟩").arg(c.token);
        if (seen.contains(label)) label += QStringLiteral(" #%1").arg(c.token);
        seen.insert(label);
        if (c.chosen) label += QStringLiteral(" ✓");
        labels.append(label);
    }
    return labels;
}

QString CandidatesView::csv() const {
    if (m_candidates.empty()) return {};
    QStringList header{QStringLiteral("token"), QStringLiteral("text"), QStringLiteral("softmax")};
    for (const std::string& stage : m_stages) header.append(QString::fromStdString(stage));
    QString out = header.join(QLatin1Char(',')) + QLatin1Char('\n');
    for (int i : m_shown) {
        const dlab::CandidateRecord& c = m_candidates[size_t(i)];
        QStringList row{QString::number(c.token), csvText(c.text)};
        for (size_t k = 0; k <= m_stages.size(); ++k) row.append(QString::number(probAt(c, k), 'g', 9));
        out += row.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}
