// Relationships that let the engine walk from an entity to its audit trail and admissions
// instead of scanning whole tables (ladybug indexes primary keys only).
CREATE REL TABLE IF NOT EXISTS LOGGED(FROM Application TO Event, FROM Agreement TO Event, FROM Provider TO Event, FROM Partner TO Event);
CREATE REL TABLE IF NOT EXISTS HAS_ADMISSION(FROM Site TO Admission);
MATCH (a:Application), (e:Event) WHERE e.subject_id = a.id AND NOT EXISTS { MATCH (a)-[:LOGGED]->(e) } CREATE (a)-[:LOGGED]->(e);
MATCH (a:Agreement), (e:Event) WHERE e.subject_id = a.id AND NOT EXISTS { MATCH (a)-[:LOGGED]->(e) } CREATE (a)-[:LOGGED]->(e);
MATCH (a:Provider), (e:Event) WHERE e.subject_id = a.id AND NOT EXISTS { MATCH (a)-[:LOGGED]->(e) } CREATE (a)-[:LOGGED]->(e);
MATCH (a:Partner), (e:Event) WHERE e.subject_id = a.id AND NOT EXISTS { MATCH (a)-[:LOGGED]->(e) } CREATE (a)-[:LOGGED]->(e);
MATCH (s:Site), (m:Admission) WHERE m.site_id = s.id AND NOT EXISTS { MATCH (s)-[:HAS_ADMISSION]->(m) } CREATE (s)-[:HAS_ADMISSION]->(m);
