#include "events_view.h"

#include <QEvent>
#include <QHeaderView>
#include <QStringList>
#include <QTableWidget>
#include <QVBoxLayout>

#include "event_summary.h"

namespace {

// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
QString csvField(QString text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    return QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
}

}  // namespace

EventsView::EventsView(QWidget* parent) : StepView(parent), m_table(new QTableWidget(this)) {
    m_table->setColumnCount(3);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    retranslate();
}

void EventsView::retranslate() {
    m_table->setHorizontalHeaderLabels({tr("Seq"), tr("Type"), tr("Summary")});
    // the summaries; the types are the trace's own names
    showStep(m_step, false);
}

void EventsView::changeEvent(QEvent* event) {
    StepView::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslate();
}

void EventsView::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    m_step = 0;
    m_table->setRowCount(0);
}

void EventsView::showStep(int step, bool /*animate*/) {
    m_step = step;
    m_table->setRowCount(0);
    if (!m_timeline) return;
    const std::vector<const dlab::Event*> events = m_timeline->events_at(step);
    m_table->setRowCount(static_cast<int>(events.size()));
    for (int row = 0; row < static_cast<int>(events.size()); ++row) {
        const dlab::Event& event = *events[row];
        auto* seq = new QTableWidgetItem(QString::number(event.seq));
        seq->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, 0, seq);
        m_table->setItem(row, 1, new QTableWidgetItem(QString::fromLatin1(dlab::event_type(event))));
        const QString summary = eventSummary(event);
        auto* item = new QTableWidgetItem(summary);
        item->setToolTip(summary);
        m_table->setItem(row, 2, item);
    }
}

QString EventsView::title() const { return tr("Events"); }

QString EventsView::csv() const {
    QStringList lines{QStringLiteral("seq,type,summary")};
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QStringList fields;
        for (int column = 0; column < m_table->columnCount(); ++column)
            fields << csvField(m_table->item(row, column)->text());
        lines << fields.join(QLatin1Char(','));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}
