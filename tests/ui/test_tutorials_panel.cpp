// The Tutorials panel and classroom mode in the main window, offscreen: the lessons are
// copied out and loaded only when the panel first opens (F1); every lesson built into the
// app is listed with its title in English and in Chinese, from a copy outside the source
// tree; choosing one shows its text (a heading of its Markdown); every run of every
// lesson maps onto the run panel exactly, option for option; "Load and run" of lesson 01's
// first run (the textbook's table, beam search k = 2) sets the run panel, brings the beam
// tree to the front and pauses at step 1 with the book's two beams A and C, and Space goes
// on to the next pause; a language switch renders the Chinese text; a broken scenario
// opened from disk and a run the settings refuse each give one error while the panel stays
// usable (a teacher's own lesson then loads and runs); classroom mode raises the font scale,
// shows the narration, plays by itself at the chosen pace, pauses at the lesson's steps, is
// remembered, and leaving it puts the font scale and the layout back.
#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include "classroom_mode.h"
#include "debug_panel.h"
#include "language.h"
#include "lesson_controller.h"
#include "lesson_request.h"
#include "main_window.h"
#include "presentation.h"
#include "run_controller.h"
#include "run_panel.h"
#include "timeline_bar.h"
#include "trace_document.h"
#include "tutorials_panel.h"
#include "views/beam_tree_view.h"
#include "views/narration_view.h"

namespace {

const QString kSource = QStringLiteral(DECODELAB_SOURCE_DIR);

// The lessons in the source tree as their own files say, read with Qt's JSON parser rather
// than the scenario loader.
struct SourceLesson {
    QString folder;
    QString titleEn, titleZh;
    QString headingEn, headingZh;  // the Markdown's first heading
    int runs = 0;
};

QString firstHeading(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) return {};
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.startsWith(QLatin1String("# "))) return line.mid(2);
    }
    return {};
}

QList<SourceLesson> sourceLessons() {
    QList<SourceLesson> lessons;
    const QDir tutorials(kSource + QStringLiteral("/tutorials"));
    for (const QString& folder : tutorials.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        QFile file(tutorials.filePath(folder + QStringLiteral("/scenario.json")));
        if (!file.open(QIODevice::ReadOnly)) continue;
        const QJsonObject scenario = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonObject title = scenario.value(QStringLiteral("title")).toObject();
        const QString dir = tutorials.filePath(folder) + QLatin1Char('/');
        lessons.append({folder, title.value(QStringLiteral("en")).toString(),
                        title.value(QStringLiteral("zh_CN")).toString(),
                        firstHeading(dir + QStringLiteral("lesson.en.md")),
                        firstHeading(dir + QStringLiteral("lesson.zh_CN.md")),
                        int(scenario.value(QStringLiteral("runs")).toArray().size())});
    }
    return lessons;
}

// A window with the Tutorials dock open (which loads the lessons) and errors recorded.
struct Window {
    MainWindow window;
    QStringList errors;
    TutorialsPanel* panel;

    Window() : panel(window.lessons()->panel()) {
        window.setErrorHandler([this](const QString& message) { errors << message; });
        window.resize(1400, 900);
        window.show();
        window.lessons()->dock()->show();
    }
};

int lessonIndex(const TutorialsPanel* panel, const QString& folder) {
    const auto& lessons = panel->library().lessons();
    for (int i = 0; i < int(lessons.size()); ++i)
        if (QString::fromStdString(lessons[size_t(i)].scenario.lesson) == folder) return i;
    return -1;
}

// The beams the beam tree shows at `step`: the labels of the sequences it keeps there.
QStringList keptBeams(const BeamTreeView* view, int step) {
    QStringList beams;
    const BeamTreeLayout& layout = view->layout();
    for (int i : layout.visibleAt(step)) {
        const BeamTreeNode& node = layout.nodes()[i];
        if (node.kind == BeamTreeNode::Kind::Sequence && node.step == step &&
            layout.stateAt(i, step) == BeamTreeNode::State::Kept)
            beams << node.label;
    }
    beams.sort();
    return beams;
}

// Writes a lesson folder: the scenario's JSON text and both lesson texts.
void writeLesson(const QString& folder, const QByteArray& scenario) {
    QDir().mkpath(folder);
    QFile json(folder + QStringLiteral("/scenario.json"));
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write(scenario);
    for (const char* language : {"en", "zh_CN"}) {
        QFile text(folder + QStringLiteral("/lesson.%1.md").arg(QLatin1String(language)));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("# A teacher's lesson\n\nRun it.\n");
    }
}

// A one-run scenario on the textbook's table with these extra options (JSON members).
QByteArray teacherScenario(const QByteArray& options) {
    return R"({"format": "decodelab-scenario", "version": 1,
               "title": {"zh_CN": "自己的课", "en": "My own lesson"},
               "lesson": {"zh_CN": "lesson.zh_CN.md", "en": "lesson.en.md"},
               "views": ["narration"], "step_ms": 500,
               "runs": [{"title": {"zh_CN": "运行", "en": "Run"},
                         "options": {"table": ")" +
           (kSource + QStringLiteral("/assets/tables/textbook-beam.json")).toUtf8() +
           R"(", "prompt": "<s>", "strategy": "beam", "max-new-tokens": 4)" + options + R"(}}]})";
}

}  // namespace

class TestTutorialsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void lessonsLoadWhenThePanelFirstOpens();
    void everyLessonIsListedInBothLanguages();
    void choosingALessonShowsItsText();
    void quizAnswersStayHiddenUntilAsked();
    void everyRunMapsOntoTheRunPanel();
    void loadAndRunPausesWhereTheLessonSays();
    void loadAndRunStopsTheRunInFlightFirst();
    void languageSwitchRendersTheChineseText();
    void badLessonsReportOnceAndThePanelStaysUsable();
    void classroomModeEnlargesPlaysAndRestores();
    void classroomModePlaysALessonRunToItsPauses();
};

void TestTutorialsPanel::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DecodeLabTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test_tutorials_panel"));
    QSettings().clear();
    QVERIFY(Language::apply(Language::kEnglish));
}

void TestTutorialsPanel::cleanup() {
    QVERIFY(Language::apply(Language::kEnglish));
    QSettings().clear();
}

void TestTutorialsPanel::lessonsLoadWhenThePanelFirstOpens() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    const TutorialsPanel* panel = window.lessons()->panel();
    QVERIFY(!window.lessons()->dock()->isVisible());
    QVERIFY(panel->library().lessons().empty());
    QVERIFY(panel->library().builtInRoot().isEmpty());
    // F1 (View ▸ Tutorials) opens the panel, which copies the lessons out and lists them
    QTest::keyClick(&window, Qt::Key_F1);
    QVERIFY(window.lessons()->dock()->isVisible());
    QCOMPARE(panel->lessonList()->count(), int(sourceLessons().size()));
    QVERIFY(
        QFile::exists(panel->library().builtInRoot() + QStringLiteral("/assets/tables/textbook-beam.json")));
    QCOMPARE(panel->currentLesson(), 0);
}

void TestTutorialsPanel::everyLessonIsListedInBothLanguages() {
    const QList<SourceLesson> expected = sourceLessons();
    QVERIFY(expected.size() >= 8);
    Window w;
    QVERIFY2(w.errors.isEmpty(), qPrintable(w.errors.join(QLatin1Char('\n'))));
    QListWidget* list = w.panel->lessonList();
    QCOMPARE(list->count(), int(expected.size()));
    // copied out of the app's resources, not read from the source tree
    const QString root = w.panel->library().builtInRoot();
    QVERIFY(!root.isEmpty() && !root.startsWith(kSource));
    for (int i = 0; i < int(expected.size()); ++i) {
        const dlab::Scenario& scenario = w.panel->library().lessons()[size_t(i)].scenario;
        QCOMPARE(QString::fromStdString(scenario.lesson), expected[i].folder);
        QVERIFY(QString::fromStdString(scenario.path).startsWith(root));
        QVERIFY2(list->item(i)->text().contains(expected[i].titleEn), qPrintable(list->item(i)->text()));
    }
    QVERIFY(Language::apply(Language::kChinese));
    for (int i = 0; i < int(expected.size()); ++i)
        QVERIFY2(list->item(i)->text().contains(expected[i].titleZh), qPrintable(list->item(i)->text()));
}

void TestTutorialsPanel::quizAnswersStayHiddenUntilAsked() {
    // the first line of each lesson's answers, read from its Markdown here
    Window w;
    for (int i = 0; i < int(w.panel->library().lessons().size()); ++i) {
        w.panel->setCurrentLesson(i);
        const dlab::Scenario& scenario = w.panel->library().lessons()[size_t(i)].scenario;
        QFile file(QString::fromStdString(scenario.lesson_files.at("en")));
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString markdown = QString::fromUtf8(file.readAll());
        const qsizetype summaryEnd = markdown.indexOf(QStringLiteral("</summary>"));
        QVERIFY2(summaryEnd > 0, qPrintable(QString::fromStdString(scenario.lesson)));
        // the answers' first words, without Markdown marks
        QString answer = markdown.mid(summaryEnd + 10).trimmed().section(QLatin1Char('\n'), 0, 0);
        answer = answer.mid(answer.indexOf(QLatin1Char(' ')) + 1).left(12).remove(QLatin1Char('*'));
        w.panel->showAnswersBox()->setChecked(false);
        QVERIFY2(!w.panel->textBrowser()->toPlainText().contains(answer), qPrintable(answer));
        QVERIFY(w.panel->textBrowser()->toPlainText().contains(QStringLiteral("The answers are hidden")));
        w.panel->showAnswersBox()->setChecked(true);
        QVERIFY2(w.panel->textBrowser()->toPlainText().contains(answer), qPrintable(answer));
    }
}

void TestTutorialsPanel::choosingALessonShowsItsText() {
    const QList<SourceLesson> expected = sourceLessons();
    Window w;
    for (int i = 0; i < int(expected.size()); ++i) {
        w.panel->setCurrentLesson(i);
        const QString text = w.panel->textBrowser()->toPlainText();
        QVERIFY(!expected[i].headingEn.isEmpty());
        QVERIFY2(text.contains(expected[i].headingEn), qPrintable(expected[i].folder));
        // one Load and run button per run
        QVERIFY(w.panel->runButton(expected[i].runs - 1));
        QVERIFY(!w.panel->runButton(expected[i].runs));
        QCOMPARE(w.panel->runButton(0)->text(), QStringLiteral("Load and run"));
    }
}

void TestTutorialsPanel::everyRunMapsOntoTheRunPanel() {
    Window w;
    RunPanel* runPanel = w.window.runPanel();
    int runs = 0;
    for (const LessonLibrary::Lesson& lesson : w.panel->library().lessons())
        for (size_t i = 0; i < lesson.scenario.runs.size(); ++i, ++runs) {
            const QString where =
                QStringLiteral("%1 run %2").arg(QString::fromStdString(lesson.scenario.lesson)).arg(i + 1);
            RunRequest wanted;
            QString error;
            QVERIFY2(lessonRequest(lesson.scenario.runs[i], &wanted, &error),
                     qPrintable(where + ": " + error));
            runPanel->setRequest(wanted);
            RunRequest shown;
            QVERIFY2(runPanel->request(&shown, &error), qPrintable(where + ": " + error));
            // the panel shows, and would run, exactly the lesson's settings
            const dlab::GenerationConfig& g = shown.generation;
            const dlab::GenerationConfig& e = wanted.generation;
            QVERIFY2(shown.model == wanted.model && shown.table == wanted.table &&
                         shown.prompt == wanted.prompt && shown.backend == wanted.backend,
                     qPrintable(where));
            QVERIFY2(g.strategy == e.strategy && g.max_new_tokens == e.max_new_tokens && g.seed == e.seed &&
                         g.num_beams == e.num_beams && g.length_penalty == e.length_penalty &&
                         g.early_stopping == e.early_stopping &&
                         g.num_return_sequences == e.num_return_sequences &&
                         g.penalty_alpha == e.penalty_alpha && g.temperature == e.temperature &&
                         g.top_k == e.top_k && g.top_p == e.top_p && g.min_p == e.min_p &&
                         g.typical_p == e.typical_p && g.repetition_penalty == e.repetition_penalty &&
                         g.no_repeat_ngram_size == e.no_repeat_ngram_size && g.chain_order == e.chain_order &&
                         g.chain_stages() == e.chain_stages(),
                     qPrintable(where));
            QVERIFY2(shown.drafter == wanted.drafter, qPrintable(where));
            if (wanted.drafter != RunRequest::Drafter::None)
                QVERIFY2(g.num_draft_tokens == e.num_draft_tokens && g.draft_schedule == e.draft_schedule &&
                             g.max_matching_ngram_size == e.max_matching_ngram_size,
                         qPrintable(where));
            if (wanted.drafter == RunRequest::Drafter::Model || wanted.drafter == RunRequest::Drafter::Table)
                QVERIFY2(shown.draft == wanted.draft,
                         qPrintable(where + ": " + shown.draft + " " + wanted.draft));
            // a table model has no cache or attention settings
            if (wanted.table) continue;
            const dlab::KvConfig& k = shown.kv;
            QVERIFY2(k.kind == wanted.kv.kind && k.max_seq_len == wanted.kv.max_seq_len &&
                         k.block_size == wanted.kv.block_size && k.num_blocks == wanted.kv.num_blocks &&
                         k.prefix_caching == wanted.kv.prefix_caching && k.window == wanted.kv.window &&
                         k.sink_tokens == wanted.kv.sink_tokens,
                     qPrintable(where));
            const dlab::AttentionConfig& a = shown.attention;
            QVERIFY2(a.kind == wanted.attention.kind, qPrintable(where));
            if (a.kind == dlab::AttentionKind::Flash)
                QVERIFY2(a.device_preset == wanted.attention.device_preset &&
                             a.sram_bytes == wanted.attention.sram_bytes &&
                             a.tile_rows == wanted.attention.tile_rows &&
                             a.tile_cols == wanted.attention.tile_cols &&
                             a.highlight_row == wanted.attention.highlight_row,
                         qPrintable(where));
        }
    QVERIFY(runs > 40);
}

void TestTutorialsPanel::loadAndRunPausesWhereTheLessonSays() {
    Window w;
    const int lesson = lessonIndex(w.panel, QStringLiteral("01-greedy-vs-beam"));
    QVERIFY(lesson >= 0);
    w.panel->setCurrentLesson(lesson);
    QSignalSpy finished(w.window.runController(), &RunController::finished);
    QTest::mouseClick(w.panel->runButton(0), Qt::LeftButton);
    QVERIFY(finished.count() > 0 || finished.wait(60000));
    QVERIFY2(w.errors.isEmpty(), qPrintable(w.errors.join(QLatin1Char('\n'))));

    // the run panel holds the run: the textbook's table, beam search with k = 2
    RunRequest request;
    QString error;
    QVERIFY(w.window.runPanel()->request(&request, &error));
    QVERIFY(request.table);
    QVERIFY2(request.model.endsWith(QStringLiteral("/assets/tables/textbook-beam.json")),
             qPrintable(request.model));
    QCOMPARE(request.generation.strategy, dlab::StrategyKind::Beam);
    QCOMPARE(request.generation.num_beams, 2);
    QCOMPARE(request.prompt, QStringLiteral("<s>"));

    // paused at step 1, the beam tree in front with the book's two beams
    auto* beamTree = qobject_cast<BeamTreeView*>(w.window.currentView());
    QVERIFY(beamTree);
    QVERIFY(w.window.isFollowPaused());
    QCOMPARE(w.window.timelineBar()->step(), 1);
    QVERIFY(!w.window.timelineBar()->isPlaying());
    QCOMPARE(beamTree->step(), 1);
    QCOMPARE(keptBeams(beamTree, 1), (QStringList{QStringLiteral("A"), QStringLiteral("C")}));
    const dlab::StepEvent* step1 = w.window.document()->timeline().step_event(1);
    QVERIFY(step1);
    QStringList texts;
    for (const dlab::SequenceRecord& s : step1->sequences) texts << QString::fromStdString(s.text);
    texts.sort();
    QCOMPARE(texts, (QStringList{QStringLiteral("A"), QStringLiteral("C")}));
    QVERIFY(w.window.debugPanel()->pauseText().contains(QStringLiteral("step 1")));
    QCOMPARE(w.window.debugPanel()->conditionCount(), 3);

    // Space goes on, as in any replay, to the lesson's next pause
    w.window.timelineBar()->setSpeed(8);
    QTest::keyClick(&w.window, Qt::Key_Space);
    QTRY_COMPARE_WITH_TIMEOUT(w.window.timelineBar()->step(), 2, 5000);
    QTRY_VERIFY(!w.window.timelineBar()->isPlaying());
    QCOMPARE(keptBeams(beamTree, 2), (QStringList{QStringLiteral("B"), QStringLiteral("E")}));

    // a run of the user's own (Run) drops the lesson's pauses
    finished.clear();
    Q_EMIT w.window.runPanel()->runRequested();
    QCOMPARE(w.window.debugPanel()->conditionCount(), 0);
    QVERIFY(finished.wait(60000));
    QVERIFY(!w.window.isFollowPaused());
    QCOMPARE(w.window.timelineBar()->step(), 4);
}

void TestTutorialsPanel::loadAndRunStopsTheRunInFlightFirst() {
    Window w;
    // a long run of four samples a step on the embedded model
    RunRequest request;
    request.generation.strategy = dlab::StrategyKind::Sample;
    request.generation.num_return_sequences = 4;
    request.generation.stop_at_eos = false;
    request.generation.max_new_tokens = 400;
    w.window.runPanel()->setRequest(request);
    QSignalSpy finished(w.window.runController(), &RunController::finished);
    QVERIFY(w.window.startRun());
    w.panel->setCurrentLesson(lessonIndex(w.panel, QStringLiteral("01-greedy-vs-beam")));
    w.panel->runButton(0)->click();
    // the first stops, the lesson's runs and pauses at its first step
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    QCOMPARE(finished.at(0).at(0).toString(), QStringLiteral("stopped"));
    QCOMPARE(finished.at(1).at(0).toString(), QStringLiteral("max_new_tokens"));
    QVERIFY2(w.errors.isEmpty(), qPrintable(w.errors.join(QLatin1Char('\n'))));
    QCOMPARE(w.window.document()->timeline().run()->strategy, std::string("beam"));
    QCOMPARE(w.window.timelineBar()->step(), 1);
    QVERIFY(w.window.isFollowPaused());
}

void TestTutorialsPanel::languageSwitchRendersTheChineseText() {
    const QList<SourceLesson> expected = sourceLessons();
    Window w;
    w.panel->setCurrentLesson(0);
    QVERIFY(w.panel->textBrowser()->toPlainText().contains(expected[0].headingEn));
    QVERIFY(Language::apply(Language::kChinese));
    const QString text = w.panel->textBrowser()->toPlainText();
    QVERIFY2(text.contains(expected[0].headingZh), qPrintable(text.left(200)));
    QVERIFY(!text.contains(expected[0].headingEn));
    QCOMPARE(w.panel->runButton(0)->text(), QStringLiteral("载入并运行"));
    QVERIFY(Language::apply(Language::kEnglish));
    QVERIFY(w.panel->textBrowser()->toPlainText().contains(expected[0].headingEn));
}

void TestTutorialsPanel::badLessonsReportOnceAndThePanelStaysUsable() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Window w;
    const int lessons = w.panel->lessonList()->count();

    // not JSON: one error naming the file, nothing added
    const QString broken = dir.filePath(QStringLiteral("broken"));
    writeLesson(broken, "{ \"format\": ");
    QVERIFY(!w.panel->openLessonFolder(broken));
    QCOMPARE(w.errors.size(), 1);
    QVERIFY2(w.errors.first().contains(QStringLiteral("scenario.json")), qPrintable(w.errors.first()));
    QCOMPARE(w.panel->lessonList()->count(), lessons);
    // a folder without a lesson
    QVERIFY(!w.panel->openLessonFolder(dir.filePath(QStringLiteral("nothing-here"))));
    QCOMPARE(w.errors.size(), 2);

    // a lesson whose run the settings refuse: it loads, its run does not start
    const QString refused = dir.filePath(QStringLiteral("refused"));
    writeLesson(refused, teacherScenario(", \"num-beams\": 0"));
    QVERIFY(w.panel->openLessonFolder(refused));
    QCOMPARE(w.panel->lessonList()->count(), lessons + 1);
    QCOMPARE(w.panel->currentLesson(), lessons);
    w.panel->runButton(0)->click();
    QCOMPARE(w.errors.size(), 3);
    QVERIFY2(w.errors.last().contains(QStringLiteral("num-beams")), qPrintable(w.errors.last()));
    QVERIFY(!w.window.runController()->isRunning());

    // the teacher's fixed lesson is loaded again in its place and runs
    writeLesson(refused, teacherScenario(", \"num-beams\": 2"));
    QVERIFY(w.panel->openLessonFolder(refused));
    QCOMPARE(w.panel->lessonList()->count(), lessons + 1);
    QVERIFY(w.panel->lessonList()->item(lessons)->text().contains(QStringLiteral("My own lesson")));
    QVERIFY(w.panel->textBrowser()->toPlainText().contains(QStringLiteral("A teacher's lesson")));
    QSignalSpy finished(w.window.runController(), &RunController::finished);
    w.panel->runButton(0)->click();
    QVERIFY(finished.wait(60000));
    QCOMPARE(w.errors.size(), 3);
    QCOMPARE(finished.first().at(0).toString(), QStringLiteral("max_new_tokens"));
    QVERIFY(qobject_cast<NarrationView*>(w.window.currentView()));
}

void TestTutorialsPanel::classroomModeEnlargesPlaysAndRestores() {
    Window w;
    ClassroomMode* classroom = w.window.lessons()->classroom();
    TimelineBar* timeline = w.window.timelineBar();
    auto* runDock = w.window.findChild<QDockWidget*>(QStringLiteral("runDock"));
    QVERIFY(runDock && runDock->isVisible());
    QVERIFY(w.window.openTrace(kSource + QStringLiteral("/tests/data/traces/paged-beam.jsonl")));
    const int scaleBefore = Presentation::fontScale();
    const qreal fontBefore = QApplication::font().pointSizeF();
    QVERIFY(fontBefore > 0);
    classroom->setChosenPace(100);

    // F11 turns it on
    QVERIFY(QTest::qWaitForWindowActive(&w.window));
    QTest::keyClick(&w.window, Qt::Key_F11);
    QVERIFY(classroom->isOn());
    QCOMPARE(Presentation::fontScale(), Presentation::fontScales().last());
    QVERIFY(QApplication::font().pointSizeF() > fontBefore);
    QVERIFY(classroom->narrationDock()->isVisible());
    QVERIFY(!runDock->isVisible());
    QVERIFY(w.window.lessons()->dock()->isVisible());
    // it plays by itself at the pace; the narration follows
    QCOMPARE(timeline->pace(), 100);
    QVERIFY(timeline->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(timeline->step() >= 3, 2000);
    QTRY_COMPARE(classroom->narration()->step(), timeline->step());
    // Space pauses and resumes
    QTest::keyClick(&w.window, Qt::Key_Space);
    QVERIFY(!timeline->isPlaying());
    const int paused = timeline->step();
    QTest::qWait(300);
    QCOMPARE(timeline->step(), paused);
    QTest::keyClick(&w.window, Qt::Key_Space);
    QTRY_VERIFY_WITH_TIMEOUT(timeline->step() > paused, 2000);
    // remembered, layout and pace too
    QVERIFY(QSettings().value(QStringLiteral("classroom/on")).toBool());
    QCOMPARE(QSettings().value(QStringLiteral("classroom/pace")).toInt(), 100);

    // leaving puts everything back
    classroom->action()->trigger();
    QVERIFY(!classroom->isOn());
    QCOMPARE(Presentation::fontScale(), scaleBefore);
    QCOMPARE(QApplication::font().pointSizeF(), fontBefore);
    QVERIFY(!classroom->narrationDock()->isVisible());
    QVERIFY(runDock->isVisible());
    QVERIFY(!timeline->isPlaying());
    QCOMPARE(timeline->pace(), 0);
    QVERIFY(!QSettings().value(QStringLiteral("classroom/on")).toBool());

    // a window made while it was on at the end of the last session comes back in it
    QSettings().setValue(QStringLiteral("classroom/on"), true);
    {
        Window again;
        QVERIFY(again.window.lessons()->classroom()->isOn());
        QCOMPARE(again.window.lessons()->classroom()->chosenPace(), 100);
        QCOMPARE(Presentation::fontScale(), Presentation::fontScales().last());
        again.window.lessons()->classroom()->setOn(false);
    }
    QCOMPARE(Presentation::fontScale(), scaleBefore);
}

void TestTutorialsPanel::classroomModePlaysALessonRunToItsPauses() {
    Window w;
    ClassroomMode* classroom = w.window.lessons()->classroom();
    TimelineBar* timeline = w.window.timelineBar();
    classroom->setOn(true);
    // the lesson's own pace (1.5 s per step) unless one is chosen
    w.panel->setCurrentLesson(lessonIndex(w.panel, QStringLiteral("01-greedy-vs-beam")));
    QSignalSpy finished(w.window.runController(), &RunController::finished);
    QElapsedTimer clock;
    clock.start();
    w.panel->runButton(0)->click();
    QCOMPARE(timeline->pace(), 1500);
    QVERIFY(timeline->isPlaying());
    // the run is done long before the first step is due: it is played, not jumped to
    QVERIFY(finished.wait(60000));
    QVERIFY2(w.errors.isEmpty(), qPrintable(w.errors.join(QLatin1Char('\n'))));
    QCOMPARE(w.window.document()->lastStep(), 4);
    if (clock.elapsed() < 1000) {
        QCOMPARE(timeline->step(), 0);
        QVERIFY(timeline->isPlaying());
    }
    classroom->setChosenPace(100);
    QCOMPARE(timeline->pace(), 100);
    // it stops at the lesson's first pause, step 1
    QTRY_VERIFY_WITH_TIMEOUT(!timeline->isPlaying(), 5000);
    QCOMPARE(timeline->step(), 1);
    QVERIFY(w.window.debugPanel()->pauseText().contains(QStringLiteral("step 1")));
    // Space: on to the next pause
    QTest::keyClick(&w.window, Qt::Key_Space);
    QTRY_COMPARE_WITH_TIMEOUT(timeline->step(), 2, 2000);
    QTRY_VERIFY(!timeline->isPlaying());
    QCOMPARE(classroom->narration()->step(), 2);
    classroom->setOn(false);
}

QTEST_MAIN(TestTutorialsPanel)
#include "test_tutorials_panel.moc"
