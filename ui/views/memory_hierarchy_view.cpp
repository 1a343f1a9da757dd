#include "views/memory_hierarchy_view.h"

#include <QComboBox>
#include <QEvent>
#include <QFontMetricsF>
#include <QGraphicsPolygonItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "attention/device_preset.h"
#include "views/preset_description.h"

namespace {

// The book's Figure 3-2, as the FlashAttention paper's Figure 1 gives it (an A100 40GB).
constexpr double kBookSramBandwidth = 19e12, kBookSramBytes = 20e6;
constexpr double kBookHbmBandwidth = 1.5e12, kBookHbmBytes = 40e9;
constexpr double kBookDramBandwidth = 12.8e9, kBookDramBytes = 1e12;
constexpr qreal kMaxScale = 2.5;

QString bandwidthText(double bytesPerSecond) {
    const QLocale locale;
    if (bytesPerSecond >= 1e12)
        return MemoryHierarchyView::tr("%1 TB/s").arg(locale.toString(bytesPerSecond / 1e12, 'g', 3));
    return MemoryHierarchyView::tr("%1 GB/s").arg(locale.toString(bytesPerSecond / 1e9, 'g', 3));
}

// Binary units with three significant digits: "141 GiB", "29.4 MiB", "227 KiB".
QString sizeText(double bytes) {
    static const char* const kUnits[] = {
        QT_TRANSLATE_NOOP("MemoryHierarchyView", "B"), QT_TRANSLATE_NOOP("MemoryHierarchyView", "KiB"),
        QT_TRANSLATE_NOOP("MemoryHierarchyView", "MiB"), QT_TRANSLATE_NOOP("MemoryHierarchyView", "GiB"),
        QT_TRANSLATE_NOOP("MemoryHierarchyView", "TiB")};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(QLocale().toString(bytes, 'g', 3),
                                       MemoryHierarchyView::tr(kUnits[unit]));
}

QGraphicsSimpleTextItem* addText(QGraphicsScene* scene, const QString& text, const QColor& color,
                                 const QString& role, const QString& tip = {}) {
    QGraphicsSimpleTextItem* item = scene->addSimpleText(text);
    item->setBrush(color);
    item->setData(MemoryHierarchyView::kRoleKey, role);
    if (!tip.isEmpty()) item->setToolTip(tip);
    return item;
}

// One of the run event's device facts, or empty.
QString deviceFact(const dlab::RunEvent& run, const char* key) {
    const auto it = run.device_facts.find(key);
    return it == run.device_facts.end() ? QString() : QString::fromStdString(it->second);
}

}  // namespace

MemoryHierarchyView::MemoryHierarchyView(QWidget* parent) : StepView(parent) {
    m_presetBox = new QComboBox;
    for (const dlab::DevicePreset& preset : dlab::device_presets())
        m_presetBox->addItem(QString::fromStdString(preset.name), QString::fromStdString(preset.name));
    m_presetLabel = new QLabel;
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_presetLabel);
    controls->addWidget(m_presetBox);
    controls->addStretch(1);

    m_scene = new QGraphicsScene(this);
    m_view = new QGraphicsView(m_scene);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_view->viewport()->installEventFilter(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_view, 1);

    connect(m_presetBox, &QComboBox::activated, this,
            [this](int index) { setDevicePreset(m_presetBox->itemData(index).toString()); });
    setDevicePreset(m_preset);
    retranslate();
}

QString MemoryHierarchyView::title() const { return tr("Memory hierarchy"); }

void MemoryHierarchyView::retranslate() {
    m_presetLabel->setText(tr("Compare with device:"));
    const std::vector<dlab::DevicePreset>& presets = dlab::device_presets();
    for (size_t i = 0; i < presets.size(); ++i)
        m_presetBox->setItemData(int(i), presetDescription(presets[i]), Qt::ToolTipRole);
    redraw();
}

void MemoryHierarchyView::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    m_step = 0;
    // the device the run modelled when the trace says (redraws)
    const QString preset = tracePreset(timeline);
    setDevicePreset(preset.isEmpty() ? m_preset : preset);
}

void MemoryHierarchyView::showStep(int step, bool animate) {
    (void)animate;  // nothing moves: only the step's summary line changes
    m_step = step;
    redraw();
}

void MemoryHierarchyView::setDevicePreset(const QString& name) {
    dlab::device_preset(name.toStdString());  // refuses an unknown name
    m_preset = name;
    m_presetBox->setCurrentIndex(std::max(0, m_presetBox->findData(name)));
    redraw();
}

std::vector<MemoryHierarchyView::Level> MemoryHierarchyView::bookLevels() const {
    const QString unitNote =
        tr("The book prints this as Tbit/s (Gbit/s for main memory); the FlashAttention paper's "
           "figure it reproduces gives bytes per second: 19 TB/s, 1.5 TB/s and 12.8 GB/s.");
    return {
        {tr("GPU SRAM"), kBookSramBandwidth, kBookSramBytes, tr("20 MB"), unitNote},
        {tr("GPU HBM"), kBookHbmBandwidth, kBookHbmBytes, tr("40 GB"), unitNote},
        {tr("Main memory (CPU DRAM)"), kBookDramBandwidth, kBookDramBytes, tr("> 1 TB"), unitNote},
    };
}

std::vector<MemoryHierarchyView::Level> MemoryHierarchyView::presetLevels() const {
    const dlab::DevicePreset& p = dlab::device_preset(m_preset.toStdString());
    return {
        {tr("GPU SRAM"), p.sram_bandwidth, double(p.sram_bytes), sizeText(p.sram_bytes),
         tr("Shared memory of all %1 SMs together").arg(p.n_sms)},
        {tr("GPU HBM"), p.hbm_bandwidth, double(p.hbm_bytes), sizeText(p.hbm_bytes), {}},
        // host memory varies by machine: drawn at the book's size
        {tr("Main memory (CPU DRAM)"), p.dram_bandwidth, kBookDramBytes, tr("the host's"),
         tr("Host-to-device bandwidth; the host's memory size varies")},
    };
}

qreal MemoryHierarchyView::drawPyramid(const QString& heading, const QString& headingTip,
                                       const std::vector<Level>& levels, QPointF at) {
    const QPalette& pal = palette();
    const qreal line = QFontMetricsF(font()).height();
    const qreal perDecade = 2.2 * line;  // width per factor of ten in capacity
    const qreal levelHeight = 3.4 * line;
    qreal widest = 0;
    for (const Level& level : levels) widest = std::max(widest, perDecade * std::log10(level.capacity));
    const qreal centre = at.x() + widest / 2;

    addText(m_scene, heading, pal.color(QPalette::Text), QStringLiteral("heading"), headingTip)->setPos(at);
    qreal y = at.y() + 1.8 * line;
    qreal above = 0;  // the level above's width: the trapezoid's top edge
    qreal right = at.x() + widest;
    for (size_t k = 0; k < levels.size(); ++k) {
        const Level& level = levels[k];
        const qreal width = perDecade * std::log10(level.capacity);
        const qreal top = k == 0 ? width * 0.55 : above;
        QPolygonF shape({QPointF(centre - top / 2, y), QPointF(centre + top / 2, y),
                         QPointF(centre + width / 2, y + levelHeight),
                         QPointF(centre - width / 2, y + levelHeight)});
        // faster levels are drawn stronger
        QColor fill = pal.color(QPalette::Highlight);
        fill.setAlphaF(0.55 - 0.17 * k);
        auto* body = m_scene->addPolygon(shape, QPen(pal.color(QPalette::Text), 0), fill);
        body->setToolTip(tr("%1: width ∝ log₁₀ of its capacity").arg(level.name));

        auto* name = addText(m_scene, level.name, pal.color(QPalette::Text), QStringLiteral("level"));
        name->setPos(centre - name->boundingRect().width() / 2, y + 0.4 * line);
        auto* capacity =
            addText(m_scene, level.capacityText, pal.color(QPalette::Text), QStringLiteral("capacity"));
        capacity->setPos(centre - capacity->boundingRect().width() / 2, y + 1.7 * line);
        auto* bandwidth = addText(m_scene, bandwidthText(level.bandwidth), pal.color(QPalette::Text),
                                  QStringLiteral("bandwidth"), level.bandwidthNote);
        QFont bold = font();
        bold.setBold(true);
        bandwidth->setFont(bold);
        bandwidth->setPos(centre + std::max(width, top) / 2 + line, y + levelHeight / 2 - 0.6 * line);
        right = std::max(right, bandwidth->sceneBoundingRect().right());
        above = width;
        y += levelHeight + 0.3 * line;
    }
    return right;
}

void MemoryHierarchyView::redraw() {
    m_scene->clear();
    m_scene->setFont(font());
    const QPalette& pal = palette();
    const qreal line = QFontMetricsF(font()).height();
    const dlab::DevicePreset& preset = dlab::device_preset(m_preset.toStdString());

    const QString figureTip =
        tr("Figure 3-2 (内存层次结构). The book prints the bandwidths as Tbit/s and Gbit/s; "
           "the FlashAttention paper's figure means bytes: TB/s and GB/s.");
    const qreal bookRight = drawPyramid(tr("Textbook Figure 3-2 (FlashAttention paper, A100) *"), figureTip,
                                        bookLevels(), QPointF(0, 0));
    drawPyramid(presetDescription(preset), {}, presetLevels(), QPointF(bookRight + 3 * line, 0));

    qreal y = 3 * 3.7 * line + 3 * line;
    auto* note =
        addText(m_scene,
                tr("* The book prints Tbit/s and Gbit/s; the paper's figure, and these labels, mean bytes "
                   "per second (TB/s, GB/s)."),
                pal.color(QPalette::PlaceholderText), QStringLiteral("note"), figureTip);
    note->setPos(0, y);
    y += 1.6 * line;
    addText(m_scene,
            tr("Faster memory is smaller. FlashAttention keeps each tile's scores in SRAM and moves only Q, "
               "K, V and "
               "O through HBM."),
            pal.color(QPalette::Text), QStringLiteral("note"))
        ->setPos(0, y);
    y += 1.6 * line;
    addText(m_scene,
            tr("M, the SRAM one thread block may use on the %1, is %2 (%3 four-byte elements): it sets "
               "FlashAttention's tile sizes, Bc = ⌈M / 4d⌉ key rows and Br = min(Bc, d) query rows, M "
               "counted in elements.")
                .arg(QString::fromStdString(preset.name), sizeText(preset.sram_per_block))
                .arg(preset.sram_per_block / 4),
            pal.color(QPalette::Text), QStringLiteral("note"))
        ->setPos(0, y);
    y += 1.6 * line;
    const QString device = traceDevice();
    if (!device.isEmpty()) {
        addText(m_scene, device, pal.color(QPalette::Text), QStringLiteral("device"))->setPos(0, y);
        y += 1.6 * line;
    }
    addText(m_scene, stepSummary(), pal.color(QPalette::Text), QStringLiteral("step"))->setPos(0, y);
    m_scene->setSceneRect(m_scene->itemsBoundingRect().adjusted(-line, -line, line, line));
    fitToWidth();
}

void MemoryHierarchyView::fitToWidth() {
    // a projector's wide window gets a larger picture, never a smaller one than the font's
    const qreal scale =
        std::clamp(m_view->viewport()->width() / m_scene->sceneRect().width(), 1.0, kMaxScale);
    m_view->setTransform(QTransform::fromScale(scale, scale));
}

bool MemoryHierarchyView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view->viewport() && event->type() == QEvent::Resize) fitToWidth();
    return StepView::eventFilter(watched, event);
}

QString MemoryHierarchyView::traceDevice() const {
    const dlab::RunEvent* run = m_timeline ? m_timeline->run() : nullptr;
    if (!run || run->device_facts.empty()) return {};
    const auto fact = [&](const char* key) { return deviceFact(*run, key); };
    return tr("This trace ran on the %1: %2 SMs, %3 of shared memory per thread block, %4 of L2, %5 of "
              "HBM at %6 in theory (2 × memory clock × bus width).")
        .arg(fact("name"), fact("sm_count"), sizeText(fact("shared_memory_per_block").toDouble()),
             sizeText(fact("l2_bytes").toDouble()), sizeText(fact("global_memory_bytes").toDouble()),
             bandwidthText(fact("bandwidth_bytes_per_s").toDouble()));
}

QString MemoryHierarchyView::stepSummary() const {
    if (!m_timeline) return tr("Load a trace to see what its attention moved through HBM.");
    long long bytes = 0, flops = 0;
    const std::vector<const dlab::TileEvent*> tiles = m_timeline->tiles_at(m_step);
    for (const dlab::TileEvent* e : tiles) {
        bytes += e->hbm_read_bytes + e->hbm_write_bytes;
        flops += e->flops;
    }
    if (tiles.empty())
        return tr("Step %1 records no attention tiles (decode steps read the KV cache row by row).")
            .arg(m_step);
    const dlab::DevicePreset& preset = dlab::device_preset(m_preset.toStdString());
    const double seconds = preset.modeled_seconds(bytes, flops);
    return tr("Step %1: the traced head's attention moved %2 through HBM — %3 µs at %4 on the %5 (roofline "
              "model)")
        .arg(m_step)
        .arg(sizeText(bytes))
        .arg(QLocale().toString(seconds * 1e6, 'g', 3))
        .arg(bandwidthText(preset.hbm_bandwidth))
        .arg(QString::fromStdString(preset.name));
}

QString MemoryHierarchyView::csv() const {
    QString out = QStringLiteral("source,level,bandwidth_bytes_per_s,capacity_bytes\n");
    const std::vector<Level> book = bookLevels(), device = presetLevels();
    static const char* const kLevels[] = {"sram", "hbm", "dram"};
    for (size_t k = 0; k < book.size(); ++k)
        out += QStringLiteral("textbook,%1,%2,%3\n")
                   .arg(kLevels[k])
                   .arg(book[k].bandwidth, 0, 'f', 0)
                   .arg(book[k].capacity, 0, 'f', 0);
    const dlab::DevicePreset& p = dlab::device_preset(m_preset.toStdString());
    for (size_t k = 0; k < device.size(); ++k)
        out += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(m_preset, kLevels[k])
                   .arg(device[k].bandwidth, 0, 'f', 0)
                   .arg(k == 2 ? QString() : QString::number(k == 0 ? p.sram_bytes : p.hbm_bytes));
    // the device the trace ran on, when its backend reported one
    const dlab::RunEvent* run = m_timeline ? m_timeline->run() : nullptr;
    if (run && !run->device_facts.empty())
        out += QStringLiteral("trace device,hbm,%1,%2\n")
                   .arg(deviceFact(*run, "bandwidth_bytes_per_s"), deviceFact(*run, "global_memory_bytes"));
    return out;
}

void MemoryHierarchyView::changeEvent(QEvent* event) {
    StepView::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        redraw();
}
