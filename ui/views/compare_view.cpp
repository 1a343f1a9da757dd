#include "compare_view.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>

#include "text_metrics.h"

namespace {

// The repetition the table counts: 4-grams, the size no_repeat_ngram_size is often set to.
constexpr int kRepeatN = 4;
constexpr int kProgressPerRow = 100;

// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n')) && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

// Token pieces with their boundaries visible: SentencePiece's ▁ for a leading space.
QString piecesText(const QStringList& pieces) {
    QStringList shown;
    for (QString piece : pieces) {
        piece.replace(QLatin1Char(' '), QChar(0x2581));
        piece.replace(QLatin1Char('\n'), QChar(0x23CE));
        shown.append(piece);
    }
    return shown.join(QLatin1Char('|'));
}

QString tokenIds(const std::vector<int>& tokens) {
    QStringList ids;
    for (int token : tokens) ids.append(QString::number(token));
    return ids.join(QLatin1Char(' '));
}

}  // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent), m_runner(new CompareRunner(this)) {
    m_prompt = new QLineEdit(QStringLiteral("Once upon a time"), this);
    m_maxNewTokens = new QSpinBox(this);
    m_maxNewTokens->setRange(1, 4096);
    // the CLI demo's length
    m_maxNewTokens->setValue(48);
    m_modelLabel = new QLabel(this);
    m_modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_specEdit = new QLineEdit(this);
    m_addButton = new QPushButton(this);
    m_removeButton = new QPushButton(this);
    m_defaultsButton = new QPushButton(this);

    m_tableWidget = new QTableWidget(0, ColumnCount, this);
    for (int column = 0; column < ColumnCount; ++column)
        m_tableWidget->setHorizontalHeaderItem(column, new QTableWidgetItem);
    m_tableWidget->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tableWidget->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableWidget->setWordWrap(true);
    m_tableWidget->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    QHeaderView* header = m_tableWidget->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(TextColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(TokensColumn, QHeaderView::Stretch);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, kProgressPerRow);
    m_progress->setValue(0);
    m_runButton = new QPushButton(this);
    m_cancelButton = new QPushButton(this);
    m_status = new QLabel(this);
    m_promptLabel = new QLabel(this);
    m_maxNewTokensLabel = new QLabel(this);
    m_specLabel = new QLabel(this);

    auto* settings = new QHBoxLayout;
    settings->addWidget(m_promptLabel);
    settings->addWidget(m_prompt, 1);
    settings->addWidget(m_maxNewTokensLabel);
    settings->addWidget(m_maxNewTokens);
    settings->addWidget(m_modelLabel);
    auto* editor = new QHBoxLayout;
    editor->addWidget(m_specLabel);
    editor->addWidget(m_specEdit, 1);
    editor->addWidget(m_addButton);
    editor->addWidget(m_removeButton);
    editor->addWidget(m_defaultsButton);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(m_runButton);
    runRow->addWidget(m_cancelButton);
    runRow->addWidget(m_progress, 1);
    runRow->addWidget(m_status, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(settings);
    layout->addLayout(editor);
    layout->addWidget(m_tableWidget, 1);
    layout->addLayout(runRow);

    connect(m_addButton, &QPushButton::clicked, this, &CompareView::addFromEditor);
    connect(m_specEdit, &QLineEdit::returnPressed, this, &CompareView::addFromEditor);
    connect(m_removeButton, &QPushButton::clicked, this, &CompareView::removeSelected);
    connect(m_defaultsButton, &QPushButton::clicked, this, [this] { setSpecs(defaultSpecs()); });
    // a row's spec into the editor, to add a variant of it
    connect(m_tableWidget, &QTableWidget::cellDoubleClicked, this,
            [this](int row) { m_specEdit->setText(m_rows[size_t(row)].config.spec); });
    connect(m_tableWidget, &QTableWidget::itemSelectionChanged, this, &CompareView::updateControls);
    connect(m_maxNewTokens, &QSpinBox::valueChanged, this, &CompareView::reparseRows);
    connect(m_runButton, &QPushButton::clicked, this, &CompareView::run);
    connect(m_cancelButton, &QPushButton::clicked, this, &CompareView::cancel);

    connect(m_runner, &CompareRunner::loadingModel, this,
            [this](const QString& model) { setStatus([model] { return tr("Loading %1 …").arg(model); }); });
    connect(m_runner, &CompareRunner::rowStarted, this, &CompareView::onRowStarted);
    connect(m_runner, &CompareRunner::stepDone, this, &CompareView::onStepDone);
    connect(m_runner, &CompareRunner::rowFinished, this, &CompareView::onRowFinished);
    connect(m_runner, &CompareRunner::rowFailed, this, &CompareView::onRowFailed);
    connect(m_runner, &CompareRunner::finished, this, &CompareView::onFinished);

    setModel(m_model);
    setSpecs(defaultSpecs());
    retranslate();
}

QString CompareView::title() const { return tr("Compare"); }

void CompareView::retranslate() {
    m_specEdit->setPlaceholderText(tr("strategy=beam,num-beams=4"));
    m_specEdit->setToolTip(
        tr("A configuration as key=value pairs separated by commas, in the command line's "
           "--compare syntax: strategy (greedy, beam, contrastive, sample), num-beams, "
           "length-penalty, penalty-alpha, top-k, top-p, min-p, typical-p, temperature, "
           "repetition-penalty, no-repeat-ngram-size, max-new-tokens, seed …"));
    m_addButton->setText(tr("Add"));
    m_removeButton->setText(tr("Remove selected"));
    m_defaultsButton->setText(tr("Restore defaults"));
    m_runButton->setText(tr("Run comparison"));
    m_cancelButton->setText(tr("Cancel"));
    m_promptLabel->setText(tr("Prompt:"));
    m_maxNewTokensLabel->setText(tr("Max new tokens:"));
    m_specLabel->setText(tr("Configuration:"));
    m_modelLabel->setText(tr("Model: %1").arg(m_model));

    const QStringList headers{tr("Configuration"), tr("Generated text"), tr("Tokens"),
                              tr("Log-prob"),      tr("Score"),          tr("Length"),
                              tr("Distinct-1"),    tr("Distinct-2"),     tr("Repeated 4-grams"),
                              tr("Decode tok/s"),  tr("Status")};
    for (int column = 0; column < ColumnCount; ++column)
        m_tableWidget->horizontalHeaderItem(column)->setText(headers[column]);
    m_tableWidget->horizontalHeaderItem(LogProbColumn)
        ->setToolTip(tr("Cumulative log-probability of the generated tokens (sum of log p)"));
    m_tableWidget->horizontalHeaderItem(ScoreColumn)
        ->setToolTip(
            tr("The strategy's score: beam search divides the log-probability by length^length-penalty"));
    m_tableWidget->horizontalHeaderItem(Distinct1Column)
        ->setToolTip(tr("Distinct tokens / generated tokens"));
    m_tableWidget->horizontalHeaderItem(Distinct2Column)->setToolTip(tr("Distinct bigrams / bigrams"));
    m_tableWidget->horizontalHeaderItem(Repeated4Column)
        ->setToolTip(tr("4-grams that repeat an earlier 4-gram of the same text"));

    // the rows' labels and parse errors, their status, and the comparison's
    if (!isRunning()) reparseRows();
    for (int row = 0; row < rowCount(); ++row) showRow(row);
    setStatus(m_statusText);
}

void CompareView::setStatus(std::function<QString()> text) {
    m_statusText = std::move(text);
    m_status->setText(m_statusText ? m_statusText() : QString());
}

QStringList CompareView::defaultSpecs() {
    return {QStringLiteral("strategy=greedy"), QStringLiteral("strategy=beam,num-beams=4"),
            QStringLiteral("strategy=contrastive,penalty-alpha=0.6,top-k=4"),
            QStringLiteral("strategy=sample,top-p=0.9,seed=1")};
}

void CompareView::setModel(const QString& model, bool table, const QString& llama2cTokenizer) {
    m_model = model;
    m_table = table;
    m_llama2cTokenizer = llama2cTokenizer;
    m_modelLabel->setText(tr("Model: %1").arg(model));
}

void CompareView::useRunSettings(const RunRequest& request) {
    setModel(request.model, request.table, request.llama2cTokenizer);
    setPrompt(request.prompt);
    setMaxNewTokens(request.generation.max_new_tokens);
}

void CompareView::setPrompt(const QString& prompt) { m_prompt->setText(prompt); }

QString CompareView::prompt() const { return m_prompt->text(); }

void CompareView::setMaxNewTokens(int maxNewTokens) { m_maxNewTokens->setValue(maxNewTokens); }

int CompareView::maxNewTokens() const { return m_maxNewTokens->value(); }

dlab::GenerationConfig CompareView::baseConfig() const {
    dlab::GenerationConfig base;
    base.max_new_tokens = m_maxNewTokens->value();
    return base;
}

int CompareView::addSpec(const QString& spec) {
    Row row;
    row.config = parseCompareSpec(spec, baseConfig());
    row.error = row.config.error;
    m_rows.push_back(std::move(row));
    const int index = int(m_rows.size()) - 1;
    m_tableWidget->insertRow(index);
    showRow(index);
    updateControls();
    return index;
}

void CompareView::removeRow(int row) {
    if (isRunning() || row < 0 || row >= rowCount()) return;
    m_rows.erase(m_rows.begin() + row);
    m_tableWidget->removeRow(row);
    updateControls();
}

void CompareView::setSpecs(const QStringList& specs) {
    if (isRunning()) return;
    m_rows.clear();
    m_tableWidget->setRowCount(0);
    for (const QString& spec : specs) addSpec(spec);
    m_progress->setValue(0);
    setStatus({});
}

QStringList CompareView::specs() const {
    QStringList out;
    for (const Row& row : m_rows) out.append(row.config.spec);
    return out;
}

QString CompareView::rowError(int row) const { return m_rows.at(size_t(row)).error; }

void CompareView::reparseRows() {
    if (isRunning()) return;
    // the base length is part of every configuration; a run's failure stays until the next run
    for (size_t i = 0; i < m_rows.size(); ++i) {
        Row& row = m_rows[i];
        row.config = parseCompareSpec(row.config.spec, baseConfig());
        if (!row.config.error.isEmpty() || row.state != RowState::Failed) row.error = row.config.error;
        showRow(int(i));
    }
}

void CompareView::addFromEditor() {
    const QString spec = m_specEdit->text().trimmed();
    if (spec.isEmpty() || isRunning()) return;
    m_tableWidget->selectRow(addSpec(spec));
    m_specEdit->clear();
}

void CompareView::removeSelected() {
    QList<int> rows;
    for (const QModelIndex& index : m_tableWidget->selectionModel()->selectedRows()) rows.append(index.row());
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    for (int row : rows) removeRow(row);
}

bool CompareView::run() {
    if (isRunning()) return false;
    reparseRows();
    m_running.clear();
    std::vector<CompareConfig> configs;
    for (size_t i = 0; i < m_rows.size(); ++i) {
        Row& row = m_rows[i];
        row.result.reset();
        row.error = row.config.error;
        row.step = 0;
        row.maxSteps = row.config.generation.max_new_tokens;
        row.state = row.error.isEmpty() ? RowState::Waiting : RowState::Idle;
        if (row.error.isEmpty()) m_running.push_back(int(i));
        configs.push_back(row.config);
        showRow(int(i));
    }
    if (m_running.empty()) {
        setStatus([] { return tr("No configuration to run"); });
        return false;
    }
    RunRequest request;
    request.model = m_model;
    request.table = m_table;
    request.llama2cTokenizer = m_llama2cTokenizer;
    request.prompt = m_prompt->text();
    m_runner->start(request, configs);
    setStatus([n = int(m_running.size())] { return tr("Running %n configuration(s) …", nullptr, n); });
    updateProgress();
    updateControls();
    Q_EMIT started();
    return true;
}

void CompareView::cancel() {
    if (!isRunning()) return;
    m_runner->cancel();
    setStatus([] { return tr("Cancelling …"); });
}

bool CompareView::isRunning() const { return m_runner->isRunning(); }

void CompareView::onRowStarted(int row) {
    m_rows[size_t(row)].state = RowState::Running;
    showRow(row);
    updateProgress();
}

void CompareView::onStepDone(int row, int step, int maxSteps) {
    Row& r = m_rows[size_t(row)];
    r.step = step;
    r.maxSteps = maxSteps;
    m_tableWidget->item(row, StatusColumn)->setText(statusText(r));
    updateProgress();
}

void CompareView::onRowFinished(int row, const CompareResult& result) {
    Row& r = m_rows[size_t(row)];
    r.result = result;
    r.state = RowState::Done;
    showRow(row);
    updateProgress();
}

void CompareView::onRowFailed(int row, const QString& message) {
    Row& r = m_rows[size_t(row)];
    r.error = message;
    r.state = RowState::Failed;
    showRow(row);
    updateProgress();
}

void CompareView::onFinished(bool cancelled) {
    for (int row : m_running) {
        Row& r = m_rows[size_t(row)];
        if (r.state != RowState::Waiting && r.state != RowState::Running) continue;
        r.state = RowState::Cancelled;
        showRow(row);
    }
    setStatus([cancelled] { return cancelled ? tr("Cancelled") : tr("Done"); });
    updateProgress();
    updateControls();
    Q_EMIT finished(cancelled);
}

QString CompareView::statusText(const Row& row) const {
    switch (row.state) {
        case RowState::Idle:
            return row.error.isEmpty() ? QString() : tr("error");
        case RowState::Waiting:
            return tr("waiting");
        case RowState::Running:
            return tr("running %1/%2").arg(row.step).arg(row.maxSteps);
        case RowState::Failed:
            return tr("error");
        case RowState::Cancelled:
            return tr("cancelled");
        case RowState::Done:
            break;
    }
    const QString reason = row.result ? row.result->stopReason : QString();
    if (reason == QLatin1String("eos")) return tr("end of text");
    if (reason == QLatin1String("max_new_tokens")) return tr("max new tokens");
    if (reason == QLatin1String("kv_exhausted")) return tr("KV cache full");
    return tr("done");
}

void CompareView::showRow(int index) {
    const Row& row = m_rows[size_t(index)];
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    const QColor errorColour = dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xc6, 0x28, 0x28);
    QStringList cells(ColumnCount);
    cells[ConfigurationColumn] = row.config.label;
    cells[StatusColumn] = statusText(row);
    if (!row.error.isEmpty()) {
        cells[TextColumn] = row.error;
    } else if (row.result) {
        const CompareResult& r = *row.result;
        cells[TextColumn] = r.text;
        cells[TokensColumn] = piecesText(r.pieces);
        cells[LogProbColumn] = QString::number(r.logprob, 'f', 4);
        cells[ScoreColumn] = QString::number(r.score, 'f', 4);
        cells[LengthColumn] = QString::number(r.tokens.size());
        cells[Distinct1Column] = QString::number(distinctNgramRatio(r.tokens, 1), 'f', 2);
        cells[Distinct2Column] = QString::number(distinctNgramRatio(r.tokens, 2), 'f', 2);
        cells[Repeated4Column] = QString::number(repeatedNgramCount(r.tokens, kRepeatN));
        cells[DecodeSpeedColumn] = QString::number(r.decodeTokensPerSecond, 'f', 1);
    }
    for (int column = 0; column < ColumnCount; ++column) {
        QTableWidgetItem* item = m_tableWidget->item(index, column);
        if (!item) {
            item = new QTableWidgetItem;
            m_tableWidget->setItem(index, column, item);
        }
        item->setText(cells[column]);
        if (column >= LogProbColumn && column <= DecodeSpeedColumn)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        item->setForeground(!row.error.isEmpty() && (column == TextColumn || column == StatusColumn)
                                ? QBrush(errorColour)
                                : palette().brush(QPalette::Text));
    }
    m_tableWidget->item(index, ConfigurationColumn)->setToolTip(row.config.spec);
    m_tableWidget->item(index, TextColumn)->setToolTip(cells[TextColumn]);
    m_tableWidget->item(index, TokensColumn)
        ->setToolTip(row.result ? tokenIds(row.result->tokens) : QString());
}

void CompareView::updateControls() {
    const bool running = isRunning();
    m_runButton->setEnabled(!running && !m_rows.empty());
    m_cancelButton->setEnabled(running);
    m_addButton->setEnabled(!running);
    m_specEdit->setEnabled(!running);
    m_defaultsButton->setEnabled(!running);
    m_prompt->setEnabled(!running);
    m_maxNewTokens->setEnabled(!running);
    m_removeButton->setEnabled(!running && m_tableWidget->selectionModel()->hasSelection());
}

void CompareView::updateProgress() {
    m_progress->setRange(0, std::max<int>(1, int(m_running.size())) * kProgressPerRow);
    int value = 0;
    for (int row : m_running) {
        const Row& r = m_rows[size_t(row)];
        if (r.state == RowState::Running && r.maxSteps > 0) value += r.step * kProgressPerRow / r.maxSteps;
        if (r.state == RowState::Done || r.state == RowState::Failed || r.state == RowState::Cancelled)
            value += kProgressPerRow;
    }
    m_progress->setValue(value);
}

QString CompareView::csv() const {
    QString out = QStringLiteral(
        "configuration,spec,text,tokens,logprob,score,length,distinct_1,distinct_2,repeated_4grams,decode_"
        "tok_s,"
        "status,error\n");
    for (const Row& row : m_rows) {
        QStringList fields{csvField(row.config.label), csvField(row.config.spec)};
        if (row.result && row.error.isEmpty()) {
            const CompareResult& r = *row.result;
            fields << csvField(r.text) << tokenIds(r.tokens) << QString::number(r.logprob, 'g', 9)
                   << QString::number(r.score, 'g', 9) << QString::number(r.tokens.size())
                   << QString::number(distinctNgramRatio(r.tokens, 1), 'g', 9)
                   << QString::number(distinctNgramRatio(r.tokens, 2), 'g', 9)
                   << QString::number(repeatedNgramCount(r.tokens, kRepeatN))
                   << QString::number(r.decodeTokensPerSecond, 'g', 6) << r.stopReason;
        } else {
            fields << QString() << QString() << QString() << QString() << QString() << QString() << QString()
                   << QString() << QString();
            const bool failed = !row.error.isEmpty();
            fields << (failed                             ? QStringLiteral("error")
                       : row.state == RowState::Cancelled ? QStringLiteral("cancelled")
                                                          : QString());
        }
        fields << csvField(row.error);
        out += fields.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

void CompareView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // the error colour and the text brush follow a light/dark switch
    if (event->type() == QEvent::PaletteChange)
        for (int row = 0; row < rowCount(); ++row) showRow(row);
    else if (event->type() == QEvent::LanguageChange)
        retranslate();
}
