#include "views/round_line_chart.h"

#include <QEvent>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>

namespace {

constexpr int kMaxTicks = 12;

}  // namespace

RoundLineChart::RoundLineChart(QWidget* parent) : QChartView(parent) {
    setRenderHint(QPainter::Antialiasing);
    m_x = new QValueAxis;
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_y = new QValueAxis;
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    m_marker = new QLineSeries;
    chart()->addSeries(m_marker);
    m_marker->attachAxis(m_x);
    m_marker->attachAxis(m_y);
    setMinimumHeight(fontMetrics().height() * 10);
    applyPalette();
}

QLineSeries* RoundLineChart::addLine(const QColor& colour, bool dashed) {
    auto* series = new QLineSeries;
    // a point per round: short runs read as dots, not as a line between two ends
    series->setPointsVisible(true);
    chart()->addSeries(series);
    series->attachAxis(m_x);
    series->attachAxis(m_y);
    QPen pen(colour);
    pen.setWidthF(2);
    if (dashed) pen.setStyle(Qt::DashLine);
    series->setPen(pen);
    return series;
}

void RoundLineChart::setRanges(int lastRound, qreal low, qreal high) {
    lastRound = std::max(lastRound, 1);
    // one round either side of the data, so the first and last points are not on the frame
    m_x->setRange(0, lastRound + 1);
    m_x->setTickCount(std::min(lastRound + 1, kMaxTicks) + 1);
    m_y->setRange(low, high);
    // round ticks (0, 0.2 … 1; 0, 1 … 5) rather than fifths of an odd range
    m_y->applyNiceNumbers();
    setMarker(m_round);
}

void RoundLineChart::setMarker(int round) {
    m_round = round;
    if (round <= 0) {
        m_marker->clear();
        return;
    }
    m_marker->replace({QPointF(round, m_y->min()), QPointF(round, m_y->max())});
}

void RoundLineChart::setTitles(const QString& title, const QString& xTitle, const QString& yTitle,
                               const QString& markerName) {
    chart()->setTitle(title);
    m_x->setTitleText(xTitle);
    m_y->setTitleText(yTitle);
    m_marker->setName(markerName);
}

void RoundLineChart::applyPalette() {
    const QPalette& pal = palette();
    chart()->setBackgroundBrush(pal.color(QPalette::Base));
    chart()->setTitleBrush(pal.color(QPalette::Text));
    chart()->setTitleFont(font());
    chart()->legend()->setLabelColor(pal.color(QPalette::Text));
    chart()->legend()->setFont(font());
    for (QAbstractAxis* axis : chart()->axes()) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setLabelsFont(font());
        axis->setTitleBrush(pal.color(QPalette::Text));
        axis->setTitleFont(font());
        axis->setGridLineColor(pal.color(QPalette::Midlight));
    }
    QPen markerPen(pal.color(QPalette::Highlight));
    markerPen.setStyle(Qt::DashLine);
    m_marker->setPen(markerPen);
}

void RoundLineChart::changeEvent(QEvent* event) {
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) applyPalette();
}
