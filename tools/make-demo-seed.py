#!/usr/bin/env python3
"""Writes the demo hearing definitions in seeds/ (all people are fictional).

seeds/demo-hearing.json: a district discipline commission plenary (区纪委全会) at which 2 district-level leaders
and 13 heads of towns, streets and departments report (述责述廉), about 40 questioners in their real categories
ask, and about 150 voters in 4 weighted groups grade them.
seeds/npc-satisfaction.json: a people's congress standing committee's satisfaction vote (满意度测评) on the heads
of government departments, scored by the majority-of-members rule.

The output is deterministic; run `tools/make-demo-seed.py` from the repository root and commit the JSON.
"""
import json
import pathlib
import random

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = (
    "建国 志强 海涛 文静 丽华 明军 晓燕 红梅 春雷 永刚 俊杰 秀英 玉兰 国庆 振华 德胜 宏伟 淑芬 立新 卫东 桂芳 凤霞 家乐 "
    "子轩 雨欣 思远 浩然 建华 玉梅 志刚 金凤 海燕 学军 春华 新民 丽娟 建军 秀兰 文博 晓东 红霞 国平 少华 美玲 "
    "长青 光明 敏 勇 静 磊 洁 军 涛 芳"
).split()


def fictional_names():
    """Unique fictional full names, every surname–given-name pair at most once, in a fixed shuffled order."""
    pairs = [sur + given for given in GIVEN for sur in SURNAMES]
    random.Random(2021).shuffle(pairs)
    yield from pairs


def person(pid, name, roles, post="", groups=()):
    p = {"id": pid, "name": name}
    if post:
        p["post"] = post
    if groups:
        p["groups"] = list(groups)
    p["roles"] = list(roles)
    return p


def pretty(value, indent=0):
    """JSON with short objects and arrays on one line, so that a file of 200 people stays readable."""
    flat = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if len(flat) + indent <= 116 or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [pad + json.dumps(k, ensure_ascii=False) + ": " + pretty(v, indent + 2) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + pretty(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def write(path, doc):
    pathlib.Path(path).write_text(pretty(doc) + "\n", encoding="utf-8")


def grade(gid, label, points, valid=True):
    g = {"id": gid, "label": label, "points": points}
    if not valid:
        g["valid"] = False
    return g


def demo_hearing():
    names = fictional_names()
    groups = [
        {"id": "jwwy", "name": "区纪委委员", "weight": 0.4},
        {"id": "tyjcy", "name": "特约监察员", "weight": 0.2},
        {"id": "daibiao", "name": "党代表和人大代表", "weight": 0.25},
        {"id": "qunzhong", "name": "群众代表", "weight": 0.15},
    ]
    people = [
        person("chair", next(names), ["chair"], "区委常委、区纪委书记、区监委主任（主持人）"),
        person("sec1", next(names), ["secretary"], "区纪委办公室主任（签到、记录）"),
        person("sec2", next(names), ["secretary"], "区纪委办公室干部（记录）"),
        person("screen", "会场大屏", ["display"], "主会场显示屏"),
        person("jpr", next(names), ["scrutineer"], "区纪委常委（监票人）"),
    ]

    units = [
        ("区委常委、常务副区长", "区政府（分管领域）"),
        ("区委常委、组织部部长", "区委组织部"),
        ("东河镇党委书记", "东河镇"),
        ("西岭镇党委书记", "西岭镇"),
        ("南湖镇党委书记", "南湖镇"),
        ("北塘镇党委书记", "北塘镇"),
        ("新城街道党工委书记", "新城街道"),
        ("城关街道党工委书记", "城关街道"),
        ("区水务局党组书记、局长", "区水务局"),
        ("区教育局党组书记、局长", "区教育局"),
        ("区卫生健康委党委书记、主任", "区卫生健康委"),
        ("区住房和建设委党委书记、主任", "区住房和建设委"),
        ("区农业农村委党委书记、主任", "区农业农村委"),
        ("区市场监管局党委书记、局长", "区市场监管局"),
        ("区城市管理委党委书记、主任", "区城市管理委"),
    ]
    agenda = []
    for i, (post, unit) in enumerate(units, start=1):
        pid = f"p{i:02d}"
        people.append(person(pid, next(names), ["presenter"], post))
        # Two department heads report in writing only; everyone else reports orally for 8 minutes.
        mode = "written" if i in (14, 15) else "oral"
        slot = {"id": f"s{i:02d}", "presenter": pid, "title": unit, "mode": mode}
        slot.update({"report_limit_s": 0 if mode == "written" else 480, "qa_budget_s": 600})
        agenda.append(slot)

    # Questioners in their real categories; every questioner also votes.
    questioners = [
        ("jwwy", "区纪委委员", 12),
        ("tyjcy", "特约监察员", 8),
        ("daibiao", "区党代表", 8),
        ("daibiao", "区人大代表", 6),
        ("qunzhong", "群众代表", 6),
    ]
    n = 0
    for group, category, count in questioners:
        for _ in range(count):
            n += 1
            people.append(person(f"q{n:02d}", next(names), ["questioner", "voter"], category, [group]))

    # Further voters so that each group reaches its size in the hall (150 voters in all).
    sizes = {"jwwy": 25, "tyjcy": 20, "daibiao": 55, "qunzhong": 50}
    posts = {"jwwy": "区纪委委员", "tyjcy": "特约监察员", "daibiao": "区党代表、区人大代表", "qunzhong": "群众代表"}
    have = {g: 0 for g in sizes}
    for p in people:
        for g in p.get("groups", []):
            have[g] += 1
    n = 0
    for g, size in sizes.items():
        for _ in range(size - have[g]):
            n += 1
            people.append(person(f"v{n:03d}", next(names), ["voter"], posts[g], [g]))

    four_grades = [
        grade("hao", "好", 100),
        grade("jiaohao", "较好", 80),
        grade("yiban", "一般", 60),
        grade("cha", "差", 0),
        grade("buliaojie", "不了解", 0, valid=False),
    ]
    dims = [
        {"id": "zhuti", "label": "履行全面从严治党主体责任", "grades": four_grades},
        {"id": "lianjie", "label": "廉洁自律", "grades": four_grades},
        {"id": "zuofeng", "label": "作风建设", "grades": four_grades},
    ]
    templates = [
        {
            "id": "each", "title": "述责述廉民主测评表", "scope": "per_presenter", "dimensions": dims,
            "anonymous": True, "change": "first_press", "eligible_groups": [], "rule": "points",
        },
        {
            "id": "final", "title": "廉洁情况综合评议表", "scope": "combined",
            "dimensions": [{"id": "lianjie", "label": "本人廉洁情况", "grades": [
                grade("lianjie", "廉洁", 100), grade("jiben", "基本廉洁", 60), grade("bulianjie", "不廉洁", 0)]}],
            "anonymous": True, "change": "until_close", "eligible_groups": [], "rule": "integrity",
        },
    ]
    rules = [
        {
            "id": "points", "name": "分组加权得分（好100、较好80、一般60、差0）", "satisfied_grades": ["hao", "jiaohao"],
            "weight_groups": True,
            "bands": [{"min": 90, "verdict": "好"}, {"min": 75, "verdict": "较好"}, {"min": 60, "verdict": "一般"}],
            "otherwise": "差",
            "flags": [
                {"metric": "satisfaction", "op": "less_than", "threshold": 0.7, "label": "提醒谈话"},
                {"metric": "satisfaction", "op": "less_than", "threshold": 0.6, "label": "诫勉谈话"},
            ],
            "rank_by": "points",
        },
        {
            "id": "integrity", "name": "廉洁评定（三分之二规则）",
            "shares": [
                {"grades": ["lianjie"], "op": "at_least", "share": [2, 3], "of": "valid", "verdict": "廉洁"},
                {"grades": ["bulianjie"], "op": "more_than", "share": [1, 3], "of": "valid", "verdict": "不廉洁"},
            ],
            "otherwise": "基本廉洁", "rank_by": "points",
        },
    ]
    return {
        "id": "linhe-2021-shuze",
        "title": "中共临河区纪委二届六次全会述责述廉会议",
        "date": "2021-02-23",
        "venue": "临河区行政中心第一会议室",
        "voter_groups": groups,
        "participants": people,
        "agenda": agenda,
        "ballot_templates": templates,
        "rules": rules,
        "settings": {
            "live_results": "chair_and_display", "results": "on_site", "k_anonymity": 5,
            "voting_requires_check_in": True, "quorum": [2, 3], "voters_may_check_receipts": True,
            "locale": "zh-CN",
        },
    }


def npc_satisfaction():
    names = fictional_names()
    for _ in range(300):  # other people than in the district hearing
        next(names)
    groups = [
        {"id": "cwh", "name": "区人大常委会组成人员", "weight": 1},
        {"id": "liexi", "name": "列席人大代表", "weight": 1},
    ]
    people = [
        person("chair", next(names), ["chair"], "区人大常委会主任（主持人）"),
        person("sec1", next(names), ["secretary"], "区人大常委会办公室主任"),
        person("screen", "会场大屏", ["display"], "会场显示屏"),
    ]
    departments = [
        ("区发展改革委主任", "区发展改革委"),
        ("区财政局局长", "区财政局"),
        ("区人力社保局局长", "区人力社保局"),
        ("区生态环境局局长", "区生态环境局"),
        ("区交通运输局局长", "区交通运输局"),
        ("区民政局局长", "区民政局"),
    ]
    agenda = []
    for i, (post, unit) in enumerate(departments, start=1):
        pid = f"p{i}"
        people.append(person(pid, next(names), ["presenter"], post))
        agenda.append({"id": f"s{i}", "presenter": pid, "title": unit, "mode": "oral", "report_limit_s": 600,
                       "qa_budget_s": 900})
    # 35 members of the standing committee vote and may ask; two of them also watch the count.
    for i in range(1, 36):
        roles = ["voter", "questioner"] + (["scrutineer"] if i <= 2 else [])
        post = "区人大常委会委员" + ("（监票人）" if i <= 2 else "")
        people.append(person(f"m{i:02d}", next(names), roles, post, ["cwh"]))
    # Deputies attending without a vote (列席) may still put questions.
    for i in range(1, 11):
        people.append(person(f"d{i:02d}", next(names), ["questioner"], "区人大代表（列席）", ["liexi"]))

    scale = [grade("manyi", "满意", 100), grade("jiben", "基本满意", 60), grade("bumanyi", "不满意", 0)]
    templates = [{
        "id": "satisfaction", "title": "区政府组成部门工作满意度测评表", "scope": "combined",
        "dimensions": [{"id": "gongzuo", "label": "履职情况", "grades": scale}],
        "anonymous": True, "change": "first_press", "eligible_groups": ["cwh"], "rule": "majority",
    }]
    rules = [{
        "id": "majority", "name": "过半数规则（以全体组成人员为基数）", "satisfied_grades": ["manyi", "jiben"],
        "shares": [
            {"grades": ["manyi"], "op": "more_than", "share": [1, 2], "of": "members", "verdict": "满意"},
            {"grades": ["manyi", "jiben"], "op": "more_than", "share": [1, 2], "of": "members",
             "verdict": "基本满意"},
        ],
        "otherwise": "不满意",
        "flags": [{"metric": "satisfaction", "op": "less_than", "threshold": 0.6, "label": "约谈"}],
        "rank_by": "satisfaction",
    }]
    return {
        "id": "linhe-npc-2021",
        "title": "临河区人大常委会对区政府组成部门工作满意度测评",
        "date": "2021-06-28",
        "venue": "临河区人大常委会会议厅",
        "voter_groups": groups,
        "participants": people,
        "agenda": agenda,
        "ballot_templates": templates,
        "rules": rules,
        "settings": {
            "live_results": "nobody", "results": "on_site", "k_anonymity": 5, "voting_requires_check_in": True,
            "quorum": [1, 2], "voters_may_check_receipts": False, "locale": "zh-CN",
        },
    }


if __name__ == "__main__":
    write("seeds/demo-hearing.json", demo_hearing())
    write("seeds/npc-satisfaction.json", npc_satisfaction())
