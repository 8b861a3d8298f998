"""The second opinion: a linear classifier trained on the FAQ's own phrasings.

The lexical matcher (bot/understanding/matching.py) scores the words a question shares with each
phrasing; it only knows the phrasings it was given. This classifier learns from the
same phrasings which *pieces* of words point to which entry (character 2–4-grams of
the folded text, plus the matcher's normalised words and word pairs), so it generalises
to phrasings nobody wrote down: "pk il y va" and "why is he going" share no word with
"Pourquoi Poutine se rend-il en Corée du Nord ?" but share n-grams with its variants.
The out-of-scope questions (knowledge/out-of-scope.yaml) are one more class,
`OUT_OF_SCOPE`, so the classifier also says "this looks like something the article
does not answer".

Why this formulation (issue 10 asked for one that keeps reload under a second):
- Features are extracted here, in plain Python, and weighted TF-IDF style with the
  sublinear term frequency; each phrasing's vector is L2-normalised.
- scikit-learn's `LinearSVC` (liblinear, one-vs-rest) trains on the sparse matrix in
  about 0.3 s for 1,700 phrasings and 37 classes (`LogisticRegression` took 10–12 s).
- Prediction does not go through scikit-learn at all: the weights are copied into a
  dense numpy matrix once, and a question's score per class is one small product of
  its few hundred feature weights (tens of microseconds), so the second opinion adds
  well under a millisecond per question. `bench/bench_matching.py` measures both.
- The decision values are turned into a probability-like confidence with a softmax
  (`SOFTMAX_SCALE`), only to have a 0–1 figure to show and to threshold on.

No Telegram here, and nothing specific to this article: the classes are the entry ids.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from bot.language.normalize import fold

__all__ = ["OUT_OF_SCOPE", "Opinion", "SecondOpinion", "clear_caches"]

OUT_OF_SCOPE = "(hors article)"
"""The class of the out-of-scope questions (never an entry id: ids are kebab-case)."""
NGRAMS = (2, 3, 4)
"""Character n-gram sizes, taken inside each word padded with spaces. Without the
5-grams (session 9) the fifteen tunable sets did as well or a little better (3,180
right instead of 3,179, 76 wrong instead of 77, 892 declined instead of 891; trimmed
FAQ 76.3% instead of 76.2%) and a cold load at 2,000 phrasings trains a tenth of a
second faster."""
SOFTMAX_SCALE = 6.0
"""How sharply decision values become confidences (LinearSVC values are about -1..1)."""
REGULARISATION = 1.0
"""LinearSVC's C: larger fits the phrasings more closely."""
TOLERANCE = 1e-2
"""LinearSVC's stopping tolerance: 1e-2 instead of its default 1e-4 trains a fifth
faster (reload time) for weights within 0.002 of the default's, which changes no
answer of the development sets. `random_state=0` makes every training the same."""


@dataclass(frozen=True)
class Opinion:
    """What the classifier thinks of a question."""

    label: str
    """The entry id it picks, or `OUT_OF_SCOPE`."""
    confidence: float
    """0–1: the softmax share of the picked class."""
    runner_up: str | None
    """The second class, if any."""
    scores: dict[str, float]
    """Confidence per class (only the classes above 1%, for explanations)."""

    def confidence_of(self, label: str) -> float:
        """The confidence given to one class (0 if it is below 1%)."""
        return self.scores.get(label, 0.0)


@functools.lru_cache(maxsize=65536)
def _word_grams(word: str) -> tuple[str, ...]:
    """The character n-grams of one word, padded with spaces (cached: words repeat)."""
    padded = f" {word} "
    size = len(padded)
    return tuple(padded[i : i + n] for n in NGRAMS for i in range(size - n + 1))


def char_features(text: str) -> Counter[str]:
    """Character n-grams of each word of the folded text, words padded with spaces."""
    grams: list[str] = []
    for word in fold(text).replace("'", " ").split():
        grams.extend(_word_grams(word))
    return Counter(grams)


def features(text: str, tokens: Sequence[str]) -> Counter[str]:
    """All features of a text: char n-grams, plus its normalised words and word pairs."""
    out = char_features(text)
    for token in tokens:
        out["w:" + token] += 1
    for a, b in itertools.pairwise(tokens):
        out[f"b:{a}_{b}"] += 1
    return out


@functools.lru_cache(maxsize=16384)
def _training_features(text: str, tokens: tuple[str, ...]) -> Counter[str]:
    """`features` of a training phrasing, cached: a reload after editing one entry
    extracts only that entry's (read only: the same Counter is shared)."""
    return features(text, tokens)


def clear_caches() -> None:
    """Forget the cached training features and n-grams (benchmarks of a cold load)."""
    _training_features.cache_clear()
    _word_grams.cache_clear()


class SecondOpinion:
    """A linear classifier over the FAQ's phrasings; `opinion(text, tokens)` per question.

    `texts` and `tokens` are the training phrasings and their normalised words (the
    matcher computes those anyway), `labels` their entry ids (or `OUT_OF_SCOPE`).
    With fewer than two classes there is nothing to learn: every opinion is empty.
    """

    def __init__(
        self,
        texts: Sequence[str],
        tokens: Sequence[Sequence[str]],
        labels: Sequence[str],
        *,
        regularisation: float = REGULARISATION,
        softmax_scale: float = SOFTMAX_SCALE,
    ) -> None:
        self.softmax_scale = softmax_scale
        rows = [_training_features(t, tuple(w)) for t, w in zip(texts, tokens, strict=True)]
        matrix = self._fit_vocabulary(rows)
        self._word_columns = functools.lru_cache(maxsize=65536)(self._word_columns_uncached)
        self.classes: tuple[str, ...] = tuple(sorted(set(labels)))
        self._weights = np.zeros((len(self._vocabulary), len(self.classes)))
        self._bias = np.zeros(len(self.classes))
        if len(self.classes) < 2:
            return
        from sklearn.svm import LinearSVC  # deferred: only the bot and `ask` need it

        model = LinearSVC(C=regularisation, class_weight="balanced", tol=TOLERANCE, random_state=0)
        model.fit(matrix, list(labels))
        order = [list(model.classes_).index(c) for c in self.classes]
        coef = np.asarray(model.coef_)
        intercept = np.asarray(model.intercept_)
        if len(self.classes) == 2:  # liblinear keeps one row for two classes
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]])
        self._weights = np.ascontiguousarray(coef[order].T)
        self._bias = intercept[order]

    def _fit_vocabulary(self, rows: Sequence[Counter[str]]) -> csr_matrix:
        """Number the rows' features (in order of first appearance), weigh them
        (`_idf`), and return the rows' L2-normalised TF-IDF vectors as `decision`
        computes a question's: one pass over the features, the rest in numpy (a cold
        load at 2,000 phrasings spends a tenth of a second here, not a fifth)."""
        names = list(itertools.chain.from_iterable(rows))
        vocabulary = {name: i for i, name in enumerate(dict.fromkeys(names))}
        columns = np.fromiter(map(vocabulary.__getitem__, names), dtype=np.intp, count=len(names))
        counts = np.fromiter(
            itertools.chain.from_iterable(row.values() for row in rows),
            dtype=np.float64,
            count=len(names),
        )
        self._vocabulary = vocabulary
        # Each name appears once per row (a Counter), so the rows a feature is in are
        # its occurrences among the columns.
        df = np.bincount(columns, minlength=len(vocabulary))
        self._idf = np.log((len(rows) + 1) / (df + 1)) + 1
        pointers = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(row) for row in rows], out=pointers[1:])
        values = (1 + np.log(counts)) * self._idf[columns]
        lengths = np.diff(pointers)
        starts = pointers[:-1][lengths > 0]
        norms = np.ones(len(rows))
        if len(values):
            norms[lengths > 0] = np.sqrt(np.add.reduceat(values**2, starts))
        values /= np.repeat(norms, lengths)
        return csr_matrix((values, columns, pointers), shape=(len(rows), len(vocabulary)))

    def _word_columns_uncached(self, word: str) -> tuple[int, ...]:
        vocabulary = self._vocabulary
        return tuple(vocabulary[g] for g in _word_grams(word) if g in vocabulary)

    def _columns(self, text: str, tokens: Sequence[str]) -> list[int]:
        """The known features of a text, one column per occurrence (as `features`
        counts them), the char n-grams' columns cached per word: words repeat."""
        columns: list[int] = []
        for word in fold(text).replace("'", " ").split():
            columns.extend(self._word_columns(word))
        vocabulary = self._vocabulary
        for name in itertools.chain(
            (f"w:{t}" for t in tokens), (f"b:{a}_{b}" for a, b in itertools.pairwise(tokens))
        ):
            column = vocabulary.get(name)
            if column is not None:
                columns.append(column)
        return columns

    def decision(self, text: str, tokens: Sequence[str]) -> np.ndarray:
        """The raw decision value of every class, in `classes` order: the question's
        L2-normalised TF-IDF vector (sublinear counts) times the weights."""
        counted = Counter(self._columns(text, tokens))
        if not counted:
            return self._bias.copy()
        columns = np.fromiter(counted.keys(), dtype=np.intp, count=len(counted))
        counts = np.fromiter(counted.values(), dtype=np.float64, count=len(counted))
        values = (1 + np.log(counts)) * self._idf[columns]
        values /= np.linalg.norm(values)
        result: np.ndarray = values @ np.take(self._weights, columns, axis=0) + self._bias
        return result

    def opinion(self, text: str, tokens: Sequence[str]) -> Opinion | None:
        """The classifier's pick for a question, or None when it has nothing to say."""
        if len(self.classes) < 2:
            return None
        values = self.decision(text, tokens) * self.softmax_scale
        values -= values.max()
        shares = np.exp(values)
        shares /= shares.sum()
        order: list[int] = np.argsort(-shares)[:5].tolist()
        share: list[float] = shares.tolist()
        best, second = order[0], order[1]
        scores = {self.classes[i]: round(share[i], 4) for i in order if share[i] >= 0.01}
        return Opinion(self.classes[best], round(share[best], 4), self.classes[second], scores)
