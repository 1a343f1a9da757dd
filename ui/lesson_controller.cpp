#include "lesson_controller.h"

#include <QAction>
#include <QDockWidget>

#include "classroom_mode.h"
#include "debug_panel.h"
#include "lesson_request.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_panel.h"
#include "tutorials_panel.h"
#include "view_registry.h"

LessonController::LessonController(MainWindow* window)
    : QObject(window), m_window(window), m_dock(new QDockWidget(window)), m_panel(new TutorialsPanel) {
    m_dock->setObjectName(QStringLiteral("tutorialsDock"));
    m_dock->setWidget(m_panel);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    m_dock->hide();
    tutorialsAction()->setShortcut(QKeySequence(Qt::Key_F1));
    m_classroom = new ClassroomMode(window, m_dock);
    m_panel->setClassroomAction(m_classroom->action());

    connect(m_panel, &TutorialsPanel::runRequested, this, &LessonController::loadAndRun);
    connect(m_panel, &TutorialsPanel::failed, window, &MainWindow::reportError);
    connect(m_panel, &TutorialsPanel::paceChosen, m_classroom, &ClassroomMode::setChosenPace);
    // queued: after the window has finished with the run that ended
    connect(
        window->runController(), &RunController::finished, this,
        [this] {
            if (!m_pending) return;
            const auto [lesson, run] = *m_pending;
            m_pending.reset();
            start(lesson, run);
        },
        Qt::QueuedConnection);
    // a teacher's lesson is shown where the others are
    connect(m_panel->openFolderAction(), &QAction::triggered, m_dock, [this] {
        m_dock->show();
        m_dock->raise();
    });
    // a run of the user's own is not the lesson's: its pauses go
    connect(window->runPanel(), &RunPanel::runRequested, this,
            [this] { m_window->debugPanel()->setLessonPauses({}); });
    retranslate();
}

QAction* LessonController::tutorialsAction() const { return m_dock->toggleViewAction(); }

bool LessonController::loadAndRun(int lesson, int run) {
    if (m_window->runController()->isRunning()) {
        m_pending = {lesson, run};
        m_window->stopRun();
        return true;
    }
    return start(lesson, run);
}

bool LessonController::start(int lesson, int run) {
    const auto& lessons = m_panel->library().lessons();
    if (lesson < 0 || lesson >= int(lessons.size()) || run < 0 ||
        run >= int(lessons[size_t(lesson)].scenario.runs.size()))
        return false;
    const dlab::Scenario& scenario = lessons[size_t(lesson)].scenario;
    const dlab::ScenarioRun& lessonRun = scenario.runs[size_t(run)];
    const auto fail = [this](const QString& message) {
        m_window->reportError(message);
        return false;
    };

    // the options and the views checked before the run panel changes
    RunRequest request;
    QString error;
    if (!lessonRequest(lessonRun, &request, &error)) return fail(error);
    std::vector<StepView*> views;
    for (const std::string& name : lessonRun.views.empty() ? scenario.views : lessonRun.views) {
        StepView* view = findStepView(m_window->views(), QString::fromStdString(name));
        if (!view)
            return fail(tr("The lesson asks for a view “%1” this app does not have (one of %2)")
                            .arg(QString::fromStdString(name), stepViewNames().join(QStringLiteral(", "))));
        views.push_back(view);
    }
    // the panel shows the run and is what runs: it refuses what it cannot run (showing it)
    m_window->runPanel()->setRequest(request);
    RunRequest shown;
    if (!m_window->runPanel()->request(&shown, &error)) return fail(error);

    m_window->debugPanel()->setLessonPauses(lessonRun.pause_at);
    if (!views.empty()) m_window->setCurrentView(views.front());
    m_classroom->setLessonPace(scenario.step_ms);
    if (!m_window->startRun()) return false;
    m_classroom->autoPlay();
    return true;
}

void LessonController::restoreSettings() {
    m_classroom->restoreSettings();
    m_panel->setPace(m_classroom->chosenPace());
}

void LessonController::retranslate() {
    // a dock's title renames its toggle action, so the title goes first
    m_dock->setWindowTitle(tr("Tutorials"));
    tutorialsAction()->setText(tr("&Tutorials"));
    m_classroom->retranslate();
}
