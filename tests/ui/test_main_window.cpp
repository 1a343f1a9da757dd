// The main window on the offscreen platform: each golden trace opens and steps through
// with the timeline (buttons' actions and keys), the events view showing exactly the
// step's events as the file has them; a corrupt, a truncated and a missing trace fail with
// one message naming the file while the window keeps its trace and opens a good one after;
// drops of traces and model files are taken, others refused; a live run from the run panel
// follows the newest step, with a progress bar and a Cancel button that stops it; a run
// that cannot start reports once and leaves Run enabled. The Compare tab comes last, takes
// the run panel's settings when chosen, draws no step and exports; a click on a narration
// line or on an earlier speculative round moves the timeline; the run panel's speculative
// sampling group maps to the request, explains what it cannot do and is remembered; the
// font scale and the theme change the whole application.
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QGraphicsItem>
#include <QGraphicsView>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QTest>
#include <QToolButton>
#include <QTranslator>
#include <QUrl>
#include <map>

#include "app_settings.h"
#include "events_view.h"
#include "language.h"
#include "main_window.h"
#include "presentation.h"
#include "run_controller.h"
#include "run_panel.h"
#include "timeline_bar.h"
#include "trace_document.h"
#include "views/compare_view.h"
#include "views/narration_view.h"
#include "views/spec_round_rows.h"
#include "views/speculative_view.h"

namespace {

const QString kTraces = QStringLiteral(DECODELAB_SOURCE_DIR "/tests/data/traces/");

// What the file says is at each step: the events' types in order, read with Qt's own JSON
// parser rather than the trace reader under test.
std::map<int, QStringList> typesByStep(const QString& path) {
    std::map<int, QStringList> types;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return types;
    while (!file.atEnd()) {
        const QJsonObject event = QJsonDocument::fromJson(file.readLine()).object();
        types[event.value(QStringLiteral("step")).toInt()] << event.value(QStringLiteral("type")).toString();
    }
    return types;
}

QStringList column(const QTableWidget* table, int column) {
    QStringList cells;
    for (int row = 0; row < table->rowCount(); ++row) cells << table->item(row, column)->text();
    return cells;
}

QString stepSummary(const QTableWidget* table) {
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, 1)->text() == QLatin1String("step")) return table->item(row, 2)->text();
    return {};
}

bool sendDrag(MainWindow& window, const QString& path, bool drop) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.setAccepted(false);
    QApplication::sendEvent(&window, &enter);
    if (!enter.isAccepted() || !drop) return enter.isAccepted();
    QDropEvent dropEvent(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &dropEvent);
    return dropEvent.isAccepted();
}

// Marks every translated string, so that a test sees which texts were set again.
class MarkingTranslator : public QTranslator {
public:
    bool isEmpty() const override { return false; }
    QString translate(const char*, const char* sourceText, const char*, int) const override {
        return QStringLiteral("«") + QString::fromUtf8(sourceText) + QStringLiteral("»");
    }
};

// The checkable action with `data` in a submenu of the View menu.
QAction* presentationAction(MainWindow& window, const QVariant& data, const QString& menuTitlePart) {
    for (QAction* entry : window.viewMenu()->actions())
        if (QMenu* menu = entry->menu(); menu && menu->title().contains(menuTitlePart))
            for (QAction* action : menu->actions())
                if (action->data() == data) return action;
    return nullptr;
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void goldenTracesStepThrough_data();
    void goldenTracesStepThrough();
    void keysMoveTheTimeline();
    void textbookBeamStepsShowTheBook();
    void badTracesFailWithOneMessage_data();
    void badTracesFailWithOneMessage();
    void dropsOfTracesAndModels();
    void saveWritesTheTraceBack();
    void settingsAreRemembered();
    void liveRunFollowsTheNewestStep();
    void runThatCannotStartReportsOnce();
    void cancelStopsALongRun();
    void compareTabComesLast();
    void narrationClickJumpsTheTimeline();
    void speculativeRoundClickJumpsTheTimeline();
    void speculativeSettingsMapToTheRequest();
    void fontScaleChangesTheApplicationFont();
    void darkThemeDarkensTheWindow();
    void languageChangeRetranslates();

private:
    EventsView* eventsView(MainWindow& window);
};

void TestMainWindow::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DecodeLabTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test_main_window"));
    // no run panel settings or recent files from an earlier run of the test
    QSettings().clear();
}

EventsView* TestMainWindow::eventsView(MainWindow& window) {
    for (StepView* view : window.views())
        if (auto* events = qobject_cast<EventsView*>(view)) {
            window.setCurrentView(events);
            return events;
        }
    return nullptr;
}

void TestMainWindow::goldenTracesStepThrough_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("lastStep");
    QTest::newRow("textbook-beam") << QStringLiteral("textbook-beam.jsonl") << 4;
    QTest::newRow("paged-beam") << QStringLiteral("paged-beam.jsonl") << 12;
    QTest::newRow("sample-topp") << QStringLiteral("sample-topp.jsonl") << 12;
    QTest::newRow("flash-tiles") << QStringLiteral("flash-tiles.jsonl") << 12;
    QTest::newRow("speculative") << QStringLiteral("speculative.jsonl") << 8;
}

void TestMainWindow::goldenTracesStepThrough() {
    QFETCH(QString, file);
    QFETCH(int, lastStep);
    const QString path = kTraces + file;
    QVERIFY2(QFile::exists(path), qPrintable(path + " is missing: run scripts/make-golden-traces.sh"));
    const std::map<int, QStringList> expected = typesByStep(path);

    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.resize(1200, 800);
    window.show();
    EventsView* view = eventsView(window);
    QVERIFY(view);
    QVERIFY(window.openTrace(path));
    QVERIFY(errors.isEmpty());
    QVERIFY(window.windowTitle().contains(file));

    TimelineBar* timeline = window.timelineBar();
    QCOMPARE(timeline->lastStep(), lastStep);
    QCOMPARE(timeline->step(), 0);
    QCOMPARE(column(view->table(), 1), expected.at(0));
    // forward through every step with the step-forward action, as the button does
    QAction* forward = timeline->navigationActions().at(3);
    for (int step = 1; step <= lastStep; ++step) {
        forward->trigger();
        QCOMPARE(timeline->step(), step);
        QCOMPARE(column(view->table(), 1), expected.at(step));
        QVERIFY(!stepSummary(view->table()).isEmpty());
    }
    QVERIFY(!forward->isEnabled());
    // back to the start, then a jump
    timeline->first();
    QCOMPARE(column(view->table(), 1), expected.at(0));
    timeline->setStep(lastStep / 2);
    QCOMPARE(column(view->table(), 1), expected.at(lastStep / 2));
    // the picture shows something
    const QImage picture = view->grab().toImage();
    QVERIFY(!picture.isNull());
}

void TestMainWindow::keysMoveTheTimeline() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.openTrace(kTraces + QStringLiteral("textbook-beam.jsonl")));
    TimelineBar* timeline = window.timelineBar();
    // keys go to the window; the views' tables keep no focus that would take them
    window.setFocus();
    QTest::keyClick(&window, Qt::Key_Right);
    QCOMPARE(timeline->step(), 1);
    QTest::keyClick(&window, Qt::Key_End);
    QCOMPARE(timeline->step(), 4);
    QTest::keyClick(&window, Qt::Key_Left);
    QCOMPARE(timeline->step(), 3);
    QTest::keyClick(&window, Qt::Key_Home);
    QCOMPARE(timeline->step(), 0);
    // Space plays: the timer moves through the steps and stops at the last one
    QTest::keyClick(&window, Qt::Key_Space);
    QVERIFY(timeline->isPlaying());
    QTRY_COMPARE_WITH_TIMEOUT(timeline->step(), 4, 20000);
    QTRY_VERIFY(!timeline->isPlaying());
}

void TestMainWindow::textbookBeamStepsShowTheBook() {
    MainWindow window;
    window.show();
    EventsView* view = eventsView(window);
    QVERIFY(window.openTrace(kTraces + QStringLiteral("textbook-beam.jsonl")));
    // the book's k = 2 example: A,C → AB,AE → ABC,AED
    const std::map<int, QStringList> beams{{1, {QStringLiteral("\"A\""), QStringLiteral("\"C\"")}},
                                           {2, {QStringLiteral("\"AB\""), QStringLiteral("\"AE\"")}},
                                           {3, {QStringLiteral("\"ABC\""), QStringLiteral("\"AED\"")}}};
    for (const auto& [step, texts] : beams) {
        window.timelineBar()->setStep(step);
        const QString summary = stepSummary(view->table());
        for (const QString& text : texts) QVERIFY2(summary.contains(text), qPrintable(summary));
    }
}

void TestMainWindow::badTracesFailWithOneMessage_data() {
    QTest::addColumn<QByteArray>("content");
    QFile good(kTraces + QStringLiteral("textbook-beam.jsonl"));
    QVERIFY(good.open(QIODevice::ReadOnly));
    const QByteArray whole = good.readAll();
    // cut in the middle of the first step event, as a writer that stopped mid-event leaves it
    const qsizetype stepLine = whole.indexOf("{\"type\":\"step\"");
    QTest::newRow("truncated") << whole.left(stepLine + (whole.indexOf('\n', stepLine) - stepLine) / 2);
    QTest::newRow("garbage") << QByteArray("this is not JSON\n{\"type\":\n");
    QTest::newRow("no run event") << whole.mid(whole.indexOf('\n') + 1);
    QTest::newRow("empty") << QByteArray();
}

void TestMainWindow::badTracesFailWithOneMessage() {
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString bad = dir.filePath(QStringLiteral("bad.jsonl"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();

    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.show();
    EventsView* view = eventsView(window);
    QVERIFY(window.openTrace(kTraces + QStringLiteral("textbook-beam.jsonl")));
    window.timelineBar()->setStep(2);
    const QStringList shownBefore = column(view->table(), 2);

    QVERIFY(!window.openTrace(bad));
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().contains(bad), qPrintable(errors.first()));
    // the window keeps the trace it had, where it was
    QVERIFY(window.document()->path().endsWith(QStringLiteral("textbook-beam.jsonl")));
    QCOMPARE(window.timelineBar()->step(), 2);
    QCOMPARE(column(view->table(), 2), shownBefore);

    QVERIFY(!window.openTrace(dir.filePath(QStringLiteral("missing.jsonl"))));
    QCOMPARE(errors.size(), 2);

    // and opens a good one after
    QVERIFY(window.openTrace(kTraces + QStringLiteral("paged-beam.jsonl")));
    QCOMPARE(errors.size(), 2);
    QCOMPARE(window.timelineBar()->lastStep(), 12);
}

void TestMainWindow::dropsOfTracesAndModels() {
    QTemporaryDir dir;
    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.show();
    QVERIFY(MainWindow::acceptsFile(QStringLiteral("/x/run.JSONL")));
    QVERIFY(MainWindow::acceptsFile(QStringLiteral("/x/model.gguf")));
    QVERIFY(!MainWindow::acceptsFile(QStringLiteral("/x/notes.txt")));

    // a trace is opened
    const QString trace = kTraces + QStringLiteral("sample-topp.jsonl");
    QVERIFY(sendDrag(window, trace, true));
    QCOMPARE(window.document()->path(), trace);
    QCOMPARE(window.timelineBar()->lastStep(), 12);

    // a model file becomes the run panel's model
    const QString model = dir.filePath(QStringLiteral("tiny.gguf"));
    QVERIFY(sendDrag(window, model, true));
    RunRequest request;
    QString error;
    QVERIFY2(window.runPanel()->request(&request, &error), qPrintable(error));
    QCOMPARE(request.model, model);
    QVERIFY(!request.table);
    // a table model too
    const QString table = QStringLiteral(DECODELAB_SOURCE_DIR "/assets/tables/top-p-adaptive.json");
    QVERIFY(sendDrag(window, table, true));
    QVERIFY(window.runPanel()->request(&request, &error));
    QCOMPARE(request.model, table);
    QVERIFY(request.table);

    // anything else is refused
    QVERIFY(!sendDrag(window, dir.filePath(QStringLiteral("notes.txt")), false));
    QVERIFY(errors.isEmpty());
}

void TestMainWindow::saveWritesTheTraceBack() {
    QTemporaryDir dir;
    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    // nothing to save yet
    QVERIFY(!window.saveTrace(dir.filePath(QStringLiteral("empty.jsonl"))));
    QCOMPARE(errors.size(), 1);

    const QString original = kTraces + QStringLiteral("paged-beam.jsonl");
    QVERIFY(window.openTrace(original));
    const QString copy = dir.filePath(QStringLiteral("copy.jsonl"));
    QVERIFY(window.saveTrace(copy));
    QFile a(original), b(copy);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    // written by the CLI with no timings, so the bytes are the same
    QCOMPARE(b.readAll(), a.readAll());
    QCOMPARE(errors.size(), 1);

    // the Chrome trace for Perfetto: one entry per step of the run, parsed back
    const QString chrome = dir.filePath(QStringLiteral("run.json"));
    QVERIFY(window.exportChromeTrace(chrome));
    QFile file(chrome);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray entries = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("traceEvents")).toArray();
    int steps = 0;
    for (const QJsonValue& entry : entries)
        steps += entry.toObject().value(QStringLiteral("name")).toString().startsWith(QStringLiteral("step "));
    QCOMPARE(steps, 12);  // paged-beam.jsonl decodes 12 steps
    QCOMPARE(errors.size(), 1);
}

void TestMainWindow::settingsAreRemembered() {
    // opened traces go to the front of the recent files
    {
        MainWindow window;
        QVERIFY(window.openTrace(kTraces + QStringLiteral("textbook-beam.jsonl")));
        QVERIFY(window.openTrace(kTraces + QStringLiteral("sample-topp.jsonl")));
    }
    const QStringList recent = AppSettings::recentFiles();
    QVERIFY(recent.size() >= 2);
    QCOMPARE(recent.at(0), QFileInfo(kTraces + QStringLiteral("sample-topp.jsonl")).absoluteFilePath());
    QCOMPARE(recent.at(1), QFileInfo(kTraces + QStringLiteral("textbook-beam.jsonl")).absoluteFilePath());

    // the run panel's settings come back in a new panel
    RunRequest chosen;
    chosen.prompt = QStringLiteral("The little dog");
    chosen.generation.strategy = dlab::StrategyKind::Sample;
    chosen.generation.top_p = 0.8f;
    chosen.generation.temperature = 0.7f;
    chosen.generation.seed = 42;
    chosen.generation.max_new_tokens = 17;
    chosen.kv.kind = dlab::KvKind::Sliding;
    chosen.kv.window = 32;
    chosen.kv.sink_tokens = 4;
    chosen.backend = dlab::BackendChoice::Cpu;
    {
        RunPanel panel;
        panel.setRequest(chosen);
        panel.saveSettings();
    }
    RunPanel restored;
    restored.restoreSettings();
    RunRequest request;
    QString error;
    QVERIFY2(restored.request(&request, &error), qPrintable(error));
    QCOMPARE(request.prompt, chosen.prompt);
    QCOMPARE(request.generation.strategy, dlab::StrategyKind::Sample);
    QCOMPARE(request.generation.top_p, 0.8f);
    QCOMPARE(request.generation.temperature, 0.7f);
    QCOMPARE(request.generation.seed, uint64_t(42));
    QCOMPARE(request.generation.max_new_tokens, 17);
    QCOMPARE(request.kv.kind, dlab::KvKind::Sliding);
    QCOMPARE(request.kv.window, 32);
    QCOMPARE(request.kv.sink_tokens, 4);
    QCOMPARE(request.backend, dlab::BackendChoice::Cpu);
}

void TestMainWindow::liveRunFollowsTheNewestStep() {
    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.show();
    EventsView* view = eventsView(window);
    RunRequest request;
    request.generation.strategy = dlab::StrategyKind::Beam;
    request.generation.num_beams = 3;
    request.generation.max_new_tokens = 6;
    request.kv.kind = dlab::KvKind::Paged;
    request.kv.block_size = 4;
    window.runPanel()->setRequest(request);

    QSignalSpy finished(window.runController(), &RunController::finished);
    // the timeline's positions while the run streams in
    QList<int> shownSteps;
    connect(window.timelineBar(), &TimelineBar::stepChanged, this, [&](int step) { shownSteps << step; });
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(120000));
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    QCOMPARE(finished.first().at(0).toString(), QStringLiteral("max_new_tokens"));
    QCOMPARE(window.document()->lastStep(), 6);
    QCOMPARE(window.timelineBar()->step(), 6);
    // each step was shown as it arrived
    for (int step = 1; step <= 6; ++step) QVERIFY2(shownSteps.contains(step), qPrintable(QString::number(step)));
    const QStringList types = column(view->table(), 1);
    QVERIFY(types.contains(QStringLiteral("step")));
    QVERIFY(types.contains(QStringLiteral("kv")));
    const dlab::RunEvent* run = window.document()->timeline().run();
    QCOMPARE(run->strategy, std::string("beam"));
    QCOMPARE(run->parameters.at("num-beams"), std::string("3"));
}

void TestMainWindow::runThatCannotStartReportsOnce() {
    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.show();
    window.runPanel()->setModelFile(QStringLiteral("/nonexistent/model.gguf"));
    QSignalSpy finished(window.runController(), &RunController::finished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(60000));
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.first().contains(QStringLiteral("/nonexistent/model.gguf")), qPrintable(errors.first()));
    QVERIFY(!window.runController()->isRunning());

    // an invalid setting is refused before anything runs
    RunRequest request;
    request.generation.strategy = dlab::StrategyKind::Beam;
    request.generation.num_beams = 2;
    request.generation.num_return_sequences = 3;
    window.runPanel()->setRequest(request);
    QVERIFY(!window.startRun());
    QCOMPARE(errors.size(), 2);
    QVERIFY2(errors.last().contains(QStringLiteral("--num-return-sequences")), qPrintable(errors.last()));
}

void TestMainWindow::cancelStopsALongRun() {
    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.show();
    // four samples a step, never stopping at EOS: long enough to be cancelled mid-way
    RunRequest request;
    request.generation.strategy = dlab::StrategyKind::Sample;
    request.generation.num_return_sequences = 4;
    request.generation.stop_at_eos = false;
    request.generation.max_new_tokens = 400;
    window.runPanel()->setRequest(request);
    QSignalSpy finished(window.runController(), &RunController::finished);
    QVERIFY(!window.cancelButton()->isVisibleTo(&window));
    QVERIFY(window.startRun());
    QVERIFY(window.cancelButton()->isVisibleTo(&window));
    QVERIFY(window.progressBar()->isVisibleTo(&window));
    // the bar counts steps once they come
    QTRY_VERIFY_WITH_TIMEOUT(window.progressBar()->value() >= 1, 60000);
    QCOMPARE(window.progressBar()->maximum(), 400);
    QTest::mouseClick(window.cancelButton(), Qt::LeftButton);
    QVERIFY(finished.count() > 0 || finished.wait(60000));
    QCOMPARE(finished.first().at(0).toString(), QStringLiteral("stopped"));
    QVERIFY(window.document()->lastStep() < 400);
    QVERIFY(!window.cancelButton()->isVisibleTo(&window));
    QVERIFY(!window.progressBar()->isVisibleTo(&window));
    QVERIFY(errors.isEmpty());
}

void TestMainWindow::compareTabComesLast() {
    QTemporaryDir dir;
    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.resize(1200, 800);
    window.show();
    auto* tabs = window.findChild<QTabWidget*>();
    QVERIFY(tabs);
    CompareView* compare = window.compareView();
    QVERIFY(compare);
    QCOMPARE(tabs->count(), int(window.views().size()) + 1);
    QCOMPARE(tabs->widget(tabs->count() - 1), compare);
    QCOMPARE(tabs->tabText(tabs->count() - 1), compare->title());

    RunRequest request;
    request.prompt = QStringLiteral("The little dog");
    request.generation.max_new_tokens = 9;
    window.runPanel()->setRequest(request);
    EventsView* events = eventsView(window);
    QVERIFY(window.openTrace(kTraces + QStringLiteral("textbook-beam.jsonl")));

    // choosing the tab seeds it from the run panel; the timeline moves no view there
    window.showCompareTab();
    QVERIFY(window.isCompareTabCurrent());
    QVERIFY(!window.currentView());
    QCOMPARE(compare->prompt(), request.prompt);
    QCOMPARE(compare->maxNewTokens(), 9);
    window.timelineBar()->setStep(3);
    window.timelineBar()->stepForward();
    QCOMPARE(window.timelineBar()->step(), 4);

    // its picture and its table export
    const QString png = dir.filePath(QStringLiteral("compare.png"));
    QVERIFY(window.exportCurrentView(png, QSize(800, 500)));
    QCOMPARE(QImage(png).size(), QSize(800, 500));
    const QString csv = dir.filePath(QStringLiteral("compare.csv"));
    QVERIFY(window.exportCurrentViewCsv(csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), compare->csv());
    QVERIFY(errors.isEmpty());

    // back on a step view, it shows where the timeline is
    window.setCurrentView(events);
    QCOMPARE(column(events->table(), 1), typesByStep(kTraces + QStringLiteral("textbook-beam.jsonl")).at(4));
}

void TestMainWindow::narrationClickJumpsTheTimeline() {
    MainWindow window;
    window.resize(1200, 800);
    window.show();
    NarrationView* narration = nullptr;
    for (StepView* view : window.views())
        if (auto* n = qobject_cast<NarrationView*>(view)) narration = n;
    QVERIFY(narration);
    window.setCurrentView(narration);
    QVERIFY(window.openTrace(kTraces + QStringLiteral("textbook-beam.jsonl")));
    window.timelineBar()->last();
    QListWidget* history = narration->history();
    QCOMPARE(history->count(), 5);
    QListWidgetItem* stepOne = history->item(1);
    QCOMPARE(stepOne->data(Qt::UserRole).toInt(), 1);
    const QRect rect = history->visualItemRect(stepOne);
    QTest::mouseClick(history->viewport(), Qt::LeftButton, Qt::NoModifier, rect.center());
    QCOMPARE(window.timelineBar()->step(), 1);
    QCOMPARE(narration->step(), 1);
}

void TestMainWindow::speculativeRoundClickJumpsTheTimeline() {
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    SpeculativeView* speculative = nullptr;
    for (StepView* view : window.views())
        if (auto* s = qobject_cast<SpeculativeView*>(view)) speculative = s;
    QVERIFY(speculative);
    window.setCurrentView(speculative);
    QVERIFY(window.openTrace(kTraces + QStringLiteral("speculative.jsonl")));
    window.timelineBar()->setStep(5);
    // round 2's label, above the shown round 5
    auto* graphics = speculative->findChild<QGraphicsView*>(QStringLiteral("roundsView"));
    QVERIFY(graphics);
    QGraphicsItem* label = nullptr;
    for (QGraphicsItem* item : speculative->rows()->items())
        if (item->data(SpecRoundRows::kRoleKey).toString() == QLatin1String("label") &&
            item->data(SpecRoundRows::kRoundKey).toInt() == 2)
            label = item;
    QVERIFY(label);
    graphics->ensureVisible(label);
    QTest::mouseClick(graphics->viewport(), Qt::LeftButton, Qt::NoModifier,
                      graphics->mapFromScene(label->sceneBoundingRect().center()));
    QCOMPARE(window.timelineBar()->step(), 2);
}

void TestMainWindow::speculativeSettingsMapToTheRequest() {
    const QString tables = QStringLiteral(DECODELAB_SOURCE_DIR "/assets/tables");
    RunRequest chosen;
    chosen.generation.strategy = dlab::StrategyKind::Sample;
    chosen.generation.num_draft_tokens = 6;
    chosen.generation.draft_schedule = dlab::DraftSchedule::Heuristic;
    chosen.drafter = RunRequest::Drafter::Model;
    RunRequest request;
    QString error;
    {
        RunPanel panel;
        panel.addTableModels(tables);
        panel.setRequest(chosen);
        QVERIFY2(panel.request(&request, &error), qPrintable(error));
        QCOMPARE(request.drafter, RunRequest::Drafter::Model);
        QCOMPARE(request.draft, QStringLiteral("embedded:stories-draft"));
        QCOMPARE(request.generation.num_draft_tokens, 6);
        QCOMPARE(request.generation.draft_schedule, dlab::DraftSchedule::Heuristic);

        // beam search cannot draft: the group says so and the run decodes without a drafter
        RunRequest beam = chosen;
        beam.generation.strategy = dlab::StrategyKind::Beam;
        panel.setRequest(beam);
        QVERIFY2(panel.request(&request, &error), qPrintable(error));
        QCOMPARE(request.drafter, RunRequest::Drafter::None);
        bool explained = false;
        for (QLabel* label : panel.findChildren<QLabel*>())
            explained = explained || (label->isVisibleTo(&panel) && label->text().contains(QStringLiteral("greedy")));
        QVERIFY(explained);

        // one sequence only
        RunRequest samples = chosen;
        samples.generation.num_return_sequences = 2;
        panel.setRequest(samples);
        QVERIFY(!panel.request(&request, &error));
        QVERIFY2(error.contains(QStringLiteral("one sequence")), qPrintable(error));

        // a table model drafts with a table, and its pair is chosen for it
        RunRequest table = chosen;
        table.model = tables + QStringLiteral("/speculative-target.json");
        table.table = true;
        panel.setRequest(table);
        QVERIFY(!panel.request(&request, &error));
        QVERIFY2(error.contains(QStringLiteral("draft table")), qPrintable(error));
        auto* drafter = panel.findChild<QComboBox*>(QStringLiteral("drafter"));
        QVERIFY(drafter);
        drafter->setCurrentIndex(drafter->findData(QStringLiteral("table")));
        QVERIFY2(panel.request(&request, &error), qPrintable(error));
        QCOMPARE(request.drafter, RunRequest::Drafter::Table);
        QCOMPARE(QFileInfo(request.draft).fileName(), QStringLiteral("speculative-draft.json"));

        // prompt lookup, remembered
        RunRequest lookup = chosen;
        lookup.drafter = RunRequest::Drafter::PromptLookup;
        lookup.generation.num_draft_tokens = 3;
        lookup.generation.max_matching_ngram_size = 3;
        panel.setRequest(lookup);
        panel.saveSettings();
    }
    RunPanel restored;
    restored.restoreSettings();
    QVERIFY2(restored.request(&request, &error), qPrintable(error));
    QCOMPARE(request.drafter, RunRequest::Drafter::PromptLookup);
    QCOMPARE(request.generation.num_draft_tokens, 3);
    QCOMPARE(request.generation.max_matching_ngram_size, 3);
    QCOMPARE(request.generation.draft_schedule, dlab::DraftSchedule::Heuristic);
}

void TestMainWindow::fontScaleChangesTheApplicationFont() {
    MainWindow window;
    window.show();
    const qreal base = QApplication::font().pointSizeF();
    QVERIFY(base > 0);
    QAction* doubled = presentationAction(window, 200, QStringLiteral("Font"));
    QAction* normal = presentationAction(window, 100, QStringLiteral("Font"));
    QVERIFY(doubled && normal);
    QVERIFY(normal->isChecked());
    doubled->trigger();
    QVERIFY(doubled->isChecked());
    QCOMPARE(QApplication::font().pointSizeF(), base * 2);
    // the application's font reaches the widgets through posted events
    QTRY_COMPARE(window.font().pointSizeF(), base * 2);
    QCOMPARE(QSettings().value(QStringLiteral("presentation/fontScale")).toInt(), 200);
    // back from 200 %: the original size, not half of a scaled one
    presentationAction(window, 125, QStringLiteral("Font"))->trigger();
    QCOMPARE(QApplication::font().pointSizeF(), base * 1.25);
    normal->trigger();
    QCOMPARE(QApplication::font().pointSizeF(), base);
}

void TestMainWindow::darkThemeDarkensTheWindow() {
    MainWindow window;
    window.show();
    QAction* dark = presentationAction(window, int(Presentation::Theme::Dark), QStringLiteral("Theme"));
    QAction* light = presentationAction(window, int(Presentation::Theme::Light), QStringLiteral("Theme"));
    QAction* system = presentationAction(window, int(Presentation::Theme::System), QStringLiteral("Theme"));
    QVERIFY(dark && light && system);
    // the application's palette reaches the widgets through posted events
    dark->trigger();
    QTRY_VERIFY2(window.palette().color(QPalette::Window).lightness() < 100,
                 qPrintable(window.palette().color(QPalette::Window).name()));
    QVERIFY(window.palette().color(QPalette::WindowText).lightness() > 150);
    QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    QCOMPARE(QSettings().value(QStringLiteral("presentation/theme")).toInt(), int(Presentation::Theme::Dark));
    light->trigger();
    QTRY_VERIFY(window.palette().color(QPalette::Window).lightness() > 150);
    QVERIFY(window.palette().color(QPalette::WindowText).lightness() < 100);
    // the offscreen platform's own palette is a light one
    dark->trigger();
    QTRY_VERIFY(window.palette().color(QPalette::Window).lightness() < 100);
    system->trigger();
    QCOMPARE(Presentation::theme(), Presentation::Theme::System);
    QTRY_VERIFY(window.palette().color(QPalette::Window).lightness() > 150);
}

void TestMainWindow::languageChangeRetranslates() {
    MainWindow window;
    window.show();
    auto* tabs = window.findChild<QTabWidget*>();
    QVERIFY(window.openTrace(kTraces + QStringLiteral("textbook-beam.jsonl")));
    MarkingTranslator translator;
    QVERIFY(QCoreApplication::installTranslator(&translator));
    // QEvent::LanguageChange is posted to every window and passed on to its children
    QTRY_VERIFY(window.viewMenu()->title().startsWith(QStringLiteral("«")));
    for (int i = 0; i < tabs->count(); ++i)
        QVERIFY2(tabs->tabText(i).startsWith(QStringLiteral("«")), qPrintable(tabs->tabText(i)));
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("«")));
    QVERIFY(window.menuBar()->actions().first()->text().startsWith(QStringLiteral("«")));
    for (QAction* action : window.timelineBar()->navigationActions())
        QVERIFY2(action->text().startsWith(QStringLiteral("«")), qPrintable(action->text()));
    // the docks' toggles and the font size and theme menus, each choice in them too
    for (QAction* action : window.viewMenu()->actions()) {
        if (action->isSeparator()) continue;
        QVERIFY2(action->text().startsWith(QStringLiteral("«")), qPrintable(action->text()));
        // each language is named in its own language, untranslated, so a reader finds it
        if (action->menu())
            for (QAction* choice : action->menu()->actions()) {
                const bool language_name = !choice->data().toString().isEmpty() &&
                                           Language::available().contains(choice->data().toString());
                if (choice->isSeparator() || language_name) continue;
                QVERIFY2(choice->text().startsWith(QStringLiteral("«")), qPrintable(choice->text()));
            }
    }
    QCoreApplication::removeTranslator(&translator);
    QTRY_COMPARE(window.viewMenu()->title(), QStringLiteral("&View"));
    QCOMPARE(tabs->tabText(tabs->count() - 1), window.compareView()->title());
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
