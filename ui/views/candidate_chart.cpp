#include "views/candidate_chart.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QEvent>
#include <QLegend>
#include <QValueAxis>
#include <algorithm>
#include <iterator>

namespace {

constexpr int kSetsInARow = 3;

// Okabe and Ito's colour-blind-safe set, grey first (the softmax, T = 1), legible on light
// and dark backgrounds; the theme's own list fades to pastels after its fifth colour.
const QColor kSetColours[] = {QColor(0x8c, 0x8c, 0x8c), QColor(0x00, 0x72, 0xb2), QColor(0xe6, 0x9f, 0x00),
                              QColor(0x00, 0x9e, 0x73), QColor(0xcc, 0x79, 0xa7), QColor(0xd5, 0x5e, 0x00),
                              QColor(0x56, 0xb4, 0xe9), QColor(0xf0, 0xe4, 0x42)};

}  // namespace

// The chart goes to QChartView's constructor: setChart() would release the default chart
// QChartView(parent) makes without deleting it (a leak LeakSanitizer reported per chart).
CandidateChart::CandidateChart(QWidget* parent) : QChartView(new QChart, parent) {
    QChart* chart = this->chart();
    m_series = new QBarSeries(chart);
    m_axisX = new QBarCategoryAxis(chart);
    m_axisY = new QValueAxis(chart);
    chart->addAxis(m_axisX, Qt::AlignBottom);
    chart->addAxis(m_axisY, Qt::AlignLeft);
    chart->addSeries(m_series);
    m_series->attachAxis(m_axisX);
    m_series->attachAxis(m_axisY);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(fontMetrics().height() * 14);
    applyPalette();
}

void CandidateChart::setBars(const QStringList& categories, const QList<Bars>& sets,
                             const QList<int>& highlighted, bool animate) {
    chart()->setAnimationOptions(animate ? QChart::SeriesAnimations : QChart::NoAnimation);
    // taken out and put back so that the theme colours the new sets like any added series
    chart()->removeSeries(m_series);
    // a long list of sets reads better as a column beside the bars than as a cut-off row
    chart()->legend()->setAlignment(sets.size() > kSetsInARow ? Qt::AlignRight : Qt::AlignBottom);
    m_series->clear();
    qreal top = 0;
    for (const Bars& bars : sets) {
        auto* set = new QBarSet(bars.name);
        set->append(bars.values);
        for (qreal v : bars.values) top = std::max(top, v);
        m_series->append(set);
    }
    m_axisX->setCategories(categories);
    m_axisY->setRange(0, top > 0 ? top : 1);
    m_axisY->applyNiceNumbers();
    chart()->addSeries(m_series);
    m_series->attachAxis(m_axisX);
    m_series->attachAxis(m_axisY);
    m_highlighted = highlighted;
    colourBars();
}

void CandidateChart::setTitle(const QString& title) { chart()->setTitle(title); }

void CandidateChart::changeEvent(QEvent* event) {
    QChartView::changeEvent(event);
    if (m_series && (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange))
        applyPalette();
}

void CandidateChart::applyPalette() {
    const QPalette& p = palette();
    // background, lines, text and fonts follow the widget; the sets have colours of their own
    chart()->setBackgroundBrush(p.brush(QPalette::Base));
    chart()->setTitleBrush(p.brush(QPalette::Text));
    chart()->setTitleFont(font());
    chart()->legend()->setLabelColor(p.color(QPalette::Text));
    chart()->legend()->setFont(font());
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(m_axisX), static_cast<QAbstractAxis*>(m_axisY)}) {
        axis->setLabelsBrush(p.brush(QPalette::Text));
        axis->setLabelsFont(font());
        axis->setGridLineColor(p.color(QPalette::Mid));
        axis->setLinePenColor(p.color(QPalette::Mid));
    }
    colourBars();
}

void CandidateChart::colourBars() {
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    const QList<QBarSet*> sets = m_series->barSets();
    for (qsizetype i = 0; i < sets.size(); ++i) {
        QBarSet* set = sets[i];
        const QColor colour = kSetColours[size_t(i) % std::size(kSetColours)];
        set->setColor(colour);
        set->setBorderColor(colour);
        set->setSelectedColor(dark ? colour.lighter(170) : colour.darker(170));
        set->deselectAllBars();
        set->selectBars(m_highlighted);
    }
}
