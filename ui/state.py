"""Session-state keys, named once."""

LANG = "asmgeo.lang"
DEMO_NOTICE = "asmgeo.demo_notice"
