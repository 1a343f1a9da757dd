// decodelab-cli render: one of the desktop app's views at one step of a trace, drawn
// headless for slides and scripts — the same view classes and the same exporter as the
// app's File ▸ Export, on Qt's offscreen platform, so a picture made here looks like the
// window. Compiled only with the desktop app (DECODELAB_UI=ON); main() answers without it.
#include <QApplication>
#include <QByteArray>
#include <QEventLoop>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSize>
#include <QString>
#include <QWidget>
#include <charconv>
#include <limits>
#include <memory>
#include <string>

#include "commands.h"
#include "common/error.h"
#include "language.h"
#include "options/args.h"
#include "presentation.h"
#include "trace/jsonl.h"
#include "trace/trace_timeline.h"
#include "view_exporter.h"
#include "view_registry.h"
#include "views/compare_view.h"

namespace dlab::cli {

namespace {

constexpr int kMaxSide = 16384;  // 16384² ARGB pixels are already 1 GiB
const QSize kDefaultSize(1600, 900);

// The Compare view runs its own configurations instead of showing a trace's step.
constexpr const char* kCompareView = "compare";

std::string view_names() {
    return kCompareView + (", " + stepViewNames().join(QStringLiteral(", ")).toStdString());
}

// The step view's name (the registry's), or empty for the Compare view.
QString view_name_of(const std::string& name) {
    if (name == kCompareView) return {};
    const QString view = QString::fromStdString(name);
    if (!stepViewNames().contains(view))
        throw InvalidArgument("--view: unknown view '" + name + "' (one of " + view_names() + ")");
    return view;
}

// "WxH" in logical pixels (PDF: points).
QSize size_of(const Args& args) {
    if (!args.has("size")) return kDefaultSize;
    const std::string text = args.value("size");
    const size_t x = text.find('x');
    int width = 0, height = 0;
    const auto parse = [](const std::string& part, int& value) {
        auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        return !part.empty() && ec == std::errc() && end == part.data() + part.size();
    };
    if (x == std::string::npos || !parse(text.substr(0, x), width) || !parse(text.substr(x + 1), height))
        throw InvalidArgument("--size: '" + text + "' is not WIDTHxHEIGHT (e.g. 1600x900)");
    if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide)
        throw InvalidArgument("--size: " + text + " is outside 1x1 to " + std::to_string(kMaxSide) + "x" +
                              std::to_string(kMaxSide));
    return {width, height};
}

// The registry's view of that name, taken out of the registry's parent; the others go with it.
// The Compare view after running its default configurations on `model` to the end.
std::unique_ptr<QWidget> run_comparison(const Args& args) {
    auto view = std::make_unique<CompareView>();
    view->setModel(QString::fromStdString(args.value("model", "embedded:stories-target")));
    view->setPrompt(QString::fromStdString(args.value("prompt", "Once upon a time")));
    view->setMaxNewTokens(args.integer("max-new-tokens", 32, 1, 4096));
    QEventLoop loop;
    QObject::connect(view.get(), &CompareView::finished, &loop, &QEventLoop::quit);
    if (!view->run()) throw Error("render: the comparison has nothing to run");
    loop.exec();
    for (int row = 0; row < view->rowCount(); ++row)
        if (!view->rowError(row).isEmpty()) throw Error("render: " + view->rowError(row).toStdString());
    return view;
}

std::unique_ptr<StepView> create_view(const QString& name) {
    QWidget holder;
    StepView* view = findStepView(createStepViews(&holder), name);
    view->setParent(nullptr);
    return std::unique_ptr<StepView>(view);
}

}  // namespace

int run_render(int argc, char** argv) {
    Args args(argc, argv, 2, {},
              {"trace", "view", "step", "out", "size", "lang", "theme", "model", "prompt", "max-new-tokens"});
    if (!args.positional().empty()) throw InvalidArgument("render: unexpected argument '" + args.positional()[0] + "'");
    const QString view_name = view_name_of(args.required("view"));
    const bool compare = view_name.isEmpty();
    if (compare && args.has("trace")) throw InvalidArgument("--trace: the compare view runs its own generations");
    if (!compare && (args.has("model") || args.has("prompt") || args.has("max-new-tokens")))
        throw InvalidArgument("--model, --prompt and --max-new-tokens apply to --view compare only");
    const std::string trace_path = compare ? std::string() : args.required("trace");
    const QString out = QString::fromStdString(args.required("out"));
    const QString suffix = QFileInfo(out).suffix().toLower();
    const bool csv = suffix == QLatin1String("csv");
    if (!csv && !ViewExporter::imageFormats().contains(suffix))
        throw InvalidArgument("--out: " + out.toStdString() + " is not .png, .svg, .pdf or .csv");
    const QSize size = size_of(args);
    const QString lang = QString::fromStdString(args.value("lang", "en"));
    if (!Language::available().contains(lang))
        throw InvalidArgument("--lang: unknown language '" + lang.toStdString() + "' (one of " +
                              Language::available().join(QStringLiteral(", ")).toStdString() + ")");
    const std::string theme = args.value("theme", "light");
    if (theme != "light" && theme != "dark")
        throw InvalidArgument("--theme: '" + theme + "' is neither light nor dark");

    // read and check everything before Qt starts: a bad trace is the reader's one line
    const TraceTimeline timeline = compare ? TraceTimeline() : TraceTimeline(read_jsonl_trace(trace_path));
    const int last = timeline.last_step();
    const int step = args.integer("step", last, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (!compare && (step < 0 || step > last))
        throw InvalidArgument("--step: " + std::to_string(step) + " is outside the trace's steps 0 to " +
                              std::to_string(last) + " (" + trace_path + ")");

    // no display needed, unless the caller chose a platform on purpose
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", QByteArrayLiteral("offscreen"));
    // Qt's uncategorized warnings here are about the environment and the offscreen window
    // (XDG_RUNTIME_DIR unset, size hints): noise on a script's stderr. Categorized ones, such
    // as a missing font, still show, and QT_LOGGING_RULES overrides this.
    QLoggingCategory::setFilterRules(QStringLiteral("default.warning=false"));
    // Qt sees only the program name: the command's options are not Qt's
    int qt_argc = 1;
    char* qt_argv[] = {argv[0], nullptr};
    QApplication app(qt_argc, qt_argv);
    // the theme is remembered in QSettings: in the CLI's own file, never the desktop app's
    QApplication::setOrganizationName(QStringLiteral("DecodeLab"));
    QApplication::setApplicationName(QStringLiteral("decodelab-cli"));
    Presentation::setTheme(theme == "dark" ? Presentation::Theme::Dark : Presentation::Theme::Light);
    // before the view exists, so that it is built with the language's texts; English is the
    // source text and reads without its translation (which only words plurals)
    if (!Language::apply(lang) && lang != Language::kEnglish)
        throw Error("--lang: the " + lang.toStdString() + " translation is not in this build");

    std::unique_ptr<QWidget> view;
    if (compare) {
        view = run_comparison(args);
    } else {
        std::unique_ptr<StepView> step_view = create_view(view_name);
        step_view->setTimeline(&timeline);
        step_view->showStep(step, false);
        view = std::move(step_view);
    }
    view->resize(size);
    // shown (offscreen) and settled like a window: laid out, fitted, its scroll bars hidden
    // where nothing scrolls
    view->show();
    QCoreApplication::processEvents();

    QString error;
    bool ok = false;
    if (!csv)
        ok = ViewExporter::exportWidget(view.get(), out, size, &error);
    else if (compare)
        ok = ViewExporter::writeCsv(out, static_cast<CompareView*>(view.get())->csv(), &error);
    else
        ok = ViewExporter::exportCsv(static_cast<StepView*>(view.get()), out, &error);
    if (!ok) throw Error(error.toStdString());
    return 0;
}

}  // namespace dlab::cli
