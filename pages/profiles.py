"""Country profiles: a country's Pillar 6 record beside the ground truth from the store, and across countries."""

import datetime as dt

import streamlit as st

from asmgeo.i18n import t
from ui import profile_across, profile_data, profile_ratings, profile_sections
from ui.feedback import errors_shown, lang
from ui.frame import leave_legacy_pages_mode

leave_legacy_pages_mode()
L = lang()
today = dt.date.today()

st.title(t("profile.title", L))
st.write(t("profile.intro", L))

with errors_shown():
    names = profile_data.country_names(L)
iso3 = profile_data.choose_country(names, L)

# One container whatever the country shows, so the sections after it keep their place on the page
# (a chart that moved would be redrawn and fire a stray selection event).
with st.container():
    if iso3 is not None:
        with errors_shown():
            prof = profile_data.country_profile(iso3, names[iso3], today, L)
        st.header(f"{prof.name} ({prof.iso3})")
        profile_sections.labels(prof, L)

        record_column, map_column = st.columns([3, 2], gap="medium")
        with record_column:
            profile_sections.record(prof, L)
            profile_sections.editions(profile_data.ratings(), iso3, L)
        with map_column, errors_shown():
            profile_sections.mini_map(prof, L)
            profile_sections.briefing_download(prof, L)

        profile_sections.region(prof, L)
        profile_sections.ground_section(prof, L)
        profile_sections.policy(prof, L)
        profile_sections.facts(prof, L)
        st.divider()

with errors_shown():
    profile_across.render(today, L)

st.divider()
profile_ratings.render(L)
