// The lessons in the window: the Tutorials dock, classroom mode, and what a run's "Load and
// run" does — the run's settings into the run panel (model or table, prompt, strategy and
// every parameter, KV cache, attention, backend, drafter), its pauses into the debugger's
// conditions, its first view on top, the run started, and in classroom mode auto-play at the
// lesson's pace. A run asked for while another is in flight starts once that one stopped.
#pragma once

#include <QObject>
#include <optional>
#include <utility>

class ClassroomMode;
class MainWindow;
class QAction;
class QDockWidget;
class TutorialsPanel;

class LessonController : public QObject {
    Q_OBJECT

public:
    explicit LessonController(MainWindow* window);

    TutorialsPanel* panel() const { return m_panel; }
    QDockWidget* dock() const { return m_dock; }
    ClassroomMode* classroom() const { return m_classroom; }
    // Shows or hides the Tutorials dock (F1).
    QAction* tutorialsAction() const;

    // Loads run `run` of lesson `lesson` (indices into the panel's library) and starts it;
    // false after reporting why. While a run is in flight it is stopped first and true
    // returned: the lesson's run starts when the other has finished.
    bool loadAndRun(int lesson, int run);

    void restoreSettings();
    void retranslate();

private:
    bool start(int lesson, int run);

    MainWindow* m_window;
    QDockWidget* m_dock;
    TutorialsPanel* m_panel;
    ClassroomMode* m_classroom;
    std::optional<std::pair<int, int>> m_pending;  // lesson, run: waiting for the run in flight to stop
};
