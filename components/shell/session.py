"""What the page keeps between reruns, each key once, typed: `session.<name>` reads and writes it.

`st.session_state` holds two kinds of values. The settings table's widgets (`models.settings`)
keep theirs under their links' names; `components.shell.state` moves them to and from the URL.
Everything else is here: the page's own memory (the runs it watches, the CSV it read, what the
link said) and the widgets whose values other views read. A widget keeps its value in a slot
when drawn with `key=Session.<name>.key`. A slot's attribute name is its key in session state,
so tests and Streamlit's own `AppTest` can name it as the page does.
"""

from __future__ import annotations

import copy
from typing import Any, Generic, TypeVar

import streamlit as st

T = TypeVar("T")


class Slot(Generic[T]):
    """One session-state key with its default (copied on read, so a list default is never
    shared between sessions)."""

    def __init__(self, default: T):
        self.default = default
        self.key = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    def __get__(self, session: Session | None, owner: type | None = None) -> Any:
        if session is None:  # `Session.<name>`: the slot itself, for its key
            return self
        state = st.session_state
        return state[self.key] if self.key in state else copy.copy(self.default)

    def __set__(self, session: Session, value: T) -> None:
        st.session_state[self.key] = value

    def __delete__(self, session: Session) -> None:
        st.session_state.pop(self.key, None)

    def get(self) -> T:
        """The value, for code handed the slot itself (`Session.<name>`)."""
        return self.__get__(session)

    def set(self, value: T) -> None:
        st.session_state[self.key] = value

    def is_set(self) -> bool:
        return self.key in st.session_state

    def ensure(self) -> T:
        """The value, storing the default first if there is none (a widget's first value)."""
        return st.session_state.setdefault(self.key, copy.copy(self.default))

    def take(self) -> T:
        """The value, once: the slot is emptied (a message shown on one rerun only)."""
        return st.session_state.pop(self.key, copy.copy(self.default))


class Session:
    """Every key the page's views share. Types are in the comments where `Any` is declared: a
    slot holds page objects the shell must not import (batches, tables, analyses)."""

    # The link, read once per session (components.shell.state).
    initialised = Slot(False)
    url_spec = Slot(None)  # ModelSpec the link described
    url_warnings = Slot([])  # list[str]: what the link got wrong, shown until settings change
    # The model settings (components.shell.sidebar, components.shell.page).
    list_values = Slot({})  # field -> the list its comma text last parsed to
    list_problems = Slot({})  # field -> why its text does not parse
    last_good_spec = Slot(None)  # ModelSpec: the last spec that could be built
    stage_k = Slot(0)  # widget: the stage's k slider, which follows the sidebar's
    # Views and switches other views read.
    tab = Slot("")  # widget (TAB_KEY): the open tab's label
    view = Slot("layers")  # widget: the graph's view
    layout = Slot("TB")  # widget: the graph's direction
    present = Slot(False)  # widget: presenter mode
    graph_places = Slot({})  # graph name -> (digest of its DOT text, whether it moved)
    diff_on = Slot(False)  # widget: compare the model with another configuration
    diff_variant = Slot("")  # widget
    diff_k = Slot(0)  # widget
    conflict_colouring = Slot(True)  # widget: colour the graph by the last run's conflict
    # The visitor and their runs (components.shell.runs).
    visitor_id = Slot("")
    train_batch = Slot(None)  # Batch: the Train tab's run
    cmp_batch = Slot(None)  # Batch: Compare's list
    cmp_sweep = Slot(None)  # Batch: the sweep over k
    cmp_groups = Slot(None)  # Batch: a grouping test (the oracle, a tree, the methods)
    refusals = Slot({})  # batch slot key -> why its last start was refused
    train_runs = Slot(0)  # Train clicks so far: numbers each run's label
    log_scale = Slot(True)  # widget: the loss charts' y axis
    track_conflict = Slot(True)  # widget: measure gradient conflict during runs
    conflict_pairs = Slot(False)  # widget: one line per task pair, not their mean
    conflict_colours = Slot(None)  # (ModelSpec, ((layer, mean cosine), ...)) of the last run
    last_affinity = Slot(None)  # the Train tab's last measured affinity matrix (numpy)
    # Compare.
    cmp_configs = Slot(None)  # list[Configuration] on the list, None before the tab drew it
    cmp_link = Slot(())  # the link's (variant, k) pairs for that list
    cmp_message = Slot(None)  # str: why the last change to the list did not happen
    cmp_colours = Slot({})  # spec -> its colour, kept while it stays on the list
    cmp_variant = Slot("")  # widget: the variant to add
    cmp_k = Slot(99)  # widget: its k (first shown as the variant's largest, once clamped)
    cmp_log = Slot(True)  # widget
    cmp_per_task = Slot(False)  # widget
    cmp_groups_about = Slot({})  # what the grouping batch tests: {"kind", "text", "marked"}
    # Own data (components.data.source).
    data_source = Slot("toy")  # widget: "toy" or "csv"
    csv_upload = Slot(None)  # widget: the uploaded file
    csv_table = Slot(None)  # Table read from it
    csv_name = Slot("")
    csv_digest = Slot("")
    csv_error = Slot("")  # why the last file was refused
    csv_columns = Slot([])  # widget: the columns forecast as tasks
    csv_extra = Slot([])  # widget: the columns read as inputs only
    csv_missing = Slot("fill")  # widget: what to do with missing values
    # Your model (components.upload).
    upload_file = Slot(None)  # widget: the uploaded .keras file
    upload_source = Slot("")  # what the analysis below was made from
    upload_outcome = Slot(None)  # AnalysedFile
    upload_view = Slot("layers")  # widget
    upload_layout = Slot("TB")  # widget


session = Session()
