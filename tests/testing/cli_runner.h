// Runs the decodelab-cli binary built alongside the tests, or another program.
#pragma once

#include <QString>
#include <QStringList>

namespace dlab::testing {

struct CliResult {
    int exit_code = -1;
    QString out;
    QString err;
};

// Runs `program` with `arguments` and collects its exit code and output.
CliResult run_program(const QString& program, const QStringList& arguments, int timeout_ms = 120000);

CliResult run_cli(const QStringList& arguments, int timeout_ms = 120000);

}  // namespace dlab::testing
