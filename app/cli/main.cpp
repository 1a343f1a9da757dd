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
    "  inspect [MODEL] [--json] [--tokenizer FILE]\n"
    "      architecture, dimensions, tensor types and sizes, tokenizer and special tokens\n"
    "  generate [--model MODEL | --table FILE] --prompt TEXT [--max-new-tokens N]\n"
    "           [--strategy greedy|beam|contrastive|sample] [--seed N] [--threads N]\n"
    "           [--backend auto|cpu|cuda] [--kv contiguous|sliding|paged]\n"
    "           [--attention naive|flash]\n"
    "           [--draft-model MODEL | --draft ngram | --draft-table FILE]\n"
    "           [--trace FILE [--no-trace-timing] [--trace-top-n N]] [--json]\n"
    "           [--compare KEY=VALUE,...,FLAG (repeatable)]\n"
    "      decodes the prompt and prints the continuation (--json: one JSON object with\n"
    "      every returned sequence, the stop reason, the KV cache's peak, the attention's\n"
    "      tiles and traced HBM bytes and with a drafter the speculative tallies; --trace:\n"
    "      every step as JSON Lines); a run the KV cache cannot hold to the end stops\n"
    "      early, says why on stderr and prints what it has\n"
    "      beam search:   --num-beams N --length-penalty X --early-stopping true|false|never\n"
    "                     --num-return-sequences N\n"
    "      contrastive:   --penalty-alpha X --top-k N (default 4)\n"
    "      sampling:      --temperature X --top-k N (default 50, 0 = off) --top-p X --min-p X\n"
    "                     --typical-p X --repetition-penalty X --no-repeat-ngram-size N\n"
    "                     --num-return-sequences N --chain-order hf|llama.cpp\n"
    "                     --chain STAGE,STAGE,... (repetition_penalty, no_repeat_ngram,\n"
    "                     temperature, top_k, typical_p, top_p, min_p)\n"
    "      KV cache:      --kv contiguous (default; max-seq-len slots per sequence up front)\n"
    "                     --kv paged --block-size N (default 16, 1..128) --num-blocks N\n"
    "                     (default 0: 8 sequences of max-seq-len) --prefix-caching\n"
    "                     --kv sliding --window N --sink-tokens N\n"
    "                     --max-seq-len N (default 0: the model's context)\n"
    "      attention:     --attention naive|flash (default naive; flash: FlashAttention's\n"
    "                     tiles in the prefill, not with --kv sliding) --sram-bytes N\n"
    "                     (M; bytes, or k / m for KiB / MiB; default 0: the preset's\n"
    "                     shared memory per block) --device-preset a100|h100|h200\n"
    "                     --tile-rows N --tile-cols N (explicit Br, Bc) --tile-layer N\n"
    "                     --tile-head N (the head whose tiles are traced) --highlight-row N\n"
    "                     --max-tile-events N (per prefill pass, default 4096)\n"
    "      backend:       --backend auto (default: CUDA when this build has it, a device is\n"
    "                     present and the options run on the GPU; otherwise the CPU, with a\n"
    "                     note on stderr saying why) | cpu | cuda (exit 2 when it cannot be had;\n"
    "                     not with --table, --kv sliding or --attention flash)\n"
    "      speculative:   a drafter proposes tokens, the target verifies them in one pass\n"
    "                     (greedy or sample; greedy gives plain greedy's tokens): --draft-model\n"
    "                     MODEL (the target's tokenizer, e.g. embedded:stories-draft; on the\n"
    "                     target's backend with a contiguous KV cache of its own) | --draft ngram\n"
    "                     (prompt lookup) | --draft-table FILE (with --table, the same symbols)\n"
    "                     --num-draft-tokens N (γ per round, default 4, 1..64)\n"
    "                     --draft-schedule constant|heuristic (+2 after a round whose drafts\n"
    "                     were all accepted, -1 otherwise) --max-matching-ngram-size N\n"
    "                     (--draft ngram, default 2); the tallies follow on stderr\n"
    "      --compare specs may set KV, attention and backend options too (not with a drafter):\n"
    "                     kv=paged,block-size=4,prefix-caching  attention=flash,sram-bytes=16k\n"
    "                     backend=cpu\n"
    "  io-model [--head-dims 64,128] [--sram 100k,227k,20m] [--n-min 256] [--n-max 16384]\n"
    "           [--element-bytes 2] [--causal] [--device-preset a100|h100|h200] [--csv]\n"
    "      HBM bytes of standard attention and FlashAttention for N = n-min … n-max\n"
    "      (doubling), each head dimension d and SRAM budget M: counted, against the closed\n"
    "      forms (Nd + N^2)e and N^2 d^2 e / M, with the preset's roofline time (a model, not\n"
    "      a timing); --csv: one header row, one row per point\n"
    "  lesson SCENARIO [--run N] [--trace-dir DIR] [--json] [--language zh_CN|en] [--check]\n"
    "      runs a tutorial's scenario (tutorials/NN-name/scenario.json): each run exactly as\n"
    "      generate with the run's options; --trace-dir writes DIR/run-N.jsonl; --check only\n"
    "      validates the file\n"
    "  render --trace FILE --view VIEW --out FILE.png|svg|pdf|csv [--step N] [--size WxH]\n"
    "         [--lang en|zh_CN] [--theme light|dark]\n"
    "      draws one of the desktop app's views at step N of a trace (default: the last step)\n"
    "      headless, WxH logical pixels (PDF: points; default 1600x900), or writes the numbers\n"
    "      behind it (.csv); VIEW is beam-tree, candidates, kv-blocks, flash-tiles, memory,\n"
    "      narration, speculative or events (needs a build with the desktop app, DECODELAB_UI=ON)\n"
    "  render --view tutorials|classroom --lesson NN [--run N] --out FILE.png|svg|pdf [--size WxH]\n"
    "         [--lang en|zh_CN] [--theme light|dark]\n"
    "      the whole window with the Tutorials panel at lesson NN (01, 02 …), run N (default 1)\n"
    "      loaded and run to its first pause, in classroom mode for --view classroom\n"
    "\n"
    "MODEL is a GGUF file (architecture llama), a llama2.c checkpoint (.bin, with\n"
    "tokenizer.bin beside it or given by --tokenizer), or a model built into DecodeLab:\n"
    "embedded:stories-target (the default) or embedded:stories-draft.\n";

}  // namespace

int main(int argc, char** argv) {
    const std::string command = argc > 1 ? argv[1] : "";
    try {
        if (command == "inspect") return dlab::cli::run_inspect(argc, argv);
        if (command == "generate") return dlab::cli::run_generate(argc, argv);
        if (command == "io-model") return dlab::cli::run_io_model(argc, argv);
        if (command == "lesson") return dlab::cli::run_lesson(argc, argv);
#ifdef DECODELAB_HAVE_UI
        if (command == "render") return dlab::cli::run_render(argc, argv);
#else
        if (command == "render")
            throw dlab::UnsupportedError("render needs a build with the desktop app (DECODELAB_UI=ON)");
#endif
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
