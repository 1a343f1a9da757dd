// Runs several decoding configurations on one prompt, one after another on a worker
// thread, each in a Session of its own over one model loaded once (kept for the next
// comparison on the same model). Configurations come from spec lines in the CLI's
// --compare syntax ("strategy=beam,num-beams=4"). Results come back as queued signals on
// the runner's thread; Cancel is an atomic flag read between decode steps.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "decoding/generation_config.h"
#include "run_request.h"

class QThread;
class RunEngine;

// One row of a comparison: the spec line, what it parsed to, or why it cannot run.
struct CompareConfig {
    QString spec;
    QString label;  // short name for the table ("beam k=4"); the spec itself when it is bad
    dlab::GenerationConfig generation;
    QString error;  // empty when the spec is valid
};

// The spec's key=value pairs (decoding options in CLI kebab-case, comma-separated; a
// --chain value lists its stages with '+') applied over `base` and validated, with the
// CLI's rule that contrastive search probes 4 candidates unless top-k is given.
CompareConfig parseCompareSpec(const QString& spec, const dlab::GenerationConfig& base);
// "greedy", "beam k=4", "contrastive α=0.6 k=4", "sample top-p 0.9 T=0.8 seed=1" ….
QString compareLabel(const dlab::GenerationConfig& config);

// What one configuration generated (its best sequence).
struct CompareResult {
    QString text;
    std::vector<int> tokens;
    QStringList pieces;    // [tokens] each token's text as it appears in `text`
    double logprob = 0.0;  // cumulative log-probability of `tokens`
    double score = 0.0;    // the strategy's score (beam: length-penalized)
    double decodeTokensPerSecond = 0.0;
    QString stopReason;
};
Q_DECLARE_METATYPE(CompareResult)

class CompareRunner : public QObject {
    Q_OBJECT

public:
    explicit CompareRunner(QObject* parent = nullptr);
    // Cancels a comparison in flight and waits for its thread.
    ~CompareRunner() override;

    bool isRunning() const { return m_thread != nullptr; }
    // Runs every valid configuration of `configs` with `request.prompt` on `request`'s model
    // ("embedded:NAME", a GGUF or llama2.c file with `llama2cTokenizer`, or a table model
    // when `table`); rows with an error are skipped. The request's generation, KV cache and
    // attention settings are not used: the rows bring their decoding options and all run
    // on the default KV cache and attention, so that they differ by strategy alone. False
    // (and nothing happens) while a comparison is in flight.
    bool start(const RunRequest& request, const std::vector<CompareConfig>& configs);
    // Ends the comparison after the decode step in flight; finished(true) follows.
    void cancel() { m_cancel = true; }

Q_SIGNALS:
    void loadingModel(const QString& model);
    void rowStarted(int row);
    void stepDone(int row, int step, int maxSteps);
    void rowFinished(int row, const CompareResult& result);
    // The row could not run: a prompt too long for the context, a model that failed to load ….
    void rowFailed(int row, const QString& message);
    // The worker thread has ended; `cancelled` when Cancel ended it early.
    void finished(bool cancelled);

private:
    void runAll(const RunRequest& request, const std::vector<CompareConfig>& configs);
    // The row's result; nullopt when Cancel ended it first.
    std::optional<CompareResult> runOne(const std::string& prompt, int row,
                                        const dlab::GenerationConfig& config);
    void post(std::function<void()> call);
    void onThreadFinished();

    QThread* m_thread = nullptr;
    std::atomic<bool> m_cancel{false};
    bool m_cancelled = false;  // worker thread only, until it ends
    // the loaded model, reused while the next comparison asks for the same one; only the
    // worker touches it while a comparison runs
    std::unique_ptr<RunEngine> m_engine;
    RunRequest m_engineRequest;
};
