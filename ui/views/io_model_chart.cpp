#include "views/io_model_chart.h"

#include <QEvent>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <algorithm>
#include <cmath>

#include "attention/device_preset.h"
#include "attention/io_model.h"

namespace {

constexpr int kElementBytes = 2;  // FP16, the FlashAttention paper's setting
const std::vector<int> kLengths = {256, 512, 1024, 2048, 4096, 8192, 16384};

}  // namespace

IoModelChart::IoModelChart(QWidget* parent) : QChartView(parent) {
    setRenderHint(QPainter::Antialiasing);
    m_naive = new QLineSeries;
    m_naive->setPointsVisible(true);
    m_flash = new QLineSeries;
    m_flash->setPointsVisible(true);
    chart()->addSeries(m_naive);
    chart()->addSeries(m_flash);
    auto* x = new QLogValueAxis;
    x->setBase(2);
    x->setLabelFormat(QStringLiteral("%d"));
    x->setRange(kLengths.front() / 1.2, kLengths.back() * 1.2);
    auto* y = new QLogValueAxis;
    y->setBase(10);
    y->setLabelFormat(QStringLiteral("%.0e"));
    chart()->addAxis(x, Qt::AlignBottom);
    chart()->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* s : {m_naive, m_flash}) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    applyPalette();
    retranslate();
}

void IoModelChart::setModel(int headDim, const QString& presetName) {
    const dlab::DevicePreset& preset = dlab::device_preset(presetName.toStdString());
    QList<QPointF> naive, flash;
    double low = INFINITY, high = 0;
    for (const dlab::IoModelPoint& p :
         dlab::io_model_series(kLengths, {headDim}, {preset.sram_per_block}, kElementBytes, false)) {
        naive.append(QPointF(p.n, double(p.naive.hbm_bytes())));
        flash.append(QPointF(p.n, double(p.flash.hbm_bytes())));
        low = std::min({low, naive.back().y(), flash.back().y()});
        high = std::max({high, naive.back().y(), flash.back().y()});
    }
    m_naive->replace(naive);
    m_flash->replace(flash);
    // whole decades, with room below the lowest point
    chart()
        ->axes(Qt::Vertical)
        .value(0)
        ->setRange(std::pow(10.0, std::floor(std::log10(low) - 0.1)),
                   std::pow(10.0, std::ceil(std::log10(high))));
    m_headDim = headDim;
    m_preset = presetName;
    retranslate();
}

void IoModelChart::retranslate() {
    m_naive->setName(tr("standard attention Θ(Nd + N²)"));
    m_flash->setName(tr("FlashAttention Θ(N²d²/M)"));
    chart()->axes(Qt::Horizontal).constFirst()->setTitleText(tr("sequence length N"));
    chart()->axes(Qt::Vertical).constFirst()->setTitleText(tr("HBM bytes"));
    if (m_preset.isEmpty()) return;  // no model yet
    const dlab::DevicePreset& preset = dlab::device_preset(m_preset.toStdString());
    chart()->setTitle(tr("HBM traffic of one head: d = %1, M = %2 (%3), FP16, no mask")
                          .arg(m_headDim)
                          .arg(QLocale().formattedDataSize(preset.sram_per_block, 0))
                          .arg(m_preset));
}

void IoModelChart::applyPalette() {
    const QPalette& pal = palette();
    chart()->setBackgroundBrush(pal.color(QPalette::Base));
    chart()->setTitleBrush(pal.color(QPalette::Text));
    chart()->legend()->setLabelColor(pal.color(QPalette::Text));
    for (QAbstractAxis* axis : chart()->axes()) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setTitleBrush(pal.color(QPalette::Text));
        axis->setGridLineColor(pal.color(QPalette::Midlight));
    }
}

void IoModelChart::changeEvent(QEvent* event) {
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    else if (event->type() == QEvent::LanguageChange)
        retranslate();
}
