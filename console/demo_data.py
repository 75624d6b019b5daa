"""The demo centres as plain data: Luoyang's 洛阳市民之家 (LY) and 孟津区政务服务中心 (MJ).

Drawn from the seed notices (Luoyang 2020/2022, Chongqing, Liaocheng, Suzhou). People, phone numbers
and e-mail addresses are invented; phone numbers use the 1390379 prefix, mail the .example domain.
"""

from __future__ import annotations

import datetime

# ---------------------------------------------------------------------------------------------
# Centres. Opening hours: (weekday 0 = Monday, opens, closes, lunch start, lunch end).
WEEKDAY_HOURS = [(day, "09:00", "17:30", "12:00", "13:30") for day in range(5)]

CENTRES = [
    {
        "code": "LY", "name": "洛阳市民之家", "level": "city", "region": "河南省洛阳市",
        "region_code": "410300", "address": "河南省洛阳市洛龙区开元大道 洛阳市民之家",
        # Enterprise opening also on Saturday mornings (Liaocheng's "无周末" service).
        "opening_hours": WEEKDAY_HOURS + [(5, "09:00", "12:00", None, None)],
        "helpers": 6, "self_service_computers": 10,
    },
    {
        "code": "MJ", "name": "孟津区政务服务中心", "level": "county",
        "region": "河南省洛阳市孟津区", "region_code": "410308",
        "address": "河南省洛阳市孟津区 孟津区政务服务中心",
        "opening_hours": WEEKDAY_HOURS, "helpers": 3, "self_service_computers": 5,
    },
]

# ---------------------------------------------------------------------------------------------
# Agencies: (centre or None for shared, code, name, kind, [(liaison, post, mobile, email)]).
AGENCIES = [
    (None, "PBC-LY", "中国人民银行洛阳市分行", "peoples_bank",
     [("田志刚", "支付结算科副科长", "13903790101", "pbc.liaison@luoyang.example")]),
    (None, "ICBC-LY", "中国工商银行洛阳分行", "commercial_bank",
     [("苏雅琴", "公司业务部经理", "13903790102", "icbc.liaison@luoyang.example")]),
    (None, "CCB-LY", "中国建设银行洛阳分行", "commercial_bank",
     [("蒋文博", "对公开户专员", "13903790103", "ccb.liaison@luoyang.example")]),
    ("LY", "LY-AMR", "洛阳市市场监督管理局", "market_regulation",
     [("范立新", "登记注册科科长", "13903790111", "amr.liaison@luoyang.example"),
      ("邱海燕", "登记注册科科员", "13903790112", None)]),
    ("LY", "LY-PSB", "洛阳市公安局", "public_security",
     [("贺军", "治安支队特行大队民警", "13903790113", "psb.liaison@luoyang.example")]),
    ("LY", "LY-TAX", "国家税务总局洛阳市税务局", "tax",
     [("秦晓东", "纳税服务科副科长", "13903790114", "tax.liaison@luoyang.example")]),
    ("LY", "LY-SI", "洛阳市社会保险中心", "social_insurance",
     [("董丽君", "参保登记科科长", "13903790115", "si.liaison@luoyang.example")]),
    ("LY", "LY-MI", "洛阳市医疗保障局", "medical_insurance",
     [("石磊", "待遇保障科科员", "13903790116", "mi.liaison@luoyang.example")]),
    ("LY", "LY-HF", "洛阳住房公积金管理中心", "housing_fund",
     [("袁芳", "归集管理科科长", "13903790117", "hf.liaison@luoyang.example")]),
    ("LY", "LY-ZWFW", "洛阳市政务服务中心", "other",
     [("葛文", "业务科负责人", "13903790118", "zwfw.liaison@luoyang.example")]),
    ("LY", "LY-TOBACCO", "洛阳市烟草专卖局", "other",
     [("魏建华", "专卖许可科科员", "13903790119", None)]),
    ("LY", "LY-POWER", "国网洛阳供电公司", "other",
     [("潘越", "营销部客户经理", "13903790120", None)]),
    ("MJ", "MJ-AMR", "孟津区市场监督管理局", "market_regulation",
     [("崔永强", "注册登记股股长", "13903790131", "amr.liaison@mengjin.example")]),
    ("MJ", "MJ-PSB", "洛阳市公安局孟津分局", "public_security",
     [("钟浩", "治安大队民警", "13903790132", None)]),
    ("MJ", "MJ-TAX", "国家税务总局洛阳市孟津区税务局", "tax",
     [("谭静", "纳税服务股股长", "13903790133", "tax.liaison@mengjin.example")]),
    ("MJ", "MJ-SI", "孟津区社会保险中心", "social_insurance",
     [("彭伟", "参保登记股科员", "13903790134", None)]),
    ("MJ", "MJ-MI", "孟津区医疗保障局", "medical_insurance",
     [("陆敏", "医保经办股科员", "13903790135", None)]),
    ("MJ", "MJ-HF", "洛阳住房公积金管理中心孟津分中心", "housing_fund",
     [("廖红", "归集科科员", "13903790136", None)]),
    ("MJ", "MJ-ZWFW", "孟津区政务服务中心", "other",
     [("姚丹", "综合股股长", "13903790137", "zwfw.liaison@mengjin.example")]),
    ("MJ", "MJ-TOBACCO", "洛阳市烟草专卖局孟津分局", "other",
     [("任小军", "专卖管理股科员", "13903790138", None)]),
]

# ---------------------------------------------------------------------------------------------
# Service items. Materials: (name, copies, form, requirement, [review points], follow-up working
# days for 容缺, template note). Enterprise-opening items exist once per centre ("{centre}-EO-…",
# owned by that centre's agency "{centre}-{agency}"); the bank account item is shared.
# "results": what the agency records at 办结; "after": the items (suffixes, or codes for a shared
# item) done first, as 000 orders them (刻章、发票、参保、公积金、开户 after the licence);
# "blocking": 容缺 materials whose lateness withholds the result (逾期未补交的不发放营业执照).
ONE_FORM = "企业开办“一表填报”申请书附表，系统打印后签字"

ENTERPRISE_ITEMS = [
    {
        "suffix": "EO-REG", "agency": "AMR", "name": "企业设立登记（营业执照核发）",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第十九条：对申请材料齐全、符合法定"
                       "形式的予以确认并当场登记；不能当场登记的，应当在3个工作日内予以登记。",
        "statutory": (3, "working_days"), "promised": (2, "working_hours"), "warning": 75,
        "results": ["licence_number", "credit_code"], "after": [],
        "blocking": ["住所（经营场所）使用证明"],
        "materials": [
            ("《公司登记（备案）申请书》", 1, "original", "required",
             ["法定代表人签字与其身份证件姓名一致，无代签",
              "企业名称与名称自主申报系统保留的名称一字不差",
              "住所写至门牌号和室号，与住所使用证明记载一致",
              "经营范围条目均取自《经营范围规范表述目录》"], None, "样表见综合窗口台卡第1号"),
            ("公司章程", 1, "original", "required",
             ["自然人股东逐页签字，法人股东加盖公章",
              "注册资本、出资方式、认缴出资期限与申请书一致，认缴期限不超过5年",
              "载明法定代表人由代表公司执行事务的董事或经理担任"], None, "章程参考文本见台卡第2号"),
            ("股东、法定代表人、董事、监事、经理的身份证件复印件", 1, "copy", "required",
             ["居民身份证在有效期内，18位号码校验位正确",
              "复印件正反面齐全、字迹清晰",
              "法人股东提交加盖公章的营业执照复印件，统一社会信用代码校验正确"], None, None),
            ("住所（经营场所）使用证明", 1, "copy", "tolerated",
             ["申请人已签署《住所申报承诺书》的，可容缺受理",
              "受理后5个工作日内补交不动产权证书复印件或租赁合同复印件，逾期未补交的不发放营业执照",
              "补交材料记载的地址与申请书住所一致"], 5, "《住所申报承诺书》样表见台卡第3号"),
            ("前置许可批准文件", 1, "copy", "not_applicable",
             ["经营范围涉及《企业登记前置审批事项目录》所列事项时改为必交",
              "核对批准文件载明的企业名称和有效期与申请一致"], None, None),
        ],
    },
    {
        "suffix": "EO-SEAL", "agency": "PSB",
        "name": "印章刻制（公章、法定代表人名章、财务专用章、发票专用章、合同专用章）",
        "legal_basis": "《国务院关于国家行政机关和企业事业单位社会团体印章管理的规定》"
                       "（国发〔1999〕25号）；《国务院关于第三批取消中央指定地方实施行政许可事项的"
                       "决定》（国发〔2017〕7号，公章刻制审批改为备案）。",
        "statutory": (1, "working_days"), "promised": (20, "minutes"), "warning": 75,
        "results": ["seals"], "after": ["EO-REG"],
        "materials": [
            ("印章刻制备案信息表", 1, "original", "required",
             ["勾选公章、法定代表人名章、财务专用章、发票专用章4枚，需要合同专用章的勾选第5枚",
              "印文中的企业名称与营业执照名称完全一致",
              "发票专用章印文含18位统一社会信用代码"], None, ONE_FORM),
            ("营业执照复印件", 1, "copy", "not_applicable",
             ["登记信息经“一窗通”系统推送的，免于提交",
              "核对系统中该企业刻章信息的推送状态为“已推送”"], None, None),
            ("法定代表人身份证件", 1, "original", "required",
             ["现场人证比对通过", "证件在有效期内"], None, None),
        ],
    },
    {
        "suffix": "EO-INVOICE", "agency": "TAX", "name": "发票申领及税务UKey发放",
        "legal_basis": "《中华人民共和国发票管理办法》第十五条：主管税务机关在5个工作日内确认领用"
                       "发票的种类、数量以及领用方式。",
        "statutory": (5, "working_days"), "promised": (1, "working_hours"), "warning": 80,
        "results": ["invoice_count", "ukey_serial"], "after": ["EO-REG"],
        "materials": [
            ("新办纳税人涉税事项申请表", 1, "original", "required",
             ["勾选的发票票种与经营范围相符",
              "办税人员、财务负责人的姓名和手机号填写完整",
              "已选择税务UKey领取方式（窗口领取或免费邮寄）"], None, ONE_FORM),
            ("办税人员身份证件", 1, "original", "required",
             ["现场实名采集（人脸识别）通过", "证件在有效期内"], None, None),
            ("加盖发票专用章的《发票领用簿》", 1, "original", "tolerated",
             ["印章刻制与发票申领并联办理、发票专用章尚未取得时可容缺受理",
              "受理后1个工作日内、领取发票前补盖发票专用章",
              "印文名称与营业执照一致，含统一社会信用代码"], 1, None),
        ],
    },
    {
        "suffix": "EO-SI", "agency": "SI", "name": "员工参保登记（就业参保登记）",
        "legal_basis": "《中华人民共和国社会保险法》第五十七条：社会保险经办机构应当自收到申请之日"
                       "起十五日内予以审核，发给社会保险登记证件。",
        "statutory": (15, "natural_days"), "promised": (1, "working_days"), "warning": 80,
        "results": ["registration_number"], "after": ["EO-REG"],
        "materials": [
            ("单位社会保险登记表", 1, "original", "required",
             ["单位名称、统一社会信用代码与营业执照一致",
              "单位类型和行业代码已选择",
              "经办人手机号为本人实名号码"], None, ONE_FORM),
            ("参保职工花名册", 1, "original", "tolerated",
             ["开办时暂无职工的可容缺受理",
              "招用职工之日起30日内补交花名册并办理增员",
              "花名册中每个身份证号码校验通过"], 30, "花名册模板见台卡第4号"),
        ],
    },
    {
        "suffix": "EO-MI", "agency": "MI", "name": "单位医疗保险登记",
        "legal_basis": "《中华人民共和国社会保险法》第五十七条：用人单位应当自成立之日起三十日内"
                       "申请办理社会保险登记。",
        "statutory": (15, "natural_days"), "promised": (1, "working_days"), "warning": 80,
        "results": ["registration_number"], "after": ["EO-REG"],
        "materials": [
            ("单位医疗保险登记表", 1, "original", "required",
             ["单位名称、统一社会信用代码与营业执照一致",
              "经办人手机号为本人实名号码"], None, ONE_FORM),
            ("参保职工花名册", 1, "original", "tolerated",
             ["开办时暂无职工的可容缺受理",
              "招用职工之日起30日内补交并办理参保",
              "人数与社会保险登记花名册一致"], 30, None),
        ],
    },
    {
        "suffix": "EO-HF", "agency": "HF", "name": "住房公积金单位缴存登记",
        "legal_basis": "《住房公积金管理条例》第十四条：新设立的单位应当自设立之日起30日内向"
                       "住房公积金管理中心办理住房公积金缴存登记。",
        "statutory": (5, "working_days"), "promised": (1, "working_days"), "warning": 80,
        "results": ["registration_number"], "after": ["EO-REG"],
        "materials": [
            ("住房公积金单位缴存登记表", 1, "original", "required",
             ["单位名称、统一社会信用代码、法定代表人与营业执照一致",
              "单位和职工缴存比例均在5%至12%之间",
              "约定的月缴存日在每月1日至28日之间"], None, ONE_FORM),
            ("经办人身份证件复印件", 1, "copy", "required",
             ["复印件与原件一致", "证件在有效期内"], None, None),
        ],
    },
]

SHARED_ITEMS = [
    {
        "code": "EO-BANK", "agency": "PBC-LY", "name": "企业基本存款账户开立",
        "legal_basis": "《人民币银行结算账户管理办法》（中国人民银行令〔2003〕第5号）；"
                       "《企业银行结算账户管理办法》（银发〔2019〕41号）。",
        "statutory": (2, "working_days"), "promised": (2, "working_hours"), "warning": 75,
        # Shared by both centres: it follows whichever centre's licence is on the case.
        "results": ["bank_name", "account_number"], "after": ["LY-EO-REG", "MJ-EO-REG"],
        "materials": [
            ("开立单位银行结算账户申请书", 1, "original", "required",
             ["账户性质勾选“基本存款账户”",
              "已选择预约开户银行及网点",
              "法定代表人手机号可接听开户回访电话"], None, ONE_FORM),
            ("法定代表人身份证件", 1, "original", "required",
             ["法定代表人本人到场，或经银行视频核实开户意愿",
              "身份证件联网核查结果为“一致”"], None, None),
            ("预留印鉴（公章、财务专用章、法定代表人名章）", 1, "original", "tolerated",
             ["印章尚未取得时可容缺受理，银行先行预约开户",
              "领取印章后1个工作日内到开户网点预留印鉴",
              "预留印鉴与公安机关备案印模一致"], 1, None),
        ],
    },
]

TOBACCO_MATERIALS = [
    ("烟草专卖零售许可证申请表", 1, "original", "required",
     ["经营场所地址与营业执照住所或经营场所一致",
      "申请人签字与身份证件姓名一致"], None, None),
    ("经营场所使用证明", 1, "copy", "required",
     ["不动产权证书或租赁合同在有效期内",
      "租赁合同剩余期限不少于1年"], None, None),
]
# Items taken in only at a professional window: each centre's tobacco retail licence, kept by
# the tobacco bureau (one-window acceptance counts these cases as accepted elsewhere).
LOCAL_ITEMS = [
    {
        "centre": centre, "code": f"{centre}-P-TOBACCO", "agency": f"{centre}-TOBACCO",
        "name": "烟草专卖零售许可证核发", "window_category": "professional",
        "legal_basis": "《中华人民共和国烟草专卖法实施条例》第十三条；"
                       "《烟草专卖许可证管理办法》第二十三条。",
        "statutory": (20, "working_days"), "promised": (10, "working_days"), "warning": 80,
        "materials": TOBACCO_MATERIALS,
    }
    for centre in ("LY", "MJ")
]

# ---------------------------------------------------------------------------------------------
# Windows: (code, counter, name, kind, accepted items: "EO" = all enterprise-opening items,
# else a list of item codes, keeping agency for a professional window).
LY_WINDOWS = [
    ("W01", "A01", "企业开办综合窗口一", "enterprise_opening", "EO", None),
    ("W02", "A02", "企业开办综合窗口二", "enterprise_opening", "EO", None),
    ("W03", "A03", "企业开办综合窗口三", "enterprise_opening", "EO", None),
    ("W04", "A04", "商事登记综合窗口", "commercial_registration", [], None),
    ("W05", "B01", "工程建设项目综合窗口", "construction_projects", [], None),
    ("W06", "B02", "不动产交易登记综合窗口", "real_estate", [], None),
    ("W07", "C01", "社会事务综合窗口", "social_affairs", [], None),
    ("W08", "C02", "社保医保综合窗口", "social_medical_insurance", [], None),
    ("W09", "C03", "公安服务综合窗口", "public_security", [], None),
    ("W10", "C04", "公积金服务综合窗口", "housing_fund", [], None),
    ("W11", "D01", "涉税服务综合窗口", "tax", [], None),
    ("W12", "D02", "交通运输综合窗口", "transport", [], None),
    ("P01", "E01", "烟草专卖许可专业窗口", "professional", ["LY-P-TOBACCO"], "LY-TOBACCO"),
    ("P02", "E02", "供电报装专业窗口", "professional", [], "LY-POWER"),
    ("Q01", "F01", "其他事务综合受理窗口", "other_affairs", [], None),
]
MJ_WINDOWS = [
    ("W01", "01", "企业开办综合窗口一", "enterprise_opening", "EO", None),
    ("W02", "02", "企业开办综合窗口二", "enterprise_opening", "EO", None),
    ("W03", "03", "社保医保综合窗口", "social_medical_insurance", [], None),
    ("W04", "04", "不动产交易登记综合窗口", "real_estate", [], None),
    ("W05", "05", "涉税服务综合窗口", "tax", [], None),
    ("P01", "07", "烟草专卖许可专业窗口", "professional", ["MJ-P-TOBACCO"], "MJ-TOBACCO"),
    ("Q01", "06", "其他事务综合受理窗口", "other_affairs", [], None),
]
WINDOWS = {"LY": LY_WINDOWS, "MJ": MJ_WINDOWS}

# ---------------------------------------------------------------------------------------------
# Staff: (name, seconding agency code, role, mobile, training date, items: "EO" = every
# enterprise-opening item of the centre, "AGENCY" = the items of the seconding agency, or None;
# active).
TRAINED = datetime.date(2024, 3, 18)
LY_STAFF = [
    ("李娜", "LY-AMR", "clerk", "13903790201", TRAINED, "EO", True),
    ("王芳", "LY-AMR", "clerk", "13903790202", TRAINED, "EO", True),
    ("张磊", "LY-TAX", "clerk", "13903790203", TRAINED, "EO", True),
    ("刘洋", "LY-SI", "clerk", "13903790204", TRAINED, "EO", True),
    ("陈静", "LY-ZWFW", "clerk", "13903790205", TRAINED, "EO", True),
    ("赵敏", "LY-AMR", "clerk", "13903790206", TRAINED, None, True),
    ("孙浩", "LY-SI", "clerk", "13903790207", TRAINED, None, True),
    ("周婷", "LY-PSB", "clerk", "13903790208", TRAINED, None, True),
    ("吴刚", "LY-HF", "clerk", "13903790209", TRAINED, None, True),
    ("郑雪", "LY-TAX", "clerk", "13903790210", TRAINED, None, True),
    ("黄凯", "LY-ZWFW", "clerk", "13903790211", TRAINED, None, True),
    ("曹磊", "LY-AMR", "clerk", "13903790212", TRAINED, "EO", False),
    ("常宏", "LY-TOBACCO", "clerk", "13903790213", TRAINED, "AGENCY", True),
    ("何静怡", "LY-AMR", "approver", "13903790221", TRAINED, "AGENCY", True),
    ("马俊", "LY-PSB", "approver", "13903790222", TRAINED, "AGENCY", True),
    ("郭敏", "LY-TAX", "approver", "13903790223", TRAINED, "AGENCY", True),
    ("林涛", "LY-SI", "approver", "13903790224", TRAINED, "AGENCY", True),
    ("高蕾", "LY-HF", "approver", "13903790225", TRAINED, "AGENCY", True),
    ("石晓雯", "LY-MI", "approver", "13903790226", TRAINED, "AGENCY", True),
    ("江涛", "PBC-LY", "approver", "13903790227", TRAINED, "AGENCY", True),
    ("秦岚", "LY-TOBACCO", "approver", "13903790228", TRAINED, "AGENCY", True),
    ("罗佳", "LY-ZWFW", "helper", "13903790231", TRAINED, "EO", True),
    ("梁晨", "LY-ZWFW", "helper", "13903790232", TRAINED, "EO", True),
    ("周建国", "LY-ZWFW", "supervisor", "13903790241", None, None, True),
    ("郭晓燕", "LY-ZWFW", "supervisor", "13903790242", None, None, True),
    ("马红梅", "LY-AMR", "supervisor", "13903790243", None, None, True),
]
MJ_STAFF = [
    ("孙悦", "MJ-AMR", "clerk", "13903790301", TRAINED, "EO", True),
    ("韩梅", "MJ-TAX", "clerk", "13903790302", TRAINED, "EO", True),
    ("冯强", "MJ-SI", "clerk", "13903790303", TRAINED, None, True),
    ("唐伟", "MJ-ZWFW", "clerk", "13903790304", TRAINED, None, True),
    ("岳明", "MJ-TOBACCO", "clerk", "13903790305", TRAINED, "AGENCY", True),
    ("邓丽", "MJ-AMR", "approver", "13903790311", TRAINED, "AGENCY", True),
    ("蒋伟", "MJ-PSB", "approver", "13903790312", TRAINED, "AGENCY", True),
    ("孔静", "MJ-TAX", "approver", "13903790313", TRAINED, "AGENCY", True),
    ("曾涛", "MJ-SI", "approver", "13903790314", TRAINED, "AGENCY", True),
    ("彭丽", "MJ-MI", "approver", "13903790315", TRAINED, "AGENCY", True),
    ("袁博", "MJ-HF", "approver", "13903790316", TRAINED, "AGENCY", True),
    ("谢芳", "PBC-LY", "approver", "13903790317", TRAINED, "AGENCY", True),
    ("陶然", "MJ-TOBACCO", "approver", "13903790318", TRAINED, "AGENCY", True),
    ("许亮", "MJ-ZWFW", "helper", "13903790321", TRAINED, "EO", True),
    ("宋佳", "MJ-ZWFW", "supervisor", "13903790331", None, None, True),
]
STAFF = {"LY": LY_STAFF, "MJ": MJ_STAFF}

# ---------------------------------------------------------------------------------------------
# Roster: the same pattern on every working day of the current week the centre opens.
# (window code, staff name, shift).
ROSTER = {
    "LY": [
        ("W01", "李娜", "full_day"), ("W02", "王芳", "full_day"),
        ("W03", "张磊", "morning"), ("W03", "陈静", "afternoon"),
        ("W08", "刘洋", "morning"), ("W04", "赵敏", "full_day"), ("W08", "孙浩", "full_day"),
        ("W09", "周婷", "full_day"), ("W10", "吴刚", "full_day"), ("W11", "郑雪", "full_day"),
        ("Q01", "黄凯", "full_day"), ("P01", "常宏", "full_day"),
    ],
    "MJ": [
        ("W01", "孙悦", "full_day"), ("W02", "韩梅", "full_day"), ("W03", "冯强", "full_day"),
        ("W04", "唐伟", "morning"), ("W05", "唐伟", "afternoon"), ("P01", "岳明", "full_day"),
    ],
}

# ---------------------------------------------------------------------------------------------
# The demo logins: (username, role, centre, staff name, agency code). The security
# manager creates the users; the loader only writes the username onto the staff record.
DEMO_LOGINS = [
    ("admin", "Admin", None, None, None),
    ("ly_admin", "CentreAdmin", "LY", "郭晓燕", None),
    # Every clerk of an enterprise-opening or professional window on the roster: the demo
    # history has each take the cases of the window they staff (ly_clerk and mj_clerk at W01).
    ("ly_clerk", "Clerk", "LY", "李娜", None),
    ("ly_clerk2", "Clerk", "LY", "王芳", None),
    ("ly_clerk3", "Clerk", "LY", "张磊", None),
    ("ly_clerk4", "Clerk", "LY", "陈静", None),
    ("ly_clerk5", "Clerk", "LY", "常宏", None),
    ("ly_approver", "Approver", "LY", "何静怡", "LY-AMR"),
    # One approver per agency of the enterprise-opening chain at LY.
    ("ly_psb", "Approver", "LY", "马俊", "LY-PSB"),
    ("ly_tax", "Approver", "LY", "郭敏", "LY-TAX"),
    ("ly_si", "Approver", "LY", "林涛", "LY-SI"),
    ("ly_mi", "Approver", "LY", "石晓雯", "LY-MI"),
    ("ly_hf", "Approver", "LY", "高蕾", "LY-HF"),
    ("ly_bank", "Approver", "LY", "江涛", "PBC-LY"),
    # The tobacco monopoly bureau's, for the licences taken in at the professional window P01.
    ("ly_tobacco", "Approver", "LY", "秦岚", "LY-TOBACCO"),
    # Service accounts (API only): market regulation's back-office system and online intake.
    ("ly_amr_system", "AgencySystem", "LY", None, "LY-AMR"),
    ("pbc_system", "AgencySystem", None, None, "PBC-LY"),  # the bank's, for every centre
    ("ly_intake", "IntakeSystem", "LY", None, None),
    ("ly_complaints", "ComplaintHandler", "LY", "马红梅", None),
    ("ly_supervisor", "Supervisor", "LY", "周建国", None),
    ("mj_admin", "CentreAdmin", "MJ", "宋佳", None),
    ("mj_clerk", "Clerk", "MJ", "孙悦", None),
    ("mj_clerk2", "Clerk", "MJ", "韩梅", None),
    ("mj_clerk3", "Clerk", "MJ", "岳明", None),
    # One approver per agency of the enterprise-opening chain at MJ, as at LY.
    ("mj_approver", "Approver", "MJ", "邓丽", "MJ-AMR"),
    ("mj_psb", "Approver", "MJ", "蒋伟", "MJ-PSB"),
    ("mj_tax", "Approver", "MJ", "孔静", "MJ-TAX"),
    ("mj_si", "Approver", "MJ", "曾涛", "MJ-SI"),
    ("mj_mi", "Approver", "MJ", "彭丽", "MJ-MI"),
    ("mj_hf", "Approver", "MJ", "袁博", "MJ-HF"),
    ("mj_bank", "Approver", "MJ", "谢芳", "PBC-LY"),
    ("mj_tobacco", "Approver", "MJ", "陶然", "MJ-TOBACCO"),
]
