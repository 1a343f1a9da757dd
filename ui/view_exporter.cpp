#include "view_exporter.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QWidget>

#include "step_view.h"

namespace {

// Renders the widget laid out at `size` through `paint`, then gives it its size back: a
// view re-lays out its chart or scene for the picture instead of being stretched.
template <typename Paint>
void renderAt(QWidget* widget, QSize size, Paint paint) {
    const QSize original = widget->size();
    widget->resize(size);
    paint();
    widget->resize(original);
}

bool writePng(QWidget* widget, const QString& path, QSize size) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(widget->palette().color(QPalette::Window));
    renderAt(widget, size, [&] { widget->render(&image); });
    return image.save(path, "PNG");
}

bool writeSvg(QWidget* widget, const QString& path, QSize size) {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(widget->windowTitle());
    svg.setDescription(QStringLiteral("DecodeLab"));
    QPainter painter;
    if (!painter.begin(&svg)) return false;
    renderAt(widget, size, [&] { widget->render(&painter); });
    return painter.end();
}

bool writePdf(QWidget* widget, const QString& path, QSize size) {
    QPdfWriter pdf(path);
    pdf.setCreator(QStringLiteral("DecodeLab"));
    // one page exactly the picture's size, one point per logical pixel
    pdf.setPageSize(QPageSize(size, QPageSize::Point, QString(), QPageSize::ExactMatch));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
    pdf.setResolution(72);
    QPainter painter;
    if (!painter.begin(&pdf)) return false;
    renderAt(widget, size, [&] { widget->render(&painter); });
    return painter.end();
}

}  // namespace

const QStringList& ViewExporter::imageFormats() {
    static const QStringList formats{QStringLiteral("png"), QStringLiteral("svg"), QStringLiteral("pdf")};
    return formats;
}

bool ViewExporter::exportWidget(QWidget* widget, const QString& path, QSize size, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (!imageFormats().contains(suffix)) {
        if (error) *error = tr("%1: unknown picture format (use .png, .svg or .pdf)").arg(path);
        return false;
    }
    if (size.isEmpty()) {
        if (error) *error = tr("%1: the picture needs a width and height above zero").arg(path);
        return false;
    }
    bool ok = false;
    if (suffix == QLatin1String("png"))
        ok = writePng(widget, path, size);
    else if (suffix == QLatin1String("svg"))
        ok = writeSvg(widget, path, size);
    else
        ok = writePdf(widget, path, size);
    // QSvgGenerator and QPdfWriter only say the painter failed; the file is what failed
    if (!ok && error) *error = tr("%1: cannot write the file").arg(path);
    return ok;
}

bool ViewExporter::exportCsv(const StepView* view, const QString& path, QString* error) {
    const QString csv = view->csv();
    if (csv.isEmpty()) {
        if (error) *error = tr("The view \"%1\" has no chart data to export.").arg(view->title());
        return false;
    }
    return writeCsv(path, csv, error);
}

bool ViewExporter::writeCsv(const QString& path, const QString& csv, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(csv.toUtf8()) < 0 || !file.flush()) {
        if (error) *error = tr("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}
