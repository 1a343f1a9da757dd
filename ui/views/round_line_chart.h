// Values per speculative-sampling round as lines (the acceptance rate α so far; the tokens
// a target pass yields, expected against measured), one point per round, with a dashed
// marker at the shown round. Follows the palette (light or dark) and the widget's font;
// the view names the lines and axes.
#pragma once

#include <QChartView>
#include <QColor>

QT_BEGIN_NAMESPACE
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

class RoundLineChart : public QChartView {
    Q_OBJECT

public:
    explicit RoundLineChart(QWidget* parent = nullptr);

    // A new line drawn in `colour`, dashed when `dashed` (a theory beside a measurement).
    QLineSeries* addLine(const QColor& colour, bool dashed = false);
    // The rounds axis 1 … lastRound and the value axis; the marker stays where it was.
    void setRanges(int lastRound, qreal low, qreal high);
    // The marker at `round`; 0 hides it.
    void setMarker(int round);
    QLineSeries* marker() const { return m_marker; }
    void setTitles(const QString& title, const QString& xTitle, const QString& yTitle, const QString& markerName);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();

    QValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
    QLineSeries* m_marker = nullptr;
    int m_round = 0;
};
