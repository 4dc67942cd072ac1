// Stored tasks: (t:Task)-[:ASSIGNED_TO]->(:Carrier) when a carrier's officers own it;
// (t)-[:CONCERNS]->(:Provider|:Application|:Site) for what it is about (issue 12).

// name: open_for
// The carrier's open tasks, and (with $provider_id) the provider's own that no carrier owns.
OPTIONAL MATCH (:Carrier {id: $carrier})<-[:ASSIGNED_TO]-(t1:Task)
WHERE t1.status = 'open'
WITH collect(t1.id) AS assigned
OPTIONAL MATCH (:Provider {id: $provider_id})<-[:CONCERNS]-(t2:Task)
WHERE t2.status = 'open' AND NOT EXISTS { MATCH (t2)-[:ASSIGNED_TO]->(:Carrier) }
WITH assigned, collect(t2.id) AS own
WITH assigned + own AS ids
UNWIND ids AS tid
WITH DISTINCT tid
MATCH (t:Task {id: tid})
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(c:Carrier)
OPTIONAL MATCH (t)-[:CONCERNS]->(p:Provider)
OPTIONAL MATCH (t)-[:CONCERNS]->(a:Application)
OPTIONAL MATCH (t)-[:CONCERNS]->(s:Site)
RETURN t.id AS id, coalesce(c.id, '') AS carrier, coalesce(p.id, '') AS provider_id,
       t.kind AS kind, t.rule AS rule, coalesce(a.id, '') AS application_id,
       coalesce(s.id, '') AS site_id, t.message AS message, t.created_at AS created_at,
       t.due_on AS due_on
ORDER BY created_at, id
