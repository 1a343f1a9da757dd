// The KV cache's physical blocks (PagedAttention's 块, vLLM's BlockPool) drawn as a grid,
// each cell coloured by the sequences that own it — stripes of every owner's colour when a
// block is shared after a fork — with its fill level (slots holding a token, bottom up, over
// the lighter reserved cell) and a reference-count badge when more than one block table
// points at it; beside the grid, every live sequence's block table (块表), logical index →
// physical block. For the contiguous and sliding-window caches a cell is one sequence's
// whole region or ring. The step's operations can be animated on top: a copy-on-write
// flashes the old and the new block and draws an arrow between them, a free fades the
// released blocks out, an eviction greys the dropped slots.
#pragma once

#include <QGraphicsScene>
#include <QPalette>
#include <QPointer>
#include <map>
#include <vector>

#include "trace/kv_events.h"

class QAbstractAnimation;
class QGraphicsRectItem;

// What the grid draws after one step; built by KvCacheView from the trace.
struct KvGridContent {
    QString kind;                            // "paged" | "contiguous" | "sliding"
    int blockSize = 0;                       // slots per block (contiguous: max_seq_len; sliding: ring size)
    int nCells = 0;                          // cells drawn: blocks 0 … nCells−1
    int nHidden = 0;                         // pool blocks past the drawn ones (never used in the run)
    std::map<int, std::vector<int>> tables;  // live sequence → its blocks, logical order
    std::map<int, int> refCounts;            // block → owners among the live tables
    std::map<int, int> lengths;              // live sequence → positions it holds
    std::map<int, int> filled;               // block → slots holding a token
};

class KvBlockGrid : public QGraphicsScene {
    Q_OBJECT

public:
    // Item data keys: every item the grid draws says what it shows, so that a caller (the
    // tests, a tooltip) can find a block's cell, its owner stripes and its badge.
    static constexpr int kRoleKey = 0;   // "block" | "owner" | "fill" | "badge" | "table" | "entry" | "note"
    static constexpr int kBlockKey = 1;  // physical block id
    static constexpr int kSeqKey = 2;    // sequence id
    static constexpr int kIndexKey = 3;  // entry: logical block index
    static constexpr int kColumns = 16;  // cells per row (fewer when the pool is smaller)

    explicit KvBlockGrid(QObject* parent = nullptr);

    // Redraws the pool; stops an animation still running.
    void setContent(const KvGridContent& content);
    // Shows only a sentence (no trace, no cache in it).
    void setMessage(const QString& text);
    // Plays the step's operations over the drawn pool, one after the other.
    void animate(const std::vector<dlab::KvEvent>& operations);
    bool animating() const;

    // The cell of a drawn block, nullptr when it is not drawn.
    QGraphicsRectItem* blockCell(int block) const;

    // A stable colour per sequence id, readable on the palette's base colour.
    static QColor sequenceColor(int seq, const QPalette& palette);

private:
    void stopAnimation();
    void reset();
    void addPool(qreal top);
    void addBlockCell(int block, QPointF at);
    void addTables(qreal left, qreal top);
    QRectF cellRect(int block) const;
    QAbstractAnimation* operationAnimation(const dlab::KvEvent& op, int delay);

    KvGridContent m_content;
    int m_columns = kColumns;
    QSizeF m_cell;     // one block's cell
    QPointF m_origin;  // top left of cell 0
    std::map<int, QGraphicsRectItem*> m_cells;
    QPointer<QAbstractAnimation> m_animation;
};
