// MainWindow's File ▸ Export actions: the current view as a picture (PNG, SVG, PDF) or as
// the data behind it (CSV), and the trace for Perfetto (Chrome trace JSON).
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>

#include "main_window.h"
#include "trace/chrome_trace.h"
#include "trace_document.h"
#include "view_exporter.h"
#include "views/compare_view.h"

namespace {

// Asks for a picture's size, starting from the view's own; an empty size when cancelled.
QSize askPictureSize(QWidget* parent, QSize initial) {
    QDialog dialog(parent);
    dialog.setWindowTitle(MainWindow::tr("Picture size"));
    auto* width = new QSpinBox(&dialog);
    auto* height = new QSpinBox(&dialog);
    for (QSpinBox* spin : {width, height}) {
        spin->setRange(16, 16384);
        spin->setSuffix(MainWindow::tr(" px"));
    }
    width->setValue(initial.width());
    height->setValue(initial.height());
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* form = new QFormLayout(&dialog);
    form->addRow(MainWindow::tr("Width"), width);
    form->addRow(MainWindow::tr("Height"), height);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted) return {};
    return {width->value(), height->value()};
}

}  // namespace

bool MainWindow::exportChromeTrace(const QString& path) {
    if (m_document->isEmpty()) {
        reportError(tr("There is no trace to export yet: run a model or open a trace."));
        return false;
    }
    try {
        dlab::write_chrome_trace(m_document->timeline().events(), path.toStdString());
    } catch (const std::exception& e) {
        reportError(tr("Cannot export the trace:\n%1").arg(QString::fromStdString(e.what())));
        return false;
    }
    return true;
}

bool MainWindow::exportCurrentView(const QString& path, QSize size) {
    QWidget* widget = m_tabs->currentWidget();
    QString error;
    if (!widget || !ViewExporter::exportWidget(widget, path, size, &error)) {
        reportError(widget ? error : tr("There is no view to export."));
        return false;
    }
    statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

bool MainWindow::exportCurrentViewCsv(const QString& path) {
    QString error;
    bool ok = false;
    if (isCompareTabCurrent()) {
        const QString csv = m_compare->csv();
        if (csv.isEmpty())
            error = tr("The comparison has no rows to export.");
        else
            ok = ViewExporter::writeCsv(path, csv, &error);
    } else if (StepView* view = currentView()) {
        ok = ViewExporter::exportCsv(view, path, &error);
    } else {
        error = tr("There is no view to export.");
    }
    if (!ok) {
        reportError(error);
        return false;
    }
    statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

void MainWindow::exportChromeTraceDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export trace for Perfetto"), QString(),
                                                      tr("Chrome trace JSON (*.json)"));
    if (path.isEmpty()) return;
    exportChromeTrace(QFileInfo(path).suffix().isEmpty() ? path + QStringLiteral(".json") : path);
}

void MainWindow::exportViewDialog() {
    QWidget* widget = m_tabs->currentWidget();
    if (!widget) return;
    const QSize size = askPictureSize(this, widget->size());
    if (size.isEmpty()) return;
    QString filter;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Export view"), QString(),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"), &filter);
    if (path.isEmpty()) return;
    // no suffix typed: the one of the chosen filter
    if (QFileInfo(path).suffix().isEmpty())
        path += filter.contains(QLatin1String("*.svg")) ? QStringLiteral(".svg")
                : filter.contains(QLatin1String("*.pdf")) ? QStringLiteral(".pdf")
                                                          : QStringLiteral(".png");
    exportCurrentView(path, size);
}

void MainWindow::exportCsvDialog() {
    QString path = QFileDialog::getSaveFileName(this, tr("Export chart data"), QString(), tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".csv");
    exportCurrentViewCsv(path);
}
