"""The baseline an admin would write instead of seatsweep: polars over the directory export.

Reads the exported-users CSV (directory layout) and prints, per (product, site), the billable
and candidate counts under seatsweep's default rules (design.md §3): billable = Active, a person
(not an app), `User` in the access cell; inactive = more than 90 days without use, or never used
and not inside the 30-day grace period; protected = org admins and admin tokens in any access
cell; candidate = inactive billable seat of an unprotected account. Output: JSON on stdout.
Usage: audit_polars.py EXPORT.csv AS_OF(yyyy-mm-dd)
"""
import datetime
import json
import sys

import polars as pl

PRODUCT_KEYS = {"jira": "jira", "jira software": "jira", "confluence": "confluence",
                "jira service management": "jira-service-management", "jira service desk": "jira-service-management",
                "jira work management": "jira-work-management", "jira core": "jira-work-management"}


def product_key(name):
    return PRODUCT_KEYS.get(name.lower(), name.lower().replace(" ", "-"))


def main():
    path, as_of = sys.argv[1], datetime.date.fromisoformat(sys.argv[2])
    threshold, grace_days = 90, 30
    lf = pl.scan_csv(path, infer_schema=False)
    columns = lf.collect_schema().names()
    pairs = []
    for c in columns:
        if " - " in c and not c.startswith("Last seen in "):
            product, site = c.rsplit(" - ", 1)
            pairs.append((c, "Last seen in " + c, product_key(product), site.lower()))
    as_of_lit = pl.lit(as_of)
    exprs = [
        (pl.col("User status") == "Active").alias("active"),
        pl.col("email").str.to_lowercase().str.ends_with("@connect.atlassian.com").alias("app"),
        pl.col("Added to org").str.strptime(pl.Date, "%d %b %Y", strict=False).alias("added"),
        (pl.col("Org role") == "Org Admin").alias("org_admin"),
    ]
    admin = pl.lit(False)
    for access, _, _, _ in pairs:
        admin = admin | pl.col(access).str.to_lowercase().str.contains("admin").fill_null(False)
    exprs.append(admin.alias("admin_token"))
    for i, (access, seen, _, _) in enumerate(pairs):
        exprs.append(pl.col(access).str.split(",").list.eval(pl.element().str.strip_chars() == "User").list.any()
                     .fill_null(False).alias(f"user{i}"))
        exprs.append((pl.col(seen).str.to_lowercase().str.starts_with("never")).fill_null(False).alias(f"never{i}"))
        exprs.append(pl.col(seen).str.strptime(pl.Date, "%d %b %Y", strict=False).alias(f"seen{i}"))
    base = lf.select(exprs)
    grace = (as_of_lit - pl.col("added")).dt.total_days().lt(grace_days).fill_null(False)
    billable_account = pl.col("active") & ~pl.col("app")
    protected = pl.col("org_admin") | pl.col("admin_token")
    aggs = []
    for i, (_, _, product, site) in enumerate(pairs):
        billable = billable_account & pl.col(f"user{i}")
        days = (as_of_lit - pl.col(f"seen{i}")).dt.total_days()
        inactive = (days.gt(threshold).fill_null(False) | pl.col(f"never{i}")) & ~grace
        candidate = billable & inactive & ~protected
        aggs.append(billable.sum().alias(f"b{i}"))
        aggs.append(candidate.sum().alias(f"c{i}"))
    row = base.select(aggs).collect(engine="streaming").row(0)
    out = []
    for i, (_, _, product, site) in enumerate(pairs):
        out.append({"product": product, "site": site, "billable": row[2 * i], "candidates": row[2 * i + 1]})
    out.sort(key=lambda g: (g["product"], g["site"]))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
