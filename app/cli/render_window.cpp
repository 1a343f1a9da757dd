#include "render_window.h"

#include <QDockWidget>
#include <QEventLoop>
#include <QPushButton>
#include <QTimer>

#include "classroom_mode.h"
#include "common/error.h"
#include "lesson_controller.h"
#include "main_window.h"
#include "run_controller.h"
#include "timeline_bar.h"
#include "tutorials_panel.h"

namespace dlab::cli {

namespace {

constexpr int kTimeoutMs = 120000;

int find_lesson(const TutorialsPanel& panel, const std::string& wanted) {
    const auto& lessons = panel.library().lessons();
    for (int i = 0; i < int(lessons.size()); ++i)
        if (lessons[size_t(i)].scenario.lesson.rfind(wanted, 0) == 0) return i;
    std::string names;
    for (const auto& lesson : lessons) names += (names.empty() ? "" : ", ") + lesson.scenario.lesson;
    throw InvalidArgument("--lesson: no lesson '" + wanted + "' (one of " + names + ")");
}

}  // namespace

std::unique_ptr<QWidget> lesson_window(const std::string& lesson, int run, bool classroom, QSize size) {
    auto window = std::make_unique<MainWindow>();
    QString error;
    window->setErrorHandler([&error](const QString& message) {
        if (error.isEmpty()) error = message;
    });
    window->resize(size);
    window->show();
    // the lesson's text gets a third of the width
    QDockWidget* dock = window->lessons()->dock();
    dock->show();
    window->resizeDocks({dock}, {size.width() / 3}, Qt::Horizontal);
    TutorialsPanel* panel = window->lessons()->panel();
    if (!error.isEmpty()) throw Error(error.toStdString());
    const int index = find_lesson(*panel, lesson);
    panel->setCurrentLesson(index);
    QPushButton* button = panel->runButton(run - 1);
    if (!button)
        throw InvalidArgument("--run: lesson " + panel->library().lessons()[size_t(index)].scenario.lesson +
                              " has no run " + std::to_string(run));
    window->lessons()->classroom()->setOn(classroom);
    button->click();
    // classroom mode plays at the lesson's pace (seconds a step); a picture wants only where
    // it stops, so the timeline runs there at once (a run with no pause took minutes)
    if (classroom) window->timelineBar()->setPace(1);

    // until the run is over and the timeline stopped at the lesson's first pause (or the end)
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (!error.isEmpty() ||
            (!window->runController()->isRunning() && !window->timelineBar()->isPlaying()))
            loop.quit();
    });
    poll.start(50);
    QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    if (!error.isEmpty()) throw Error(error.toStdString());
    if (window->runController()->isRunning() || window->timelineBar()->isPlaying())
        throw Error("render: the lesson's run did not pause or end within " +
                    std::to_string(kTimeoutMs / 1000) + " s");
    // the step drawn at once, as a picture wants it, not mid-animation
    TimelineBar* timeline = window->timelineBar();
    timeline->setStep(timeline->step(), false, true);
    return window;
}

}  // namespace dlab::cli
