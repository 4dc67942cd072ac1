// name: upsert_carriers
UNWIND $rows AS r
MERGE (c:Carrier {id: r.id})
ON CREATE SET c.profile_json = '{}'
SET c.name = r.name, c.kind = r.kind, c.region = r.region

// name: upsert_districts
UNWIND $rows AS r
MERGE (d:District {key: r.key})
SET d.name = r.name, d.state = r.state, d.state_code = r.state_code, d.regbez = r.regbez,
    d.population = r.population, d.carrier = r.carrier, d.lat = r.lat, d.lon = r.lon

// name: upsert_postal_places
UNWIND $rows AS r
MERGE (p:PostalPlace {id: r.id})
SET p.postal_code = r.postal_code, p.place = r.place, p.district_key = r.district_key,
    p.lat = r.lat, p.lon = r.lon

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

// name: carriers
MATCH (c:Carrier)
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.region AS region, c.profile_json AS profile_json
ORDER BY c.id

// name: get_carrier
MATCH (c:Carrier {id: $id})
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.region AS region, c.profile_json AS profile_json

// name: target_groups
MATCH (t:TargetGroup)
RETURN t.code AS code, t.label AS label, t.description AS description
ORDER BY t.code
