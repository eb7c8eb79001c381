"""Orders: who bought what from which shop, when, and how it travelled.

Orders are generated in chunks of consecutive order numbers. Creation times increase with
the order number (see :func:`clock.order_times`), so a chunk covers a stretch of time.
Planned times (paid, shipped, delivered) are kept even past :data:`clock.END` so that
access generators can use them; :meth:`OrderChunk.table` nulls what had not happened yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ordermoat.simulate import clock, hashing
from ordermoat.simulate.catalog import catalog
from ordermoat.simulate.columns import id_strings, join, money, take, timestamps
from ordermoat.simulate.geo import addresses, districts_of
from ordermoat.simulate.parties import Marketplace
from ordermoat.simulate.people import mobiles, names

__all__ = ["OrderChunk", "make_orders", "STATUSES", "ORDER_COLUMNS", "order_ids"]

STATUSES = ("cancelled", "paid", "shipped", "delivered", "refunded")
ORDER_COLUMNS = (
    "order_id", "shop_id", "buyer_id", "buyer_name", "buyer_phone", "address", "item_title",
    "amount", "created_at", "paid_at", "shipped_at", "delivered_at", "carrier_id", "courier_id",
    "tracking_no", "status",
)  # fmt: skip


def order_ids(index: np.ndarray) -> pa.Array:
    """The order id of each order number."""
    return id_strings("o", index, 9)


@dataclass
class OrderChunk:
    """Consecutive orders as columns of numbers; ``paid`` is False for abandoned orders."""

    seed: int
    index: np.ndarray
    buyer: np.ndarray
    district: np.ndarray
    shop: np.ndarray
    item: np.ndarray
    amount: np.ndarray  # cents
    carrier: np.ndarray
    courier: np.ndarray
    privacy: np.ndarray  # the carrier hides name and phone from couriers
    paid: np.ndarray
    created_at: np.ndarray
    paid_at: np.ndarray
    shipped_at: np.ndarray  # planned; may be past END
    delivered_at: np.ndarray
    refunded: np.ndarray
    dispute: np.ndarray

    def __len__(self) -> int:
        return len(self.index)

    def table(self, market: Marketplace) -> pa.Table:
        """The contract's ``orders`` columns."""
        s = self.seed
        shipped = self.paid & (self.shipped_at < clock.END)
        delivered = shipped & (self.delivered_at < clock.END)
        status = np.where(~self.paid, 0, np.where(~shipped, 1, np.where(~delivered, 2, np.where(self.refunded, 4, 3))))
        tracking = join(
            take(list(market.carrier_codes), self.carrier),
            pa.array(7_000_000_000_000 + hashing.below(self.index, hashing.salt(s, "tracking"), 10**12)).cast(pa.string()),
        )
        return pa.table(
            {
                "order_id": order_ids(self.index),
                "shop_id": take(market.shop_ids, self.shop),
                "buyer_id": id_strings("b", self.buyer, 8),
                "buyer_name": names(self.buyer, hashing.salt(s, "buyer-name")),
                "buyer_phone": mobiles(self.buyer, hashing.salt(s, "buyer-phone")),
                "address": addresses(self.buyer, self.district, hashing.salt(s, "buyer-address")),
                "item_title": take(list(catalog().titles), self.item),
                "amount": money(self.amount),
                "created_at": timestamps(self.created_at),
                "paid_at": timestamps(self.paid_at, self.paid),
                "shipped_at": timestamps(self.shipped_at, shipped),
                "delivered_at": timestamps(self.delivered_at, delivered),
                "carrier_id": pa.array(take(market.carrier_ids, self.carrier).to_numpy(zero_copy_only=False), mask=~self.paid),
                "courier_id": pa.array(take(market.actor_ids, self.courier).to_numpy(zero_copy_only=False), mask=~self.paid),
                "tracking_no": pa.array(tracking.to_numpy(zero_copy_only=False), mask=~shipped),
                "status": take(list(STATUSES), status),
            }
        )


def make_orders(market: Marketplace, seed: int, total: int, lo: int, hi: int, chunk_no: int) -> OrderChunk:
    """Orders number ``lo`` to ``hi - 1`` of ``total``."""
    rng = np.random.default_rng([seed, 2, chunk_no])
    n = hi - lo
    index = np.arange(lo, hi, dtype=np.int64)
    created = clock.order_times(index, total, rng.random(n))
    n_buyers = max(50, int(total * 0.55))
    buyer = rng.integers(0, n_buyers, n)
    district = districts_of(buyer, hashing.salt(seed, "buyer-district"))
    shop = np.minimum(np.searchsorted(np.cumsum(market.shop_weight), rng.random(n)), len(market.shop_ids) - 1)
    cat = catalog()
    item = cat.items_in(market.shop_category[shop], rng.random(n))
    qty = 1 + (rng.random(n) < 0.15) + (rng.random(n) < 0.05)
    amount = cat.prices(item, rng.random(n)) * qty
    carrier = np.where(rng.random(n) < 0.85, market.shop_carriers[shop, 0], market.shop_carriers[shop, 1])
    paid = rng.random(n) < 0.975
    paid_at = created + np.minimum(rng.lognormal(np.log(60.0), 1.0, n), 1800).astype(np.int64) + 5
    shipped = clock.into_hours(paid_at + (rng.uniform(0.2, 2.2, n) * clock.DAY).astype(np.int64), 8, 19, rng.random(n))
    delivered = clock.into_hours(shipped + (rng.uniform(0.8, 3.8, n) * clock.DAY).astype(np.int64), 9, 20.5, rng.random(n))
    return OrderChunk(
        seed=seed,
        index=index,
        buyer=buyer,
        district=district,
        shop=shop,
        item=item,
        amount=amount,
        carrier=carrier,
        courier=market.courier_of[carrier, district],
        privacy=market.carrier_privacy[carrier],
        paid=paid,
        created_at=created,
        paid_at=paid_at,
        shipped_at=shipped,
        delivered_at=delivered,
        refunded=rng.random(n) < 0.03,
        dispute=paid & (rng.random(n) < 0.04),
    )
