"""Session-state keys, named once."""

LANG = "asmgeo.lang"
LANG_FROM_URL = "asmgeo.lang_from_url"  # the ?lang= last applied, so a later sidebar choice wins
DEMO_NOTICE = "asmgeo.demo_notice"

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
