"""The same baseline as audit_polars.py, in pandas (for reference). Usage: audit_pandas.py EXPORT.csv AS_OF"""
import datetime
import json
import sys

import pandas as pd

from audit_polars import product_key


def main():
    path, as_of = sys.argv[1], pd.Timestamp(datetime.date.fromisoformat(sys.argv[2]))
    threshold, grace_days = 90, 30
    df = pd.read_csv(path, dtype=str, keep_default_na=False, engine="c")
    pairs = []
    for c in df.columns:
        if " - " in c and not c.startswith("Last seen in "):
            product, site = c.rsplit(" - ", 1)
            pairs.append((c, "Last seen in " + c, product_key(product), site.lower()))
    active = df["User status"] == "Active"
    app = df["email"].str.lower().str.endswith("@connect.atlassian.com")
    added = pd.to_datetime(df["Added to org"], format="%d %b %Y", errors="coerce")
    grace = ((as_of - added).dt.days < grace_days).fillna(False)
    admin = df["Org role"] == "Org Admin"
    for access, _, _, _ in pairs:
        admin |= df[access].str.lower().str.contains("admin")
    out = []
    for access, seen, product, site in pairs:
        user = df[access].str.split(",").apply(lambda tokens: any(t.strip() == "User" for t in tokens))
        billable = active & ~app & user
        never = df[seen].str.lower().str.startswith("never")
        days = (as_of - pd.to_datetime(df[seen], format="%d %b %Y", errors="coerce")).dt.days
        inactive = ((days > threshold).fillna(False) | never) & ~grace
        candidate = billable & inactive & ~admin
        out.append({"product": product, "site": site, "billable": int(billable.sum()), "candidates": int(candidate.sum())})
    out.sort(key=lambda g: (g["product"], g["site"]))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
