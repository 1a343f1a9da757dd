#include "run_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>
#include <exception>
#include <limits>

#include "attention/device_preset.h"
#include "embedded_models.h"
#include "speculative_settings.h"

namespace {

// Roles of the model list's entries.
constexpr int kModelRole = Qt::UserRole;       // the model string: "embedded:NAME" or a path
constexpr int kTableRole = Qt::UserRole + 1;   // a table model (.json)
constexpr int kBrowseRole = Qt::UserRole + 2;  // the "Open file…" entry

const QString kSettingsGroup = QStringLiteral("runPanel");

QSpinBox* intSpin(int min, int max, int value) {
    auto* spin = new QSpinBox;
    spin->setRange(min, max);
    spin->setValue(value);
    return spin;
}

QDoubleSpinBox* realSpin(double min, double max, double step, int decimals, double value) {
    auto* spin = new QDoubleSpinBox;
    spin->setRange(min, max);
    spin->setSingleStep(step);
    spin->setDecimals(decimals);
    spin->setValue(value);
    return spin;
}

// A combo box of items with these values, named by setItemTexts.
QComboBox* choice(const QStringList& values) {
    auto* combo = new QComboBox;
    for (const QString& value : values) combo->addItem(QString(), value);
    return combo;
}

void setItemTexts(QComboBox* combo, const QStringList& texts) {
    for (int i = 0; i < combo->count() && i < texts.size(); ++i) combo->setItemText(i, texts[i]);
}

// A form row with a label that retranslate() names through setLabel.
void addRow(QFormLayout* form, QWidget* field) {
    auto* label = new QLabel;
    label->setBuddy(field);
    form->addRow(label, field);
}

void setLabel(QWidget* field, const QString& text) {
    auto* form = qobject_cast<QFormLayout*>(field->parentWidget()->layout());
    if (auto* label = qobject_cast<QLabel*>(form->labelForField(field))) label->setText(text);
}

void selectData(QComboBox* combo, const QString& value) {
    const int index = combo->findData(value);
    if (index >= 0) combo->setCurrentIndex(index);
}

QWidget* formPage(QFormLayout*& form) {
    auto* page = new QWidget;
    form = new QFormLayout(page);
    form->setContentsMargins(0, 0, 0, 0);
    return page;
}

}  // namespace

RunPanel::RunPanel(QWidget* parent)
    : QWidget(parent),
      m_model(new QComboBox),
      m_backend(choice({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")})),
      m_prompt(new QLineEdit(QStringLiteral("Once upon a time"))),
      m_strategy(choice({QStringLiteral("greedy"), QStringLiteral("beam"), QStringLiteral("contrastive"),
                         QStringLiteral("sample")})),
      m_numBeams(intSpin(1, 64, 4)),
      m_lengthPenalty(realSpin(-10.0, 10.0, 0.1, 2, 1.0)),
      m_earlyStopping(choice({QStringLiteral("false"), QStringLiteral("true"), QStringLiteral("never")})),
      m_beamReturnSequences(intSpin(1, 64, 1)),
      m_penaltyAlpha(realSpin(0.0, 1.0, 0.05, 2, 0.6)),
      m_contrastiveTopK(intSpin(1, 100, 4)),
      m_temperature(realSpin(0.0, 10.0, 0.1, 2, 1.0)),
      m_topK(intSpin(0, 100000, 50)),
      m_topP(realSpin(0.01, 1.0, 0.05, 2, 1.0)),
      m_minP(realSpin(0.0, 1.0, 0.01, 2, 0.0)),
      m_typicalP(realSpin(0.01, 1.0, 0.05, 2, 1.0)),
      m_repetitionPenalty(realSpin(0.01, 10.0, 0.1, 2, 1.0)),
      m_noRepeatNgram(intSpin(0, 16, 0)),
      m_sampleReturnSequences(intSpin(1, 64, 1)),
      m_chainOrder(choice({QStringLiteral("hf"), QStringLiteral("llama.cpp")})),
      m_maxNewTokens(intSpin(1, 4096, 24)),
      m_seed(intSpin(0, std::numeric_limits<int>::max(), 0)),
      m_stopAtEos(new QCheckBox),
      m_kvKind(choice({QStringLiteral("contiguous"), QStringLiteral("sliding"), QStringLiteral("paged")})),
      m_maxSeqLen(intSpin(0, 1 << 20, 0)),
      m_blockSize(intSpin(1, 128, 16)),
      m_numBlocks(intSpin(0, 1 << 20, 0)),
      m_prefixCaching(new QCheckBox),
      m_window(intSpin(1, 1 << 16, 64)),
      m_sinkTokens(intSpin(0, 1 << 16, 0)),
      m_attentionKind(choice({QStringLiteral("naive"), QStringLiteral("flash")})),
      m_devicePreset(new QComboBox),
      m_sramBytes(intSpin(0, 1 << 30, 0)),
      m_tileRows(intSpin(0, 4096, 0)),
      m_tileCols(intSpin(0, 4096, 0)),
      m_highlightRow(intSpin(-1, 1 << 16, -1)),
      m_runBox(new QGroupBox),
      m_strategyBox(new QGroupBox),
      m_kvBox(new QGroupBox),
      m_attentionBox(new QGroupBox),
      m_speculative(new SpeculativeSettings),
      m_run(new QPushButton),
      m_stop(new QPushButton) {
    // model and prompt
    addModelEntry(QStringLiteral("embedded:stories-target"), false);
    addModelEntry(QStringLiteral("embedded:stories-draft"), false);
    m_model->addItem(QString());
    m_model->setItemData(m_model->count() - 1, true, kBrowseRole);
    connect(m_model, &QComboBox::activated, this, &RunPanel::onModelActivated);

    auto* runForm = new QFormLayout(m_runBox);
    for (QWidget* field : {static_cast<QWidget*>(m_model), static_cast<QWidget*>(m_backend),
                           static_cast<QWidget*>(m_prompt), static_cast<QWidget*>(m_maxNewTokens),
                           static_cast<QWidget*>(m_seed)})
        addRow(runForm, field);
    m_stopAtEos->setChecked(true);
    runForm->addRow(QString(), m_stopAtEos);

    // strategy pages: only the chosen strategy's parameters are shown
    QFormLayout* form = nullptr;
    m_beamPage = formPage(form);
    for (QWidget* field :
         {static_cast<QWidget*>(m_numBeams), static_cast<QWidget*>(m_lengthPenalty),
          static_cast<QWidget*>(m_earlyStopping), static_cast<QWidget*>(m_beamReturnSequences)})
        addRow(form, field);
    m_contrastivePage = formPage(form);
    addRow(form, m_penaltyAlpha);
    addRow(form, m_contrastiveTopK);
    m_samplePage = formPage(form);
    for (QWidget* field :
         {static_cast<QWidget*>(m_temperature), static_cast<QWidget*>(m_topK), static_cast<QWidget*>(m_topP),
          static_cast<QWidget*>(m_minP), static_cast<QWidget*>(m_typicalP),
          static_cast<QWidget*>(m_repetitionPenalty), static_cast<QWidget*>(m_noRepeatNgram),
          static_cast<QWidget*>(m_sampleReturnSequences), static_cast<QWidget*>(m_chainOrder)})
        addRow(form, field);
    auto* strategyLayout = new QVBoxLayout(m_strategyBox);
    strategyLayout->addWidget(m_strategy);
    for (QWidget* page : {m_beamPage, m_contrastivePage, m_samplePage}) strategyLayout->addWidget(page);
    m_strategy->setCurrentIndex(m_strategy->findData(QStringLiteral("beam")));

    // KV cache
    m_kvForm = new QFormLayout(m_kvBox);
    addRow(m_kvForm, m_kvKind);
    addRow(m_kvForm, m_maxSeqLen);
    addRow(m_kvForm, m_blockSize);
    addRow(m_kvForm, m_numBlocks);
    m_kvForm->addRow(QString(), m_prefixCaching);
    addRow(m_kvForm, m_window);
    addRow(m_kvForm, m_sinkTokens);

    // attention
    for (const dlab::DevicePreset& preset : dlab::device_presets())
        m_devicePreset->addItem(QString::fromStdString(preset.name).toUpper(), QString::fromStdString(preset.name));
    m_attentionForm = new QFormLayout(m_attentionBox);
    for (QWidget* field : {static_cast<QWidget*>(m_attentionKind), static_cast<QWidget*>(m_devicePreset),
                           static_cast<QWidget*>(m_sramBytes), static_cast<QWidget*>(m_tileRows),
                           static_cast<QWidget*>(m_tileCols), static_cast<QWidget*>(m_highlightRow)})
        addRow(m_attentionForm, field);

    // run and stop
    m_run->setDefault(true);
    m_stop->setEnabled(false);
    connect(m_run, &QPushButton::clicked, this, &RunPanel::runRequested);
    connect(m_stop, &QPushButton::clicked, this, &RunPanel::stopRequested);
    connect(m_prompt, &QLineEdit::returnPressed, m_run, &QPushButton::click);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_stop);

    auto* layout = new QVBoxLayout(this);
    for (QGroupBox* box : {m_runBox, m_strategyBox, static_cast<QGroupBox*>(m_speculative), m_kvBox, m_attentionBox})
        layout->addWidget(box);
    layout->addLayout(buttons);
    layout->addStretch(1);

    for (QComboBox* combo : {m_strategy, m_kvKind, m_attentionKind})
        connect(combo, &QComboBox::currentIndexChanged, this, &RunPanel::updateVisibleParameters);
    updateVisibleParameters();
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &RunPanel::updateSpeculative);
    connect(m_model, &QComboBox::currentIndexChanged, this, &RunPanel::updateSpeculative);
    updateSpeculative();
    retranslate();

    m_persisted = {{QStringLiteral("backend"), m_backend},
                   {QStringLiteral("prompt"), m_prompt},
                   {QStringLiteral("strategy"), m_strategy},
                   {QStringLiteral("max-new-tokens"), m_maxNewTokens},
                   {QStringLiteral("seed"), m_seed},
                   {QStringLiteral("stop-at-eos"), m_stopAtEos},
                   {QStringLiteral("num-beams"), m_numBeams},
                   {QStringLiteral("length-penalty"), m_lengthPenalty},
                   {QStringLiteral("early-stopping"), m_earlyStopping},
                   {QStringLiteral("beam-num-return-sequences"), m_beamReturnSequences},
                   {QStringLiteral("penalty-alpha"), m_penaltyAlpha},
                   {QStringLiteral("contrastive-top-k"), m_contrastiveTopK},
                   {QStringLiteral("temperature"), m_temperature},
                   {QStringLiteral("top-k"), m_topK},
                   {QStringLiteral("top-p"), m_topP},
                   {QStringLiteral("min-p"), m_minP},
                   {QStringLiteral("typical-p"), m_typicalP},
                   {QStringLiteral("repetition-penalty"), m_repetitionPenalty},
                   {QStringLiteral("no-repeat-ngram-size"), m_noRepeatNgram},
                   {QStringLiteral("sample-num-return-sequences"), m_sampleReturnSequences},
                   {QStringLiteral("chain-order"), m_chainOrder},
                   {QStringLiteral("kv"), m_kvKind},
                   {QStringLiteral("max-seq-len"), m_maxSeqLen},
                   {QStringLiteral("block-size"), m_blockSize},
                   {QStringLiteral("num-blocks"), m_numBlocks},
                   {QStringLiteral("prefix-caching"), m_prefixCaching},
                   {QStringLiteral("window"), m_window},
                   {QStringLiteral("sink-tokens"), m_sinkTokens},
                   {QStringLiteral("attention"), m_attentionKind},
                   {QStringLiteral("device-preset"), m_devicePreset},
                   {QStringLiteral("sram-bytes"), m_sramBytes},
                   {QStringLiteral("tile-rows"), m_tileRows},
                   {QStringLiteral("tile-cols"), m_tileCols},
                   {QStringLiteral("highlight-row"), m_highlightRow}};
}

void RunPanel::retranslate() {
    setItemTexts(m_strategy,
                 {tr("Greedy search"), tr("Beam search"), tr("Contrastive search"), tr("Sampling")});
    setItemTexts(m_earlyStopping,
                 {tr("false (no better beam possible)"), tr("true (k finished)"), tr("never")});
    setItemTexts(m_chainOrder, {tr("Hugging Face"), tr("llama.cpp")});
    setItemTexts(m_backend, {tr("Automatic"), tr("CPU"), tr("CUDA GPU")});
    m_backend->setToolTip(tr("Automatic: the CUDA GPU when one is present and runs these settings, else the CPU"));
    setItemTexts(m_kvKind, {tr("Contiguous"), tr("Sliding window"), tr("Paged (PagedAttention)")});
    setItemTexts(m_attentionKind, {tr("Naive (materializes S and P)"), tr("FlashAttention (tiled)")});
    // the minimum shown as a word where it means a default
    m_topK->setSpecialValueText(tr("off"));
    m_noRepeatNgram->setSpecialValueText(tr("off"));
    m_maxSeqLen->setSpecialValueText(tr("model's context"));
    m_numBlocks->setSpecialValueText(tr("auto"));
    m_sramBytes->setSpecialValueText(tr("preset"));
    m_tileRows->setSpecialValueText(tr("from SRAM"));
    m_tileCols->setSpecialValueText(tr("from SRAM"));
    m_highlightRow->setSpecialValueText(tr("none"));
    m_sramBytes->setSuffix(tr(" B"));
    m_prefixCaching->setText(tr("Share identical prefixes"));
    m_run->setText(tr("Run"));
    m_stop->setText(tr("Stop"));

    for (int i = 0; i < m_model->count(); ++i)
        m_model->setItemText(i, m_model->itemData(i, kBrowseRole).toBool()
                                    ? tr("Open file…")
                                    : modelLabel(m_model->itemData(i, kModelRole).toString(),
                                                 m_model->itemData(i, kTableRole).toBool()));
    m_model->setToolTip(tr("A GGUF or llama2.c model, or a table model (.json)"));
    m_prompt->setPlaceholderText(tr("Prompt"));

    m_runBox->setTitle(tr("Model and prompt"));
    setLabel(m_model, tr("Model"));
    setLabel(m_backend, tr("Backend"));
    setLabel(m_prompt, tr("Prompt"));
    setLabel(m_maxNewTokens, tr("Max new tokens"));
    setLabel(m_seed, tr("Seed"));
    m_stopAtEos->setText(tr("Stop at end of sequence"));
    m_stopAtEos->setToolTip(tr("Off: a sequence goes on past the end-of-sequence token up to the maximum of "
                               "new tokens"));
    m_strategyBox->setTitle(tr("Decoding strategy"));
    setLabel(m_numBeams, tr("Beams (k)"));
    setLabel(m_lengthPenalty, tr("Length penalty"));
    setLabel(m_earlyStopping, tr("Early stopping"));
    setLabel(m_beamReturnSequences, tr("Returned sequences"));
    setLabel(m_penaltyAlpha, tr("Penalty α"));
    setLabel(m_contrastiveTopK, tr("Top-k"));
    setLabel(m_temperature, tr("Temperature"));
    setLabel(m_topK, tr("Top-k"));
    setLabel(m_topP, tr("Top-p"));
    setLabel(m_minP, tr("Min-p"));
    setLabel(m_typicalP, tr("Typical-p"));
    setLabel(m_repetitionPenalty, tr("Repetition penalty"));
    setLabel(m_noRepeatNgram, tr("No-repeat n-gram"));
    setLabel(m_sampleReturnSequences, tr("Returned sequences"));
    setLabel(m_chainOrder, tr("Chain order"));
    m_kvBox->setTitle(tr("KV cache"));
    setLabel(m_kvKind, tr("Layout"));
    setLabel(m_maxSeqLen, tr("Max sequence length"));
    setLabel(m_blockSize, tr("Block size"));
    setLabel(m_numBlocks, tr("Blocks"));
    setLabel(m_window, tr("Window"));
    setLabel(m_sinkTokens, tr("Sink tokens"));
    m_attentionBox->setTitle(tr("Attention"));
    setLabel(m_attentionKind, tr("Kind"));
    setLabel(m_devicePreset, tr("Device"));
    setLabel(m_sramBytes, tr("SRAM budget (M)"));
    setLabel(m_tileRows, tr("Tile rows (Br)"));
    setLabel(m_tileCols, tr("Tile columns (Bc)"));
    setLabel(m_highlightRow, tr("Highlighted query row"));
}

void RunPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslate();
}

QString RunPanel::modelLabel(const QString& model, bool table) {
    if (model == QLatin1String("embedded:stories-target")) return tr("Embedded: stories (target)");
    if (model == QLatin1String("embedded:stories-draft")) return tr("Embedded: stories (draft)");
    if (model.startsWith(QLatin1String(dlab::kEmbeddedPrefix))) return model;
    const QFileInfo file(model);
    return table ? tr("Table: %1").arg(file.completeBaseName()) : file.fileName();
}

int RunPanel::addModelEntry(const QString& model, bool table) {
    const int existing = m_model->findData(model, kModelRole);
    if (existing >= 0) return existing;
    // new entries go above "Open file…", which stays last
    int index = m_model->count();
    if (index > 0 && m_model->itemData(index - 1, kBrowseRole).toBool()) --index;
    m_model->insertItem(index, modelLabel(model, table));
    m_model->setItemData(index, model, kModelRole);
    m_model->setItemData(index, table, kTableRole);
    m_model->setItemData(index, model, Qt::ToolTipRole);
    return index;
}

void RunPanel::addTableModels(const QString& directory) {
    const QDir dir(QDir::cleanPath(directory));
    for (const QFileInfo& file : dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        addModelEntry(file.absoluteFilePath(), true);
    m_speculative->addDraftTables(directory);
    updateSpeculative();
}

void RunPanel::setModelFile(const QString& path) {
    const QFileInfo file(path);
    const bool table = file.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    m_model->setCurrentIndex(addModelEntry(file.absoluteFilePath(), table));
    m_lastModelIndex = m_model->currentIndex();
}

bool RunPanel::selectModel(const QString& model) {
    const int index = m_model->findData(model, kModelRole);
    if (index < 0) return false;
    m_model->setCurrentIndex(index);
    m_lastModelIndex = index;
    return true;
}

void RunPanel::onModelActivated(int index) {
    if (!m_model->itemData(index, kBrowseRole).toBool()) {
        m_lastModelIndex = index;
        return;
    }
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a model"), QString(),
        tr("Models (*.gguf *.bin *.json);;GGUF (*.gguf);;llama2.c checkpoints (*.bin);;Table models (*.json);;All files (*)"));
    if (path.isEmpty()) {
        m_model->setCurrentIndex(m_lastModelIndex);
        return;
    }
    setModelFile(path);
}

void RunPanel::updateSpeculative() {
    // "Open file…" is current only while its dialog is open
    if (m_model->currentData(kBrowseRole).toBool()) return;
    m_speculative->setTarget(m_model->currentData(kModelRole).toString(), m_model->currentData(kTableRole).toBool(),
                             dlab::parse_strategy(m_strategy->currentData().toString().toStdString()));
}

void RunPanel::updateVisibleParameters() {
    const QString strategy = m_strategy->currentData().toString();
    m_beamPage->setVisible(strategy == QLatin1String("beam"));
    m_contrastivePage->setVisible(strategy == QLatin1String("contrastive"));
    m_samplePage->setVisible(strategy == QLatin1String("sample"));

    const QString kv = m_kvKind->currentData().toString();
    const bool paged = kv == QLatin1String("paged");
    const bool sliding = kv == QLatin1String("sliding");
    m_kvForm->setRowVisible(m_blockSize, paged);
    m_kvForm->setRowVisible(m_numBlocks, paged);
    m_kvForm->setRowVisible(m_prefixCaching, paged);
    m_kvForm->setRowVisible(m_window, sliding);
    m_kvForm->setRowVisible(m_sinkTokens, sliding);

    const bool flash = m_attentionKind->currentData().toString() == QLatin1String("flash");
    for (QWidget* field : {static_cast<QWidget*>(m_devicePreset), static_cast<QWidget*>(m_sramBytes),
                           static_cast<QWidget*>(m_tileRows), static_cast<QWidget*>(m_tileCols),
                           static_cast<QWidget*>(m_highlightRow)})
        m_attentionForm->setRowVisible(field, flash);
}

bool RunPanel::request(RunRequest* request, QString* error) const {
    RunRequest r;
    r.model = m_model->currentData(kModelRole).toString();
    r.table = m_model->currentData(kTableRole).toBool();
    r.prompt = m_prompt->text();

    dlab::GenerationConfig& g = r.generation;
    try {
        r.backend = dlab::parse_backend_choice(m_backend->currentData().toString().toStdString());
        g.strategy = dlab::parse_strategy(m_strategy->currentData().toString().toStdString());
        g.max_new_tokens = m_maxNewTokens->value();
        g.seed = static_cast<uint64_t>(m_seed->value());
        g.stop_at_eos = m_stopAtEos->isChecked();
        switch (g.strategy) {
        case dlab::StrategyKind::Greedy: break;
        case dlab::StrategyKind::Beam:
            g.num_beams = m_numBeams->value();
            g.length_penalty = static_cast<float>(m_lengthPenalty->value());
            g.early_stopping = dlab::parse_early_stopping(m_earlyStopping->currentData().toString().toStdString());
            g.num_return_sequences = m_beamReturnSequences->value();
            break;
        case dlab::StrategyKind::Contrastive:
            g.penalty_alpha = static_cast<float>(m_penaltyAlpha->value());
            g.top_k = m_contrastiveTopK->value();
            break;
        case dlab::StrategyKind::Sample:
            g.temperature = static_cast<float>(m_temperature->value());
            g.top_k = m_topK->value();
            g.top_p = static_cast<float>(m_topP->value());
            g.min_p = static_cast<float>(m_minP->value());
            g.typical_p = static_cast<float>(m_typicalP->value());
            g.repetition_penalty = static_cast<float>(m_repetitionPenalty->value());
            g.no_repeat_ngram_size = m_noRepeatNgram->value();
            g.num_return_sequences = m_sampleReturnSequences->value();
            g.chain_order = m_chainOrder->currentData().toString().toStdString();
            break;
        }
        g.validate();

        // a table model has no KV cache or attention: those settings stay at their defaults
        if (!r.table) {
            r.kv.kind = dlab::parse_kv_kind(m_kvKind->currentData().toString().toStdString());
            r.kv.max_seq_len = m_maxSeqLen->value();
            if (r.kv.kind == dlab::KvKind::Paged) {
                r.kv.block_size = m_blockSize->value();
                r.kv.num_blocks = m_numBlocks->value();
                r.kv.prefix_caching = m_prefixCaching->isChecked();
            } else if (r.kv.kind == dlab::KvKind::Sliding) {
                r.kv.window = m_window->value();
                r.kv.sink_tokens = m_sinkTokens->value();
            }
            r.kv.validate();
            r.attention.kind = dlab::parse_attention_kind(m_attentionKind->currentData().toString().toStdString());
            if (r.attention.kind == dlab::AttentionKind::Flash) {
                r.attention.device_preset = m_devicePreset->currentData().toString().toStdString();
                r.attention.sram_bytes = m_sramBytes->value();
                r.attention.tile_rows = m_tileRows->value();
                r.attention.tile_cols = m_tileCols->value();
                r.attention.highlight_row = m_highlightRow->value();
            }
        }
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    // the drafter last: it needs the model and the strategy's settings
    if (!m_speculative->apply(&r, error)) return false;
    *request = r;
    return true;
}

void RunPanel::setRequest(const RunRequest& r) {
    if (!selectModel(r.model)) {
        if (r.model.startsWith(QLatin1String(dlab::kEmbeddedPrefix)))
            m_model->setCurrentIndex(addModelEntry(r.model, false));
        else
            setModelFile(r.model);
    }
    selectData(m_backend, QString::fromLatin1(dlab::backend_choice_name(r.backend)));
    m_prompt->setText(r.prompt);
    const dlab::GenerationConfig& g = r.generation;
    selectData(m_strategy, QString::fromLatin1(dlab::strategy_name(g.strategy)));
    m_maxNewTokens->setValue(g.max_new_tokens);
    m_seed->setValue(static_cast<int>(g.seed));
    m_stopAtEos->setChecked(g.stop_at_eos);
    m_numBeams->setValue(g.num_beams);
    m_lengthPenalty->setValue(g.length_penalty);
    selectData(m_earlyStopping, QString::fromLatin1(dlab::early_stopping_name(g.early_stopping)));
    m_beamReturnSequences->setValue(g.num_return_sequences);
    m_sampleReturnSequences->setValue(g.num_return_sequences);
    m_penaltyAlpha->setValue(g.penalty_alpha);
    m_contrastiveTopK->setValue(std::max(1, g.top_k));
    m_temperature->setValue(g.temperature);
    m_topK->setValue(g.top_k);
    m_topP->setValue(g.top_p);
    m_minP->setValue(g.min_p);
    m_typicalP->setValue(g.typical_p);
    m_repetitionPenalty->setValue(g.repetition_penalty);
    m_noRepeatNgram->setValue(g.no_repeat_ngram_size);
    selectData(m_chainOrder, QString::fromStdString(g.chain_order));
    selectData(m_kvKind, QString::fromLatin1(dlab::kv_kind_name(r.kv.kind)));
    m_maxSeqLen->setValue(r.kv.max_seq_len);
    m_blockSize->setValue(r.kv.block_size);
    m_numBlocks->setValue(r.kv.num_blocks);
    m_prefixCaching->setChecked(r.kv.prefix_caching);
    if (r.kv.window > 0) m_window->setValue(r.kv.window);
    m_sinkTokens->setValue(r.kv.sink_tokens);
    selectData(m_attentionKind, QString::fromLatin1(dlab::attention_kind_name(r.attention.kind)));
    selectData(m_devicePreset, QString::fromStdString(r.attention.device_preset));
    m_sramBytes->setValue(static_cast<int>(r.attention.sram_bytes));
    m_tileRows->setValue(r.attention.tile_rows);
    m_tileCols->setValue(r.attention.tile_cols);
    m_highlightRow->setValue(r.attention.highlight_row);
    m_speculative->setRequest(r);
}

void RunPanel::setRunning(bool running) {
    m_run->setEnabled(!running);
    m_stop->setEnabled(running);
}

void RunPanel::saveSettings() const {
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    settings.setValue(QStringLiteral("model"), m_model->currentData(kModelRole));
    for (const auto& [key, widget] : m_persisted) {
        if (auto* line = qobject_cast<QLineEdit*>(widget))
            settings.setValue(key, line->text());
        else if (auto* combo = qobject_cast<QComboBox*>(widget))
            settings.setValue(key, combo->currentData());
        else if (auto* spin = qobject_cast<QSpinBox*>(widget))
            settings.setValue(key, spin->value());
        else if (auto* real = qobject_cast<QDoubleSpinBox*>(widget))
            settings.setValue(key, real->value());
        else if (auto* check = qobject_cast<QCheckBox*>(widget))
            settings.setValue(key, check->isChecked());
    }
    m_speculative->saveSettings(settings);
}

void RunPanel::restoreSettings() {
    QSettings settings;
    settings.beginGroup(kSettingsGroup);
    const QString model = settings.value(QStringLiteral("model")).toString();
    if (!model.isEmpty() && !selectModel(model) && !model.startsWith(QLatin1String(dlab::kEmbeddedPrefix)))
        setModelFile(model);
    for (const auto& [key, widget] : m_persisted) {
        if (!settings.contains(key)) continue;
        const QVariant value = settings.value(key);
        if (auto* line = qobject_cast<QLineEdit*>(widget))
            line->setText(value.toString());
        else if (auto* combo = qobject_cast<QComboBox*>(widget))
            selectData(combo, value.toString());
        else if (auto* spin = qobject_cast<QSpinBox*>(widget))
            spin->setValue(value.toInt());
        else if (auto* real = qobject_cast<QDoubleSpinBox*>(widget))
            real->setValue(value.toDouble());
        else if (auto* check = qobject_cast<QCheckBox*>(widget))
            check->setChecked(value.toBool());
    }
    m_speculative->restoreSettings(settings);
}
