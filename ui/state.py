"""Session-state keys, named once."""

LANG = "asmgeo.lang"
LANG_FROM_URL = "asmgeo.lang_from_url"  # the ?lang= last applied, so a later sidebar choice wins
DEMO_NOTICE = "asmgeo.demo_notice"
UPGRADE_NOTICE = "asmgeo.upgrade_notice"  # the store was upgraded in place: said in the session that did it

# Map explorer widgets and remembered view
EXPLORER_INIT = "explorer.initialised"
EXPLORER_SCOPE = "explorer.scope"
EXPLORER_SCOPE_VALUE = "explorer.scope_value"
EXPLORER_LAYERS = "explorer.layers"
EXPLORER_PILLAR = "explorer.pillar_scope"
EXPLORER_STYLE = "explorer.site_style"
EXPLORER_COMMODITIES = "explorer.commodities"
EXPLORER_LEGAL = "explorer.legal_statuses"
EXPLORER_PRACTICE = "explorer.practice_classes"
EXPLORER_MERCURY = "explorer.mercury_use"
EXPLORER_WORKERS = "explorer.workers"
EXPLORER_DATES = "explorer.dates"
EXPLORER_OPACITY = "explorer.raster_opacity"
EXPLORER_VIEW = "explorer.view"
EXPLORER_FITTED = "explorer.fitted_scope"
EXPLORER_MAP = "explorer.map"
EXPLORER_BOUNDS = "explorer.bounds"
EXPLORER_REQUEST = "explorer.requested_view"

# Country profiles
PROFILE_COUNTRY = "profiles.country"  # the chooser (selectbox) widget
PROFILE_URL_SEEN = "profiles.url_country"  # the ?country= last put into the chooser
PROFILE_URL_REPLACED = "profiles.url_replaced"  # the ?country= this page last replaced in the link
PROFILE_FIGURE = "profiles.figure"  # ground figure set beside the Pillar 6 % across countries
PROFILE_CHART = "profiles.chart"
PROFILE_MAP = "profiles.map"
PROFILE_UPLOAD = "profiles.ratings_upload"
PROFILE_EDITION = "profiles.ratings_edition"
PROFILE_STORED = "profiles.ratings_stored"  # message shown once after an import

# Upload page
UPLOAD_LAYER = "upload.layer"
UPLOAD_WHO = "upload.who"
UPLOAD_FILE = "upload.file"
UPLOAD_STRICT = "upload.strict"
UPLOAD_REPORTS = "upload.reports"  # {(sha256, layer, lang): Report}, so reruns do not validate again
UPLOAD_MESSAGE = "upload.message"  # (kind, text) left by a commit/approve/undo callback for the next run
UPLOAD_BATCH = "upload.batch"
UPLOAD_MAP = "upload.map"
UPLOAD_BATCH_MAP = "upload.batch_map"  # the map of the batch under review
UPLOAD_SOURCE = "upload.source"  # provenance given before committing
UPLOAD_LICENCE = "upload.licence"
UPLOAD_FILES = "upload.files"  # {(sha256, layer, source layer, lang): (layers, RawFeatures, Proposals)}: one file
# The mapping step's widgets; each key is followed by ".<file>.<layer>" (ui.upload_mapping.step_id) and more.
UPLOAD_SOURCE_LAYER = "upload.source_layer"  # followed by ".<file>" only: the layer is not chosen yet
UPLOAD_MAP_FIELD = "upload.map_field"  # ".<field>": the column (or a constant, or nothing) a field comes from
UPLOAD_MAP_CONSTANT = "upload.map_constant"  # ".<field>": the value for every feature that has none
UPLOAD_MAP_VALUE = "upload.map_value"  # ".<field>.<digest of the value>": what a value we do not know stands for
UPLOAD_MAP_IDS = "upload.map_generate_ids"
UPLOAD_MAP_DATES = "upload.map_date_format"
UPLOAD_MAP_SAVED = "upload.map_saved"  # the saved mapping picked to fill the step
UPLOAD_MAP_CARRY = "upload.map_carry"  # what the mapping picked says that this file shows no box for (kept as is)
UPLOAD_MAP_NAME = "upload.map_name"  # the name to save the mapping under
UPLOAD_MAP_MESSAGE = "upload.map_message"  # (kind, text) left by the save or pick callback

# Workshop page
WORKSHOP_INIT = "workshop.initialised"
WORKSHOP_AREA_KIND = "workshop.area_kind"  # "region" or "countries"
WORKSHOP_REGION = "workshop.region"
WORKSHOP_COUNTRIES = "workshop.countries"
WORKSHOP_LAYERS = "workshop.layers"
WORKSHOP_STYLE = "workshop.site_style"
WORKSHOP_COMMODITIES = "workshop.commodities"
WORKSHOP_LEGAL = "workshop.legal_statuses"
WORKSHOP_PRACTICE = "workshop.practice_classes"
WORKSHOP_MERCURY = "workshop.mercury_use"
WORKSHOP_LABELS = "workshop.labels"  # country labels (name and Pillar 6 %) on the map
WORKSHOP_PRESENT = "workshop.presentation"  # True in presentation mode: page chrome and editing controls hidden
WORKSHOP_PRESENT_BUTTON = "workshop.presentation_button"
WORKSHOP_MAP = "workshop.map"
WORKSHOP_MAP_BOX = "workshop-map-box"  # container key; Streamlit gives it the CSS class st-key-workshop-map-box
WORKSHOP_REQUEST = "workshop.requested_view"  # ((lat, lon), zoom, n): the view last asked of the map, n-th request
WORKSHOP_STALE = "workshop.stale_report"  # what the map reported when that view was asked (older than the request)
WORKSHOP_MAP_SIZE = "workshop.map_size"  # (width, height) px of the map, from its last report
WORKSHOP_FITTED = "workshop.fitted_area"  # the Area the map was last fitted to (or a slide's area)
WORKSHOP_OPEN = "workshop.open_sequence"  # name of the open sequence (None: the next slide saved starts one)
WORKSHOP_SEQUENCE = "workshop.sequence"  # select box: the stored sequence to open
WORKSHOP_OPEN_BUTTON = "workshop.open_button"
WORKSHOP_CLOSE_BUTTON = "workshop.close_button"
WORKSHOP_SLIDE = "workshop.slide"  # 0-based index of the slide shown, None when none
WORKSHOP_NEW_NAME = "workshop.new_name"
WORKSHOP_CAPTION = "workshop.caption"
WORKSHOP_URL_SEEN = "workshop.url_seen"  # the (sequence, slide) of the URL last applied or written
WORKSHOP_MESSAGE = "workshop.message"  # (kind, text) left by a button callback for the next run
WORKSHOP_IMPORT = "workshop.import"
WORKSHOP_PREVIOUS = "workshop.previous"
WORKSHOP_NEXT = "workshop.next"
WORKSHOP_SAVE = "workshop.save"
WORKSHOP_DELETE_SEQUENCE = "workshop.delete_sequence"
WORKSHOP_DOWNLOAD_SEQUENCE = "workshop.download_sequence"
WORKSHOP_HANDOUT = "workshop.handout"
WORKSHOP_SLIDE_BUTTON = "workshop.slide_button"  # prefix: f"{WORKSHOP_SLIDE_BUTTON}.{action}.{slide_id}"

# Demo data (the "Remove demo data" box on the upload page)
DEMO_REMOVE_CONFIRM = "demo.remove_confirm"  # the confirmation check box
DEMO_REMOVE_BUTTON = "demo.remove_button"
DEMO_REMOVE_MESSAGE = "demo.remove_message"  # (kind, text) left by the button's callback for the next run
