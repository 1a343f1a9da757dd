// DecodeLab's window: the step views in tabs over the timeline bar, the run panel in a
// dock, menus for traces, export and docks. A trace file replays with no model; a live run
// streams into the same document and the views follow its newest step.
#pragma once

#include <QMainWindow>
#include <functional>
#include <vector>

#include "step_view.h"

class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
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

    // Replaces the trace with a JSONL file's; on failure the message goes to the error
    // handler, the current trace stays and false is returned.
    bool openTrace(const QString& path);
    bool saveTrace(const QString& path);
    // Starts a live run with the run panel's settings; false (after reporting why) when a
    // setting is invalid or a run is in flight.
    bool startRun();
    void stopRun();
    // The current view as a picture (.png, .svg, .pdf) of `size`, or its chart data (.csv).
    bool exportCurrentView(const QString& path, QSize size);
    bool exportCurrentViewCsv(const QString& path);

    // Whether a drop of these files would be taken: traces (.jsonl) and models
    // (.gguf, llama2.c .bin, table .json).
    static bool acceptsFile(const QString& path);

    TraceDocument* document() const { return m_document; }
    RunController* runController() const { return m_controller; }
    RunPanel* runPanel() const { return m_runPanel; }
    TimelineBar* timelineBar() const { return m_timeline; }
    const std::vector<StepView*>& views() const { return m_views; }
    StepView* currentView() const;
    void setCurrentView(StepView* view);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void reportError(const QString& message);
    void onDocumentReset();
    void onStepsChanged(int lastStep);
    void onStepChanged(int step, bool animate);
    void onCurrentTabChanged();
    void onRunFinished(const QString& stopReason, const QString& detail);
    void openTraceDialog();
    void saveTraceDialog();
    void exportViewDialog();
    void exportCsvDialog();
    void rebuildRecentMenu();
    void updateTitle();

    TraceDocument* m_document;
    RunController* m_controller;
    RunPanel* m_runPanel;
    TimelineBar* m_timeline;
    QDockWidget* m_runDock;
    QTabWidget* m_tabs;
    std::vector<StepView*> m_views;
    std::vector<int> m_viewSteps;  // [views] the step each view shows; -1 when it must redraw
    QMenu* m_recentMenu = nullptr;
    QLabel* m_runStatus;
    QProgressBar* m_progress;
    bool m_live = false;  // the document follows a run in flight
    ErrorHandler m_errorHandler;
};
