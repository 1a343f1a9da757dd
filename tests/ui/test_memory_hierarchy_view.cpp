// The memory hierarchy view: the textbook's Figure 3-2 numbers (19 TB/s 20 MB, 1.5 TB/s 40 GB,
// 12.8 GB/s > 1 TB) with the note on the book's Tbit/s, the chosen preset's (H200: 4.8 TB/s
// HBM), level widths in proportion to log capacity, the step's HBM traffic from the trace,
// and a rendered pyramid.
#include <QGraphicsPolygonItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QLocale>
#include <QTest>
#include <cmath>

#include "attention/device_preset.h"
#include "views/memory_hierarchy_view.h"

using namespace dlab;

namespace {

QStringList texts(const QGraphicsScene* scene, const QString& role) {
    QStringList found;
    for (QGraphicsItem* item : scene->items(Qt::AscendingOrder))
        if (item->data(MemoryHierarchyView::kRoleKey).toString() == role)
            found << static_cast<QGraphicsSimpleTextItem*>(item)->text();
    return found;
}

QString tooltip_of(const QGraphicsScene* scene, const QString& text) {
    for (QGraphicsItem* item : scene->items())
        if (auto* t = dynamic_cast<QGraphicsSimpleTextItem*>(item); t && t->text() == text)
            return t->toolTip();
    return {};
}

}  // namespace

class TestMemoryHierarchyView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void textbook_numbers_and_the_h200() {
        MemoryHierarchyView view;
        view.setDevicePreset("h200");
        const QStringList bandwidths = texts(view.scene(), "bandwidth");
        QCOMPARE(bandwidths.size(), 6);
        // the book's figure, in the paper's units
        QCOMPARE(bandwidths.mid(0, 3), QStringList({"19 TB/s", "1.5 TB/s", "12.8 GB/s"}));
        QVERIFY(texts(view.scene(), "capacity").mid(0, 3) == QStringList({"20 MB", "40 GB", "> 1 TB"}));
        QVERIFY(tooltip_of(view.scene(), "19 TB/s").contains("Tbit/s"));
        QVERIFY(tooltip_of(view.scene(), "12.8 GB/s").contains("Gbit/s"));
        // the H200 preset: 4.8 TB/s HBM, its 141 GiB
        QVERIFY(bandwidths.mid(3).contains("4.8 TB/s"));
        QVERIFY(texts(view.scene(), "capacity")[4].contains("141"));
        QVERIFY(texts(view.scene(), "heading").join(' ').contains("H200"));
        QVERIFY(view.csv().contains("h200,hbm,4800000000000,"));

        view.setDevicePreset("a100");
        QVERIFY(texts(view.scene(), "bandwidth").mid(3).contains("1.5 TB/s"));
        QVERIFY(!texts(view.scene(), "bandwidth").contains("4.8 TB/s"));
    }

    // Widths ∝ log10(capacity): HBM/SRAM = log 40e9 / log 20e6, DRAM/SRAM = log 1e12 / log 20e6.
    void widths_follow_log_capacity() {
        MemoryHierarchyView view;
        // the book's pyramid is the left one: its levels share the smallest centre
        std::vector<QPolygonF> shapes;
        double left_centre = 1e300;
        for (QGraphicsItem* item : view.scene()->items())
            if (auto* p = dynamic_cast<QGraphicsPolygonItem*>(item)) {
                shapes.push_back(p->polygon());
                left_centre = std::min(left_centre, p->polygon().boundingRect().center().x());
            }
        QCOMPARE(int(shapes.size()), 6);
        std::vector<std::pair<double, double>> bottoms;  // (y, bottom width) of the left pyramid's levels
        for (const QPolygonF& shape : shapes)
            if (std::abs(shape.boundingRect().center().x() - left_centre) < 1e-6)
                bottoms.push_back({shape.boundingRect().top(), shape[2].x() - shape[3].x()});
        std::sort(bottoms.begin(), bottoms.end());
        QCOMPARE(int(bottoms.size()), 3);
        QCOMPARE(bottoms[1].second / bottoms[0].second, std::log10(40e9) / std::log10(20e6));
        QCOMPARE(bottoms[2].second / bottoms[0].second, std::log10(1e12) / std::log10(20e6));
    }

    // The step line sums the step's tile events: none in a trace without tiles.
    void step_summary() {
        MemoryHierarchyView view;
        std::vector<Event> events(1);
        events[0].body = RunEvent{};
        Event tile;
        tile.step = 0;
        tile.seq = 1;
        TileEvent t;
        t.kind = "naive_qk";
        t.hbm_read_bytes = 1000;
        t.hbm_write_bytes = 24;
        tile.body = t;
        events.push_back(tile);
        const TraceTimeline timeline(events);
        view.setTimeline(&timeline);
        view.setDevicePreset("h200");
        view.showStep(0, false);
        const QStringList step = texts(view.scene(), "step");
        QCOMPARE(step.size(), 1);
        QVERIFY2(step[0].contains("1 KiB"), qPrintable(step[0]));  // 1000 + 24 bytes
        QVERIFY(step[0].contains("4.8 TB/s"));
        view.showStep(1, false);
        QVERIFY(texts(view.scene(), "step")[0].contains("no attention tiles"));
    }

    void device_the_trace_ran_on() {
        MemoryHierarchyView view;
        RunEvent run;
        run.backend = "cuda";
        // an H200's facts: 2 × 2619 MHz × 6144 bits / 8 = 4.02 TB/s
        run.device_facts = {{"name", "NVIDIA H200"},           {"sm_count", "132"},
                            {"shared_memory_per_block", "232448"}, {"l2_bytes", "62914560"},
                            {"global_memory_bytes", "150000000000"}, {"bandwidth_bytes_per_s", "4023296000000"}};
        std::vector<Event> events(1);
        events[0].body = run;
        const TraceTimeline timeline(events);
        view.setTimeline(&timeline);
        view.showStep(0, false);
        const QStringList device = texts(view.scene(), "device");
        QCOMPARE(device.size(), 1);
        QVERIFY2(device[0].contains("NVIDIA H200") && device[0].contains("132 SMs"), qPrintable(device[0]));
        QVERIFY2(device[0].contains("227 KiB") && device[0].contains("60 MiB") && device[0].contains("4.02 TB/s"),
                 qPrintable(device[0]));
        QVERIFY(view.csv().contains("trace device,hbm,4023296000000,150000000000\n"));
        // a CPU trace has no device line
        std::vector<Event> cpu(1);
        cpu[0].body = RunEvent{};
        const TraceTimeline cpu_timeline(cpu);
        view.setTimeline(&cpu_timeline);
        QVERIFY(texts(view.scene(), "device").isEmpty());
        QVERIFY(!view.csv().contains("trace device"));
    }

    void follows_the_traces_device_preset() {
        MemoryHierarchyView view;
        view.setDevicePreset("h200");
        RunEvent run;
        run.parameters = {{"device-preset", "a100"}};
        std::vector<Event> events(1);
        events[0].body = run;
        const TraceTimeline timeline(events);
        view.setTimeline(&timeline);
        QCOMPARE(view.devicePreset(), QString("a100"));
        // a trace without one, or with an unknown name, leaves the choice alone
        view.setDevicePreset("h100");
        run.parameters = {{"device-preset", "tpu"}};
        events[0].body = run;
        const TraceTimeline unknown(events);
        view.setTimeline(&unknown);
        QCOMPARE(view.devicePreset(), QString("h100"));
    }

    void renders() {
        MemoryHierarchyView view;
        view.resize(1400, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage image = view.grab().toImage();
        const QColor base = view.palette().color(QPalette::Base);
        int coloured = 0;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3) {
                const QColor c = image.pixelColor(x, y);
                coloured += std::abs(c.red() - base.red()) + std::abs(c.blue() - base.blue()) > 60;
            }
        QVERIFY(coloured > 1000);
    }
};

QTEST_MAIN(TestMemoryHierarchyView)
#include "test_memory_hierarchy_view.moc"
