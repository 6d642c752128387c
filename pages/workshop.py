"""Workshop mode: a region or set of countries on a projector-size map, and saved slide sequences to step through.

The page is laid out in fixed slots, drawn whether or not they hold anything, so the map always
sits at the same place in the page: a notice or the presentation mode never makes Streamlit
rebuild the map (which would reload it and lose the view the facilitator zoomed to).
"""

import streamlit as st

from asmgeo.i18n import t
from ui import state as keys
from ui import workshop_controls, workshop_panels, workshop_slides, workshop_view
from ui.feedback import errors_shown, lang, plain
from ui.frame import leave_legacy_pages_mode

leave_legacy_pages_mode()
L = lang()

with errors_shown():
    workshop_controls.seed_defaults()
    workshop_controls.keep_widget_state()
    url_warnings = workshop_slides.follow_url(L)  # before the widgets: a linked slide sets them
    names = workshop_controls.country_names(L)
presenting = bool(st.session_state.get(keys.WORKSHOP_PRESENT))
workshop_panels.style_page(presenting)

heading, switch = st.columns([3, 1], vertical_alignment="center")
notices, controls, stepper = st.container(), st.container(), st.container()
switch.button(t("workshop.present_leave" if presenting else "workshop.presentation", L),
              key=keys.WORKSHOP_PRESENT_BUTTON, on_click=workshop_controls.toggle_presentation,
              help=t("workshop.presentation_help", L), width="stretch",
              icon=":material/close_fullscreen:" if presenting else ":material/open_in_full:")
with notices:
    for warning in url_warnings:
        st.warning(plain(warning))
    workshop_slides.show_message()
if not presenting:
    heading.title(t("workshop.title", L))
    with controls:
        st.caption(t("workshop.intro", L))
        workshop_controls.render_area(L, names)
        workshop_controls.render_layers(L)

with errors_shown():
    area = workshop_controls.current_area()
    state = workshop_controls.current_state(area)
    workshop_view.note_report()
    workshop_view.fit(area, workshop_panels.area_bounds)
    sequence = workshop_slides.open_sequence(L)
    with stepper:
        workshop_slides.render_stepper(sequence, L)
    workshop_panels.draw_map(area, state, L)
    workshop_panels.render_picture(workshop_panels.summary(area), L)
    if not presenting:
        workshop_panels.render_handout(area, L)
workshop_slides.keep_url()

if not presenting:
    with errors_shown():
        workshop_slides.render_editor(sequence, L)
        workshop_slides.render_transfer(sequence, L)
