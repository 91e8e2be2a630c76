"""Finding the config token in upstream text in the forms a misbehaving server echoes it in.

A server that echoes our request back (a debugging proxy, a WAF page, a buggy endpoint) does
not always echo the token as sent: it may upper-case it, percent-encode it, base64-encode the
header or the whole request (so the token sits at any of the three byte alignments of the
encoding, wrapped over lines), or spread it over two fields. So we look for every *form*:

- the token itself, in any case;
- percent-encoded (only the reserved characters, or every byte), hex digits in any case;
- base64, standard and URL-safe, with or without padding, and at each of the three alignments
  it can have inside a longer encoded text (the characters only the token's bytes determine);

ignoring whitespace between characters (a line break in the middle), and redact any run of at
least ``MIN_FRAGMENT`` characters of a form: a token split in pieces leaves at most
``MIN_FRAGMENT - 1`` characters of a piece, where the cut falls, and nothing longer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_FRAGMENT = 8
# Base64 of a token preceded by 0, 1 or 2 other bytes: the first characters that depend on the
# token's bytes alone (the others mix in the preceding byte).
_B64_SKIP = (0, 2, 3)


@dataclass(frozen=True)
class Form:
    """One way the secret can appear; ``folded``: compared without regard to case."""

    text: str
    folded: bool


def _base64_forms(raw: bytes) -> set[str]:
    whole = base64.b64encode(raw).decode()
    texts = {whole, whole.rstrip("=")}
    for alignment in range(3):
        encoded = base64.b64encode(b"\0" * alignment + raw).decode()
        end = 4 * ((alignment + len(raw)) // 3)  # complete groups only: the rest mixes too
        texts.add(encoded[_B64_SKIP[alignment] : end])
    return texts | {text.replace("+", "-").replace("/", "_") for text in texts}


def secret_forms(secret: str) -> tuple[Form, ...]:
    """Every form of ``secret`` worth looking for (none for an empty secret)."""
    if not secret:
        return ()
    raw = secret.encode()
    percent = {quote(secret), quote(secret, safe=""), quote_plus(secret)}
    percent.add("".join(f"%{byte:02X}" for byte in raw))
    forms = {Form(text, True) for text in {secret, *percent}}
    forms |= {Form(text, False) for text in _base64_forms(raw)}
    return tuple(form for form in forms if form.text)


def _view(text: str, folded: bool) -> tuple[str, list[int]]:
    """``text`` without whitespace (lower-cased if ``folded``), and where each character of it
    came from in ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            continue
        for produced in char.lower() if folded else char:
            chars.append(produced)
            origin.append(index)
    return "".join(chars), origin


def _runs(view: str, needle: str) -> list[tuple[int, int]]:
    """Spans of ``view`` made of pieces of ``needle`` at least ``MIN_FRAGMENT`` long (the whole
    needle when it is shorter)."""
    size = min(len(needle), MIN_FRAGMENT)
    pieces = {needle[start : start + size] for start in range(len(needle) - size + 1)}
    return [(i, i + size) for i in range(len(view) - size + 1) if view[i : i + size] in pieces]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact(text: str, forms: tuple[Form, ...]) -> str:
    """``text`` with every run of any form replaced by ``REDACTED``."""
    spans: list[tuple[int, int]] = []
    for folded in (True, False):
        view, origin = _view(text, folded)
        for form in (f for f in forms if f.folded == folded):
            needle = "".join(form.text.split())
            needle = needle.lower() if folded else needle
            if needle:
                spans += [(origin[s], origin[e - 1] + 1) for s, e in _runs(view, needle)]
    kept, position = [], 0
    for start, end in _merged(spans):
        kept += [text[position:start], REDACTED]
        position = end
    return "".join([*kept, text[position:]])
