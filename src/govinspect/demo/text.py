"""Phrase banks and prose makers for the demo network: Chinese 公文 and news style.

Everything takes a ``random.Random`` so that the same seed gives the same text. All text is
GBK-encodable (some sites are served in GBK) and free of ASCII ``<>&"`` (it is placed into
HTML verbatim and offsets are counted in the HTML).
"""

from __future__ import annotations

import random

CITY = "示例市"
PROVINCE = "安徽省"

TOPICS = [
    "安全生产", "优化营商环境", "乡村振兴", "城乡环境综合整治", "常态化疫情防控", "防汛抗旱",
    "森林防火", "扩大有效投资", "民生实事", "义务教育均衡发展", "全民健康", "稳就业",
    "养老服务体系建设", "数字政府建设", "政务公开", "生态环境保护", "粮食安全生产",
    "农村人居环境整治", "全国文明城市创建", "消防安全", "食品安全", "扫黑除恶常态化",
    "科技创新", "制造业高质量发展", "招商引资", "河长制", "林长制", "双拥工作", "根治欠薪",
    "社会信用体系建设", "重点项目建设", "城市更新", "老旧小区改造", "燃气安全", "信访维稳",
    "耕地保护", "节能降碳", "中小企业纾困", "普法宣传", "移风易俗",
]

LAWS = [
    "《中华人民共和国政府信息公开条例》", "《中华人民共和国安全生产法》", "《优化营商环境条例》",
    "《中华人民共和国防洪法》", "《中华人民共和国森林法》", "《中华人民共和国食品安全法》",
    "《中华人民共和国传染病防治法》", "《中华人民共和国消防法》", "《中华人民共和国环境保护法》",
    "《中华人民共和国行政许可法》", "《保障农民工工资支付条例》", "《中华人民共和国乡村振兴促进法》",
]

HIGHER = ["党中央、国务院", "省委、省政府", "市委、市政府"]

NEWS_VERBS = ["召开", "部署", "推进", "开展", "举行", "督导", "调研"]
MEETINGS = ["工作推进会", "专题会议", "工作会议", "动员部署会", "调度会", "现场观摩会", "培训班"]

SECTION_HEADS = [
    "总体要求", "工作目标", "主要任务", "重点工作", "工作措施", "保障措施", "组织领导",
    "职责分工", "实施步骤", "工作要求",
]

SENTENCES = [
    "坚持以人民为中心的发展思想，统筹发展和安全，着力解决群众急难愁盼问题。",
    "各地各部门要提高政治站位，切实增强做好{topic}工作的责任感和紧迫感。",
    "要坚持问题导向，聚焦薄弱环节，建立问题清单、责任清单和整改清单。",
    "要加强统筹协调，形成部门联动、上下协同、齐抓共管的工作格局。",
    "要压紧压实属地责任、部门监管责任和单位主体责任，确保各项措施落地见效。",
    "要强化督查考核，将{topic}工作纳入年度目标管理绩效考核内容。",
    "要加强宣传引导，充分利用政府网站、政务新媒体等渠道，营造良好社会氛围。",
    "对工作推进不力、造成不良影响的，依规依纪严肃追究相关人员责任。",
    "到2022年底，全市{topic}工作体系进一步健全，重点领域取得明显成效。",
    "要建立健全长效机制，推动{topic}工作常态化、制度化、规范化。",
    "各县（市、区）人民政府要结合实际，制定具体实施方案，明确时间表和路线图。",
    "要加大资金投入，统筹安排各类专项资金，优先保障重点项目建设需要。",
    "要加强队伍建设，开展业务培训，不断提升工作人员的业务能力和服务水平。",
    "要及时总结推广典型经验做法，以点带面推动全市工作整体提升。",
    "要严格落实信息报送制度，重要情况第一时间报告，不得迟报、漏报、瞒报。",
]

NEWS_SENTENCES = [
    "会议指出，{topic}工作事关经济社会发展大局，事关人民群众切身利益。",
    "会议强调，要坚持高标准、严要求，以更加有力的举措推动{topic}工作取得新成效。",
    "会议听取了各成员单位关于{topic}工作进展情况的汇报，研究部署了下一阶段重点任务。",
    "{leader}要求，各相关单位要进一步细化工作措施，层层压实责任，确保按时保质完成任务。",
    "此次活动共发放宣传资料3000余份，现场解答群众咨询200余人次。",
    "截至目前，全市已累计完成投资12.6亿元，占年度计划的58.3%。",
    "检查组一行深入企业生产车间、施工现场，详细了解企业生产经营和安全管理情况。",
    "下一步，将持续加大工作力度，不断巩固和扩大工作成果，切实增强群众的获得感、幸福感、安全感。",
    "活动现场气氛热烈，参与群众纷纷表示受益匪浅。",
    "与会人员围绕工作中存在的困难和问题进行了深入交流。",
]

# (correct word, wrong word, sentence containing the correct word): 错别字.
TYPOS = [
    ("部署", "布署", "会议对下一阶段重点工作进行了安排部署。"),
    ("贯彻", "贯澈", "各地各部门要认真贯彻落实会议精神，结合实际抓好工作落实。"),
    ("再接再厉", "再接再励", "希望全体干部职工再接再厉，推动各项工作再上新台阶。"),
    ("一如既往", "一如继往", "我们将一如既往地支持企业发展壮大，持续优化服务。"),
    ("厉行节约", "历行节约", "各单位要厉行节约，坚决反对铺张浪费。"),
    ("按部就班", "按步就班", "改革不能按部就班，要敢于先行先试、大胆探索。"),
    ("脱颖而出", "脱颍而出", "经过层层选拔，12家单位在评选中脱颖而出。"),
    ("震撼", "震憾", "演出场面震撼，赢得现场观众阵阵掌声。"),
]

# (abolished name, current name) for 严重表述错误 (机构改革后仍使用旧名称).
ABOLISHED = [
    ("示例市环境保护局", "示例市生态环境局"),
    ("示例市国土资源局", "示例市自然资源和规划局"),
    ("示例市安全生产监督管理局", "示例市应急管理局"),
    ("示例市卫生和计划生育委员会", "示例市卫生健康委员会"),
    ("国家工商行政管理总局", "国家市场监督管理总局"),
    ("国家质量监督检验检疫总局", "国家市场监督管理总局"),
    ("示例市食品药品监督管理局", "示例市市场监督管理局"),
]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
# Given-name characters with a same-sounding look-alike, for misspelled leader names.
NAME_HOMOPHONES = {
    "建": "健", "明": "铭", "华": "桦", "军": "君", "伟": "炜", "平": "萍", "林": "琳",
    "志": "智", "文": "雯", "勇": "永", "峰": "锋", "涛": "滔", "斌": "彬", "辉": "晖",
    "刚": "钢", "杰": "洁", "东": "冬", "成": "诚", "红": "宏", "兵": "冰",
}
GIVEN_FIRST = list("国德志家玉永学海长东春宏庆立晓新振卫忠光少建俊")
GIVEN_LAST = list(NAME_HOMOPHONES)


STREETS = ["龙蟠大道", "丰乐路", "南谯北路", "琅琊路", "紫薇中路", "会峰路", "天长东路", "清流路"]


def person_name(rng: random.Random, used: set[str] | None = None) -> str:
    """A fictional official's name whose last character has a homophone (see misspell)."""
    for _ in range(100):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_LAST)
        if used is None or name not in used:
            if used is not None:
                used.add(name)
            return name
    raise RuntimeError("name bank exhausted")


def misspell(name: str) -> str:
    return name[:-1] + NAME_HOMOPHONES[name[-1]]


def masked_person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "**"


def topic(rng: random.Random) -> str:
    return rng.choice(TOPICS)


def _fill(s: str, top: str, leader: str = "主要负责同志") -> str:
    return s.replace("{topic}", top).replace("{leader}", leader)


def news_title(rng: random.Random, unit_short: str, top: str) -> str:
    pattern = rng.randrange(6)
    if pattern == 0:
        return f"{unit_short}{rng.choice(NEWS_VERBS[:1])}{top}{rng.choice(MEETINGS)}"
    if pattern == 1:
        return f"{unit_short}扎实推进{top}工作"
    if pattern == 2:
        return f"{unit_short}开展{top}专项行动"
    if pattern == 3:
        return f"{unit_short}召开{top}工作会议"
    if pattern == 4:
        return f"{top}工作取得阶段性成效"
    return f"{unit_short}组织开展{top}集中宣传活动"


def notice_title(rng: random.Random, top: str, year: int) -> str:
    pattern = rng.randrange(5)
    if pattern == 0:
        return f"关于做好{year}年{top}工作的通知"
    if pattern == 1:
        return f"关于开展{top}专项检查的通知"
    if pattern == 2:
        return f"关于{top}有关事项的公告"
    if pattern == 3:
        return f"关于进一步加强{top}工作的通知"
    return f"关于印发{year}年{top}工作要点的通知"


def policy_title(rng: random.Random, unit: str, top: str) -> tuple[str, str]:
    """(document title, the 《…》 name of the policy it issues)."""
    pattern = rng.randrange(4)
    if pattern == 0:
        name = f"《{CITY}{top}实施方案》"
        return f"{unit}关于印发{name}的通知", name
    if pattern == 1:
        name = f"《{CITY}关于进一步加强{top}工作的实施意见》"
        return f"{unit}关于进一步加强{top}工作的实施意见", name
    if pattern == 2:
        name = f"《{CITY}{top}三年行动计划（2022—2024年）》"
        return f"{unit}关于印发{name}的通知", name
    name = f"《{CITY}{top}管理办法》"
    return f"{unit}关于印发{name}的通知", name


def official_paragraphs(rng: random.Random, top: str, n_sections: int = 3) -> list[str]:
    """A 通知 body: opening, numbered sections, closing."""
    paras = [
        f"为深入贯彻落实{rng.choice(HIGHER)}关于{top}工作的决策部署，根据{rng.choice(LAWS)}"
        f"等有关规定，结合我市实际，现将有关事项通知如下：",
    ]
    heads = rng.sample(SECTION_HEADS, n_sections)
    numerals = "一二三四五六七八九十"
    for i, head in enumerate(heads):
        body = "".join(_fill(s, top) for s in rng.sample(SENTENCES, 2))
        paras.append(f"{numerals[i]}、{head}。{body}")
    paras.append("特此通知。")
    return paras


def news_paragraphs(rng: random.Random, date_cn: str, unit: str, top: str,
                    leader: str) -> list[str]:
    paras = [f"{date_cn}，{unit}{rng.choice(['召开', '举行'])}{top}{rng.choice(MEETINGS)}，"
             f"总结前一阶段工作，安排部署下一阶段任务。"]
    for s in rng.sample(NEWS_SENTENCES, 3):
        paras.append(_fill(s, top, leader))
    return paras


def interpretation_paragraphs(rng: random.Random, doc_name: str, top: str) -> list[str]:
    return [
        f"一、起草背景。为贯彻落实{rng.choice(HIGHER)}关于{top}的部署要求，市政府研究制定了{doc_name}。",
        f"二、主要内容。{doc_name}共分为总体要求、重点任务和保障措施三个部分，"
        f"明确了{top}的目标任务和责任分工。",
        "三、创新举措。" + _fill(rng.choice(SENTENCES), top),
        "四、解读机关及联系方式。解读机关为文件起草部门，联系电话详见文末。",
    ]


def date_cn(d) -> str:
    return f"{d.month}月{d.day}日"
