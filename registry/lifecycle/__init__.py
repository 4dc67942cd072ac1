"""The life of an admission after the decision (docs/rules.md A13–A15), the carrier profile (Q0)
and the one task inbox.

``rules`` (pure), ``repository`` (the only code naming ``lifecycle.*``/``tasks.*`` queries) and
its fake ``in_memory``; use cases by what a person does: ``contracts`` (A13), ``reviews`` (A14),
``staff`` and ``staff_findings`` (A15 staff changes and their re-check), ``sites`` (A15 site data
and its confirmation), ``carrier_profile`` (Q0), ``tasks`` (the inbox); ``common`` holds what
they share.
"""
