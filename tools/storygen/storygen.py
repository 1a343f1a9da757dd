#!/usr/bin/env python3
"""storygen - deterministic synthetic children's-story corpus for DecodeLab.

Written from scratch for DecodeLab; Python 3.11, standard library only.

    python3 tools/storygen/storygen.py --seed 1 --size-mb 6 --out corpus.txt
    python3 tools/storygen/storygen.py --seed 7 --stories 1000 --out small.txt
    python3 tools/storygen/storygen.py --seed 1 --size-mb 6 --out corpus.txt --stats

Output format (see README.md):
  * one story = one block of non-empty lines (a line is a paragraph);
  * stories are separated by exactly one empty line ("\\n\\n");
  * the file ends with a single "\\n"; no empty line inside a story,
    no trailing spaces, printable ASCII plus newline only.

Determinism: story i of seed S is drawn from its own random.Random seeded
with the string "storygen-v1:S:i" (string seeds are hashed with SHA-512 by
the random module, so this does not depend on PYTHONHASHSEED).  Hence the
output for a given seed is a pure function of (seed, size), and a smaller
corpus is always a byte prefix of a larger one with the same seed.
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import random
import re
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import lexicon as L  # noqa: E402

# when run as a script, let "import storygen" (in arcs.py) find this module
sys.modules.setdefault("storygen", sys.modules[__name__])

VERSION = "storygen-v1"
MIN_WORDS = 80
MAX_WORDS = 300
ALLOWED_CHARS = frozenset(chr(c) for c in range(32, 127)) | {"\n"}

# ------------------------------------------------------------------ sampling

_CUM_CACHE: dict[tuple[int, float], list[float]] = {}


def zipf_cum(n: int, s: float) -> list[float]:
    """Cumulative weights 1/(r+1)**s for ranks r = 0..n-1 (cached)."""
    key = (n, s)
    cw = _CUM_CACHE.get(key)
    if cw is None:
        acc = 0.0
        cw = []
        for r in range(n):
            acc += 1.0 / (r + 1) ** s
            cw.append(acc)
        _CUM_CACHE[key] = cw
    return cw


def zpick(rng: random.Random, items, s: float = 1.0):
    """Pick from a ranked sequence with Zipf weights; s=0 is uniform."""
    n = len(items)
    if n == 1:
        return items[0]
    cw = zipf_cum(n, s)
    return items[bisect.bisect_right(cw, rng.random() * cw[-1])]


# ------------------------------------------------------------------ grammar helpers

def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def needs_an(word: str) -> bool:
    w = word.lower()
    if w.startswith(("hour", "honest", "honor", "heir")):
        return True
    if w.startswith(("uni", "use", "usu", "uto", "one", "once", "eu", "ewe", "uk")):
        return False
    return w[:1] in "aeiou"


_ART_RE = re.compile(r"\b(a|an|A|An) ([A-Za-z][A-Za-z'-]*)")


def _fix_article(m: re.Match) -> str:
    art, word = m.group(1), m.group(2)
    new = "an" if needs_an(word) else "a"
    if art[0] == "A":
        new = cap(new)
    return f"{new} {word}"


_CAP_START = re.compile(r'^("?)([a-z])')
_CAP_AFTER = re.compile(r'([.!?] "?)([a-z])')
_SPACE_PUNCT = re.compile(r" +([,.!?])")
_MULTI_SPACE = re.compile(r"  +")


def finish(text: str) -> str:
    """Normalise spacing, fix a/an, capitalise sentence starts."""
    text = _MULTI_SPACE.sub(" ", text.strip())
    text = _SPACE_PUNCT.sub(r"\1", text)
    text = _ART_RE.sub(_fix_article, text)
    text = _CAP_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    text = _CAP_AFTER.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    return text


def _past_word(w: str) -> str:
    if w in L.IRREGULAR_PAST:
        return L.IRREGULAR_PAST[w]
    if w in L.DOUBLE_FINAL:
        return w + w[-1] + "ed"
    if w.endswith("e"):
        return w + "d"
    if w.endswith("y") and len(w) > 1 and w[-2] not in "aeiou":
        return w[:-1] + "ied"
    return w + "ed"


def _ing_word(w: str) -> str:
    if w == "be":
        return "being"
    if w.endswith("ie"):
        return w[:-2] + "ying"
    if w in L.DOUBLE_FINAL:
        return w + w[-1] + "ing"
    if w.endswith("e") and not w.endswith(("ee", "ye", "oe")):
        return w[:-1] + "ing"
    return w + "ing"


def past(phrase: str) -> str:
    """'play with {his} ball' -> 'played with {his} ball'."""
    w, sep, rest = phrase.partition(" ")
    return _past_word(w) + sep + rest


def ing(phrase: str) -> str:
    w, sep, rest = phrase.partition(" ")
    return _ing_word(w) + sep + rest


# ------------------------------------------------------------------ world model

class Pron:
    __slots__ = ("he", "him", "his", "himself", "was", "is_", "has", "does", "plural")

    def __init__(self, he, him, his, himself, was, is_, has, does, plural):
        self.he, self.him, self.his, self.himself = he, him, his, himself
        self.was, self.is_, self.has, self.does, self.plural = was, is_, has, does, plural


SHE = Pron("she", "her", "her", "herself", "was", "is", "has", "does", False)
HE = Pron("he", "him", "his", "himself", "was", "is", "has", "does", False)
IT = Pron("it", "it", "its", "itself", "was", "is", "has", "does", False)
THEY = Pron("they", "them", "their", "themselves", "were", "are", "have", "do", True)
PRON = {"she": SHE, "he": HE, "it": IT, "they": THEY}


class Kind:
    def __init__(self, sing, plural, move, sound_verb, sound, food, adjs, flags):
        self.sing, self.plural, self.move = sing, plural, move
        self.sound_verb, self.sound, self.food = sound_verb, sound, food
        self.adjs = adjs.split()
        self.person = "p" in flags
        self.hands = "h" in flags
        self.flies = "f" in flags
        self.swims = "s" in flags


KINDS = [Kind(*k) for k in L.KINDS_RAW]
PERSON_KINDS = [k for k in KINDS if k.person]
ANIMAL_KINDS = [k for k in KINDS if not k.person]


class Char:
    def __init__(self, name, kind, pron, trait="kind"):
        self.name, self.kind, self.pron, self.trait = name, kind, pron, trait

    @property
    def ref(self):
        return self.name


class Place:
    def __init__(self, name, prep, indoor, features, hides, acts, sights):
        self.name, self.prep, self.indoor = name, prep, indoor
        self.features, self.hides, self.acts, self.sights = features, hides, acts, sights


PLACES = [Place(*p) for p in L.PLACES_RAW]
PLACE_BY_NAME = {p.name: p for p in PLACES}


class Obj:
    def __init__(self, noun, flags):
        self.noun = noun
        self.plural = "p" in flags
        self.colorable = "c" in flags
        self.toy = "t" in flags
        self.wear = "w" in flags
        self.small = "s" in flags
        self.gift = "g" in flags


OBJECTS = [Obj(*o) for o in L.OBJECTS_RAW]


# ------------------------------------------------------------------ story context

_QWORDS = frozenset("Where What Who Why How Can Could Will Would Do Does Did Is Are Am May Shall".split())
_CHOICE_RE = re.compile(r"\[(=?)([^\[\]]*)\]")
_VAR_RE = re.compile(r"\{(\w+)\}")


class Ctx:
    """Per-story state: RNG, variables, cast, and the template expander."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.v: dict[str, str] = {}
        self.g: dict[str, callable] = {}
        self.roles: dict[str, Char] = {}
        self.used_names: list[str] = []
        self._pools: dict[str, list] = {}
        self.place: Place | None = None
        self.last_q: str | None = None
        self._install_generators()

    # ---- random helpers
    def z(self, items, s: float = 1.0):
        return zpick(self.rng, items, s)

    def flat(self, items):
        return items[self.rng.randrange(len(items))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def draw(self, pool: str, items, s: float = 0.8):
        """Zipf draw without replacement within one story (refills when empty)."""
        left = self._pools.get(pool)
        if not left:
            left = list(items)
            self._pools[pool] = left
        cw = zipf_cum(len(left), s)
        return left.pop(bisect.bisect_right(cw, self.rng.random() * cw[-1]))

    # ---- template expansion
    def _choice(self, m: re.Match) -> str:
        opts = m.group(2).split("|")
        return self.flat(opts) if m.group(1) == "=" else self.z(opts, 1.0)

    def lookup(self, k: str) -> str:
        if k in self.v:
            return self.v[k]
        if k in self.g:
            return self.g[k]()
        low = k[0].lower() + k[1:]
        if low != k:
            return cap(self.lookup(low))
        raise KeyError(f"unknown template variable {{{k}}}")

    def x(self, tpl: str) -> str:
        for _ in range(8):
            if "[" in tpl:
                while "[" in tpl:
                    tpl = _CHOICE_RE.sub(self._choice, tpl)
            if "{" not in tpl:
                break
            tpl = _VAR_RE.sub(lambda m: self.lookup(m.group(1)), tpl)
            if "[" not in tpl and "{" not in tpl:
                break
        return tpl

    def s(self, *tpls, s: float = 1.0) -> str:
        """Expand one of the templates (Zipf over their order) into finished text."""
        return finish(self.x(self.z(tpls, s)))

    def sf(self, *tpls) -> str:
        return finish(self.x(self.flat(tpls)))

    def maybe(self, p: float, *tpls):
        return self.s(*tpls) if self.chance(p) else None

    SAY_VERBS = {
        ".": ["said", "whispered", "explained", "added"],
        "r": ["said", "replied", "answered", "whispered"],
        "!": ["said", "shouted", "cried", "called", "laughed", "yelled"],
        "?": ["asked", "whispered", "called"],
    }

    def say(self, role: str, mood: str, *tpls) -> str:
        """A line of dialogue; mood is '.', '!' or '?'."""
        line = finish(self.x(self.z(tpls))).rstrip(".!?,")
        ch = self.roles[role]
        last = re.split(r"(?<=[.!?]) ", line)[-1]
        is_q = last.split(" ", 1)[0] in _QWORDS
        if mood == "!" and is_q:
            mood = "?!"
        elif mood == "." and is_q:
            mood = "?"
        vkey = mood[-1] if mood != "?!" else "!"
        if vkey == "." and self.last_q not in (None, role):
            vkey = "r"
        self.last_q = role if mood == "?" else None
        if ch.kind is not None and ch.kind.sound and self.chance(0.12):
            line = f"{ch.kind.sound}! {line}"
        verb = self.z(self.SAY_VERBS[vkey], 1.6)
        end = "?" if mood == "?!" else mood
        tag = "," if end == "." else end
        form = self.z((0, 1, 2), 1.3)
        if form == 1:
            out = f'{cap(ch.ref)} {verb}, "{line}{end}"'
        elif form == 0 and self.chance(0.12):
            out = f'"{line}{tag}" {ch.pron.he} {verb}.'
        elif form == 0:
            out = f'"{line}{tag}" {verb} {ch.ref}.'
        else:
            out = f'"{line}{tag}" {ch.ref} {verb}.'
        return finish(out)

    # ---- casting
    def _pick_name(self, gender: str, person: bool) -> tuple[str, str]:
        for _ in range(50):
            if not person and self.chance(0.55):
                name, gender = self.z(L.PET_NAMES, 1.0)
            else:
                if gender == "any":
                    gender = "she" if self.chance(0.5) else "he"
                pool = L.GIRL_NAMES if gender == "she" else L.BOY_NAMES
                name = self.z(pool, 1.15)
            if name not in self.used_names:
                self.used_names.append(name)
                return name, gender
        raise RuntimeError("could not find an unused name")

    def make_char(self, kind: Kind | None = None, animal_p: float = 0.35) -> Char:
        if kind is None:
            if self.chance(animal_p):
                kind = self.z(ANIMAL_KINDS, 1.0)
            else:
                kind = PERSON_KINDS[0] if self.chance(0.53) else PERSON_KINDS[1]
        if kind.person:
            gender = "she" if kind.sing == "girl" else "he"
            name, gender = self._pick_name(gender, True)
        else:
            name, gender = self._pick_name("any", False)
        return Char(name, kind, PRON[gender], self.z(L.TRAITS, 0.9))

    def bind(self, role: str, ch: Char):
        """Bind a character to a role letter: H hero, F friend, M parent, C creature, R recipient."""
        self.roles[role] = ch
        p = "" if role == "H" else role.lower()
        pr = ch.pron
        self.v[role] = ch.ref
        self.v[role + "s"] = ch.ref + "'s"
        self.v[p + "he"] = pr.he
        self.v[p + "him"] = pr.him
        self.v[p + "his"] = pr.his
        self.v[p + "himself"] = pr.himself
        self.v[p + "was"] = pr.was
        self.v[p + "is"] = pr.is_
        self.v[p + "has"] = pr.has
        self.v[p + "kind"] = ch.kind.sing if ch.kind else ""
        self.v[p + "kinds"] = ch.kind.plural if ch.kind else ""
        self.v[p + "trait"] = ch.trait
        k = ch.kind
        if k is not None:
            self.v[p + "looks"] = self.looks(ch, p)
            self.v[p + "move"] = k.move
            self.v[p + "soundverb"] = k.sound_verb or ("sang" if k.person else "squeaked")
            if k.person:
                self.v[p + "cheer"] = "[laughed|giggled|cheered|clapped] with joy"
            elif k.sound_verb:
                self.v[p + "cheer"] = k.sound_verb + " [happily|with joy|loudly]"
            else:
                self.v[p + "cheer"] = "[jumped|danced|spun around] with joy"

    def cast_hero(self, person_p: float | None = None) -> Char:
        h = self.make_char(animal_p=0.35 if person_p is None else 1.0 - person_p)
        self.hero = h
        self.bind("H", h)
        k = h.kind
        self.v["hdesc"] = (self.z(["little", "young", "small", "happy", "kind", "sweet"], 1.6) + " " + k.sing
                           if k.person else self.z(k.adjs, 1.2) + " " + k.sing)
        self.v["hobby"] = self.z(L.HOBBIES, 0.9)
        self.v["hobby_ed"] = past(self.v["hobby"])
        self.v["hobby_ing"] = ing(self.v["hobby"])
        self.v["food"] = k.food
        return h

    def cast_friend(self, kind=None, animal_p=None) -> Char:
        if kind is None and animal_p is None:
            # animals tend to befriend animals, children children
            animal_p = 0.7 if not self.hero.kind.person else 0.2
        f = self.make_char(kind, animal_p if animal_p is not None else 0.35)
        self.friend = f
        self.bind("F", f)
        self.v["HF"] = f"{self.hero.ref} and {f.ref}"
        return f

    def cast_parent(self) -> Char:
        name, g = self.z(L.PARENTS, 1.3)
        m = Char(name, None, PRON[g])
        self.parent = m
        self.bind("M", m)
        self.v["HM"] = f"{self.hero.ref} and {name}"
        return m

    def cast_creature(self, noun: str) -> Char:
        """An unnamed creature, referred to as 'the owl' and 'it'."""
        c = Char("the " + noun, None, IT)
        self.creature = c
        self.bind("C", c)
        self.v["cnoun"] = noun
        self.v["a_c"] = "a " + noun
        return c

    def set_place(self, place: Place):
        self.place = place
        for pool in ("feature", "hide", "act", "sight"):
            self._pools.pop(pool, None)
        self.v["place"] = place.name
        self.v["the_place"] = "the " + place.name
        self.v["at_place"] = f"{place.prep} the {place.name}"
        self.v["to_place"] = "to the " + place.name

    def pick_place(self, names=None, s: float = 0.9, outdoor=None) -> Place:
        cands = PLACES if names is None else [PLACE_BY_NAME[n] for n in names]
        if outdoor is not None:
            cands = [p for p in cands if p.indoor != outdoor]
        return self.z(cands, s)

    def obj_phrase(self, o: Obj) -> str:
        words = []
        r = self.rng.random()
        if r < 0.16:
            words.append(self.z(["new", "old", "shiny", "little", "big", "favorite", "special", "soft"], 1.0))
        if o.colorable and self.rng.random() < 0.5:
            words.append(self.flat(L.COLORS))
        words.append(o.noun)
        return " ".join(words)

    def set_obj(self, o: Obj, key: str = "obj"):
        phrase = self.obj_phrase(o)
        self.v[key] = phrase
        self.v["a_" + key] = phrase if o.plural else "a " + phrase
        self.v["the_" + key] = "the " + phrase
        if key == "obj":
            self.obj = o
            self.v["oit"] = "they" if o.plural else "it"
            self.v["oobj"] = "them" if o.plural else "it"
            self.v["owas"] = "were" if o.plural else "was"
            self.v["ois"] = "are" if o.plural else "is"

    def pick_obj(self, pred=None, s: float = 0.85) -> Obj:
        cands = OBJECTS if pred is None else [o for o in OBJECTS if pred(o)]
        return self.z(cands, s)

    # ---- generators usable as {name} in templates
    def _install_generators(self):
        z, g = self.z, self.g
        g["Time"] = lambda: z(L.TIMES, 1.3)
        g["time"] = lambda: (lambda t: t[0].lower() + t[1:])(z(L.TIMES, 1.3))
        g["color"] = lambda: self.flat(L.COLORS)
        g["good"] = lambda: z(L.FEEL_GOOD, 1.1)
        g["bad"] = lambda: z(L.FEEL_BAD, 1.1)
        g["scared"] = lambda: z(L.FEEL_SCARED, 1.1)
        g["surprised"] = lambda: z(L.FEEL_SURPRISE, 1.1)
        g["nice"] = lambda: z(L.NICE, 1.0)
        g["softly"] = lambda: z(L.ADVERBS_SOFT, 1.0)
        g["quickly"] = lambda: z(L.ADVERBS_FAST, 1.0)
        g["happily"] = lambda: z(L.ADVERBS_HAPPY, 1.0)
        g["num"] = lambda: z(L.NUMBERS, 0.8)
        g["realm"] = lambda: z(L.REALMS, 1.0)
        g["home"] = lambda: z(L.HOMES, 0.9)
        g["trait"] = lambda: z(L.TRAITS, 0.9)
        g["snack"] = lambda: z(L.FOODS + L.FOODS_MULTI, 0.9)
        g["wild"] = lambda: self.draw("wild", L.WILD, 0.8)
        g["feature"] = lambda: self.draw("feature", self.place.features, 0.7)
        g["hide"] = lambda: self.draw("hide", self.place.hides, 0.5)
        g["sight"] = lambda: self.draw("sight", self.place.sights, 0.6)
        g["act"] = lambda: self.draw("act", self.place.acts, 0.7)
        g["act_ed"] = lambda: past(self.draw("act", self.place.acts, 0.7))
        g["thing"] = lambda: self.a_thing()
        g["crowd"] = self.crowd
        g["weather"] = lambda: z(L.WEATHER_LINES, 0.8)
        g["then"] = lambda: (lambda w: w if w == "Then" else w + ",")(z(L.THEN, 1.5))
        g["as_happy"] = lambda: z(L.SIMILES["happy"], 0.8)
        g["as_quiet"] = lambda: z(L.SIMILES["quiet"], 0.8)
        g["as_fast"] = lambda: z(L.SIMILES["fast"], 0.8)
        g["as_brave"] = lambda: z(L.SIMILES["brave"], 0.8)
        g["as_tired"] = lambda: z(L.SIMILES["tired"], 0.8)
        g["very"] = lambda: z(["very", "so", "really", "very, very"], 1.2)

    def looks(self, ch: Char, p: str) -> str:
        """A sentence template describing how a character looks."""
        P = p.capitalize() if p else ""
        he = "{" + (P + "he" if P else "He") + "}"
        if ch.kind.person:
            base = f"{he} had {self.z(L.HAIR, 0.6)} hair and {self.z(L.EYES, 0.6)} eyes."
            extra = self.z(L.LOOKS_EXTRA_PERSON, 0.5)
        else:
            base = f"{he} had {self.z(L.FUR, 0.6)} fur and a {self.z(L.TAILS, 0.6)} tail."
            if ch.kind.flies and not ch.kind.hands:
                base = f"{he} had {self.z(['bright', 'soft', 'shiny', 'speckled'], 0.6)} feathers and quick little wings."
            elif ch.kind.sing in ("frog", "turtle", "lizard", "alligator", "octopus", "snail", "worm", "crab", "robot", "spider"):
                base = f"{he} was {self.z(['small', 'smooth', 'shiny', 'bumpy', 'round'], 0.6)} and very quick to smile."
            extra = self.z(L.LOOKS_EXTRA_ANIMAL, 0.5)
        extra = extra.replace("{his}", "{" + p + "his}").replace("{he}", "{" + p + "he}")
        if self.chance(0.4):
            return base + f" {he} also had {extra}."
        return base

    def crowd(self) -> str:
        """'the rabbits, the ducks and the mice' (three distinct animal kinds)."""
        ks = []
        while len(ks) < 3:
            k = self.z(ANIMAL_KINDS, 0.8).plural
            if k not in ks:
                ks.append(k)
        return f"the {ks[0]}, the {ks[1]} and the {ks[2]}"

    def a_thing(self) -> str:
        o = self.z(OBJECTS, 0.85)
        p = self.obj_phrase(o)
        return p if o.plural else "a " + p


# ------------------------------------------------------------------ story assembly

WORD_RE = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text))


def make_story(seed: int, index: int) -> str:
    import arcs  # local import keeps module import order simple

    rng = random.Random(f"{VERSION}:{seed}:{index}")
    for _ in range(100):
        ctx = Ctx(rng)
        paragraphs = arcs.build(ctx)
        lines = [p for p in paragraphs if p]
        text = "\n".join(lines)
        n = count_words(text)
        if MIN_WORDS <= n <= MAX_WORDS:
            bad = set(text) - ALLOWED_CHARS
            if bad:
                raise ValueError(f"non-ASCII characters in story: {sorted(bad)!r}")
            return text
    raise RuntimeError(f"story {index}: could not hit the word range")


def generate(seed: int, stories: int | None = None, size_bytes: int | None = None):
    """Yield stories until `stories` are made or `size_bytes` is reached."""
    i = 0
    chars = 0  # sum of story lengths so far
    while True:
        if stories is not None and i >= stories:
            return
        # file size so far: stories + (i - 1) "\n\n" separators + final "\n"
        if size_bytes is not None and i > 0 and chars + 2 * i - 1 >= size_bytes:
            return
        st = make_story(seed, i)
        chars += len(st)
        i += 1
        yield st


def write_corpus(seed: int, out, stories=None, size_bytes=None) -> list[str]:
    all_st = list(generate(seed, stories, size_bytes))
    text = "\n\n".join(all_st) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        with open(out, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
    return all_st


# ------------------------------------------------------------------ statistics

TOKEN_RE = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*|[^\sA-Za-z]")

BRANCH_PREFIXES = [
    "named", "Once upon a", "Once upon a time ,", "there was a", "a little",
    "One day ,", "went to the", "found a", "saw a", "played with", "was very",
    "felt", "said", "asked", "her", "his", "They",
]


def entropy_bits(counter: Counter) -> float:
    total = sum(counter.values())
    if not total:
        return 0.0
    return max(0.0, -sum(c / total * math.log2(c / total) for c in counter.values()))


def branching(tokens: list[str], prefix: str) -> Counter:
    p = prefix.split()
    k = len(p)
    nxt = Counter()
    first = p[0]
    n = len(tokens)
    for i, t in enumerate(tokens):
        if t == first and i + k < n and tokens[i:i + k] == p:
            nxt[tokens[i + k]] += 1
    return nxt


def corpus_stats(text: str) -> dict:
    stories = [s for s in text.split("\n\n") if s.strip()]
    words = WORD_RE.findall(text)
    lower = Counter(w.lower() for w in words)
    tokens = TOKEN_RE.findall(text)
    per_story = [count_words(s) for s in stories]
    names = Counter()
    name_re = re.compile(r"named ([A-Z][a-z]+)")
    for m in name_re.finditer(text):
        names[m.group(1)] += 1
    branch = {}
    for pre in BRANCH_PREFIXES:
        c = branching(tokens, pre)
        if c:
            branch[pre] = (sum(c.values()), len(c), entropy_bits(c), c.most_common(5))
    return {
        "bytes": len(text.encode("ascii")),
        "stories": len(stories),
        "words": len(words),
        "words_per_story": (min(per_story), sum(per_story) / len(per_story), max(per_story)) if per_story else (0, 0, 0),
        "distinct_forms": len(lower),
        "distinct_forms_cased": len(set(words)),
        "chars_used": "".join(sorted(set(text))),
        "distinct_names": len(names),
        "top_words": lower.most_common(20),
        "branching": branch,
    }


def print_stats(st: dict, seconds: float | None, out=sys.stderr):
    w = out.write
    w(f"bytes:                {st['bytes']}\n")
    w(f"stories:              {st['stories']}\n")
    w(f"words:                {st['words']}\n")
    lo, avg, hi = st["words_per_story"]
    w(f"words per story:      min {lo}  mean {avg:.1f}  max {hi}\n")
    w(f"distinct word forms:  {st['distinct_forms']} (lower-cased; {st['distinct_forms_cased']} case-sensitive)\n")
    w(f"characters used:      {len(st['chars_used'])} distinct: {st['chars_used']!r}\n")
    w(f"character names used: {st['distinct_names']} distinct names after 'named'\n")
    if seconds is not None:
        w(f"generation time:      {seconds:.2f} s\n")
    w("top-20 words:         " + ", ".join(f"{a} {b}" for a, b in st["top_words"]) + "\n")
    w("branching (prefix -> occurrences, distinct next tokens, entropy bits, top 5):\n")
    for pre, (n, d, h, top) in st["branching"].items():
        tops = " ".join(f"{t}:{c / n:.2f}" for t, c in top)
        w(f"  {pre!r:16} n={n:<7} next={d:<5} H={h:5.2f}  {tops}\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Deterministic synthetic children's-story corpus.")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--size-mb", type=float, help="stop once the output reaches this many MB (10^6 bytes)")
    g.add_argument("--stories", type=int, help="number of stories to write")
    ap.add_argument("--out", default="-", help="output file ('-' = stdout, the default)")
    ap.add_argument("--stats", action="store_true", help="print corpus statistics to stderr")
    a = ap.parse_args(argv)
    if a.size_mb is None and a.stories is None:
        a.stories = 10
    t0 = time.perf_counter()
    size = None if a.size_mb is None else int(a.size_mb * 1_000_000)
    stories = write_corpus(a.seed, a.out, a.stories, size)
    dt = time.perf_counter() - t0
    if a.stats:
        print_stats(corpus_stats("\n\n".join(stories) + "\n"), dt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
