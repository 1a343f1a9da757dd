// FlashAttention's IO claim as a chart: HBM bytes of standard attention, Θ(Nd + N²), against
// FlashAttention's, Θ(N²d²/M), for N = 256 … 16384, one head of dimension d, an SRAM budget
// M from a device preset, FP16 and no mask (the paper's setting), both counted by walking the
// algorithms without data (core/attention's io_model). Log scales; follows the palette.
#pragma once

#include <QChartView>
#include <QString>

QT_BEGIN_NAMESPACE
class QLineSeries;
QT_END_NAMESPACE

class IoModelChart : public QChartView {
    Q_OBJECT

public:
    explicit IoModelChart(QWidget* parent = nullptr);

    // Recomputes both series for head dimension `headDim` and the preset's ("a100" | "h100" |
    // "h200") SRAM per thread block; throws InvalidArgument for another preset name.
    void setModel(int headDim, const QString& preset);
    QLineSeries* naiveSeries() const { return m_naive; }
    QLineSeries* flashSeries() const { return m_flash; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();
    void retranslate();

    QLineSeries* m_naive = nullptr;
    QLineSeries* m_flash = nullptr;
    int m_headDim = 0;  // of the model shown, for its title
    QString m_preset;
};
