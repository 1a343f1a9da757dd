#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "app_settings.h"
#include "classroom_mode.h"
#include "debug_panel.h"
#include "divergence_dialog.h"
#include "language.h"
#include "lesson_controller.h"
#include "presentation.h"
#include "run_controller.h"
#include "run_panel.h"
#include "timeline_bar.h"
#include "trace/jsonl.h"
#include "trace_document.h"
#include "tutorials_panel.h"
#include "view_registry.h"
#include "views/compare_view.h"
#include "views/narration_view.h"
#include "views/speculative_view.h"

namespace {

const QString kWindowGroup = QStringLiteral("mainWindow");

QString traceFilter() { return MainWindow::tr("DecodeLab traces (*.jsonl);;All files (*)"); }

// The Compare tab's table; ViewExporter writes step views' CSV the same way.
QString stopReasonText(const QString& reason) {
    if (reason == QLatin1String("eos")) return MainWindow::tr("every sequence ended (end of sequence)");
    if (reason == QLatin1String("max_new_tokens")) return MainWindow::tr("reached the maximum of new tokens");
    if (reason == QLatin1String("done")) return MainWindow::tr("the strategy is done");
    if (reason == QLatin1String("kv_exhausted")) return MainWindow::tr("the KV cache is full");
    if (reason == QLatin1String("stopped")) return MainWindow::tr("stopped");
    return reason;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_document(new TraceDocument(this)),
      m_controller(new RunController(this)),
      m_runPanel(new RunPanel),
      m_timeline(new TimelineBar),
      m_debugPanel(new DebugPanel),
      m_runDock(new QDockWidget(this)),
      m_debugDock(new QDockWidget(this)),
      m_tabs(new QTabWidget),
      m_runStatus(new QLabel),
      m_progress(new QProgressBar),
      m_cancel(new QToolButton) {
    setWindowIcon(QApplication::windowIcon());
    setAcceptDrops(true);

    // the views in tabs, then the comparison of strategies, the timeline under them
    m_views = createStepViews(m_tabs);
    m_viewSteps.assign(m_views.size(), -1);
    for (StepView* view : m_views) {
        m_tabs->addTab(view, view->title());
        if (auto* narration = qobject_cast<NarrationView*>(view))
            connect(narration, &NarrationView::stepRequested, this, &MainWindow::jumpToStep);
        if (auto* speculative = qobject_cast<SpeculativeView*>(view))
            connect(speculative, &SpeculativeView::stepRequested, this, &MainWindow::jumpToStep);
    }
    m_compare = new CompareView(m_tabs);
    m_tabs->addTab(m_compare, m_compare->title());
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_timeline);
    setCentralWidget(central);

    // the run panel, scrollable on small screens
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_runPanel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_runDock->setObjectName(QStringLiteral("runDock"));
    m_runDock->setWidget(scroll);
    addDockWidget(Qt::LeftDockWidgetArea, m_runDock);
    // the debugger's conditions, out of the way until wanted
    m_debugDock->setObjectName(QStringLiteral("debugDock"));
    m_debugDock->setWidget(m_debugPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_debugDock);
    m_debugDock->hide();
    m_debugPanel->setTimeline(&m_document->timeline());
    m_lessons = new LessonController(this);

    // model loading and long runs: progress with a way out
    m_progress->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 20);
    m_progress->hide();
    m_cancel->setAutoRaise(true);
    m_cancel->hide();
    statusBar()->addPermanentWidget(m_runStatus);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);

    createMenus();
    retranslateUi();

    connect(m_document, &TraceDocument::reset, this, &MainWindow::onDocumentReset);
    connect(m_document, &TraceDocument::stepsChanged, this, &MainWindow::onStepsChanged);
    connect(m_timeline, &TimelineBar::stepChanged, this, &MainWindow::onStepChanged);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::onCurrentTabChanged);
    connect(m_debugPanel, &DebugPanel::continueRequested, this, &MainWindow::continueAfterPause);
    connect(m_cancel, &QToolButton::clicked, this, &MainWindow::stopRun);

    connect(m_runPanel, &RunPanel::runRequested, this, &MainWindow::startRun);
    connect(m_runPanel, &RunPanel::stopRequested, this, &MainWindow::stopRun);
    connect(m_controller, &RunController::eventsArrived, this, [this](const EventBatch& events) {
        // a trace opened during the run has taken the document's place
        if (!m_live) return;
        QString error;
        if (!m_document->appendEvents(events, &error)) reportError(error);
    });
    connect(m_controller, &RunController::loadingModel, this, [this](const QString& model) {
        // loading has no steps to count: a busy bar until the first step
        m_progress->setRange(0, 0);
        m_runStatus->setText(tr("Loading %1…").arg(model));
    });
    connect(m_controller, &RunController::progress, this, [this](int step, int maxSteps) {
        m_progress->setRange(0, maxSteps);
        m_progress->setValue(step);
        m_runStatus->setText(tr("Step %1 of at most %2").arg(step).arg(maxSteps));
    });
    // shown while the run goes on and again with its end
    connect(m_controller, &RunController::backendNote, this, [this](const QString& note) {
        m_backendNote = note;
        statusBar()->showMessage(note);
    });
    connect(m_controller, &RunController::failed, this, &MainWindow::reportError);
    connect(m_controller, &RunController::finished, this, &MainWindow::onRunFinished);

    resize(fontMetrics().averageCharWidth() * 160, fontMetrics().height() * 45);
    QSettings settings;
    settings.beginGroup(kWindowGroup);
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_runPanel->restoreSettings();
    // after the layout: classroom mode keeps the one it found to put back
    m_lessons->restoreSettings();
    updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
    m_fileMenu = menuBar()->addMenu(QString());
    m_openAction = m_fileMenu->addAction(QString(), QKeySequence::Open, this, &MainWindow::openTraceDialog);
    m_saveAction = m_fileMenu->addAction(QString(), QKeySequence::Save, this, &MainWindow::saveTraceDialog);
    m_recentMenu = m_fileMenu->addMenu(QString());
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    m_compareTracesAction = m_fileMenu->addAction(QString(), this, &MainWindow::compareTracesDialog);
    m_fileMenu->addAction(m_lessons->panel()->openFolderAction());
    m_fileMenu->addSeparator();
    m_exportAction = m_fileMenu->addAction(QString(), this, &MainWindow::exportViewDialog);
    m_exportCsvAction = m_fileMenu->addAction(QString(), this, &MainWindow::exportCsvDialog);
    m_exportChromeAction = m_fileMenu->addAction(QString(), this, &MainWindow::exportChromeTraceDialog);
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), QKeySequence::Quit, this, &QWidget::close);

    m_viewMenu = menuBar()->addMenu(QString());
    m_viewMenu->addAction(m_runDock->toggleViewAction());
    m_viewMenu->addAction(m_debugDock->toggleViewAction());
    m_viewMenu->addAction(m_lessons->tutorialsAction());
    m_viewMenu->addAction(m_lessons->classroom()->action());
    m_viewMenu->addSeparator();
    m_viewMenu->addActions(m_timeline->navigationActions());
    m_viewMenu->addSeparator();
    // font size for projectors and the theme, both app-wide and remembered
    m_viewMenu->addMenu(createFontScaleMenu(m_viewMenu));
    m_viewMenu->addMenu(createThemeMenu(m_viewMenu));
    m_viewMenu->addMenu(createLanguageMenu(this));

    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, [this] {
        QMessageBox::about(this, tr("About DecodeLab"),
                           tr("<h3>DecodeLab %1</h3><p>See how language models decode text — greedy, beam "
                              "and contrastive search, sampling — and how inference is accelerated: the KV "
                              "cache, PagedAttention and FlashAttention.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::retranslateUi() {
    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open trace…"));
    m_saveAction->setText(tr("&Save trace…"));
    m_recentMenu->setTitle(tr("Recent files"));
    m_compareTracesAction->setText(tr("&Compare traces…"));
    m_compareTracesAction->setToolTip(tr("Open a second trace and see where it first diverges from this one"));
    m_exportAction->setText(tr("&Export view…"));
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    m_exportCsvAction->setText(tr("Export chart data (CSV)…"));
    m_exportChromeAction->setText(tr("Export trace for Perfetto (Chrome JSON)…"));
    m_quitAction->setText(tr("&Quit"));

    m_viewMenu->setTitle(tr("&View"));
    // a dock's title renames its toggle action, so the title goes first
    m_runDock->setWindowTitle(tr("Run"));
    m_runDock->toggleViewAction()->setText(tr("Run panel"));
    m_debugDock->setWindowTitle(tr("Debugging"));
    m_debugDock->toggleViewAction()->setText(tr("Pause-on conditions"));
    m_lessons->retranslate();
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About DecodeLab"));

    for (size_t i = 0; i < m_views.size(); ++i) m_tabs->setTabText(int(i), m_views[i]->title());
    m_tabs->setTabText(int(m_views.size()), m_compare->title());
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the run after the step in flight"));
    updateTitle();
}

void MainWindow::changeEvent(QEvent* event) {
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslateUi();
}

void MainWindow::reportError(const QString& message) {
    if (m_errorHandler) {
        m_errorHandler(message);
        return;
    }
    QMessageBox::warning(this, tr("DecodeLab"), message);
}

bool MainWindow::openTrace(const QString& path) {
    if (m_live) {
        // the run goes on to its end in the background; its events are no longer wanted
        m_controller->stop();
        m_live = false;
        m_timeline->setOpenEnded(false);
    }
    QString error;
    if (!m_document->open(path, &error)) {
        reportError(tr("Cannot open the trace:\n%1").arg(error));
        return false;
    }
    AppSettings::addRecentFile(path);
    statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

bool MainWindow::saveTrace(const QString& path) {
    if (m_document->isEmpty()) {
        reportError(tr("There is no trace to save yet: run a model or open a trace."));
        return false;
    }
    QString error;
    if (!m_document->save(path, &error)) {
        reportError(tr("Cannot save the trace:\n%1").arg(error));
        return false;
    }
    AppSettings::addRecentFile(path);
    updateTitle();
    return true;
}

bool MainWindow::startRun() {
    if (m_controller->isRunning()) return false;
    RunRequest request;
    QString error;
    if (!m_runPanel->request(&request, &error)) {
        reportError(error);
        return false;
    }
    m_runPanel->saveSettings();
    m_live = true;
    m_timeline->setOpenEnded(true);
    m_backendNote.clear();
    m_document->clear();
    m_runPanel->setRunning(true);
    m_progress->setRange(0, request.generation.max_new_tokens);
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    m_controller->start(request);
    updateTitle();
    return true;
}

void MainWindow::stopRun() { m_controller->stop(); }

void MainWindow::onRunFinished(const QString& stopReason, const QString& detail) {
    m_live = false;
    m_timeline->setOpenEnded(false);
    m_runPanel->setRunning(false);
    m_progress->hide();
    m_cancel->hide();
    m_runStatus->clear();
    if (stopReason != QLatin1String("failed")) {
        QString message = tr("Run finished: %1").arg(stopReasonText(stopReason));
        if (!detail.isEmpty()) message += QStringLiteral(" — ") + detail;
        if (!m_backendNote.isEmpty()) message += QStringLiteral(" — ") + m_backendNote;
        // the pause is what the user is looking at
        if (m_followPaused)
            message = tr("%1; the view stays at step %2, where it paused").arg(message).arg(m_timeline->step());
        statusBar()->showMessage(message);
    }
    updateTitle();
}

void MainWindow::onDocumentReset() {
    for (StepView* view : m_views) view->setTimeline(&m_document->timeline());
    m_viewSteps.assign(m_views.size(), -1);
    m_followPaused = false;
    m_checkedStep = 0;
    m_debugPanel->clearPause();
    // a live run's first events leave the timeline as the run's start set it (paused, or
    // auto-playing in classroom mode)
    if (!m_live || m_document->isEmpty()) m_timeline->pause();
    m_timeline->setLastStep(m_document->lastStep());
    // a replay starts at the prompt; a live run starts there anyway
    m_timeline->setStep(0, false, true);
    updateTitle();
}

void MainWindow::onStepsChanged(int lastStep) {
    m_timeline->setLastStep(lastStep);
    // a live run shows its newest step unless the timeline plays its steps at its own pace;
    // a replay stays where the user is
    if (m_live && !m_followPaused && !m_timeline->isPlaying()) followLiveRun();
}

// Moves to the live run's newest step unless a pause-on condition holds at a step before
// it: every step that arrived is checked, also when one batch brought several.
void MainWindow::followLiveRun() {
    const int lastStep = m_document->lastStep();
    while (m_checkedStep < lastStep) {
        const int step = ++m_checkedStep;
        const QString reason = m_debugPanel->pauseReason(m_document->timeline(), step);
        if (reason.isEmpty()) continue;
        m_followPaused = true;
        m_timeline->setStep(step, true, true);
        pauseAt(step, reason);
        if (m_debugPanel->stopsRun()) m_controller->stop();
        return;
    }
    m_timeline->setStep(lastStep, true, true);
}

void MainWindow::pauseAt(int step, const QString& reason) {
    m_timeline->pause();
    m_debugPanel->showPause(step, reason);
    statusBar()->showMessage(tr("Paused at step %1: %2").arg(step).arg(reason));
}

void MainWindow::continueAfterPause() {
    statusBar()->clearMessage();
    if (m_live && m_followPaused) {
        m_followPaused = false;
        followLiveRun();
    } else {
        m_timeline->play();
    }
}

void MainWindow::jumpToStep(int step) {
    m_timeline->pause();
    m_timeline->setStep(step);
}

void MainWindow::onStepChanged(int step, bool animate) {
    // only the visible view draws now; the others when their tab is chosen
    std::fill(m_viewSteps.begin(), m_viewSteps.end(), -1);
    const int current = m_tabs->currentIndex();
    if (current >= 0 && current < int(m_views.size())) {
        m_views[size_t(current)]->showStep(step, animate);
        m_viewSteps[size_t(current)] = step;
    }
    // playing stops where a pause-on condition holds; a live run played is no longer
    // followed, and the steps played need no check when it would be again
    if (m_timeline->isPlaying()) {
        if (m_live) {
            m_followPaused = true;
            m_checkedStep = std::max(m_checkedStep, step);
        }
        const QString reason = m_debugPanel->pauseReason(m_document->timeline(), step);
        if (!reason.isEmpty()) pauseAt(step, reason);
    }
}

void MainWindow::onCurrentTabChanged() {
    const int current = m_tabs->currentIndex();
    if (current < 0) return;
    if (current >= int(m_views.size())) {
        // the Compare tab starts from what the run panel would run
        RunRequest request;
        QString error;
        if (!m_compare->isRunning() && m_runPanel->request(&request, &error)) m_compare->useRunSettings(request);
        return;
    }
    if (m_viewSteps[size_t(current)] == m_timeline->step()) return;
    m_views[size_t(current)]->showStep(m_timeline->step(), false);
    m_viewSteps[size_t(current)] = m_timeline->step();
}

StepView* MainWindow::currentView() const {
    const int current = m_tabs->currentIndex();
    return current < 0 || current >= int(m_views.size()) ? nullptr : m_views[size_t(current)];
}

void MainWindow::setCurrentView(StepView* view) { m_tabs->setCurrentWidget(view); }

void MainWindow::showCompareTab() { m_tabs->setCurrentWidget(m_compare); }

bool MainWindow::isCompareTabCurrent() const { return m_tabs->currentWidget() == m_compare; }

DivergenceDialog* MainWindow::compareWithTrace(const QString& path) {
    if (m_document->isEmpty()) {
        reportError(tr("Open or run a trace first, then compare another trace with it."));
        return nullptr;
    }
    dlab::TraceTimeline other;
    try {
        other = dlab::TraceTimeline(dlab::read_jsonl_trace(path.toStdString()));
    } catch (const std::exception& e) {
        reportError(tr("Cannot open the trace:\n%1").arg(QString::fromUtf8(e.what())));
        return nullptr;
    }
    if (!m_divergence) {
        m_divergence = new DivergenceDialog(this);
        connect(m_divergence, &DivergenceDialog::stepRequested, this, &MainWindow::jumpToStep);
    }
    m_divergence->compare(m_document->timeline(), other, documentName(), QFileInfo(path).fileName());
    m_divergence->show();
    m_divergence->raise();
    return m_divergence;
}

void MainWindow::openTraceDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open trace"), QString(), traceFilter());
    if (!path.isEmpty()) openTrace(path);
}

void MainWindow::compareTracesDialog() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Compare with trace"), QString(), traceFilter());
    if (!path.isEmpty()) compareWithTrace(path);
}

void MainWindow::saveTraceDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save trace"), m_document->path(), traceFilter());
    if (path.isEmpty()) return;
    saveTrace(QFileInfo(path).suffix().isEmpty() ? path + QStringLiteral(".jsonl") : path);
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList files = AppSettings::recentFiles();
    for (const QString& path : files)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] {
            if (!openTrace(path)) AppSettings::removeRecentFile(path);
        })->setToolTip(path);
    if (files.isEmpty()) m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
}

QString MainWindow::documentName() const {
    if (m_live) return tr("live run");
    if (!m_document->path().isEmpty()) return QFileInfo(m_document->path()).fileName();
    if (!m_document->isEmpty()) return tr("unsaved run");
    return {};
}

void MainWindow::updateTitle() {
    const QString what = documentName();
    setWindowTitle(what.isEmpty() ? tr("DecodeLab") : tr("%1 — DecodeLab").arg(what));
}

bool MainWindow::acceptsFile(const QString& path) {
    static const QStringList suffixes{QStringLiteral("jsonl"), QStringLiteral("gguf"), QStringLiteral("bin"),
                                      QStringLiteral("json")};
    return suffixes.contains(QFileInfo(path).suffix().toLower());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile() && acceptsFile(url.toLocalFile())) {
            event->acceptProposedAction();
            return;
        }
    event->ignore();
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        const QString path = url.toLocalFile();
        if (!url.isLocalFile() || !acceptsFile(path)) continue;
        event->acceptProposedAction();
        if (QFileInfo(path).suffix().compare(QLatin1String("jsonl"), Qt::CaseInsensitive) == 0) {
            openTrace(path);
        } else {
            m_runPanel->setModelFile(path);
            statusBar()->showMessage(tr("Model %1 chosen: press Run").arg(QFileInfo(path).fileName()), 5000);
        }
        return;
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_controller->stop();
    m_runPanel->saveSettings();
    QSettings settings;
    settings.beginGroup(kWindowGroup);
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), m_lessons->classroom()->windowState());
    event->accept();
}
