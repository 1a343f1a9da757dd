// Pictures of a view for slides and handouts, and the numbers behind its chart: renders
// any widget at a requested size to PNG, SVG or PDF (the format from the file's suffix),
// and writes a step view's CSV.
#pragma once

#include <QCoreApplication>
#include <QSize>
#include <QString>

class QWidget;
class StepView;

class ViewExporter {
    Q_DECLARE_TR_FUNCTIONS(ViewExporter)

public:
    // The suffixes export() understands, lower case without the dot.
    static const QStringList& imageFormats();

    // Lays `widget` out at `size` (logical pixels; PDF: points), renders it into `path` and
    // restores its size. False with the reason in `error` when the suffix is unknown or the
    // file cannot be written.
    static bool exportWidget(QWidget* widget, const QString& path, QSize size, QString* error = nullptr);
    // Writes view->csv() as UTF-8; false when the view has no chart data or the file fails.
    static bool exportCsv(const StepView* view, const QString& path, QString* error = nullptr);
    // Writes `csv` as UTF-8; false with the reason when the file fails.
    static bool writeCsv(const QString& path, const QString& csv, QString* error = nullptr);
};
