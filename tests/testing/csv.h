// Reading back the CSV the app and the CLI write, so tests check cells, not text.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace dlab::testing {

// RFC 4180 records: fields separated by commas; quoted ones may hold commas, doubled
// quotes and line breaks.
QList<QStringList> parse_csv(const QString& text);

}  // namespace dlab::testing
