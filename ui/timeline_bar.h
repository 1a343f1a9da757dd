// Moves through a trace's steps: play/pause, first/back/forward/last, a slider and a spin
// box to jump, a speed control. Keyboard anywhere in the window (the bar's actions are
// window shortcuts): Space plays or pauses, ←/→ step, Home/End jump; a text field with the
// focus keeps those keys for itself. Playing advances one step per timer tick and stops at
// the last step.
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

    int m_step = 0;
    int m_lastStep = 0;
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
