// name: create_application
CREATE (a:Application {id: $id, provider_id: $provider_id, status: $status,
                       receiving_carrier: $receiving_carrier, lead_carrier: $lead_carrier,
                       forwarded: $forwarded, target_groups: $target_groups, site_ids: $site_ids,
                       version: 1, submitted_at: $now, decided_at: '',
                       announcement_id: $announcement_id, data: $data})

// name: get_application
MATCH (a:Application {id: $id})
RETURN a.id AS id, a.provider_id AS provider_id, a.status AS status,
       a.receiving_carrier AS receiving_carrier, a.lead_carrier AS lead_carrier,
       a.forwarded AS forwarded, a.target_groups AS target_groups, a.site_ids AS site_ids,
       a.version AS version, a.submitted_at AS submitted_at, a.decided_at AS decided_at,
       a.announcement_id AS announcement_id, a.data AS data

// name: list_applications
MATCH (a:Application)
WHERE ($provider_id = '' OR a.provider_id = $provider_id)
  AND ($status = '' OR a.status = $status)
  AND ($carrier = '' OR a.receiving_carrier = $carrier OR a.lead_carrier = $carrier
       OR EXISTS { MATCH (s:Site) WHERE s.id IN a.site_ids AND s.responsible_carrier = $carrier })
RETURN a.id AS id, a.provider_id AS provider_id, a.status AS status,
       a.receiving_carrier AS receiving_carrier, a.lead_carrier AS lead_carrier,
       a.forwarded AS forwarded, a.target_groups AS target_groups, a.site_ids AS site_ids,
       a.version AS version, a.submitted_at AS submitted_at, a.decided_at AS decided_at
ORDER BY a.submitted_at DESC, a.id

// name: update_application
MATCH (a:Application {id: $id})
WHERE a.version = $version
SET a.status = $status, a.version = a.version + 1, a.decided_at = $decided_at, a.data = $data
RETURN a.version AS version

// name: upsert_admissions
UNWIND $rows AS r
MERGE (m:Admission {id: r.id})
SET m.site_id = r.site_id, m.provider_id = r.provider_id, m.application_id = r.application_id,
    m.target_group = r.target_group, m.carrier = r.carrier, m.issued_by = r.issued_by,
    m.status = r.status,
    m.decided_at = r.decided_at, m.changed_at = r.changed_at, m.review_due = r.review_due,
    m.reason = r.reason

// name: link_admissions
UNWIND $rows AS r
MATCH (s:Site {id: r.site_id})
MATCH (m:Admission {id: r.id})
WHERE NOT EXISTS { MATCH (s)-[:HAS_ADMISSION]->(m) }
CREATE (s)-[:HAS_ADMISSION]->(m)

// name: admissions_of_sites
MATCH (s:Site)
WHERE s.id IN $site_ids
MATCH (s)-[:HAS_ADMISSION]->(m:Admission)
RETURN m.id AS id, m.site_id AS site_id, m.provider_id AS provider_id,
       m.application_id AS application_id, m.target_group AS target_group,
       m.carrier AS carrier, m.issued_by AS issued_by, m.status AS status,
       m.decided_at AS decided_at,
       m.changed_at AS changed_at, m.review_due AS review_due, m.reason AS reason
ORDER BY m.site_id, m.target_group

// name: admissions_of_provider
MATCH (:Provider {id: $provider_id})-[:HAS_SITE]->(:Site)-[:HAS_ADMISSION]->(m:Admission)
RETURN m.id AS id, m.site_id AS site_id, m.provider_id AS provider_id,
       m.application_id AS application_id, m.target_group AS target_group,
       m.carrier AS carrier, m.issued_by AS issued_by, m.status AS status,
       m.decided_at AS decided_at,
       m.changed_at AS changed_at, m.review_due AS review_due, m.reason AS reason

// name: admissions_due
MATCH (m:Admission)
WHERE m.carrier = $carrier AND m.status IN ['admitted', 'suspended'] AND m.review_due <= $until
RETURN m.site_id AS site_id, m.provider_id AS provider_id, m.carrier AS carrier,
       min(m.review_due) AS review_due
ORDER BY review_due, site_id

// name: create_follow_on
CREATE (f:FollowOnTask {id: $id, application_id: $application_id, site_id: $site_id,
                        carrier: $carrier, status: 'open', created_at: $now, done_at: ''})

// name: follow_ons
MATCH (f:FollowOnTask)
WHERE ($carrier = '' OR f.carrier = $carrier) AND ($status = '' OR f.status = $status)
  AND ($application_id = '' OR f.application_id = $application_id)
RETURN f.id AS id, f.application_id AS application_id, f.site_id AS site_id,
       f.carrier AS carrier, f.status AS status, f.created_at AS created_at,
       f.done_at AS done_at
ORDER BY f.created_at, f.id

// name: get_follow_on
MATCH (f:FollowOnTask {id: $id})
RETURN f.id AS id, f.application_id AS application_id, f.site_id AS site_id,
       f.carrier AS carrier, f.status AS status, f.created_at AS created_at

// name: close_follow_on
MATCH (f:FollowOnTask {id: $id})
WHERE f.status = 'open'
SET f.status = $status, f.done_at = $now
RETURN f.id AS id

// name: create_announcement
CREATE (n:Announcement {id: $id, carriers: $carriers, target_groups: $target_groups,
                        districts: $districts, state: $state, text: $text,
                        open_until: $open_until, created_at: $now, created_by: $created_by})

// name: announcements
MATCH (n:Announcement)
WHERE $today = '' OR n.open_until >= $today
RETURN n.id AS id, n.carriers AS carriers, n.target_groups AS target_groups,
       n.districts AS districts, n.state AS state, n.text AS text,
       n.open_until AS open_until, n.created_at AS created_at
ORDER BY n.open_until, n.id

// name: get_announcement
MATCH (n:Announcement {id: $id})
RETURN n.id AS id, n.open_until AS open_until

// name: all_admissions
MATCH (m:Admission)
RETURN m.id AS id, m.site_id AS site_id, m.provider_id AS provider_id,
       m.application_id AS application_id, m.target_group AS target_group,
       m.carrier AS carrier, m.issued_by AS issued_by, m.status AS status,
       m.decided_at AS decided_at,
       m.changed_at AS changed_at, m.review_due AS review_due, m.reason AS reason
