"""The demo data generator (``registry seed demo``), one module per area, importing one way only.

``run`` (``seed_demo``: the order of the steps and the summary) uses the areas: ``users`` (the
demo accounts), ``announcements`` (A12), ``providers`` (what a provider is made of) and
``admission`` (its application taken through the workflow, reviews, notices), ``lifecycle``
(contracts, site data, staff changes), ``network_partners`` and ``network_agreements`` (N1–N5),
``quality`` (A16). They share ``state`` (the run, the scenarios, ``days_ago``), ``geography``
(districts and postal places) and ``words`` (the invented names and texts).
"""
