#include "run_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>
#include <exception>
#include <limits>

#include "attention/device_preset.h"
#include "embedded_models.h"

namespace {

// Roles of the model list's entries.
constexpr int kModelRole = Qt::UserRole;       // the model string: "embedded:NAME" or a path
constexpr int kTableRole = Qt::UserRole + 1;   // a table model (.json)
constexpr int kBrowseRole = Qt::UserRole + 2;  // the "Open file…" entry

const QString kSettingsGroup = QStringLiteral("runPanel");

QSpinBox* intSpin(int min, int max, int value, const QString& specialValueText = {}) {
    auto* spin = new QSpinBox;
    spin->setRange(min, max);
    spin->setValue(value);
    // the minimum shown as a word ("auto", "off") where it means a default
    spin->setSpecialValueText(specialValueText);
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

// A combo box of (label, value) items.
QComboBox* choice(const QList<QPair<QString, QString>>& items) {
    auto* combo = new QComboBox;
    for (const auto& [label, value] : items) combo->addItem(label, value);
    return combo;
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
      m_prompt(new QLineEdit(QStringLiteral("Once upon a time"))),
      m_strategy(choice({{tr("Greedy search"), QStringLiteral("greedy")},
                         {tr("Beam search"), QStringLiteral("beam")},
                         {tr("Contrastive search"), QStringLiteral("contrastive")},
                         {tr("Sampling"), QStringLiteral("sample")}})),
      m_numBeams(intSpin(1, 64, 4)),
      m_lengthPenalty(realSpin(-10.0, 10.0, 0.1, 2, 1.0)),
      m_earlyStopping(choice({{tr("false (no better beam possible)"), QStringLiteral("false")},
                              {tr("true (k finished)"), QStringLiteral("true")},
                              {tr("never"), QStringLiteral("never")}})),
      m_beamReturnSequences(intSpin(1, 64, 1)),
      m_penaltyAlpha(realSpin(0.0, 1.0, 0.05, 2, 0.6)),
      m_contrastiveTopK(intSpin(1, 100, 4)),
      m_temperature(realSpin(0.0, 10.0, 0.1, 2, 1.0)),
      m_topK(intSpin(0, 100000, 50, tr("off"))),
      m_topP(realSpin(0.01, 1.0, 0.05, 2, 1.0)),
      m_minP(realSpin(0.0, 1.0, 0.01, 2, 0.0)),
      m_typicalP(realSpin(0.01, 1.0, 0.05, 2, 1.0)),
      m_repetitionPenalty(realSpin(0.01, 10.0, 0.1, 2, 1.0)),
      m_noRepeatNgram(intSpin(0, 16, 0, tr("off"))),
      m_sampleReturnSequences(intSpin(1, 64, 1)),
      m_chainOrder(choice({{tr("Hugging Face"), QStringLiteral("hf")}, {tr("llama.cpp"), QStringLiteral("llama.cpp")}})),
      m_maxNewTokens(intSpin(1, 4096, 24)),
      m_seed(intSpin(0, std::numeric_limits<int>::max(), 0)),
      m_kvKind(choice({{tr("Contiguous"), QStringLiteral("contiguous")},
                       {tr("Sliding window"), QStringLiteral("sliding")},
                       {tr("Paged (PagedAttention)"), QStringLiteral("paged")}})),
      m_blockSize(intSpin(1, 128, 16)),
      m_numBlocks(intSpin(0, 1 << 20, 0, tr("auto"))),
      m_prefixCaching(new QCheckBox(tr("Share identical prefixes"))),
      m_window(intSpin(1, 1 << 16, 64)),
      m_sinkTokens(intSpin(0, 1 << 16, 0)),
      m_attentionKind(choice({{tr("Naive (materializes S and P)"), QStringLiteral("naive")},
                              {tr("FlashAttention (tiled)"), QStringLiteral("flash")}})),
      m_devicePreset(new QComboBox),
      m_sramBytes(intSpin(0, 1 << 30, 0, tr("preset"))),
      m_tileRows(intSpin(0, 4096, 0, tr("from SRAM"))),
      m_tileCols(intSpin(0, 4096, 0, tr("from SRAM"))),
      m_highlightRow(intSpin(-1, 1 << 16, -1, tr("none"))),
      m_run(new QPushButton(tr("Run"))),
      m_stop(new QPushButton(tr("Stop"))) {
    // model and prompt
    addModelEntry(tr("Embedded: stories (target)"), QStringLiteral("embedded:stories-target"), false);
    addModelEntry(tr("Embedded: stories (draft)"), QStringLiteral("embedded:stories-draft"), false);
    m_model->addItem(tr("Open file…"));
    m_model->setItemData(m_model->count() - 1, true, kBrowseRole);
    m_model->setToolTip(tr("A GGUF or llama2.c model, or a table model (.json)"));
    connect(m_model, &QComboBox::activated, this, &RunPanel::onModelActivated);
    m_prompt->setPlaceholderText(tr("Prompt"));

    auto* runBox = new QGroupBox(tr("Model and prompt"));
    auto* runForm = new QFormLayout(runBox);
    runForm->addRow(tr("Model"), m_model);
    runForm->addRow(tr("Prompt"), m_prompt);
    runForm->addRow(tr("Max new tokens"), m_maxNewTokens);
    runForm->addRow(tr("Seed"), m_seed);

    // strategy pages: only the chosen strategy's parameters are shown
    QFormLayout* form = nullptr;
    m_beamPage = formPage(form);
    form->addRow(tr("Beams (k)"), m_numBeams);
    form->addRow(tr("Length penalty"), m_lengthPenalty);
    form->addRow(tr("Early stopping"), m_earlyStopping);
    form->addRow(tr("Returned sequences"), m_beamReturnSequences);
    m_contrastivePage = formPage(form);
    form->addRow(tr("Penalty α"), m_penaltyAlpha);
    form->addRow(tr("Top-k"), m_contrastiveTopK);
    m_samplePage = formPage(form);
    form->addRow(tr("Temperature"), m_temperature);
    form->addRow(tr("Top-k"), m_topK);
    form->addRow(tr("Top-p"), m_topP);
    form->addRow(tr("Min-p"), m_minP);
    form->addRow(tr("Typical-p"), m_typicalP);
    form->addRow(tr("Repetition penalty"), m_repetitionPenalty);
    form->addRow(tr("No-repeat n-gram"), m_noRepeatNgram);
    form->addRow(tr("Returned sequences"), m_sampleReturnSequences);
    form->addRow(tr("Chain order"), m_chainOrder);
    auto* strategyBox = new QGroupBox(tr("Decoding strategy"));
    auto* strategyLayout = new QVBoxLayout(strategyBox);
    strategyLayout->addWidget(m_strategy);
    for (QWidget* page : {m_beamPage, m_contrastivePage, m_samplePage}) strategyLayout->addWidget(page);
    m_strategy->setCurrentIndex(m_strategy->findData(QStringLiteral("beam")));

    // KV cache
    auto* kvBox = new QGroupBox(tr("KV cache"));
    m_kvForm = new QFormLayout(kvBox);
    m_kvForm->addRow(tr("Layout"), m_kvKind);
    m_kvForm->addRow(tr("Block size"), m_blockSize);
    m_kvForm->addRow(tr("Blocks"), m_numBlocks);
    m_kvForm->addRow(QString(), m_prefixCaching);
    m_kvForm->addRow(tr("Window"), m_window);
    m_kvForm->addRow(tr("Sink tokens"), m_sinkTokens);

    // attention
    for (const dlab::DevicePreset& preset : dlab::device_presets())
        m_devicePreset->addItem(QString::fromStdString(preset.name).toUpper(), QString::fromStdString(preset.name));
    m_sramBytes->setSuffix(tr(" B"));
    auto* attentionBox = new QGroupBox(tr("Attention"));
    m_attentionForm = new QFormLayout(attentionBox);
    m_attentionForm->addRow(tr("Kind"), m_attentionKind);
    m_attentionForm->addRow(tr("Device"), m_devicePreset);
    m_attentionForm->addRow(tr("SRAM budget (M)"), m_sramBytes);
    m_attentionForm->addRow(tr("Tile rows (Br)"), m_tileRows);
    m_attentionForm->addRow(tr("Tile columns (Bc)"), m_tileCols);
    m_attentionForm->addRow(tr("Highlighted query row"), m_highlightRow);

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
    for (QWidget* box : {static_cast<QWidget*>(runBox), static_cast<QWidget*>(strategyBox),
                         static_cast<QWidget*>(kvBox), static_cast<QWidget*>(attentionBox)})
        layout->addWidget(box);
    layout->addLayout(buttons);
    layout->addStretch(1);

    for (QComboBox* combo : {m_strategy, m_kvKind, m_attentionKind})
        connect(combo, &QComboBox::currentIndexChanged, this, &RunPanel::updateVisibleParameters);
    updateVisibleParameters();

    m_persisted = {{QStringLiteral("prompt"), m_prompt},
                   {QStringLiteral("strategy"), m_strategy},
                   {QStringLiteral("max-new-tokens"), m_maxNewTokens},
                   {QStringLiteral("seed"), m_seed},
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

int RunPanel::addModelEntry(const QString& label, const QString& model, bool table) {
    const int existing = m_model->findData(model, kModelRole);
    if (existing >= 0) return existing;
    // new entries go above "Open file…", which stays last
    int index = m_model->count();
    if (index > 0 && m_model->itemData(index - 1, kBrowseRole).toBool()) --index;
    m_model->insertItem(index, label);
    m_model->setItemData(index, model, kModelRole);
    m_model->setItemData(index, table, kTableRole);
    m_model->setItemData(index, model, Qt::ToolTipRole);
    return index;
}

void RunPanel::addTableModels(const QString& directory) {
    const QDir dir(QDir::cleanPath(directory));
    for (const QFileInfo& file : dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        addModelEntry(tr("Table: %1").arg(file.completeBaseName()), file.absoluteFilePath(), true);
}

void RunPanel::setModelFile(const QString& path) {
    const QFileInfo file(path);
    const bool table = file.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    const QString label = table ? tr("Table: %1").arg(file.completeBaseName()) : file.fileName();
    m_model->setCurrentIndex(addModelEntry(label, file.absoluteFilePath(), table));
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
        g.strategy = dlab::parse_strategy(m_strategy->currentData().toString().toStdString());
        g.max_new_tokens = m_maxNewTokens->value();
        g.seed = static_cast<uint64_t>(m_seed->value());
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
    *request = r;
    return true;
}

void RunPanel::setRequest(const RunRequest& r) {
    if (!selectModel(r.model)) {
        if (r.model.startsWith(QLatin1String(dlab::kEmbeddedPrefix)))
            m_model->setCurrentIndex(addModelEntry(r.model, r.model, false));
        else
            setModelFile(r.model);
    }
    m_prompt->setText(r.prompt);
    const dlab::GenerationConfig& g = r.generation;
    selectData(m_strategy, QString::fromLatin1(dlab::strategy_name(g.strategy)));
    m_maxNewTokens->setValue(g.max_new_tokens);
    m_seed->setValue(static_cast<int>(g.seed));
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
}
