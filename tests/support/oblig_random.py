#!/usr/bin/env python3
"""tests/support/oblig_random.py: random plans with obligations and random
registers with steps, judged by `tuogou check` and by the independent
reading of obligations.md (oblig_ref.py), finding for finding.

    oblig_random.py --tuogou BIN --top REPO --tmp DIR --seed S --case I
                    [--dates N] [--db URL]

Case I of seed S is one plan (random subjects, `when` filters, `in_scope`,
sources of every kind, offsets of every kind, yearly duties, `done` of
every kind, open parameters some of them null) and one bundle (units,
associations, persons, posts, staff, elections, credit listings, unit
tasks, annual reports, steps).  At N dates from 2017 to 2022 it runs
`tuogou check --plan P --bundle B` and, with --db, `tuogou plan use P` on
that empty database, `tuogou import` of B under it, then `tuogou check --db
URL` (the stored plan, no --plan), and
compares (rule, association, subject, due, state) of every obligation
finding, in order, with the reference.  Prints TAP lines "ok - ..." /
"not ok - ..." (tests/lib.sh counts them).  Standard library only.
"""
import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oblig_ref  # noqa: E402

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(rng):
    """A USCC passing GB 32100-2015 (bundle.md, "Identifier checks")."""
    head = "51410300"
    org = "".join(rng.choice("0123456789") for _ in range(8))
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * wi for c, wi in zip(org, w))
    c = 11 - s % 11
    org += "X" if c == 10 else "0" if c == 11 else str(c)
    body = head + org
    total = sum(CHARSET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + CHARSET[(31 - total % 31) % 31]


def rdate(rng, lo=2012, hi=2023, null=0.15):
    if rng.random() < null:
        return None
    start = dt.date(lo, 1, 1).toordinal()
    end = dt.date(hi, 12, 31).toordinal()
    # Leap days and month ends now and then: they decide add_months.
    if rng.random() < 0.1:
        y = rng.randint(lo, hi)
        return rng.choice([dt.date(y, 2, 28), dt.date(y, 1, 31), dt.date(y, 8, 31),
                           dt.date(2016, 2, 29), dt.date(2020, 2, 29)]).isoformat()
    return dt.date.fromordinal(rng.randint(start, end)).isoformat()


# The arrays the generator fills, with their date fields and `when`
# candidates (field -> values that may occur).
DATES = {
    "associations": ["registered_on", "deregistered_on", "link_cancelled_on",
                     "plan_submitted_on", "decoupled_on", "audit_report_on",
                     "report_submitted_on", "accepted_on", "charter_filed_on"],
    "units": ["function_list_on"],
    "persons": ["retired_on", "left_public_service_on"],
    "posts": ["from", "to", "departure_audit_on"],
    "staff": ["from", "to", "labor_contract_on", "social_insurance_on"],
    "elections": ["on"],
    "credit_listings": ["on", "removed_on"],
    "unit_tasks": ["higher_level_doc_on", "issued_on", "published_on"],
}
WHEN = {
    "associations": {"level": ["city", "county"], "party_org": [True, False],
                     "link": [None, "sponsor", "supervisor", "liaison", "host"],
                     "member_basis": [None, "industry_units", "other"],
                     "staffing_quota": [0, 2]},
    "units": {"kind": ["organ", "organ_affiliate", "civil_service_managed", "other"]},
    "persons": {"civil_servant": [True, False], "leading_cadre": [True, False]},
    "posts": {"role": ["president", "director", "other"], "paid": [True, False],
              "legal_representative": [True, False]},
    "staff": {"name": [None, "甲", "乙"]},
    "elections": {"body": ["assembly", "board", "supervisors"], "contested": [True, False],
                  "term_years": [3, 5]},
    "credit_listings": {"list": ["abnormal", "serious"], "reason": [None, "", "未报年报"]},
    "unit_tasks": {"clause": [None, "6.2", "4.4"]},
}
HAS_ASSOC = {"associations", "posts", "staff", "elections", "credit_listings"}
CLAUSES = ["4.1", "4.2", "4.3", "5.1", "5.2", "6.2", "6.3"]


def gen_bundle(rng, plan_id):
    b = {"format": "tuogou-bundle/1", "plan": plan_id}
    units = []
    for i in range(rng.randint(1, 4)):
        u = {"id": "U%02d" % i, "name": "单位%d" % i,
             "kind": rng.choice(WHEN["units"]["kind"])}
        if rng.random() < 0.8:
            u["function_list_on"] = rdate(rng)
        units.append(u)
    b["units"] = units
    assocs = []
    for i in range(rng.randint(1, 6)):
        reg = rdate(rng, 2010, 2021, null=0)
        a = {"uscc": uscc(rng), "name": rng.choice(["测试行业协会", "测试商会", "测试研究会"]) + str(i),
             "level": rng.choice(["city", "county"]), "registered_on": reg,
             "member_basis": rng.choice(WHEN["associations"]["member_basis"]),
             "unit": rng.choice([None] + [u["id"] for u in units]),
             "link": rng.choice(WHEN["associations"]["link"]),
             "party_org": rng.random() < 0.5}
        if rng.random() < 0.3:
            a["staffing_quota"] = 2
        if rng.random() < 0.15:
            a["scope_override"] = {"in_scope": rng.random() < 0.5, "reason": "认定"}
        for f in DATES["associations"][1:]:
            if rng.random() < 0.7:
                a[f] = rdate(rng, null=0.4)
        if a.get("deregistered_on") and a["deregistered_on"] <= reg:
            a["deregistered_on"] = None
        assocs.append(a)
    b["associations"] = assocs
    persons = []
    for i in range(rng.randint(1, 3)):
        p = {"id": "P%02d" % i, "name": "人%d" % i, "civil_servant": rng.random() < 0.5,
             "leading_cadre": rng.random() < 0.5, "unit": rng.choice([None] + [u["id"] for u in units])}
        for f in DATES["persons"]:
            p[f] = rdate(rng, null=0.6)
        persons.append(p)
    b["persons"] = persons
    posts, staff, elections, listings, reports = [], [], [], [], []
    for a in assocs:
        for j in range(rng.randint(0, 2)):
            fr = rdate(rng, null=0)
            to = rdate(rng, null=0.6)
            posts.append({"id": "T%d" % len(posts), "person": rng.choice(persons)["id"],
                          "association": a["uscc"], "role": rng.choice(WHEN["posts"]["role"]),
                          "legal_representative": rng.random() < 0.5, "paid": rng.random() < 0.5,
                          "from": fr, "to": to if to and to > fr else None,
                          "departure_audit_on": rdate(rng, null=0.5)})
        for j in range(rng.randint(0, 2)):
            fr = rdate(rng, null=0)
            s = {"id": "S%d" % len(staff), "association": a["uscc"], "from": fr,
                 "labor_contract_on": rdate(rng, null=0.4),
                 "social_insurance_on": rdate(rng, null=0.4)}
            if rng.random() < 0.7:
                s["name"] = rng.choice(WHEN["staff"]["name"])
            staff.append(s)
        for j in range(rng.randint(0, 2)):
            elections.append({"id": "E%d" % len(elections), "association": a["uscc"],
                              "body": rng.choice(WHEN["elections"]["body"]),
                              "on": rdate(rng, null=0),
                              "term_years": rng.choice([3, 5]),
                              "contested": rng.random() < 0.5, "secret_ballot": rng.random() < 0.5})
        for j in range(rng.randint(0, 2)):
            on = rdate(rng, null=0)
            rm = rdate(rng, null=0.6)
            listings.append({"id": "L%d" % len(listings), "association": a["uscc"],
                             "list": rng.choice(["abnormal", "serious"]), "on": on,
                             "reason": rng.choice(WHEN["credit_listings"]["reason"]),
                             "removed_on": rm if rm and rm > on else None})
        for y in sorted(rng.sample(range(2015, 2023), rng.randint(0, 3))):
            reports.append({"association": a["uscc"], "year": y,
                            "submitted_on": rdate(rng, null=0.3)})
    tasks = []
    for j in range(rng.randint(0, 3)):
        tasks.append({"id": "K%d" % j, "unit": rng.choice(units)["id"], "task": "配套文件",
                      "clause": rng.choice(WHEN["unit_tasks"]["clause"]),
                      "higher_level_doc_on": rdate(rng, null=0.3),
                      "issued_on": rdate(rng, null=0.4), "published_on": rdate(rng, null=0.5)})
    b.update(posts=posts, staff=staff, elections=elections, credit_listings=listings,
             annual_reports=reports, unit_tasks=tasks)
    return b


def gen_source(rng, subject, date_params, non_yearly_same_subject):
    kinds = ["field", "field", "param", "date"]
    if subject in HAS_ASSOC:
        kinds.append("association")
    if non_yearly_same_subject:
        kinds += ["step"] * 4
    k = rng.choice(kinds)
    if k == "field":
        return {"field": rng.choice(DATES[subject])}
    if k == "association":
        return {"field": "association." + rng.choice(DATES["associations"])}
    if k == "param":
        return {"param": rng.choice(date_params)}
    if k == "date":
        return {"date": rdate(rng, 2015, 2021, null=0)}
    return {"step": rng.choice(non_yearly_same_subject)}


def gen_plan(rng, base, pid):
    plan = {k: base[k] for k in ("format", "title", "number", "issuers", "issued_on",
                                 "in_force_on", "public", "implements", "source", "clauses",
                                 "batches", "separations")}
    plan["id"] = pid
    plan["rules"] = []
    # Open parameters: names no rule knows, of every type, some null.
    params = [{"name": "name_suffixes", "type": "strings", "value": ["行业协会", "商会"],
               "clause": "3", "label": "名称", "note": None}]
    date_params, int_params = [], []
    for i in range(rng.randint(1, 3)):
        name = "anchor_day_%d" % i
        params.append({"name": name, "type": "date", "value": rdate(rng, 2016, 2020, null=0),
                       "clause": "6.3", "label": "日期%d" % i, "note": None})
        date_params.append(name)
    for i in range(rng.randint(1, 2)):
        name = "first_year_%d" % i
        params.append({"name": name, "type": "int", "value": rng.randint(2014, 2020),
                       "clause": "5.2", "label": "起始年度", "note": None})
        int_params.append(name)
    # Declared but read by nothing: may be null.
    params.append({"name": "unused_deadline", "type": "date", "value": None,
                   "clause": "6.3", "label": "未用", "note": None})
    params.append({"name": "decoupling_due", "type": "date", "value": None,
                   "clause": "6.3", "label": "脱钩期限", "note": None})
    rng.shuffle(params)
    plan["parameters"] = params
    obligations = []
    subjects = list(DATES)
    for i in range(rng.randint(1, 6)):
        subject = rng.choice(subjects)
        o = {"id": "gen.duty-%d" % i, "clause": rng.choice(CLAUSES),
             "basis": rng.choice([None, "某条例"]), "title": "随机义务%d" % i,
             "subject": subject}
        if rng.random() < 0.4:
            f, vals = rng.choice(list(WHEN[subject].items()))
            o["when"] = {f: rng.sample(vals, rng.randint(1, len(vals)))}
        if subject in HAS_ASSOC and rng.random() < 0.3:
            o["in_scope"] = rng.random() < 0.7
        earlier = [x["id"] for x in obligations if x["subject"] == subject and "yearly" not in x]
        if rng.random() < 0.3:
            earlier.append(o["id"])  # its own steps may open or anchor it
        if rng.random() < 0.25:
            fy = rng.choice([rng.randint(2014, 2020), {"param": rng.choice(int_params)}])
            o["yearly"] = {"from_year": fy, "due": rng.choice(["03-31", "05-31", "02-29", "12-31"])}
            if rng.random() < 0.4:
                o["opens"] = gen_source(rng, subject, date_params,
                                        [x for x in earlier if x != o["id"]])
        else:
            o["anchor"] = gen_source(rng, subject, date_params, earlier)
            r = rng.random()
            if r < 0.15:
                pass  # default {"days": 0}
            elif r < 0.25:
                o["offset"] = None
            else:
                kind = rng.choice(["days", "workdays", "months", "years"])
                n = {"days": rng.randint(-60, 120), "workdays": rng.randint(0, 30),
                     "months": rng.randint(-6, 18), "years": rng.randint(-1, 3)}[kind]
                o["offset"] = {kind: n}
            if rng.random() < 0.3:
                o["opens"] = gen_source(rng, subject, date_params, earlier)
            r = rng.random()
            if r < 0.35:
                o["done"] = {"field": rng.choice(DATES[subject])}
            elif r < 0.5 and subject == "associations":
                arr = rng.choice(["credit_listings", "elections", "annual_reports", "staff"])
                field = {"credit_listings": "on", "elections": "on",
                         "annual_reports": "submitted_on", "staff": "labor_contract_on"}[arr]
                o["done"] = {"record": arr, "field": field}
        obligations.append(o)
    # A step source may name an obligation listed later too.
    plan["obligations"] = obligations
    return plan


def gen_steps(rng, plan, bundle):
    steps = []
    for o in plan["obligations"]:
        recs = bundle.get(o["subject"], [])
        for rec in recs:
            if rng.random() < 0.5:
                continue
            key = oblig_ref.key_of(o["subject"], rec)
            periods = [None]
            if "yearly" in o:
                periods = rng.sample(range(2014, 2023), rng.randint(1, 3))
            for p in periods:
                for _ in range(rng.randint(1, 2)):
                    steps.append({"id": "ST%03d" % len(steps), "obligation": o["id"],
                                  "subject": key, "period": p,
                                  "done_on": rdate(rng, 2014, 2023, null=0.2),
                                  "note": rng.choice([None, "已办"])})
    rng.shuffle(steps)
    return steps


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def findings_of(out, ids):
    doc = json.loads(out)
    return [{k: f[k] for k in ("rule", "association", "subject", "due", "state")}
            for f in doc["findings"] if f["rule"] in ids], doc


def compare(label, got, want):
    if got == want:
        print("ok - %s (%d findings)" % (label, len(want)))
        return True
    print("not ok - %s: tuogou %d findings, reference %d" % (label, len(got), len(want)))
    gs = [json.dumps(x, ensure_ascii=False) for x in got]
    ws = [json.dumps(x, ensure_ascii=False) for x in want]
    for x in ws:
        if x not in gs:
            print("#   only in the reference: " + x)
    for x in gs:
        if x not in ws:
            print("#   only in tuogou: " + x)
    if sorted(gs) == sorted(ws):
        print("#   same findings, another order")
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tuogou", required=True)
    ap.add_argument("--top", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--case", type=int, required=True)
    ap.add_argument("--dates", type=int, default=6)
    ap.add_argument("--db")
    args = ap.parse_args()
    rng = random.Random(args.seed * 100003 + args.case)
    base = json.load(open(os.path.join(args.top, "plans/luoyang-2017.json"), encoding="utf-8"))
    holidays = oblig_ref.load_holidays(os.path.join(args.top, "data/holidays-cn.csv"))
    pid = "random-%d-%d" % (args.seed, args.case)
    plan = gen_plan(rng, base, pid)
    bundle = gen_bundle(rng, pid)
    bundle["steps"] = gen_steps(rng, plan, bundle)
    pfile = os.path.join(args.tmp, "plan-%d.json" % args.case)
    bfile = os.path.join(args.tmp, "bundle-%d.json" % args.case)
    json.dump(plan, open(pfile, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    json.dump(bundle, open(bfile, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    ids = {o["id"] for o in plan["obligations"]}
    dates = []
    for i in range(args.dates):  # spread over 2017-2022, one per year first
        y = 2017 + i % 6
        dates.append(dt.date(y, 1, 1) + dt.timedelta(days=rng.randint(0, 364)))
    label = "seed %d case %d" % (args.seed, args.case)
    ok = True
    if args.db:
        # the plan becomes the register's (plan use), then the bundle is
        # imported under it: check --db below reads the stored plan, no --plan
        for argv in (["plan", "use", pfile, "--db", args.db], ["import", "--db", args.db, bfile]):
            r = run([args.tuogou] + argv)
            if r.returncode != 0:
                print("not ok - %s: %s exited %d: %s" % (label, argv[0], r.returncode,
                                                         r.stderr.strip()[:800]))
                ok = False
                break
    for D in dates:
        want = oblig_ref.evaluate(plan, bundle, D, holidays)
        srcs = [("bundle", ["--bundle", bfile, "--plan", pfile])]
        if args.db and ok:
            srcs.append(("db", ["--db", args.db]))
        for name, src in srcs:
            r = run([args.tuogou, "check"] + src + ["--as-of", D.isoformat(), "--format", "json"])
            if r.returncode != 0:
                print("not ok - %s --%s at %s: exit %d: %s" % (label, name, D, r.returncode,
                                                             r.stderr.strip()[:800]))
                ok = False
                continue
            got, doc = findings_of(r.stdout, ids)
            if any(f.get("plan") != pid for f in doc["findings"]):
                print("not ok - %s --%s at %s: a finding without plan %s" % (label, name, D, pid))
                ok = False
            ok &= compare("%s --%s at %s" % (label, name, D), got, want)
    if not ok:
        print("#   plan %s, bundle %s" % (pfile, bfile))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
