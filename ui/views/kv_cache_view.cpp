#include "views/kv_cache_view.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QGraphicsView>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QScatterSeries>
#include <QSplitter>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cstdlib>

namespace {

// A paged pool larger than this is drawn only up to the blocks the run used.
constexpr int kMaxCellsDrawn = 64;
constexpr qreal kMaxScale = 2.0;

QString blockList(const std::vector<int>& blocks) {
    QStringList parts;
    for (int b : blocks) parts << QString::number(b);
    return parts.join(QStringLiteral(", "));
}

QString positions(int first, int n) {
    return n <= 1 ? QString::number(first) : QStringLiteral("%1–%2").arg(first).arg(first + n - 1);
}

QIcon swatch(const QColor& color, int size) {
    QPixmap pixmap(size, size);
    pixmap.fill(color);
    return QIcon(pixmap);
}

void applyPalette(QChart* chart, const QPalette& palette) {
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setTitleBrush(palette.color(QPalette::Text));
    chart->legend()->setLabelColor(palette.color(QPalette::Text));
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(palette.color(QPalette::Text));
        axis->setTitleBrush(palette.color(QPalette::Text));
        axis->setGridLineColor(palette.color(QPalette::Midlight));
    }
}

}  // namespace

KvCacheView::KvCacheView(QWidget* parent) : StepView(parent) {
    m_grid = new KvBlockGrid(this);
    m_gridView = new QGraphicsView(m_grid);
    m_gridView->setRenderHint(QPainter::Antialiasing);
    m_gridView->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_gridView->viewport()->installEventFilter(this);

    auto* side = new QWidget;
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    m_operationsLabel = new QLabel;
    sideLayout->addWidget(m_operationsLabel);
    m_operations = new QListWidget;
    m_operations->setWordWrap(true);
    sideLayout->addWidget(m_operations, 1);
    m_statsLabel = new QLabel;
    m_statsLabel->setWordWrap(true);
    m_statsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sideLayout->addWidget(m_statsLabel);

    m_chart = new QChart;
    m_reserved = new QLineSeries;
    m_used = new QLineSeries;
    m_contiguous = new QLineSeries;
    QPen contiguousPen(palette().color(QPalette::PlaceholderText));
    contiguousPen.setStyle(Qt::DotLine);
    contiguousPen.setWidthF(2);
    m_contiguous->setPen(contiguousPen);
    m_prefill = new QScatterSeries;
    m_marker = new QLineSeries;
    QPen markerPen(palette().color(QPalette::Highlight));
    markerPen.setStyle(Qt::DashLine);
    m_marker->setPen(markerPen);
    for (QAbstractSeries* s :
         std::initializer_list<QAbstractSeries*>{m_reserved, m_used, m_contiguous, m_prefill, m_marker})
        m_chart->addSeries(s);
    auto* x = new QValueAxis;
    x->setLabelFormat(QStringLiteral("%d"));
    auto* y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%d"));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : m_chart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    m_chartView = new QChartView(m_chart);
    m_chartView->setRenderHint(QPainter::Antialiasing);

    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(m_gridView);
    top->addWidget(side);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 1);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(m_chartView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({30 * fontMetrics().height(), 18 * fontMetrics().height()});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    applyPalette(m_chart, palette());
    retranslate();
}

QString KvCacheView::title() const { return tr("KV cache"); }

void KvCacheView::retranslate() {
    m_operationsLabel->setText(tr("Operations at this step"));
    m_chart->setTitle(tr("KV slots reserved vs holding a token, per step"));
    m_reserved->setName(tr("slots reserved"));
    m_used->setName(tr("slots used"));
    m_contiguous->setName(tr("a contiguous cache would reserve"));
    m_prefill->setName(tr("prefill (step 0)"));
    m_marker->setName(tr("shown step"));
    m_chart->axes(Qt::Horizontal).constFirst()->setTitleText(tr("step (0 = prefill, then decode)"));
    m_chart->axes(Qt::Vertical).constFirst()->setTitleText(tr("slots"));
}

void KvCacheView::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    m_eventCount = static_cast<size_t>(-1);  // forces a rebuild
    m_step = -1;
    refresh();
    showStep(0, false);
}

void KvCacheView::refresh() {
    const size_t count = m_timeline ? m_timeline->events().size() : 0;
    if (count == m_eventCount) return;
    m_eventCount = count;
    m_spans.clear();
    m_stats.clear();
    m_maxBlock = -1;
    if (m_timeline) {
        // replay positions: the snapshots carry tables, not lengths
        std::map<int, Span> spans;
        for (int step = 0; step <= m_timeline->last_step(); ++step) {
            std::optional<dlab::KvStatsEvent> stats;
            for (const dlab::Event* event : m_timeline->events_at(step)) {
                if (const auto* s = std::get_if<dlab::KvStatsEvent>(&event->body)) stats = *s;
                const auto* op = std::get_if<dlab::KvEvent>(&event->body);
                if (!op) continue;
                for (int block : op->blocks) m_maxBlock = std::max(m_maxBlock, block);
                if (op->op == "append" || op->op == "prefix_hit") {
                    spans[op->seq].length = op->first_pos + op->n_pos;
                } else if (op->op == "fork") {
                    spans[op->other_seq] = spans[op->seq];
                } else if (op->op == "truncate") {
                    Span& span = spans[op->seq];
                    span.length = op->first_pos;
                    span.evicted = std::min(span.evicted, span.length);
                } else if (op->op == "evict") {
                    spans[op->seq].evicted += op->n_pos;
                } else if (op->op == "free" || op->op == "preempt") {
                    spans.erase(op->seq);
                }
            }
            m_spans.push_back(spans);
            m_stats.push_back(stats);
        }
    }
    rebuildChart();
}

void KvCacheView::rebuildChart() {
    // the baseline PagedAttention is measured against: every live sequence holding a whole
    // context (the run's context length; a --max-seq-len below it is not in the trace)
    int context = 0;
    if (m_timeline && m_timeline->run()) {
        const auto& facts = m_timeline->run()->model_facts;
        if (auto it = facts.find("context_length"); it != facts.end()) context = std::atoi(it->second.c_str());
    }
    QList<QPointF> reserved, used, contiguous;
    qreal top = 1;
    for (size_t step = 0; step < m_stats.size(); ++step) {
        if (!m_stats[step]) continue;
        reserved.append(QPointF(step, m_stats[step]->slots_reserved));
        used.append(QPointF(step, m_stats[step]->slots_used));
        top = std::max<qreal>(top, m_stats[step]->slots_reserved);
        if (context > 0 && m_stats[step]->kind != "contiguous") {
            contiguous.append(QPointF(step, qreal(m_stats[step]->n_sequences) * context));
            top = std::max(top, contiguous.back().y());
        }
    }
    m_reserved->replace(reserved);
    m_used->replace(used);
    m_contiguous->replace(contiguous);
    QList<QPointF> prefill;
    if (!m_stats.empty() && m_stats[0]) prefill = {reserved.front(), used.front()};
    m_prefill->replace(prefill);
    auto* x = qobject_cast<QValueAxis*>(m_chart->axes(Qt::Horizontal).value(0));
    auto* y = qobject_cast<QValueAxis*>(m_chart->axes(Qt::Vertical).value(0));
    const int lastStep = std::max<int>(1, int(m_stats.size()) - 1);
    x->setRange(0, lastStep);
    x->setTickCount(std::min(lastStep, 12) + 1);
    y->setRange(0, top * 1.1);
    moveStepMarker();
}

void KvCacheView::moveStepMarker() {
    auto* y = qobject_cast<QValueAxis*>(m_chart->axes(Qt::Vertical).value(0));
    if (m_step < 0 || m_stats.empty()) {
        m_marker->clear();
        return;
    }
    m_marker->replace({QPointF(m_step, 0), QPointF(m_step, y->max())});
}

KvGridContent KvCacheView::contentAt(int step, const dlab::KvSnapshot& snapshot) const {
    KvGridContent content;
    const dlab::KvStatsEvent stats = snapshot.stats.value_or(dlab::KvStatsEvent{});
    content.kind = QString::fromStdString(stats.kind.empty() ? std::string("paged") : stats.kind);
    content.blockSize = stats.block_size;
    content.tables = snapshot.tables;
    content.refCounts = snapshot.ref_counts;
    const int used = m_maxBlock + 1;
    if (content.kind == QLatin1String("paged")) {
        const int pool = std::max(stats.n_blocks, used);
        content.nCells = pool;
        if (pool > kMaxCellsDrawn) {
            // whole rows up to the highest block the run used, at least one row
            const int columns = KvBlockGrid::kColumns;
            content.nCells = std::min(pool, std::max(1, (used + columns - 1) / columns) * columns);
        }
        content.nHidden = pool - content.nCells;
    } else {
        content.nCells = used;  // regions are numbered by the lowest free id
    }

    // slots holding a token: a shared block as many as its fullest owner sees in it
    static const std::map<int, Span> kNone;
    const std::map<int, Span>& spans = step >= 0 && step < int(m_spans.size()) ? m_spans[step] : kNone;
    for (const auto& [seq, table] : snapshot.tables) {
        const auto it = spans.find(seq);
        const Span span = it == spans.end() ? Span{} : it->second;
        content.lengths[seq] = span.length;
        const int kept = span.length - span.evicted;
        for (size_t i = 0; i < table.size(); ++i) {
            const int inBlock = std::clamp(kept - int(i) * content.blockSize, 0, content.blockSize);
            int& filled = content.filled[table[i]];
            filled = std::max(filled, inBlock);
        }
    }
    return content;
}

void KvCacheView::showStep(int step, bool animate) {
    refresh();
    const bool adjacent = step == m_step + 1;
    m_step = step;
    m_grid->setFont(font());
    m_grid->setPalette(palette());
    if (!m_timeline ||
        !std::any_of(m_stats.begin(), m_stats.end(), [](const auto& s) { return s.has_value(); })) {
        m_grid->setMessage(m_timeline
                               ? tr("This trace has no KV cache events (a table model keeps no cache).")
                               : tr("No trace loaded."));
        m_operations->clear();
        m_statsLabel->clear();
        moveStepMarker();
        return;
    }
    const dlab::KvSnapshot snapshot = m_timeline->kv_at(step);
    m_grid->setContent(contentAt(step, snapshot));
    m_grid->setSceneRect(m_grid->itemsBoundingRect());
    fitGridToWidth();
    if (animate && adjacent) m_grid->animate(snapshot.operations);
    showOperations(snapshot);
    showStats(snapshot);
    moveStepMarker();
}

void KvCacheView::showOperations(const dlab::KvSnapshot& snapshot) {
    m_operations->clear();
    const int icon = fontMetrics().height();
    for (const dlab::KvEvent& op : snapshot.operations) {
        auto* item =
            new QListWidgetItem(swatch(KvBlockGrid::sequenceColor(op.seq, palette()), icon), describe(op));
        item->setData(Qt::UserRole, QString::fromStdString(op.op));
        m_operations->addItem(item);
    }
    if (snapshot.operations.empty()) m_operations->addItem(tr("(no cache operation at this step)"));
}

void KvCacheView::showStats(const dlab::KvSnapshot& snapshot) {
    if (!snapshot.stats) {
        m_statsLabel->clear();
        return;
    }
    const dlab::KvStatsEvent& s = *snapshot.stats;
    const QLocale locale;
    const QString phase = m_step == 0 ? tr("after the prefill") : tr("after decode step %1").arg(m_step);
    m_statsLabel->setText(
        tr("Pool %1: %2 of %3 blocks free · %4 shared · fragmentation %5 % · utilization %6 %\n"
           "%7 slots reserved, %8 hold a token (%9 of KV memory over all layers)")
            .arg(phase)
            .arg(s.free_blocks)
            .arg(s.n_blocks)
            .arg(s.shared_blocks)
            .arg(locale.toString(100.0 * s.fragmentation(), 'f', 1))
            .arg(locale.toString(100.0 * s.utilization(), 'f', 1))
            .arg(s.slots_reserved)
            .arg(s.slots_used)
            .arg(locale.formattedDataSize(s.slots_reserved * s.bytes_per_slot)));
}

QString KvCacheView::describe(const dlab::KvEvent& op) {
    const QString blocks = blockList(op.blocks);
    if (op.op == "alloc") return tr("alloc: sequence %1 gets block(s) %2").arg(op.seq).arg(blocks);
    if (op.op == "append")
        return tr("append: sequence %1 writes position(s) %2 into block(s) %3")
            .arg(op.seq)
            .arg(positions(op.first_pos, op.n_pos))
            .arg(blocks);
    if (op.op == "fork")
        return tr("fork: sequence %1 → %2, sharing block(s) %3 (reference counts +1, nothing copied)")
            .arg(op.seq)
            .arg(op.other_seq)
            .arg(blocks);
    if (op.op == "cow" && op.blocks.size() == 2)
        return tr("copy-on-write: sequence %1 copies shared block %2 into new block %3 (%n slot(s))", nullptr,
                  op.n_pos)
            .arg(op.seq)
            .arg(op.blocks[0])
            .arg(op.blocks[1]);
    if (op.op == "free") return tr("free: sequence %1 releases block(s) %2").arg(op.seq).arg(blocks);
    if (op.op == "evict")
        return tr("evict: sequence %1 drops position(s) %2 from its window")
            .arg(op.seq)
            .arg(positions(op.first_pos, op.n_pos));
    if (op.op == "prefix_hit")
        return tr("prefix hit: sequence %1 reuses cached block(s) %2 for position(s) %3")
            .arg(op.seq)
            .arg(blocks)
            .arg(positions(op.first_pos, op.n_pos));
    if (op.op == "truncate")
        return tr("truncate: sequence %1 discards position(s) %2, returning block(s) %3")
            .arg(op.seq)
            .arg(positions(op.first_pos, op.n_pos))
            .arg(blocks.isEmpty() ? tr("none") : blocks);
    if (op.op == "preempt")
        return tr("preempt: sequence %1 loses block(s) %2 — %3")
            .arg(op.seq)
            .arg(blocks)
            .arg(QString::fromStdString(op.detail));
    return tr("%1: sequence %2, block(s) %3").arg(QString::fromStdString(op.op)).arg(op.seq).arg(blocks);
}

QString KvCacheView::csv() const {
    QString out = QStringLiteral("step,reserved,used,free,shared\n");
    for (size_t step = 0; step < m_stats.size(); ++step) {
        if (!m_stats[step]) continue;
        const dlab::KvStatsEvent& s = *m_stats[step];
        out += QStringLiteral("%1,%2,%3,%4,%5\n")
                   .arg(step)
                   .arg(s.slots_reserved)
                   .arg(s.slots_used)
                   .arg(s.free_blocks)
                   .arg(s.shared_blocks);
    }
    return out;
}

void KvCacheView::fitGridToWidth() {
    // a wide window (a projector) gets larger cells, never smaller than the font's
    const qreal width = m_grid->sceneRect().width();
    const qreal scale = width > 0 ? std::clamp(m_gridView->viewport()->width() / width, 1.0, kMaxScale) : 1.0;
    m_gridView->setTransform(QTransform::fromScale(scale, scale));
}

bool KvCacheView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_gridView->viewport() && event->type() == QEvent::Resize) fitGridToWidth();
    return StepView::eventFilter(watched, event);
}

void KvCacheView::changeEvent(QEvent* event) {
    StepView::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        applyPalette(m_chart, palette());
    else
        return;
    // the grid's texts, the operations and the statistics
    if (m_step >= 0) showStep(m_step, false);
}
