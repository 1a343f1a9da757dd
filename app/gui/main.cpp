// decodelab [TRACE.jsonl]: the desktop app. With a trace it replays it; without one it
// starts the demo on the embedded model (beam search, k = 4, "Once upon a time", unless
// other settings were remembered from the last session). High-DPI scaling is Qt 6's
// default and stays on; the remembered font scale and theme come on top.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTimer>

#include "language.h"
#include "main_window.h"
#include "presentation.h"
#include "run_panel.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("DecodeLab"));
    QApplication::setApplicationName(QStringLiteral("DecodeLab"));
    QApplication::setApplicationVersion(QStringLiteral(DECODELAB_VERSION));
    Language::applyPreferred();

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "See how language models decode text."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("trace"), QApplication::translate("main", "A trace (.jsonl) to replay."),
                                 QStringLiteral("[TRACE.jsonl]"));
    parser.process(app);

    // the font scale and theme of the last session, before any widget is made
    Presentation::restoreSaved();
    MainWindow window;
    // the table models beside the binary when installed, else in the source tree
    const QString installed = QApplication::applicationDirPath() + QStringLiteral("/../share/decodelab/tables");
    window.runPanel()->addTableModels(QDir(installed).exists() ? installed : QStringLiteral(DECODELAB_TABLES_DIR));
    window.show();

    const QStringList arguments = parser.positionalArguments();
    if (!arguments.isEmpty())
        window.openTrace(arguments.first());
    else
        // once the window is on screen, so that the first steps are seen arriving
        QTimer::singleShot(0, &window, &MainWindow::startRun);
    return app.exec();
}
