#include "testing/cli_runner.h"

#include <QProcess>

namespace dlab::testing {

CliResult run_cli(const QStringList& arguments, int timeout_ms) {
    QProcess process;
    process.start(QStringLiteral(DECODELAB_CLI_PATH), arguments);
    CliResult result;
    if (!process.waitForFinished(timeout_ms)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("decodelab-cli did not finish within the timeout");
        return result;
    }
    result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

}  // namespace dlab::testing
