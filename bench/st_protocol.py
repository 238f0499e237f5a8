"""A Streamlit session driven at the protocol level, without a browser: what Streamlit's frontend
does over `/_stcore/stream`, for the load bench (bench/load_protocol.py) and its test.

The frontend's part of the protocol (Streamlit 1.67, read from streamlit/web/server/starlette/
starlette_websocket.py, runtime/app_session.py, runtime/state/session_state.py and query_params.py):

- the page is fetched first (GET); behind nginx that answer sets the `sourcing_route` cookie which
  the WebSocket then carries, so the proxy keeps the buyer on one process;
- the WebSocket is opened with the subprotocol "streamlit" (its later entries, an XSRF token and a
  session id to resume, are only for signed-in users and reconnections);
- every BackMsg is a `rerun_script` ClientState: the query string of the page's URL, the page
  script hash (empty on the first visit of "/", then the one the `navigation` ForwardMsg names),
  the widget states the frontend holds, `is_auto_rerun` False (a buyer's action), the hashes of
  the cacheable messages already received (the server then sends a `ref_hash` instead), and the
  browser's context (locale, time zone, URL);
- a widget is found by its user key: its id is `$$ID-<hash>-<key>`; a checkbox's value is a
  `bool_value`, a text box's a `string_value`, a button click a `trigger_value` (sent once), a grid's
  row selection a `string_value` holding the JSON `{"selection": {"rows": [...], ...}}`;
- a widget bound to the URL (`bind="query-params"`) is written to the query string by the frontend
  (`key=true` when a checkbox is ticked, removed at its default), so the next rerun sends it;
- the server answers with one ForwardMsg per binary frame: `new_session`, the deltas of the page
  (each element in full, or a `ref_hash` to a cacheable one sent before), `script_finished`.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

ROUTE_COOKIE = "sourcing_route"  # deploy/nginx.conf's sticky key
ID_PREFIX = "$$ID-"


class ProtocolError(RuntimeError):
    """The app answered something a browser would show as an error (an exception, a closed stream)."""


@dataclass
class Run:
    """What one script run sent: the texts of its elements, its widgets by user key, and when
    (seconds after the BackMsg) each watched text first appeared and the run finished."""

    texts: list[str] = field(default_factory=list)
    widgets: dict[str, object] = field(default_factory=dict)  # user key -> the element's widget proto
    seen_s: dict[str, float] = field(default_factory=dict)  # watched text -> seconds to its first element
    finished_s: float = float("nan")
    exceptions: list[str] = field(default_factory=list)

    def text_with(self, fragment: str) -> str | None:
        return next((t for t in self.texts if fragment in t), None)


def _widget_key(widget_id: str) -> str | None:
    """The user key of a widget id `$$ID-<hash>-<key>` (None for a widget without a key)."""
    if not widget_id.startswith(ID_PREFIX):
        return None
    parts = widget_id[len(ID_PREFIX) :].split("-", 1)
    return parts[1] if len(parts) == 2 and parts[1] != "None" else None


def page_cookie(url: str) -> str:
    """GET the page as a browser does first; the `sourcing_route` cookie the proxy set ("" without proxy)."""
    with urllib.request.urlopen(url, timeout=60) as answer:
        answer.read()
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == ROUTE_COOKIE:
                return f"{ROUTE_COOKIE}={rest.split(';', 1)[0]}"
    return ""


class Session:
    """One buyer's Streamlit session over its own WebSocket (open with `await Session.open(url)`)."""

    def __init__(self, ws: ClientConnection, url: str) -> None:
        self.ws, self.url = ws, url
        self.page_hash = ""  # "" on the first visit of "/", then the page the navigation names
        self.query: dict[str, str] = {}  # the page URL's query string (widgets bound to the URL)
        self.states: dict[str, WidgetState] = {}  # the values the frontend holds, by widget id
        self.cache: dict[str, ForwardMsg] = {}  # cacheable messages received, by hash
        self.widgets: dict[str, object] = {}  # the last run's widgets, by user key

    @classmethod
    async def open(cls, url: str, timeout_s: float = 120) -> Session:
        cookie = page_cookie(url)
        parts = urlsplit(url)
        ws = await connect(
            f"ws://{parts.netloc}/_stcore/stream", subprotocols=[Subprotocol("streamlit")],
            additional_headers={"Cookie": cookie} if cookie else None, max_size=None, open_timeout=timeout_s,
        )  # fmt: skip
        return cls(ws, url)

    async def close(self) -> None:
        await self.ws.close()

    # --- Widgets, as the frontend sets them ---------------------------------------------------------

    def widget_id(self, key: str) -> str:
        widget = self.widgets.get(key)
        if widget is None:
            raise ProtocolError(f"no widget with key {key!r} in the last run")
        return widget.id

    def set_bool(self, key: str, value: bool) -> None:
        """Tick or untick a checkbox; a checkbox bound to the URL writes `key=true` there (removed at its default)."""
        state = WidgetState(id=self.widget_id(key), bool_value=value)
        self.states[state.id] = state
        param = getattr(self.widgets[key], "query_param_key", "")
        if param:
            if value != self.widgets[key].default:
                self.query[param] = str(value).lower()
            else:
                self.query.pop(param, None)

    def set_text(self, key: str, value: str) -> None:
        state = WidgetState(id=self.widget_id(key), string_value=value)
        self.states[state.id] = state

    def select_rows(self, key: str, rows: list[int]) -> None:
        """Check rows of a grid (st.dataframe with on_select)."""
        selection = {"selection": {"rows": rows, "columns": [], "cells": []}}
        state = WidgetState(id=self.widget_id(key), string_value=json.dumps(selection))
        self.states[state.id] = state

    def click(self, key: str) -> WidgetState:
        """A button click: a trigger, sent with the next rerun only."""
        return WidgetState(id=self.widget_id(key), trigger_value=True)

    # --- Reruns ---------------------------------------------------------------------------------

    def _back_msg(self, triggers: list[WidgetState]) -> bytes:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = urlencode(self.query)
        client.page_script_hash = self.page_hash
        client.is_auto_rerun = False
        client.widget_states.widgets.extend([*self.states.values(), *triggers])
        client.cached_message_hashes.extend(self.cache)
        info = client.context_info
        info.timezone, info.timezone_offset, info.locale = "Europe/Paris", -60, "fr-FR"
        info.url, info.is_embedded, info.color_scheme = self.url, False, "light"
        return msg.SerializeToString()

    async def rerun(
        self, watch: tuple[str, ...] = (), triggers: list[WidgetState] | None = None, timeout_s: float = 300
    ) -> Run:
        """Send a rerun with the current widget states (and `triggers`); read until the run is over
        (a `script_finished` other than "stopped early for a rerun", which st.rerun() sends)."""
        run, start = Run(), time.perf_counter()
        await self.ws.send(self._back_msg(triggers or []))
        while True:
            frame = await self._recv(timeout_s - (time.perf_counter() - start))
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                msg = self.cache.get(msg.ref_hash, msg)
                kind = msg.WhichOneof("type")
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = msg
            if kind == "navigation" and msg.navigation.page_script_hash:
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = dict(parse_qsl(msg.page_info_changed.query_string, keep_blank_values=True))
            elif kind == "delta":
                self._read_delta(msg, run, time.perf_counter() - start, watch)
            elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                run.finished_s = time.perf_counter() - start
                break
        self.widgets = run.widgets
        self.states = {i: s for i, s in self.states.items() if any(w.id == i for w in run.widgets.values())}
        if run.exceptions:
            raise ProtocolError("; ".join(run.exceptions))
        return run

    async def _recv(self, timeout_s: float) -> bytes:
        try:
            frame = await asyncio.wait_for(self.ws.recv(), timeout=max(0.1, timeout_s))
        except TimeoutError as exc:
            raise ProtocolError("the script run did not finish in time") from exc
        if isinstance(frame, str):
            raise ProtocolError("text frame from the server")
        return frame

    @staticmethod
    def _read_delta(msg: ForwardMsg, run: Run, elapsed: float, watch: tuple[str, ...]) -> None:
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            return
        proto = getattr(element, kind)
        widget_id = getattr(proto, "id", "")
        if isinstance(widget_id, str) and (key := _widget_key(widget_id)):
            run.widgets[key] = proto
        body = getattr(proto, "body", None)
        if isinstance(body, str) and body:
            run.texts.append(body)
            for fragment in watch:
                if fragment in body and fragment not in run.seen_s:
                    run.seen_s[fragment] = elapsed
