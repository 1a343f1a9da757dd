// Classroom mode (课堂模式): the window set up for a projector — the largest font scale, the
// narration in a dock of its own under the view on top, every other dock but the Tutorials
// panel out of the way — and auto-play (自动播放): the timeline advances by itself at the
// lesson's pace (its step_ms) or a chosen one, stopping where the lesson or a pause-on
// condition pauses; Space pauses and resumes as usual. Leaving puts the layout and the font
// scale back as they were. Whether it is on and the chosen pace are remembered.
#pragma once

#include <QByteArray>
#include <QObject>

class MainWindow;
class NarrationView;
class QAction;
class QDockWidget;

class ClassroomMode : public QObject {
    Q_OBJECT

public:
    // Adds its narration dock, hidden, to `window`; `keep` is the dock that stays (Tutorials).
    ClassroomMode(MainWindow* window, QDockWidget* keep);

    // Checkable, F11.
    QAction* action() const { return m_action; }
    bool isOn() const { return m_on; }
    void setOn(bool on);

    // The pace of the lesson run last loaded, and the one chosen instead (0: the lesson's).
    void setLessonPace(int msPerStep);
    void setChosenPace(int msPerStep);
    int chosenPace() const { return m_chosenPace; }
    // The pace auto-play uses, in ms per step.
    int pace() const;
    // When on, plays the timeline from where it is (a lesson's run has just started).
    void autoPlay();

    // The window's layout to remember on closing: the one from before the mode while it is on.
    QByteArray windowState() const;
    QDockWidget* narrationDock() const { return m_narrationDock; }
    NarrationView* narration() const { return m_narration; }

    // Turns the mode on when it was on at the end of the last session.
    void restoreSettings();
    void retranslate();

private:
    void enter();
    void leave();
    void showStep(int step);

    MainWindow* m_window;
    QDockWidget* m_keep;
    QAction* m_action;
    QDockWidget* m_narrationDock;
    NarrationView* m_narration;
    bool m_on = false;
    int m_lessonPace = 1200;  // the scenario format's default step_ms
    int m_chosenPace = 0;
    int m_fontScaleBefore = 100;
    QByteArray m_stateBefore;
};
