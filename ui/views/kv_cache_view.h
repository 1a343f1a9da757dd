// The KV cache (KV缓存) after a step: the physical block pool with owners, fill levels and
// reference counts, every live sequence's block table, the step's cache operations (fork,
// copy-on-write, alloc, free, evict, prefix hit, truncate) in order, the pool's statistics,
// and over the whole run a chart of the slots reserved against the slots holding a token,
// prefill (step 0) marked apart from the decode steps.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "step_view.h"
#include "views/kv_block_grid.h"

class QChart;
class QChartView;
class QGraphicsView;
class QLabel;
class QLineSeries;
class QListWidget;
class QScatterSeries;

class KvCacheView : public StepView {
    Q_OBJECT

public:
    explicit KvCacheView(QWidget* parent = nullptr);

    void setTimeline(const dlab::TraceTimeline* timeline) override;
    void showStep(int step, bool animate) override;
    QString title() const override;
    // step,reserved,used,free,shared: the pool after each step that has statistics.
    QString csv() const override;

    KvBlockGrid* grid() const { return m_grid; }
    QChart* chart() const { return m_chart; }
    QLineSeries* reservedSeries() const { return m_reserved; }
    QLineSeries* usedSeries() const { return m_used; }
    // What a contiguous cache would reserve for the same sequences (empty for a contiguous run).
    QLineSeries* contiguousSeries() const { return m_contiguous; }
    QListWidget* operationList() const { return m_operations; }
    QLabel* statsLabel() const { return m_statsLabel; }

    // One line naming what a cache operation did (translated).
    static QString describe(const dlab::KvEvent& op);

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // A live sequence's positions: how many it has appended, how many the window dropped.
    struct Span {
        int length = 0;
        int evicted = 0;
    };

    void retranslate();
    void refresh();  // re-reads the timeline when it has grown (live runs)
    void rebuildChart();
    KvGridContent contentAt(int step, const dlab::KvSnapshot& snapshot) const;
    void showStats(const dlab::KvSnapshot& snapshot);
    void showOperations(const dlab::KvSnapshot& snapshot);
    void moveStepMarker();
    void fitGridToWidth();

    const dlab::TraceTimeline* m_timeline = nullptr;
    size_t m_eventCount = 0;
    std::vector<std::map<int, Span>> m_spans;                // [step] live sequence → its positions
    std::vector<std::optional<dlab::KvStatsEvent>> m_stats;  // [step] the pool after it, when recorded
    int m_maxBlock = -1;  // highest block id any operation of the run touched
    int m_step = -1;

    KvBlockGrid* m_grid = nullptr;
    QGraphicsView* m_gridView = nullptr;
    QLabel* m_operationsLabel = nullptr;
    QListWidget* m_operations = nullptr;
    QLabel* m_statsLabel = nullptr;
    QChart* m_chart = nullptr;
    QChartView* m_chartView = nullptr;
    QLineSeries* m_reserved = nullptr;
    QLineSeries* m_used = nullptr;
    QLineSeries* m_contiguous = nullptr;
    QScatterSeries* m_prefill = nullptr;
    QLineSeries* m_marker = nullptr;  // the shown step
};
