#!/usr/bin/env python3
"""Train DecodeLab's SentencePiece BPE tokenizer on the story corpus.

The options are chosen so that the C++ tokenizer (llama.cpp's SPM algorithm over the
GGUF vocabulary) reproduces sentencepiece's encodings exactly:
  * identity normalization and no whitespace folding: llama.cpp does neither, so
    double spaces, leading/trailing spaces and newlines must reach the model unchanged;
  * byte fallback: characters outside the vocabulary (newline, non-ASCII) become <0xXX>;
  * ids unk=0, bos=1, eos=2 and no pad, the Llama layout.
SentencePiece reads its input one sentence per line, so the corpus's paragraphs are the
training sentences and "\\n" never becomes part of a learned piece.

Usage: train_tokenizer.py --corpus corpus.txt --out-prefix DIR/tokenizer [--vocab-size 2048]
Writes DIR/tokenizer.model and DIR/tokenizer.vocab.
"""
import argparse
import sys

import sentencepiece as spm


def train(corpus: str, out_prefix: str, vocab_size: int) -> None:
    spm.SentencePieceTrainer.train(
        input=corpus,
        model_prefix=out_prefix,
        model_type="bpe",
        vocab_size=vocab_size,
        character_coverage=1.0,
        byte_fallback=True,
        split_digits=True,
        add_dummy_prefix=True,
        remove_extra_whitespaces=False,
        allow_whitespace_only_pieces=True,
        normalization_rule_name="identity",
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        # Use every sentence, in file order: no sampling, so the result is deterministic.
        input_sentence_size=0,
        shuffle_input_sentence=False,
        num_threads=1,
        minloglevel=2,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--out-prefix", required=True)
    parser.add_argument("--vocab-size", type=int, default=2048)
    args = parser.parse_args()
    train(args.corpus, args.out_prefix, args.vocab_size)
    sp = spm.SentencePieceProcessor(model_file=args.out_prefix + ".model")
    print(f"tokenizer: {sp.get_piece_size()} pieces -> {args.out_prefix}.model")
    return 0


if __name__ == "__main__":
    sys.exit(main())
