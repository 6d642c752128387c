"""A one-page, print-ready HTML briefing of a country profile, for a minister.

The page is self-contained: inline CSS, an inline SVG chart, no script and no link or image that
loads anything; sources are printed as text. Every value from data is HTML-escaped. Illustrative
ratings and synthetic ground data are labelled at the top of the page and again where they appear
(only when the country's ground records are, all or in part, synthetic); the sources list names the
sources and licences the ground records come from. The page holds figures, never an imported
feature's submission id or other columns.
"""

from __future__ import annotations

import html

import pandas as pd

from asmgeo.domain import ground, mpf
from asmgeo.domain.profile import Profile, facts_table, items_table
from asmgeo.i18n import date, number, t
from asmgeo.provenance import DEMO_SOURCE, provenance_label, sources_text
from asmgeo.schema import format_survey_date
from asmgeo.shipped import reference

KEY_FIGURES = ("sites", "licensed_share", "workers", "women_share", "mercury_use_share", "annex_c_share",
               "mercury_kg_per_year", "tailings", "tailings_mercury_share", "tailings_cyanide_share",
               "latest_visit", "visited_12m_share")
BAR_COLOURS = {"area": "#2c7fb8", "pillar": "#253494", "peers": "#7fcdbb", "regional": "#bdbdbd"}
CSS = """
@page { size: A4; margin: 9mm 10mm; }
* { box-sizing: border-box; }
body { font: 7.9pt/1.22 "Helvetica Neue", Arial, sans-serif; color: #111; margin: 0; }
h1 { font-size: 13pt; margin: 0 0 1px 0; }
h2 { font-size: 9pt; margin: 5px 0 2px 0; border-bottom: 1px solid #999; }
p { margin: 1px 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0 3px; border-bottom: 1px solid #ddd; }
th { font-weight: 600; }
.meta { color: #444; }
.label { font-weight: 700; padding: 2px 6px; margin: 2px 0; border: 2px solid; }
.illustrative { color: #8a4b00; border-color: #d98c00; background: #fff4dc; }
.demo-data { color: #5b2a86; border-color: #8c6bb1; background: #f3eef8; }
.columns { display: flex; gap: 10px; }
.columns > div { flex: 1 1 50%; min-width: 0; }
.small { font-size: 7.1pt; color: #333; }
ol, ul { margin: 1px 0; padding-left: 14px; }
@media print { .columns { break-inside: avoid; } }
"""


def briefing_html(profile: Profile, lang: str = "en") -> str:
    """The profile as one A4 HTML page: record, chart, ground, policy beside ground, facts, sources."""
    if not isinstance(profile, Profile):
        raise ValueError(f"profile must be an asmgeo.domain.profile.Profile, not {type(profile).__name__}")
    record = profile.record
    title = t("briefing.title", lang, country=profile.name, iso3=profile.iso3)
    labels = []
    if record.illustrative:
        labels.append(f'<p class="label illustrative">{_e(t("briefing.illustrative", lang))}</p>')
    if profile.synthetic:
        labels.append(f'<p class="label demo-data">{_e(_synthetic_text(profile, lang))}</p>')
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(_meta(profile, lang))}</p>',
        *labels,
        '<div class="columns"><div>', _record_section(profile, lang), "</div><div>",
        _chart(profile, lang), "</div></div>",
        '<div class="columns"><div>', _items_section(profile, lang), "</div><div>",
        _ground_section(profile, lang), "</div></div>",
        _policy_section(profile, lang),
        _facts_section(profile, lang),
        _sources_section(profile, lang),
    ]
    return (f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")


def _synthetic_text(profile: Profile, lang: str) -> str:
    """What the page says of the synthetic ground records: all of them, or which part."""
    if profile.synthetic_extent == "some":
        return t("briefing.synthetic_some", lang, source=provenance_label(DEMO_SOURCE, lang))
    return t("briefing.synthetic", lang)


def _e(value: object) -> str:
    """HTML-escaped text ("" for missing)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def _meta(profile: Profile, lang: str) -> str:
    """Data date, preparation date and region."""
    data_date = (format_survey_date(profile.data_date, profile.data_date_precision, lang, "medium")
                 if profile.data_date else t("ground.no_record", lang))
    try:
        region = t(f"region.{profile.region}", lang)
    except KeyError:
        region = profile.region or ""
    return t("briefing.meta", lang, data_date=data_date, today=date(profile.today, lang), region=region)


def _table(header: list[str], rows: list[list[object]], css: str = "") -> str:
    """An escaped HTML table."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    cells = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>'


def _pct(value: float | None, lang: str = "en") -> str:
    """A % with one decimal written for ``lang``, or a dash."""
    return "–" if value is None or pd.isna(value) else f"{number(value, lang, 1)} %"


def _record_section(profile: Profile, lang: str) -> str:
    """% implemented per area and for the pillar, the rule, the assessment and the region."""
    record = profile.record
    status = t(f"mpf.status.{'illustrative' if record.illustrative else 'official'}", lang)
    rows = [[t(f"mpf.area.{s}", lang) if s != mpf.PILLAR else t("profile.pillar", lang), _pct(record.pct[s], lang),
             number(record.items_rated[s], lang)] for s in (*mpf.AREAS, mpf.PILLAR)]
    parts = [f"<h2>{_e(t('profile.record', lang))}</h2>"]
    if not record.rated:
        parts.append(f"<p>{_e(t('profile.no_ratings', lang))}</p>")
    else:
        parts.append(_table([t("profile.col.scope", lang), t("profile.col.pct", lang), t("profile.col.items", lang)], rows))
        parts.append(f'<p class="small">{_e(t("profile.year_status", lang, year=record.year, status=status))} '
                     f'{_e(t("home.rule", lang, rule=t("mpf.rule", lang)))}</p>')
    if record.assessment:
        a = record.assessment
        text = t("profile.assessment", lang, period=reference.date_text(a.get("assessment_period") or "", lang) or "–",
                 date=reference.date_text(a.get("report_date") or "", lang) or "–",
                 status=reference.date_status_label(a.get("report_date_status") or "", lang) or "–")
        parts.append(f'<p class="small">{_e(text)}</p>')
    if profile.regional_average:
        avg = profile.regional_average
        region = t(f"region.{avg['region']}", lang)
        text = t("profile.regional_average", lang, pct=number(avg["implementation_pct"], lang), region=region,
                 countries=number(avg["countries_assessed"], lang))
        parts.append(f'<p class="small">{_e(text)}</p>')
    return "".join(parts)


def _chart(profile: Profile, lang: str) -> str:
    """A static SVG bar chart: the three areas, the pillar, the region's peers and the seed's average."""
    record = profile.record
    bars = [(t(f"mpf.area.{s}", lang).split(" ")[0], record.pct[s], "area") for s in mpf.AREAS]
    bars.append((t("profile.pillar", lang), record.pct[mpf.PILLAR], "pillar"))
    peer_pct = pd.to_numeric(profile.peers["pct"], errors="coerce").dropna() if len(profile.peers) else pd.Series(dtype=float)
    if len(peer_pct):
        bars.append((t("briefing.chart.peers", lang), float(peer_pct.mean()), "peers"))
    if profile.regional_average:
        bars.append((t("briefing.chart.regional", lang), float(profile.regional_average["implementation_pct"]), "regional"))
    width, bar_h, gap, left = 330, 12, 4, 118
    height = len(bars) * (bar_h + gap) + 8
    parts = [f'<svg width="{width}" height="{height}" role="img" '
             f'aria-label="{_e(t("briefing.chart.title", lang))}" font-size="9" font-family="sans-serif">']
    for i, (label, value, kind) in enumerate(bars):
        y = 4 + i * (bar_h + gap)
        length = 0 if value is None or pd.isna(value) else (width - left - 40) * float(value) / 100
        parts.append(f'<text x="{left - 4}" y="{y + bar_h - 3}" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{BAR_COLOURS[kind]}"/>')
        parts.append(f'<text x="{left + length + 3:.1f}" y="{y + bar_h - 3}">{_e(_pct(value, lang))}</text>')
    axis_y = height - 4
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - 40}" y2="{axis_y}" stroke="#666"/>')
    parts.append("</svg>")
    caption = [t("briefing.chart.title", lang)]
    if profile.record.illustrative or (len(profile.peers) and profile.peers["illustrative"].fillna(False).any()):
        caption.append(t("map.legend.illustrative", lang))
    if profile.regional_average:
        caption.append(t("briefing.chart.regional_note", lang))
    return f"<h2>{_e(t('briefing.chart.heading', lang))}</h2>{''.join(parts)}<p class=\"small\">{_e(' '.join(caption))}</p>"


def _items_section(profile: Profile, lang: str) -> str:
    """Each item's rating and the report's word."""
    items = items_table(profile.record, lang)
    rows = [[row.item, row.rating, row.rating_word] for row in items.itertuples()]
    header = [t("profile.col.item", lang), t("profile.col.rating", lang), t("profile.col.word", lang)]
    return f"<h2>{_e(t('profile.items', lang))}</h2>{_table(header, rows, 'small')}"


def _ground_section(profile: Profile, lang: str) -> str:
    """Key ground figures with the records each rests on."""
    rows = [[ground.figure_label(k, lang), ground.figure_value(profile.figures[k], lang),
             ground.figure_basis(profile.figures[k], lang)] for k in KEY_FIGURES]
    header = [t("profile.col.figure", lang), t("profile.col.value", lang), t("profile.col.basis", lang)]
    note = f'<p class="small">{_e(_synthetic_text(profile, lang))}</p>' if profile.synthetic else ""
    return f"<h2>{_e(t('profile.ground', lang))}</h2>{_table(header, rows, 'small')}{note}"


def _policy_section(profile: Profile, lang: str) -> str:
    """The seven recommendations beside the related ratings and ground figures."""
    rows = [[row.recommendation, row.items, row.ground] for row in profile.policy.itertuples()]
    header = [t("profile.col.recommendation", lang), t("profile.col.items_ratings", lang), t("profile.col.ground", lang)]
    return (f"<h2>{_e(t('profile.policy', lang))}</h2><p class=\"small\">{_e(t('profile.policy_note', lang))}</p>"
            f"{_table(header, rows, 'small')}")


def _facts_section(profile: Profile, lang: str) -> str:
    """Cited reference facts with year, status and source."""
    facts = facts_table(profile.facts, lang)
    if facts.empty:
        return f"<h2>{_e(t('profile.facts', lang))}</h2><p class=\"small\">{_e(t('profile.no_facts', lang))}</p>"
    rows = [[r.indicator, r.figure, r.year, r.status, r.source] for r in facts.itertuples()]  # figures in lang
    header = [t("profile.col.indicator", lang), t("profile.col.value", lang), t("profile.col.year", lang),
              t("profile.col.status", lang), t("profile.col.source", lang)]
    return f"<h2>{_e(t('profile.facts', lang))}</h2>{_table(header, rows, 'small')}"


def _sources_section(profile: Profile, lang: str) -> str:
    """Every source as text (no link: the page loads nothing)."""
    record = profile.record
    items = []
    if record.assessment:
        items.append(t("briefing.source.report", lang, url=record.assessment.get("source_url", "")))
    for source in sorted(set(record.ratings["source"].dropna().astype(str))) if record.rated else []:
        items.append(t("briefing.source.ratings", lang, source=provenance_label(source, lang)))
    if profile.regional_average:
        items.append(t("briefing.source.regional", lang, source=profile.regional_average["source"]))
    for row in profile.facts.drop_duplicates(["source", "source_url"]).itertuples():
        items.append(t("briefing.source.fact", lang, source=row.source, url=row.source_url))
    if profile.ground_sources:
        items.append(t("briefing.source.ground_from", lang,
                       sources=sources_text(list(profile.ground_sources), lang, licences=True)))
    else:
        items.append(t("briefing.source.ground", lang))
    listed = "".join(f"<li>{_e(item)}</li>" for item in items)
    return f"<h2>{_e(t('briefing.sources', lang))}</h2><ul class=\"small\">{listed}</ul>"
