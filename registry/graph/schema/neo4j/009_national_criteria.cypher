// Rule Q0 (issue 15): one national criteria setting, a CriteriaSeverity node per rule (see the
// embedded migration of the same name); the carrier profile keeps contacts only.
CREATE CONSTRAINT criteriaseverity_rule IF NOT EXISTS FOR (n:CriteriaSeverity) REQUIRE n.rule IS UNIQUE;
//! step: drop_carrier_criteria
