// Queries of the portal's own state (issue 8): the provider's application draft.

// name: get_draft
MATCH (d:PortalDraft {id: $id})
RETURN d.id AS id, d.provider_id AS provider_id, d.user_id AS user_id, d.form AS form,
       d.saved_at AS saved_at

// name: save_draft
MERGE (d:PortalDraft {id: $id})
ON CREATE SET d.provider_id = $provider_id
SET d.user_id = $user_id, d.form = $form, d.saved_at = $now

// name: delete_draft
MATCH (d:PortalDraft {id: $id})
DELETE d
