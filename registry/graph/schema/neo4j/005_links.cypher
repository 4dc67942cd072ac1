// Relationships from an entity to its audit trail and admissions (backfill of older data).
MATCH (a:Application), (e:Event) WHERE e.subject_id = a.id AND NOT EXISTS { MATCH (a)-[:LOGGED]->(e) } CREATE (a)-[:LOGGED]->(e);
MATCH (a:Agreement), (e:Event) WHERE e.subject_id = a.id AND NOT EXISTS { MATCH (a)-[:LOGGED]->(e) } CREATE (a)-[:LOGGED]->(e);
MATCH (a:Provider), (e:Event) WHERE e.subject_id = a.id AND NOT EXISTS { MATCH (a)-[:LOGGED]->(e) } CREATE (a)-[:LOGGED]->(e);
MATCH (a:Partner), (e:Event) WHERE e.subject_id = a.id AND NOT EXISTS { MATCH (a)-[:LOGGED]->(e) } CREATE (a)-[:LOGGED]->(e);
MATCH (s:Site), (m:Admission) WHERE m.site_id = s.id AND NOT EXISTS { MATCH (s)-[:HAS_ADMISSION]->(m) } CREATE (s)-[:HAS_ADMISSION]->(m);
