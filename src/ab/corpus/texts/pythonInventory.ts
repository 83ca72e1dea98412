import type {CorpusDocument} from "../corpusDocument";

export const pythonInventory: CorpusDocument = {
    name: "inventory.py",
    kind: "code",
    language: "python",
    text: String.raw`"""Stock keeping for a small workshop: parts, bins, orders and reorder alerts."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path


class InventoryError(Exception):
    """Raised when a change would leave the stock in an impossible state."""


@dataclass
class Part:
    sku: str
    name: str
    unit_cost: float
    reorder_level: int = 5
    lead_time_days: int = 7
    tags: list[str] = field(default_factory=list)

    def label(self) -> str:
        return f"{self.sku} - {self.name}"


@dataclass
class Bin:
    location: str
    quantities: dict[str, int] = field(default_factory=dict)

    def count(self, sku: str) -> int:
        return self.quantities.get(sku, 0)

    def add(self, sku: str, amount: int) -> None:
        if amount <= 0:
            raise InventoryError(f"cannot add {amount} of {sku}")
        self.quantities[sku] = self.count(sku) + amount

    def take(self, sku: str, amount: int) -> None:
        available = self.count(sku)
        if amount > available:
            raise InventoryError(f"bin {self.location} holds {available} of {sku}, not {amount}")
        remaining = available - amount
        if remaining == 0:
            del self.quantities[sku]
        else:
            self.quantities[sku] = remaining


class Inventory:
    def __init__(self) -> None:
        self.parts: dict[str, Part] = {}
        self.bins: dict[str, Bin] = {}
        self.history: list[tuple[date, str, str, int]] = []

    def register(self, part: Part) -> None:
        if part.sku in self.parts:
            raise InventoryError(f"{part.sku} is already registered")
        self.parts[part.sku] = part

    def bin(self, location: str) -> Bin:
        if location not in self.bins:
            self.bins[location] = Bin(location)
        return self.bins[location]

    def receive(self, sku: str, amount: int, location: str, when: date | None = None) -> None:
        self._require(sku)
        self.bin(location).add(sku, amount)
        self.history.append((when or date.today(), "in", sku, amount))

    def pick(self, sku: str, amount: int, when: date | None = None) -> list[tuple[str, int]]:
        """Takes stock from the fullest bins first and returns where it came from."""
        self._require(sku)
        if self.on_hand(sku) < amount:
            raise InventoryError(f"only {self.on_hand(sku)} of {sku} on hand")
        picked = []
        needed = amount
        for location in sorted(self.bins, key=lambda loc: -self.bins[loc].count(sku)):
            if needed == 0:
                break
            take = min(needed, self.bins[location].count(sku))
            if take > 0:
                self.bins[location].take(sku, take)
                picked.append((location, take))
                needed -= take
        self.history.append((when or date.today(), "out", sku, amount))
        return picked

    def on_hand(self, sku: str) -> int:
        return sum(b.count(sku) for b in self.bins.values())

    def value(self) -> float:
        return sum(self.on_hand(sku) * part.unit_cost for sku, part in self.parts.items())

    def usage_per_day(self, sku: str, days: int = 30, today: date | None = None) -> float:
        start = (today or date.today()) - timedelta(days=days)
        used = sum(n for when, kind, s, n in self.history if s == sku and kind == "out" and when >= start)
        return used / days

    def reorder_report(self, today: date | None = None) -> list[dict[str, object]]:
        rows = []
        for sku, part in sorted(self.parts.items()):
            on_hand = self.on_hand(sku)
            daily = self.usage_per_day(sku, today=today)
            needed_until_delivery = daily * part.lead_time_days
            if on_hand <= part.reorder_level or on_hand < needed_until_delivery:
                suggested = max(part.reorder_level * 2, round(needed_until_delivery * 2)) - on_hand
                rows.append({"sku": sku, "name": part.name, "on_hand": on_hand, "order": max(suggested, 1)})
        return rows

    def save(self, path: Path) -> None:
        data = {
            "parts": [vars(p) for p in self.parts.values()],
            "bins": {loc: b.quantities for loc, b in self.bins.items()},
        }
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Inventory":
        data = json.loads(path.read_text(encoding="utf-8"))
        inventory = cls()
        for raw in data["parts"]:
            inventory.register(Part(**raw))
        for location, quantities in data["bins"].items():
            inventory.bins[location] = Bin(location, dict(quantities))
        return inventory

    def export_csv(self, path: Path) -> int:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sku", "name", "on_hand", "unit_cost", "value"])
            for sku, part in sorted(self.parts.items()):
                count = self.on_hand(sku)
                writer.writerow([sku, part.name, count, f"{part.unit_cost:.2f}", f"{count * part.unit_cost:.2f}"])
        return len(self.parts)

    def _require(self, sku: str) -> Part:
        try:
            return self.parts[sku]
        except KeyError:
            raise InventoryError(f"unknown part {sku}") from None


if __name__ == "__main__":
    stock = Inventory()
    stock.register(Part("BLT-M6-20", "Hex bolt M6 x 20", 0.12, reorder_level=200))
    stock.register(Part("NUT-M6", "Hex nut M6", 0.04, reorder_level=300))
    stock.register(Part("BRG-608", "Ball bearing 608", 1.35, reorder_level=20, lead_time_days=14))
    stock.receive("BLT-M6-20", 500, "A1")
    stock.receive("BLT-M6-20", 150, "A2")
    stock.receive("NUT-M6", 250, "A3")
    stock.receive("BRG-608", 24, "C4")
    print(stock.pick("BLT-M6-20", 560))
    for row in stock.reorder_report():
        print(f"reorder {row['order']:>5} x {row['name']} (on hand: {row['on_hand']})")
    print(f"stock value: {stock.value():.2f}")
`
};
