// decodelab-cli's commands; each returns the process exit code and throws dlab::Error
// for bad input (main turns that into one line and exit code 2).
#pragma once

namespace dlab::cli {

int run_inspect(int argc, char** argv);
int run_generate(int argc, char** argv);
int run_io_model(int argc, char** argv);

}  // namespace dlab::cli
