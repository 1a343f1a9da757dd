// decodelab-cli's commands; each returns the process exit code and throws dlab::Error
// for bad input (main turns that into one line and exit code 2).
#pragma once

namespace dlab::cli {

int run_inspect(int argc, char** argv);
int run_generate(int argc, char** argv);
int run_io_model(int argc, char** argv);
// Runs a tutorial scenario's runs as generate would (tutorials/NN-name/scenario.json).
int run_lesson(int argc, char** argv);
// Only in a build with the desktop app (DECODELAB_HAVE_UI): it draws the app's views.
int run_render(int argc, char** argv);

}  // namespace dlab::cli
