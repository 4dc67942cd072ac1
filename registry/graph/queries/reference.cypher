// Reference data (docs/rules.md §3, §4): carriers, states, districts, postal places, target groups.
// A district's state and responsible carrier and a postal place's district are relationships
// (IN_STATE, RESPONSIBLE_FOR, LOCATED_IN); loading draws them and removes stale ones, so a
// changed responsibility (reference data, not code) moves the district.

// name: upsert_carriers
UNWIND $rows AS r
MERGE (c:Carrier {id: r.id})
ON CREATE SET c.profile_json = '{}'
SET c.name = r.name, c.kind = r.kind, c.region = r.region

// name: upsert_states
UNWIND $rows AS r
MERGE (s:State {code: r.code})
SET s.name = r.name

// name: upsert_districts
UNWIND $rows AS r
MERGE (d:District {key: r.key})
SET d.name = r.name, d.regbez = r.regbez, d.population = r.population, d.lat = r.lat,
    d.lon = r.lon

// A district lies in exactly one state: edges to another state go.
// name: unlink_stale_states
UNWIND $rows AS r
MATCH (d:District {key: r.key})-[x:IN_STATE]->(s:State)
WHERE s.code <> r.state_code
DELETE x

// name: link_states
UNWIND $rows AS r
MATCH (d:District {key: r.key})
MATCH (s:State {code: r.state_code})
MERGE (d)-[:IN_STATE]->(s)

// name: upsert_postal_places
UNWIND $rows AS r
MERGE (p:PostalPlace {id: r.id})
SET p.postal_code = r.postal_code, p.place = r.place, p.lat = r.lat, p.lon = r.lon

// name: link_postal_places
UNWIND $rows AS r
MATCH (p:PostalPlace {id: r.id})
MATCH (d:District {key: r.district_key})
MERGE (p)-[:LOCATED_IN]->(d)

// Exactly one regional carrier is responsible for a district (rule A2): edges from another
// carrier go.
// name: unlink_stale_responsibility
UNWIND $rows AS r
MATCH (d:District {key: r.key})<-[x:RESPONSIBLE_FOR]-(c:Carrier)
WHERE c.id <> r.carrier
DELETE x

// name: link_responsibility
UNWIND $rows AS r
MATCH (d:District {key: r.key})
MATCH (c:Carrier {id: r.carrier})
MERGE (c)-[:RESPONSIBLE_FOR]->(d)

// name: upsert_target_groups
UNWIND $rows AS r
MERGE (t:TargetGroup {code: r.code})
SET t.label = r.label, t.description = r.description

// name: counts
MATCH (c:Carrier) WITH count(c) AS carriers
MATCH (d:District) WITH carriers, count(d) AS districts
MATCH (p:PostalPlace) WITH carriers, districts, count(p) AS postal_places
MATCH (t:TargetGroup)
RETURN carriers, districts, postal_places, count(t) AS target_groups

// name: get_carrier
MATCH (c:Carrier {id: $id})
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.region AS region, c.profile_json AS profile_json

// name: criteria_severities
// Rule Q0: the national criteria setting, one node per rule that was set
MATCH (s:CriteriaSeverity)
RETURN s.rule AS rule, s.severity AS severity, s.changed_at AS changed_at
ORDER BY rule

// name: set_criteria_severities
// Rule Q0: the national admin sets the severity of each criteria rule
UNWIND $rows AS r
MERGE (s:CriteriaSeverity {rule: r.rule})
SET s.severity = r.severity, s.changed_at = $changed_at
