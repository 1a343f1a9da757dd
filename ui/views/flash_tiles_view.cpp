#include "views/flash_tiles_view.h"

#include <QComboBox>
#include <QEvent>
#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSlider>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>

#include "attention/device_preset.h"
#include "views/io_model_chart.h"
#include "views/preset_description.h"

namespace {

constexpr int kPlayIntervalMs = 450;
constexpr int kFallbackHeadDim = 64;

// Exact bytes while they are easy to read, binary units above.
QString bytesText(long long bytes) {
    const QLocale locale;
    if (bytes < 1024 * 1024) return FlashTilesView::tr("%1 B").arg(locale.toString(bytes));
    return locale.formattedDataSize(bytes);
}

QString statText(const std::optional<float>& value) {
    if (!value) return QStringLiteral("?");
    if (std::isinf(*value)) return *value < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    return QLocale().toString(double(*value), 'g', 4);
}

QGraphicsSimpleTextItem* addLabel(QGraphicsScene* scene, const QString& text, QPointF at, const QColor& color,
                                  const QString& role = QStringLiteral("note"), QVariant value = {}) {
    QGraphicsSimpleTextItem* item = scene->addSimpleText(text);
    item->setBrush(color);
    item->setPos(at);
    item->setData(FlashTilesView::kRoleKey, role);
    if (value.isValid()) item->setData(FlashTilesView::kValueKey, value);
    return item;
}

QColor withAlpha(QColor color, double alpha) {
    color.setAlphaF(alpha);
    return color;
}

}  // namespace

FlashTilesView::FlashTilesView(QWidget* parent) : StepView(parent) {
    m_passBox = new QComboBox;
    m_playButton = new QToolButton;
    m_playButton->setCheckable(true);
    m_slider = new QSlider(Qt::Horizontal);
    m_cursorLabel = new QLabel;
    m_deviceLabel = new QLabel;
    m_presetBox = new QComboBox;
    for (const dlab::DevicePreset& preset : dlab::device_presets())
        m_presetBox->addItem(QString::fromStdString(preset.name), QString::fromStdString(preset.name));
    m_playTimer = new QTimer(this);
    m_playTimer->setInterval(kPlayIntervalMs);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_passBox);
    controls->addWidget(m_playButton);
    controls->addWidget(m_slider, 1);
    controls->addWidget(m_cursorLabel);
    controls->addWidget(m_deviceLabel);
    controls->addWidget(m_presetBox);

    m_scene = new QGraphicsScene(this);
    m_sceneView = new QGraphicsView(m_scene);
    m_sceneView->setRenderHint(QPainter::Antialiasing);
    m_sceneView->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_sceneView->viewport()->installEventFilter(this);

    m_ioChart = new IoModelChart;

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_sceneView);
    split->addWidget(m_ioChart);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({30 * fontMetrics().height(), 18 * fontMetrics().height()});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(split, 1);

    connect(m_slider, &QSlider::valueChanged, this, &FlashTilesView::setTileCursor);
    connect(m_passBox, &QComboBox::activated, this, &FlashTilesView::selectPass);
    connect(m_presetBox, &QComboBox::activated, this,
            [this](int index) { setDevicePreset(m_presetBox->itemData(index).toString()); });
    connect(m_playButton, &QToolButton::toggled, this, [this](bool on) {
        if (!on) {
            m_playTimer->stop();
            return;
        }
        if (m_cursor >= tileCount()) setTileCursor(0);
        m_playTimer->start();
    });
    connect(m_playTimer, &QTimer::timeout, this, &FlashTilesView::play);
    rebuildChart();
    retranslate();
}

QString FlashTilesView::title() const { return tr("FlashAttention tiles"); }

void FlashTilesView::retranslate() {
    m_passBox->setToolTip(tr("This step ran several prefill passes; choose which one to show."));
    for (int i = 0; i < m_passBox->count(); ++i) m_passBox->setItemText(i, passLabel(i));
    m_playButton->setText(tr("Play"));
    m_slider->setToolTip(tr("Tile cursor: how many tiles have been computed"));
    m_cursorLabel->setMinimumWidth(
        fontMetrics().horizontalAdvance(tr("kernel %1 of %2").arg(8888).arg(8888)));
    showCursorLabel();
    m_deviceLabel->setText(tr("Device:"));
    const std::vector<dlab::DevicePreset>& presets = dlab::device_presets();
    for (size_t i = 0; i < presets.size(); ++i)
        m_presetBox->setItemData(int(i), presetDescription(presets[i]), Qt::ToolTipRole);
    redraw();
}

QString FlashTilesView::passLabel(int pass) const {
    return tr("pass %1: %n quer(ies)", nullptr, m_passes[size_t(pass)].nQueries).arg(pass + 1);
}

void FlashTilesView::showCursorLabel() {
    if (m_passes.empty()) return m_cursorLabel->clear();
    const bool flash = m_passes[m_pass].flash;
    m_cursorLabel->setText(flash ? tr("tile %1 of %2").arg(m_cursor).arg(tileCount())
                                 : tr("kernel %1 of %2").arg(m_cursor).arg(tileCount()));
}

int FlashTilesView::tileCount() const { return m_passes.empty() ? 0 : int(m_passes[m_pass].steps.size()); }

void FlashTilesView::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    m_sourceStep = -2;  // nothing shown yet, not even "no tiles"
    m_passes.clear();
    // the device the run modelled when the trace says; the head dimension may have changed
    const QString preset = tracePreset(timeline);
    setDevicePreset(preset.isEmpty() ? m_preset : preset);
    showStep(0, false);
}

void FlashTilesView::showStep(int step, bool animate) {
    // decode steps attend through the cache and record no tiles: keep the latest prefill's
    int source = -1;
    for (int s = std::min(step, m_timeline ? m_timeline->last_step() : -1); s >= 0 && source < 0; --s)
        if (!m_timeline->tiles_at(s).empty()) source = s;
    const std::vector<const dlab::TileEvent*> events =
        source >= 0 ? m_timeline->tiles_at(source) : std::vector<const dlab::TileEvent*>{};
    if (source == m_sourceStep && events.size() == m_sourceEvents) return;  // the tiles shown already

    m_sourceStep = source;
    m_sourceEvents = events.size();
    m_passes = readPasses(events);
    m_passBox->clear();
    for (int i = 0; i < int(m_passes.size()); ++i) m_passBox->addItem(passLabel(i));
    m_passBox->setVisible(m_passes.size() > 1);
    m_pass = 0;
    selectPass(0);
    if (animate && tileCount() > 0) {
        setTileCursor(0);
        m_playButton->setChecked(true);
    }
}

std::vector<FlashTilesView::Pass> FlashTilesView::readPasses(
    const std::vector<const dlab::TileEvent*>& events) {
    std::vector<Pass> passes;
    for (const dlab::TileEvent* e : events) {
        if (e->kind == "flash_init" || e->kind == "naive_qk" || passes.empty()) passes.emplace_back();
        Pass& pass = passes.back();
        pass.events.push_back(e);
        if (e->kind == "flash_init") {
            pass.flash = true;
            pass.init = e;
            pass.nQueries = e->q_rows;
            continue;
        }
        pass.steps.push_back(e);
        if (e->m_after) pass.rowTile = e;
        if (e->kind != "flash_tile") {  // a naive kernel covers the whole matrix
            pass.nQueries = std::max(pass.nQueries, e->q_rows);
            pass.nKeys = std::max(pass.nKeys, e->kv_rows);
            continue;
        }
        pass.flash = true;
        pass.rows = std::max(pass.rows, e->q_rows);
        pass.cols = std::max(pass.cols, e->kv_rows);
        pass.nQueries = std::max(pass.nQueries, e->q_first + e->q_rows);
        pass.nKeys = std::max(pass.nKeys, e->kv_first + e->kv_rows);
    }
    for (Pass& pass : passes) {
        pass.nKeys = std::max(pass.nKeys, pass.nQueries);  // a causal pass sees at least its own rows
        pass.queryOffset = pass.nKeys - pass.nQueries;
    }
    return passes;
}

void FlashTilesView::selectPass(int index) {
    m_playButton->setChecked(false);
    m_pass = std::clamp(index, 0, std::max(0, int(m_passes.size()) - 1));
    m_slider->blockSignals(true);
    m_slider->setRange(0, tileCount());
    m_slider->blockSignals(false);
    m_cursor = -1;
    setTileCursor(tileCount());
}

void FlashTilesView::setTileCursor(int cursor) {
    cursor = std::clamp(cursor, 0, tileCount());
    if (cursor == m_cursor) return;
    m_cursor = cursor;
    m_slider->blockSignals(true);
    m_slider->setValue(cursor);
    m_slider->blockSignals(false);
    showCursorLabel();
    redraw();
}

void FlashTilesView::play() {
    if (m_cursor >= tileCount()) {
        m_playButton->setChecked(false);
        return;
    }
    setTileCursor(m_cursor + 1);
}

void FlashTilesView::redraw() {
    m_scene->clear();
    m_scene->setFont(font());
    m_scene->setPalette(palette());
    if (m_passes.empty()) {
        addLabel(m_scene,
                 m_timeline
                     ? tr("No attention tiles in this trace up to this step: tiles are recorded for one "
                          "layer and head of each prefill pass.")
                     : tr("No trace loaded."),
                 QPointF(), palette().color(QPalette::PlaceholderText));
        m_scene->setSceneRect(m_scene->itemsBoundingRect());
        return;
    }
    // the matrix takes the view's height, the memory boxes go right of it and its caption
    const qreal line = QFontMetricsF(font()).height();
    const qreal side = std::clamp(m_sceneView->viewport()->height() - 6 * line, 16 * line, 48 * line);
    const QRectF matrix(2 * line, 2 * line, side, side);
    drawMatrix(matrix);
    drawMemory(QPointF(m_scene->itemsBoundingRect().right() + 3 * line, matrix.top()));
    m_scene->setSceneRect(m_scene->itemsBoundingRect().adjusted(-line, -line, line, line));
}

void FlashTilesView::drawMatrix(const QRectF& area) {
    const Pass& pass = m_passes[m_pass];
    const QPalette& pal = palette();
    const qreal line = QFontMetricsF(font()).height();
    const qreal cw = area.width() / pass.nKeys, ch = area.height() / pass.nQueries;
    m_scene->addRect(area, QPen(pal.color(QPalette::Text), 0), pal.color(QPalette::Base));

    if (pass.flash)
        drawFlashTiles(area);
    else
        drawNaiveKernels(area);

    // the causal mask: row r sees keys up to queryOffset + r, the staircase above is −∞
    const int lastMasked = std::min(pass.nQueries - 1, pass.nKeys - pass.queryOffset - 2);
    if (lastMasked >= 0) {
        QPainterPath mask;
        mask.moveTo(area.left() + (pass.queryOffset + 1) * cw, area.top());
        mask.lineTo(area.right(), area.top());
        mask.lineTo(area.right(), area.top() + (lastMasked + 1) * ch);
        for (int r = lastMasked; r >= 0; --r) {
            const qreal x = area.left() + (pass.queryOffset + r + 1) * cw;
            mask.lineTo(x, area.top() + (r + 1) * ch);
            mask.lineTo(x, area.top() + r * ch);
        }
        mask.closeSubpath();
        auto* masked = m_scene->addPath(mask, QPen(pal.color(QPalette::Text), 0, Qt::DashLine),
                                        withAlpha(pal.color(QPalette::PlaceholderText), 0.18));
        masked->setZValue(2);
        masked->setToolTip(tr("Above the causal diagonal: a query never sees later keys (scores −∞)."));
    }

    const QColor text = pal.color(QPalette::Text);
    addLabel(m_scene,
             pass.flash ? tr("keys / values j → (blocks of Bc = %1)").arg(pass.cols) : tr("keys / values →"),
             area.topLeft() - QPointF(0, 1.4 * line), text);
    auto* rows =
        addLabel(m_scene, pass.flash ? tr("queries i → (blocks of Br = %1)").arg(pass.rows) : tr("queries →"),
                 QPointF(area.left() - 1.6 * line, area.top()), text);
    rows->setTransformOriginPoint(0, 0);
    rows->setRotation(90);
    rows->setPos(area.left() - 0.4 * line, area.top());

    addLabel(m_scene, tr("N = %1 queries × %2 keys").arg(pass.nQueries).arg(pass.nKeys),
             area.bottomLeft() + QPointF(0, 0.5 * line), text);
    if (pass.flash) {
        const int nr = (pass.nQueries + pass.rows - 1) / pass.rows,
                  nc = (pass.nKeys + pass.cols - 1) / pass.cols;
        addLabel(m_scene,
                 tr("%1 × %2 = %3 tiles: %4 computed, %5 skipped above the diagonal")
                     .arg(nr)
                     .arg(nc)
                     .arg(nr * nc)
                     .arg(pass.steps.size())
                     .arg(nr * nc - int(pass.steps.size())),
                 area.bottomLeft() + QPointF(0, 1.8 * line), text);
    }

    // the query rows whose m and ℓ the tiles report
    if (const dlab::TileEvent* rowTile = pass.rowTile) {
        const QRectF band(area.left(), area.top() + rowTile->q_first * ch, area.width(),
                          rowTile->q_rows * ch);
        auto* outline =
            m_scene->addRect(band, QPen(pal.color(QPalette::Highlight), 0.12 * line, Qt::DashLine));
        outline->setZValue(5);
        outline->setToolTip(tr("The query block holding the highlighted row: its tiles report m and ℓ"));
        addLabel(m_scene, tr("◀ m, ℓ"), QPointF(area.right() + 0.3 * line, band.center().y() - 0.5 * line),
                 pal.color(QPalette::Highlight));
    }
}

void FlashTilesView::drawFlashTiles(const QRectF& area) {
    const Pass& pass = m_passes[m_pass];
    const QPalette& pal = palette();
    const qreal cw = area.width() / pass.nKeys, ch = area.height() / pass.nQueries;
    const QFontMetricsF fm(font());
    std::map<std::pair<int, int>, int> order;  // (i, j) → index among the computed tiles
    for (size_t k = 0; k < pass.steps.size(); ++k)
        order[{pass.steps[k]->q_block, pass.steps[k]->kv_block}] = int(k);

    const int nRowBlocks = (pass.nQueries + pass.rows - 1) / pass.rows;
    const int nColBlocks = (pass.nKeys + pass.cols - 1) / pass.cols;
    for (int i = 0; i < nRowBlocks; ++i)
        for (int j = 0; j < nColBlocks; ++j) {
            const int qFirst = i * pass.rows, qRows = std::min(pass.rows, pass.nQueries - qFirst);
            const int kvFirst = j * pass.cols, kvRows = std::min(pass.cols, pass.nKeys - kvFirst);
            const QRectF rect(area.left() + kvFirst * cw, area.top() + qFirst * ch, kvRows * cw, qRows * ch);
            auto* tile = m_scene->addRect(rect, QPen(pal.color(QPalette::Mid), 0));
            tile->setData(kRoleKey, QStringLiteral("tile"));
            tile->setData(kQBlockKey, i);
            tile->setData(kKvBlockKey, j);
            QString state;
            const auto found = order.find({i, j});
            if (found != order.end()) {
                const int k = found->second;
                state = k < m_cursor - 1    ? QStringLiteral("done")
                        : k == m_cursor - 1 ? QStringLiteral("current")
                                            : QStringLiteral("pending");
                const dlab::TileEvent& e = *pass.steps[k];
                tile->setToolTip(
                    tr("Tile (%1, %2), number %3 in Algorithm 1's order: HBM read %4, written "
                       "%5; SRAM resident %6; %7 FLOPs%8")
                        .arg(QString::number(i), QString::number(j), QString::number(k + 1),
                             bytesText(e.hbm_read_bytes), bytesText(e.hbm_write_bytes),
                             bytesText(e.sram_bytes), QLocale().toString(e.flops),
                             e.masked ? tr("; straddles the diagonal (partly masked)") : QString()));
                if (state != QLatin1String("pending")) {
                    tile->setBrush(withAlpha(pal.color(QPalette::Highlight),
                                             state == QLatin1String("current") ? 0.9 : 0.45));
                    const QString number = QString::number(k + 1);
                    if (fm.horizontalAdvance(number) < rect.width() * 0.9 && fm.height() < rect.height()) {
                        auto* label =
                            addLabel(m_scene, number, {},
                                     pal.color(state == QLatin1String("current") ? QPalette::HighlightedText
                                                                                 : QPalette::Text));
                        label->setPos(rect.center() - label->boundingRect().center());
                        label->setZValue(3);
                    }
                }
                if (state == QLatin1String("current")) {
                    tile->setPen(QPen(pal.color(QPalette::Text), 0.15 * fm.height()));
                    tile->setZValue(4);
                }
            } else if (pass.queryOffset + qFirst + qRows - 1 < kvFirst) {
                state = QStringLiteral("skipped");
                tile->setBrush(QBrush(pal.color(QPalette::Mid), Qt::BDiagPattern));
                tile->setToolTip(tr("Tile (%1, %2) skipped: wholly above the causal diagonal, never loaded")
                                     .arg(i)
                                     .arg(j));
            } else {
                state = QStringLiteral("unrecorded");
                tile->setBrush(QBrush(pal.color(QPalette::Mid), Qt::Dense6Pattern));
                tile->setToolTip(
                    tr("Tile (%1, %2) computed but not recorded (max_tile_events reached)").arg(i).arg(j));
            }
            tile->setData(kStateKey, state);
        }
}

void FlashTilesView::drawNaiveKernels(const QRectF& area) {
    const Pass& pass = m_passes[m_pass];
    const QPalette& pal = palette();
    // each kernel writes a whole matrix to HBM: S = QKᵀ, then P = softmax(S), then O = PV
    static const char* const kWritten[] = {QT_TR_NOOP("S = QKᵀ/√d written to HBM (N × N)"),
                                           QT_TR_NOOP("P = softmax(S) written to HBM (N × N)"),
                                           QT_TR_NOOP("O = PV written to HBM (N × d)")};
    if (m_cursor > 0) {
        auto* written =
            m_scene->addRect(area, Qt::NoPen, withAlpha(pal.color(QPalette::Highlight), 0.25 * m_cursor));
        written->setData(kRoleKey, QStringLiteral("kernel"));
    }
    const qreal line = QFontMetricsF(font()).height();
    for (int k = 0; k < int(pass.steps.size()) && k < 3; ++k) {
        auto* label =
            addLabel(m_scene, tr(kWritten[k]), area.topLeft() + QPointF(line, (k + 1) * 1.5 * line),
                     k < m_cursor ? pal.color(QPalette::Text) : pal.color(QPalette::PlaceholderText),
                     QStringLiteral("kernel"), k < m_cursor);
        label->setZValue(3);
    }
}

void FlashTilesView::drawMemory(QPointF at) {
    const Pass& pass = m_passes[m_pass];
    const QPalette& pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const qreal line = QFontMetricsF(font()).height();
    const dlab::TileEvent* current = m_cursor > 0 ? pass.steps[m_cursor - 1] : nullptr;

    // running totals: the initialisation of O, ℓ, m and every step up to the cursor
    long long read = 0, written = 0;
    if (pass.init) {
        read += pass.init->hbm_read_bytes;
        written += pass.init->hbm_write_bytes;
    }
    for (int k = 0; k < m_cursor; ++k) {
        read += pass.steps[k]->hbm_read_bytes;
        written += pass.steps[k]->hbm_write_bytes;
    }

    const qreal width = 22 * line;
    const QRectF sram(at, QSizeF(width, 4.5 * line));
    auto* sramBox = m_scene->addRect(sram, QPen(text, 0), withAlpha(pal.color(QPalette::Highlight), 0.12));
    sramBox->setToolTip(tr("SRAM: on-chip memory of one thread block — fast, small (静态随机存取存储器)"));
    addLabel(m_scene, tr("SRAM (on chip)"), sram.topLeft() + QPointF(0.5 * line, 0.3 * line), text);
    const long long resident = current ? current->sram_bytes : 0;
    addLabel(m_scene,
             pass.flash ? tr("resident now: %1 (Qᵢ, Kⱼ, Vⱼ, Oᵢ, Sᵢⱼ, ℓᵢ, mᵢ)").arg(bytesText(resident))
                        : tr("standard attention keeps nothing here between its kernels"),
             sram.topLeft() + QPointF(0.5 * line, 1.8 * line), text, QStringLiteral("sram"), resident);

    const QRectF hbm(at + QPointF(0, sram.height() + 5 * line), QSizeF(width, 7.5 * line));
    auto* hbmBox = m_scene->addRect(hbm, QPen(text, 0), withAlpha(pal.color(QPalette::Mid), 0.15));
    hbmBox->setToolTip(tr("HBM: the GPU's main memory — large, slower (高带宽内存)"));
    addLabel(m_scene, pass.flash ? tr("HBM: Q, K, V, O, ℓ, m") : tr("HBM: Q, K, V, S, P, O"),
             hbm.topLeft() + QPointF(0.5 * line, 0.3 * line), text);
    const int n = tileCount();
    addLabel(m_scene, tr("read so far: %1").arg(bytesText(read)),
             hbm.topLeft() + QPointF(0.5 * line, 1.8 * line), text, QStringLiteral("total-read"), read);
    addLabel(m_scene, tr("written so far: %1").arg(bytesText(written)),
             hbm.topLeft() + QPointF(0.5 * line, 3.1 * line), text, QStringLiteral("total-write"), written);
    addLabel(m_scene,
             (pass.flash ? tr("total: %1 after %2 of %3 tiles") : tr("total: %1 after %2 of %3 kernels"))
                 .arg(bytesText(read + written))
                 .arg(m_cursor)
                 .arg(n),
             hbm.topLeft() + QPointF(0.5 * line, 4.4 * line), text, QStringLiteral("total"), read + written);
    if (pass.init)
        addLabel(m_scene,
                 tr("(includes %1 written to initialise O = 0, ℓ = 0, m = −∞)")
                     .arg(bytesText(pass.init->hbm_write_bytes)),
                 hbm.topLeft() + QPointF(0.5 * line, 5.8 * line), pal.color(QPalette::PlaceholderText));

    // the current step's traffic: reads go up into SRAM, writes come back down
    const qreal upX = at.x() + 0.3 * width, downX = at.x() + 0.7 * width;
    const qreal top = sram.bottom(), bottom = hbm.top();
    const QColor arrowColor = current ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid);
    auto arrow = [&](qreal x, bool up) {
        QPainterPath path(QPointF(x, up ? bottom : top));
        path.lineTo(x, up ? top : bottom);
        const qreal tipY = up ? top : bottom, dir = up ? 1 : -1;
        path.moveTo(x - 0.4 * line, tipY + dir * 0.6 * line);
        path.lineTo(x, tipY);
        path.lineTo(x + 0.4 * line, tipY + dir * 0.6 * line);
        m_scene->addPath(path, QPen(arrowColor, 0.15 * line));
    };
    arrow(upX, true);
    arrow(downX, false);
    const long long tileRead = current ? current->hbm_read_bytes : 0;
    const long long tileWrite = current ? current->hbm_write_bytes : 0;
    addLabel(m_scene, tr("read %1").arg(bytesText(tileRead)), QPointF(upX - 7 * line, top + 2 * line), text,
             QStringLiteral("tile-read"), tileRead);
    addLabel(m_scene, tr("write %1").arg(bytesText(tileWrite)), QPointF(downX + 0.6 * line, top + 2 * line),
             text, QStringLiteral("tile-write"), tileWrite);
    drawSoftmax(hbm.bottomLeft() + QPointF(0, 1.5 * line));
}

void FlashTilesView::drawSoftmax(QPointF at) {
    const Pass& pass = m_passes[m_pass];
    const QPalette& pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const qreal line = QFontMetricsF(font()).height();
    if (!pass.flash) return;

    const dlab::TileEvent* rowTile = pass.rowTile;
    if (!rowTile) {
        addLabel(m_scene, tr("Online softmax: no query row highlighted in this trace (highlight_row)."), at,
                 pal.color(QPalette::PlaceholderText));
        return;
    }
    addLabel(m_scene,
             tr("Online softmax of the highlighted row (query block %1, rows %2–%3):")
                 .arg(rowTile->q_block)
                 .arg(rowTile->q_first)
                 .arg(rowTile->q_first + rowTile->q_rows - 1),
             at, text);
    const dlab::TileEvent* current = m_cursor > 0 ? pass.steps[m_cursor - 1] : nullptr;
    const dlab::TileEvent* last = nullptr;  // the row's latest tile up to the cursor
    for (int k = 0; k < m_cursor; ++k)
        if (pass.steps[k]->m_after) last = pass.steps[k];
    QString m, l, note;
    double mValue = -INFINITY, lValue = 0;
    if (current && current->m_after) {
        m = tr("m: %1 → %2").arg(statText(current->m_before), statText(current->m_after));
        l = tr("ℓ: %1 → %2").arg(statText(current->l_before), statText(current->l_after));
        mValue = *current->m_after;
        lValue = current->l_after.value_or(0);
        if (current->m_before && *current->m_after > *current->m_before && !std::isinf(*current->m_before))
            note = tr("m rose: the earlier ℓ and partial output are rescaled by e^(m_old − m_new)");
    } else if (last) {
        m = tr("m = %1 (since tile (%2, %3))")
                .arg(statText(last->m_after))
                .arg(last->q_block)
                .arg(last->kv_block);
        l = tr("ℓ = %1").arg(statText(last->l_after));
        mValue = *last->m_after;
        lValue = last->l_after.value_or(0);
        note = tr("this tile does not hold the row");
    } else {
        m = tr("m = −∞ (no tile of this row yet)");
        l = tr("ℓ = 0");
    }
    addLabel(m_scene, m, at + QPointF(line, 1.4 * line), text, QStringLiteral("m"), mValue);
    addLabel(m_scene, l, at + QPointF(line, 2.7 * line), text, QStringLiteral("l"), lValue);
    if (!note.isEmpty())
        addLabel(m_scene, note, at + QPointF(line, 4.0 * line), pal.color(QPalette::PlaceholderText));
}

int FlashTilesView::headDim() const {
    const dlab::RunEvent* run = m_timeline ? m_timeline->run() : nullptr;
    if (!run) return kFallbackHeadDim;
    auto fact = [&](const char* key) {
        const auto it = run->model_facts.find(key);
        return it == run->model_facts.end() ? 0 : QString::fromStdString(it->second).toInt();
    };
    if (const int d = fact("head_dim"); d > 0) return d;
    const int dim = fact("dim"), heads = fact("n_heads");
    return dim > 0 && heads > 0 ? dim / heads : kFallbackHeadDim;
}

void FlashTilesView::setDevicePreset(const QString& name) {
    m_ioChart->setModel(headDim(), name);  // refuses an unknown name before anything changes
    m_preset = name;
    m_presetBox->setCurrentIndex(std::max(0, m_presetBox->findData(name)));
}

void FlashTilesView::rebuildChart() { m_ioChart->setModel(headDim(), m_preset); }

QString FlashTilesView::csv() const {
    QString out =
        QStringLiteral("index,kind,q_block,kv_block,hbm_read_bytes,hbm_write_bytes,sram_bytes,flops\n");
    if (m_passes.empty()) return out;
    const Pass& pass = m_passes[m_pass];
    for (size_t i = 0; i < pass.events.size(); ++i) {
        const dlab::TileEvent& e = *pass.events[i];
        out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8\n")
                   .arg(i)
                   .arg(QString::fromStdString(e.kind))
                   .arg(e.q_block)
                   .arg(e.kv_block)
                   .arg(e.hbm_read_bytes)
                   .arg(e.hbm_write_bytes)
                   .arg(e.sram_bytes)
                   .arg(e.flops);
    }
    return out;
}

bool FlashTilesView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_sceneView->viewport() && event->type() == QEvent::Resize)
        redraw();  // the matrix follows its height
    return StepView::eventFilter(watched, event);
}

void FlashTilesView::changeEvent(QEvent* event) {
    StepView::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        redraw();
}
