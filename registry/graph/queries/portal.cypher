// Queries of the portal's own state (issue 8): the provider's application draft,
// (d:PortalDraft)-[:CONCERNS]->(:Provider) and (:User)-[:AUTHORED]->(d) for who saved it last.

// name: get_draft
MATCH (d:PortalDraft {id: $id})
OPTIONAL MATCH (d)-[:CONCERNS]->(p:Provider)
OPTIONAL MATCH (u:User)-[:AUTHORED]->(d)
RETURN d.id AS id, coalesce(p.id, '') AS provider_id, coalesce(u.id, '') AS user_id,
       d.form AS form, d.saved_at AS saved_at

// name: save_draft
// The last saver is the author: the earlier author's edge goes last (no row survives when
// there is none to remove, which is fine: nothing follows).
MERGE (d:PortalDraft {id: $id})
SET d.form = $form, d.saved_at = $now
WITH d
MATCH (p:Provider {id: $provider_id})
MERGE (d)-[:CONCERNS]->(p)
WITH d
MATCH (u:User {id: $user_id})
MERGE (u)-[:AUTHORED]->(d)
WITH d
MATCH (o:User)-[w:AUTHORED]->(d)
WHERE o.id <> $user_id
DELETE w

// name: delete_draft
MATCH (d:PortalDraft {id: $id})
DETACH DELETE d
