// FlashAttention's tiling (分块) of one prefill pass, from its tile events: the N × N score
// matrix cut into Br × Bc tiles that light up in the order Algorithm 1 computed them, up to
// a tile cursor the user moves or plays; tiles wholly above the causal diagonal shown as
// skipped. Beside it SRAM and HBM as two boxes with the bytes the current tile moved between
// them and the running totals, and for the highlighted query row the online softmax's
// (在线Softmax) running max m and sum ℓ before and after the tile. A naive trace shows its
// three kernels writing whole N × N matrices to HBM instead. Below, the IO model: HBM bytes
// of standard attention against FlashAttention's over N for the run's head dimension and a
// device's SRAM budget M.
#pragma once

#include <vector>

#include "step_view.h"

class IoModelChart;
class QComboBox;
class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

class FlashTilesView : public StepView {
    Q_OBJECT

public:
    // Item data keys of the scene: what each item shows.
    static constexpr int kRoleKey = 0;   // "tile" | "tile-read" | "tile-write" | "sram" | "total-read" |
                                         // "total-write" | "total" | "m" | "l" | "kernel" | "note"
    static constexpr int kValueKey = 1;  // the number behind a text (bytes; m or ℓ as a double)
    static constexpr int kStateKey = 2;  // tile: "done" | "current" | "pending" | "skipped" | "unrecorded"
    static constexpr int kQBlockKey = 3;
    static constexpr int kKvBlockKey = 4;

    explicit FlashTilesView(QWidget* parent = nullptr);

    void setTimeline(const dlab::TraceTimeline* timeline) override;
    void showStep(int step, bool animate) override;
    QString title() const override;
    // index,kind,q_block,kv_block,hbm_read_bytes,hbm_write_bytes,sram_bytes,flops: the shown pass.
    QString csv() const override;

    // Tiles computed in the shown pass (naive: its kernels), and how many of them are lit.
    int tileCount() const;
    int tileCursor() const { return m_cursor; }
    void setTileCursor(int cursor);
    // "a100" | "h100" | "h200": whose SRAM budget M the IO chart models.
    QString devicePreset() const { return m_preset; }
    void setDevicePreset(const QString& name);

    QGraphicsScene* scene() const { return m_scene; }
    IoModelChart* ioChart() const { return m_ioChart; }

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // The shape of a pass, read back from its events.
    struct Pass {
        std::vector<const dlab::TileEvent*> events;  // in order, flash_init / the kernels included
        std::vector<const dlab::TileEvent*> steps;   // what the cursor walks: flash tiles or naive kernels
        const dlab::TileEvent* init = nullptr;       // flash_init
        const dlab::TileEvent* rowTile = nullptr;    // a tile of the query block whose m and ℓ are reported
        bool flash = false;
        int nQueries = 0, nKeys = 0, queryOffset = 0;
        int rows = 1, cols = 1;  // Br, Bc
    };
    // Splits a step's tile events into passes (each opens with flash_init or naive_qk).
    static std::vector<Pass> readPasses(const std::vector<const dlab::TileEvent*>& events);

    void retranslate();
    QString passLabel(int pass) const;
    void showCursorLabel();
    void selectPass(int index);
    void redraw();
    void drawMatrix(const QRectF& area);
    void drawFlashTiles(const QRectF& area);
    void drawNaiveKernels(const QRectF& area);
    void drawMemory(QPointF at);
    void drawSoftmax(QPointF at);
    void rebuildChart();
    void play();
    int headDim() const;

    const dlab::TraceTimeline* m_timeline = nullptr;
    int m_sourceStep = -1;  // the step whose tiles are shown (the latest with tiles, at or before the step)
    std::vector<Pass> m_passes;  // of the source step
    size_t m_sourceEvents = 0;   // tile events of the source step when read (a live run adds more)
    int m_pass = 0;
    int m_cursor = 0;
    QString m_preset = QStringLiteral("a100");

    QComboBox* m_passBox = nullptr;
    QToolButton* m_playButton = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_cursorLabel = nullptr;
    QLabel* m_deviceLabel = nullptr;
    QComboBox* m_presetBox = nullptr;
    QTimer* m_playTimer = nullptr;
    QGraphicsScene* m_scene = nullptr;
    QGraphicsView* m_sceneView = nullptr;
    IoModelChart* m_ioChart = nullptr;
};
