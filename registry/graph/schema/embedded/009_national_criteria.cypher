// Rule Q0 (issue 15): the criteria are the same for every carrier and provider. The severities
// (blocking / advisory) are one national setting, changed only by a national admin: one node per
// criteria rule that differs from or confirms its default (a rule without a node takes its
// default, registry.admission.criteria.DEFAULT_SEVERITIES). The carrier profile keeps contacts
// only: the data step removes every per-carrier criteria setting and notes it in the carrier's
// audit trail.
CREATE NODE TABLE IF NOT EXISTS CriteriaSeverity(rule STRING, severity STRING, changed_at STRING, PRIMARY KEY(rule));
//! step: drop_carrier_criteria
