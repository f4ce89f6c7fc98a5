#!/usr/bin/env python3
"""make_demo.py: turns the demo register's stories into data/demo-bundle.json.

The stories are data, in tools/demo/stories.json: the units and their tasks,
the people whose careers the stories need, each association's story (its
dates, boards, posts, premises, missing reports ...) and the expectations:
which finding tuogou must show for whom on which date.  This file only turns
stories into records (a `tuogou-bundle/1` document for the plan
`luoyang-2017`, see /work/shared/spec/bundle.md); it holds no reading of the
rules.  The product judges:
- the working-day calendar is the product's (`tuogou calendar workdays`);
- the bundle is validated by `tuogou check --bundle` (identifiers, enums,
  references, dates: everything bundle.md asks);
- the expectations are compared with `tuogou check --bundle FILE --as-of D
  --format json` for every date they name, and every rule of the plan
  (`tuogou plan show`) must be shown by at least one expectation (the
  obligations of 五 that no story shows yet are listed, not refused: the
  demo does not yet hold the arrays of issue 13).

The output is deterministic: fixed seeds (one per association and purpose), no
clock, standard library only (plus the tuogou binary).

Usage (from the repository root; TUOGOU or --tuogou names the binary,
build/tuogou by default):
  python3 tools/demo/make_demo.py                # judge, then write data/demo-bundle.json
  python3 tools/demo/make_demo.py -o FILE        # write elsewhere
  python3 tools/demo/make_demo.py --verify       # judge, and compare a fresh build with the file (exit 1 if not)
  python3 tools/demo/make_demo.py --stories      # print the expectations table (markdown)
  python3 tools/demo/make_demo.py --summary      # counts per array and findings per summary date
  python3 tools/demo/make_demo.py --stories-file F   # other stories (tests/cli/demo.sh breaks one)
"""

import argparse
import calendar as _calendar
import datetime as _dt
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
# The plan the demo register is written for, and judged under.
PLAN = "luoyang-2017"
OUT_DEFAULT = os.path.join(ROOT, "data", "demo-bundle.json")
STORIES_DEFAULT = os.path.join(HERE, "stories.json")

# Set by load_stories(): the stories document and what is derived from it.
STORIES = None
TODAY = REFORM_FROM = None
UNITS, UID, UNIT_TASKS, STORY_PEOPLE, ASSOCS = [], {}, [], {}, []
CITY = "410300"
CAL = None

# --------------------------------------------------------------------------
# The stories (data) and the product (judge)
# --------------------------------------------------------------------------


def load_stories(path):
    """Read the stories and give the builder its tables (unit names become ids U01..)."""
    global STORIES, TODAY, REFORM_FROM, UNITS, UID, UNIT_TASKS, STORY_PEOPLE, ASSOCS
    with open(path, encoding="utf-8") as f:
        STORIES = json.load(f, object_pairs_hook=OrderedDict)
    TODAY = STORIES["today"]
    REFORM_FROM = STORIES["reform_from"]
    UNITS = [(u["name"], u["kind"], u["function_list_on"], u.get("jurisdiction")) for u in STORIES["units"]]
    UID = {name: "U%02d" % (i + 1) for i, (name, _, _, _) in enumerate(UNITS)}
    UNIT_TASKS = [(k["unit"], k["task"], k["clause"], k["higher_level_doc_on"], k["issued_on"], k["published_on"])
                  for k in STORIES["unit_tasks"]]
    STORY_PEOPLE = {key: (p["male"], p["born_on"], p["civil_servant"], p["leading_cadre"], p["unit"],
                          p["retired_on"], p["left_public_service_on"])
                    for key, p in STORIES["people"].items()}
    ASSOCS = [association_spec(s) for s in STORIES["associations"]]


def association_spec(story):
    """One association's story in the builder's terms."""
    s = OrderedDict(story)
    s["unit"] = UID[story["unit"]] if story["unit"] else None
    s["div"] = story.get("division", CITY)
    s["level"] = "city" if s["div"] == CITY else "county"
    if "boards" in story:
        s["boards"] = [(b["on"], b["contested"], b["secret_ballot"]) for b in story["boards"]]
    if "president_changes_at" in story:
        s["pres_change"] = story["president_changes_at"]
    if "reports" in story:
        s["reports"] = {int(y): on for y, on in story["reports"].items()}
    s["staff_no_contract"] = story.get("staff_without_contract", 0)
    s["staff_no_insurance"] = story.get("staff_without_insurance", 0)
    s["posts"] = [dict(person=p["person"], role=p["role"], frm=p["from"], to=p.get("to"),
                       replace=p.get("replaces_holder", False), legal=p.get("legal_representative", False),
                       rec=p.get("recommended_by_unit", False), paid=p.get("paid", False),
                       approval=p.get("approval"), audit=p.get("departure_audit_on"),
                       notice=p.get("public_notice_on", "ordinary"))
                  for p in story.get("posts", [])]
    return s


def tuogou(binary, *args):
    """Run the product; its stdout, or SystemExit with its message."""
    r = subprocess.run([binary] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SystemExit("tuogou %s failed (exit %d):\n%s" % (" ".join(args), r.returncode,
                                                              r.stderr.decode("utf-8", "replace")))
    return r.stdout.decode("utf-8")


class Calendar:
    """The product's working-day calendar (data/holidays-cn.csv compiled into tuogou)."""

    FIRST, LAST = "1980-01-01", "2030-12-31"

    def __init__(self, binary):
        self.workdays = set(tuogou(binary, "calendar", "workdays", self.FIRST, self.LAST).split())

    def is_workday(self, s):
        if not self.FIRST <= s <= self.LAST:
            raise SystemExit("make_demo.py: %s is outside the calendar asked of tuogou" % s)
        return s in self.workdays

    def add_workdays(self, s, n):
        x = s
        while n > 0:
            x = add_days(x, 1)
            if self.is_workday(x):
                n -= 1
        return x

    def workday_on_or_after(self, s):
        while not self.is_workday(s):
            s = add_days(s, 1)
        return s


def jurisdiction_plan_args():
    """--jurisdiction-plan CODE=FILE for each county plan the demo adopts
    (stories' jurisdiction_plans: scripts/run stores them with plan use)."""
    args = []
    for code, path in STORIES.get("jurisdiction_plans", {}).items():
        args += ["--jurisdiction-plan", "%s=%s" % (code, os.path.join(ROOT, path))]
    return args


def check(binary, bundle_path, d):
    """The product's findings as of d, each record under its jurisdiction's
    plan: validates the bundle on the way."""
    doc = json.loads(tuogou(binary, "check", "--bundle", bundle_path, *jurisdiction_plan_args(),
                            "--as-of", d, "--format", "json"))
    return doc["findings"]


def plan_rules(binary):
    """The rule ids and the obligation ids of the plan, as `tuogou plan show`
    lists them (an obligation's title ends in （义务）).  The plan file, not
    the default database's plan: that may be another register's (scripts/run
    leaves var/tuogou.db, sealed with its own key) or another plan."""
    rules, duties = [], []
    plan_file = os.path.join(ROOT, "plans", PLAN + ".json")
    for line in tuogou(binary, "plan", "show", "--plan", plan_file).splitlines():
        if line.startswith("    ") and not line.startswith("     "):
            word = line.split()[0] if line.split() else ""
            if "." in word and word.replace(".", "").replace("-", "").isalnum() and word.isascii():
                (duties if line.rstrip().endswith("（义务）") else rules).append(word)
    return rules, duties


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


def D(s):
    return _dt.date.fromisoformat(s)


def add_days(s, n):
    return (D(s) + _dt.timedelta(days=n)).isoformat()


def add_months(s, n):
    x = D(s)
    m = x.month - 1 + n
    y = x.year + m // 12
    m = m % 12 + 1
    last = _calendar.monthrange(y, m)[1]
    return _dt.date(y, m, min(x.day, last)).isoformat()


def add_years(s, n):
    return add_months(s, 12 * n)


def wd(s):
    """An official act happens on a working day: move s to the next one."""
    return None if s is None else CAL.workday_on_or_after(s)


def rdate(rng, lo, hi):
    """A random date in [lo, hi]."""
    a, b = D(lo).toordinal(), D(hi).toordinal()
    return _dt.date.fromordinal(rng.randint(a, b)).isoformat()


def clamp_today(s):
    return None if s is None else min(s, TODAY)


# --------------------------------------------------------------------------
# Identifiers: made with their check characters (tuogou check validates them)
# --------------------------------------------------------------------------

USCC_SET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def orgcode_check(body8):
    """GB 11714-1997: weights 3 7 9 10 5 8 4 2, 0-9 and A=10 ... Z=35."""
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    total = 0
    for ch, wi in zip(body8, w):
        v = int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10
        total += v * wi
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check_char(first17):
    total = sum(USCC_SET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return USCC_SET[(31 - total % 31) % 31]


def make_uscc(division, body8):
    first16 = "51" + division + body8
    first17 = first16 + orgcode_check(body8)
    return first17 + uscc_check_char(first17)


ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check_char(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_W)) % 11]


# --------------------------------------------------------------------------
# Names (fictional: common characters combined at random)
# --------------------------------------------------------------------------

SURNAMES = ("王王王李李李张张张刘刘陈陈杨杨赵赵郭郭马孙朱高胡吕宋徐韩贾史常翟段牛申葛乔宁"
            "周吴黄何罗梁谢唐冯董曹袁邓许彭苏卢蒋蔡丁魏薛叶余潘杜戴夏田任姜范方石姚"
            "谭廖邹熊金陆郝孔白崔康毛邱秦江侯邵孟万雷钱汤尹易武贺龚靳焦杜程齐柴")
MALE = "建国军伟强磊涛斌勇鹏辉刚明华平志新海峰超波杰俊宏文东亮林卫民庆洪振永继晓宇浩鑫凯旭龙帅立胜利春德中长松学全宝云毅刚锋"
FEMALE = "丽娟敏静霞艳芳燕玲萍红梅琳洁雪慧颖婷倩丹莉晶娜秀兰英华玉凤云佳欣悦蕾璐瑶雯"
FAMOUS = {"李娜", "王菲", "刘翔", "姚明", "马云", "李宁", "张杰", "刘欢", "王刚", "李明", "张丽"}

DIVISIONS = ["410302", "410303", "410304", "410305", "410306", "410311", "410322",
             "410323", "410324", "410325", "410326", "410327", "410328", "410329", "410381"]


class Names:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.used = set()

    def make(self, male):
        rng = self.rng
        pool = MALE if male else FEMALE
        for _ in range(1000):
            name = rng.choice(SURNAMES)
            if rng.random() < 0.72:
                name += rng.choice(pool) + rng.choice(pool)
            else:
                name += rng.choice(pool)
            if name[1:2] == name[2:3]:
                continue
            if name not in self.used and name not in FAMOUS:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of names")


class IdNumbers:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.used = set()

    def make(self, birth, male, division=None):
        rng = self.rng
        div = division or rng.choice(DIVISIONS)
        while True:
            seq = rng.randint(1, 499) * 2 - (1 if male else 0)   # odd for men, even for women
            first17 = div + birth.replace("-", "") + "%03d" % seq
            num = first17 + id_check_char(first17)
            if num not in self.used:
                self.used.add(num)
                return num



# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------

def R(*parts):
    return random.Random(":".join([STORIES["seed"]] + [str(p) for p in parts]))


ROADS = {
    "410303": ["中州中路", "凯旋东路", "唐宫中路", "纱厂南路", "金谷园路", "道南路"],
    "410305": ["建设路", "南昌路", "西苑路", "天津路", "景华路", "长安路", "联盟路"],
    "410311": ["开元大道", "王城大道", "龙门大道", "太康东路", "宜人路", "古城路"],
    "410302": ["中州东路", "九都东路", "西大街", "民主街"],
    "410322": ["孟津县城关镇会盟大道", "孟津县城关镇黄河路"],
    "410323": ["新安县城关镇涧河路", "新安县城关镇函谷路"],
    "410327": ["宜阳县城关镇锦屏路", "宜阳县城关镇滨河路"],
}
DISTRICT = {"410303": "西工区", "410305": "涧西区", "410311": "洛龙区", "410302": "老城区"}


def address(rng, div, plain=False):
    if div == CITY:
        div = rng.choice(["410303", "410305", "410311", "410311", "410302"])
    road = rng.choice(ROADS[div])
    num = rng.randint(2, 480)
    if div in DISTRICT:
        head = "洛阳市%s%s%d号" % (DISTRICT[div], road, num)
    else:
        head = "洛阳市%s%d号" % (road, num)
    if plain:
        return head
    floor = rng.randint(2, 18)
    return head + rng.choice(["", "%d楼" % floor,
                              "%d号楼%d室" % (rng.randint(1, 6), floor * 100 + rng.randint(1, 20))])


class Builder:
    def __init__(self):
        self.names = Names(STORIES["seed"] + ":names")
        self.ids = IdNumbers(STORIES["seed"] + ":ids")
        self.assocs = []          # dicts in bundle key order (+ "_slug")
        self.by_slug = {}
        self.boards = {}          # slug -> [(date, contested, secret)]
        self.posts = []           # dicts with "_person" placeholder
        self.people = {}          # story key -> person dict
        self.staff, self.premises, self.assets = [], [], []
        self.appropriations, self.functions, self.elections = [], [], []
        self.annual_reports, self.foreign, self.listings = [], [], []
        self.uscc_bodies = set()

    # ---- associations and their workflow
    def build_associations(self):
        for s in ASSOCS:
            rng = R(s["slug"], "assoc")
            while True:
                body = "MJ" + "%06d" % rng.randint(100000, 999999)
                if body not in self.uscc_bodies:
                    self.uscc_bodies.add(body)
                    break
            a = OrderedDict()
            a["uscc"] = make_uscc(s["div"], body)
            a["name"] = s["name"]
            a["level"] = s["level"]
            a["member_basis"] = s["member_basis"]
            a["registered_on"] = s["registered_on"]
            a["deregistered_on"] = s.get("deregistered_on")
            a["unit"] = s["unit"]
            a["link"] = s["link"]
            a["link_cancelled_on"] = None
            a["scope_override"] = s.get("scope_override")
            a["batch"] = s["batch"]
            # the association's jurisdiction: its division when the register
            # holds it (the city, 孟津县, 新安县), else the register's own
            held = {j["id"] for j in STORIES["supervision"].get("jurisdictions", [])}
            a["jurisdiction"] = s["div"] if s["div"] in held else None
            self.workflow(s, a, R(s["slug"], "workflow"))
            self.assocs.append(a)
            self.by_slug[s["slug"]] = a

    def workflow(self, s, a, rng):
        wf = s.get("workflow", {})

        def pick(key, default):
            return wf[key] if key in wf else default()

        keys = ["plan_submitted_on", "decoupled_on", "audit_report_on", "report_submitted_on",
                "accepted_on", "independent_account_on", "asset_inventory_on", "party_org",
                "party_transferred_on", "charter_filed_on", "staffing_quota",
                "staffing_quota_cancelled_on"]
        for k in keys:
            a[k] = None
        a["party_org"] = False
        a["staffing_quota"] = 0
        reg = s["registered_on"]
        early_account = lambda: wd(add_days(max(reg, "1998-01-05"), rng.randint(20, 300)))
        if s.get("deregistered_on") and s["deregistered_on"] < REFORM_FROM:
            a["independent_account_on"] = early_account()
            return
        if not s["reform"]:
            a["independent_account_on"] = early_account()
            a["party_org"] = rng.random() < 0.3
            return
        batch = s["batch"]
        if batch == "pilot":
            plan_d = lambda: wd(rdate(rng, "2017-04-06", "2017-05-12"))
        elif batch == "second":
            plan_d = lambda: wd(rdate(rng, "2017-05-15", "2017-09-08"))
        else:
            plan_d = lambda: wd(rdate(rng, "2017-06-01", "2017-10-13"))
        plan = pick("plan_submitted_on", plan_d)
        if batch == "pilot":
            dec_d = lambda: wd(rdate(rng, max("2017-05-22", add_days(plan or "2017-05-01", 21)), "2017-06-28"))
        elif batch == "second":
            dec_d = lambda: wd(rdate(rng, max("2017-09-04", add_days(plan, 25)), "2017-12-22"))
        else:
            dec_d = lambda: wd(rdate(rng, max("2017-10-09", add_days(plan, 30)), "2017-12-26"))
        dec = pick("decoupled_on", dec_d)
        a["plan_submitted_on"] = plan
        a["decoupled_on"] = dec
        a["link_cancelled_on"] = pick("link_cancelled_on", lambda: dec)
        city = s["level"] == "city"

        def report_d():
            if dec is None:
                return None
            if city:
                return CAL.add_workdays(dec, rng.randint(3, 10))
            return CAL.add_workdays(dec, rng.randint(5, 15)) if rng.random() < 0.5 else None
        report = pick("report_submitted_on", report_d)
        a["report_submitted_on"] = report
        a["accepted_on"] = pick("accepted_on", lambda: wd(add_days(report, rng.randint(20, 75)))
                                if report and city else None)
        a["audit_report_on"] = pick("audit_report_on", lambda: wd(add_days(dec, rng.randint(15, 80)))
                                    if dec else None)

        def account_d():
            if rng.random() < 0.55 or dec is None:
                return early_account() if reg < "2017-01-01" else wd(add_days(reg, 14))
            return wd(add_days(dec, -rng.randint(0, 25)))
        a["independent_account_on"] = pick("independent_account_on", account_d)

        def inventory_d():
            if reg >= REFORM_FROM:
                return None
            if rng.random() < 0.85:
                return wd(rdate(rng, "2017-03-29", "2017-04-28"))
            return wd(rdate(rng, "2017-05-02", "2017-06-16"))
        a["asset_inventory_on"] = pick("asset_inventory_on", inventory_d)
        party = pick("party_org", lambda: rng.random() < 0.55)
        a["party_org"] = party
        a["party_transferred_on"] = pick("party_transferred_on", lambda: wd(
            add_days(dec, rng.randint(-10, 40))) if party and dec else None)
        a["charter_filed_on"] = pick("charter_filed_on", lambda: wd(add_days(dec, rng.randint(20, 110)))
                                     if dec else None)
        quota = pick("staffing_quota", lambda: 0)
        a["staffing_quota"] = quota
        a["staffing_quota_cancelled_on"] = pick("staffing_quota_cancelled_on",
                                                lambda: dec if quota and dec else None)

    # ---- elections
    def build_elections(self):
        for s in ASSOCS:
            rng = R(s["slug"], "elections")
            reg, dereg = s["registered_on"], s.get("deregistered_on")
            if "boards" in s:
                boards = list(s["boards"])
            else:
                first = reg if reg >= "2007-01-01" else rdate(rng, "2007-03-01", "2011-12-16")
                boards = [(first, rng.random() < 0.5 or first >= REFORM_FROM, rng.random() < 0.7 or first >= REFORM_FROM)]
                while add_years(boards[-1][0], 5) <= TODAY:
                    nxt = add_days(add_years(boards[-1][0], 5), -rng.randint(0, 50))
                    if dereg and nxt >= dereg:
                        break
                    pre = nxt < REFORM_FROM
                    boards.append((nxt, (rng.random() < 0.5) if pre else True,
                                   (rng.random() < 0.75) if pre else True))
            self.boards[s["slug"]] = boards
            bodies = ["board"]
            if rng.random() < 0.35:
                bodies.append("assembly")
            if rng.random() < 0.25:
                bodies.append("supervisors")
            for on, contested, secret in boards:
                for body in bodies:
                    e = OrderedDict()
                    e["id"] = None
                    e["association"] = self.by_slug[s["slug"]]["uscc"]
                    e["body"] = body
                    e["on"] = on
                    e["term_years"] = 5
                    e["contested"] = contested if body == "board" else (contested or rng.random() < 0.3)
                    e["secret_ballot"] = secret if body == "board" else True
                    self.elections.append(e)

    # ---- posts
    def resolve(self, slug, token):
        if token is None:
            return None
        if token.startswith("B"):
            return self.boards[slug][int(token[1:])][0]
        return token

    def new_post(self, a, role, frm, to, person=None, legal=False, rec=False, paid=False,
                 approval=None, audit=None, notice="ordinary"):
        t = OrderedDict()
        t["id"] = None
        t["person"] = None
        t["association"] = a["uscc"]
        t["role"] = role
        t["legal_representative"] = legal
        t["from"] = frm
        t["to"] = to
        t["recommended_by_unit"] = rec
        t["paid"] = paid
        t["approval"] = approval
        t["departure_audit_on"] = audit
        # 任职前公示: on the ordinary path a president or secretary general
        # is noticed ten days before taking office; a story states its own
        # date, or null for none
        if notice == "ordinary":
            notice = add_days(frm, -10) if role in ("president", "secretary_general") else None
        t["public_notice_on"] = notice
        t["_person"] = person          # story key, a shared token, or None (a new person)
        self.posts.append(t)
        return t

    def build_posts(self):
        for s in ASSOCS:
            slug = s["slug"]
            a = self.by_slug[slug]
            rng = R(slug, "posts")
            boards = [b[0] for b in self.boards[slug]]
            start = boards[0]
            end = s.get("deregistered_on")
            later = [b for b in boards[1:] if b >= "2012-01-01"]
            # president (legal representative) and a possible change at one election
            if "pres_change" in s:
                change = self.resolve(slug, s["pres_change"])
            else:
                change = rng.choice(later) if later and rng.random() < 0.35 else None
            vp_count = 1 if rng.random() < 0.35 else 0
            vp_key = "vp:%s:0" % slug
            segs = []
            if change:
                promoted = vp_count and rng.random() < 0.7
                segs.append((start, change, None))
                segs.append((change, None, vp_key if promoted else None))
            else:
                segs.append((start, None, None))
            story = s.get("posts", [])
            base = []
            for f, t, who in segs:
                base.append(("president", f, t, who))
            sg_change = rng.choice(later) if later and rng.random() < 0.15 else None
            if sg_change:
                base += [("secretary_general", start, sg_change, None), ("secretary_general", sg_change, None, None)]
            else:
                base.append(("secretary_general", start, None, None))
            promoted_at = change if change and any(w == vp_key for _, _, _, w in base) else None
            if vp_count:
                vfrom = start if rng.random() < 0.7 else (later[0] if later else start)
                base.append(("vice_president", vfrom, promoted_at, vp_key))
            if rng.random() < 0.2:
                base.append(("supervisor", start, None, None))
            if rng.random() < 0.1:
                base.append(("director", start, None, None))
            if rng.random() < 0.05:
                base.append(("other", start, None, None))       # e.g. 名誉会长

            # story posts replace the base holder of their role for their interval
            for sp in story:
                if not sp["replace"]:
                    continue
                f, t = self.resolve(slug, sp["frm"]), self.resolve(slug, sp["to"])
                out = []
                for role, bf, bt, who in base:
                    if role != sp["role"] or (t is not None and bf >= t) or (bt is not None and bt <= f):
                        out.append((role, bf, bt, who))
                        continue
                    if bf < f:
                        out.append((role, bf, f, who))
                    if t is not None and (bt is None or bt > t):
                        out.append((role, t, bt, None))
                base = out
            for role, f, t, who in base:
                if end and (t is None or t > end):
                    t = end
                if t is not None and t <= f:
                    continue
                legal = role == "president"
                paid = role == "secretary_general" and rng.random() < 0.7
                audit = None
                if legal and t is not None and t != end:
                    if not (s.get("no_departure_audit") and t == change):
                        audit = clamp_today(wd(add_days(t, rng.randint(20, 70))))
                if legal and t is not None and t == end:
                    audit = wd(add_days(t, -rng.randint(10, 40)))
                self.new_post(a, role, f, t, person=who, legal=legal, paid=paid, audit=audit)
            for sp in story:
                f, t = self.resolve(slug, sp["frm"]), self.resolve(slug, sp["to"])
                self.new_post(a, sp["role"], f, t, person=sp["person"], legal=sp["legal"],
                              rec=sp["rec"], paid=sp["paid"], approval=sp["approval"],
                              audit=sp["audit"], notice=sp["notice"])

    # ---- staff
    def build_staff(self):
        for s in ASSOCS:
            slug = s["slug"]
            a = self.by_slug[slug]
            rng = R(slug, "staff")
            reg, dereg = s["registered_on"], s.get("deregistered_on")
            n = rng.choice([2, 2, 3, 3, 3, 4, 4, 5])
            in_scope = s["reform"] and not (dereg and dereg < REFORM_FROM)
            dec = a["decoupled_on"]
            no_contract = s.get("staff_no_contract", 0)
            no_insurance = s.get("staff_no_insurance", 0)
            rows = []
            for i in range(n):
                frm = rdate(rng, max(reg, "2006-03-01"), "2017-02-28") if reg < "2017-01-01" \
                    else rdate(rng, reg, add_days(reg, 200))
                frm = wd(frm)
                to = None
                if rng.random() < 0.22:
                    to = wd(rdate(rng, max(add_days(frm, 200), "2017-07-03"), "2024-12-31"))
                if dereg and (to is None or to > dereg):
                    to = dereg
                if to is not None and to <= frm:
                    continue
                rows.append([frm, to])
            # a newer hire after the reform for some associations
            if rng.random() < 0.45 and (not dereg or dereg > "2019-06-01"):
                frm = wd(rdate(rng, max(reg, "2018-03-01"), "2025-09-30"))
                rows.append([frm, dereg if dereg and dereg > frm else None])
            for i, (frm, to) in enumerate(rows):
                if frm >= REFORM_FROM or not in_scope:
                    contract = frm if rng.random() < 0.85 or in_scope else None
                    insurance = wd(add_days(frm, rng.randint(0, 30))) if contract else None
                else:
                    if rng.random() < 0.5:
                        contract = wd(add_days(frm, rng.randint(0, 20)))
                    elif dec:
                        contract = wd(add_days(dec, -rng.randint(0, 40)))
                    else:
                        contract = wd(rdate(rng, "2017-06-01", "2017-12-20")) if rng.random() < 0.6 else None
                    insurance = wd(add_days(contract, rng.randint(0, 30))) if contract else None
                    if insurance and dec and insurance > dec and rng.random() < 0.5:
                        insurance = contract
                if i < no_contract:
                    contract, insurance, to = None, None, None
                if i < no_insurance:
                    insurance, to = None, None
                    contract = contract or wd(add_days(frm, 3))
                if contract and contract < frm:
                    contract = frm
                if insurance and insurance < frm:
                    insurance = frm
                if contract:
                    contract = clamp_today(contract)
                if insurance:
                    insurance = clamp_today(insurance)
                st = OrderedDict()
                st["id"] = None
                st["association"] = a["uscc"]
                st["name"] = self.names.make(rng.random() < 0.45)
                st["from"] = frm
                st["to"] = to
                st["labor_contract_on"] = contract
                st["social_insurance_on"] = insurance
                self.staff.append(st)

    # ---- premises
    def premise(self, a, address_, owner, area, approved, coloc, frm, to):
        p = OrderedDict()
        p["id"] = None
        p["association"] = a["uscc"]
        p["address"] = address_
        p["owner"] = owner
        p["area"] = float(area)
        p["approved_area"] = None if approved is None else float(approved)
        p["co_located_with_unit"] = coloc
        p["from"] = frm
        p["to"] = to
        self.premises.append(p)

    def build_premises(self):
        unit_name = {"U%02d" % (i + 1): u[0] for i, u in enumerate(UNITS)}
        for s in ASSOCS:
            slug = s["slug"]
            a = self.by_slug[slug]
            rng = R(slug, "premises")
            reg, dereg = s["registered_on"], s.get("deregistered_on")
            start = reg if reg >= "2006-01-01" else wd(rdate(rng, "2006-01-04", "2012-12-20"))
            if dereg and start >= dereg:
                start = reg
            dec = a["decoupled_on"]
            mode = s.get("premises")
            in_scope = s["reform"] and not (dereg and dereg < REFORM_FROM)
            if mode is None and in_scope and rng.random() < 0.4:
                mode = "admin_generic"
            def admin_addr():
                floor = rng.randint(2, 9)
                office = address(R(s["unit"], "office"), s["div"], plain=True)   # one address per unit
                return "%s%s办公楼%d楼%d室" % (office, unit_name[s["unit"]], floor, floor * 100 + rng.randint(1, 30))
            approved = round(rng.randint(30, 120) / 5.0) * 5.0
            if mode is None:
                owner = "own" if rng.random() < 0.15 else "leased"
                area = rng.randint(40, 300) + rng.choice([0, 0.5])
                if rng.random() < 0.25 and not dereg:
                    move = wd(rdate(rng, max(add_days(start, 400), "2012-01-01"), "2023-12-31"))
                    self.premise(a, address(rng, s["div"]), owner, area, None, False, start, move)
                    self.premise(a, address(rng, s["div"]), "leased", rng.randint(60, 320), None, False, move, None)
                else:
                    self.premise(a, address(rng, s["div"]), owner, area, None, False, start, dereg)
                continue
            if mode == "admin_generic":
                coloc = rng.random() < 0.35
                if rng.random() < 0.7:
                    area = approved - rng.randint(0, 10)
                else:
                    area = approved + rng.randint(10, 60)
                move = dec
                self.premise(a, admin_addr(), "administrative", area, approved, coloc, start, move)
                if move:
                    self.premise(a, address(rng, s["div"]), "leased", rng.randint(60, 260), None, False, move, dereg)
            elif mode == "admin_within":
                self.premise(a, admin_addr(), "administrative", approved - 5, approved, False, start, None)
            elif mode == "admin_excess_coloc":
                self.premise(a, admin_addr(), "administrative", approved + 46.5, approved, True, start, None)
            elif mode.startswith("coloc_until:"):
                until = mode.split(":")[1]
                self.premise(a, admin_addr(), "administrative", approved - 10, approved, True, start, until)
                self.premise(a, address(rng, s["div"]), "leased", 180.0, None, False, until, None)
            elif mode.startswith("excess_until:"):
                until = mode.split(":")[1]
                self.premise(a, admin_addr(), "administrative", approved + 62, approved, False, start, until)
                self.premise(a, address(rng, s["div"]), "leased", 150.0, None, False, until, None)

    # ---- assets
    def asset(self, a, name, state, value, frm, to, registered):
        x = OrderedDict()
        x["id"] = None
        x["association"] = a["uscc"]
        x["name"] = name
        x["state_owned"] = state
        x["value"] = value
        x["from"] = frm
        x["to"] = to
        x["registered_on"] = registered
        self.assets.append(x)

    def build_assets(self):
        for s in ASSOCS:
            slug = s["slug"]
            a = self.by_slug[slug]
            rng = R(slug, "assets")
            reg, dereg = s["registered_on"], s.get("deregistered_on")
            if dereg and dereg < REFORM_FROM:
                continue
            in_scope = s["reform"]
            start = max(reg, "2008-01-01")
            money = lambda lo, hi: rng.randint(lo * 100, hi * 100) / 100.0 if rng.random() < 0.3 \
                else float(rng.randint(lo // 100, hi // 100) * 100)
            if in_scope and reg < REFORM_FROM and (rng.random() < 0.5 or s.get("state_assets")):
                inv = a["asset_inventory_on"]
                reg_on = None if inv is None else wd(add_days(inv, rng.randint(0, 45)))
                if s.get("state_assets") == "never_registered":
                    reg_on = None
                self.asset(a, "办公设备（国有资产划拨）", True, money(8000, 60000),
                           wd(rdate(rng, start, "2016-12-30")), dereg, reg_on)
                if rng.random() < 0.3:
                    self.asset(a, "行业信息服务平台软件著作权（无形资产）", True, money(20000, 150000),
                               wd(rdate(rng, max(start, "2012-01-01"), "2016-12-30")), dereg, reg_on)
            for x in s.get("assets", []):
                self.asset(a, x["name"], x["state_owned"], x["value"], x["from"], x["to"], x["registered_on"])
            if rng.random() < 0.35:
                self.asset(a, rng.choice(["自购办公设备", "自购办公家具", "会员管理系统"]), False,
                           money(3000, 40000), wd(rdate(rng, max(start, "2015-01-01"), add_days(dereg, -90) if dereg else "2025-06-30")),
                           dereg, None)

    # ---- appropriations
    def build_appropriations(self):
        for m in STORIES["appropriations"]:
            self.appropriation(m["association"], m["year"], m["kind"], m["amount"], m["on"],
                               m.get("purchase_item"))

    def appropriation(self, slug, year, kind, amount, on, item):
        m = OrderedDict()
        m["id"] = None
        m["association"] = self.by_slug[slug]["uscc"]
        m["year"] = year
        m["kind"] = kind
        m["amount"] = amount
        m["on"] = on
        m["purchase_item"] = item
        self.appropriations.append(m)

    # ---- functions
    def build_functions(self):
        for f in STORIES["functions"]:
            slug, name, disp = f["association"], f["name"], f["disposition"]
            stripped, basis, ref = f["stripped_on"], f["legal_basis"], f["purchase_ref"]
            a = self.by_slug[slug]
            n = OrderedDict()
            n["id"] = None
            n["association"] = a["uscc"]
            n["unit"] = a["unit"]
            n["name"] = name
            n["disposition"] = disp
            n["stripped_on"] = stripped
            n["legal_basis"] = basis
            n["purchase_ref"] = ref
            self.functions.append(n)

    # ---- annual reports and credit listings
    def build_reports(self):
        for s in ASSOCS:
            slug = s["slug"]
            a = self.by_slug[slug]
            rng = R(slug, "reports")
            reg, dereg = s["registered_on"], s.get("deregistered_on")
            first = max(STORIES["reports_from_year"], int(reg[:4]))
            missing_from = s.get("reports_missing_from")
            fixed = s.get("reports", {})
            for y in range(first, 2026):
                due = "%d-05-31" % (y + 1)
                if dereg and dereg <= due:
                    break
                if missing_from is not None and y >= missing_from:
                    continue
                if y in fixed:
                    on = fixed[y]
                elif y >= 2018 and rng.random() < 0.04:
                    on = wd(rdate(rng, "%d-06-03" % (y + 1), "%d-07-31" % (y + 1)))
                else:
                    on = wd(rdate(rng, "%d-02-20" % (y + 1), "%d-05-26" % (y + 1)))
                r = OrderedDict()
                r["association"] = a["uscc"]
                r["year"] = y
                r["submitted_on"] = on
                self.annual_reports.append(r)
        for x in STORIES["credit_listings"]:
            slug, lst, on, reason, removed = x["association"], x["list"], x["on"], x["reason"], x["removed_on"]
            c = OrderedDict()
            c["id"] = None
            c["association"] = self.by_slug[slug]["uscc"]
            c["list"] = lst
            c["on"] = on
            c["reason"] = reason
            c["removed_on"] = removed
            for k in ("objection_on", "objection_decided_on", "rectified_on"):
                c[k] = x.get(k)
            self.listings.append(c)

    def build_foreign(self):
        for x in STORIES["foreign_approvals"]:
            slug, on = x["association"], x["on"]
            unit = UID[x["approver_unit"]] if x["approver_unit"] else None
            w = OrderedDict()
            w["id"] = None
            w["association"] = self.by_slug[slug]["uscc"]
            w["on"] = on
            w["approver_unit"] = unit
            self.foreign.append(w)

    # ---- support and supervision after decoupling (五, supervision.md)
    SUPERVISION_IDS = {"service_purchases": "SP", "fees": "FE", "awards": "AW",
                       "tax_exemptions": "TX", "ratings": "RA", "credit_commitments": "CC",
                       "evaluations": "EV", "exit_cases": "XC"}

    def build_supervision(self):
        """The arrays of supervision.md as the stories state them: an
        association by its slug, a unit by its name, ids numbered per array
        in the stories' order (jurisdictions keep their GB/T 2260 codes)."""
        sup = STORIES.get("supervision", {})
        self.supervision = OrderedDict()
        self.supervision["jurisdictions"] = [OrderedDict(j) for j in sup.get("jurisdictions", [])]
        for array, prefix in self.SUPERVISION_IDS.items():
            rows = []
            for i, x in enumerate(sup.get(array, [])):
                r = OrderedDict([("id", "%s%02d" % (prefix, i + 1))])
                for k, v in x.items():
                    if k == "association":
                        v = self.by_slug[v]["uscc"]
                    elif k == "unit" and v is not None:
                        v = UID[v]
                    r[k] = v
                rows.append(r)
            self.supervision[array] = rows

    # ---- persons
    def make_person(self, male, birth, civil_servant=False, leading=False, unit=None,
                    retired=None, left=None):
        p = OrderedDict()
        p["id"] = None
        p["name"] = self.names.make(male)
        p["id_number"] = self.ids.make(birth, male)
        p["civil_servant"] = civil_servant
        p["leading_cadre"] = leading
        p["unit"] = UID[unit] if unit else None
        p["retired_on"] = retired
        p["left_public_service_on"] = left
        return p

    def build_persons(self):
        order = {s["slug"]: i for i, s in enumerate(ASSOCS)}
        uscc_slug = {a["uscc"]: sl for sl, a in self.by_slug.items()}
        role_rank = {"president": 0, "vice_president": 1, "secretary_general": 2, "director": 3,
                     "supervisor": 4, "dispatched_supervisor": 5, "other": 6}
        self.posts.sort(key=lambda t: (order[uscc_slug[t["association"]]], t["from"],
                                       role_rank[t["role"]], t["to"] or "9999"))
        persons = []
        shared = {}
        presidents = []           # entrepreneurs heading an association; some also sit in another
        rng = R("persons")
        for t in self.posts:
            key = t["_person"]
            if key in STORY_PEOPLE:
                if key not in self.people:
                    male, birth, cs, lc, unit, retired, left = STORY_PEOPLE[key]
                    self.people[key] = self.make_person(male, birth, cs, lc, unit, retired, left)
                    persons.append(self.people[key])
                p = self.people[key]
            elif key is not None and key in shared:
                p = shared[key]
            elif t["role"] in ("vice_president", "director") and presidents and rng.random() < 0.3 and \
                    any(x[1] != t["association"] for x in presidents):
                p = rng.choice([x[0] for x in presidents if x[1] != t["association"]])
                if key is not None:
                    shared[key] = p
            else:
                male = rng.random() < 0.78
                if t["role"] == "president":
                    birth = rdate(rng, "1952-01-01", "1978-12-31")
                else:
                    birth = rdate(rng, "1958-01-01", "1990-12-31")
                p = self.make_person(male, birth)
                persons.append(p)
                if key is not None:
                    shared[key] = p
                if t["role"] == "president":
                    presidents.append((p, t["association"]))
            t["person"] = p
        self.persons = persons

    # ---- ids, order, bundle
    def finish(self):
        order = {a["uscc"]: i for i, a in enumerate(self.assocs)}
        for i, p in enumerate(self.persons):
            p["id"] = "P%04d" % (i + 1)
        for i, t in enumerate(self.posts):
            t["id"] = "T%04d" % (i + 1)
            t["person"] = t["person"]["id"]
            del t["_person"]

        def number(rows, prefix, width, key):
            rows.sort(key=key)
            for i, r in enumerate(rows):
                r["id"] = "%s%0*d" % (prefix, width, i + 1)
        number(self.staff, "S", 4, lambda r: (order[r["association"]], r["from"], r["name"]))
        number(self.premises, "F", 3, lambda r: (order[r["association"]], r["from"]))
        number(self.assets, "A", 3, lambda r: (order[r["association"]], r["from"], r["name"]))
        number(self.appropriations, "M", 3, lambda r: (order[r["association"]], r["year"], r["kind"]))
        number(self.functions, "N", 3, lambda r: order[r["association"]])
        number(self.elections, "E", 3, lambda r: (order[r["association"]], r["on"],
                                                  ["assembly", "board", "supervisors"].index(r["body"])))
        number(self.foreign, "W", 2, lambda r: r["on"])
        number(self.listings, "L", 2, lambda r: r["on"])
        self.annual_reports.sort(key=lambda r: (order[r["association"]], r["year"]))

        units = []
        for i, (name, kind, fl, where) in enumerate(UNITS):
            u = OrderedDict()
            u["id"] = "U%02d" % (i + 1)
            u["name"] = name
            u["kind"] = kind
            u["function_list_on"] = fl
            u["jurisdiction"] = where          # a county's unit (六(一)), else the city's (null)
            units.append(u)
        tasks = []
        for i, (unit, task, clause, hl, issued, published) in enumerate(UNIT_TASKS):
            k = OrderedDict()
            k["id"] = "K%02d" % (i + 1)
            k["unit"] = UID[unit]
            k["task"] = task
            k["clause"] = clause
            k["higher_level_doc_on"] = hl
            k["issued_on"] = issued
            k["published_on"] = published
            tasks.append(k)
        b = OrderedDict()
        b["format"] = "tuogou-bundle/1"
        b["plan"] = PLAN
        b["batches"] = [OrderedDict([("id", "pilot"), ("name", "试点"), ("due", "2017-06-30")]),
                        OrderedDict([("id", "second"), ("name", "第二批"), ("due", None)])]
        b["jurisdictions"] = self.supervision["jurisdictions"]
        b["units"] = units
        b["associations"] = self.assocs
        b["persons"] = self.persons
        b["posts"] = self.posts
        b["staff"] = self.staff
        b["premises"] = self.premises
        b["assets"] = self.assets
        b["appropriations"] = self.appropriations
        b["functions"] = self.functions
        b["unit_tasks"] = tasks
        b["elections"] = self.elections
        b["annual_reports"] = self.annual_reports
        b["foreign_approvals"] = self.foreign
        b["credit_listings"] = self.listings
        for array in self.SUPERVISION_IDS:
            b[array] = self.supervision[array]
        return b


def build():
    bl = Builder()
    bl.build_associations()
    bl.build_elections()
    bl.build_posts()
    bl.build_staff()
    bl.build_premises()
    bl.build_assets()
    bl.build_appropriations()
    bl.build_functions()
    bl.build_reports()
    bl.build_foreign()
    bl.build_supervision()
    bl.build_persons()
    b = bl.finish()
    return b, {k: p["id"] for k, p in bl.people.items()}


# --------------------------------------------------------------------------
# Judging: the expectations against tuogou check
# --------------------------------------------------------------------------

def expectation_dates():
    dates = set(STORIES["summary_dates"])
    for e in STORIES["expectations"]:
        dates.update(e["as_of"])
    return sorted(dates)


def target_findings(b, people, target, rule, findings):
    """The findings of rule for an expectation's target: an association slug,
    "unit:<name>", "task:<id>" or "person:<story person>"."""
    if target.startswith("unit:"):
        subject = UID[target[5:]]
    elif target.startswith("task:"):
        subject = target[5:]
    elif target.startswith("person:"):
        subject = people[target[7:]]
    else:
        uscc = b["_uscc"][target]
        return [f for f in findings if f["rule"] == rule and f["association"] == uscc]
    return [f for f in findings if f["rule"] == rule and f["association"] is None and f["subject"] == subject]


def judge(b, people, findings_by_date, plan):
    """Every disagreement between the expectations and the product's findings.
    Every rule and every obligation of the plan must be shown by an
    expectation (the demo holds every array of 五, issue 13)."""
    rules, duties = plan
    problems = []
    shown = set(e["rule"] for e in STORIES["expectations"]
                if any(v != "none" for v in e["as_of"].values()))
    for rule in rules:
        if rule not in shown:
            problems.append("%s: no expectation shows it" % rule)
    for duty in duties:
        if duty not in shown:
            problems.append("%s: no expectation shows it" % duty)
    for e in STORIES["expectations"]:
        if e["rule"] not in rules and e["rule"] not in duties:
            problems.append("%s: not a rule of the plan" % e["rule"])
        for d, want in e["as_of"].items():
            got = target_findings(b, people, e["target"], e["rule"], findings_by_date[d])
            states = sorted(set(f["state"] for f in got))
            if want == "none":
                if got:
                    problems.append("%s %s %s: expected no finding, tuogou check gives %s"
                                    % (e["rule"], e["target"], d, states))
            elif states != [want]:
                problems.append("%s %s %s: expected %s, tuogou check gives %s"
                                % (e["rule"], e["target"], d, want, states or "nothing"))
    return problems


def judged(binary, b, text):
    """The product's findings for every date the stories name (the bundle
    written to a scratch file and checked), or SystemExit on any problem."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "demo-bundle.json")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        findings = {d: check(binary, path, d) for d in expectation_dates()}
    return findings


# Dates that end a term rather than record an event: a rating or a tax
# exemption is valid to a day that may lie after today.
TERM_ENDS = {"valid_to"}


def late_dates(b):
    """Demo sanity: no date in the register is later than the demo's today
    (but for the end of a term, TERM_ENDS)."""
    out = []

    def walk(x, where):
        if isinstance(x, dict):
            for k, v in x.items():
                if k not in TERM_ENDS:
                    walk(v, "%s.%s" % (where, k))
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, "%s[%d]" % (where, i))
        elif isinstance(x, str) and len(x) == 10 and x[4] == "-" and x[7] == "-" and x > TODAY:
            out.append("%s: %s is after the demo's today %s" % (where, x, TODAY))
    walk(b, "bundle")
    return out


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def dumps(b):
    return json.dumps(b, ensure_ascii=False, indent=2) + "\n"


def stories_markdown(b, people, findings_by_date):
    names = {a["uscc"]: a["name"] for a in b["associations"]}
    pname = {p["id"]: p["name"] for p in b["persons"]}
    lines = ["| rule | clause | association (or unit, task, person) | subject | as of → state | what it shows |",
             "|---|---|---|---|---|---|"]
    clause = {f["rule"]: f["clause"] for fs in findings_by_date.values() for f in fs}
    for e in STORIES["expectations"]:
        rule, target = e["rule"], e["target"]
        subjects = []
        for d, st in e["as_of"].items():
            if st != "none":
                subjects = [f["subject"] for f in target_findings(b, people, target, rule, findings_by_date[d])]
                break
        subj = ", ".join(x for x in subjects if x) or "—"
        if target.startswith("unit:"):
            who = "%s (%s)" % (target[5:], UID[target[5:]])
        elif target.startswith("task:"):
            k = [t for t in b["unit_tasks"] if t["id"] == target[5:]][0]
            who = "%s %s" % (k["id"], k["task"])
        elif target.startswith("person:"):
            pid = people[target[7:]]
            who = "person %s %s" % (pid, pname[pid])
        else:
            who = names[b["_uscc"][target]]
        states = ", ".join("%s %s" % (d, s) for d, s in e["as_of"].items())
        lines.append("| `%s` | %s | %s | %s | %s | %s |" % (rule, clause.get(rule, "—"), who, subj, states, e["note"]))
    return "\n".join(lines) + "\n"


def progress(b, d):
    """Headline numbers as of d, counted from the stories' dates: the
    associations each story puts in the reform, their decoupled_on and accepted_on."""
    reform = {s["name"]: s["reform"] for s in ASSOCS}
    reg = [a for a in b["associations"] if a["registered_on"] <= d and
           not (a["deregistered_on"] and a["deregistered_on"] <= d)]
    in_scope = [a for a in reg if reform[a["name"]]]
    done = lambda a, k: a[k] is not None and a[k] <= d
    by_batch = lambda bid: [a for a in in_scope if a["batch"] == bid]
    return ("registered %d, in the reform %d, decoupled %d (pilot %d/%d, second %d/%d), accepted %d"
            % (len(reg), len(in_scope), sum(done(a, "decoupled_on") for a in in_scope),
               sum(done(a, "decoupled_on") for a in by_batch("pilot")), len(by_batch("pilot")),
               sum(done(a, "decoupled_on") for a in by_batch("second")), len(by_batch("second")),
               sum(done(a, "accepted_on") for a in in_scope)))


def summary(b, findings_by_date):
    lines = []
    for arr, rows in b.items():
        if isinstance(rows, list) and arr != "batches":
            lines.append("%-18s %5d" % (arr, len(rows)))
    for d in STORIES["summary_dates"]:
        f = findings_by_date[d]
        c = Counter(x["rule"] for x in f)
        o = Counter(x["rule"] for x in f if x["state"] == "overdue")
        lines.append("")
        lines.append("as of %s (tuogou check): %d findings (%d overdue); %s"
                     % (d, len(f), sum(o.values()), progress(b, d)))
        for rule in sorted(c):
            lines.append("  %-46s %4d  (%d overdue)" % (rule, c[rule], o[rule]))
    return "\n".join(lines) + "\n"


def main(argv=None):
    global CAL
    ap = argparse.ArgumentParser(description="Build the tuogou demo register (data/demo-bundle.json) "
                                 "from tools/demo/stories.json, judged by tuogou check.")
    ap.add_argument("-o", "--output", default=OUT_DEFAULT)
    ap.add_argument("--stories-file", default=STORIES_DEFAULT)
    ap.add_argument("--tuogou", default=os.environ.get("TUOGOU") or os.path.join(ROOT, "build", "tuogou"))
    ap.add_argument("--verify", action="store_true",
                    help="judge the stories and compare a fresh build with the output file")
    ap.add_argument("--stories", action="store_true", help="print the expectations table (markdown)")
    ap.add_argument("--summary", action="store_true", help="counts per array and per summary date")
    args = ap.parse_args(argv)
    if not os.access(args.tuogou, os.X_OK):
        sys.stderr.write("make_demo.py: no tuogou binary at %s (build it, or set TUOGOU / --tuogou)\n"
                         % args.tuogou)
        return 2

    load_stories(args.stories_file)
    CAL = Calendar(args.tuogou)
    b, people = build()
    text = dumps(b)
    late = late_dates(b)
    if late:
        sys.stderr.write("the demo register has dates after its today:\n  " + "\n  ".join(late[:20]) + "\n")
        return 1
    findings = judged(args.tuogou, b, text)
    b["_uscc"] = {s["slug"]: a["uscc"] for s, a in zip(ASSOCS, b["associations"])}
    problems = judge(b, people, findings, plan_rules(args.tuogou))
    if problems:
        sys.stderr.write("expectations that tuogou check does not confirm:\n  " + "\n  ".join(problems) + "\n")
        return 1
    if args.stories:
        sys.stdout.write(stories_markdown(b, people, findings))
        return 0
    if args.summary:
        del b["_uscc"]
        sys.stdout.write(summary(b, findings))
        return 0
    n = sum(len(e["as_of"]) for e in STORIES["expectations"])
    if args.verify:
        with open(args.output, encoding="utf-8") as fh:
            old = fh.read()
        if old != text:
            sys.stderr.write("%s differs from a fresh build; run tools/demo/make_demo.py\n" % args.output)
            return 1
        print("%s is up to date; tuogou check confirms %d expectations on %d dates"
              % (args.output, n, len(findings)))
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print("wrote %s (%d associations, %d persons, %d posts, %d staff); tuogou check confirms %d expectations"
          % (args.output, len(b["associations"]), len(b["persons"]), len(b["posts"]), len(b["staff"]), n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
