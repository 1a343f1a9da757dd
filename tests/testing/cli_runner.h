// Runs the decodelab-cli binary built alongside the tests.
#pragma once

#include <QString>
#include <QStringList>

namespace dlab::testing {

struct CliResult {
    int exit_code = -1;
    QString out;
    QString err;
};

CliResult run_cli(const QStringList& arguments, int timeout_ms = 120000);

}  // namespace dlab::testing
