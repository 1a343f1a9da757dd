// The memory hierarchy FlashAttention is designed around (the textbook's Figure 3-2, from
// the FlashAttention paper): GPU SRAM, GPU HBM (高带宽内存) and CPU main memory (主存储器) as
// a pyramid whose level widths grow with the logarithm of their capacity, each labelled with
// its bandwidth — the book's A100 numbers beside those of a chosen device preset. Below, what
// the traced attention head moved through HBM at the shown step and how long that takes on
// the preset's HBM.
#pragma once

#include <QString>
#include <vector>

#include "step_view.h"

class QComboBox;
class QGraphicsScene;
class QGraphicsView;
class QLabel;

class MemoryHierarchyView : public StepView {
    Q_OBJECT

public:
    // Item data key of the scene's texts: "level" | "bandwidth" | "capacity" | "heading" | "note" | "step".
    static constexpr int kRoleKey = 0;

    explicit MemoryHierarchyView(QWidget* parent = nullptr);

    void setTimeline(const dlab::TraceTimeline* timeline) override;
    void showStep(int step, bool animate) override;
    QString title() const override;
    // source,level,bandwidth_bytes_per_s,capacity_bytes: the numbers both pyramids show.
    QString csv() const override;

    // "a100" | "h100" | "h200" (throws InvalidArgument for another name).
    void setDevicePreset(const QString& name);
    QString devicePreset() const { return m_preset; }
    QGraphicsScene* scene() const { return m_scene; }

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Level {
        QString name;
        double bandwidth = 0;  // bytes/s
        double capacity = 0;   // bytes, for the width
        QString capacityText;
        QString bandwidthNote;  // tooltip on the bandwidth
    };

    void retranslate();
    std::vector<Level> bookLevels() const;
    std::vector<Level> presetLevels() const;
    // A sentence on the device the trace ran on (its run event's device facts), or empty.
    QString traceDevice() const;
    void redraw();
    void fitToWidth();
    qreal drawPyramid(const QString& heading, const QString& headingTip, const std::vector<Level>& levels,
                      QPointF at);
    QString stepSummary() const;

    const dlab::TraceTimeline* m_timeline = nullptr;
    int m_step = 0;
    QString m_preset = QStringLiteral("h200");
    QLabel* m_presetLabel = nullptr;
    QComboBox* m_presetBox = nullptr;
    QGraphicsScene* m_scene = nullptr;
    QGraphicsView* m_view = nullptr;
};
