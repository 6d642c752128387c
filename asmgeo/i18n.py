"""Every visible string goes through :func:`t`; English now, French and Spanish later."""

from __future__ import annotations

from string import Formatter

LANGUAGES = ("en",)
DEFAULT_LANGUAGE = "en"

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "app.title": "asmgeo — ASM sites and the MPF Pillar 6 record",
        "nav.home": "Overview map",
        "sidebar.language": "Language",
        "sidebar.data_status": "Data status",
        "sidebar.store": "Store: {location}",
        "sidebar.layer_count": "{layer}: {count} features",
        "sidebar.site_visits": "The sites layer holds one feature per visit; {sites} distinct sites.",
        "sidebar.demo_label": "Demo data: synthetic sites and illustrative Pillar 6 ratings.",
        "store.demo_built": "The store was empty, so a synthetic demo ({sites} sites) was built: {seconds:.1f} s.",
        "nav.explorer": "Map explorer",
        "nav.profiles": "Country profiles",
        "nav.upload": "Upload data",
        "explorer.title": "Map explorer",
        "explorer.url_warning": "Part of the link was ignored: {reason}",
        "explorer.notice": (
            "Sites are grouped into clusters until few enough are in view; click a cluster to zoom in. "
            "Draw a rectangle or polygon to summarise an area. Demo sites are synthetic and Pillar 6 "
            "ratings illustrative."
        ),
        "explorer.scope": "Scope",
        "explorer.scope.world": "World",
        "explorer.scope.region": "Region",
        "explorer.scope.country": "Country",
        "explorer.region": "Region",
        "explorer.country": "Country",
        "explorer.layers": "Layers",
        "explorer.pillar_scope": "Choropleth: Pillar 6 % implemented",
        "explorer.pillar_all": "Whole pillar",
        "explorer.site_style": "Colour sites by",
        "explorer.filters": "Filters",
        "explorer.filter.commodity": "Commodity",
        "explorer.filter.legal_status": "Legal status",
        "explorer.filter.practice_class": "Practice class",
        "explorer.filter.mercury_use": "Mercury use",
        "explorer.all": "All",
        "explorer.workers": "Workers (latest visit)",
        "explorer.dates": "Latest survey date",
        "explorer.raster_opacity": "Geology raster opacity",
        "explorer.area.title": "Drawn area",
        "explorer.area.hint": "Draw a rectangle or polygon on the map (tools at the top left) to see what lies inside it.",
        "explorer.area.workers": "Workers",
        "explorer.area.women": "Women",
        "explorer.area.download": "Download the features in this area (GeoPackage)",
        "explorer.area.count": "Count",
        "explorer.count.sites": "ASM sites",
        "explorer.count.mercury": "Mercury records",
        "explorer.count.tailings": "Tailings",
        "explorer.downloads": "Take the data away",
        "explorer.download.geojson": "Sites (GeoJSON)",
        "explorer.download.gpkg": "All layers (GeoPackage)",
        "explorer.download.csv": "Sites (CSV)",
        "explorer.download.html": "This map (offline HTML)",
        "explorer.export.date": "Exported on {date}.",
        "explorer.export.sources": (
            "Sources: country boundaries from Natural Earth (public domain); sites, mercury, tailings "
            "and geology from the asmgeo store, whose source column names each record's origin; "
            "Pillar 6 ratings as labelled."
        ),
        "home.title": "ASM sites and the MPF Pillar 6 record",
        "home.intro": (
            "The 14 countries assessed against the IGF Mining Policy Framework, coloured by the "
            "share of Pillar 6 (artisanal and small-scale mining) recommendations implemented, "
            "with ASM sites on top."
        ),
        "home.notice": (
            "Pillar 6 ratings shown here are illustrative, not official assessment results, and "
            "the ASM sites are a synthetic demo. Replace them with official ratings and field surveys."
        ),
        "home.rule": "% implemented: {rule}",
        "home.to_explorer": "Open the map explorer: every layer, filters, area summaries and downloads",
        "home.regional_title": "Regional averages of MPF implementation",
        "home.regional_caption": (
            "These averages cover all six MPF thematic areas, not Pillar 6 alone. Source: {source}."
        ),
        "home.col.region": "Region",
        "home.col.implementation_pct": "MPF implemented (%)",
        "home.col.scope": "Scope",
        "home.col.countries_assessed": "Countries assessed",
        "home.pillar_table": "Pillar 6 % implemented by country (illustrative)",
        "home.col.country": "Country",
        "home.col.pillar": "Pillar 6 (%)",
        "home.col.year": "Assessment year",
        "home.col.status": "Ratings",
        "region.africa": "Africa",
        "region.lac": "Latin America & Caribbean",
        "region.asia": "Asia",
        "mpf.rule": "yes = 1, partial = ½, no = 0; the mean over rated items, × 100",
        "mpf.status.illustrative": "illustrative",
        "mpf.status.official": "official",
        "mpf.area.6.1": "6.1 ASM in the legal system",
        "mpf.area.6.2": "6.2 ASM in the economic system",
        "mpf.area.6.3": "6.3 Social and environmental protections",
        "map.layer.countries": "Countries (Pillar 6 % implemented)",
        "map.layer.sites": "ASM sites",
        "map.layer.basemap": "Country outlines (offline)",
        "map.layer.osm": "OpenStreetMap (online only)",
        "map.legend.pillar": "Pillar 6 % implemented",
        "map.legend.not_assessed": "Not assessed",
        "map.legend.illustrative": "Illustrative ratings, not official",
        "map.legend.sites": "ASM site (synthetic demo)",
        "map.tooltip.country": "Country",
        "map.tooltip.pillar": "Pillar 6",
        "map.tooltip.status": "Ratings",
        "map.layer.mercury": "Mercury use (kg Hg per year)",
        "map.layer.tailings": "Tailings",
        "map.layer.geology_units": "Geological units (synthetic demo)",
        "map.layer.geology_raster": "Geology raster (synthetic demo)",
        "map.layer.imagery": "Satellite imagery (online only)",
        "map.legend.synthetic": "Synthetic demo data, not field observations",
        "map.legend.geology": "Geology (lithology)",
        "map.unit.sites": "sites",
        "map.unit.records": "records",
        "map.unit.tailings": "tailings",
        "map.unit.kg_per_year": "kg Hg/yr",
        "map.style.practice_class": "practice class",
        "map.style.legal_status": "legal status",
        "map.style.commodity": "commodity",
        "map.popup.practice_class": "Practice class",
        "map.popup.visits": "Visits",
        "map.popup.country": "Country",
        "map.popup.pillar": "Country's Pillar 6",
        "map.popup.profile": "Country profile →",
        "map.popup.synthetic": "Synthetic demo data: not a real site.",
        "map.popup.record_id": "Record",
        "map.popup.hg_kg_per_year": "Mercury (kg/yr)",
        "map.popup.amalgamation": "Amalgamation",
        "map.popup.retort": "Retort",
        "map.popup.burning": "Burning",
        "map.popup.tailings_id": "Tailings",
        "map.popup.status": "Status",
        "map.popup.volume_m3": "Volume (m³)",
        "map.popup.contains_mercury": "Contains mercury",
        "map.popup.contains_cyanide": "Contains cyanide",
        "map.popup.unit_id": "Unit",
        "map.popup.lithology": "Lithology",
        "map.popup.site_id": "Site",
        "map.popup.name": "Name",
        "map.popup.commodity": "Commodity",
        "map.popup.legal_status": "Legal status",
        "map.popup.workers": "Workers",
        "map.popup.women": "Women",
        "map.popup.mercury_use": "Mercury use",
        "map.popup.survey_date": "Latest visit",
        "map.popup.source": "Source",
        "value.commodity.gold": "Gold",
        "value.commodity.cassiterite": "Cassiterite (tin)",
        "value.commodity.coltan": "Coltan",
        "value.commodity.wolframite": "Wolframite (tungsten)",
        "value.commodity.diamond": "Diamond",
        "value.commodity.gemstones": "Gemstones",
        "value.commodity.copper": "Copper",
        "value.commodity.cobalt": "Cobalt",
        "value.commodity.construction_materials": "Construction materials",
        "value.commodity.other": "Other",
        "value.legal_status.licensed": "Licensed",
        "value.legal_status.in_process": "Licence in process",
        "value.legal_status.informal": "Informal",
        "value.legal_status.illegal": "Illegal",
        "value.legal_status.unknown": "Unknown",
        "value.mining_method.alluvial": "Alluvial",
        "value.mining_method.hard_rock": "Hard rock",
        "value.mining_method.tailings_reprocessing": "Tailings reprocessing",
        "value.mining_method.other": "Other",
        "value.yes_no.yes": "Yes",
        "value.yes_no.no": "No",
        "value.yes_no.unknown": "Unknown",
        "value.practice_class.good": "Good",
        "value.practice_class.acceptable": "Acceptable",
        "value.practice_class.poor": "Poor",
        "value.practice_class.unacceptable": "Unacceptable",
        "value.practice_class.unknown": "Not recorded",
        "value.tailings_status.active": "Active",
        "value.tailings_status.inactive": "Inactive",
        "value.tailings_status.abandoned": "Abandoned",
        "value.tailings_status.reprocessed": "Reprocessed",
        "value.amalgamation.whole_ore": "Whole-ore amalgamation",
        "value.amalgamation.concentrate": "Concentrate amalgamation",
        "value.amalgamation.none": "None",
        "value.amalgamation.unknown": "Unknown",
        "value.burning.open": "Open burning",
        "value.burning.residential": "Burning in residential areas",
        "value.burning.fume_hood": "Fume hood",
        "value.burning.none": "None",
        "value.burning.unknown": "Unknown",
        "value.practice.whole_ore_amalgamation": "Whole-ore amalgamation",
        "value.practice.open_burning": "Open burning of amalgam",
        "value.practice.residential_burning": "Burning amalgam in residential areas",
        "value.practice.cyanide_on_mercury_tailings": "Cyanide leaching of mercury-contaminated material",
        "value.practice.concentrate_amalgamation": "Amalgamation of concentrate only",
        "value.practice.retort": "Retort",
        "value.practice.gravity_concentration": "Gravity concentration",
        "value.practice.direct_smelting": "Direct smelting",
        "value.practice.cyanide_leaching": "Cyanide leaching (no mercury)",
        "geology.greenstone_belt": "Greenstone belt",
        "geology.granite_gneiss": "Granite and gneiss",
        "geology.metasediment": "Metasediment",
        "geology.volcanic": "Volcanic rocks",
        "geology.sedimentary_cover": "Sedimentary cover",
        "geology.laterite": "Laterite",
        "geology.alluvium": "Alluvium",
        "cli.demo_built": "Demo built in {path}: {counts} ({seconds:.1f} s).",
        "cli.layers_header": "{name:<15} {features:>9}  {geometry:<15} {source}  [{licence}]",
        "error.prefix": "Error",
        "cli.validate_summary": (
            "{file} ({layer}): {features} features, {accepted} accepted, {rejected} rejected; "
            "{errors} errors, {warnings} warnings."
        ),
        "issue.file_not_found": "There is no file at {path}.",
        "issue.file_too_large": (
            "{file} is {size_mb} MB, more than the {limit_mb} MB an upload may have; split it into smaller files."
        ),
        "issue.empty_file": "{file} holds no features.",
        "issue.unreadable_file": "{file} cannot be read: {reason}.",
        "issue.unsupported_format": (
            "{file} is not a file type asmgeo reads; upload GeoJSON, GeoPackage, a zipped Shapefile "
            "(one .zip with the .shp, .shx, .dbf and .prj), KML, KMZ or CSV."
        ),
        "issue.not_geographic": (
            "{file} has no geometry and no coordinate columns (longitude and latitude, WKT or a GPS point), "
            "so nothing in it can be placed on the map."
        ),
        "issue.several_layers": (
            "{file} holds several layers or files ({layers}) and none is called {layer}; upload one at a time."
        ),
        "issue.unknown_crs": (
            "{file} names the coordinate system {crs}, which asmgeo does not know; export it in "
            "longitude/latitude (EPSG:4326)."
        ),
        "issue.xml_doctype": (
            "{file} declares a DOCTYPE or ENTITY, which KML does not need and asmgeo refuses for safety; "
            "export the KML again without it."
        ),
        "issue.archive_unsafe_path": (
            "The archive {file} holds {member}, a path that leads outside the archive's folder; it was refused."
        ),
        "issue.archive_symlink": "The archive {file} holds a symbolic link ({member}); it was refused.",
        "issue.archive_too_many_members": "The archive {file} holds {count} files, more than the limit of {limit}.",
        "issue.archive_too_large": "The archive {file} unpacks to more than {limit_mb} MB, the limit; it was refused.",
        "issue.archive_no_data": "The archive {file} holds no GeoJSON, GeoPackage, Shapefile, KML or CSV file.",
        "issue.not_utf8": (
            "{file} is not UTF-8 text; it was read as {encoding}, so check accented letters in names and values."
        ),
        "issue.missing_column": "No column of the file matches the required field {field}, so every feature lacks it.",
        "issue.duplicate_column": "The columns {columns} all match the field {field}; {used} was used.",
        "issue.unused_columns": "These columns match no field of the {layer} layer and are not imported: {columns}.",
        "issue.malformed_feature": "This entry is not a GeoJSON Feature: {reason}.",
        "issue.missing_geometry": "The feature has no geometry, so it cannot be placed on the map.",
        "issue.unreadable_geometry": "The location \"{value}\" cannot be read as coordinates or a geometry.",
        "issue.wrong_geometry_type": "The geometry is a {geometry_type}, but the {layer} layer takes {allowed}.",
        "issue.multi_to_single": "The geometry is a {geometry_type} with one part; it was kept as a {single_type}.",
        "issue.z_dropped": "Heights (Z values) were dropped; only longitude and latitude are kept.",
        "issue.m_dropped": "Measures (M values) were dropped; only longitude and latitude are kept.",
        "issue.coordinates_not_finite": "The geometry has coordinates that are not numbers (NaN or infinity).",
        "issue.coordinates_out_of_range": (
            "The coordinates ({x}, {y}) are outside the longitude range −180 to 180 or the latitude range −90 to 90."
        ),
        "issue.projected_coordinates": (
            "The coordinates ({x}, {y}) look like metres in a projected coordinate system, but the file names none; "
            "export it in longitude/latitude (EPSG:4326) or with its coordinate system."
        ),
        "issue.swapped_coordinates": (
            "Longitude and latitude look swapped: longitude {x}, latitude {y} falls outside {country}, but with the "
            "two values swapped it falls inside; swap them."
        ),
        "issue.invalid_polygon": (
            "The polygon is invalid ({reason}) and repairing it gives {parts} polygons instead of one; redraw it."
        ),
        "issue.polygon_repaired": "The polygon was invalid ({reason}) and was repaired.",
        "issue.missing_field": "The required field {field} is empty.",
        "issue.not_an_integer": "{field} \"{value}\" is not a whole number.",
        "issue.not_a_number": "{field} \"{value}\" is not a number.",
        "issue.not_a_date": "{field} \"{value}\" is not a date written YYYY-MM-DD.",
        "issue.negative_value": "{field} is {value}, but it cannot be negative.",
        "issue.women_exceed_workers": "women is {women}, more than workers ({workers}).",
        "issue.future_date": "{field} {value} is in the future (today is {today}).",
        "issue.unknown_category": (
            "{field} \"{value}\" is not a known value; the closest is {suggestion} (known values: {choices})."
        ),
        "issue.unknown_country": (
            "country \"{value}\" is not a known country; use an ISO3 code such as SEN (closest: {suggestion})."
        ),
        "issue.duplicate_feature": (
            "{id_field} {id} surveyed on {date} is already in the file as feature #{first}; "
            "a new visit needs its own survey date."
        ),
        "issue.outside_countries": (
            "The location (longitude {x}, latitude {y}) is in the sea or outside every country."
        ),
        "issue.wrong_country": (
            "The location (longitude {x}, latitude {y}) lies in {actual}, not in {named}, the country the feature names."
        ),
        "issue.near_border": (
            "The location lies just outside {country} ({distance_km} km), within the margin allowed for simplified "
            "borders and coasts; it is kept in {country}."
        ),
        "export.synthetic_notice": (
            "Contains synthetic demo data (rows whose source is \"synthetic demo\"): invented for "
            "demonstration, not field observations."
        ),
        "share.unknown_key": "{param} is not a setting of the map explorer.",
        "share.repeated": "{param} is given more than once; the last value, {value}, is used.",
        "share.not_one_of": "{param} {value} is not one of: {choices}.",
        "share.value_without_scope": "the place {value} needs scope=region or scope=country; showing the world.",
        "share.missing_value": "scope={scope} needs a value (a region or an ISO3 country code); showing the world.",
        "share.bad_iso3": "country {value} is not a three-letter ISO code such as ECU; showing the world.",
        "share.bad_workers": "workers {value} is not a range of whole numbers such as 10-500, 10- or -500.",
        "share.dates_reversed": "the dates run backwards ({first} to {last}); no date filter is applied.",
        "share.bad_opacity": "opacity {value} is not a number from 0 to 1.",
        "share.bad_view": "view {value} is not latitude,longitude,zoom such as -1.5,-78.2,7.",
        "share.bad_date": "{param} {value} is not a date written YYYY-MM-DD.",
        "share.not_text": "{param} holds a value that is not text.",
        # Country profiles (pages/profiles.py, asmgeo.profile, asmgeo.ground, asmgeo.briefing)
        "profile.title": "Country profiles",
        "profile.intro": (
            "A country's MPF Pillar 6 record beside what the store shows on the ground. The two are put side "
            "by side; neither is presented as the cause of the other."
        ),
        "profile.choose": "Country",
        "profile.choose_hint": "Choose a country",
        "profile.unknown_country": (
            "The link asks for the country {value}, which has no profile here (no assessment, rating or site). "
            "Choose a country below."
        ),
        "profile.illustrative_label": (
            "ILLUSTRATIVE RATINGS: this country's Pillar 6 ratings are demo values, not official assessment "
            "results. Import official ratings below to replace them."
        ),
        "profile.synthetic_label": "The ground figures of this country come from synthetic demo data, not field observations.",
        "profile.record": "Pillar 6 record",
        "profile.pillar": "Pillar 6",
        "profile.area_short.6.1": "6.1 Legal",
        "profile.area_short.6.2": "6.2 Economic",
        "profile.area_short.6.3": "6.3 Social, env.",
        "profile.no_ratings": "No Pillar 6 rating is stored for this country yet.",
        "profile.items_rated": "{n} items rated",
        "profile.year_status": "Assessment year {year}; ratings: {status}.",
        "profile.edition": "Edition in force: {edition}.",
        "profile.assessment": "Assessment period: {period}; report date: {date} ({status}).",
        "profile.report_link": "Assessment report",
        "profile.editions": "Imported editions ({count}), side by side",
        "profile.region": "Compared with the region",
        "profile.regional_average": (
            "The seed's average for {region}: {pct} % of MPF recommendations implemented, over {countries} "
            "assessed countries. It covers all six MPF thematic areas, not Pillar 6 alone."
        ),
        "profile.no_regional_average": "The seed gives no regional average for this country's region.",
        "profile.col.profile": "Profile",
        "profile.col.edition": "Edition",
        "profile.col.scope": "Scope",
        "profile.col.pct": "% implemented",
        "profile.col.items": "Items rated",
        "profile.col.item": "Item",
        "profile.col.rating": "Rating",
        "profile.col.word": "Report's word",
        "profile.col.items_area": "Area",
        "profile.col.items_item": "Item",
        "profile.col.items_rating": "Implemented",
        "profile.col.items_rating_word": "Report's word",
        "profile.col.items_source": "Source",
        "profile.col.figure": "Figure",
        "profile.col.value": "Value",
        "profile.col.basis": "Rests on",
        "profile.col.recommendation": "Recommendation (seed)",
        "profile.col.items_ratings": "Related Pillar 6 items: rating",
        "profile.col.ground": "Ground figures that speak to it",
        "profile.col.indicator": "Indicator",
        "profile.col.year": "Year",
        "profile.col.status": "Status",
        "profile.col.source": "Source",
        "profile.col.records": "Records",
        "profile.rating.yes": "yes",
        "profile.rating.partial": "partial",
        "profile.rating.no": "no",
        "profile.rating.not_rated": "not rated",
        "profile.rating.with_word": "{rating} (report: “{word}”)",
        "profile.items": "Item ratings",
        "profile.ground": "On the ground (from the store)",
        "profile.ground_rules": (
            "Sites: each site's latest visit. Mercury records and tailings count for the country of the site "
            "their site_id names (mercury: each site's latest record; tailings: each heap's latest record). "
            "Shares leave out missing and unknown answers; each figure says how many records it rests on. "
            "Visited in the last 12 months: latest visit within the year up to today."
        ),
        "profile.policy": "Policy beside ground",
        "profile.policy_note": (
            "For each of the seed's seven recommendations: the related Pillar 6 items' ratings next to the "
            "ground figures that speak to it. Side by side only: no causal link is claimed."
        ),
        "profile.facts": "Reference facts (cited)",
        "profile.no_facts": "No cited reference figure is recorded for this country.",
        "profile.fact_when": "{year}, {status}",
        "profile.facts_caption": (
            "Published figures as their sources give them: a range stays a range; ≥ marks a lower bound. "
            "Status: secondary = quoted by a compiler; uncertain = an estimate or a guess."
        ),
        "profile.map.country": "Country",
        "profile.map_caption": "Sites coloured by practice class (latest visit); click a site for its details.",
        "profile.to_explorer": "Open this country in the map explorer",
        "profile.briefing": "Briefing (one printable page, HTML)",
        "profile.briefing_hint": "Open the file in a browser and print it (A4); it needs no internet.",
        "profile.across": "Across countries",
        "profile.across_figure": "Ground figure beside the Pillar 6 %",
        "profile.across_chart": "Pillar 6 % implemented against {figure}",
        "profile.across_caption": (
            "One point per rated country, coloured by region; click a point (or a link in the table) to open "
            "that country's profile."
        ),
        "ground.no_record": "no record",
        "ground.basis.sites": "n = {n} sites",
        "ground.basis.mercury_records": "n = {n} mercury records",
        "ground.basis.tailings": "n = {n} tailings",
        "ground.group.legal_status": "Sites: {value}",
        "ground.group.commodity": "Sites mining {value}",
        "ground.group.practice_class": "Sites with practice class {value}",
        "ground.group.tailings_status": "Tailings: {value}",
        "ground.by.legal_status": "Legal status",
        "ground.by.commodity": "Commodity",
        "ground.by.practice_class": "Practice class",
        "ground.by.tailings_status": "Tailings status",
        "ground.figure.sites": "Sites surveyed",
        "ground.figure.licensed_share": "Licensed sites",
        "ground.figure.workers": "Workers",
        "ground.figure.women": "Women",
        "ground.figure.women_share": "Share of women among workers",
        "ground.figure.mercury_use_share": "Sites using mercury",
        "ground.figure.annex_c_sites": "Sites with a Minamata Annex C worst practice",
        "ground.figure.annex_c_share": "Share of sites with an Annex C worst practice",
        "ground.figure.good_practice_share": "Sites with good practices only",
        "ground.figure.mercury_kg_per_year": "Reported mercury use",
        "ground.figure.tailings": "Tailings",
        "ground.figure.tailings_mercury_share": "Tailings holding mercury",
        "ground.figure.tailings_cyanide_share": "Tailings holding cyanide",
        "ground.figure.visits": "Survey visits",
        "ground.figure.revisited_share": "Sites visited more than once",
        "ground.figure.latest_visit": "Latest visit",
        "ground.figure.visited_12m_share": "Sites visited in the last 12 months",
        "rec.strategy_licensing": "National ASM strategy with legislation and licensing",
        "rec.due_diligence": "Due diligence and traceability",
        "rec.environment_health": "Environment, health and safety: mercury, tailings, water, Minamata obligations",
        "rec.inclusive_governance": "Inclusive governance: miners, women, cooperatives",
        "rec.economic_technical_support": "Economic and technical support",
        "rec.monitoring_data": "Monitoring, data, transparency and grievance systems",
        "rec.pilots_scaling": "Pilots and phased scaling",
        "mpf.item.legal_frameworks": "Legal frameworks for ASM",
        "mpf.item.technical_support": "Technical support to government bodies",
        "mpf.item.formalization_strategies": "Formalization strategies",
        "mpf.item.geological_information": "Geological information and mapping",
        "mpf.item.savings_and_finance": "Savings and finance",
        "mpf.item.revenue_reinvestment": "Collection, management and reinvestment of ASM revenue",
        "mpf.item.fair_trade_certification": "Fair-trade and certification initiatives",
        "mpf.item.lsm_asm_collaboration": "LSM–ASM collaboration",
        "mpf.item.training": "Training (productivity, environment, water, deforestation, mercury, safe work, health care)",
        "mpf.item.health_and_education": "Health and education programmes",
        "mpf.item.child_labour_enforcement": "Child-labour law enforcement",
        "mpf.item.women_in_asm": "Role of women in ASM",
        "facts.indicator.asm_miners": "ASM miners",
        "facts.indicator.asgm_miners": "Artisanal gold miners",
        "facts.indicator.women_in_asm": "Women in ASM",
        "facts.indicator.women_share_asgm_pct": "Share of women in artisanal gold mining",
        "facts.indicator.asgm_mercury_released": "Mercury released by artisanal gold mining",
        "facts.indicator.asgm_mercury_used_kedougou": "Mercury used by artisanal gold mining (Kédougou region only)",
        "facts.indicator.asgm_gold_with_mercury_pct": "Artisanal gold produced with mercury",
        "facts.indicator.asgm_gold": "Artisanal gold production",
        "facts.status.confirmed": "confirmed",
        "facts.status.secondary": "secondary",
        "facts.status.uncertain": "uncertain",
        "facts.unit.people": "people",
        "facts.unit.percent": "%",
        "facts.unit.t/year": "t/year",
        "facts.unit.kg/year": "kg/year",
        "briefing.title": "{country} ({iso3}): MPF Pillar 6 record beside the ground",
        "briefing.meta": "Data as of {data_date} (latest site visit); prepared {today}. Region: {region}.",
        "briefing.illustrative": (
            "ILLUSTRATIVE RATINGS: the Pillar 6 ratings on this page are demo values, not official "
            "assessment results."
        ),
        "briefing.synthetic": "Ground figures from synthetic demo data, not field observations.",
        "briefing.chart.heading": "Pillar 6 % implemented",
        "briefing.chart.title": "% implemented by area and for Pillar 6, beside the region.",
        "briefing.chart.peers": "Region's others (P6)",
        "briefing.chart.regional": "Seed regional avg.",
        "briefing.chart.regional_note": "The seed's regional average covers all six MPF areas, not Pillar 6 alone.",
        "briefing.sources": "Sources",
        "briefing.source.report": "MPF assessment report: {url}",
        "briefing.source.ratings": "Pillar 6 ratings: {source}",
        "briefing.source.regional": "Regional average: {source}",
        "briefing.source.fact": "{source}: {url}",
        "briefing.source.ground": (
            "Ground figures: the asmgeo store (sites, mercury, tailings); each record's source column names "
            "its origin. Country boundaries: Natural Earth (public domain)."
        ),
        "ratings.title": "Official ratings",
        "ratings.intro": (
            "Replace the illustrative ratings with official ones: download the template, fill in implemented "
            "(yes, partial or no; blank = not rated), the report's own word and the source, then upload it. "
            "A good file is stored as a new edition; earlier editions stay and can be compared."
        ),
        "ratings.template": "Download the ratings template (CSV)",
        "ratings.upload": "Upload a filled-in ratings file (CSV, UTF-8)",
        "ratings.rejected": "The file has {count} problem(s); nothing was stored. Fix them and upload it again:",
        "ratings.accepted": "The file is good: {rows} ratings for {countries} country(ies). The % implemented they give:",
        "ratings.edition_label": "Edition label",
        "ratings.commit": "Store these ratings as a new edition",
        "ratings.stored": "Stored edition {edition} for {countries}.",
        "ratings.problem.empty": "The file is empty.",
        "ratings.problem.not_utf8": (
            "Line {line}: the file is not UTF-8 text; save it as \"CSV UTF-8\" and upload it again."
        ),
        "ratings.problem.not_csv": "Line {line} is not valid CSV ({reason}).",
        "ratings.problem.missing_columns": "Line 1: the header lacks the column(s) {columns}; the template has {expected}.",
        "ratings.problem.repeated_columns": "Line 1: the column(s) {columns} appear more than once.",
        "ratings.problem.too_many_cells": "Line {line} has {cells} cells but the header has {columns} columns.",
        "ratings.problem.no_iso3": "Line {line}: the iso3 cell is empty.",
        "ratings.problem.unknown_iso3": "Line {line}: country \"{value}\" is not an ISO3 code of a known country.",
        "ratings.problem.bad_year": "Line {line}: year \"{value}\" is not a year from {low} to {high}.",
        "ratings.problem.unknown_item": "Line {line}: item \"{value}\" is not a Pillar 6 item of the template.",
        "ratings.problem.bad_value": "Line {line}: implemented \"{value}\" is not yes, partial or no.",
        "ratings.problem.no_source": "Line {line}: a rating needs a source (the assessment report it comes from).",
        "ratings.problem.duplicate": (
            "Line {line} repeats country {iso3}, year {year}, item {item} (first on line {first})."
        ),
        "ratings.problem.nothing_rated": "No row has a rating: fill in implemented (yes, partial or no).",
        "ratings.problem.more": "… and {count} more problem(s).",
        "cli.ratings_stored": "Stored edition {edition}: {rows} ratings for {countries} in {path}.",
        "cli.ratings_rejected": "{path}: {count} problem(s); nothing was stored.",
        "cli.import_done": (
            "Imported {written} of {features} features of {file} into {layer} as batch {batch} (pending approval)."
        ),
        "cli.import_nothing": "{file}: nothing was imported into {layer}; no feature was accepted.",
        "cli.import_strict": "{file}: {rejected} feature(s) rejected and --strict given; nothing was imported.",
        "cli.import_duplicate": "{file} was already imported into {layer} as batch {batch}; nothing was imported.",
        "cli.batches_empty": "No import batches in {path}.",
        "cli.batches_row": "{batch}  {status:<8} {layer:<13} {accepted:>6}/{features:<6} {when}  {who}  {file_name}",
        "cli.batch_approved": "Batch {batch} ({file_name}, {layer}) is approved.",
        "cli.batch_undone": "Batch {batch} undone: {deleted} row(s) deleted from {layer}.",
        # Upload page (pages/upload.py, ui/upload_flow.py, asmgeo/upload_map.py)
        "upload.title": "Upload field data",
        "upload.intro": (
            "Check a file before it enters the store: every feature is accepted or rejected with the reasons. "
            "Committed features wait as a pending batch until someone approves them; only then do the maps show them."
        ),
        "upload.layer": "Layer",
        "upload.who": "Your name",
        "upload.file": "File (GeoJSON, NDJSON, GeoPackage, zipped shapefile, KML/KMZ or CSV)",
        "upload.validating": "Validating {file}…",
        "upload.report": "Report for {file}",
        "upload.features": "Features",
        "upload.accepted": "Accepted",
        "upload.rejected": "Rejected",
        "upload.file_error": "The file could not be used: {message}",
        "upload.issues": "Issues",
        "upload.no_issues": "No issues: every feature passed.",
        "upload.col_feature": "Feature #",
        "upload.col_field": "Field",
        "upload.col_severity": "Severity",
        "upload.col_code": "Code",
        "upload.col_message": "Message",
        "upload.preview": "Preview: accepted features in green, rejected ones in red (hover for the reason).",
        "upload.map_accepted": "accepted",
        "upload.map_rejected": "rejected",
        "upload.unmapped": "{count} rejected feature(s) have no usable geometry and are not on the map.",
        "upload.download_issues": "Download issues (CSV)",
        "upload.download_rejected": "Download rejected features (GeoJSON)",
        "upload.download_rejected_help": "Features without a geometry are kept, with a null geometry.",
        "upload.strict": "Strict: import nothing when any feature is rejected",
        "upload.commit": "Commit accepted features",
        "upload.commit_help": "Writes the accepted features as a batch pending review.",
        "upload.committed": "Batch {batch}: {written} feature(s) written to {layer}, pending review.",
        "upload.duplicate": "This file was already imported into {layer} as batch {batch}; nothing was written.",
        "upload.nothing_written": "Nothing was written (strict mode with rejected features, or nothing accepted).",
        "upload.batches": "Import batches",
        "upload.no_batches": "No import batches yet.",
        "upload.choose_batch": "Batch",
        "upload.approve": "Approve",
        "upload.undo": "Undo",
        "upload.approved": "Batch {batch} is approved; its features now show on the maps.",
        "upload.undone": "Batch {batch} undone: {deleted} feature(s) removed from {layer}.",
    }
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """Translate ``key`` into ``lang`` and fill its ``{placeholders}`` from ``values``."""
    if lang not in CATALOGUE:
        raise ValueError(f"lang={lang!r} is not one of {sorted(CATALOGUE)}")
    try:
        text = CATALOGUE[lang][key]
    except KeyError:
        raise KeyError(f"no translation for key={key!r} in lang={lang!r}") from None
    return text.format(**values) if values else text


VALUE_GROUPS = {
    "commodity": "commodity", "legal_status": "legal_status", "mining_method": "mining_method",
    "mercury_use": "yes_no", "retort": "yes_no", "contains_mercury": "yes_no", "contains_cyanide": "yes_no",
    "practice_class": "practice_class", "status": "tailings_status", "amalgamation": "amalgamation",
    "burning": "burning", "practice": "practice",
}


def t_value(field: str, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of category ``code`` of ``field`` (e.g. legal_status ``in_process``)."""
    if field not in VALUE_GROUPS:
        raise KeyError(f"field={field!r} has no translated values; known: {sorted(VALUE_GROUPS)}")
    return t(f"value.{VALUE_GROUPS[field]}.{code}", lang)


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` used in a catalogue string."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}
