// Notices (A8): (n:Notice)-[:ASSIGNED_TO]->(:Carrier) is the carrier's queue;
// (:User)-[:ACKNOWLEDGED]->(n) who confirmed it. subject_type/subject_id stay properties: a
// notice is about things of several kinds, some of them deleted later (a snapshot).

// name: create_many
UNWIND $rows AS r
CREATE (n:Notice {id: r.id, kind: r.kind, subject_type: r.subject_type,
                  subject_id: r.subject_id, title: r.title, message: r.message,
                  created_at: r.created_at, acknowledged_at: ''})
WITH n, r
MATCH (c:Carrier {id: r.carrier})
CREATE (n)-[:ASSIGNED_TO]->(c)

// name: list
MATCH (:Carrier {id: $carrier})<-[:ASSIGNED_TO]-(n:Notice)
WHERE n.kind IN $kinds
  AND ($acknowledged = '' OR ($acknowledged = 'true' AND n.acknowledged_at <> '')
       OR ($acknowledged = 'false' AND n.acknowledged_at = ''))
RETURN n.id AS id, n.kind AS kind, n.subject_type AS subject_type, n.subject_id AS subject_id,
       n.title AS title, n.message AS message, n.created_at AS created_at,
       n.acknowledged_at AS acknowledged_at
ORDER BY created_at DESC, id

// name: get
MATCH (n:Notice {id: $id})
OPTIONAL MATCH (n)-[:ASSIGNED_TO]->(c:Carrier)
RETURN n.id AS id, coalesce(c.id, '') AS carrier, n.kind AS kind,
       n.acknowledged_at AS acknowledged_at

// name: acknowledge
// Returns the id only when this call acknowledged it; the user exists (it is the caller).
MATCH (n:Notice {id: $id})
WHERE n.acknowledged_at = ''
SET n.acknowledged_at = $now
WITH n
MATCH (u:User {id: $user})
MERGE (u)-[:ACKNOWLEDGED]->(n)
RETURN n.id AS id
