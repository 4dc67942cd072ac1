"""The network area (docs/rules.md §8, rules N1–N7, E7).

Pure rules: ``model`` (facts), ``partner_rules`` (N1), ``agreement_frame_rules`` (N2),
``content_rules`` (N3, N5 review dates), ``lifecycle_rules`` and ``version_rules`` (N3–N5),
``responsibility_rules`` (N4), over ``rule_checks`` and ``rule_errors``; ``catchment`` (the reach
test), ``coverage`` (N6), ``unmet_need_rules`` (N7), ``around`` (the answer of who serves a
district). The repository: ``repository`` (the only code naming ``network.cypher``'s queries) and
its fake ``in_memory``. Use cases, by what a person does: ``partners`` and ``partner_search`` (N1,
E7); ``agreement_drafts``, ``agreement_status``, ``agreement_reading`` and ``agreement_expiry``
(N2–N5, sharing ``agreement_common``); ``coverage_report`` (N6), ``unmet_need`` (N7),
``around_report``. Shared by the use cases: ``shared`` (roles, dates, errors, reference look-ups)
and ``reach``.
"""
