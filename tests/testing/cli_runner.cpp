#include "testing/cli_runner.h"

#include <QProcess>

namespace dlab::testing {

CliResult run_program(const QString& program, const QStringList& arguments, int timeout_ms) {
    QProcess process;
    process.start(program, arguments);
    CliResult result;
    if (!process.waitForFinished(timeout_ms)) {
        process.kill();
        process.waitForFinished();
        result.err = program + QStringLiteral(" did not finish within the timeout");
        return result;
    }
    result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

CliResult run_cli(const QStringList& arguments, int timeout_ms) {
    return run_program(QStringLiteral(DECODELAB_CLI_PATH), arguments, timeout_ms);
}

}  // namespace dlab::testing
