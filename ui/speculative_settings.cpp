#include "speculative_settings.h"

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <exception>

#include "embedded_models.h"

namespace {

// Roles of the draft lists' entries.
constexpr int kModelRole = Qt::UserRole;       // "embedded:NAME" or a path
constexpr int kBrowseRole = Qt::UserRole + 1;  // the "Open file…" entry

const QString kNone = QStringLiteral("none");
const QString kModel = QStringLiteral("model");
const QString kNgram = QStringLiteral("ngram");
const QString kTable = QStringLiteral("table");
const QString kEmbeddedDraft = QStringLiteral("embedded:stories-draft");

// Settings keys, in the run panel's group.
const QString kDrafterKey = QStringLiteral("drafter");
const QString kDraftModelKey = QStringLiteral("draft-model");
const QString kDraftTableKey = QStringLiteral("draft-table");
const QString kGammaKey = QStringLiteral("num-draft-tokens");
const QString kScheduleKey = QStringLiteral("draft-schedule");
const QString kNgramKey = QStringLiteral("max-matching-ngram-size");

QLabel* labelOf(QFormLayout* form, QWidget* field) { return qobject_cast<QLabel*>(form->labelForField(field)); }

void selectData(QComboBox* combo, const QString& value) {
    const int index = combo->findData(value);
    if (index >= 0) combo->setCurrentIndex(index);
}

void setItemEnabled(QComboBox* combo, const QString& value, bool enabled) {
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    if (QStandardItem* item = model ? model->item(combo->findData(value)) : nullptr) item->setEnabled(enabled);
}

bool isTableFile(const QString& path) {
    return QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
}

}  // namespace

SpeculativeSettings::SpeculativeSettings(QWidget* parent)
    : QGroupBox(parent),
      m_drafter(new QComboBox),
      m_draftModel(new QComboBox),
      m_draftTable(new QComboBox),
      m_gamma(new QSpinBox),
      m_schedule(new QComboBox),
      m_ngram(new QSpinBox),
      m_note(new QLabel),
      m_form(new QFormLayout(this)) {
    m_drafter->setObjectName(QStringLiteral("drafter"));
    for (const QString& value : {kNone, kModel, kNgram, kTable}) m_drafter->addItem(QString(), value);
    for (const char* schedule : {"constant", "heuristic"}) m_schedule->addItem(QString(), QString::fromLatin1(schedule));
    const dlab::GenerationConfig defaults;
    m_gamma->setRange(1, dlab::kMaxDraftTokens);
    m_gamma->setValue(defaults.num_draft_tokens);
    m_ngram->setRange(1, 32);
    m_ngram->setValue(defaults.max_matching_ngram_size);
    for (QComboBox* combo : {m_draftModel, m_draftTable}) {
        combo->addItem(QString());
        combo->setItemData(0, true, kBrowseRole);
    }
    m_draftModel->setCurrentIndex(addEntry(m_draftModel, kEmbeddedDraft, false));
    m_lastModelIndex = m_draftModel->currentIndex();
    m_note->setWordWrap(true);

    for (QWidget* field : {static_cast<QWidget*>(m_drafter), static_cast<QWidget*>(m_draftModel),
                           static_cast<QWidget*>(m_draftTable), static_cast<QWidget*>(m_gamma),
                           static_cast<QWidget*>(m_schedule), static_cast<QWidget*>(m_ngram)}) {
        auto* label = new QLabel;
        label->setBuddy(field);
        m_form->addRow(label, field);
    }
    m_form->addRow(m_note);

    connect(m_drafter, &QComboBox::currentIndexChanged, this, &SpeculativeSettings::updateControls);
    connect(m_draftModel, &QComboBox::activated, this,
            [this](int index) { onFileActivated(m_draftModel, false, index); });
    connect(m_draftTable, &QComboBox::activated, this,
            [this](int index) { onFileActivated(m_draftTable, true, index); });
    retranslate();
}

void SpeculativeSettings::retranslate() {
    setTitle(tr("Speculative sampling"));
    const QStringList drafters{tr("None"), tr("Draft model"), tr("Prompt lookup (n-gram)"), tr("Draft table")};
    for (int i = 0; i < m_drafter->count(); ++i) m_drafter->setItemText(i, drafters.value(i));
    m_drafter->setToolTip(tr("Who proposes the tokens the target model verifies in one pass: a smaller draft model, "
                             "copies of what followed the same words earlier in the text, or a draft table for a "
                             "table model"));
    m_schedule->setItemText(0, tr("Constant"));
    m_schedule->setItemText(1, tr("Heuristic (+2 after a round fully accepted, −1 otherwise)"));
    m_gamma->setToolTip(tr("γ: how many tokens the drafter proposes per round"));
    m_ngram->setToolTip(tr("Prompt lookup matches the text's last n tokens, n from this down to 1"));
    for (QComboBox* combo : {m_draftModel, m_draftTable})
        for (int i = 0; i < combo->count(); ++i)
            combo->setItemText(i, combo->itemData(i, kBrowseRole).toBool()
                                      ? tr("Open file…")
                                      : entryLabel(combo->itemData(i, kModelRole).toString(), combo == m_draftTable));
    m_draftModel->setToolTip(tr("A GGUF or llama2.c model with the target model's vocabulary"));
    m_draftTable->setToolTip(tr("A table model (.json) with the target table's symbols"));
    labelOf(m_form, m_drafter)->setText(tr("Drafter"));
    labelOf(m_form, m_draftModel)->setText(tr("Draft model"));
    labelOf(m_form, m_draftTable)->setText(tr("Draft table"));
    labelOf(m_form, m_gamma)->setText(tr("Draft tokens (γ)"));
    labelOf(m_form, m_schedule)->setText(tr("γ schedule"));
    labelOf(m_form, m_ngram)->setText(tr("Longest n-gram"));
    updateControls();
}

void SpeculativeSettings::changeEvent(QEvent* event) {
    QGroupBox::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslate();
}

QString SpeculativeSettings::entryLabel(const QString& model, bool table) {
    if (model == kEmbeddedDraft) return tr("Embedded: stories (draft)");
    if (model.startsWith(QLatin1String(dlab::kEmbeddedPrefix))) return model;
    const QFileInfo file(model);
    return table ? tr("Table: %1").arg(file.completeBaseName()) : file.fileName();
}

int SpeculativeSettings::addEntry(QComboBox* combo, const QString& model, bool table) {
    const int existing = combo->findData(model, kModelRole);
    if (existing >= 0) return existing;
    // above "Open file…", which stays last
    const int index = combo->count() - 1;
    combo->insertItem(index, entryLabel(model, table));
    combo->setItemData(index, model, kModelRole);
    combo->setItemData(index, model, Qt::ToolTipRole);
    return index;
}

void SpeculativeSettings::addDraftTables(const QString& directory) {
    const QDir dir(QDir::cleanPath(directory));
    for (const QFileInfo& file : dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        addEntry(m_draftTable, file.absoluteFilePath(), true);
    // nothing chosen yet: not the "Open file…" entry
    if (m_draftTable->itemData(m_draftTable->currentIndex(), kBrowseRole).toBool() && m_draftTable->count() > 1) {
        m_draftTable->setCurrentIndex(0);
        m_lastTableIndex = 0;
    }
}

void SpeculativeSettings::onFileActivated(QComboBox* combo, bool table, int index) {
    int& last = table ? m_lastTableIndex : m_lastModelIndex;
    if (!combo->itemData(index, kBrowseRole).toBool()) {
        last = index;
        return;
    }
    const QString path =
        table ? QFileDialog::getOpenFileName(this, tr("Open a draft table"), QString(), tr("Table models (*.json)"))
              : QFileDialog::getOpenFileName(this, tr("Open a draft model"), QString(),
                                             tr("Models (*.gguf *.bin);;GGUF (*.gguf);;llama2.c checkpoints (*.bin);;"
                                                "All files (*)"));
    if (path.isEmpty()) {
        combo->setCurrentIndex(last);
        return;
    }
    combo->setCurrentIndex(addEntry(combo, QFileInfo(path).absoluteFilePath(), table));
    last = combo->currentIndex();
}

void SpeculativeSettings::setTarget(const QString& model, bool table, dlab::StrategyKind strategy) {
    if (table && model != m_targetModel) {
        // a pair's draft beside its target: speculative-target.json → speculative-draft.json
        const QFileInfo target(model);
        QString name = target.fileName();
        name.replace(QLatin1String("target"), QLatin1String("draft"));
        const int paired = m_draftTable->findData(target.dir().absoluteFilePath(name), kModelRole);
        if (name != target.fileName() && paired >= 0) {
            m_draftTable->setCurrentIndex(paired);
            m_lastTableIndex = paired;
        }
    }
    m_targetModel = model;
    m_targetTable = table;
    m_strategy = strategy;
    updateControls();
}

bool SpeculativeSettings::strategyCanDraft() const {
    return m_strategy == dlab::StrategyKind::Greedy || m_strategy == dlab::StrategyKind::Sample;
}

void SpeculativeSettings::updateControls() {
    const bool canDraft = strategyCanDraft();
    const QString drafter = m_drafter->currentData().toString();
    // a table model has no tokenizer to look up n-grams in or to share with a draft model
    setItemEnabled(m_drafter, kModel, !m_targetTable);
    setItemEnabled(m_drafter, kNgram, !m_targetTable);
    setItemEnabled(m_drafter, kTable, m_targetTable);
    for (QWidget* field : {static_cast<QWidget*>(m_drafter), static_cast<QWidget*>(m_draftModel),
                           static_cast<QWidget*>(m_draftTable), static_cast<QWidget*>(m_gamma),
                           static_cast<QWidget*>(m_schedule), static_cast<QWidget*>(m_ngram)})
        field->setEnabled(canDraft);
    const bool drafting = drafter != kNone;
    m_form->setRowVisible(m_draftModel, drafter == kModel);
    m_form->setRowVisible(m_draftTable, drafter == kTable);
    m_form->setRowVisible(m_ngram, drafter == kNgram);
    m_form->setRowVisible(m_gamma, drafting);
    m_form->setRowVisible(m_schedule, drafting);

    QString note;
    if (!canDraft)
        note = tr("Only greedy search and sampling can draft: this strategy decodes without a drafter.");
    else if (drafting && m_targetTable && drafter != kTable)
        note = tr("A table model drafts with a draft table of its symbols.");
    else if (drafting && !m_targetTable && drafter == kTable)
        note = tr("A draft table drafts for a table model; choose the draft model or prompt lookup.");
    else if (drafting)
        note = tr("Each step is one round: the drafter proposes γ tokens and the target model verifies them in "
                  "one pass.");
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

bool SpeculativeSettings::apply(RunRequest* request, QString* error) const {
    using Drafter = RunRequest::Drafter;
    request->drafter = Drafter::None;
    const QString drafter = m_drafter->currentData().toString();
    // the group is greyed out for the other strategies, which say so
    if (drafter == kNone || !strategyCanDraft()) return true;
    const auto fail = [&](const QString& message) {
        if (error) *error = message;
        return false;
    };
    if (request->table != (drafter == kTable))
        return fail(request->table ? tr("Speculative sampling: a table model drafts with a draft table of its symbols")
                                   : tr("Speculative sampling: a draft table drafts for a table model"));
    if (request->generation.num_return_sequences != 1)
        return fail(tr("Speculative sampling decodes one sequence: set Returned sequences to 1"));
    dlab::GenerationConfig& g = request->generation;
    try {
        g.num_draft_tokens = m_gamma->value();
        g.draft_schedule = dlab::parse_draft_schedule(m_schedule->currentData().toString().toStdString());
        g.max_matching_ngram_size = m_ngram->value();
        g.validate();
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    if (drafter == kNgram) {
        request->drafter = Drafter::PromptLookup;
        return true;
    }
    QComboBox* files = drafter == kTable ? m_draftTable : m_draftModel;
    const QString file = files->currentData(kModelRole).toString();
    if (file.isEmpty()) return fail(tr("Speculative sampling: choose a draft table"));
    request->drafter = drafter == kTable ? Drafter::Table : Drafter::Model;
    request->draft = file;
    return true;
}

void SpeculativeSettings::setRequest(const RunRequest& request) {
    using Drafter = RunRequest::Drafter;
    static const QString kNames[] = {kNone, kModel, kNgram, kTable};
    selectData(m_drafter, kNames[int(request.drafter)]);
    if (request.drafter == Drafter::Model || request.drafter == Drafter::Table) {
        QComboBox* files = request.drafter == Drafter::Table ? m_draftTable : m_draftModel;
        const bool table = request.drafter == Drafter::Table;
        const QString draft = request.draft.startsWith(QLatin1String(dlab::kEmbeddedPrefix))
                                  ? request.draft
                                  : QFileInfo(request.draft).absoluteFilePath();
        files->setCurrentIndex(addEntry(files, draft, table));
        (table ? m_lastTableIndex : m_lastModelIndex) = files->currentIndex();
    }
    m_gamma->setValue(request.generation.num_draft_tokens);
    selectData(m_schedule, QString::fromLatin1(dlab::draft_schedule_name(request.generation.draft_schedule)));
    m_ngram->setValue(request.generation.max_matching_ngram_size);
}

void SpeculativeSettings::saveSettings(QSettings& settings) const {
    settings.setValue(kDrafterKey, m_drafter->currentData());
    settings.setValue(kDraftModelKey, m_draftModel->currentData(kModelRole));
    settings.setValue(kDraftTableKey, m_draftTable->currentData(kModelRole));
    settings.setValue(kGammaKey, m_gamma->value());
    settings.setValue(kScheduleKey, m_schedule->currentData());
    settings.setValue(kNgramKey, m_ngram->value());
}

void SpeculativeSettings::restoreSettings(QSettings& settings) {
    if (settings.contains(kDrafterKey)) selectData(m_drafter, settings.value(kDrafterKey).toString());
    // a remembered file comes back into its list; an embedded name that this build lacks does not
    const auto restoreFile = [&](QComboBox* combo, const QString& key, bool table, int& last) {
        const QString file = settings.value(key).toString();
        if (file.isEmpty()) return;
        if (combo->findData(file, kModelRole) < 0 &&
            (file.startsWith(QLatin1String(dlab::kEmbeddedPrefix)) || table != isTableFile(file)))
            return;
        combo->setCurrentIndex(addEntry(combo, file, table));
        last = combo->currentIndex();
    };
    restoreFile(m_draftModel, kDraftModelKey, false, m_lastModelIndex);
    restoreFile(m_draftTable, kDraftTableKey, true, m_lastTableIndex);
    if (settings.contains(kGammaKey)) m_gamma->setValue(settings.value(kGammaKey).toInt());
    if (settings.contains(kScheduleKey)) selectData(m_schedule, settings.value(kScheduleKey).toString());
    if (settings.contains(kNgramKey)) m_ngram->setValue(settings.value(kNgramKey).toInt());
}
