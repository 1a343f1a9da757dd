#include "debug_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

using Kind = dlab::PauseCondition::Kind;

namespace {

constexpr Kind kKinds[] = {Kind::AtStep,       Kind::TokenEnters,     Kind::TokenLeaves,    Kind::BeamPruned,
                           Kind::BeamFinished, Kind::FreeBlocksBelow, Kind::ChosenProbBelow};

bool isTokenKind(Kind kind) { return kind == Kind::TokenEnters || kind == Kind::TokenLeaves; }

bool needsValue(Kind kind) { return kind != Kind::BeamPruned && kind != Kind::BeamFinished; }

// A number as typed in the user's locale or with a dot.
std::optional<double> parseNumber(const QString& text) {
    bool ok = false;
    double value = QLocale().toDouble(text.trimmed(), &ok);
    if (!ok) value = QLocale::c().toDouble(text.trimmed(), &ok);
    return ok ? std::optional<double>(value) : std::nullopt;
}

QString shown(const std::string& text) {
    return QString::fromStdString(text).replace(QLatin1Char('\n'), QStringLiteral("⏎"));
}

}  // namespace

DebugPanel::DebugPanel(QWidget* parent)
    : QWidget(parent),
      m_list(new QListWidget(this)),
      m_kind(new QComboBox(this)),
      m_value(new QLineEdit(this)),
      m_add(new QPushButton(this)),
      m_remove(new QPushButton(this)),
      m_stopRun(new QCheckBox(this)),
      m_pause(new QLabel(this)),
      m_continue(new QPushButton(this)) {
    for (Kind kind : kKinds) m_kind->addItem(QString(), int(kind));
    m_pause->setWordWrap(true);
    m_pause->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_continue->setEnabled(false);
    m_remove->setEnabled(false);

    auto* editor = new QHBoxLayout;
    editor->addWidget(m_kind);
    editor->addWidget(m_value, 1);
    editor->addWidget(m_add);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(editor);
    layout->addWidget(m_list, 1);
    auto* rowButtons = new QHBoxLayout;
    rowButtons->addWidget(m_remove);
    rowButtons->addStretch(1);
    layout->addLayout(rowButtons);
    layout->addWidget(m_stopRun);
    auto* pauseRow = new QHBoxLayout;
    pauseRow->addWidget(m_pause, 1);
    pauseRow->addWidget(m_continue);
    layout->addLayout(pauseRow);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &DebugPanel::updateValueEditor);
    connect(m_add, &QPushButton::clicked, this, &DebugPanel::addFromEditor);
    connect(m_value, &QLineEdit::returnPressed, this, &DebugPanel::addFromEditor);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        if (m_list->currentRow() >= 0) removeCondition(m_list->currentRow());
    });
    connect(m_list, &QListWidget::currentRowChanged, this,
            [this](int row) { m_remove->setEnabled(row >= 0); });
    connect(m_continue, &QPushButton::clicked, this, [this] {
        clearPause();
        Q_EMIT continueRequested();
    });
    retranslateUi();
}

void DebugPanel::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    clearPause();
}

int DebugPanel::addCondition(const dlab::PauseCondition& condition) {
    Row row{condition, {}};
    if (isTokenKind(condition.kind)) row.tokenText = tokenText(condition.token);
    m_rows.push_back(row);
    auto* item = new QListWidgetItem(m_list);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Checked);
    refreshRow(int(m_rows.size()) - 1);
    return int(m_rows.size()) - 1;
}

int DebugPanel::addCondition(Kind kind, const QString& value, QString* error) {
    dlab::PauseCondition condition;
    condition.kind = kind;
    QString problem;
    const std::optional<double> number = parseNumber(value);
    switch (kind) {
        case Kind::AtStep:
            if (!number || *number < 1 || *number != int(*number))
                problem = tr("Type a step number, 1 or more.");
            else
                condition.step = int(*number);
            break;
        case Kind::TokenEnters:
        case Kind::TokenLeaves:
            if (const std::optional<int> token = resolveToken(value, m_timeline))
                condition.token = *token;
            else
                problem = tr("No candidate of the trace reads “%1”: type the token's id instead.")
                              .arg(value.trimmed());
            break;
        case Kind::BeamPruned:
        case Kind::BeamFinished:
            break;
        case Kind::FreeBlocksBelow:
            if (!number || *number < 1 || *number != int(*number))
                problem = tr("Type a number of KV blocks, 1 or more.");
            else
                condition.threshold = *number;
            break;
        case Kind::ChosenProbBelow:
            if (!number || *number <= 0 || *number > 1)
                problem = tr("Type a probability above 0 and at most 1, e.g. 0.1.");
            else
                condition.threshold = *number;
            break;
    }
    if (!problem.isEmpty()) {
        if (error) *error = problem;
        return -1;
    }
    return addCondition(condition);
}

void DebugPanel::removeCondition(int row) {
    if (row < 0 || row >= conditionCount()) return;
    m_rows.erase(m_rows.begin() + row);
    delete m_list->takeItem(row);
}

void DebugPanel::setLessonPauses(const std::vector<int>& steps) {
    for (int row = conditionCount() - 1; row >= 0; --row)
        if (m_rows[size_t(row)].lesson) removeCondition(row);
    for (int step : steps) {
        const int row = addCondition({Kind::AtStep, step});
        m_rows[size_t(row)].lesson = true;
        refreshRow(row);
    }
}

bool DebugPanel::isConditionEnabled(int row) const { return m_list->item(row)->checkState() == Qt::Checked; }

void DebugPanel::setConditionEnabled(int row, bool enabled) {
    m_list->item(row)->setCheckState(enabled ? Qt::Checked : Qt::Unchecked);
}

QString DebugPanel::conditionText(int row) const { return m_list->item(row)->text(); }

QString DebugPanel::pauseReason(const dlab::TraceTimeline& timeline, int step) const {
    for (int row = 0; row < conditionCount(); ++row) {
        if (!isConditionEnabled(row)) continue;
        const Row& r = m_rows[size_t(row)];
        if (dlab::pause_reason(r.condition, timeline, step).empty()) continue;
        // "paused at step 3: at step 3" would say nothing
        if (r.condition.kind == Kind::AtStep)
            return r.lesson ? tr("the lesson pauses here") : tr("the step asked for");
        const QString why = detail(r.condition, timeline, step);
        return why.isEmpty() ? describe(r) : tr("%1 (%2)").arg(describe(r), why);
    }
    return {};
}

bool DebugPanel::stopsRun() const { return m_stopRun->isChecked(); }

void DebugPanel::setStopsRun(bool stop) { m_stopRun->setChecked(stop); }

void DebugPanel::showPause(int step, const QString& reason) {
    m_pause->setText(tr("Paused at step %1: %2").arg(step).arg(reason));
    m_continue->setEnabled(true);
}

void DebugPanel::clearPause() {
    m_pause->clear();
    m_continue->setEnabled(false);
}

QString DebugPanel::pauseText() const { return m_pause->text(); }

std::optional<int> DebugPanel::resolveToken(const QString& typed, const dlab::TraceTimeline* timeline) {
    bool isId = false;
    const int id = typed.trimmed().toInt(&isId);
    if (isId && id >= 0) return id;
    // quotes keep a token's leading space: " cat"
    QString text = typed;
    if (text.size() >= 2 && text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"')))
        text = text.mid(1, text.size() - 2);
    if (text.isEmpty() || !timeline) return std::nullopt;
    // an exact match first; then one that differs only in the spaces around it
    std::optional<int> loose;
    const auto consider = [&](int token, const std::string& piece) {
        const QString candidate = QString::fromStdString(piece);
        if (candidate == text) return true;
        if (!loose && candidate.trimmed() == text.trimmed()) loose = token;
        return false;
    };
    for (const dlab::Event& event : timeline->events())
        if (const auto* step = std::get_if<dlab::StepEvent>(&event.body)) {
            for (const dlab::CandidateRecord& c : step->candidates)
                if (consider(c.token, c.text)) return c.token;
        } else if (const auto* run = std::get_if<dlab::RunEvent>(&event.body)) {
            for (size_t i = 0; i < run->prompt_pieces.size() && i < run->prompt_tokens.size(); ++i)
                if (consider(run->prompt_tokens[i], run->prompt_pieces[i])) return run->prompt_tokens[i];
        }
    return loose;
}

void DebugPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslateUi();
}

void DebugPanel::retranslateUi() {
    // in the order of PauseCondition::Kind
    static const char* const kindNames[] = {QT_TR_NOOP("At step"),
                                            QT_TR_NOOP("Token enters the candidates"),
                                            QT_TR_NOOP("Token leaves the candidates"),
                                            QT_TR_NOOP("A beam is pruned"),
                                            QT_TR_NOOP("A beam finishes"),
                                            QT_TR_NOOP("Free KV blocks below"),
                                            QT_TR_NOOP("Chosen token's probability below")};
    for (int i = 0; i < m_kind->count(); ++i)
        m_kind->setItemText(i, tr(kindNames[m_kind->itemData(i).toInt()]));
    m_kind->setToolTip(tr("When to pause"));
    m_add->setText(tr("Add"));
    m_remove->setText(tr("Remove"));
    m_stopRun->setText(tr("Stop a live run when it pauses"));
    m_stopRun->setToolTip(tr("Otherwise the run goes on in the background and the view stays at the pause"));
    m_continue->setText(tr("Continue"));
    m_list->setToolTip(tr("Unchecked conditions are kept but do not pause"));
    updateValueEditor();
    for (int row = 0; row < conditionCount(); ++row) refreshRow(row);
}

void DebugPanel::updateValueEditor() {
    const auto kind = Kind(m_kind->currentData().toInt());
    m_value->setEnabled(needsValue(kind));
    switch (kind) {
        case Kind::AtStep:
            m_value->setPlaceholderText(tr("step, e.g. 5"));
            break;
        case Kind::TokenEnters:
        case Kind::TokenLeaves:
            m_value->setPlaceholderText(tr("token id or text, e.g. \" cat\""));
            break;
        case Kind::FreeBlocksBelow:
            m_value->setPlaceholderText(tr("blocks, e.g. 2"));
            break;
        case Kind::ChosenProbBelow:
            m_value->setPlaceholderText(tr("probability, e.g. 0.1"));
            break;
        default:
            m_value->setPlaceholderText(QString());
    }
}

void DebugPanel::addFromEditor() {
    QString error;
    if (addCondition(Kind(m_kind->currentData().toInt()), m_value->text(), &error) < 0) {
        m_pause->setText(error);
        return;
    }
    m_value->clear();
}

void DebugPanel::refreshRow(int row) { m_list->item(row)->setText(describe(m_rows[size_t(row)])); }

QString DebugPanel::describe(const Row& row) const {
    const dlab::PauseCondition& c = row.condition;
    const QString token = row.tokenText.isEmpty() ? tr("token %1").arg(c.token)
                                                  : tr("token %1 “%2”").arg(c.token).arg(row.tokenText);
    switch (c.kind) {
        case Kind::AtStep:
            return row.lesson ? tr("at step %1 (lesson)").arg(c.step) : tr("at step %1").arg(c.step);
        case Kind::TokenEnters:
            return tr("%1 enters the candidates").arg(token);
        case Kind::TokenLeaves:
            return tr("%1 leaves the candidates").arg(token);
        case Kind::BeamPruned:
            return tr("a beam is pruned");
        case Kind::BeamFinished:
            return tr("a beam finishes");
        case Kind::FreeBlocksBelow:
            return tr("fewer than %1 free KV blocks").arg(c.threshold);
        case Kind::ChosenProbBelow:
            return tr("the chosen token's probability is below %1").arg(c.threshold);
    }
    return {};
}

QString DebugPanel::tokenText(int token) const {
    if (!m_timeline) return {};
    for (const dlab::Event& event : m_timeline->events())
        if (const auto* step = std::get_if<dlab::StepEvent>(&event.body))
            for (const dlab::CandidateRecord& c : step->candidates)
                if (c.token == token) return shown(c.text);
    return {};
}

// Which sequence, which token, how many blocks: what the debugger wants to see next.
QString DebugPanel::detail(const dlab::PauseCondition& c, const dlab::TraceTimeline& timeline,
                           int step) const {
    const dlab::StepEvent* now = timeline.step_event(step);
    QStringList parts;
    switch (c.kind) {
        case Kind::BeamPruned:
        case Kind::BeamFinished:
            for (const dlab::ActionRecord& a : now ? now->actions : std::vector<dlab::ActionRecord>{})
                if (a.kind == (c.kind == Kind::BeamPruned ? "drop" : "finish"))
                    parts << tr("sequence %1").arg(a.seq);
            break;
        case Kind::ChosenProbBelow:
            for (const dlab::CandidateRecord& cand :
                 now ? now->candidates : std::vector<dlab::CandidateRecord>{})
                if (cand.chosen && !cand.probs.empty() && cand.probs.back() < c.threshold)
                    parts
                        << tr("“%1” p = %2").arg(shown(cand.text)).arg(double(cand.probs.back()), 0, 'g', 3);
            break;
        case Kind::FreeBlocksBelow:
            if (const std::optional<dlab::KvStatsEvent>& stats = timeline.kv_at(step).stats)
                parts << tr("%1 free").arg(stats->free_blocks);
            break;
        default:
            break;
    }
    return parts.join(QStringLiteral(", "));
}
