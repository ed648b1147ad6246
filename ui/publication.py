"""Publication mode on screen: the sidebar switch, and metric frames paired with their protected version.

Publication mode (statistical confidentiality, `biwaq_data.publish.publication`) is on by default. It is always on
for the Überblick page, the press kit and every export (unless the operator sets
BIWAQ_ALLOW_UNPROTECTED_EXPORTS); analysts may switch it off on screen.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from biwaq_data import publication
from biwaq_data import texts_de as T
from biwaq_data.figures.memo import Memo
from biwaq_data.publish.privacy import SUPPRESSION_SYMBOL, UNRELIABLE_SYMBOL

TOGGLE_KEY = "schutz"
FORCED_KEY = "biwaq_publication_forced"


def may_switch_off() -> bool:
    """Whether the signed-in role may see unprotected figures on screen (sign-in off: yes)."""
    from ui import auth

    return auth.may_switch_off_publication_mode()


def render_toggle() -> None:
    """The sidebar switch (bound to the URL as ?schutz=…); disabled for roles that must not switch it off."""
    allowed = may_switch_off()
    st.toggle(T.PUBLICATION_TOGGLE, value=True, key=TOGGLE_KEY, bind="query-params" if allowed else None,
              disabled=not allowed, help=T.PUBLICATION_HELP)


def _page_hash() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx else None


def force_on() -> None:
    """Called by pages that always publish (Überblick): publication mode on for that page, whatever the switch
    says. Remembered per page, so other pages follow the switch again."""
    st.session_state[FORCED_KEY] = _page_hash()


def is_on() -> bool:
    """Publication mode for the figures on screen in this run."""
    if st.session_state.get(FORCED_KEY) == _page_hash() or not may_switch_off():
        return True
    return bool(st.session_state.get(TOGGLE_KEY, True))


def exports_protected() -> bool:
    """Downloads stay protected unless the operator explicitly allowed otherwise."""
    return is_on() or not publication.exports_unprotected_allowed()


@dataclass
class Shown:
    """A metric frame as the page shows it: `frame` for charts (NaN where withheld), tables and exports."""

    raw: pd.DataFrame
    published: publication.Published | None  # None: a frame that needs no protection (no person counts)
    on_screen_protected: bool

    @classmethod
    def plain(cls, frame: pd.DataFrame) -> "Shown":
        """A frame shown as it is (e.g. a comparison already built from protected figures)."""
        return cls(frame, None, False)

    @property
    def frame(self) -> pd.DataFrame:
        """Values for charts: the protected values (withheld = NaN) or the raw ones."""
        if not self.on_screen_protected or self.published is None:
            return self.raw
        out = self.published.frame.copy()
        for col, kind in self.published.kinds.items():
            if kind in ("count", "rate", "number") and col in out:
                out[col] = out[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        return out

    @property
    def footnote(self) -> str | None:
        if self.published is None or not self.on_screen_protected:
            return None
        return self.published.footnote  # the * rule and/or the rounding rule

    def export_frame(self) -> pd.DataFrame:
        """Values for downloads: numbers, '*' where withheld, '/' where a share of rounded counts is not shown
        (when exports are protected)."""
        if self.published is None or not exports_protected():
            return self.raw
        text = self.published.frame.astype(object).copy()
        mask = self.published.suppressed.reindex(columns=text.columns, fill_value=False)
        text = text.mask(mask, SUPPRESSION_SYMBOL)
        unreliable = self.published.unreliable.reindex(columns=text.columns, fill_value=False)
        return text.mask(unreliable, UNRELIABLE_SYMBOL)  # a share of rounded counts on too small a base


_PUBLISHED = Memo(512)  # (id(raw), id(selection), publish, args) -> (weak refs to both, Published)


def _published(raw: pd.DataFrame, publish: Callable, headline, args: tuple):
    """publish(raw, headline, *args) once per (metric frame, selection) objects: the frames and selections are
    shared per (data version, filters) by all sessions (biwaq_data.figures.memo), so their protected version is
    too. The objects' identity is checked with weak references (an id reused by a new object is a miss)."""
    try:
        refs = (weakref.ref(raw), weakref.ref(headline))
    except TypeError:  # not weak-referenceable (e.g. a plain dict): nothing to share
        return publish(raw, headline, *args)
    key = (id(raw), id(headline), publish, args)

    def compute():
        return refs, publish(raw, headline, *args)
    (raw_ref, headline_ref), result = _PUBLISHED.get(key, compute)
    if raw_ref() is not raw or headline_ref() is not headline:  # a dead object's id, reused
        result = publish(raw, headline, *args)
        _PUBLISHED.put(key, (refs, result))
    return result


def show(raw: pd.DataFrame, publish: Callable[..., publication.Published], headline: dict, *args) -> Shown:
    """Pair a metric frame with its protected version (publish = one of publication.publish_*), the protected
    version computed once per shared (frame, selection) for all sessions."""
    return Shown(raw, _published(raw, publish, headline, tuple(args)), is_on())


def figures(headline: dict):
    """The headline figures as shown: protected (PublishedFigures) or raw."""
    return publication.publish_headline(headline) if is_on() else headline
