#include "timeline_bar.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <cmath>

namespace {

QAction* action(QWidget* parent, QStyle::StandardPixmap icon, Qt::Key key) {
    auto* a = new QAction(parent->style()->standardIcon(icon), QString(), parent);
    a->setShortcut(QKeySequence(key));
    a->setShortcutContext(Qt::WindowShortcut);
    parent->addAction(a);
    return a;
}

QToolButton* button(QWidget* parent, QAction* action) {
    auto* b = new QToolButton(parent);
    b->setDefaultAction(action);
    b->setAutoRaise(true);
    b->setFocusPolicy(Qt::NoFocus);
    return b;
}

}  // namespace

TimelineBar::TimelineBar(QWidget* parent)
    : QWidget(parent),
      m_first(action(this, QStyle::SP_MediaSkipBackward, Qt::Key_Home)),
      m_back(action(this, QStyle::SP_MediaSeekBackward, Qt::Key_Left)),
      m_play(action(this, QStyle::SP_MediaPlay, Qt::Key_Space)),
      m_forward(action(this, QStyle::SP_MediaSeekForward, Qt::Key_Right)),
      m_last(action(this, QStyle::SP_MediaSkipForward, Qt::Key_End)),
      m_slider(new QSlider(Qt::Horizontal, this)),
      m_spin(new QSpinBox(this)),
      m_speed(new QComboBox(this)),
      m_timer(new QTimer(this)) {
    // 1× is one step per second
    for (double stepsPerSecond : {0.5, 1.0, 2.0, 4.0, 8.0}) m_speed->addItem(QString(), stepsPerSecond);
    m_speed->setCurrentIndex(1);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QAction* a : {m_first, m_back, m_play, m_forward, m_last}) layout->addWidget(button(this, a));
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_spin);
    layout->addWidget(m_speed);

    connect(m_first, &QAction::triggered, this, &TimelineBar::first);
    connect(m_back, &QAction::triggered, this, &TimelineBar::stepBack);
    connect(m_play, &QAction::triggered, this, &TimelineBar::togglePlay);
    connect(m_forward, &QAction::triggered, this, &TimelineBar::stepForward);
    connect(m_last, &QAction::triggered, this, &TimelineBar::last);
    connect(m_slider, &QSlider::valueChanged, this, [this](int value) { setStep(value); });
    connect(m_spin, &QSpinBox::valueChanged, this, [this](int value) { setStep(value); });
    connect(m_speed, &QComboBox::currentIndexChanged, this, &TimelineBar::updateInterval);
    updateInterval();
    connect(m_timer, &QTimer::timeout, this, &TimelineBar::onTick);
    retranslateUi();
}

void TimelineBar::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslateUi();
}

void TimelineBar::retranslateUi() {
    m_first->setText(tr("First step"));
    m_back->setText(tr("Step back"));
    m_forward->setText(tr("Step forward"));
    m_last->setText(tr("Last step"));
    m_slider->setToolTip(tr("Step"));
    m_spin->setToolTip(tr("Jump to step"));
    m_spin->setPrefix(tr("step "));
    for (int i = 0; i < m_speed->count(); ++i) m_speed->setItemText(i, tr("%1×").arg(m_speed->itemData(i).toDouble()));
    m_speed->setToolTip(m_pace > 0 ? tr("Classroom mode plays %1 s per step").arg(m_pace / 1000.0)
                                   : tr("Playback speed (1× = one step per second)"));
    // Play/Pause and the step count
    updateControls();
}

QList<QAction*> TimelineBar::navigationActions() const { return {m_play, m_first, m_back, m_forward, m_last}; }

bool TimelineBar::isPlaying() const { return m_timer->isActive(); }

double TimelineBar::speed() const { return m_speed->currentData().toDouble(); }

void TimelineBar::setSpeed(double stepsPerSecond) {
    int nearest = 0;
    for (int i = 1; i < m_speed->count(); ++i)
        if (std::abs(m_speed->itemData(i).toDouble() - stepsPerSecond) <
            std::abs(m_speed->itemData(nearest).toDouble() - stepsPerSecond))
            nearest = i;
    m_speed->setCurrentIndex(nearest);
}

void TimelineBar::setPace(int msPerStep) {
    m_pace = std::max(0, msPerStep);
    m_speed->setEnabled(m_pace == 0);
    updateInterval();
    retranslateUi();
}

void TimelineBar::updateInterval() { m_timer->setInterval(m_pace > 0 ? m_pace : qRound(1000.0 / speed())); }

void TimelineBar::setOpenEnded(bool openEnded) { m_openEnded = openEnded; }

void TimelineBar::setLastStep(int lastStep) {
    m_lastStep = std::max(0, lastStep);
    updateControls();
    if (m_step > m_lastStep) setStep(m_lastStep);
}

void TimelineBar::setStep(int step, bool animate, bool force) {
    step = std::clamp(step, 0, m_lastStep);
    if (step == m_step && !force) return;
    m_step = step;
    updateControls();
    Q_EMIT stepChanged(m_step, animate);
}

void TimelineBar::play() {
    // playing from the end starts over, unless more steps are coming
    if (m_step >= m_lastStep && !m_openEnded) setStep(0);
    m_timer->start();
    updateControls();
}

void TimelineBar::pause() {
    m_timer->stop();
    updateControls();
}

void TimelineBar::togglePlay() { isPlaying() ? pause() : play(); }

void TimelineBar::stepForward() { setStep(m_step + 1, true); }

void TimelineBar::stepBack() { setStep(m_step - 1, true); }

void TimelineBar::first() { setStep(0); }

void TimelineBar::last() { setStep(m_lastStep); }

void TimelineBar::onTick() {
    if (m_step >= m_lastStep) {
        if (!m_openEnded) pause();
        return;
    }
    setStep(m_step + 1, true);
}

void TimelineBar::updateControls() {
    const QSignalBlocker blockSlider(m_slider);
    const QSignalBlocker blockSpin(m_spin);
    m_slider->setRange(0, m_lastStep);
    m_slider->setValue(m_step);
    m_spin->setRange(0, m_lastStep);
    m_spin->setValue(m_step);
    m_spin->setSuffix(tr(" / %1").arg(m_lastStep));
    const bool playing = isPlaying();
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    m_play->setText(playing ? tr("Pause") : tr("Play"));
    m_first->setEnabled(m_step > 0);
    m_back->setEnabled(m_step > 0);
    m_forward->setEnabled(m_step < m_lastStep);
    m_last->setEnabled(m_step < m_lastStep);
}
