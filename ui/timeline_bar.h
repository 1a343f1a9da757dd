// Moves through a trace's steps: play/pause, first/back/forward/last, a slider and a spin
// box to jump, a speed control. Keyboard anywhere in the window (the bar's actions are
// window shortcuts): Space plays or pauses, ←/→ step, Home/End jump; a text field with the
// focus keeps those keys for itself. Playing advances one step per timer tick and stops at
// the last step, or waits there while a live run may add more.
#pragma once

#include <QWidget>

class QAction;
class QComboBox;
class QSlider;
class QSpinBox;
class QTimer;
class QToolButton;

class TimelineBar : public QWidget {
    Q_OBJECT

public:
    explicit TimelineBar(QWidget* parent = nullptr);

    int step() const { return m_step; }
    int lastStep() const { return m_lastStep; }
    bool isPlaying() const;
    // Steps per second while playing.
    double speed() const;
    // Chooses the offered speed nearest to `stepsPerSecond` (0.5 … 8).
    void setSpeed(double stepsPerSecond);
    // Plays at `msPerStep` instead of the speed control's pace (classroom mode's auto-play);
    // 0 gives the pace back to the control.
    void setPace(int msPerStep);
    int pace() const { return m_pace; }
    // While a live run may add steps, playing waits at the last step for the next one instead
    // of stopping, and Play there does not start over.
    void setOpenEnded(bool openEnded);

    // Play/pause, first, back, forward, last: for the window's menu.
    QList<QAction*> navigationActions() const;

    // The range 0 … lastStep; the current step is clamped into it (stepChanged when it moves).
    void setLastStep(int lastStep);

public Q_SLOTS:
    // Moves to `step` (clamped); emits stepChanged when it changes, or always when `force`.
    void setStep(int step, bool animate = false, bool force = false);
    void play();
    void pause();
    void togglePlay();
    void stepForward();
    void stepBack();
    void first();
    void last();

Q_SIGNALS:
    void stepChanged(int step, bool animate);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void onTick();
    void updateControls();
    void updateInterval();

    int m_step = 0;
    int m_lastStep = 0;
    int m_pace = 0;  // ms per step while it overrides the speed control; 0: the control's
    bool m_openEnded = false;
    QAction* m_first;
    QAction* m_back;
    QAction* m_play;
    QAction* m_forward;
    QAction* m_last;
    QSlider* m_slider;
    QSpinBox* m_spin;
    QComboBox* m_speed;
    QTimer* m_timer;
};
