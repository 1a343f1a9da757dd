// Several decoding configurations on one prompt, side by side: one table row per
// configuration with its text, tokens, cumulative log-probability and score, length,
// distinct-1/2 and repeated 4-grams (how much greedy and beam search repeat themselves —
// 退化 — against contrastive search and sampling), and decode speed. Rows are spec lines
// in the CLI's --compare syntax ("strategy=beam,num-beams=4"); the default four are the
// CLI demo's. Not a step view: it runs its own comparison on a worker thread instead of
// showing a trace's steps, so the window hosts it as a tab of its own.
#pragma once

#include <QStringList>
#include <QWidget>
#include <functional>
#include <optional>
#include <vector>

#include "compare_runner.h"

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
QT_END_NAMESPACE

class CompareView : public QWidget {
    Q_OBJECT

public:
    enum Column {
        ConfigurationColumn,
        TextColumn,
        TokensColumn,
        LogProbColumn,
        ScoreColumn,
        LengthColumn,
        Distinct1Column,
        Distinct2Column,
        Repeated4Column,
        DecodeSpeedColumn,
        StatusColumn,
        ColumnCount
    };

    explicit CompareView(QWidget* parent = nullptr);

    // The tab's name (translated).
    QString title() const;
    // The table as CSV, header row first: configuration, spec, text, token ids, log-prob,
    // score, length, distinct-1/2, repeated 4-grams, decode tok/s, status, error.
    QString csv() const;

    // What every configuration runs on: "embedded:NAME", a GGUF or llama2.c file (with
    // `llama2cTokenizer`, empty: tokenizer.bin beside it), or a table model (.json) when
    // `table`; loaded once, on the next run.
    void setModel(const QString& model, bool table = false, const QString& llama2cTokenizer = {});
    QString model() const { return m_model; }
    // The run panel's model, prompt and length (its strategy settings are the rows' business).
    void useRunSettings(const RunRequest& request);
    void setPrompt(const QString& prompt);
    QString prompt() const;
    // The default length of every row; a spec's max-new-tokens overrides it.
    void setMaxNewTokens(int maxNewTokens);
    int maxNewTokens() const;

    // The CLI demo's four: greedy; beam, 4 beams; contrastive, α 0.6, top-k 4; top-p 0.9, seed 1.
    static QStringList defaultSpecs();
    // Adds a row for `spec` and returns its index; a spec that does not parse is added too,
    // with its error in the row, and never runs.
    int addSpec(const QString& spec);
    void removeRow(int row);
    // Replaces every row (the results too).
    void setSpecs(const QStringList& specs);
    QStringList specs() const;
    int rowCount() const { return int(m_rows.size()); }
    // The row's error (a bad spec, a failed run); empty when it has none.
    QString rowError(int row) const;

    // Runs every valid row; false while a comparison runs or when there is nothing to run.
    bool run();
    // Ends the comparison after the decode step in flight; the rows not done say so.
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    void started();
    void finished(bool cancelled);

protected:
    void changeEvent(QEvent* event) override;

private:
    enum class RowState { Idle, Waiting, Running, Done, Failed, Cancelled };
    struct Row {
        CompareConfig config;
        RowState state = RowState::Idle;
        std::optional<CompareResult> result;
        QString error;  // a bad spec or a failed run
        int step = 0;
        int maxSteps = 0;
    };

    void retranslate();
    // Shows `text()` in the status line, again in the new language after a switch.
    void setStatus(std::function<QString()> text);
    dlab::GenerationConfig baseConfig() const;
    void reparseRows();
    void addFromEditor();
    void removeSelected();
    void showRow(int row);
    QString statusText(const Row& row) const;
    void updateControls();
    void updateProgress();
    void onRowStarted(int row);
    void onStepDone(int row, int step, int maxSteps);
    void onRowFinished(int row, const CompareResult& result);
    void onRowFailed(int row, const QString& message);
    void onFinished(bool cancelled);

    CompareRunner* m_runner;
    QString m_model = QStringLiteral("embedded:stories-target");
    bool m_table = false;
    QString m_llama2cTokenizer;
    std::vector<Row> m_rows;
    std::vector<int> m_running;  // the rows the comparison in flight runs

    QLabel* m_promptLabel;
    QLineEdit* m_prompt;
    QLabel* m_maxNewTokensLabel;
    QSpinBox* m_maxNewTokens;
    QLabel* m_modelLabel;
    QLabel* m_specLabel;
    QLineEdit* m_specEdit;
    QPushButton* m_addButton;
    QPushButton* m_removeButton;
    QPushButton* m_defaultsButton;
    QTableWidget* m_tableWidget;
    QProgressBar* m_progress;
    QPushButton* m_runButton;
    QPushButton* m_cancelButton;
    QLabel* m_status;
    std::function<QString()> m_statusText;
};
