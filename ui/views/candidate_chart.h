// A bar chart over candidate tokens: one bar set per distribution (softmax and each sampler
// stage, or the playground's temperatures), one category per token, the n-th set always in
// the same colour. The chosen tokens' bars are drawn in a shade of their set's colour
// (QBarSet's selected bars) so each stage stays recognisable; the chart follows the palette
// (light or dark) and the widget's font.
#pragma once

#include <QChartView>
#include <QList>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QBarCategoryAxis;
class QBarSeries;
class QValueAxis;
QT_END_NAMESPACE

class CandidateChart : public QChartView {
    Q_OBJECT

public:
    struct Bars {
        QString name;         // the legend text
        QList<qreal> values;  // one per category
    };

    explicit CandidateChart(QWidget* parent = nullptr);

    // `highlighted`: indices into `categories` whose bars stand out in every set.
    void setBars(const QStringList& categories, const QList<Bars>& sets, const QList<int>& highlighted,
                 bool animate);
    void setTitle(const QString& title);
    QBarSeries* series() const { return m_series; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();
    void colourBars();

    QBarSeries* m_series = nullptr;
    QBarCategoryAxis* m_axisX = nullptr;
    QValueAxis* m_axisY = nullptr;
    QList<int> m_highlighted;
};
