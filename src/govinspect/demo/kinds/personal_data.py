"""Personal information (W-V1): ID numbers on 人事 pages and private mobiles in notices, with
their look-alikes (a bad check digit, masked numbers, a landline, a 文号) on the same pages, and
the same data inside attachments (XLSX, DOCX, PDF)."""

from __future__ import annotations

import random

from govinspect.demo import text as tx
from govinspect.demo.kinds.base import KindPlugin
from govinspect.demo.plan import PlanBuilder, mobile_number, personal_id


def plant(b: PlanBuilder, rng: random.Random) -> None:
    for plan in b.sites_for(b.many(0.1, 1)):
        for it in b.pick_items(plan, ("rsxx",)):
            pid = personal_id(rng, valid=True)
            person = tx.person_name(rng)
            para = f"拟聘用人员：{person}，女，身份证号码：{pid}，大学本科学历。"
            e = b.text_entry("personal_id", "W-V1", plan, it, pid)
            b.put(it, para, pid, e, at=1)
            bad = personal_id(rng, valid=False)
            para = f"拟聘用人员：{tx.person_name(rng)}，男，准考证号：{bad}，硕士研究生学历。"
            e = b.text_entry("lookalike_bad_checksum_id", "W-V1", plan, it, bad,
                             negative=True)
            b.put(it, para, bad, e, at=2)
            masked = pid[:4] + "*" * 10 + pid[-4:]
            para = f"拟聘用人员：{person}（身份证号{masked}）已通过体检和考察。"
            e = b.text_entry("lookalike_masked_id", "W-V1", plan, it, masked,
                             negative=True)
            b.put(it, para, masked, e, at=3)
    for plan in b.sites_for(b.many(0.1, 1)):
        for it in b.pick_items(plan, ("tzgg",)):
            mobile = mobile_number(rng)
            # A leak as GI-P001 defines it: a private person's mobile beside their
            # personal data (a notice's 联系人/联系电话 is a work contact, published on purpose).
            para = (f"城乡低保新增对象公示：户主{tx.person_name(rng)}，性别男，家庭人口"
                    f"{rng.randint(2, 5)}人，手机号码：{mobile}。")
            e = b.text_entry("mobile_number", "W-V1", plan, it, mobile)
            b.put(it, para, mobile, e)
            masked = mobile[:3] + "****" + mobile[-4:]
            para = f"中奖用户：{tx.masked_person(rng)}，手机号{masked}，请于5个工作日内领取。"
            e = b.text_entry("lookalike_masked_mobile", "W-V1", plan, it, masked,
                             negative=True)
            b.put(it, para, masked, e)
            land = f"0550-{rng.randint(3000000, 3999999)}"
            para = f"咨询电话：{land}（工作日8:30—17:30）。"
            e = b.text_entry("lookalike_landline", "W-V1", plan, it, land,
                             negative=True)
            b.put(it, para, land, e)
            num = f"示政办〔2022〕{rng.randint(100, 199)}号"
            para = f"请各单位按照{num}文件要求，于6月30日前报送工作总结。"
            e = b.text_entry("lookalike_doc_number", "W-V1", plan, it, num,
                             negative=True)
            b.put(it, para, num, e, at=1)
    # personal data inside attachments
    for plan in b.sites_for(b.many(0.06, 1)):
        for it in b.pick_items(plan, ("rsxx",)):
            pid = personal_id(rng, valid=True)
            rows = [["序号", "姓名", "性别", "身份证号码", "岗位"],
                    ["1", tx.person_name(rng), "男", pid, "综合管理岗"]]
            path = b.attach(plan, it, "xlsx", "拟聘用人员名单", rows)
            b.entry("personal_id_in_attachment", "W-V1", plan,
                    b.url(plan.site.host, path),
                    parent_url=b.url(plan.site.host, it.path), text=pid,
                    location="Sheet1!D2", attachment_type="xlsx")
    for plan in b.sites_for(b.many(0.06, 1)):
        for it in b.pick_items(plan, ("tzgg",)):
            mobile = mobile_number(rng)
            lines = ["高龄津贴发放对象公示", "以下人员经审核符合条件，现予公示。",
                     f"申请人：{tx.person_name(rng)}，性别：女，手机号码：{mobile}"]
            ext = rng.choice(["docx", "pdf"])
            path = b.attach(plan, it, ext, "发放对象公示", None, lines)
            b.entry("mobile_in_attachment", "W-V1", plan, b.url(plan.site.host, path),
                    parent_url=b.url(plan.site.host, it.path), text=mobile,
                    location="paragraph 3" if ext == "docx" else "page 1",
                    attachment_type=ext)


PLUGIN = KindPlugin(
    "personal_data",
    kinds=("personal_id", "lookalike_bad_checksum_id", "lookalike_masked_id", "mobile_number",
           "lookalike_masked_mobile", "lookalike_landline", "lookalike_doc_number",
           "personal_id_in_attachment", "mobile_in_attachment"),
    plant=plant)
