// decodelab-cli: the headless front end. Errors become one line on stderr and exit code 2.
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "commands.h"
#include "common/error.h"

namespace {

constexpr const char* kUsage =
    "usage: decodelab-cli COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  inspect MODEL [--json] [--tokenizer FILE]\n"
    "      architecture, dimensions, tensor types and sizes, tokenizer and special tokens\n"
    "  generate --model MODEL --prompt TEXT [--max-new-tokens N] [--threads N]\n"
    "           [--tokenizer FILE] [--json]\n"
    "      greedy decoding; prints the continuation (with --json: one JSON object)\n"
    "\n"
    "MODEL is a GGUF file (architecture llama) or a llama2.c checkpoint (.bin, with\n"
    "tokenizer.bin beside it or given by --tokenizer).\n";

}  // namespace

int main(int argc, char** argv) {
    const std::string command = argc > 1 ? argv[1] : "";
    try {
        if (command == "inspect") return dlab::cli::run_inspect(argc, argv);
        if (command == "generate") return dlab::cli::run_generate(argc, argv);
        if (command == "help" || command == "--help" || command == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (command.empty()) {
            std::fprintf(stderr, "%s", kUsage);
        } else {
            std::fprintf(stderr, "decodelab-cli: unknown command '%s' (see decodelab-cli help)\n", command.c_str());
        }
        return 2;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "decodelab-cli: out of memory\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "decodelab-cli: %s\n", e.what());
        return 2;
    }
}
