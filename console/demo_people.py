"""Invented applicants for the demo history: names, companies, addresses, mobile numbers, and
resident ID numbers and credit codes whose check characters python-stdnum accepts."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "文博",
         "子涵", "浩然", "雨桐", "宇轩", "欣怡", "梓萱", "俊杰", "思远", "佳琪", "一鸣", "嘉怡",
         "晨阳", "立新", "红梅", "国庆", "春燕", "振华", "玉兰", "建军", "亚楠", "鹏飞", "凯")
# Trade names (字号) and trades (行业) of the companies being opened.
TRADE_NAMES = ("云帆", "洛河", "牡丹", "龙门", "嵩岳", "伊川", "河洛", "天心", "华夏", "启明",
               "九都", "瀍河", "涧西", "白马", "关林", "隋唐", "神都", "青石", "泰和", "恒信",
               "聚源", "鼎盛", "明德", "博远", "宏达", "润泽", "金穗", "银杏", "兴业", "同创",
               "致远", "嘉禾", "安泰", "百川", "正和", "新程", "汇通", "四季", "鸿福", "东方",
               "惠民", "昌盛", "乐享", "匠心", "星辰", "德润", "长安", "丰年", "和畅", "鑫源")
TRADES = ("科技", "商贸", "餐饮管理", "物流", "文化传媒", "建筑工程", "医药", "农业发展",
          "电子商务", "教育咨询", "装饰设计", "汽车服务", "食品", "信息技术", "旅游开发",
          "家政服务", "新能源", "机械设备", "广告", "劳务")
FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "商贸中心（个人独资）")
# Birthplace codes (Luoyang's districts and counties, two of Zhengzhou's).
BIRTHPLACES = ("410302", "410303", "410304", "410305", "410306", "410311", "410322", "410323",
               "410324", "410325", "410326", "410327", "410328", "410329", "410102", "410105")
ROADS = {
    "LY": ("洛阳市洛龙区开元大道", "洛阳市洛龙区古城路", "洛阳市西工区中州中路",
           "洛阳市涧西区南昌路", "洛阳市老城区中州东路", "洛阳市瀍河回族区启明南路",
           "洛阳市洛龙区龙门大道", "洛阳市西工区凯旋东路", "洛阳市涧西区天津路",
           "洛阳市洛龙区展览路"),
    "MJ": ("洛阳市孟津区城关镇会盟大道", "洛阳市孟津区朝阳镇金水路", "洛阳市孟津区平乐镇牡丹大道",
           "洛阳市孟津区麻屯镇振兴路", "洛阳市孟津区白鹤镇黄河路"),
}
REGION = {"LY": "410300", "MJ": "410308"}
PHONE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                  "155", "156", "157", "158", "159", "176", "177", "180", "181", "185", "186",
                  "187", "188", "189", "199")
# The characters of an organisation code in a credit code (GB 32100: no I, O, S, V, Z).
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def id_number(rng: random.Random, today: dt.date) -> str:
    """An adult's resident ID number (GB 11643-1999) with a correct check digit."""
    born = today - dt.timedelta(days=rng.randint(20 * 365, 62 * 365))
    sequence = f"{rng.randint(0, 999):03d}"
    # A county's code is valid only for births since the code existed (python-stdnum's table);
    # older applicants carry the city's code.
    for place in (rng.choice(BIRTHPLACES), "410300"):
        body = f"{place}{born:%Y%m%d}{sequence}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number
    raise AssertionError(f"no valid ID number for a birth on {born}")  # 410300 is always valid


def mobile(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def company_name(rng: random.Random, centre: str) -> str:
    place = "洛阳市孟津区" if centre == "MJ" else "洛阳"
    return f"{place}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(TRADES)}" \
           f"{rng.choice(FORMS)}"


def address(rng: random.Random, centre: str) -> str:
    building = rng.choice(("", f"{rng.randint(1, 12)}号楼", f"{rng.randint(1, 30)}层"))
    return f"{rng.choice(ROADS[centre])}{rng.randint(1, 399)}号{building}{rng.randint(101, 2608)}室"


def credit_code(rng: random.Random, centre: str) -> str:
    """A company's unified social credit code (GB 32100-2015) with a correct check character."""
    body = "91" + REGION[centre] + "MA" + "".join(rng.choice(ORG_ALPHABET) for _ in range(7))
    return body + uscc.calc_check_digit(body)


def applicant(rng: random.Random, centre: str, today: dt.date) -> dict[str, str]:
    """What a clerk types when opening a case, as the case form stores it."""
    return {
        "company_name": company_name(rng, centre),
        "legal_rep_name": person_name(rng),
        "legal_rep_id": id_number(rng, today),
        "phone": mobile(rng),
        "address": address(rng, centre),
    }
