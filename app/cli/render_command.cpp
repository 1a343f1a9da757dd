// decodelab-cli render: one of the desktop app's views at one step of a trace, drawn
// headless for slides and scripts — the same view classes and the same exporter as the
// app's File ▸ Export, on Qt's offscreen platform, so a picture made here looks like the
// window; or the whole window at a lesson's first pause (the Tutorials panel, classroom
// mode). Compiled only with the desktop app (DECODELAB_UI=ON); main() answers without it.
#include <QApplication>
#include <QByteArray>
#include <QEventLoop>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSettings>
#include <QSize>
#include <QString>
#include <QTemporaryDir>
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
#include "render_window.h"
#include "trace/jsonl.h"
#include "trace/trace_timeline.h"
#include "view_exporter.h"
#include "view_registry.h"
#include "views/compare_view.h"

namespace dlab::cli {

namespace {

constexpr int kMaxSide = 16384;  // 16384² ARGB pixels are already 1 GiB
const QSize kDefaultSize(1600, 900);

// The Compare view runs its own configurations instead of showing a trace's step; the
// window views run a lesson in the whole window.
constexpr const char* kCompareView = "compare";
constexpr const char* kTutorialsView = "tutorials";
constexpr const char* kClassroomView = "classroom";

std::string view_names() {
    return std::string(kCompareView) + ", " + stepViewNames().join(QStringLiteral(", ")).toStdString() + ", " +
           kTutorialsView + ", " + kClassroomView;
}

std::string checked_view_name(const std::string& name) {
    if (name != kCompareView && name != kTutorialsView && name != kClassroomView &&
        !stepViewNames().contains(QString::fromStdString(name)))
        throw InvalidArgument("--view: unknown view '" + name + "' (one of " + view_names() + ")");
    return name;
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
              {"trace", "view", "step", "out", "size", "lang", "theme", "model", "prompt", "max-new-tokens", "lesson",
               "run"});
    if (!args.positional().empty()) throw InvalidArgument("render: unexpected argument '" + args.positional()[0] + "'");
    const std::string view_name = checked_view_name(args.required("view"));
    const bool compare = view_name == kCompareView;
    const bool window = view_name == kTutorialsView || view_name == kClassroomView;
    if ((compare || window) && args.has("trace"))
        throw InvalidArgument("--trace: the " + view_name + " view runs its own generations");
    if (!compare && (args.has("model") || args.has("prompt") || args.has("max-new-tokens")))
        throw InvalidArgument("--model, --prompt and --max-new-tokens apply to --view compare only");
    if (!window && (args.has("lesson") || args.has("run")))
        throw InvalidArgument("--lesson and --run apply to --view tutorials and classroom only");
    const std::string trace_path = compare || window ? std::string() : args.required("trace");
    const std::string lesson = window ? args.required("lesson") : std::string();
    const int run = window ? args.integer("run", 1, 1, 10000) : 0;
    const QString out = QString::fromStdString(args.required("out"));
    const QString suffix = QFileInfo(out).suffix().toLower();
    const bool csv = suffix == QLatin1String("csv");
    if (!csv && !ViewExporter::imageFormats().contains(suffix))
        throw InvalidArgument("--out: " + out.toStdString() + " is not .png, .svg, .pdf or .csv");
    if (csv && window) throw InvalidArgument("--out: the " + view_name + " view is a picture, not .csv");
    const QSize size = size_of(args);
    const QString lang = QString::fromStdString(args.value("lang", "en"));
    if (!Language::available().contains(lang))
        throw InvalidArgument("--lang: unknown language '" + lang.toStdString() + "' (one of " +
                              Language::available().join(QStringLiteral(", ")).toStdString() + ")");
    const std::string theme = args.value("theme", "light");
    if (theme != "light" && theme != "dark")
        throw InvalidArgument("--theme: '" + theme + "' is neither light nor dark");

    // read and check everything before Qt starts: a bad trace is the reader's one line
    const TraceTimeline timeline = trace_path.empty() ? TraceTimeline() : TraceTimeline(read_jsonl_trace(trace_path));
    const int last = timeline.last_step();
    const int step = args.integer("step", last, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (!trace_path.empty() && (step < 0 || step > last))
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
    // the window remembers its layout, run settings and classroom mode: a picture starts from
    // none of them and leaves none behind
    QTemporaryDir settings_dir;
    if (window) {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir.path());
    }
    Presentation::setTheme(theme == "dark" ? Presentation::Theme::Dark : Presentation::Theme::Light);
    // before the view exists, so that it is built with the language's texts; English is the
    // source text and reads without its translation (which only words plurals)
    if (!Language::apply(lang) && lang != Language::kEnglish)
        throw Error("--lang: the " + lang.toStdString() + " translation is not in this build");

    std::unique_ptr<QWidget> view;
    if (compare) {
        view = run_comparison(args);
    } else if (window) {
        view = lesson_window(lesson, run, view_name == kClassroomView, size);
    } else {
        std::unique_ptr<StepView> step_view = create_view(QString::fromStdString(view_name));
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
