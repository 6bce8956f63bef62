"""The fictional city 示例市: who runs which site, on which host.

Shaped like the seed round (滁州市 2022Q2): one municipal portal, eight 县市区 portals,
42 department sites and two 专项 sites. The order below is the order in which ``sites=N``
keeps sites, chosen so that a small network still has every kind of site.
"""

from __future__ import annotations

from dataclasses import dataclass

from govinspect.core.types import SiteKind

CITY_DOMAIN = "shishi.gov.cn"


@dataclass(frozen=True)
class SiteSpec:
    slug: str
    name: str  # 网站名称
    unit: str  # 主办单位
    short: str  # how the unit names itself in news titles
    kind: SiteKind
    region: str
    host: str
    code: str
    aliases: tuple[str, ...] = ()


COUNTIES = [
    # (name, pinyin, region code)
    ("东湖区", "donghu", "341102"),
    ("南岭区", "nanling", "341103"),
    ("青山县", "qingshan", "341122"),
    ("白石县", "baishi", "341124"),
    ("安平县", "anping", "341125"),
    ("永宁县", "yongning", "341126"),
    ("临江市", "linjiang", "341181"),
    ("丰泽市", "fengze", "341182"),
]

DEPARTMENTS = [
    # (unit name without the city, short, subdomain)
    ("发展和改革委员会", "市发展改革委", "fgw"),
    ("教育体育局", "市教体局", "jyj"),
    ("科学技术局", "市科技局", "kjj"),
    ("经济和信息化局", "市经信局", "jxj"),
    ("公安局", "市公安局", "gaj"),
    ("民政局", "市民政局", "mzj"),
    ("司法局", "市司法局", "sfj"),
    ("财政局", "市财政局", "czj"),
    ("人力资源和社会保障局", "市人社局", "rsj"),
    ("自然资源和规划局", "市自然资源和规划局", "zrzyj"),
    ("生态环境局", "市生态环境局", "sthjj"),
    ("住房和城乡建设局", "市住建局", "zjj"),
    ("交通运输局", "市交通运输局", "jtj"),
    ("水利局", "市水利局", "slj"),
    ("农业农村局", "市农业农村局", "nyncj"),
    ("商务局", "市商务局", "swj"),
    ("文化和旅游局", "市文旅局", "wlj"),
    ("卫生健康委员会", "市卫健委", "wjw"),
    ("退役军人事务局", "市退役军人事务局", "tyjrj"),
    ("应急管理局", "市应急管理局", "yjj"),
    ("审计局", "市审计局", "sjj"),
    ("人民政府国有资产监督管理委员会", "市国资委", "gzw"),
    ("市场监督管理局", "市市场监管局", "scjgj"),
    ("统计局", "市统计局", "tjj"),
    ("医疗保障局", "市医保局", "ybj"),
    ("林业局", "市林业局", "lyj"),
    ("城市管理局", "市城管局", "cgj"),
    ("数据资源管理局", "市数据资源局", "sjzyj"),
    ("信访局", "市信访局", "xfj"),
    ("人民防空办公室", "市人防办", "rfb"),
    ("机关事务管理局", "市机关事务局", "jgswj"),
    ("地方金融监督管理局", "市金融监管局", "jrj"),
    ("投资促进局", "市投资促进局", "tcj"),
    ("住房公积金管理中心", "市住房公积金中心", "gjj"),  # non-compliant domain, see below
    ("民族宗教事务局", "市民宗局", "mzzjj"),
    ("档案馆", "市档案馆", "daj"),
    ("粮食和物资储备局", "市粮食和储备局", "lsj"),
    ("供销合作社联合社", "市供销社", "gxs"),
    ("政务服务管理局", "市政务服务局", "zwfwj"),
    ("人民政府外事办公室", "市外事办", "wsb"),
    ("公共资源交易监督管理局", "市公管局", "ggj"),
    ("人民政府研究室", "市政府研究室", "yjs"),
]

# The department whose site sits on a non-.gov.cn domain (W-D20 域名不规范).
NONCOMPLIANT_DOMAIN = {"gjj": "www.ssgjj.com"}

SPECIALS = [
    ("示例市政务服务网", "示例市政务服务管理局", "市政务服务局", "zwfw"),
    ("示例市公共信用信息网", "示例市发展和改革委员会", "市发展改革委", "credit"),
]


def all_specs() -> list[SiteSpec]:
    """Every site of the full city, in ``sites=N`` order."""
    portal = SiteSpec("shishi", "示例市人民政府", "示例市人民政府办公室", "市政府",
                      SiteKind.PORTAL, "市直", f"www.{CITY_DOMAIN}", "3411000001",
                      aliases=(CITY_DOMAIN,))
    counties = [
        SiteSpec(py, f"{name}人民政府", f"{name}人民政府办公室", name, SiteKind.PORTAL, name,
                 f"www.{py}.gov.cn", f"{region}0001")
        for name, py, region in COUNTIES
    ]
    depts = []
    for i, (unit, short, sub) in enumerate(DEPARTMENTS):
        full = f"示例市{unit}"
        host = NONCOMPLIANT_DOMAIN.get(sub, f"{sub}.{CITY_DOMAIN}")
        depts.append(SiteSpec(sub, full, full, short, SiteKind.DEPARTMENT, "市直", host,
                              f"34110000{i + 2:02d}"))
    specials = [
        SiteSpec(sub, name, unit, short, SiteKind.SPECIAL, "市直", f"{sub}.{CITY_DOMAIN}",
                 f"341100{90 + i:04d}")
        for i, (name, unit, short, sub) in enumerate(SPECIALS)
    ]
    # A small network keeps: portal, a county, two departments, a 专项 site, then the rest.
    head = [portal, counties[0], depts[0], depts[1], specials[0]]
    rest = counties[1:] + depts[2:] + specials[1:]
    # Interleave the rest so that sites=10 or 20 still mixes kinds.
    rest.sort(key=lambda s: (_rank(s), s.code))
    return head + rest


def _rank(s: SiteSpec) -> int:
    # counties every ~5th place: rank by position within its kind, scaled
    if s.kind == SiteKind.PORTAL:
        return int(s.code[4:6]) * 5  # 02 → 10, 03 → 15, 22 → 110 …
    if s.kind == SiteKind.SPECIAL:
        return 30
    return int(s.code[-2:]) * 2


# Hosts outside the city: national and provincial sites that links may point to, the
# registries the footer links to. Served with a small page for any path.
EXTERNAL_SITES = [
    ("www.gov.cn", "中国政府网"),
    ("www.ah.gov.cn", "安徽省人民政府"),
    ("bszs.conac.cn", "党政机关网站标识管理"),
    ("beian.miit.gov.cn", "ICP/IP地址/域名信息备案管理系统"),
    ("www.beian.gov.cn", "全国互联网安全管理服务平台"),
    ("zfwzgl.www.gov.cn", "我为政府网站找错"),
    ("www.xinhuanet.com", "新华网"),
]

# Hosts of the hidden spam links (暗链): served, so they are not broken links as well.
SPAM_HOSTS = ["www.ylc88-vip.com", "www.bet365-cn.cc", "www.hg-casino.net"]

# Hosts that once existed and are gone: dead outbound links point here (never resolved).
DEAD_HOSTS = [
    "www.shishihbj.gov.cn",  # the old 环境保护局 site, closed in the 2019 reform
    "www.ssgtzy.gov.cn",
    "zwgk.shishi.com.cn",
    "www.shishi-expo2018.cn",
]
