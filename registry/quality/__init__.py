"""Quality assurance feeds the review (docs/rules.md A16): visits coordinated across carriers,
complaint counts and yearly figures.

``rules`` (pure), ``repository`` (the only code naming ``quality.*`` queries, with its fake);
use cases by what a person does: ``visits``, ``complaints``, ``figures``; the read model
``record`` (``GET /providers/{id}/quality`` and the review page); ``inbox`` (items of the task
inbox); ``common`` holds who may act.
"""
