#include "views/narration_view.h"

#include <QEvent>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "views/narrator.h"

namespace {

constexpr qreal kSentenceScale = 1.5;  // the current sentence, read from the back of a room

QString csvField(const QString& field) {
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) &&
        !field.contains(QLatin1Char('\n')))
        return field;
    return QLatin1Char('"') + QString(field).replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
           QLatin1Char('"');
}

}  // namespace

NarrationView::NarrationView(QWidget* parent)
    : StepView(parent),
      m_stepLabel(new QLabel(this)),
      m_current(new QLabel(this)),
      m_history(new QListWidget(this)) {
    m_current->setWordWrap(true);
    m_current->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_current->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_current->setTextFormat(Qt::PlainText);
    m_history->setWordWrap(true);
    m_history->setAlternatingRowColors(true);
    m_history->setTextElideMode(Qt::ElideNone);
    auto* box = new QVBoxLayout(this);
    box->addWidget(m_stepLabel);
    box->addWidget(m_current);
    box->addWidget(m_history, 1);
    applyFont();
    connect(m_history, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { Q_EMIT stepRequested(item->data(Qt::UserRole).toInt()); });
}

QString NarrationView::title() const { return tr("Narration"); }

void NarrationView::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    m_narratedEvents = 0;
    m_sentences.clear();
    m_step = 0;
    showStep(0, false);
}

void NarrationView::updateSentences() {
    if (!m_timeline) {
        m_sentences.clear();
        m_narratedEvents = 0;
        return;
    }
    // a live run grows between steps: its last sentence may gain the stop reason too
    if (m_timeline->events().size() == m_narratedEvents) return;
    const Narrator narrator(*m_timeline);
    m_sentences.clear();
    for (int step = 0; step <= m_timeline->last_step(); ++step) m_sentences << narrator.sentence(step);
    m_narratedEvents = m_timeline->events().size();
    m_history->clear();
}

void NarrationView::showStep(int step, bool animate) {
    Q_UNUSED(animate)  // a sentence is read, not watched: it changes at once
    updateSentences();
    m_step = std::clamp(step, 0, std::max(0, static_cast<int>(m_sentences.size()) - 1));
    if (m_sentences.isEmpty()) {
        m_stepLabel->clear();
        m_current->clear();
        m_history->clear();
        return;
    }
    m_stepLabel->setText(m_step == 0 ? tr("Prompt and prefill")
                                     : tr("Step %1 of %2").arg(m_step).arg(m_sentences.size() - 1));
    m_current->setText(m_sentences[m_step]);
    // the history holds steps 0 … step: trim or extend it at the end
    while (m_history->count() > m_step + 1) delete m_history->takeItem(m_history->count() - 1);
    for (int s = m_history->count(); s <= m_step; ++s) {
        auto* item = new QListWidgetItem(s == 0 ? tr("Prompt: %1").arg(m_sentences[s])
                                                : tr("Step %1: %2").arg(s).arg(m_sentences[s]));
        item->setData(Qt::UserRole, s);
        m_history->addItem(item);
    }
    m_history->setCurrentRow(m_step);
    m_history->scrollToItem(m_history->item(m_step));
}

QString NarrationView::currentSentence() const { return m_current->text(); }

QString NarrationView::csv() const {
    QStringList rows{QStringLiteral("step,sentence")};
    for (int s = 0; s <= m_step && s < m_sentences.size(); ++s)
        rows << QString::number(s) + QLatin1Char(',') + csvField(m_sentences[s]);
    return rows.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void NarrationView::applyFont() {
    QFont large = font();
    if (large.pointSizeF() > 0)
        large.setPointSizeF(large.pointSizeF() * kSentenceScale);
    else
        large.setPixelSize(qRound(large.pixelSize() * kSentenceScale));
    m_current->setFont(large);
}

void NarrationView::changeEvent(QEvent* event) {
    StepView::changeEvent(event);
    if (event->type() == QEvent::FontChange) applyFont();
    if (event->type() == QEvent::LanguageChange) {
        // narrated again, in the new language
        m_narratedEvents = 0;
        showStep(m_step, false);
    }
}
