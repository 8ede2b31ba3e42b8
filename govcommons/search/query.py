"""The query language people already know, parsed once for both backends: words (all must
match), "exact phrases", -exclusions, OR between two terms. Anything else (operators of FTS5 or
tsquery, unbalanced quotes, lone dashes, punctuation) is just text, so no input is an error."""

import re
from dataclasses import dataclass, field

from .text import words

MAX_QUERY_LENGTH = 500
MAX_TERMS = 16
TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class Term:
    """A word, or a phrase of several words in order (folded, unstemmed)."""

    words: list[str]
    negated: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class Query:
    # Each clause must match; a clause is one term or several joined by OR.
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    # The last word may be incomplete (search as you type): match it as a prefix.
    prefix_last: bool = False

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: no query, or only exclusions."""
        return not self.clauses

    def all_words(self) -> list[str]:
        return [w for clause in self.clauses for term in clause for w in term.words]

    def websearch(self) -> str:
        """What must match, in PostgreSQL's websearch_to_tsquery syntax, rebuilt from what was
        understood so that both backends read the query alike."""
        return " ".join(" OR ".join(_show(t) for t in clause) for clause in self.clauses)

    def websearch_excluded(self) -> str:
        """What must not match, as alternatives ("a OR b"): kept apart, because the positive
        part is tried in every language and an exclusion must hold in all of them."""
        return " OR ".join(_show(t) for t in self.excluded)


def _show(term: Term) -> str:
    text = " ".join(term.words)
    return f'"{text}"' if term.is_phrase else text


def parse(text: str, *, prefix_last: bool = False) -> Query:
    query = Query(prefix_last=prefix_last)
    pending_or = False
    for match in TOKEN_RE.finditer((text or "")[:MAX_QUERY_LENGTH].replace("\x00", " ")):
        dash, phrase, bare = match.groups()
        if bare == "OR":
            pending_or = bool(query.clauses)
            continue
        negated = bool(dash)
        if bare is not None:
            negated = bare.startswith("-") and len(bare) > 1
            found = words(bare[1:] if negated else bare)
        else:
            found = words(phrase)
        if not found:
            continue
        term = Term(words=found, negated=negated)
        if term.negated:
            query.excluded.append(term)
            pending_or = False
        elif pending_or and query.clauses:
            query.clauses[-1].append(term)
            pending_or = False
        else:
            query.clauses.append([term])
        if len(query.clauses) + len(query.excluded) >= MAX_TERMS:
            break
    return query
