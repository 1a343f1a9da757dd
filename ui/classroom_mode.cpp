#include "classroom_mode.h"

#include <QAction>
#include <QDockWidget>
#include <QListWidget>
#include <QSettings>
#include <algorithm>

#include "main_window.h"
#include "presentation.h"
#include "timeline_bar.h"
#include "trace_document.h"
#include "views/narration_view.h"

namespace {

const QString kOnKey = QStringLiteral("classroom/on");
const QString kPaceKey = QStringLiteral("classroom/pace");

}  // namespace

ClassroomMode::ClassroomMode(MainWindow* window, QDockWidget* keep)
    : QObject(window),
      m_window(window),
      m_keep(keep),
      m_action(new QAction(this)),
      m_narrationDock(new QDockWidget(window)),
      m_narration(new NarrationView) {
    m_action->setCheckable(true);
    m_action->setShortcut(QKeySequence(Qt::Key_F11));
    m_action->setShortcutContext(Qt::WindowShortcut);
    window->addAction(m_action);
    connect(m_action, &QAction::toggled, this, &ClassroomMode::setOn);

    // the step's sentence alone, in large type for the back of the room; the Narration tab
    // keeps the history
    m_narration->history()->hide();
    m_narrationDock->setObjectName(QStringLiteral("classroomNarrationDock"));
    m_narrationDock->setWidget(m_narration);
    window->addDockWidget(Qt::BottomDockWidgetArea, m_narrationDock);
    m_narrationDock->hide();
    // the narration follows the window's trace and step while it is shown
    TimelineBar* timeline = window->timelineBar();
    connect(window->document(), &TraceDocument::reset, this,
            [this] { m_narration->setTimeline(&m_window->document()->timeline()); });
    connect(window->document(), &TraceDocument::stepsChanged, this,
            [this, timeline] { showStep(timeline->step()); });
    connect(timeline, &TimelineBar::stepChanged, this, &ClassroomMode::showStep);
    connect(m_narration, &NarrationView::stepRequested, this, [timeline](int step) {
        timeline->pause();
        timeline->setStep(step);
    });
    retranslate();
}

void ClassroomMode::setOn(bool on) {
    if (on == m_on) return;
    m_on = on;
    m_action->setChecked(on);
    on ? enter() : leave();
    QSettings().setValue(kOnKey, on);
}

void ClassroomMode::enter() {
    m_stateBefore = m_window->saveState();
    m_fontScaleBefore = Presentation::fontScale();
    Presentation::setFontScale(Presentation::fontScales().last(), false);
    for (QDockWidget* dock : m_window->findChildren<QDockWidget*>())
        if (dock != m_keep && dock != m_narrationDock) dock->hide();
    m_narration->setTimeline(&m_window->document()->timeline());
    m_narrationDock->show();
    // room for the sentence in large type; the view on top keeps the most
    m_window->resizeDocks({m_narrationDock}, {m_window->height() / 3}, Qt::Vertical);
    if (m_keep->isVisible()) m_window->resizeDocks({m_keep}, {m_window->width() / 3}, Qt::Horizontal);
    TimelineBar* timeline = m_window->timelineBar();
    showStep(timeline->step());
    timeline->setPace(pace());
    // from where the class is; a trace at its end waits for Space (which starts over)
    if (timeline->step() < timeline->lastStep()) timeline->play();
}

void ClassroomMode::leave() {
    TimelineBar* timeline = m_window->timelineBar();
    // auto-play is the mode's
    timeline->pause();
    timeline->setPace(0);
    m_narrationDock->hide();
    m_window->restoreState(m_stateBefore);
    Presentation::setFontScale(m_fontScaleBefore);
}

void ClassroomMode::showStep(int step) {
    if (m_narrationDock->isVisible()) m_narration->showStep(step, false);
}

void ClassroomMode::setLessonPace(int msPerStep) {
    m_lessonPace = msPerStep;
    if (m_on) m_window->timelineBar()->setPace(pace());
}

void ClassroomMode::setChosenPace(int msPerStep) {
    m_chosenPace = std::max(0, msPerStep);
    QSettings().setValue(kPaceKey, m_chosenPace);
    if (m_on) m_window->timelineBar()->setPace(pace());
}

int ClassroomMode::pace() const { return m_chosenPace > 0 ? m_chosenPace : m_lessonPace; }

void ClassroomMode::autoPlay() {
    if (m_on) m_window->timelineBar()->play();
}

QByteArray ClassroomMode::windowState() const { return m_on ? m_stateBefore : m_window->saveState(); }

void ClassroomMode::restoreSettings() {
    const QSettings settings;
    m_chosenPace = std::max(0, settings.value(kPaceKey, 0).toInt());
    if (settings.value(kOnKey, false).toBool()) setOn(true);
}

void ClassroomMode::retranslate() {
    m_action->setText(tr("&Classroom mode"));
    m_action->setToolTip(
        tr("Large fonts, the narration under the view, and the steps played by themselves at "
           "the lesson's pace; Space pauses and resumes (F11)"));
    m_narrationDock->setWindowTitle(m_narration->title());
}
