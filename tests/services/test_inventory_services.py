"""Available to promise, channel routing, distances and bundles: the pure services."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from commercegraph.adapters.base import (
    BundleComponentRecord,
    BundleRecord,
    LocationRecord,
    StockRecord,
)
from commercegraph.services.bundles import (
    FIXED,
    MIX_AND_MATCH,
    bundle_discount,
    bundle_stock,
    mine_itemsets,
    percent_of,
    sets_available,
)
from commercegraph.services.geo import distance_km
from commercegraph.services.inventory import (
    IN_STOCK,
    LOW_STOCK,
    OUT_OF_STOCK,
    available_to_promise,
    can_fill,
    compute_availability,
    online_units,
    serves_online,
    shipping_locations,
    sites,
    stock_status,
)


def loc(
    id: str, kind: str = "STORE", lat: float = 0.0, lon: float = 0.0, *, ship: bool, pickup: bool
) -> LocationRecord:
    return LocationRecord(id, id.title(), kind, lat, lon, "test", "1 Test St", ship, pickup)


WAREHOUSE = loc("wh", "WAREHOUSE", 45.6048, -122.7460, ship=True, pickup=False)
DOWNTOWN = loc("downtown", "STORE", 45.5190, -122.6790, ship=True, pickup=True)
PEARL = loc("pearl", "STORE", 45.5285, -122.6826, ship=False, pickup=True)
BEAVERTON = loc("beaverton", "STORE", 45.4871, -122.8037, ship=True, pickup=True)
LOCATIONS = [BEAVERTON, DOWNTOWN, PEARL, WAREHOUSE]


def test_atp_is_on_hand_less_reserved_less_safety_stock_never_below_zero() -> None:
    assert available_to_promise(StockRecord("A", "x", 10, 3, 2)) == 5
    assert available_to_promise(StockRecord("A", "x", 10, 8, 2)) == 0
    assert available_to_promise(StockRecord("A", "x", 3, 5, 1)) == 0  # oversold feed: 0, not -3


@pytest.mark.parametrize(
    ("atp", "threshold", "status"),
    [
        (0, 5, OUT_OF_STOCK),
        (1, 5, LOW_STOCK),
        (5, 5, LOW_STOCK),
        (6, 5, IN_STOCK),
        (1, 0, IN_STOCK),
    ],
)
def test_stock_status_uses_the_product_threshold(atp: int, threshold: int, status: str) -> None:
    assert stock_status(atp, threshold) == status


def test_channel_routing_comes_from_configuration() -> None:
    routing = {"WEB": ["WAREHOUSE", "STORE"], "MARKETPLACE": ["WAREHOUSE"], "STORE": []}
    assert serves_online(DOWNTOWN, "WEB", routing)
    assert not serves_online(PEARL, "WEB", routing)  # a store that does not ship
    assert not serves_online(DOWNTOWN, "MARKETPLACE", routing)
    assert serves_online(WAREHOUSE, "MARKETPLACE", routing)
    assert not serves_online(WAREHOUSE, "STORE", routing)
    assert not serves_online(WAREHOUSE, "CALL_CENTER", routing)  # unrouted channel
    by_id = {"WEB": ["beaverton", "WAREHOUSE"]}
    assert [x.id for x in shipping_locations(LOCATIONS, "WEB", by_id)] == ["beaverton", "wh"]
    assert [x.id for x in shipping_locations(LOCATIONS, "WEB", routing)] == [
        "wh",
        "beaverton",
        "downtown",
    ]


def test_online_availability_sums_only_routed_locations() -> None:
    stock = [
        StockRecord("A", "wh", 100, 0, 0),
        StockRecord("A", "downtown", 5, 0, 0),
        StockRecord("A", "pearl", 7, 0, 0),
    ]
    common = {"pickup_radius_km": 25.0}
    web = compute_availability(
        stock, LOCATIONS, channel="WEB", routing={"WEB": ["STORE"]}, **common
    )
    assert web.online_atp == 5  # downtown ships, pearl does not, the warehouse is not routed
    market = compute_availability(
        stock, LOCATIONS, channel="MARKETPLACE", routing={"MARKETPLACE": ["WAREHOUSE"]}, **common
    )
    assert market.online_atp == 100


@pytest.mark.parametrize("channel", ["WEB", "MARKETPLACE", "STORE", "CALL_CENTER", "KIOSK"])
@pytest.mark.parametrize(
    "routing", [None, {"WEB": ["STORE"], "MARKETPLACE": ["wh"], "STORE": []}, {"WEB": []}]
)
def test_online_units_is_the_online_part_of_availability(
    channel: str, routing: dict[str, list[str]] | None
) -> None:
    stock = [
        StockRecord("A", "wh", 100, 10, 5),
        StockRecord("A", "downtown", 5, 1, 0),
        StockRecord("A", "pearl", 7, 0, 0),
        StockRecord("A", "beaverton", 2, 4, 0),  # oversold: counts as 0, not -2
        StockRecord("A", "closed", 50, 0, 0),  # a location no longer in the list
    ]
    whole = compute_availability(
        stock, LOCATIONS, channel=channel, routing=routing, pickup_radius_km=25.0
    )
    assert online_units(stock, LOCATIONS, channel=channel, routing=routing) == whole.online_atp


@pytest.mark.parametrize("channel", ["WEB", "MARKETPLACE", "STORE"])
@pytest.mark.parametrize("routing", [None, {"WEB": ["STORE"], "MARKETPLACE": ["wh"]}])
@pytest.mark.parametrize("near", [None, (45.52, -122.68)])
def test_sites_worked_out_once_answer_as_each_product_alone(
    channel: str, routing: dict[str, list[str]] | None, near: tuple[float, float] | None
) -> None:
    at = sites(LOCATIONS, channel, routing)
    stocks = [
        [StockRecord("A", "wh", 100, 10, 5), StockRecord("A", "downtown", 5, 1, 0)],
        [StockRecord("B", "pearl", 7, 0, 0), StockRecord("B", "beaverton", 2, 4, 0)],
        [StockRecord("C", "beaverton", 3, 0, 0), StockRecord("C", "downtown", 9, 0, 0)],
        [],
    ]
    for stock in stocks:
        common: dict[str, Any] = {"channel": channel, "routing": routing}
        alone = compute_availability(
            stock, LOCATIONS, near=near, radius_km=None, pickup_radius_km=5.0, **common
        )
        shared = compute_availability(
            stock, LOCATIONS, near=near, radius_km=None, pickup_radius_km=5.0, at=at, **common
        )
        assert shared == alone
        assert online_units(stock, LOCATIONS, at=at, **common) == online_units(
            stock, LOCATIONS, **common
        )


def test_can_fill_needs_every_sku_at_one_location() -> None:
    stock = {
        "A": [StockRecord("A", "downtown", 3, 0, 0), StockRecord("A", "wh", 10, 0, 0)],
        "B": [StockRecord("B", "wh", 1, 0, 1)],
    }
    assert can_fill(stock, "wh", {"A": 10})
    assert not can_fill(stock, "wh", {"A": 1, "B": 1})  # B's only unit is safety stock
    assert not can_fill(stock, "downtown", {"A": 4})


def test_great_circle_distance_matches_known_city_pairs() -> None:
    # London-Paris 343.5 km, Portland-Seattle 233.6 km (published great-circle figures).
    assert distance_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)
    assert distance_km(45.5152, -122.6784, 47.6062, -122.3321) == pytest.approx(233.6, abs=1.0)
    assert distance_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088, rel=1e-9)


def test_stores_with_stock_are_ordered_by_distance_from_near() -> None:
    stock = [StockRecord("A", x.id, 4, 0, 0) for x in LOCATIONS]
    near_downtown = (45.5190, -122.6790)
    result = compute_availability(
        stock, LOCATIONS, channel="WEB", near=near_downtown, pickup_radius_km=25.0
    )
    names = [s.location.id for s in result.stores]
    assert names == ["downtown", "pearl", "beaverton"]  # 0 km, 1.1 km, 10 km; no warehouse
    assert result.stores[0].distance_km == pytest.approx(0.0, abs=1e-9)
    assert result.stores[1].distance_km == pytest.approx(1.08, abs=0.05)
    assert result.pickup_eligible
    far = compute_availability(
        stock, LOCATIONS, channel="WEB", near=(47.6062, -122.3321), pickup_radius_km=25.0
    )
    assert not far.pickup_eligible  # Seattle is 230 km from every store


KIT = BundleRecord(
    "kit",
    "Kit",
    FIXED,
    (BundleComponentRecord("p1", "SHOE", 1), BundleComponentRecord("p2", "BAR", 2)),
    discount_percent=10,
)
TRIO = BundleRecord(
    "trio",
    "Any 3",
    MIX_AND_MATCH,
    tuple(BundleComponentRecord(f"c{i}", f"COF{i}", 1) for i in range(3)),
    discount_percent=15,
    pick_count=3,
)


def test_bundle_sets_are_the_minimum_over_components_of_atp_over_quantity() -> None:
    assert sets_available(KIT, {"SHOE": 4, "BAR": 5}) == 2
    assert sets_available(KIT, {"SHOE": 4}) == 0  # one component missing
    assert sets_available(TRIO, {"COF0": 4, "COF1": 1, "COF2": 2}) == 2  # any 3 of 7 units


def test_bundle_stock_at_a_store_missing_one_component_is_zero() -> None:
    stock = {
        "SHOE": [StockRecord("SHOE", "downtown", 3, 0, 0), StockRecord("SHOE", "pearl", 3, 0, 0)],
        "BAR": [StockRecord("BAR", "downtown", 9, 1, 0)],
    }
    rows = {r.location_id: r.on_hand for r in bundle_stock(KIT, stock, [DOWNTOWN, PEARL])}
    assert rows == {"downtown": 3, "pearl": 0}


def test_bundle_discount_counts_whole_sets_only() -> None:
    assert percent_of(1005, 10) == 101  # half rounds up
    one_set = [("SHOE", 1, 10000), ("BAR", 2, 250)]
    assert bundle_discount(KIT, one_set) == 1050
    assert bundle_discount(KIT, [("SHOE", 1, 10000), ("BAR", 1, 250)]) == 0
    assert bundle_discount(KIT, [("SHOE", 3, 10000), ("BAR", 4, 250)]) == 2100
    # Mix and match: 4 units make one set of 3, discounted on the 3 cheapest.
    assert bundle_discount(TRIO, [("COF0", 2, 1000), ("COF1", 1, 600), ("COF2", 1, 800)]) == 360


def test_mining_finds_pairs_and_triples_with_support_and_lift() -> None:
    baskets = (
        [["A", "B", "C"]] * 6 + [["A", "B"]] * 4 + [["D"]] * 8 + [["A", "D"]] * 2 + [["E", "F"]] * 1
    )  # 21 orders
    found = {s.skus: s for s in mine_itemsets(baskets, min_support=0.1, min_lift=1.0, min_count=3)}
    ab = found[("A", "B")]
    assert ab.count == 10 and ab.support == pytest.approx(10 / 21)
    assert ab.lift == pytest.approx((10 / 21) / ((12 / 21) * (10 / 21)))
    abc = found[("A", "B", "C")]
    assert abc.lift == pytest.approx((6 / 21) / ((12 / 21) * (10 / 21) * (6 / 21)))
    assert ("E", "F") not in found  # one order is below min_count
    assert ("A", "D") not in found  # two orders: below min_count
    assert found[("B", "C")].lift == pytest.approx(2.1)
    strongest = mine_itemsets(baskets, min_support=0.1, min_lift=1.0, min_count=3, limit=1)
    assert [s.skus for s in strongest] == [("A", "B", "C")]  # lift 3.675
    picky = mine_itemsets(baskets, min_support=0.1, min_lift=2.0, min_count=3)
    assert {s.skus for s in picky} == {("A", "B", "C"), ("B", "C")}
    assert mine_itemsets([], min_support=0.1, min_lift=1.0) == []


@pytest.mark.parametrize("seed", range(20))
def test_availability_sums_each_rows_available_to_promise(seed: int) -> None:
    rows = random.Random(seed)
    stock = [
        StockRecord("A", loc.id, rows.randint(0, 9), rows.randint(0, 9), rows.randint(0, 3))
        for loc in [*LOCATIONS, loc("closed", ship=True, pickup=True)]
        if rows.random() < 0.8
    ]
    atp = {s.location_id: available_to_promise(s) for s in stock}
    at = sites(LOCATIONS, "WEB")
    found = compute_availability(stock, LOCATIONS, channel="WEB", pickup_radius_km=5.0)
    online = sum(atp.get(i, 0) for i in at.online)
    assert found.online_atp == online
    assert online_units(stock, LOCATIONS, channel="WEB") == online
    assert [(s.location.id, s.atp) for s in found.stores] == [
        (store.id, atp[store.id]) for store in at.stores_by_name if atp.get(store.id, 0) > 0
    ]


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("quantity", [0, 1, 4])
@pytest.mark.parametrize("near", [None, (45.52, -122.68)])
def test_availability_without_its_stores_answers_the_rest_alike(
    seed: int, quantity: int, near: tuple[float, float] | None
) -> None:
    rows = random.Random(seed)
    stock = [
        StockRecord("A", loc.id, rows.randint(0, 9), rows.randint(0, 9), rows.randint(0, 3))
        for loc in LOCATIONS
        if rows.random() < 0.8
    ]
    common: dict[str, Any] = {"channel": "WEB", "near": near, "quantity": quantity}
    whole = compute_availability(stock, LOCATIONS, pickup_radius_km=5.0, **common)
    bare = compute_availability(stock, LOCATIONS, pickup_radius_km=5.0, with_stores=False, **common)
    assert (bare.online_atp, bare.pickup_eligible) == (whole.online_atp, whole.pickup_eligible)
    assert bare.stores == () if near is None else bare == whole
