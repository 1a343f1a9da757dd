// DecodeLab's window: the step views in tabs over the timeline bar, then the Compare tab;
// the run panel, the debugger's pause-on conditions and the Tutorials panel in docks; menus
// for traces, export, docks, classroom mode and presentation (font scale, theme). A trace
// file replays with no model; a live run streams into the same document and the views
// follow its newest step until a pause-on condition holds or the timeline plays it.
#pragma once

#include <QMainWindow>
#include <functional>
#include <vector>

#include "step_view.h"

class CompareView;
class DebugPanel;
class DivergenceDialog;
class LessonController;
class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;
class RunController;
class RunPanel;
class TimelineBar;
class TraceDocument;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Where error messages go; a dialog unless replaced (tests record them instead).
    using ErrorHandler = std::function<void(const QString& message)>;
    void setErrorHandler(ErrorHandler handler) { m_errorHandler = std::move(handler); }
    void reportError(const QString& message);

    // Replaces the trace with a JSONL file's; on failure the message goes to the error
    // handler, the current trace stays and false is returned.
    bool openTrace(const QString& path);
    bool saveTrace(const QString& path);
    // The trace as Chrome trace-event JSON, for Perfetto (chrome_trace.h).
    bool exportChromeTrace(const QString& path);
    // Starts a live run with the run panel's settings; false (after reporting why) when a
    // setting is invalid or a run is in flight.
    bool startRun();
    void stopRun();
    // The current tab as a picture (.png, .svg, .pdf) of `size`, or its data (.csv).
    bool exportCurrentView(const QString& path, QSize size);
    bool exportCurrentViewCsv(const QString& path);
    // Compares the window's trace with the one in `path` and shows where they first
    // diverge; nullptr (after reporting why) when there is nothing to compare.
    DivergenceDialog* compareWithTrace(const QString& path);

    // Whether a drop of these files would be taken: traces (.jsonl) and models
    // (.gguf, llama2.c .bin, table .json).
    static bool acceptsFile(const QString& path);

    TraceDocument* document() const { return m_document; }
    RunController* runController() const { return m_controller; }
    RunPanel* runPanel() const { return m_runPanel; }
    TimelineBar* timelineBar() const { return m_timeline; }
    DebugPanel* debugPanel() const { return m_debugPanel; }
    CompareView* compareView() const { return m_compare; }
    // The Tutorials dock and classroom mode.
    LessonController* lessons() const { return m_lessons; }
    const std::vector<StepView*>& views() const { return m_views; }
    // The step view of the current tab; nullptr on the Compare tab.
    StepView* currentView() const;
    void setCurrentView(StepView* view);
    void showCompareTab();
    bool isCompareTabCurrent() const;
    // Whether a live run's newest steps are no longer shown because a condition paused it.
    bool isFollowPaused() const { return m_followPaused; }
    // The cancel button beside the status bar's progress bar (shown while a run is in flight).
    QToolButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }

    // For the language menu: the View menu, where presentation settings live.
    QMenu* viewMenu() const { return m_viewMenu; }
    // Sets every menu, action, tab and dock text again from tr() (after a language change;
    // changeEvent calls it on QEvent::LanguageChange).
    void retranslateUi();

protected:
    void changeEvent(QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void onDocumentReset();
    void onStepsChanged(int lastStep);
    void onStepChanged(int step, bool animate);
    void onCurrentTabChanged();
    void onRunFinished(const QString& stopReason, const QString& detail);
    void followLiveRun();
    void pauseAt(int step, const QString& reason);
    void continueAfterPause();
    void jumpToStep(int step);
    void openTraceDialog();
    void compareTracesDialog();
    void saveTraceDialog();
    void exportChromeTraceDialog();
    void exportViewDialog();
    void exportCsvDialog();
    void rebuildRecentMenu();
    void updateTitle();
    QString documentName() const;

    TraceDocument* m_document;
    RunController* m_controller;
    RunPanel* m_runPanel;
    TimelineBar* m_timeline;
    DebugPanel* m_debugPanel;
    QDockWidget* m_runDock;
    QDockWidget* m_debugDock;
    LessonController* m_lessons;
    QTabWidget* m_tabs;
    std::vector<StepView*> m_views;
    std::vector<int> m_viewSteps;  // [views] the step each view shows; -1 when it must redraw
    CompareView* m_compare;        // the tab after the step views
    DivergenceDialog* m_divergence = nullptr;
    QLabel* m_runStatus;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    bool m_live = false;           // the document follows a run in flight
    bool m_followPaused = false;   // … but a pause-on condition stopped showing its new steps
    int m_checkedStep = 0;         // the live run's steps up to here were checked for pauses
    QString m_backendNote;         // why the run in flight is on the CPU (Automatic fell back)
    ErrorHandler m_errorHandler;

    // menus and actions, kept to set their texts again in retranslateUi
    QMenu* m_fileMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_compareTracesAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_exportCsvAction = nullptr;
    QAction* m_exportChromeAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
};
