// Data steps of schema migrations (registry/graph/schema/steps.py). They run while the old
// properties still exist, before a migration drops them.

// name: provider_sites
MATCH (p:Provider)-[:OPERATES]->(s:Site)
RETURN p.id AS provider, s.id AS id, s.street AS street, s.postal_code AS postal_code,
       s.place AS place, s.created_at AS created_at, s.confirmed_on AS confirmed_on
ORDER BY provider, created_at, id

// name: move_admissions
MATCH (d:Site {id: $duplicate})-[:HAS_ADMISSION]->(m:Admission)
MATCH (s:Site {id: $survivor})
MERGE (s)-[:HAS_ADMISSION]->(m)
RETURN count(m) AS moved

// name: move_application_names
MATCH (a:Application)-[r:NAMES]->(d:Site {id: $duplicate})
MATCH (s:Site {id: $survivor})
MERGE (a)-[n:NAMES]->(s)
ON CREATE SET n.position = r.position
RETURN count(a) AS moved

// name: move_follow_on_tasks
MATCH (f:FollowOnTask)-[:CONCERNS]->(d:Site {id: $duplicate})
MATCH (s:Site {id: $survivor})
MERGE (f)-[:CONCERNS]->(s)
RETURN count(f) AS moved

// name: move_tasks
MATCH (t:Task)-[:CONCERNS]->(d:Site {id: $duplicate})
MATCH (s:Site {id: $survivor})
MERGE (t)-[:CONCERNS]->(s)
RETURN count(t) AS moved

// name: keep_newest_confirmation
MATCH (s:Site {id: $survivor})
SET s.confirmed_on = $confirmed_on

// name: delete_site
MATCH (d:Site {id: $duplicate})
DETACH DELETE d

// name: count_site_merges
MATCH (e:Event)
WHERE e.action = 'site_merged'
RETURN count(e) AS n

// name: carrier_profiles
// Rule Q0 (migration 009): the stored profiles, to drop their per-carrier criteria settings
MATCH (c:Carrier)
RETURN c.id AS id, c.profile_json AS profile_json
ORDER BY id

// name: set_carrier_profile_json
MATCH (c:Carrier {id: $id})
SET c.profile_json = $profile_json
