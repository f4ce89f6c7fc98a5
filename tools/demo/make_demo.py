#!/usr/bin/env python3
"""make_demo.py: builds the tuogou demo register (fictional Luoyang data).

Writes data/demo-bundle.json, a `tuogou-bundle/1` document for the plan
`luoyang-2017` (洛办〔2017〕15号), as /work/shared/spec/bundle.md defines it.
Everything in it is made up: names are drawn from common characters, ID numbers
and USCCs are generated with valid check characters, addresses are invented.

The output is deterministic: fixed seeds (one per association and purpose), no
clock, no environment, standard library only.  The file asserts on its own output:
- every USCC passes GB 32100-2015 (GB 11714 organisation-code check digit and the
  mod-31 check character) and every id_number passes GB 11643-1999;
- the bundle satisfies every validation rule of bundle.md (required fields, enums,
  real dates, to > from, removed_on > on, references, unique ids, non-negative
  numbers, money with at most 2 decimals, no unknown keys);
- the "stories" listed in STORIES (rule -> association -> as-of date) really
  show, using a small reference evaluation of rules.md built into this file.

Usage (from the repository root):
  python3 tools/demo/make_demo.py                # write data/demo-bundle.json
  python3 tools/demo/make_demo.py -o FILE        # write elsewhere
  python3 tools/demo/make_demo.py --verify       # rebuild in memory, compare with the file
  python3 tools/demo/make_demo.py --stories      # print the stories table (markdown)
  python3 tools/demo/make_demo.py --findings D   # findings of the reference evaluation at D
  python3 tools/demo/make_demo.py --summary      # counts per array and per as-of date

The reference evaluation exists to keep the demo honest; the product's engine
(src/core/rules_*.c) is the one that counts.
"""

import argparse
import calendar as _calendar
import datetime as _dt
import json
import os
import random
import sys
from collections import Counter, OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT_DEFAULT = os.path.join(ROOT, "data", "demo-bundle.json")
HOLIDAYS = os.path.join(ROOT, "data", "holidays-cn.csv")

SEED = "tuogou-demo-2017"
TODAY = "2026-11-27"          # the demo's "today": nothing in the data is later
AS_OF = ["2017-06-30", "2017-12-31", "2018-06-30", TODAY]

# Plan parameters (rules.md, Luoyang 2017 values)
P = {
    "issued": "2017-03-28",
    "decoupling_due": "2017-12-31",
    "asset_inventory_due": "2017-04-30",
    "office_due": "2017-12-31",
    "direct_banned_from_year": 2018,
    "cooling_off_years": 3,
    "report_workdays": 10,
    "supporting_rules_months": 2,
    "name_suffixes": ["行业协会", "协会", "商会", "同业公会", "联合会", "促进会"],
    "annual_report_from_year": 2017,
    "retired_cadre_max_age": 70,
    "retired_cadre_max_posts": 1,
    "abnormal_to_serious_years": 2,
    "exit_missing_report_years": 2,
}

# --------------------------------------------------------------------------
# Dates and the working-day calendar
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


def is_real_date(s):
    if not isinstance(s, str) or len(s) != 10 or s[4] != "-" or s[7] != "-":
        return False
    try:
        _dt.date.fromisoformat(s)
    except ValueError:
        return False
    return True


class Calendar:
    """China's official calendar from data/holidays-cn.csv (holiday / 调休 workday)."""

    def __init__(self, path):
        self.days = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#") or line.startswith("date,"):
                    continue
                date, kind = line.split(",")[:2]
                self.days[date] = kind

    def is_workday(self, s):
        if s in self.days:
            return self.days[s] == "workday"
        return D(s).weekday() < 5

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


CAL = Calendar(HOLIDAYS)


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
# Identifiers: GB 32100-2015 USCC and GB 11643-1999 citizen ID number
# --------------------------------------------------------------------------

USCC_SET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_DEPT = set("123456789ABCDEFGNY")
USCC_CAT = {"5": set("1239"), "9": set("123"), "1": set("1239")}


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


def uscc_valid(code):
    if not isinstance(code, str):
        return False
    c = code.strip().upper()
    if len(c) != 18 or any(ch not in USCC_SET for ch in c):
        return False
    if c[0] not in USCC_DEPT:
        return False
    if c[0] in USCC_CAT and c[1] not in USCC_CAT[c[0]]:
        return False
    if not c[2:8].isdigit():
        return False
    if orgcode_check(c[8:16]) != c[16]:
        return False
    return uscc_check_char(c[:17]) == c[17]


def make_uscc(division, body8):
    first16 = "51" + division + body8
    first17 = first16 + orgcode_check(body8)
    return first17 + uscc_check_char(first17)


ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check_char(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_W)) % 11]


def id_valid(num, today=TODAY):
    if not isinstance(num, str) or len(num) != 18:
        return False
    n = num.upper()
    if not n[:17].isdigit() or not (n[17].isdigit() or n[17] == "X"):
        return False
    birth = "%s-%s-%s" % (n[6:10], n[10:12], n[12:14])
    if not is_real_date(birth) or birth > today:
        return False
    return id_check_char(n[:17]) == n[17]


def id_birth(num):
    return "%s-%s-%s" % (num[6:10], num[10:12], num[12:14])


# self-test against the published vectors (bundle.md)
assert uscc_valid("91350100M000100Y43")
assert uscc_valid("91110000600037341L")
assert uscc_valid("53100000500021676K")
assert not uscc_valid("91110000600037341N")
assert id_valid("11010519491231002X")

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
# The register's fixed parts: units, tasks, associations
# --------------------------------------------------------------------------

# (name, kind, function_list_on) -> ids U01.. in this order
UNITS = [
    ("洛阳市发展和改革委员会", "organ", "2017-06-28"),                 # U01
    ("洛阳市民政局", "organ", "2017-08-15"),                           # U02
    ("中共洛阳市委组织部", "organ", None),                             # U03
    ("洛阳市机构编制委员会办公室", "organ", None),                     # U04
    ("中共洛阳市委市直机关工作委员会", "organ", None),                 # U05
    ("洛阳市工业和信息化委员会", "organ", "2017-06-20"),               # U06
    ("洛阳市财政局", "organ", "2017-09-12"),                           # U07
    ("洛阳市人力资源和社会保障局", "organ", "2017-06-26"),             # U08
    ("洛阳市商务局", "organ", "2017-07-31"),                           # U09
    ("洛阳市审计局", "organ", "2017-10-16"),                           # U10
    ("洛阳市统计局", "organ", None),                                   # U11
    ("洛阳市人民政府国有资产监督管理委员会", "organ", "2017-05-25"),   # U12
    ("洛阳市机关事务管理局", "organ", None),                           # U13
    ("洛阳市工商业联合会", "other", "2017-11-06"),                     # U14
    ("洛阳市住房和城乡建设委员会", "organ", "2017-09-29"),             # U15
    ("洛阳市农业局", "organ", "2017-06-16"),                           # U16
    ("洛阳市旅游发展委员会", "organ", None),                           # U17
    ("洛阳市科学技术局", "organ", "2017-12-08"),                       # U18
    ("洛阳市交通运输局", "organ", "2018-03-20"),                       # U19
    ("洛阳市科学技术协会", "civil_service_managed", None),             # U20
    ("洛阳市供销合作社", "civil_service_managed", "2017-10-10"),       # U21
    ("洛阳市中小企业服务中心", "organ_affiliate", "2017-06-05"),       # U22
    ("洛阳市林业局", "organ", "2017-06-29"),                           # U23
    ("洛阳市文化广电新闻出版局", "organ", "2017-11-20"),               # U24
    ("洛阳市卫生和计划生育委员会", "organ", "2017-11-30"),             # U25
    ("洛阳市司法局", "organ", None),                                   # U26
    ("洛阳市食品药品监督管理局", "organ", "2017-12-12"),               # U27
    ("洛阳市人民政府外事侨务办公室", "organ", None),                   # U28
    ("洛阳市公路管理局", "organ_affiliate", None),                     # U29
    ("孟津县农业局", "organ", "2017-09-01"),                           # U30
    ("新安县商务局", "organ", "2017-10-20"),                           # U31
    ("宜阳县工业和信息化局", "organ", None),                           # U32
    ("洛阳市涧西区工业和信息化局", "organ", "2017-08-08"),             # U33
    ("洛阳市老城区旅游局", "organ", "2017-11-10"),                     # U34
    ("洛阳市西工区商务局", "organ", "2017-12-25"),                     # U35
]
UID = {name: "U%02d" % (i + 1) for i, (name, _, _) in enumerate(UNITS)}

# The six supporting documents of clause 6.2: (unit, task, higher_level_doc_on, issued_on, published_on)
UNIT_TASKS = [
    ("中共洛阳市委组织部", "行业协会商会脱钩后党建工作管理体制调整的实施意见",
     "2016-08-05", "2017-05-22", "2017-05-26"),            # on time, published
    ("洛阳市机构编制委员会办公室", "行业协会商会脱钩涉及事业编制核销的实施办法",
     "2016-06-20", "2017-07-14", "2017-07-20"),            # late (due 2017-05-28)
    ("洛阳市财政局", "行业协会商会资产清查和国有资产管理办法",
     "2017-05-10", "2017-06-30", None),                    # on time, never published
    ("洛阳市民政局", "行业协会商会主要负责人任职管理办法",
     "2017-06-19", None, None),                            # never issued (due 2017-08-19)
    ("洛阳市机关事务管理局", "行业协会商会占用行政办公用房清理腾退的具体办法",
     "2016-11-25", "2017-05-25", "2017-06-02"),            # on time
    ("洛阳市财政局", "行业协会商会承接政府购买服务的政策措施以及逐步取消财政拨款的具体办法",
     "2017-09-05", "2017-12-20", "2018-01-08"),            # late (due 2017-11-05)
]

CITY = "410300"


def A(slug, name, unit, link, batch, reg, mb, div=CITY, **kw):
    spec = dict(slug=slug, name=name, unit=UID[unit] if unit else None, link=link,
                batch=batch, reg=reg, mb=mb, div=div,
                level="city" if div == CITY else "county")
    spec.update(kw)
    return spec


GXW, SWJ, ZJW, NYJ, LYW, JTJ = ("洛阳市工业和信息化委员会", "洛阳市商务局", "洛阳市住房和城乡建设委员会",
                                "洛阳市农业局", "洛阳市旅游发展委员会", "洛阳市交通运输局")

# Story people: key -> (male, birth, civil_servant, leading_cadre, unit, retired_on, left_public_service_on).
# Names and ID numbers are drawn at random like everyone else's; the key only links posts to the person.
STORY_PEOPLE = {
    "sw_official":   (True, "1968-03-14", True, True, GXW, None, None),
    "lg_official":   (True, "1983-10-05", True, False, SWJ, None, None),
    "con_official":  (True, "1966-07-22", True, True, ZJW, None, None),
    "con_retired":   (True, "1952-06-08", True, True, ZJW, "2012-06-30", None),
    "re_official":   (False, "1979-01-30", True, False, ZJW, None, None),
    "tour_disp":     (False, "1963-09-17", False, False, None, None, None),
    "road_disp":     (True, "1961-02-03", False, False, None, None, None),
    "hosp_retired":  (True, "1955-03-20", True, True, "洛阳市卫生和计划生育委员会", "2015-03-31", None),
    "peony_retired": (True, "1955-10-11", True, True, "洛阳市林业局", "2015-10-31", None),
    "ar_official":   (True, "1962-05-18", True, True, JTJ, "2022-05-31", None),
    "steel_official": (True, "1970-12-02", True, True, ZJW, None, None),
    "conc_retired":  (True, "1956-06-25", True, True, ZJW, "2016-06-30", None),
    "beauty_sg":     (False, "1978-04-09", True, False, SWJ, None, "2017-09-30"),
    "seed_official": (True, "1969-08-27", True, True, NYJ, None, None),
    "dairy_retired": (True, "1954-03-16", True, True, NYJ, "2014-03-31", None),
    "ta_retired":    (False, "1955-12-05", True, True, LYW, "2015-12-31", None),
    "ref_retired":   (True, "1951-12-19", True, True, GXW, "2011-12-31", None),
    "bear_retired":  (True, "1946-04-12", True, True, GXW, "2006-04-30", None),
    "nf_official":   (True, "1976-02-11", True, False, GXW, None, None),
    "al_retired":    (True, "1950-09-28", True, True, GXW, "2010-09-30", None),
    "es_placed":     (True, "1956-12-12", True, False, "洛阳市发展和改革委员会", "2016-12-31", None),
    "cb_left":       (False, "1980-06-21", True, False, SWJ, None, "2017-04-30"),
    "xa_official":   (True, "1972-11-03", True, True, "新安县商务局", None, None),
}

# Posts held by story people.  "B0", "B1", ... are the association's board elections.
# replace=True: the base holder of that role steps aside for the interval.


def SP(person, role, frm, to=None, **kw):
    d = dict(person=person, role=role, frm=frm, to=to, replace=False, legal=False,
             rec=False, paid=False, approval=None, audit=None)
    d.update(kw)
    return d


def APPROVAL(kind, num, on):
    return OrderedDict([("kind", kind), ("ref", "洛组干〔%s〕%d号" % (on[:4], num)), ("on", on)])


ASSOCS = [
    # ---------------- pilot (试点, due 2017-06-30): 16 city-level associations
    A("software", "洛阳市软件行业协会", GXW, "supervisor", "pilot", "2003-06-18", "industry_units",
      wf=dict(plan_submitted_on="2017-04-12", decoupled_on="2017-06-15",
              report_submitted_on="2017-06-27", accepted_on="2017-08-10"),
      posts=[SP("sw_official", "vice_president", "B0", "2017-06-09")]),
    A("logistics", "洛阳市物流协会", SWJ, "supervisor", "pilot", "2006-09-12", "industry_units",
      wf=dict(decoupled_on="2017-06-26", report_submitted_on="2017-07-05"),
      posts=[SP("lg_official", "director", "2018-03-01", "2018-12-28", rec=True)]),
    A("catering", "洛阳市餐饮与饭店行业协会", SWJ, "supervisor", "pilot", "2001-04-20", "industry_units",
      wf=dict(plan_submitted_on="2017-07-10", decoupled_on="2017-08-21", asset_inventory_on="2017-05-18"),
      boards=[("2008-05-16", False, True), ("2013-05-10", True, True),
              ("2018-04-27", True, True), ("2023-04-21", True, True)],
      pres_change="2018-04-27", no_departure_audit=True,
      reports={2018: "2019-09-05"}),
    A("equipment", "洛阳市装备制造业协会", GXW, "supervisor", "pilot", "2008-11-05", "industry_units",
      premises="coloc_until:2017-09-01"),
    A("construction", "洛阳市建筑业协会", ZJW, "supervisor", "pilot", "1998-07-16", "industry_units",
      wf=dict(staffing_quota=3, staffing_quota_cancelled_on="2018-03-15"),
      boards=[("2008-07-18", False, False), ("2013-07-12", True, True),
              ("2018-06-29", True, True), ("2023-06-16", True, True)],
      posts=[SP("con_retired", "president", "2013-07-12", "2018-12-28", replace=True, legal=True,
                paid=True, approval=APPROVAL("filing", 9, "2017-04-18"), audit="2019-03-12"),
             SP("con_official", "vice_president", "B1", "2017-06-28")]),
    A("realestate", "洛阳市房地产业协会", ZJW, "supervisor", "pilot", "1999-03-22", "industry_units",
      wf=dict(plan_submitted_on="2017-04-14", decoupled_on="2017-05-26", report_submitted_on="2017-06-07",
              accepted_on="2017-06-28", audit_report_on="2017-06-16", charter_filed_on="2017-06-22",
              staffing_quota=2),
      posts=[SP("re_official", "secretary_general", "B0", "2017-06-15", replace=True, paid=False)]),
    A("tourism", "洛阳市旅游协会", LYW, "host", "pilot", "2000-05-10", "industry_units",
      premises="admin_within",
      posts=[SP("tour_disp", "director", "B1"),
             SP("tour_disp", "dispatched_supervisor", "2017-09-01")]),
    A("roadtransport", "洛阳市道路运输协会", JTJ, "supervisor", "pilot", "2002-08-28", "industry_units",
      posts=[SP("road_disp", "dispatched_supervisor", "2018-01-15", paid=True)]),
    A("electronics", "洛阳市电子信息产业协会", GXW, "supervisor", "pilot", "2009-12-15", "industry_units",
      wf=dict(plan_submitted_on="2017-04-10", decoupled_on="2017-05-24", report_submitted_on="2017-06-02",
              accepted_on="2017-06-23", audit_report_on="2017-06-13", charter_filed_on="2017-06-19")),
    A("hrservice", "洛阳市人力资源服务行业协会", "洛阳市人力资源和社会保障局", "liaison", "pilot",
      "2012-06-06", "industry_units"),
    A("enterprise", "洛阳市企业联合会", "洛阳市人民政府国有资产监督管理委员会", "sponsor", "pilot",
      "1996-10-08", "industry_units",
      wf=dict(decoupled_on="2017-06-28", charter_filed_on="2017-05-10")),
    A("sme", "洛阳市中小企业协会", "洛阳市中小企业服务中心", "host", "pilot", "2007-04-26", "industry_units",
      wf=dict(audit_report_on=None)),
    A("agrileader", "洛阳市农业产业化龙头企业协会", NYJ, "sponsor", "pilot", "2010-08-18", "industry_units",
      wf=dict(party_org=True, party_transferred_on="2017-11-20")),
    A("hospital", "洛阳市医院协会", "洛阳市卫生和计划生育委员会", "supervisor", "pilot", "2004-01-09",
      "industry_units", wf=dict(staffing_quota=1), premises="excess_until:2017-11-30",
      boards=[("2010-03-26", False, True), ("2015-03-20", True, True),
              ("2020-03-13", True, True), ("2025-03-07", True, True)],
      posts=[SP("hosp_retired", "vice_president", "2015-09-01", "2020-03-13",
                approval=APPROVAL("approval", 31, "2017-09-15"))]),
    A("peony", "洛阳市牡丹产业促进会", "洛阳市林业局", "supervisor", "pilot", "2011-03-30", "industry_units",
      boards=[("2011-03-30", True, True), ("2016-03-04", True, True),
              ("2021-02-26", True, True), ("2026-02-13", True, True)],
      posts=[SP("peony_retired", "president", "2016-03-04", "2021-02-26", replace=True, legal=True,
                approval=APPROVAL("approval", 12, "2017-05-02"), audit="2021-04-16")]),
    A("autorepair", "洛阳市汽车维修行业协会", JTJ, "supervisor", "pilot", "2003-11-25", "industry_units",
      wf=dict(plan_submitted_on="2017-06-12", decoupled_on=None, independent_account_on=None,
              party_org=True),
      posts=[SP("ar_official", "vice_president", "B0")]),

    # ---------------- second batch (第二批, due 2017-12-31)
    A("steel", "洛阳市钢结构协会", ZJW, "supervisor", "second", "2006-05-19", "industry_units",
      wf=dict(plan_submitted_on="2017-08-08", decoupled_on="2017-09-28",
              report_submitted_on="2017-10-18", asset_inventory_on="2017-07-20"),
      posts=[SP("steel_official", "vice_president", "B0", "2017-09-20")]),
    A("supervision", "洛阳市建设监理协会", ZJW, "supervisor", "second", "2001-12-03", "industry_units",
      wf=dict(plan_submitted_on="2017-08-15", decoupled_on="2017-09-28",
              report_submitted_on="2017-10-25")),
    A("property", "洛阳市物业管理协会", ZJW, "supervisor", "second", "2005-08-16", "industry_units",
      wf=dict(decoupled_on="2017-12-20", report_submitted_on=None)),
    A("decoration", "洛阳市建筑装饰协会", ZJW, "liaison", "second", "2007-10-11", "industry_units",
      wf=dict(charter_filed_on=None)),
    A("concrete", "洛阳市混凝土行业协会", ZJW, "supervisor", "second", "2010-05-07", "industry_units",
      boards=[("2010-05-07", True, True), ("2015-04-24", False, True),
              ("2020-04-17", True, True), ("2025-04-11", True, True)],
      posts=[SP("conc_retired", "president", "2016-12-20", "2020-04-17", replace=True, legal=True,
                audit="2020-06-05")]),
    A("autotrade", "洛阳市汽车流通协会", SWJ, "supervisor", "second", "2008-07-01", "industry_units",
      wf=dict(plan_submitted_on=None, decoupled_on=None, independent_account_on=None,
              party_org=True, party_transferred_on=None),
      premises="admin_excess_coloc"),
    A("beauty", "洛阳市美容美发行业协会", SWJ, "supervisor", "second", "2004-09-09", "industry_units",
      wf=dict(accepted_on=None),
      posts=[SP("beauty_sg", "secretary_general", "B0", replace=True, paid=True)]),
    A("commerce", "洛阳市商业联合会", SWJ, "sponsor", "second", "1997-12-18", "industry_units"),
    A("ecommerce", "洛阳市电子商务协会", SWJ, "supervisor", "second", "2014-11-20", None),
    A("cuisine", "洛阳市烹饪协会", SWJ, "liaison", "second", "1993-05-06", "trade_persons"),
    A("recycling", "洛阳市再生资源行业协会", "洛阳市供销合作社", "supervisor", "second", "2006-03-15",
      "industry_units", wf=dict(decoupled_on="2017-11-15", link_cancelled_on=None)),
    A("agrisupply", "洛阳市农资行业协会", "洛阳市供销合作社", "supervisor", "second", "2009-06-30",
      "industry_units"),
    A("seed", "洛阳市种子协会", NYJ, "supervisor", "second", "2000-10-12", "industry_units",
      wf=dict(decoupled_on="2017-12-15", asset_inventory_on=None),
      posts=[SP("seed_official", "vice_president", "B0", "2017-12-08")]),
    A("dairy", "洛阳市奶业协会", NYJ, "supervisor", "second", "2011-07-21", "industry_units",
      boards=[("2011-07-21", True, True), ("2016-07-08", True, True),
              ("2021-06-25", True, True), ("2026-06-19", True, True)],
      posts=[SP("dairy_retired", "president", "2017-12-05", "2021-06-25", replace=True, legal=True,
                approval=APPROVAL("filing", 44, "2017-12-01"), audit="2021-08-20")]),
    A("livestock", "洛阳市畜牧业协会", NYJ, "supervisor", "second", "2008-02-27", "industry_units",
      posts=[SP("dairy_retired", "vice_president", "2018-04-01", "2020-10-15",
                approval=APPROVAL("filing", 9, "2018-03-20"))]),
    A("travelagency", "洛阳市旅行社协会", LYW, "liaison", "second", "2005-06-15", "industry_units",
      posts=[SP("ta_retired", "vice_president", "2016-06-01", "2020-06-05",
                approval=APPROVAL("filing", 18, "2017-06-01"))]),
    A("incubator", "洛阳市科技企业孵化器协会", "洛阳市科学技术局", "supervisor", "second", "2013-10-30",
      "industry_units"),
    A("hightech", "洛阳市高新技术企业协会", "洛阳市科学技术局", "supervisor", "second", "2008-12-19",
      "industry_units"),
    A("taxi", "洛阳市出租汽车协会", JTJ, "host", "second", "2004-06-24", "industry_units",
      staff_no_contract=2, reports={2019: "2020-08-10"}),
    A("highway", "洛阳市公路建设行业协会", "洛阳市公路管理局", "host", "second", "2010-11-03",
      "industry_units"),
    A("pharma", "洛阳市医药行业协会", "洛阳市食品药品监督管理局", "supervisor", "second", "1999-08-31",
      "industry_units", wf=dict(staffing_quota=1, staffing_quota_cancelled_on="2017-12-28")),
    A("privatehosp", "洛阳市民营医院协会", "洛阳市卫生和计划生育委员会", "supervisor", "second",
      "2011-12-08", "industry_units", staff_no_insurance=2),
    A("health", "洛阳市健康产业促进会", "洛阳市卫生和计划生育委员会", "supervisor", "second", "2016-04-15",
      "industry_units", boards=[("2016-04-15", True, True)]),
    A("internalaudit", "洛阳市内部审计协会", "洛阳市审计局", "supervisor", "second", "1995-11-16",
      "industry_units"),
    A("cfo", "洛阳市总会计师协会", "洛阳市财政局", "supervisor", "second", "2003-03-13", "trade_persons"),
    A("flower", "洛阳市花卉协会", "洛阳市林业局", "supervisor", "second", "2001-09-20", "industry_units",
      wf=dict(charter_filed_on="2017-06-20")),
    A("refractory", "洛阳市耐火材料行业协会", GXW, "supervisor", "second", "2003-08-08", "industry_units",
      boards=[("2008-08-22", False, True), ("2013-08-16", True, True),
              ("2018-08-10", True, True), ("2023-08-04", True, True)],
      posts=[SP("ref_retired", "president", "2013-08-16", "2018-08-10", replace=True, legal=True,
                approval=APPROVAL("filing", 21, "2017-05-20"), audit="2018-10-19")]),
    A("bearing", "洛阳市轴承行业协会", GXW, "supervisor", "second", "2006-04-28", "industry_units",
      boards=[("2008-04-25", True, True), ("2013-04-19", True, False),
              ("2018-03-30", True, True), ("2023-03-24", True, True)],
      posts=[SP("bear_retired", "president", "2013-04-19", "2018-03-30", replace=True, legal=True,
                approval=APPROVAL("filing", 7, "2017-04-10"), audit="2018-05-25")]),
    A("nonferrous", "洛阳市有色金属工业协会", GXW, "supervisor", "second", "2000-12-12", "industry_units",
      posts=[SP("nf_official", "secretary_general", "2014-03-03", replace=True)]),
    A("glass", "洛阳市玻璃行业协会", GXW, "liaison", "second", "2005-02-24", "industry_units",
      wf=dict(accepted_on=None),
      boards=[("2008-04-10", False, True), ("2013-04-10", True, True),
              ("2018-09-26", True, True), ("2023-09-14", True, True)]),
    A("food", "洛阳市食品工业协会", GXW, "supervisor", "second", "1998-06-05", "industry_units",
      wf=dict(party_org=True, party_transferred_on=None)),
    A("aluminum", "洛阳市铝工业协会", GXW, "supervisor", "second", "2011-05-12", "industry_units",
      boards=[("2011-05-12", True, True), ("2016-04-29", True, True),
              ("2021-04-23", True, True), ("2026-04-17", True, True)],
      posts=[SP("al_retired", "president", "2014-04-01", "2019-04-19", replace=True, legal=True,
                audit="2019-06-14")]),
    A("iot", "洛阳市物联网产业协会", GXW, "supervisor", "second", "2015-06-23", "industry_units"),
    A("tangsancai", "洛阳市唐三彩行业协会", "洛阳市文化广电新闻出版局", "supervisor", "second",
      "2008-10-16", "industry_units"),
    A("energysaving", "洛阳市节能协会", "洛阳市发展和改革委员会", "supervisor", "second", "2005-10-27",
      "industry_units",
      posts=[SP("es_placed", "vice_president", "2017-11-20", rec=True)]),
    A("price", "洛阳市价格协会", "洛阳市发展和改革委员会", "sponsor", "second", "1994-09-21",
      "industry_units", wf=dict(staffing_quota=2, staffing_quota_cancelled_on=None),
      premises="admin_within"),
    A("eldercare", "洛阳市养老服务业协会", "洛阳市民政局", "supervisor", "second", "2013-08-22",
      "industry_units",
      boards=[("2013-08-22", True, True), ("2017-11-16", False, True), ("2022-11-10", True, True)]),
    A("housekeeping", "洛阳市家政服务业协会", "洛阳市人力资源和社会保障局", "liaison", "second",
      "2011-04-07", "trade_persons",
      boards=[("2011-04-07", True, True), ("2016-12-09", True, False), ("2021-12-03", True, False)]),
    A("zhejiang", "洛阳市浙江商会", "洛阳市工商业联合会", "supervisor", "second", "2006-12-26",
      "regional_orgs",
      scope_override=OrderedDict([("in_scope", True), (
          "reason", "经联合工作组办公室研究，工商联主管的异地商会参照本方案同步脱钩（联合工作组办公室会议纪要2017年第3期）")])),
    A("crossborder", "洛阳市跨境电子商务协会", SWJ, "supervisor", "second", "2017-08-15", "industry_units",
      wf=dict(plan_submitted_on="2017-10-20", decoupled_on="2018-04-10",
              report_submitted_on="2018-04-20", accepted_on="2018-06-20", audit_report_on="2018-05-28",
              independent_account_on="2017-08-28", party_org=False, charter_filed_on="2018-05-10"),
      boards=[("2017-08-15", True, True), ("2022-08-12", True, True)],
      posts=[SP("cb_left", "secretary_general", "2017-08-15", replace=True, rec=True, paid=True)]),
    A("audio", "洛阳市音像制品行业协会", "洛阳市文化广电新闻出版局", "supervisor", "second", "1995-04-25",
      "industry_units", dereg="2019-12-20"),
    A("appliance", "洛阳市家电维修行业协会", SWJ, "supervisor", "second", "2002-05-14", "industry_units",
      dereg="2021-06-30", reports_missing_from=2017),

    # ---------------- no batch: registered after the plan, out of scope, deregistered
    A("newenergy", "洛阳市新能源汽车产业促进会", GXW, "liaison", None, "2018-03-20", "industry_units",
      wf=dict(plan_submitted_on="2018-05-10", decoupled_on="2018-09-03", link_cancelled_on="2018-09-03",
              report_submitted_on="2018-09-13", accepted_on="2018-11-15", audit_report_on="2018-10-26",
              independent_account_on="2018-04-02", party_org=False, charter_filed_on="2018-10-08"),
      boards=[("2018-03-20", True, True), ("2023-03-10", True, True)]),
    A("fujian", "洛阳市福建商会", "洛阳市工商业联合会", "supervisor", None, "2008-05-28", "regional_orgs",
      reports={2020: "2021-09-28"}),
    A("wenzhou", "洛阳市温州商会", "洛阳市工商业联合会", "supervisor", None, "2005-11-11", "regional_orgs",
      pres_change="B2", no_departure_audit=True, reports_missing_from=2024),
    A("hele", "洛阳市河洛文化研究会", "洛阳市文化广电新闻出版局", "supervisor", None, "2009-07-07",
      "trade_persons"),
    A("mecheng", "洛阳市机械工程学会", "洛阳市科学技术协会", "supervisor", None, "1981-10-15",
      "trade_persons"),
    A("accounting", "洛阳市会计学会", "洛阳市财政局", "supervisor", None, "1985-06-12", None),
    A("statistics", "洛阳市统计学会", "洛阳市统计局", "supervisor", None, "1986-04-09", "other"),
    A("cpa", "洛阳市注册会计师协会", "洛阳市财政局", "supervisor", None, "1996-03-18", "trade_persons",
      scope_override=OrderedDict([("in_scope", False), (
          "reason", "依据《中华人民共和国注册会计师法》设立，由财政部门依法监督指导，不纳入本次脱钩")])),
    A("lawyers", "洛阳市律师协会", "洛阳市司法局", "supervisor", None, "1988-09-01", "trade_persons",
      scope_override=OrderedDict([("in_scope", False), (
          "reason", "依据《中华人民共和国律师法》设立，实行司法行政机关监督指导，不纳入本次脱钩")])),
    A("robotics", "洛阳市机器人及智能装备产业协会", None, None, None, "2019-05-16", "industry_units"),
    A("paging", "洛阳市无线寻呼行业协会", GXW, "supervisor", None, "1996-07-02", "industry_units",
      dereg="2016-08-31"),

    # ---------------- county level (counties and districts run their own, no batch)
    A("mj_grape", "孟津县葡萄产业协会", "孟津县农业局", "supervisor", None, "2010-08-09", "trade_persons",
      div="410322"),
    A("mj_coop", "孟津县农民专业合作社联合会", "孟津县农业局", "sponsor", None, "2014-05-20",
      "regional_orgs", div="410322"),
    A("xa_cherry", "新安县樱桃产业协会", "新安县商务局", "supervisor", None, "2012-04-27",
      "industry_units", div="410323"),
    A("xa_chamber", "新安县商会", "新安县商务局", "supervisor", None, "2009-01-08", "regional_orgs",
      div="410323", posts=[SP("xa_official", "vice_president", "B0", "2017-11-30")]),
    A("xa_ecom", "新安县电子商务协会", "新安县商务局", "supervisor", None, "2015-10-22", "industry_units",
      div="410323", wf=dict(decoupled_on="2017-11-10", report_submitted_on=None)),
    A("yy_ceramics", "宜阳县陶瓷行业协会", "宜阳县工业和信息化局", "supervisor", None, "2008-03-19",
      "industry_units", div="410327"),
    A("yy_sme", "宜阳县中小企业商会", "宜阳县工业和信息化局", "liaison", None, "2011-06-15",
      "regional_orgs", div="410327"),
    A("jx_design", "洛阳市涧西区工业设计协会", "洛阳市涧西区工业和信息化局", "supervisor", None,
      "2013-09-12", "industry_units", div="410305"),
    A("lc_souvenir", "洛阳市老城区旅游商品行业协会", "洛阳市老城区旅游局", "supervisor", None,
      "2010-06-28", "industry_units", div="410302", reports_missing_from=2022),
    A("xg_trade", "洛阳市西工区商贸流通协会", "洛阳市西工区商务局", "supervisor", None, "2007-05-30",
      "industry_units", div="410303", premises="admin_within"),
    A("xg_private", "洛阳市西工区个体私营企业协会", "洛阳市西工区商务局", "supervisor", None,
      "1995-08-08", "trade_persons", div="410303",
      wf=dict(plan_submitted_on="2017-10-16", decoupled_on=None, independent_account_on=None),
      reports_missing_from=2025),
]

SLUGS = {s["slug"]: s for s in ASSOCS}
assert len(SLUGS) == len(ASSOCS) == 80, len(ASSOCS)

# --------------------------------------------------------------------------
# Scope (the same definition as rules.md, used while building)
# --------------------------------------------------------------------------

UNIT_KIND = {"U%02d" % (i + 1): k for i, (_, k, _) in enumerate(UNITS)}


def spec_in_scope(s):
    ov = s.get("scope_override")
    if ov:
        return ov["in_scope"]
    qualifying = s["link"] is not None and s["unit"] is not None and \
        UNIT_KIND[s["unit"]] in ("organ", "organ_affiliate", "civil_service_managed")
    return qualifying and any(s["name"].endswith(x) for x in P["name_suffixes"]) and \
        s["mb"] in ("industry_units", "trade_persons", "regional_orgs")


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------

def R(*parts):
    return random.Random(":".join([SEED] + [str(p) for p in parts]))


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
        self.names = Names(SEED + ":names")
        self.ids = IdNumbers(SEED + ":ids")
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
            a["member_basis"] = s["mb"]
            a["registered_on"] = s["reg"]
            a["deregistered_on"] = s.get("dereg")
            a["unit"] = s["unit"]
            a["link"] = s["link"]
            a["link_cancelled_on"] = None
            a["scope_override"] = s.get("scope_override")
            a["batch"] = s["batch"]
            self.workflow(s, a, R(s["slug"], "workflow"))
            self.assocs.append(a)
            self.by_slug[s["slug"]] = a

    def workflow(self, s, a, rng):
        wf = s.get("wf", {})

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
        reg = s["reg"]
        early_account = lambda: wd(add_days(max(reg, "1998-01-05"), rng.randint(20, 300)))
        if s.get("dereg") and s["dereg"] < P["issued"]:
            a["independent_account_on"] = early_account()
            return
        if not spec_in_scope(s):
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
            if reg >= P["issued"]:
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
            reg, dereg = s["reg"], s.get("dereg")
            if "boards" in s:
                boards = list(s["boards"])
            else:
                first = reg if reg >= "2007-01-01" else rdate(rng, "2007-03-01", "2011-12-16")
                boards = [(first, rng.random() < 0.5 or first >= P["issued"], rng.random() < 0.7 or first >= P["issued"])]
                while add_years(boards[-1][0], 5) <= TODAY:
                    nxt = add_days(add_years(boards[-1][0], 5), -rng.randint(0, 50))
                    if dereg and nxt >= dereg:
                        break
                    pre = nxt < P["issued"]
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
                 approval=None, audit=None):
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
            end = s.get("dereg")
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
                              audit=sp["audit"])

    # ---- staff
    def build_staff(self):
        for s in ASSOCS:
            slug = s["slug"]
            a = self.by_slug[slug]
            rng = R(slug, "staff")
            reg, dereg = s["reg"], s.get("dereg")
            n = rng.choice([2, 2, 3, 3, 3, 4, 4, 5])
            in_scope = spec_in_scope(s) and not (dereg and dereg < P["issued"])
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
                if frm >= P["issued"] or not in_scope:
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
        unit_name = {"U%02d" % (i + 1): n for i, (n, _, _) in enumerate(UNITS)}
        for s in ASSOCS:
            slug = s["slug"]
            a = self.by_slug[slug]
            rng = R(slug, "premises")
            reg, dereg = s["reg"], s.get("dereg")
            start = reg if reg >= "2006-01-01" else wd(rdate(rng, "2006-01-04", "2012-12-20"))
            if dereg and start >= dereg:
                start = reg
            dec = a["decoupled_on"]
            mode = s.get("premises")
            in_scope = spec_in_scope(s) and not (dereg and dereg < P["issued"])
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
            reg, dereg = s["reg"], s.get("dereg")
            if dereg and dereg < P["issued"]:
                continue
            in_scope = spec_in_scope(s)
            start = max(reg, "2008-01-01")
            money = lambda lo, hi: rng.randint(lo * 100, hi * 100) / 100.0 if rng.random() < 0.3 \
                else float(rng.randint(lo // 100, hi // 100) * 100)
            if in_scope and reg < P["issued"] and (rng.random() < 0.5 or slug in ("pharma", "roadtransport")):
                inv = a["asset_inventory_on"]
                reg_on = None if inv is None else wd(add_days(inv, rng.randint(0, 45)))
                if slug == "pharma":
                    reg_on = None
                self.asset(a, "办公设备（国有资产划拨）", True, money(8000, 60000),
                           wd(rdate(rng, start, "2016-12-30")), dereg, reg_on)
                if rng.random() < 0.3:
                    self.asset(a, "行业信息服务平台软件著作权（无形资产）", True, money(20000, 150000),
                               wd(rdate(rng, max(start, "2012-01-01"), "2016-12-30")), dereg, reg_on)
            if slug == "roadtransport":
                self.asset(a, "公务用车（国有资产，2017年交回）", True, 126800.00, "2011-05-16", "2017-12-15", None)
            if rng.random() < 0.35:
                self.asset(a, rng.choice(["自购办公设备", "自购办公家具", "会员管理系统"]), False,
                           money(3000, 40000), wd(rdate(rng, max(start, "2015-01-01"), add_days(dereg, -90) if dereg else "2025-06-30")),
                           dereg, None)

    # ---- appropriations
    def build_appropriations(self):
        D_ = [("roadtransport", 2015, "2015-03-20", 80000.00), ("roadtransport", 2016, "2016-03-18", 80000.00),
              ("roadtransport", 2017, "2017-03-22", 60000.00), ("roadtransport", 2018, "2018-03-15", 50000.00),
              ("cfo", 2016, "2016-04-08", 40000.00), ("cfo", 2017, "2017-04-07", 40000.00),
              ("cfo", 2018, "2018-04-02", 30000.00),
              ("tourism", 2016, "2016-03-25", 100000.00), ("tourism", 2017, "2017-03-24", 100000.00),
              ("price", 2015, "2015-04-10", 52000.00), ("price", 2016, "2016-04-12", 52000.00),
              ("price", 2017, "2017-04-11", 45600.50),
              ("hospital", 2017, "2017-03-30", 30000.00),
              ("enterprise", 2016, "2016-05-06", 60000.00), ("enterprise", 2017, "2017-05-05", 60000.00),
              ("yy_ceramics", 2017, "2017-04-18", 20000.00), ("yy_ceramics", 2018, "2018-04-20", 20000.00),
              ("mecheng", 2017, "2017-05-12", 15000.00), ("mecheng", 2018, "2018-05-11", 15000.00)]
        PU = [("software", 2018, "2018-07-16", 120000.00, "软件和信息服务业统计监测"),
              ("software", 2020, "2020-06-22", 86450.50, "软件企业评估服务"),
              ("hrservice", 2018, "2018-05-14", 60000.00, "人力资源市场供求信息分析"),
              ("logistics", 2019, "2019-04-22", 150000.00, "物流业发展专项规划前期研究"),
              ("construction", 2018, "2018-06-11", 98000.00, "建筑施工企业安全生产标准化考评"),
              ("roadtransport", 2019, "2019-03-18", 70000.00, "道路运输从业人员继续教育组织实施"),
              ("roadtransport", 2020, "2020-03-16", 70000.00, "道路运输从业人员继续教育组织实施"),
              ("cfo", 2019, "2019-05-20", 35000.00, "会计人员继续教育"),
              ("price", 2018, "2018-04-16", 48000.00, "重要商品和服务价格监测"),
              ("hightech", 2021, "2021-04-19", 80000.00, "高新技术企业认定政策辅导"),
              ("eldercare", 2020, "2020-09-07", 110000.00, "养老机构服务质量第三方评估"),
              ("tourism", 2019, "2019-05-13", 90000.00, "旅游市场秩序第三方评估"),
              ("incubator", 2018, "2018-08-20", 40000.00, "科技企业孵化器运营数据采集"),
              ("xg_trade", 2019, "2019-06-17", 25000.00, "商贸流通企业统计直报培训")]
        for slug, year, on, amount in D_:
            self.appropriation(slug, year, "direct", amount, on, None)
        for slug, year, on, amount, item in PU:
            self.appropriation(slug, year, "purchase", amount, on, item)

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
        F = [("software", "行业统计", "transfer", None, None, None),
             ("software", "软件企业评估", "entrust", None, None, "洛工信购〔2018〕7号"),
             ("logistics", "物流企业星级评估", "transfer", None, None, None),
             ("construction", "建筑业企业资质申报材料初审", "administrative", "2017-06-15", None, None),
             ("tourism", "导游人员年度审核", "administrative", "2018-03-01", None, None),
             ("tourism", "旅游星级饭店评定初评", "transfer", None, None, None),
             ("roadtransport", "道路运输从业人员从业资格考试考务", "retain_by_law", None,
              "《中华人民共和国道路运输条例》", None),
             ("hrservice", "人力资源服务机构等级评定", "entrust", None, None, "洛人社购〔2018〕3号"),
             ("hospital", "医疗机构评审组织工作", "administrative", "2017-11-20", None, None),
             ("incubator", "科技企业孵化器绩效评价", "entrust", None, None, None),
             ("hightech", "高新技术企业认定申报材料初审", "administrative", None, None, None),
             ("price", "涉案财物价格认定", "administrative", None, "《中华人民共和国价格法》", None),
             ("price", "重要商品和服务价格监测", "entrust", None, None, "洛发改购〔2018〕5号"),
             ("energysaving", "节能监察现场检查", "administrative", "2017-12-18", None, None),
             ("taxi", "出租汽车驾驶员从业资格考核", "retain_by_law", None,
              "《出租汽车驾驶员从业资格管理规定》", None),
             ("autotrade", "二手车交易市场经营者备案初审", "administrative", None, None, None),
             ("eldercare", "养老机构等级评定", "entrust", None, None, "洛民购〔2020〕11号"),
             ("pharma", "药品零售企业从业人员培训", "transfer", None, None, None),
             ("cpa", "注册会计师全国统一考试报名组织", "retain_by_law", None,
              "《中华人民共和国注册会计师法》", None),
             ("lawyers", "律师执业年度考核", "retain_by_law", None, "《中华人民共和国律师法》", None),
             ("xa_ecom", "电子商务进农村培训", "entrust", None, None, "新商购〔2018〕2号")]
        for slug, name, disp, stripped, basis, ref in F:
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
            reg, dereg = s["reg"], s.get("dereg")
            first = max(P["annual_report_from_year"], int(reg[:4]))
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
        L = [("appliance", "abnormal", "2018-07-10", "未按规定报送2017年度工作报告", None),
             ("catering", "abnormal", "2019-07-01", "未按规定报送2018年度工作报告", "2019-09-16"),
             ("taxi", "abnormal", "2020-07-03", "未按规定报送2019年度工作报告", "2020-08-20"),
             ("appliance", "serious", "2020-09-01", "被列入活动异常名录满2年仍未改正", None),
             ("fujian", "abnormal", "2021-07-01", "未按规定报送2020年度工作报告", "2021-10-12"),
             ("lc_souvenir", "abnormal", "2023-07-05", "未按规定报送2022年度工作报告", None)]
        for slug, lst, on, reason, removed in L:
            c = OrderedDict()
            c["id"] = None
            c["association"] = self.by_slug[slug]["uscc"]
            c["list"] = lst
            c["on"] = on
            c["reason"] = reason
            c["removed_on"] = removed
            self.listings.append(c)

    def build_foreign(self):
        W = [("bearing", "2017-03-15", UID[GXW]),
             ("hrservice", "2017-05-12", UID["洛阳市人力资源和社会保障局"]),
             ("hrservice", "2018-04-20", UID["洛阳市人力资源和社会保障局"]),
             ("software", "2018-09-10", UID["洛阳市人民政府外事侨务办公室"]),
             ("zhejiang", "2018-10-15", UID["洛阳市人民政府外事侨务办公室"]),
             ("tangsancai", "2019-05-08", None)]
        for slug, on, unit in W:
            w = OrderedDict()
            w["id"] = None
            w["association"] = self.by_slug[slug]["uscc"]
            w["on"] = on
            w["approver_unit"] = unit
            self.foreign.append(w)

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
        for i, (name, kind, fl) in enumerate(UNITS):
            u = OrderedDict()
            u["id"] = "U%02d" % (i + 1)
            u["name"] = name
            u["kind"] = kind
            u["function_list_on"] = fl
            units.append(u)
        tasks = []
        for i, (unit, task, hl, issued, published) in enumerate(UNIT_TASKS):
            k = OrderedDict()
            k["id"] = "K%02d" % (i + 1)
            k["unit"] = UID[unit]
            k["task"] = task
            k["clause"] = "6.2"
            k["higher_level_doc_on"] = hl
            k["issued_on"] = issued
            k["published_on"] = published
            tasks.append(k)
        b = OrderedDict()
        b["format"] = "tuogou-bundle/1"
        b["plan"] = "luoyang-2017"
        b["batches"] = [OrderedDict([("id", "pilot"), ("name", "试点"), ("due", "2017-06-30")]),
                        OrderedDict([("id", "second"), ("name", "第二批"), ("due", None)])]
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
    bl.build_persons()
    b = bl.finish()
    return b, {k: p["id"] for k, p in bl.people.items()}


# --------------------------------------------------------------------------
# Validation: every rule of bundle.md, plus demo sanity (nothing after TODAY)
# --------------------------------------------------------------------------

# field: (type, required, extra); types: id str date bool int money area enum ref obj-*
SCHEMA = OrderedDict([
    ("batches", [("id", "id", True, None), ("name", "str", False, None), ("due", "date", False, None)]),
    ("units", [("id", "id", True, None), ("name", "str", True, None),
               ("kind", "enum", True, ["organ", "organ_affiliate", "civil_service_managed", "other"]),
               ("function_list_on", "date", False, None)]),
    ("associations", [("uscc", "uscc", True, None), ("name", "str", True, None),
                      ("level", "enum", True, ["city", "county"]),
                      ("member_basis", "enum", False, ["industry_units", "trade_persons", "regional_orgs", "other"]),
                      ("registered_on", "date", True, None), ("deregistered_on", "date", False, None),
                      ("unit", "ref", False, "units"),
                      ("link", "enum", False, ["sponsor", "supervisor", "liaison", "host"]),
                      ("link_cancelled_on", "date", False, None), ("scope_override", "override", False, None),
                      ("batch", "ref", False, "batches"), ("plan_submitted_on", "date", False, None),
                      ("decoupled_on", "date", False, None), ("audit_report_on", "date", False, None),
                      ("report_submitted_on", "date", False, None), ("accepted_on", "date", False, None),
                      ("independent_account_on", "date", False, None),
                      ("asset_inventory_on", "date", False, None), ("party_org", "bool", False, None),
                      ("party_transferred_on", "date", False, None), ("charter_filed_on", "date", False, None),
                      ("staffing_quota", "int", False, None),
                      ("staffing_quota_cancelled_on", "date", False, None)]),
    ("persons", [("id", "id", True, None), ("name", "str", True, None), ("id_number", "idnum", False, None),
                 ("civil_servant", "bool", False, None), ("leading_cadre", "bool", False, None),
                 ("unit", "ref", False, "units"), ("retired_on", "date", False, None),
                 ("left_public_service_on", "date", False, None)]),
    ("posts", [("id", "id", True, None), ("person", "ref", True, "persons"),
               ("association", "ref", True, "associations"),
               ("role", "enum", True, ["president", "vice_president", "secretary_general", "director",
                                       "supervisor", "dispatched_supervisor", "other"]),
               ("legal_representative", "bool", False, None), ("from", "date", True, None),
               ("to", "date", False, None), ("recommended_by_unit", "bool", False, None),
               ("paid", "bool", False, None), ("approval", "approval", False, None),
               ("departure_audit_on", "date", False, None)]),
    ("staff", [("id", "id", True, None), ("association", "ref", True, "associations"),
               ("name", "str", False, None), ("from", "date", True, None), ("to", "date", False, None),
               ("labor_contract_on", "date", False, None), ("social_insurance_on", "date", False, None)]),
    ("premises", [("id", "id", True, None), ("association", "ref", True, "associations"),
                  ("address", "str", False, None),
                  ("owner", "enum", True, ["administrative", "own", "leased"]),
                  ("area", "area", True, None), ("approved_area", "area", False, None),
                  ("co_located_with_unit", "bool", False, None), ("from", "date", True, None),
                  ("to", "date", False, None)]),
    ("assets", [("id", "id", True, None), ("association", "ref", True, "associations"),
                ("name", "str", False, None), ("state_owned", "bool", False, None),
                ("value", "money", False, None), ("from", "date", True, None), ("to", "date", False, None),
                ("registered_on", "date", False, None)]),
    ("appropriations", [("id", "id", True, None), ("association", "ref", True, "associations"),
                        ("year", "int", True, None), ("kind", "enum", True, ["direct", "purchase"]),
                        ("amount", "money", False, None), ("on", "date", True, None),
                        ("purchase_item", "str", False, None)]),
    ("functions", [("id", "id", True, None), ("association", "ref", True, "associations"),
                   ("unit", "ref", False, "units"), ("name", "str", False, None),
                   ("disposition", "enum", True, ["administrative", "transfer", "entrust", "retain_by_law"]),
                   ("stripped_on", "date", False, None), ("legal_basis", "str", False, None),
                   ("purchase_ref", "str", False, None)]),
    ("unit_tasks", [("id", "id", True, None), ("unit", "ref", True, "units"), ("task", "str", False, None),
                    ("clause", "str", False, None), ("higher_level_doc_on", "date", False, None),
                    ("issued_on", "date", False, None), ("published_on", "date", False, None)]),
    ("elections", [("id", "id", True, None), ("association", "ref", True, "associations"),
                   ("body", "enum", True, ["assembly", "board", "supervisors"]), ("on", "date", True, None),
                   ("term_years", "int", True, None), ("contested", "bool", False, None),
                   ("secret_ballot", "bool", False, None)]),
    ("annual_reports", [("association", "ref", True, "associations"), ("year", "int", True, None),
                        ("submitted_on", "date", False, None)]),
    ("foreign_approvals", [("id", "id", True, None), ("association", "ref", True, "associations"),
                           ("on", "date", True, None), ("approver_unit", "ref", False, "units")]),
    ("credit_listings", [("id", "id", True, None), ("association", "ref", True, "associations"),
                         ("list", "enum", True, ["abnormal", "serious"]), ("on", "date", True, None),
                         ("reason", "str", False, None), ("removed_on", "date", False, None)]),
])


def validate(b):
    """Return a list of errors (JSON path: message); the demo must have none."""
    errs = []
    top = ["format", "plan"] + list(SCHEMA)
    for k in b:
        if k not in top:
            errs.append("%s: unknown key" % k)
    if b.get("format") != "tuogou-bundle/1":
        errs.append("format: must be tuogou-bundle/1")
    ids = {}
    for arr, fields in SCHEMA.items():
        key = "uscc" if arr == "associations" else "id"
        ids[arr] = set()
        if arr == "annual_reports":
            continue
        for i, r in enumerate(b.get(arr, [])):
            v = r.get(key)
            if v in ids[arr]:
                errs.append("%s[%d].%s: duplicate %s" % (arr, i, key, v))
            ids[arr].add(v)
    seen_reports = set()
    for arr, fields in SCHEMA.items():
        names = [f[0] for f in fields]
        for i, r in enumerate(b.get(arr, [])):
            path = "%s[%d]" % (arr, i)
            if list(r.keys()) != names:
                extra = [k for k in r if k not in names]
                if extra:
                    errs.append("%s.%s: unknown key" % (path, extra[0]))
                else:
                    errs.append("%s: keys not complete or not in bundle.md order" % path)
            for name, typ, req, extra in fields:
                v = r.get(name)
                p = "%s.%s" % (path, name)
                if v is None or v == "":
                    if req:
                        errs.append("%s: required" % p)
                    continue
                if typ in ("id", "str"):
                    if not isinstance(v, str):
                        errs.append("%s: must be a string" % p)
                elif typ == "uscc":
                    if not uscc_valid(v):
                        errs.append("%s: fails the GB 32100-2015 check" % p)
                elif typ == "idnum":
                    if not id_valid(v):
                        errs.append("%s: fails the GB 11643-1999 check" % p)
                elif typ == "date":
                    if not is_real_date(v):
                        errs.append("%s: not a real date" % p)
                    elif v > TODAY:
                        errs.append("%s: after the demo's today" % p)
                elif typ == "bool":
                    if not isinstance(v, bool):
                        errs.append("%s: must be true or false" % p)
                elif typ == "int":
                    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                        errs.append("%s: must be a whole number, not negative" % p)
                elif typ in ("money", "area"):
                    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or \
                            v in (float("inf"), float("-inf")) or v < 0:
                        errs.append("%s: must be a finite number, not negative" % p)
                    elif typ == "money" and abs(round(v * 100) - v * 100) > 1e-6:
                        errs.append("%s: more than 2 decimals" % p)
                elif typ == "enum":
                    if v not in extra:
                        errs.append("%s: %r is not one of %s" % (p, v, extra))
                elif typ == "ref":
                    if v not in ids[extra]:
                        errs.append("%s: %r does not resolve" % (p, v))
                elif typ == "override":
                    if not isinstance(v, dict) or list(v.keys()) != ["in_scope", "reason"] or \
                            not isinstance(v["in_scope"], bool) or not v["reason"]:
                        errs.append("%s: needs in_scope and reason" % p)
                elif typ == "approval":
                    if not isinstance(v, dict) or list(v.keys()) != ["kind", "ref", "on"] or \
                            v["kind"] not in ("approval", "filing") or not is_real_date(v["on"]):
                        errs.append("%s: needs kind (approval|filing), ref and on" % p)
            if "from" in r and r.get("to") is not None and r.get("from") and not r["to"] > r["from"]:
                errs.append("%s.to: must be after from" % path)
            if arr == "credit_listings" and r.get("removed_on") is not None and not r["removed_on"] > r["on"]:
                errs.append("%s.removed_on: must be after on" % path)
            if arr == "premises" and r.get("owner") == "administrative" and r.get("approved_area") is None:
                errs.append("%s.approved_area: required when the owner is administrative" % path)
            if arr == "annual_reports":
                k = (r.get("association"), r.get("year"))
                if k in seen_reports:
                    errs.append("%s: duplicate (association, year)" % path)
                seen_reports.add(k)
    return errs


# --------------------------------------------------------------------------
# Reference evaluation of rules.md (to check the stories; not the product)
# --------------------------------------------------------------------------

CLAUSE = {
    "scope.member-basis-unknown": "3", "scope.name-unlisted": "3", "registration.new-with-link": "4.1",
    "institution.link-active": "4.1", "institution.shared-office": "4.1", "plan.not-submitted": "6.2",
    "decoupling.incomplete": "6.3", "report.summary-missing": "6.3", "acceptance.pending": "6.3",
    "audit.report-missing": "6.2", "personnel.official-holds-post": "4.2",
    "personnel.cooling-off-unapproved": "4.2", "personnel.post-retirement-unfiled": "4.2",
    "personnel.placed-by-unit": "4.2", "personnel.retired-cadre-paid": "4.2",
    "personnel.retired-cadre-over-age": "4.2", "personnel.retired-cadre-multiple-posts": "4.2",
    "personnel.no-labor-contract": "4.2", "personnel.no-social-insurance": "4.2",
    "personnel.staffing-quota-not-cancelled": "4.2", "finance.no-independent-account": "4.3",
    "finance.asset-inventory-missing": "4.3", "finance.state-asset-unregistered": "4.3",
    "finance.direct-appropriation": "4.3", "office.excess-area": "4.3", "office.administrative-space": "4.3",
    "function.list-missing": "4.4", "function.administrative-not-stripped": "4.4",
    "function.entrusted-without-purchase": "4.4", "party.not-transferred": "4.5",
    "foreign.approved-by-former-unit": "4.5", "task.supporting-rules-late": "6.2",
    "task.not-published": "6.2", "charter.not-filed": "5.2", "annual-report.missing": "5.2",
    "credit.abnormal-candidate": "5.2", "credit.serious-candidate": "5.2", "exit.candidate": "5.2",
    "governance.term-expired": "5.2", "governance.election-irregular": "5.2",
    "governance.dispatched-supervisor-paid": "5.2", "governance.dispatched-supervisor-holds-post": "5.2",
    "governance.departure-audit-missing": "5.2",
}


def evaluate(b, d):
    """Findings as of d: list of (rule, association, subject, due, state)."""
    units = {u["id"]: u for u in b["units"]}
    batches = {x["id"]: x for x in b["batches"]}
    persons = {p["id"]: p for p in b["persons"]}
    assocs = b["associations"]
    out = []

    def hap(x):
        return x is not None and x <= d

    def active(f, t):
        return f <= d and (t is None or d < t)

    def registered(a):
        return hap(a["registered_on"]) and not hap(a["deregistered_on"])

    def qualifying(a):
        return a["link"] is not None and a["unit"] is not None and \
            units[a["unit"]]["kind"] in ("organ", "organ_affiliate", "civil_service_managed")

    def in_scope(a):
        if a["scope_override"]:
            return a["scope_override"]["in_scope"]
        return qualifying(a) and any(a["name"].endswith(x) for x in P["name_suffixes"]) and \
            a["member_basis"] in ("industry_units", "trade_persons", "regional_orgs")

    def due(a):
        if a["batch"] and batches[a["batch"]]["due"]:
            return batches[a["batch"]]["due"]
        return P["decoupling_due"]

    def add(rule, assoc, subject, due_):
        out.append((rule, assoc, subject, due_, "overdue" if due_ is not None and d > due_ else "open"))

    reg = {a["uscc"]: a for a in assocs if registered(a)}
    A_ = {u: a for u, a in reg.items() if in_scope(a)}

    def serving(p):
        return p["civil_servant"] and not hap(p["retired_on"]) and not hap(p["left_public_service_on"])

    def retired_cadre(p):
        return p["leading_cadre"] and hap(p["retired_on"])

    def post_due(t, a):
        return due(a) if t["from"] < P["issued"] else t["from"]

    def approved(t, kinds):
        ap = t["approval"]
        return ap is not None and ap["kind"] in kinds and hap(ap["on"])

    for a in reg.values():
        if a["scope_override"] or not qualifying(a):
            continue
        if a["member_basis"] is None:
            add("scope.member-basis-unknown", a["uscc"], None, None)
        if a["member_basis"] != "other" and not any(a["name"].endswith(x) for x in P["name_suffixes"]):
            add("scope.name-unlisted", a["uscc"], None, None)
    for u, a in A_.items():
        if a["link"] is not None and not hap(a["link_cancelled_on"]):
            if a["registered_on"] >= P["issued"]:
                add("registration.new-with-link", u, None, a["registered_on"])
            else:
                add("institution.link-active", u, None, due(a))
        if not hap(a["plan_submitted_on"]):
            add("plan.not-submitted", u, None, due(a))
        if not hap(a["decoupled_on"]):
            add("decoupling.incomplete", u, None, due(a))
        if a["level"] == "city" and hap(a["decoupled_on"]) and not hap(a["report_submitted_on"]):
            add("report.summary-missing", u, None, CAL.add_workdays(a["decoupled_on"], P["report_workdays"]))
        if a["level"] == "city" and hap(a["report_submitted_on"]) and not hap(a["accepted_on"]):
            add("acceptance.pending", u, None, None)
        if hap(a["decoupled_on"]) and not hap(a["audit_report_on"]):
            add("audit.report-missing", u, None, None)
        if a["staffing_quota"] > 0 and hap(a["decoupled_on"]) and not hap(a["staffing_quota_cancelled_on"]):
            add("personnel.staffing-quota-not-cancelled", u, None, a["decoupled_on"])
        if not hap(a["independent_account_on"]):
            add("finance.no-independent-account", u, None, due(a))
        if a["registered_on"] < P["issued"] and not hap(a["asset_inventory_on"]):
            add("finance.asset-inventory-missing", u, None, P["asset_inventory_due"])
        if a["party_org"] and not hap(a["party_transferred_on"]):
            add("party.not-transferred", u, None, due(a))
        if hap(a["decoupled_on"]) and (not hap(a["charter_filed_on"]) or a["charter_filed_on"] < a["decoupled_on"]):
            add("charter.not-filed", u, None, None)
    for f in b["premises"]:
        a = A_.get(f["association"])
        if a is None or not active(f["from"], f["to"]):
            continue
        if f["co_located_with_unit"]:
            add("institution.shared-office", a["uscc"], f["id"], due(a))
        if f["owner"] == "administrative":
            if f["area"] > f["approved_area"]:
                add("office.excess-area", a["uscc"], f["id"], P["office_due"])
            else:
                add("office.administrative-space", a["uscc"], f["id"], None)
    for t in b["posts"]:
        p = persons[t["person"]]
        a = A_.get(t["association"])
        act = active(t["from"], t["to"])
        if a is not None and act:
            if serving(p):
                add("personnel.official-holds-post", a["uscc"], t["id"], post_due(t, a))
            if retired_cadre(p):
                cool_end = add_years(p["retired_on"], P["cooling_off_years"])
                if d < cool_end and not approved(t, ("approval",)):
                    add("personnel.cooling-off-unapproved", a["uscc"], t["id"], post_due(t, a))
                if d >= cool_end and not approved(t, ("approval", "filing")):
                    add("personnel.post-retirement-unfiled", a["uscc"], t["id"], post_due(t, a))
                if t["paid"]:
                    add("personnel.retired-cadre-paid", a["uscc"], t["id"], post_due(t, a))
                if p["id_number"]:
                    seventy = add_years(id_birth(p["id_number"]), P["retired_cadre_max_age"])
                    if d >= seventy:
                        add("personnel.retired-cadre-over-age", a["uscc"], t["id"], max(seventy, t["from"]))
            if t["recommended_by_unit"] and t["from"] >= P["issued"] and p["civil_servant"] and \
                    (p["left_public_service_on"] is None or p["left_public_service_on"] >= t["from"]):
                add("personnel.placed-by-unit", a["uscc"], t["id"], t["from"])
        if t["association"] in reg and act:
            if t["role"] == "dispatched_supervisor":
                if t["paid"]:
                    add("governance.dispatched-supervisor-paid", t["association"], t["id"], t["from"])
                others = [o for o in b["posts"] if o["person"] == t["person"] and o["association"] == t["association"]
                          and o["role"] != "dispatched_supervisor" and active(o["from"], o["to"])]
                if others:
                    add("governance.dispatched-supervisor-holds-post", t["association"], t["id"],
                        max([t["from"]] + [o["from"] for o in others]))
        if t["association"] in reg and t["legal_representative"] and hap(t["to"]) and \
                not hap(t["departure_audit_on"]):
            add("governance.departure-audit-missing", t["association"], t["id"], None)
    by_person = defaultdict(list)
    for t in b["posts"]:
        if t["association"] in reg and active(t["from"], t["to"]):
            by_person[t["person"]].append(t)
    for pid, ts in by_person.items():
        if retired_cadre(persons[pid]) and len(ts) > P["retired_cadre_max_posts"]:
            add("personnel.retired-cadre-multiple-posts", None, pid, max(t["from"] for t in ts))
    for s in b["staff"]:
        a = A_.get(s["association"])
        if a is None or not active(s["from"], s["to"]):
            continue
        if not hap(s["labor_contract_on"]):
            add("personnel.no-labor-contract", a["uscc"], s["id"], due(a))
        if not hap(s["social_insurance_on"]):
            add("personnel.no-social-insurance", a["uscc"], s["id"], due(a))
    for x in b["assets"]:
        a = A_.get(x["association"])
        if a is not None and active(x["from"], x["to"]) and x["state_owned"] and not hap(x["registered_on"]):
            add("finance.state-asset-unregistered", a["uscc"], x["id"], due(a))
    for m in b["appropriations"]:
        a = A_.get(m["association"])
        if a is not None and a["level"] == "city" and m["kind"] == "direct" and \
                m["year"] >= P["direct_banned_from_year"] and hap(m["on"]):
            add("finance.direct-appropriation", a["uscc"], m["id"], m["on"])
    unit_dues = defaultdict(list)
    for a in A_.values():
        if a["unit"] is not None:
            unit_dues[a["unit"]].append(due(a))
    for uid, dues in unit_dues.items():
        if not hap(units[uid]["function_list_on"]):
            add("function.list-missing", None, uid, min(dues))
    for n in b["functions"]:
        a = A_.get(n["association"])
        if a is None:
            continue
        if n["disposition"] == "administrative" and not n["legal_basis"] and not hap(n["stripped_on"]):
            add("function.administrative-not-stripped", a["uscc"], n["id"], due(a))
        if n["disposition"] == "entrust" and not n["purchase_ref"]:
            add("function.entrusted-without-purchase", a["uscc"], n["id"], due(a))
    for w in b["foreign_approvals"]:
        a = A_.get(w["association"])
        if a is not None and hap(w["on"]) and hap(a["decoupled_on"]) and w["on"] >= a["decoupled_on"] and \
                w["approver_unit"] is not None and w["approver_unit"] == a["unit"]:
            add("foreign.approved-by-former-unit", a["uscc"], w["id"], w["on"])
    for k in b["unit_tasks"]:
        if hap(k["higher_level_doc_on"]) and not hap(k["issued_on"]):
            add("task.supporting-rules-late", None, k["id"],
                add_months(max(P["issued"], k["higher_level_doc_on"]), P["supporting_rules_months"]))
        if hap(k["issued_on"]) and not hap(k["published_on"]):
            add("task.not-published", None, k["id"], None)
    reports = defaultdict(dict)
    for r in b["annual_reports"]:
        reports[r["association"]][r["year"]] = r["submitted_on"]

    def on_list(u, lst):
        return [c for c in b["credit_listings"] if c["association"] == u and c["list"] == lst
                and active(c["on"], c["removed_on"])]
    year_d = int(d[:4])
    for u, a in reg.items():
        overdue_years = []
        for y in range(max(P["annual_report_from_year"], int(a["registered_on"][:4])), year_d):
            if not hap(reports[u].get(y)):
                due_ = "%d-05-31" % (y + 1)
                add("annual-report.missing", u, str(y), due_)
                if d > due_:
                    overdue_years.append(y)
        if overdue_years and not on_list(u, "abnormal"):
            add("credit.abnormal-candidate", u, None, None)
        ys = set(overdue_years)
        n = P["exit_missing_report_years"]
        if any(all(y + i in ys for i in range(n)) for y in ys):
            add("exit.candidate", u, None, None)
        if not on_list(u, "serious"):
            for c in on_list(u, "abnormal"):
                when = add_years(c["on"], P["abnormal_to_serious_years"])
                if d >= when:
                    add("credit.serious-candidate", u, c["id"], when)
        boards = [e for e in b["elections"] if e["association"] == u and e["body"] == "board" and hap(e["on"])]
        if boards:
            e = max(boards, key=lambda e: (e["on"], e["id"]))
            exp = add_years(e["on"], e["term_years"])
            if d >= exp:
                add("governance.term-expired", u, e["id"], exp)
            if e["on"] >= P["issued"] and not (e["contested"] and e["secret_ballot"]):
                add("governance.election-irregular", u, e["id"], e["on"])
    out.sort(key=lambda f: (f[0].encode(), f[1] is not None, (f[1] or "").encode(),
                            f[2] is not None, (f[2] or "").encode()))
    return out


# --------------------------------------------------------------------------
# Stories: what the demo shows, checked on every run
# --------------------------------------------------------------------------
# (rule, target, {as_of: "open" | "overdue" | "-" (no finding)}, note)
# target: an association slug, "unit:<name>", "task:<Kid>", or "person:<story key>"

STORIES = [
    ("scope.member-basis-unknown", "ecommerce", {TODAY: "open"}, "member_basis null: someone must find out who its members are"),
    ("scope.member-basis-unknown", "accounting", {TODAY: "open"}, "member_basis null and a 学会 name: both scope rules"),
    ("scope.name-unlisted", "accounting", {"2017-06-30": "open"}, "学会 is not a listed suffix"),
    ("scope.name-unlisted", "hele", {"2017-06-30": "open", TODAY: "open"}, "研究会, members are people of the trade"),
    ("scope.name-unlisted", "mecheng", {"2017-06-30": "open"}, "学会 under the 科协 (a unit managed by reference to the Civil Servant Law)"),
    ("scope.name-unlisted", "statistics", {"2017-06-30": "-"}, "学会 with member_basis other: out of scope, no question to decide"),
    ("decoupling.incomplete", "cpa", {"2017-12-31": "-"}, "scope_override in_scope false (注册会计师法): no reform findings"),
    ("decoupling.incomplete", "zhejiang", {"2017-06-30": "open", "2017-12-31": "-"}, "scope_override in_scope true: a 工商联 商会 taken into the reform"),
    ("function.list-missing", "unit:洛阳市工商业联合会", {"2017-06-30": "open", "2017-12-31": "-"}, "the 工商联 (kind other) has an in-scope association only through the override"),
    ("registration.new-with-link", "crossborder", {"2017-12-31": "overdue", "2018-06-30": "-"}, "registered 2017-08-15 with a 主管 link, cancelled 2018-04-10"),
    ("registration.new-with-link", "newenergy", {"2018-06-30": "overdue", TODAY: "-"}, "registered 2018-03-20 with a 联系 link, cancelled 2018-09-03"),
    ("decoupling.incomplete", "newenergy", {"2018-06-30": "overdue"}, "a new association with a link is in the reform: due(a) is the general deadline, already past"),
    ("personnel.placed-by-unit", "crossborder", {"2017-12-31": "-"}, "recommended by the unit, but the person left public service (2017-04-30) before the post began"),
    ("institution.link-active", "recycling", {"2017-12-31": "open", "2018-06-30": "overdue", TODAY: "overdue"}, "decoupled 2017-11-15 but link_cancelled_on never recorded"),
    ("institution.link-active", "autotrade", {"2017-06-30": "open", TODAY: "overdue"}, "never started: the whole checklist stays open"),
    ("institution.shared-office", "equipment", {"2017-06-30": "open", "2017-08-01": "overdue", "2017-12-31": "-"}, "pilot, shares the 工信委's office until 2017-09-01"),
    ("institution.shared-office", "autotrade", {"2017-12-31": "open", TODAY: "overdue"}, "never moved out"),
    ("plan.not-submitted", "catering", {"2017-06-30": "open", "2017-07-05": "overdue", "2017-12-31": "-"}, "pilot plan submitted late, 2017-07-10"),
    ("plan.not-submitted", "autotrade", {"2017-12-31": "open", "2018-06-30": "overdue", TODAY: "overdue"}, "never submitted"),
    ("decoupling.incomplete", "catering", {"2017-06-30": "open", "2017-08-01": "overdue", "2017-12-31": "-"}, "pilot that finished late, 2017-08-21"),
    ("decoupling.incomplete", "autorepair", {"2017-06-30": "open", "2017-12-31": "overdue", TODAY: "overdue"}, "pilot that never finished"),
    ("decoupling.incomplete", "xg_private", {"2017-12-31": "open", "2018-06-30": "overdue", TODAY: "overdue"}, "county association that never finished"),
    ("report.summary-missing", "logistics", {"2017-06-30": "open", "2017-12-31": "-"}, "decoupled 2017-06-26, summary 2017-07-05 (due 2017-07-10)"),
    ("report.summary-missing", "steel", {"2017-10-17": "open", "2017-10-18": "-"}, "decoupled 2017-09-28, summary 2017-10-18: the 10th working day across the National Day holiday (09-30 is a 调休 working day, 10-01..10-08 off)"),
    ("report.summary-missing", "supervision", {"2017-10-18": "open", "2017-10-19": "overdue", "2017-10-25": "-"}, "decoupled 2017-09-28, summary 2017-10-25: late"),
    ("report.summary-missing", "property", {"2017-12-31": "open", "2018-06-30": "overdue", TODAY: "overdue"}, "decoupled 2017-12-20, never summarised (due 2018-01-04 across New Year)"),
    ("report.summary-missing", "xa_ecom", {"2017-12-31": "-"}, "county level: 6.3's summary is for city departments, no finding"),
    ("acceptance.pending", "electronics", {"2017-06-22": "open", "2017-06-30": "-"}, "pilot that completed the whole path by the pilot deadline: decoupled 05-24, summary 06-02, accepted 06-23"),
    ("acceptance.pending", "beauty", {"2017-12-31": "open", TODAY: "open"}, "summary submitted, never accepted"),
    ("acceptance.pending", "glass", {TODAY: "open"}, "summary submitted, never accepted"),
    ("audit.report-missing", "sme", {"2017-06-30": "open", TODAY: "open"}, "no audit report ever"),
    ("personnel.official-holds-post", "software", {"2017-06-01": "open", "2017-06-30": "-"}, "a 工信委 deputy director, vice-president until 2017-06-09"),
    ("personnel.official-holds-post", "steel", {"2017-06-30": "open", "2017-12-31": "-"}, "住建委 official, resigned the post 2017-09-20"),
    ("personnel.official-holds-post", "nonferrous", {"2017-06-30": "open", "2017-12-31": "open", "2018-06-30": "overdue", TODAY: "overdue"}, "a serving section chief as secretary-general, never cleared"),
    ("personnel.official-holds-post", "beauty", {"2017-06-30": "open", "2017-12-31": "-"}, "the secretary-general left public service on 2017-09-30 and stayed"),
    ("personnel.official-holds-post", "logistics", {"2018-06-30": "overdue", TODAY: "-"}, "a new post (from 2018-03-01) by a serving official: a breach on its first day"),
    ("personnel.placed-by-unit", "logistics", {"2018-06-30": "overdue"}, "the same post was recommended by the 商务局"),
    ("personnel.official-holds-post", "autorepair", {"2017-12-31": "overdue", "2022-01-01": "overdue", TODAY: "-"}, "never cleared; the official retires 2022-05-31"),
    ("personnel.cooling-off-unapproved", "autorepair", {"2023-01-01": "overdue"}, "... then he is a retired cadre within the cooling-off period"),
    ("personnel.post-retirement-unfiled", "autorepair", {TODAY: "overdue"}, "... and after it, with no filing"),
    ("personnel.official-holds-post", "xa_chamber", {"2017-06-30": "open", "2017-12-31": "-"}, "county official, post ended 2017-11-30"),
    ("personnel.cooling-off-unapproved", "concrete", {"2017-06-30": "open", "2017-12-31": "open", "2018-06-30": "overdue"}, "retired 2016-06-30, president from 2016-12-20, never approved"),
    ("personnel.post-retirement-unfiled", "concrete", {"2019-12-31": "overdue", TODAY: "-"}, "after 2019-06-30 the same post needs approval or filing; the post ends 2020-04-17"),
    ("personnel.cooling-off-unapproved", "peony", {"2017-04-30": "open", "2017-06-30": "-"}, "approved (洛组干〔2017〕12号) on 2017-05-02"),
    ("personnel.cooling-off-unapproved", "hospital", {"2017-06-30": "open", "2017-12-31": "-"}, "approved only on 2017-09-15"),
    ("personnel.cooling-off-unapproved", "travelagency", {"2017-12-31": "open", "2018-06-30": "overdue", "2019-01-01": "-"}, "filing is not enough within the 3 years; it is after 2018-12-31"),
    ("personnel.post-retirement-unfiled", "aluminum", {"2017-06-30": "open", "2018-06-30": "overdue", TODAY: "-"}, "retired 2010, president 2014-04-01..2019-04-19, never filed"),
    ("personnel.post-retirement-unfiled", "refractory", {"2017-06-30": "-"}, "retired 2011, filed 2017-05-20"),
    ("personnel.retired-cadre-paid", "construction", {"2017-06-30": "open", "2017-12-31": "overdue", "2018-06-30": "overdue", TODAY: "-"}, "paid president, a retired 住建委 cadre (filed), until 2018-12-28"),
    ("personnel.retired-cadre-over-age", "bearing", {"2017-06-30": "overdue", "2017-12-31": "overdue", "2018-06-30": "-"}, "born 1946-04-12: 70 since 2016-04-12; post ends 2018-03-30"),
    ("personnel.retired-cadre-multiple-posts", "person:dairy_retired", {"2017-12-31": "-", "2018-06-30": "overdue", TODAY: "-"}, "president of 奶业协会 and, from 2018-04-01, vice-president of 畜牧业协会"),
    ("personnel.placed-by-unit", "energysaving", {"2017-12-31": "overdue", TODAY: "overdue"}, "a retired 发改委 civil servant recommended as 常务副会长 from 2017-11-20"),
    ("personnel.no-labor-contract", "taxi", {"2017-06-30": "open", "2018-06-30": "overdue", TODAY: "overdue"}, "two staff never got a labour contract"),
    ("personnel.no-social-insurance", "privatehosp", {"2018-06-30": "overdue", TODAY: "overdue"}, "two staff with contracts but no social insurance"),
    ("personnel.staffing-quota-not-cancelled", "construction", {"2017-06-30": "overdue", "2017-12-31": "overdue", "2018-06-30": "-"}, "3 事业编制, cancelled 2018-03-15, due on decoupling day"),
    ("personnel.staffing-quota-not-cancelled", "realestate", {"2017-06-30": "-"}, "2 事业编制 cancelled on the day it decoupled"),
    ("personnel.staffing-quota-not-cancelled", "price", {"2017-12-31": "overdue", TODAY: "overdue"}, "never cancelled"),
    ("finance.no-independent-account", "autorepair", {"2017-06-30": "open", TODAY: "overdue"}, "books still kept by the 交通运输局"),
    ("finance.asset-inventory-missing", "catering", {"2017-05-15": "overdue", "2017-06-30": "-"}, "inventoried 2017-05-18, after the 2017-04-30 deadline"),
    ("finance.asset-inventory-missing", "steel", {"2017-06-30": "overdue", "2017-12-31": "-"}, "inventoried 2017-07-20"),
    ("finance.asset-inventory-missing", "seed", {"2017-06-30": "overdue", TODAY: "overdue"}, "never inventoried"),
    ("finance.asset-inventory-missing", "crossborder", {"2017-12-31": "-"}, "registered after the plan: no inventory due"),
    ("finance.state-asset-unregistered", "pharma", {"2017-06-30": "open", TODAY: "overdue"}, "state-owned office equipment never registered"),
    ("finance.state-asset-unregistered", "roadtransport", {"2017-06-30": "open", "2017-12-31": "-"}, "an official car, handed back 2017-12-15"),
    ("finance.direct-appropriation", "roadtransport", {"2017-12-31": "-", "2018-06-30": "overdue", TODAY: "overdue"}, "direct budget money for 2018 (2018-03-15)"),
    ("finance.direct-appropriation", "cfo", {"2018-06-30": "overdue"}, "direct budget money for 2018 (2018-04-02)"),
    ("finance.direct-appropriation", "yy_ceramics", {"2018-06-30": "-"}, "county level: the ban is on city-level associations"),
    ("finance.direct-appropriation", "mecheng", {"2018-06-30": "-"}, "out of scope (学会): no finding"),
    ("office.excess-area", "hospital", {"2017-06-30": "open", "2017-12-31": "-"}, "administrative space above the standard, cleared 2017-11-30"),
    ("office.excess-area", "autotrade", {"2017-12-31": "open", "2018-06-30": "overdue", TODAY: "overdue"}, "never cleared"),
    ("office.administrative-space", "tourism", {"2017-06-30": "open", TODAY: "open"}, "within the standard: tracked until the office is independent"),
    ("office.administrative-space", "price", {TODAY: "open"}, "within the standard"),
    ("function.list-missing", "unit:洛阳市旅游发展委员会", {"2017-06-30": "open", "2017-12-31": "overdue", TODAY: "overdue"}, "never issued; its earliest association due date is the pilot's"),
    ("function.list-missing", "unit:洛阳市商务局", {"2017-06-30": "open", "2017-12-31": "-"}, "issued 2017-07-31"),
    ("function.list-missing", "unit:洛阳市交通运输局", {"2017-12-31": "overdue", "2018-06-30": "-"}, "issued 2018-03-20"),
    ("function.list-missing", "unit:洛阳市公路管理局", {"2017-12-31": "open", TODAY: "overdue"}, "a unit under the 交通运输局 (organ_affiliate), never issued"),
    ("function.administrative-not-stripped", "hightech", {"2017-12-31": "open", TODAY: "overdue"}, "高新技术企业认定申报材料初审 still done by the association"),
    ("function.administrative-not-stripped", "tourism", {"2017-12-31": "overdue", "2018-06-30": "-"}, "stripped 2018-03-01"),
    ("function.administrative-not-stripped", "price", {"2017-12-31": "-"}, "administrative with a legal basis (价格法): kept, no finding"),
    ("function.entrusted-without-purchase", "incubator", {"2017-06-30": "open", TODAY: "overdue"}, "entrusted with no purchase-of-services contract"),
    ("party.not-transferred", "agrileader", {"2017-06-30": "open", "2017-12-31": "-"}, "party relation moved 2017-11-20"),
    ("party.not-transferred", "food", {"2017-12-31": "open", TODAY: "overdue"}, "never moved"),
    ("foreign.approved-by-former-unit", "hrservice", {"2017-06-30": "-", "2018-06-30": "overdue", TODAY: "overdue"}, "2018-04-20 approved by the 人社局 after decoupling (the 2017-05-12 approval, before, is fine)"),
    ("foreign.approved-by-former-unit", "software", {TODAY: "-"}, "approved by the 外侨办, as it should be"),
    ("task.supporting-rules-late", "task:K02", {"2017-05-29": "overdue", "2017-06-30": "overdue", "2017-12-31": "-"}, "编办, due 2017-05-28, issued 2017-07-14"),
    ("task.supporting-rules-late", "task:K04", {"2017-06-30": "open", "2017-12-31": "overdue", TODAY: "overdue"}, "民政局, higher-level document 2017-06-19, never issued"),
    ("task.supporting-rules-late", "task:K06", {"2017-06-30": "-", "2017-12-01": "overdue", "2017-12-31": "-"}, "财政局, higher-level document 2017-09-05, issued 2017-12-20"),
    ("task.not-published", "task:K03", {"2017-06-30": "open", TODAY: "open"}, "财政局, issued on time, never published"),
    ("task.not-published", "task:K06", {"2017-12-31": "open", "2018-06-30": "-"}, "published 2018-01-08"),
    ("charter.not-filed", "enterprise", {"2017-06-30": "open", TODAY: "open"}, "charter filed 2017-05-10, before decoupling on 2017-06-28"),
    ("charter.not-filed", "flower", {"2017-06-30": "-", "2017-12-31": "open", TODAY: "open"}, "charter filed 2017-06-20, decoupled only later in 2017"),
    ("charter.not-filed", "decoration", {TODAY: "open"}, "never filed"),
    ("annual-report.missing", "appliance", {"2018-06-30": "overdue"}, "no 2017 report"),
    ("credit.abnormal-candidate", "appliance", {"2018-06-30": "open", "2018-12-31": "-"}, "listed abnormal 2018-07-10"),
    ("credit.serious-candidate", "appliance", {"2020-08-01": "overdue", "2020-12-31": "-", TODAY: "-"}, "listed serious 2020-09-01, deregistered 2021-06-30"),
    ("exit.candidate", "appliance", {"2019-06-30": "open", "2021-06-01": "open", "2021-07-01": "-"}, "2017 and 2018 missing; deregistered 2021-06-30"),
    ("annual-report.missing", "catering", {"2019-06-15": "overdue", "2019-12-31": "-"}, "2018 report on 2019-09-05; abnormal 2019-07-01, removed 2019-09-16"),
    ("credit.serious-candidate", "lc_souvenir", {"2025-07-04": "-", "2025-07-05": "open", TODAY: "overdue"}, "abnormal since 2023-07-05, never removed, never listed serious"),
    ("credit.abnormal-candidate", "lc_souvenir", {TODAY: "-"}, "already on the abnormal list"),
    ("exit.candidate", "lc_souvenir", {TODAY: "open"}, "no report since 2022"),
    ("credit.abnormal-candidate", "wenzhou", {TODAY: "open"}, "out of scope (工商联 商会) but registered: 2024 and 2025 missing, not listed"),
    ("exit.candidate", "wenzhou", {TODAY: "open"}, "two consecutive years missing"),
    ("credit.abnormal-candidate", "xg_private", {TODAY: "open"}, "2025 missing, not listed"),
    ("exit.candidate", "xg_private", {TODAY: "-"}, "only one year missing"),
    ("governance.term-expired", "health", {"2018-06-30": "-", TODAY: "overdue"}, "board elected 2016-04-15, never again: expired 2021-04-15"),
    ("governance.term-expired", "glass", {"2018-06-30": "overdue", "2018-12-31": "-"}, "board 2013-04-10, next only 2018-09-26"),
    ("governance.election-irregular", "eldercare", {"2017-12-31": "overdue", "2018-06-30": "overdue", TODAY: "-"}, "2017-11-16 board not contested; 2022-11-10 regular"),
    ("governance.election-irregular", "housekeeping", {"2017-12-31": "-", TODAY: "overdue"}, "2021-12-03 board not by secret ballot (the 2016 one predates the plan)"),
    ("governance.dispatched-supervisor-paid", "roadtransport", {"2018-06-30": "overdue", TODAY: "overdue"}, "委派监事 paid by the association"),
    ("governance.dispatched-supervisor-holds-post", "tourism", {"2017-06-30": "-", "2017-12-31": "overdue", TODAY: "overdue"}, "委派监事 who is also a 理事"),
    ("governance.departure-audit-missing", "catering", {"2017-12-31": "-", "2018-06-30": "open", TODAY: "open"}, "president replaced 2018-04-27, no 离任审计"),
    ("governance.departure-audit-missing", "wenzhou", {TODAY: "open"}, "out of scope but registered: the rule still applies"),
    ("governance.departure-audit-missing", "construction", {"2019-03-11": "open", "2019-03-12": "-"}, "audited 2019-03-12"),
]


def story_subjects(b, rule, target, findings):
    """The findings of rule for target."""
    if target.startswith("unit:"):
        uid = UID[target[5:]]
        return [f for f in findings if f[0] == rule and f[1] is None and f[2] == uid]
    if target.startswith("task:"):
        return [f for f in findings if f[0] == rule and f[1] is None and f[2] == target[5:]]
    if target.startswith("person:"):
        return [f for f in findings if f[0] == rule and f[1] is None and f[2] == target[7:]]
    uscc = STORY_USCC[target]
    return [f for f in findings if f[0] == rule and f[1] == uscc]


STORY_USCC = {}


def resolve_person_targets(b, bl_people):
    for i, (rule, target, exp, note) in enumerate(STORIES):
        if target.startswith("person:"):
            key = target[7:]
            STORIES[i] = (rule, "person:" + bl_people[key], exp, note)


def check_stories(b):
    cache = {}
    problems = []
    shown = set(r for r, _, exp, _ in STORIES if any(v != "-" for v in exp.values()))
    for rule in CLAUSE:
        if rule not in shown:
            problems.append("%s: no story shows it" % rule)
    for rule, target, exp, note in STORIES:
        assert rule in CLAUSE, rule
        for d, want in exp.items():
            if d not in cache:
                cache[d] = evaluate(b, d)
            got = story_subjects(b, rule, target, cache[d])
            states = sorted(set(f[4] for f in got))
            if want == "-":
                if got:
                    problems.append("%s %s %s: expected no finding, got %s" % (rule, target, d, states))
            elif states != [want]:
                problems.append("%s %s %s: expected %s, got %s" % (rule, target, d, want, states or "nothing"))
    return problems


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def dumps(b):
    return json.dumps(b, ensure_ascii=False, indent=2) + "\n"


def stories_markdown(b):
    names = {a["uscc"]: a["name"] for a in b["associations"]}
    pname = {p["id"]: p["name"] for p in b["persons"]}
    lines = ["| rule | clause | association (or unit, task, person) | subject | as of → state | what it shows |",
             "|---|---|---|---|---|---|"]
    cache = {}
    for rule, target, exp, note in STORIES:
        subjects = []
        for d, st in exp.items():
            if st != "-":
                if d not in cache:
                    cache[d] = evaluate(b, d)
                subjects = [f[2] for f in story_subjects(b, rule, target, cache[d])]
                break
        subj = ", ".join(x for x in subjects if x) or "—"
        if target.startswith("unit:"):
            who = "%s (%s)" % (target[5:], UID[target[5:]])
        elif target.startswith("task:"):
            k = [t for t in b["unit_tasks"] if t["id"] == target[5:]][0]
            who = "%s %s" % (k["id"], k["task"])
        elif target.startswith("person:"):
            who = "person %s %s" % (target[7:], pname[target[7:]])
        else:
            who = names[STORY_USCC[target]]
        states = ", ".join("%s %s" % (d, {"-": "none"}.get(s, s)) for d, s in exp.items())
        lines.append("| `%s` | %s | %s | %s | %s | %s |" % (rule, CLAUSE[rule], who, subj, states, note))
    return "\n".join(lines) + "\n"


def progress(b, d):
    """Headline numbers as of d (the dashboard's 纳入范围 / 已脱钩 / 已验收)."""
    spec = {s["name"]: s for s in ASSOCS}
    reg = [a for a in b["associations"] if a["registered_on"] <= d and
           not (a["deregistered_on"] and a["deregistered_on"] <= d)]
    in_scope = [a for a in reg if spec_in_scope(spec[a["name"]])]
    done = lambda a, k: a[k] is not None and a[k] <= d
    by_batch = lambda bid: [a for a in in_scope if a["batch"] == bid]
    return ("registered %d, in scope %d, decoupled %d (pilot %d/%d, second %d/%d), accepted %d"
            % (len(reg), len(in_scope), sum(done(a, "decoupled_on") for a in in_scope),
               sum(done(a, "decoupled_on") for a in by_batch("pilot")), len(by_batch("pilot")),
               sum(done(a, "decoupled_on") for a in by_batch("second")), len(by_batch("second")),
               sum(done(a, "accepted_on") for a in in_scope)))


def summary(b):
    lines = []
    for arr in SCHEMA:
        lines.append("%-18s %5d" % (arr, len(b[arr])))
    for d in AS_OF:
        f = evaluate(b, d)
        c = Counter(x[0] for x in f)
        o = Counter(x[0] for x in f if x[4] == "overdue")
        lines.append("")
        lines.append("as of %s: %d findings (%d overdue); %s" % (d, len(f), sum(o.values()), progress(b, d)))
        for rule in sorted(c):
            lines.append("  %-46s %4d  (%d overdue)" % (rule, c[rule], o[rule]))
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description="Build the tuogou demo register (data/demo-bundle.json).")
    ap.add_argument("-o", "--output", default=OUT_DEFAULT)
    ap.add_argument("--verify", action="store_true", help="compare a fresh build with the output file")
    ap.add_argument("--stories", action="store_true", help="print the stories table (markdown)")
    ap.add_argument("--findings", metavar="DATE", help="print the reference findings as of DATE")
    ap.add_argument("--summary", action="store_true", help="counts per array and per as-of date")
    args = ap.parse_args(argv)

    b, story_people = build()
    errs = validate(b)
    if errs:
        sys.stderr.write("the demo bundle is invalid:\n  " + "\n  ".join(errs[:50]) + "\n")
        return 1
    for a in b["associations"]:
        assert uscc_valid(a["uscc"]), a["uscc"]
    for p in b["persons"]:
        assert id_valid(p["id_number"]), p["id_number"]
    for s in ASSOCS:
        STORY_USCC[s["slug"]] = [a for a in b["associations"] if a["name"] == s["name"]][0]["uscc"]
    resolve_person_targets(b, story_people)
    problems = check_stories(b)
    if problems:
        sys.stderr.write("stories that do not show:\n  " + "\n  ".join(problems) + "\n")
        return 1
    text = dumps(b)
    assert json.loads(text) == json.loads(json.dumps(b))
    if args.stories:
        sys.stdout.write(stories_markdown(b))
        return 0
    if args.summary:
        sys.stdout.write(summary(b))
        return 0
    if args.findings:
        if not is_real_date(args.findings):
            sys.stderr.write("--findings needs YYYY-MM-DD\n")
            return 2
        names = {a["uscc"]: a["name"] for a in b["associations"]}
        for f in evaluate(b, args.findings):
            print("\t".join([f[0], f[1] or "-", names.get(f[1], "-"), f[2] or "-", f[3] or "-", f[4]]))
        return 0
    if args.verify:
        with open(args.output, encoding="utf-8") as fh:
            old = fh.read()
        if old != text:
            sys.stderr.write("%s differs from a fresh build; run tools/demo/make_demo.py\n" % args.output)
            return 1
        print("%s is up to date" % args.output)
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print("wrote %s (%d associations, %d persons, %d posts, %d staff)" % (
        args.output, len(b["associations"]), len(b["persons"]), len(b["posts"]), len(b["staff"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
