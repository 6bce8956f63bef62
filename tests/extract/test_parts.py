"""Lists, columns, footer, messages and page types on small realistic page fragments."""

from __future__ import annotations

from datetime import datetime

from govinspect.extract import extract_page
from govinspect.extract.columns import category

ANCHOR = datetime(2022, 6, 30, 17, 0)


def _page(body: str, title: str = "通知公告_示例市人民政府", head: str = "") -> bytes:
    return (f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
            ).encode()


LIST = """<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>
<ul class="list">{items}</ul>
<div class="page"><a href="index_1.html">下一页</a><a href="index_9.html">尾页</a></div>"""
ITEM = '<li><a href="./202206/t202206{d:02d}_{d}.html" title="关于{d}号事项的通知">关于{d}号事项的通知</a><span>2022-06-{d:02d}</span></li>'


def test_list_page_items_pagination_and_column():
    body = LIST.format(items="".join(ITEM.format(d=d) for d in range(1, 21)))
    facts = extract_page(_page(body), "http://www.example.gov.cn/zwgk/tzgg/index.html", ANCHOR)
    assert facts.page_type == "list"
    assert len(facts.list_items) == 20
    assert facts.list_items[0].url == "http://www.example.gov.cn/zwgk/tzgg/202206/t20220601_1.html"
    assert facts.list_items[-1].date == "2022-06-20"
    assert facts.pagination == ("http://www.example.gov.cn/zwgk/tzgg/index_1.html",
                                "http://www.example.gov.cn/zwgk/tzgg/index_9.html")
    assert facts.column_name == "通知公告" and facts.column_category == "通知公告"
    assert facts.blank_column is False


def test_blank_column():
    body = '<div>当前位置：首页 &gt; 人事信息</div><div class="list">暂无信息</div>'
    facts = extract_page(_page(body, "人事信息_示例市人民政府"),
                         "http://www.example.gov.cn/zwgk/rsxx/", ANCHOR)
    assert facts.page_type == "list"
    assert facts.blank_column is True
    assert facts.column_category == "人事"


def test_column_categories_from_data_file():
    assert category("政策解读") == "政策解读"
    assert category("县政府文件") == "政策文件"
    assert category("市长信箱") == "留言咨询"
    assert category("政府信息公开指南") == "信息公开指南"
    assert category("乡镇动态") == "动态要闻"
    assert category("友情链接") is None


FOOTER = """<div class="footer">
<a href="http://bszs.conac.cn/sitename?method=show&id=1"><img src="red.png"></a>
<p>主办单位：示例市人民政府办公室 承办：示例市大数据中心</p>
<p>网站标识码：3401000001 <a href="https://beian.miit.gov.cn">皖ICP备05001234号-1</a>
皖公网安备 34010002000001号</p><p><a href="/lxwm/">联系我们</a></p>
<span id="_span_jiucuo"><a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3401000001">
<img src="jiucuo.png" alt="我为政府网站找错"></a></span></div>"""


def test_footer_identity_present():
    facts = extract_page(_page("<h1>首页</h1>" + FOOTER), "http://www.example.gov.cn/", ANCHOR)
    f = facts.footer
    assert f.dzjg and f.contact and f.zhaocuo
    assert f.site_id_code == "3401000001"
    assert f.icp == "皖ICP备05001234号-1"
    assert f.psb == "皖公网安备 34010002000001号"
    assert f.sponsor == "示例市人民政府办公室"
    assert facts.page_type == "home"


def test_footer_identity_missing():
    bare = '<div class="footer"><p>版权所有：示例市人民政府</p></div>'
    f = extract_page(_page("<h1>首页</h1>" + bare), "http://www.example.gov.cn/", ANCHOR).footer
    assert not (f.dzjg or f.contact or f.zhaocuo or f.icp or f.psb or f.site_id_code or f.sponsor)


MESSAGES = """<div class="crumb">首页 &gt; 互动交流 &gt; 县长信箱</div><table>{rows}</table>"""
MSG = """<tbody><tr><td><a href="/hdjl/{n}.html">关于小区路灯不亮的问题{n}</a></td></tr>
<tr><td>留言时间：2022-05-{n:02d}</td><td>答复时间：2022-06-{n:02d}</td>
<td>答复单位：示例市城市管理局</td><td>已答复</td></tr></tbody>"""


def test_message_list():
    body = MESSAGES.format(rows="".join(MSG.format(n=n) for n in range(1, 6)))
    facts = extract_page(_page(body, "县长信箱_示例县人民政府"),
                         "http://www.example.gov.cn/hdjl/xzxx/", ANCHOR)
    assert facts.page_type == "message_list"
    assert len(facts.messages) == 5
    m = facts.messages[0]
    assert (m.title, m.asked_at, m.answered_at, m.replier, m.status) == (
        "关于小区路灯不亮的问题1", "2022-05-01", "2022-06-01", "示例市城市管理局", "已答复")
    assert facts.column_category == "留言咨询"


POLICY = """<table class="xxgk"><tr><td>索引号：</td><td>11340100003/2022-00012</td>
<td>发布机构：</td><td>示例市人民政府办公室</td></tr>
<tr><td>成文日期：</td><td>2022年06月20日</td><td>发文字号：</td><td>示政办〔2022〕 7号</td></tr>
<tr><td>发布日期：</td><td>2022年06月22日</td></tr></table>
<h1>示例市人民政府办公室关于印发示例市政务公开工作要点的通知</h1>
<div class="TRS_Editor"><p>各县、区人民政府，市政府各部门：</p><p>{text}</p>
<p>示例市人民政府办公室</p><p>2022年6月20日</p></div>
<a href="/att/P020220622.pdf">附件：工作要点.pdf</a>
<a href="/zcjd/202206/t20220623_2.html">《示例市政务公开工作要点》政策解读</a>"""


def test_policy_document():
    body = POLICY.format(text="现将《示例市政务公开工作要点》印发给你们，请认真贯彻执行。" * 5)
    facts = extract_page(_page(body, "关于印发示例市政务公开工作要点的通知"),
                         "http://www.example.gov.cn/zwgk/zcwj/202206/t20220622_1.html", ANCHOR)
    assert facts.page_type == "policy"
    assert (facts.pub_date, facts.written_date) == ("2022-06-22", "2022-06-20")
    assert facts.doc_number_normalized == "示政办〔2022〕7号"
    assert facts.doc_number_problems == ("文号含多余空格",)
    assert facts.index_no == "11340100003/2022-00012"
    assert facts.issuer == "示例市人民政府办公室"
    assert [a.text for a in facts.attachments] == ["附件：工作要点.pdf"]
    assert facts.interpretation_links[0].url.endswith("t20220623_2.html")


def test_error_page():
    facts = extract_page(_page("<h1>404</h1><p>您访问的页面不存在</p>", "404 Not Found"),
                         "http://www.example.gov.cn/x.html", ANCHOR)
    assert facts.page_type == "error"


def test_decode_memo_never_serves_another_input():
    """decode remembers its last bytes object (extraction and the page rules decode the same
    page in turn); a mutable buffer, other headers or equal bytes elsewhere are decoded anew."""
    from govinspect.extract.encoding import decode

    gbk = "<meta charset='gbk'><p>政府网站</p>".encode("gbk")
    assert decode(gbk)[0] == decode(gbk)[0] == "<meta charset='gbk'><p>政府网站</p>"
    assert decode(gbk)[1] == "gbk"
    assert decode(gbk, {"Content-Type": "text/html; charset=big5"})[1] == "big5"
    buf = bytearray("<p>第一</p>".encode())
    assert decode(buf)[0] == "<p>第一</p>"
    buf[3:9] = "第二".encode()
    assert decode(buf)[0] == "<p>第二</p>"
    assert decode(bytes(buf))[0] == "<p>第二</p>"
