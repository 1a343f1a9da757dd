#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "app_settings.h"
#include "run_controller.h"
#include "run_panel.h"
#include "timeline_bar.h"
#include "trace_document.h"
#include "view_exporter.h"
#include "view_registry.h"

namespace {

const QString kWindowGroup = QStringLiteral("mainWindow");

QString traceFilter() { return MainWindow::tr("DecodeLab traces (*.jsonl);;All files (*)"); }

// Asks for a picture's size, starting from the view's own; an empty size when cancelled.
QSize askPictureSize(QWidget* parent, QSize initial) {
    QDialog dialog(parent);
    dialog.setWindowTitle(MainWindow::tr("Picture size"));
    auto* width = new QSpinBox(&dialog);
    auto* height = new QSpinBox(&dialog);
    for (QSpinBox* spin : {width, height}) {
        spin->setRange(16, 16384);
        spin->setSuffix(MainWindow::tr(" px"));
    }
    width->setValue(initial.width());
    height->setValue(initial.height());
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* form = new QFormLayout(&dialog);
    form->addRow(MainWindow::tr("Width"), width);
    form->addRow(MainWindow::tr("Height"), height);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted) return {};
    return {width->value(), height->value()};
}

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
      m_runDock(new QDockWidget(tr("Run"), this)),
      m_tabs(new QTabWidget),
      m_runStatus(new QLabel),
      m_progress(new QProgressBar) {
    setWindowIcon(QApplication::windowIcon());
    setAcceptDrops(true);

    // the views in tabs, the timeline under them
    m_views = createStepViews(m_tabs);
    m_viewSteps.assign(m_views.size(), -1);
    for (StepView* view : m_views) m_tabs->addTab(view, view->title());
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
    m_runDock->toggleViewAction()->setText(tr("Run panel"));
    addDockWidget(Qt::LeftDockWidgetArea, m_runDock);

    m_progress->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 20);
    m_progress->hide();
    statusBar()->addPermanentWidget(m_runStatus);
    statusBar()->addPermanentWidget(m_progress);

    createMenus();

    connect(m_document, &TraceDocument::reset, this, &MainWindow::onDocumentReset);
    connect(m_document, &TraceDocument::stepsChanged, this, &MainWindow::onStepsChanged);
    connect(m_timeline, &TimelineBar::stepChanged, this, &MainWindow::onStepChanged);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::onCurrentTabChanged);

    connect(m_runPanel, &RunPanel::runRequested, this, &MainWindow::startRun);
    connect(m_runPanel, &RunPanel::stopRequested, this, &MainWindow::stopRun);
    connect(m_controller, &RunController::eventsArrived, this, [this](const EventBatch& events) {
        // a trace opened during the run has taken the document's place
        if (!m_live) return;
        QString error;
        if (!m_document->appendEvents(events, &error)) reportError(error);
    });
    connect(m_controller, &RunController::loadingModel, this,
            [this](const QString& model) { m_runStatus->setText(tr("Loading %1…").arg(model)); });
    connect(m_controller, &RunController::progress, this, [this](int step, int maxSteps) {
        m_progress->setRange(0, maxSteps);
        m_progress->setValue(step);
        m_runStatus->setText(tr("Step %1 of at most %2").arg(step).arg(maxSteps));
    });
    connect(m_controller, &RunController::failed, this, &MainWindow::reportError);
    connect(m_controller, &RunController::finished, this, &MainWindow::onRunFinished);

    resize(fontMetrics().averageCharWidth() * 160, fontMetrics().height() * 45);
    QSettings settings;
    settings.beginGroup(kWindowGroup);
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_runPanel->restoreSettings();
    updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open trace…"), QKeySequence::Open, this, &MainWindow::openTraceDialog);
    file->addAction(tr("&Save trace…"), QKeySequence::Save, this, &MainWindow::saveTraceDialog);
    m_recentMenu = file->addMenu(tr("Recent files"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addSeparator();
    file->addAction(tr("&Export view…"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::exportViewDialog);
    file->addAction(tr("Export chart data (CSV)…"), this, &MainWindow::exportCsvDialog);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_runDock->toggleViewAction());
    view->addSeparator();
    view->addActions(m_timeline->navigationActions());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About DecodeLab"), this, [this] {
        QMessageBox::about(this, tr("About DecodeLab"),
                           tr("<h3>DecodeLab %1</h3><p>See how language models decode text — greedy, beam "
                              "and contrastive search, sampling — and how inference is accelerated: the KV "
                              "cache, PagedAttention and FlashAttention.</p>")
                               .arg(QApplication::applicationVersion()));
    });
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
    m_document->clear();
    m_runPanel->setRunning(true);
    m_progress->setRange(0, request.generation.max_new_tokens);
    m_progress->setValue(0);
    m_progress->show();
    m_controller->start(request);
    updateTitle();
    return true;
}

void MainWindow::stopRun() { m_controller->stop(); }

void MainWindow::onRunFinished(const QString& stopReason, const QString& detail) {
    m_live = false;
    m_runPanel->setRunning(false);
    m_progress->hide();
    m_runStatus->clear();
    if (stopReason != QLatin1String("failed")) {
        QString message = tr("Run finished: %1").arg(stopReasonText(stopReason));
        if (!detail.isEmpty()) message += QStringLiteral(" — ") + detail;
        statusBar()->showMessage(message);
    }
    updateTitle();
}

void MainWindow::onDocumentReset() {
    for (StepView* view : m_views) view->setTimeline(&m_document->timeline());
    m_viewSteps.assign(m_views.size(), -1);
    m_timeline->pause();
    m_timeline->setLastStep(m_document->lastStep());
    // a replay starts at the prompt; a live run starts there anyway
    m_timeline->setStep(0, false, true);
    updateTitle();
}

void MainWindow::onStepsChanged(int lastStep) {
    m_timeline->setLastStep(lastStep);
    // a live run shows its newest step; a replay stays where the user is
    if (m_live) m_timeline->setStep(lastStep, true, true);
}

void MainWindow::onStepChanged(int step, bool animate) {
    // only the visible view draws now; the others when their tab is chosen
    std::fill(m_viewSteps.begin(), m_viewSteps.end(), -1);
    const int current = m_tabs->currentIndex();
    if (current < 0) return;
    m_views[current]->showStep(step, animate);
    m_viewSteps[current] = step;
}

void MainWindow::onCurrentTabChanged() {
    const int current = m_tabs->currentIndex();
    if (current < 0 || m_viewSteps[current] == m_timeline->step()) return;
    m_views[current]->showStep(m_timeline->step(), false);
    m_viewSteps[current] = m_timeline->step();
}

StepView* MainWindow::currentView() const {
    const int current = m_tabs->currentIndex();
    return current < 0 ? nullptr : m_views[current];
}

void MainWindow::setCurrentView(StepView* view) { m_tabs->setCurrentWidget(view); }

bool MainWindow::exportCurrentView(const QString& path, QSize size) {
    StepView* view = currentView();
    QString error;
    if (!view || !ViewExporter::exportWidget(view, path, size, &error)) {
        reportError(view ? error : tr("There is no view to export."));
        return false;
    }
    statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

bool MainWindow::exportCurrentViewCsv(const QString& path) {
    StepView* view = currentView();
    QString error;
    if (!view || !ViewExporter::exportCsv(view, path, &error)) {
        reportError(view ? error : tr("There is no view to export."));
        return false;
    }
    statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

void MainWindow::openTraceDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open trace"), QString(), traceFilter());
    if (!path.isEmpty()) openTrace(path);
}

void MainWindow::saveTraceDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save trace"), m_document->path(), traceFilter());
    if (path.isEmpty()) return;
    saveTrace(QFileInfo(path).suffix().isEmpty() ? path + QStringLiteral(".jsonl") : path);
}

void MainWindow::exportViewDialog() {
    StepView* view = currentView();
    if (!view) return;
    const QSize size = askPictureSize(this, view->size());
    if (size.isEmpty()) return;
    QString filter;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export view"), QString(),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &filter);
    if (path.isEmpty()) return;
    // no suffix typed: the one of the chosen filter
    if (QFileInfo(path).suffix().isEmpty())
        path += filter.contains(QLatin1String("*.svg")) ? QStringLiteral(".svg")
                : filter.contains(QLatin1String("*.pdf")) ? QStringLiteral(".pdf")
                                                          : QStringLiteral(".png");
    exportCurrentView(path, size);
}

void MainWindow::exportCsvDialog() {
    QString path = QFileDialog::getSaveFileName(this, tr("Export chart data"), QString(), tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".csv");
    exportCurrentViewCsv(path);
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

void MainWindow::updateTitle() {
    QString what;
    if (m_live)
        what = tr("live run");
    else if (!m_document->path().isEmpty())
        what = QFileInfo(m_document->path()).fileName();
    else if (!m_document->isEmpty())
        what = tr("unsaved run");
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
    settings.setValue(QStringLiteral("state"), saveState());
    event->accept();
}
