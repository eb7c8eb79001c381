"""A batch of access events as columns, and its conversion to the contract's ``access`` table.

Each event lists orders by position in the current :class:`~.orders.OrderChunk`
(``pos[offsets[i]:offsets[i+1]]``), so single-order reads and bulk reads share one shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ordermoat.domain import ORDER_FIELDS, Operation, mask_fields
from ordermoat.simulate.columns import id_strings, list_column, take, timestamps

__all__ = ["Events", "OPS", "op", "ACCESS_COLUMNS"]

OPS: tuple[str, ...] = tuple(o.value for o in Operation)
ACCESS_COLUMNS = ("ts", "actor_id", "order_ids", "operation", "fields", "ip", "device_id", "app_id", "url", "event_id")
_URL = {
    "view": "https://seller.mall.example/trade/detail",
    "list": "https://seller.mall.example/trade/list",
    "search": "https://admin.mall.example/trade/search",
    "print": "https://seller.mall.example/waybill/print",
    "export": "https://seller.mall.example/trade/export",
    "decrypt": "https://seller.mall.example/trade/decrypt",
    "api_pull": "https://open.mall.example/router/rest?method=trade.fullinfo.get",
}
_FIELD_LISTS = pa.array([mask_fields(m) for m in range(1 << len(ORDER_FIELDS))], pa.list_(pa.string()))


def op(name: str) -> int:
    """The code of an operation name."""
    return OPS.index(name)


@dataclass
class Events:
    ts: np.ndarray
    actor: np.ndarray
    op: np.ndarray
    mask: np.ndarray
    offsets: np.ndarray  # len(ts) + 1
    pos: np.ndarray

    def __len__(self) -> int:
        return len(self.ts)

    @classmethod
    def single(cls, ts: np.ndarray, actor: np.ndarray, op_code: int, mask: np.ndarray | int, pos: np.ndarray) -> Events:
        """One event per order position."""
        n = len(ts)
        return cls(
            ts=np.asarray(ts, dtype=np.int64),
            actor=np.broadcast_to(np.asarray(actor, dtype=np.int64), (n,)).copy(),
            op=np.full(n, op_code, dtype=np.int8),
            mask=np.broadcast_to(np.asarray(mask, dtype=np.int8), (n,)).copy(),
            offsets=np.arange(n + 1, dtype=np.int64),
            pos=np.asarray(pos, dtype=np.int64),
        )

    @classmethod
    def grouped(
        cls, key: np.ndarray, ts: np.ndarray, actor: np.ndarray, op_code: int, mask: np.ndarray | int, pos: np.ndarray
    ) -> Events:
        """One event per distinct ``key``, listing its orders, at the latest of their ``ts``.

        The actor and mask of an event are those of its first order.
        """
        n = len(key)
        if n == 0:
            return cls.empty()
        order = np.argsort(key, kind="stable")
        k = key[order]
        starts = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]]))
        masks = np.broadcast_to(np.asarray(mask, dtype=np.int8), (n,))[order]
        return cls(
            ts=np.maximum.reduceat(np.asarray(ts, dtype=np.int64)[order], starts),
            actor=np.broadcast_to(np.asarray(actor, dtype=np.int64), (n,))[order][starts],
            op=np.full(len(starts), op_code, dtype=np.int8),
            mask=masks[starts],
            offsets=np.append(starts, n).astype(np.int64),
            pos=np.asarray(pos, dtype=np.int64)[order],
        )

    @classmethod
    def empty(cls) -> Events:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z.astype(np.int8), z.astype(np.int8), np.zeros(1, dtype=np.int64), z)

    @classmethod
    def concat(cls, parts: list[Events]) -> Events:
        sizes = [len(p.pos) for p in parts]
        shift = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        return cls(
            ts=np.concatenate([p.ts for p in parts]),
            actor=np.concatenate([p.actor for p in parts]),
            op=np.concatenate([p.op for p in parts]),
            mask=np.concatenate([p.mask for p in parts]),
            offsets=np.concatenate([[0]] + [p.offsets[1:] + s for p, s in zip(parts, shift, strict=True)]),
            pos=np.concatenate([p.pos for p in parts]),
        )

    def keep(self, sel: np.ndarray) -> Events:
        """The events where ``sel`` is True."""
        lengths = np.diff(self.offsets)
        return Events(
            ts=self.ts[sel],
            actor=self.actor[sel],
            op=self.op[sel],
            mask=self.mask[sel],
            offsets=np.concatenate([[0], np.cumsum(lengths[sel])]).astype(np.int64),
            pos=self.pos[np.repeat(sel, lengths)],
        )

    def sorted(self) -> Events:
        """The same events in time order."""
        order = np.argsort(self.ts, kind="stable")
        lengths = np.diff(self.offsets)[order]
        starts = self.offsets[:-1][order]
        new_offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        gather = np.repeat(starts - new_offsets[:-1], lengths) + np.arange(new_offsets[-1])
        return Events(self.ts[order], self.actor[order], self.op[order], self.mask[order], new_offsets, self.pos[gather])

    def exploded(self) -> tuple[np.ndarray, np.ndarray]:
        """``(event index, order position)`` for every order listed."""
        return np.repeat(np.arange(len(self.ts)), np.diff(self.offsets)), self.pos

    def table(self, order_id: pa.Array, market_ip: pa.Array, device: pa.Array, app: pa.Array,
              actor_ids: pa.Array, first_event: int) -> pa.Table:  # fmt: skip
        """The contract's ``access`` columns; event ids count up from ``first_event``."""
        ops = take(list(OPS), self.op)
        return pa.table(
            {
                "ts": timestamps(self.ts),
                "actor_id": take(actor_ids, self.actor),
                "order_ids": list_column(self.offsets, take(order_id, self.pos)),
                "operation": ops,
                "fields": _FIELD_LISTS.take(pa.array(self.mask.astype(np.int64))),
                "ip": take(market_ip, self.actor),
                "device_id": take(device, self.actor),
                "app_id": take(app, self.actor),
                "url": take([_URL[o] for o in OPS], self.op),
                "event_id": id_strings("ev", first_event + np.arange(len(self.ts)), 10),
            }
        )
