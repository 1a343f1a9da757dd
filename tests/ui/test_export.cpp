// Export of a view: PNG, SVG and PDF of the events view at a requested size, read back
// (the image's size and its drawn rows, SVG that parses as XML with the table's text, a
// PDF page of that size), the view's size restored afterwards; CSV of the step's events
// with its header; unknown formats, empty sizes and a view without chart data refused.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include "events_view.h"
#include "main_window.h"
#include "trace/jsonl.h"
#include "trace/trace_timeline.h"
#include "view_exporter.h"

namespace {

const QString kTextbook = QStringLiteral(DECODELAB_SOURCE_DIR "/tests/data/traces/textbook-beam.jsonl");

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A view that draws but has no chart data behind it.
class PlainView : public StepView {
public:
    void setTimeline(const dlab::TraceTimeline*) override {}
    void showStep(int, bool) override {}
    QString title() const override { return QStringLiteral("plain"); }
};

}  // namespace

class TestExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void png();
    void svg();
    void pdf();
    void csv();
    void refusals();
    void fromTheMainWindow();

private:
    dlab::TraceTimeline m_timeline;
    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/test_export-XXXXXX")};
    EventsView* m_view = nullptr;
};

void TestExport::initTestCase() {
    // the main window remembers opened traces: in the test's own settings
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DecodeLabTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test_export"));
    QVERIFY(m_dir.isValid());
    m_timeline = dlab::TraceTimeline(dlab::read_jsonl_trace(kTextbook.toStdString()));
    m_view = new EventsView;
    m_view->resize(400, 300);
    m_view->setTimeline(&m_timeline);
    // step 2 of the book's example: a kv-free table run has just the step event there
    m_view->showStep(2, false);
    QCOMPARE(m_view->table()->rowCount(), 1);
}

void TestExport::png() {
    const QString path = m_dir.filePath(QStringLiteral("view.png"));
    QString error;
    QVERIFY2(ViewExporter::exportWidget(m_view, path, QSize(800, 450), &error), qPrintable(error));
    const QImage image(path);
    QCOMPARE(image.size(), QSize(800, 450));
    // laid out at the picture's size: the summary column reaches across the wider picture
    QCOMPARE(m_view->size(), QSize(400, 300));
    // something was drawn: the picture is not one flat color
    const QRgb background = image.pixel(image.width() - 1, image.height() - 1);
    bool drawn = false;
    for (int y = 0; y < image.height() && !drawn; y += 3)
        for (int x = 0; x < image.width() && !drawn; x += 3) drawn = image.pixel(x, y) != background;
    QVERIFY(drawn);
}

void TestExport::svg() {
    const QString path = m_dir.filePath(QStringLiteral("view.svg"));
    QVERIFY(ViewExporter::exportWidget(m_view, path, QSize(640, 360)));
    const QByteArray svg = readAll(path);
    QVERIFY(svg.contains("<svg"));
    QXmlStreamReader xml(svg);
    QString viewBox;
    QStringList texts;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("svg")) {
            viewBox = xml.attributes().value(QStringLiteral("viewBox")).toString();
        }
        if (xml.isCharacters() && !xml.isWhitespace()) texts << xml.text().toString();
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    // drawn in 640 × 360 user units (the physical size is the same at the generator's 72 dpi)
    QCOMPARE(viewBox.simplified(), QStringLiteral("0 0 640 360"));
    // the table's cells are text in the drawing: the header and the step's type
    const QString all = texts.join(QLatin1Char(' '));
    QVERIFY2(all.contains(QStringLiteral("Summary")), qPrintable(all.left(500)));
    QVERIFY(all.contains(QStringLiteral("step")));
}

void TestExport::pdf() {
    const QString path = m_dir.filePath(QStringLiteral("view.pdf"));
    QVERIFY(ViewExporter::exportWidget(m_view, path, QSize(640, 360)));
    const QByteArray pdf = readAll(path);
    QVERIFY(pdf.startsWith("%PDF"));
    // one page of 640 × 360 points
    const QRegularExpression mediaBox(QStringLiteral("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]"));
    const QRegularExpressionMatch match = mediaBox.match(QString::fromLatin1(pdf));
    QVERIFY2(match.hasMatch(), "no MediaBox");
    QCOMPARE(qRound(match.captured(1).toDouble()), 640);
    QCOMPARE(qRound(match.captured(2).toDouble()), 360);
}

void TestExport::csv() {
    const QString path = m_dir.filePath(QStringLiteral("view.csv"));
    QString error;
    QVERIFY2(ViewExporter::exportCsv(m_view, path, &error), qPrintable(error));
    const QStringList lines = QString::fromUtf8(readAll(path)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), QStringLiteral("seq,type,summary"));
    QCOMPARE(lines.size(), 2);
    // the step event of step 2 is the file's sixth line (run, three phases, step 1)
    QVERIFY2(lines.at(1).startsWith(QStringLiteral("5,step,")), qPrintable(lines.at(1)));
    QVERIFY(lines.at(1).contains(QStringLiteral("AB")));

    // step 0: the run event and the phases, the prompt quoted in the summary
    m_view->showStep(0, false);
    QVERIFY(ViewExporter::exportCsv(m_view, path));
    const QStringList header = QString::fromUtf8(readAll(path)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(header.size(), 1 + 4);
    QVERIFY(header.at(1).startsWith(QStringLiteral("0,run,")));
    m_view->showStep(2, false);
}

void TestExport::refusals() {
    QString error;
    QVERIFY(!ViewExporter::exportWidget(m_view, m_dir.filePath(QStringLiteral("view.bmp")), QSize(10, 10), &error));
    QVERIFY(error.contains(QStringLiteral(".png")));
    QVERIFY(!ViewExporter::exportWidget(m_view, m_dir.filePath(QStringLiteral("view.png")), QSize(0, 10), &error));
    QVERIFY(!ViewExporter::exportWidget(m_view, m_dir.filePath(QStringLiteral("no/such/dir/view.png")), QSize(10, 10),
                                        &error));
    QVERIFY(error.contains(QStringLiteral("no/such/dir")));
    PlainView plain;
    QVERIFY(!ViewExporter::exportCsv(&plain, m_dir.filePath(QStringLiteral("plain.csv")), &error));
    QVERIFY(error.contains(QStringLiteral("plain")));
}

void TestExport::fromTheMainWindow() {
    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.show();
    QVERIFY(window.openTrace(kTextbook));
    for (StepView* view : window.views())
        if (qobject_cast<EventsView*>(view)) window.setCurrentView(view);
    const QString png = m_dir.filePath(QStringLiteral("window.png"));
    QVERIFY(window.exportCurrentView(png, QSize(320, 200)));
    QCOMPARE(QImage(png).size(), QSize(320, 200));
    const QString csv = m_dir.filePath(QStringLiteral("window.csv"));
    QVERIFY(window.exportCurrentViewCsv(csv));
    QVERIFY(readAll(csv).startsWith("seq,type,summary\n"));
    QVERIFY(!window.exportCurrentView(m_dir.filePath(QStringLiteral("window.gif")), QSize(320, 200)));
    QCOMPARE(errors.size(), 1);
}

QTEST_MAIN(TestExport)
#include "test_export.moc"
