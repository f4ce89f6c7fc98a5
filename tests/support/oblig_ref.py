#!/usr/bin/env python3
"""tests/support/oblig_ref.py: an independent reading of obligations.md.

Written from the text of /work/shared/spec/obligations.md ("Evaluation as of
D" and its "Read literally" decisions) and rules.md's definitions
(registered, in_scope, happened, add_workdays, add_months, add_years), not
from the C engine.  Standard library only.

    evaluate(plan, bundle, D, holidays) -> [finding, ...]

plan and bundle are the parsed JSON documents, D a datetime.date, holidays
the dict of load_holidays(path) (data/holidays-cn.csv, the file the C
calendar is built from).  A finding is a dict with rule, association,
subject, due ("YYYY-MM-DD" or None) and state, sorted as bundle.md says.
"""
import calendar
import csv
import datetime as dt

QUALIFYING_UNIT_KINDS = ("organ", "organ_affiliate", "civil_service_managed")
QUALIFYING_MEMBER_BASES = ("industry_units", "trade_persons", "regional_orgs")
# Arrays whose records have an association (their "association" field);
# associations are their own; the others have none (obligations.md).
WITH_ASSOCIATION = {"posts", "staff", "premises", "assets", "appropriations", "functions",
                    "elections", "annual_reports", "foreign_approvals", "credit_listings",
                    # supervision.md's arrays (五)
                    "service_purchases", "fees", "awards", "tax_exemptions", "ratings",
                    "credit_commitments", "evaluations", "exit_cases"}


def load_holidays(path):
    """date -> True (a listed working day, 调休) or False (a listed holiday)."""
    days = {}
    with open(path, encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    for row in csv.DictReader(lines):
        days[dt.date.fromisoformat(row["date"])] = row["kind"] == "workday"
    return days


def parse_date(s):
    if s is None or s == "":
        return None
    return dt.date.fromisoformat(s)


def happened(x, d):
    return x is not None and x <= d


def is_workday(day, holidays):
    if day in holidays:
        return holidays[day]
    return day.weekday() < 5


def add_workdays(d, n, holidays):
    """The n-th working day after d (d itself not counted); n = 0 is d."""
    while n > 0:
        d = d + dt.timedelta(days=1)
        if is_workday(d, holidays):
            n -= 1
    return d


def add_months(d, n):
    m0 = d.year * 12 + (d.month - 1) + n
    y, m = divmod(m0, 12)
    m += 1
    last = calendar.monthrange(y, m)[1]
    return dt.date(y, m, min(d.day, last))


def add_years(d, n):
    return add_months(d, 12 * n)


def key_of(array, rec):
    return rec["uscc"] if array == "associations" else rec["id"]


def null_if_empty(v):
    return None if v == "" else v


def json_equal(x, y):
    """JSON values compared as JSON: true is not 1."""
    if isinstance(x, bool) or isinstance(y, bool):
        return isinstance(x, bool) and isinstance(y, bool) and x == y
    if x is None or y is None:
        return x is None and y is None
    return x == y


class Evaluator:
    def __init__(self, plan, bundle, D, holidays):
        self.plan = plan
        self.bundle = bundle
        self.D = D
        self.holidays = holidays
        self.params = {p["name"]: p for p in plan.get("parameters", [])}
        self.assoc = {a["uscc"]: a for a in bundle.get("associations", [])}
        self.units = {u["id"]: u for u in bundle.get("units", [])}
        self.steps = bundle.get("steps", [])
        self.obligations = {o["id"]: o for o in plan.get("obligations", [])}

    # rules.md definitions
    def registered(self, a):
        return (happened(parse_date(a.get("registered_on")), self.D)
                and not happened(parse_date(a.get("deregistered_on")), self.D))

    def in_scope(self, a):
        so = a.get("scope_override")
        if so is not None:
            return bool(so["in_scope"])
        unit = self.units.get(a.get("unit")) if a.get("unit") else None
        link_ok = a.get("link") is not None and unit is not None and \
            unit["kind"] in QUALIFYING_UNIT_KINDS
        suffixes = self.params["name_suffixes"]["value"]
        name_ok = any(a["name"].endswith(s) for s in suffixes)
        return link_ok and name_ok and a.get("member_basis") in QUALIFYING_MEMBER_BASES

    def param_date(self, name):
        return parse_date(self.params[name]["value"])

    def steps_of(self, obligation, subject, period):
        return [s for s in self.steps
                if s["obligation"] == obligation and s["subject"] == subject
                and s.get("period") == period]

    def source(self, src, rec, a, key):
        """The date of a source, or None ("has no date")."""
        if "field" in src:
            f = src["field"]
            if f.startswith("association."):
                return parse_date(a.get(f[len("association."):])) if a else None
            return parse_date(rec.get(f))
        if "param" in src:
            return self.param_date(src["param"])
        if "date" in src:
            return parse_date(src["date"])
        # step: the done_on of the earliest step of that obligation for the
        # same record; a step not happened on D has no date.
        dates = [parse_date(s.get("done_on")) for s in self.steps_of(src["step"], key, None)]
        dates = [x for x in dates if x is not None]
        if not dates:
            return None
        first = min(dates)
        return first if happened(first, self.D) else None

    def offset(self, anchor, off):
        if off is None:
            return None
        (kind, n), = off.items()
        if kind == "days":
            return anchor + dt.timedelta(days=n)
        if kind == "workdays":
            return add_workdays(anchor, n, self.holidays)
        if kind == "months":
            return add_months(anchor, n)
        return add_years(anchor, n)

    def association_of(self, array, rec):
        if array == "associations":
            return rec
        if array in WITH_ASSOCIATION:
            return self.assoc.get(rec.get("association"))
        return None

    def run(self, keep=None):
        out = []
        for o in self.plan.get("obligations", []):
            array = o["subject"]
            for rec in self.bundle.get(array, []):
                if keep is None or keep(array, rec):
                    self.one(o, array, rec, out)
        return sort_findings(out)

    def one(self, o, array, rec, out):
        D = self.D
        a = self.association_of(array, rec)
        key = key_of(array, rec)
        # 1.
        if a is not None and not self.registered(a):
            return
        if o.get("in_scope") and not self.in_scope(a):
            return
        for field, allowed in (o.get("when") or {}).items():
            v = null_if_empty(rec.get(field, default_of(array, field)))
            if not any(json_equal(v, null_if_empty(x)) for x in allowed):
                return
        finding = {"rule": o["id"], "association": a["uscc"] if a else None}
        subject = None if array == "associations" else key
        if "yearly" not in o:
            # 2.
            anchor = self.source(o["anchor"], rec, a, key)
            if anchor is None:
                return
            due = self.offset(anchor, o.get("offset", {"days": 0}))
            opens = self.source(o["opens"], rec, a, key) if "opens" in o else anchor
            if not happened(opens, D):
                return
            done = o.get("done")
            if done is None:
                ok = any(happened(parse_date(s.get("done_on")), D)
                         for s in self.steps_of(o["id"], key, None))
            elif "record" in done:
                ok = any(x.get("association") == rec["uscc"]
                         and happened(parse_date(x.get(done["field"])), D)
                         and parse_date(x.get(done["field"])) >= anchor
                         for x in self.bundle.get(done["record"], []))
            else:
                ok = happened(parse_date(rec.get(done["field"])), D)
            if ok:
                return
            out.append(dict(finding, subject=subject, due=fmt(due), state=state(D, due)))
            return
        # 3.
        y = o["yearly"]
        fy = y["from_year"]
        if isinstance(fy, dict):
            fy = self.params[fy["param"]]["value"]
        mm, dd = int(y["due"][:2]), int(y["due"][3:])
        opens = None
        if "opens" in o:
            opens = self.source(o["opens"], rec, a, key)
            if opens is None:
                return
        Y = fy
        while dt.date(Y, 12, 31) < D:
            if opens is None or opens <= dt.date(Y, 12, 31):
                if not any(happened(parse_date(s.get("done_on")), D)
                           for s in self.steps_of(o["id"], key, Y)):
                    due = dt.date(Y + 1, mm, min(dd, calendar.monthrange(Y + 1, mm)[1]))
                    subj = str(Y) if subject is None else "%s/%d" % (subject, Y)
                    out.append(dict(finding, subject=subj, due=fmt(due), state=state(D, due)))
            Y += 1


# Defaults of bundle.md for absent keys: booleans false, numbers 0, the rest null.
BOOL_FIELDS = {"party_org", "civil_servant", "leading_cadre", "legal_representative",
               "recommended_by_unit", "paid", "co_located_with_unit", "state_owned",
               "contested", "secret_ballot"}
NUMBER_FIELDS = {"staffing_quota", "area", "value", "amount", "year", "term_years"}


def default_of(array, field):
    if field in BOOL_FIELDS:
        return False
    if field in NUMBER_FIELDS:
        return 0
    return None


def fmt(d):
    return d.isoformat() if d is not None else None


def state(D, due):
    return "overdue" if due is not None and D > due else "open"


def sort_findings(fs):
    def k(f):
        return tuple((0, b"") if f[x] is None else (1, f[x].encode("utf-8"))
                     for x in ("rule", "association", "subject"))
    return sorted(fs, key=k)


def evaluate(plan, bundle, D, holidays):
    return Evaluator(plan, bundle, D, holidays).run()


def jurisdiction_of(bundle, array, rec):
    """obligations.md, "Plans in the register": a unit's and its tasks'
    jurisdiction is the unit's, a person's its unit's (no unit: the
    register's, None), every other record's its association's."""
    units = {u["id"]: u for u in bundle.get("units", [])}
    assocs = {a["uscc"]: a for a in bundle.get("associations", [])}
    if array in ("associations", "units"):
        return rec.get("jurisdiction")
    if array in ("unit_tasks", "persons"):
        return (units.get(rec.get("unit")) or {}).get("jurisdiction")
    if array in WITH_ASSOCIATION:
        return (assocs.get(rec.get("association")) or {}).get("jurisdiction")
    return None


def plan_for(bundle, places, code):
    """The id of the plan of code or of its nearest parent holding one, or
    None (the register's plan)."""
    parent = {j["id"]: j.get("parent") for j in bundle.get("jurisdictions", [])}
    seen = set()
    while code is not None and code not in seen:
        if code in places:
            return code
        seen.add(code)
        code = parent.get(code)
    return None


def evaluate_places(plan, places, bundle, D, holidays):
    """Each record under the plan of its jurisdiction (places: code ->
    plan document), the nearest parent's, else plan; every finding names
    its plan ("plan": the plan's id)."""
    out = []
    for code, p in [(None, plan)] + sorted(places.items()):
        def keep(array, rec, code=code):
            return plan_for(bundle, places, jurisdiction_of(bundle, array, rec)) == code
        for f in Evaluator(p, bundle, D, holidays).run(keep):
            out.append(dict(f, plan=p["id"]))
    return sort_findings(out)
