"""Self-test for storygen (standard library only).

Run any of:
    python3 -m unittest tools/storygen/test_storygen.py        (from the repo root)
    cd tools/storygen && python3 -m unittest
    python3 tools/storygen/test_storygen.py
"""

import math
import os
import re
import subprocess
import sys
import unittest
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import storygen as sg  # noqa: E402

SCRIPT = os.path.join(HERE, "storygen.py")


def run_cli(*args, hashseed="0"):
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    return subprocess.run([sys.executable, SCRIPT, *args], env=env, check=True,
                          capture_output=True).stdout


def corpus(seed, n):
    return "\n\n".join(sg.generate(seed, stories=n)) + "\n"


class TestFormat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = corpus(1, 400)
        cls.stories = cls.text[:-1].split("\n\n")

    def test_separator(self):
        t = self.text
        self.assertTrue(t.endswith("\n") and not t.endswith("\n\n"))
        self.assertNotIn("\n\n\n", t)
        self.assertFalse(t.startswith("\n"))
        self.assertEqual(len(self.stories), 400)
        for st in self.stories:
            lines = st.split("\n")
            self.assertTrue(all(line.strip() for line in lines), "empty line inside a story")
            for line in lines:
                self.assertEqual(line, line.strip(), "leading/trailing space")

    def test_ascii_only(self):
        bad = {ch for ch in self.text if not (32 <= ord(ch) < 127 or ch == "\n")}
        self.assertEqual(bad, set())

    def test_word_count_range(self):
        for st in self.stories:
            n = sg.count_words(st)
            self.assertGreaterEqual(n, 80, st)
            self.assertLessEqual(n, 300, st)

    def test_no_template_leftovers(self):
        for ch in "{}[]|<>_":
            self.assertNotIn(ch, self.text)
        self.assertNotIn("  ", self.text)

    def test_articles(self):
        for m in re.finditer(r"\b([Aa]n?) ([A-Za-z][A-Za-z'-]*)", self.text):
            art, word = m.group(1).lower(), m.group(2)
            self.assertEqual(art == "an", sg.needs_an(word), m.group(0))

    def test_sentences_capitalised(self):
        for st in self.stories:
            for line in st.split("\n"):
                self.assertTrue(line[0].isupper() or line[0] == '"', line)
                self.assertIsNone(re.search(r'[.!?] "?[a-z]', line), line)
                self.assertIn(line[-1], '.!?"', line)

    def test_pronoun_follows_opener(self):
        # "... a little girl named X. She ..." / "... boy named X. He ..."
        checked = 0
        for m in re.finditer(r"\b(girl|boy) named [A-Z][a-z]+\. (He|She|They|It)\b", self.text):
            want = "She" if m.group(1) == "girl" else "He"
            self.assertEqual(m.group(2), want, m.group(0))
            checked += 1
        self.assertGreater(checked, 20)

    def test_quotes_balanced(self):
        for st in self.stories:
            for line in st.split("\n"):
                self.assertEqual(line.count('"') % 2, 0, line)


class TestDeterminism(unittest.TestCase):
    def test_same_seed_same_bytes(self):
        a = run_cli("--seed", "3", "--stories", "150", hashseed="1")
        b = run_cli("--seed", "3", "--stories", "150", hashseed="12345")
        self.assertEqual(a, b)
        self.assertEqual(a.decode("ascii"), corpus(3, 150))

    def test_size_mb_deterministic_and_sized(self):
        a = run_cli("--seed", "5", "--size-mb", "0.25", hashseed="7")
        b = run_cli("--seed", "5", "--size-mb", "0.25", hashseed="random")
        self.assertEqual(a, b)
        self.assertGreaterEqual(len(a), 250_000)
        self.assertLess(len(a), 250_000 + 4000)

    def test_prefix_property(self):
        self.assertTrue(corpus(9, 80).startswith(corpus(9, 40)[:-1]))

    def test_different_seeds_differ(self):
        a = corpus(1, 50).split("\n\n")
        b = corpus(2, 50).split("\n\n")
        self.assertNotEqual(a, b)
        self.assertGreater(sum(x != y for x, y in zip(a, b)), 45)

    def test_out_file(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "c.txt")
            run_cli("--seed", "4", "--stories", "30", "--out", p)
            with open(p, "rb") as f:
                self.assertEqual(f.read().decode("ascii"), corpus(4, 30))


class TestCorpus6MB(unittest.TestCase):
    """The full-size checks on a 6 MB corpus (a few seconds)."""

    @classmethod
    def setUpClass(cls):
        cls.text = "\n\n".join(sg.generate(1, size_bytes=6_000_000)) + "\n"
        cls.stats = sg.corpus_stats(cls.text)

    def test_size(self):
        self.assertGreaterEqual(len(self.text), 6_000_000)

    def test_distinct_word_forms(self):
        self.assertGreaterEqual(self.stats["distinct_forms"], 2000)

    def test_branching_named(self):
        n, d, h, top = self.stats["branching"]["named"]
        self.assertGreaterEqual(h, 3.0)
        self.assertGreaterEqual(d, 100)
        # skewed, not flat: the favourite name is clearly ahead of the median name
        self.assertGreater(top[0][1] / n, 0.05)

    def test_branching_other_slots(self):
        br = self.stats["branching"]
        for pre in ("went to the", "found a", "a little", "was very"):
            n, d, h, _ = br[pre]
            self.assertGreaterEqual(d, 10, pre)
            self.assertGreaterEqual(h, 2.0, pre)
        # and a strong habit exists for greedy decoding
        n, d, h, top = br["Once upon a"]
        self.assertEqual(top[0][0], "time")

    def test_unique_stories(self):
        stories = self.text[:-1].split("\n\n")
        self.assertEqual(len(stories), len(set(stories)))

    def test_entropy_helper(self):
        self.assertAlmostEqual(sg.entropy_bits(Counter("abcd")), 2.0)
        self.assertAlmostEqual(sg.entropy_bits(Counter("aaaa")), 0.0)
        self.assertTrue(math.isclose(sg.entropy_bits(Counter({"a": 1, "b": 1})), 1.0))


class TestGrammarHelpers(unittest.TestCase):
    def test_articles(self):
        for w, an in [("owl", True), ("umbrella", True), ("unicorn", False), ("hour", True),
                      ("cat", False), ("one", False), ("orange", True), ("useful", False)]:
            self.assertEqual(sg.needs_an(w), an, w)

    def test_inflection(self):
        self.assertEqual(sg.past("play with {his} ball"), "played with {his} ball")
        self.assertEqual(sg.past("go down the slide"), "went down the slide")
        self.assertEqual(sg.past("hop on one foot"), "hopped on one foot")
        self.assertEqual(sg.past("try again"), "tried again")
        self.assertEqual(sg.past("lie in the grass"), "lay in the grass")
        self.assertEqual(sg.ing("make things"), "making things")
        self.assertEqual(sg.ing("swim"), "swimming")
        self.assertEqual(sg.ing("lie down"), "lying down")


if __name__ == "__main__":
    unittest.main()
