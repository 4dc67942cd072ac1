// Queries of the admission lifecycle, rules A13–A15 and the task inbox (registry.admission.
// lifecycle_service). Dates and times are ISO strings; they compare as strings.

// name: applications_of_provider
MATCH (a:Application)
WHERE a.provider_id = $provider_id
RETURN a.id AS id, a.provider_id AS provider_id, a.status AS status,
       a.receiving_carrier AS receiving_carrier, a.lead_carrier AS lead_carrier,
       a.site_ids AS site_ids, a.data AS data
ORDER BY a.submitted_at, a.id

// name: awaiting_decision
MATCH (a:Application)
WHERE a.lead_carrier = $carrier AND a.status = 'submitted'
RETURN a.id AS id, a.provider_id AS provider_id, a.forwarded AS forwarded,
       a.submitted_at AS submitted_at
ORDER BY a.submitted_at, a.id

// name: carrier_admissions
MATCH (m:Admission)
WHERE (m.carrier = $carrier OR m.issued_by = $carrier) AND ($status = '' OR m.status = $status)
RETURN m.site_id AS site_id, m.provider_id AS provider_id, m.application_id AS application_id,
       m.target_group AS target_group, m.carrier AS carrier, m.issued_by AS issued_by,
       m.status AS status, m.decided_at AS decided_at, m.review_due AS review_due
ORDER BY m.provider_id, m.site_id, m.target_group

// name: carrier_contracts
MATCH (k:Contract)
WHERE k.carrier = $carrier
RETURN k.provider_id AS provider_id, max(k.signed_on) AS signed_on
ORDER BY provider_id

// name: pending_contracts
MATCH (m:Admission)
WHERE m.issued_by = $carrier AND m.status IN ['admitted', 'suspended']
  AND NOT EXISTS { MATCH (k:Contract) WHERE k.carrier = $carrier AND k.provider_id = m.provider_id }
RETURN m.provider_id AS provider_id, min(m.decided_at) AS since,
       min(m.application_id) AS application_id, count(m) AS admissions
ORDER BY since, provider_id

// name: stale_sites
MATCH (s:Site)
WHERE s.active = true
  AND ($provider_id = '' OR s.provider_id = $provider_id)
  AND ($carrier = '' OR s.responsible_carrier = $carrier)
  AND ((coalesce(s.confirmed_on, '') <> '' AND s.confirmed_on < $before)
       OR (coalesce(s.confirmed_on, '') = '' AND s.created_at < $before))
  AND ($in_force = false OR EXISTS {
        MATCH (m:Admission)
        WHERE m.site_id = s.id AND m.status IN ['admitted', 'suspended', 'awaiting_follow_on'] })
RETURN s.id AS id, s.provider_id AS provider_id, s.name AS name,
       s.responsible_carrier AS responsible_carrier, s.confirmed_on AS confirmed_on,
       s.created_at AS created_at
ORDER BY s.confirmed_on, s.id

// name: delete_case_manager
MATCH (c:CaseManager {id: $id})
WHERE c.provider_id = $provider_id
DETACH DELETE c

// name: staff_tasks
MATCH (t:Task)
WHERE t.provider_id = $provider_id AND t.kind IN $kinds
RETURN t.id AS id, t.status AS status, t.application_id AS application_id, t.carrier AS carrier
ORDER BY t.id

// name: open_tasks
UNWIND $rows AS r
MERGE (t:Task {id: r.id})
SET t.carrier = r.carrier, t.provider_id = r.provider_id, t.kind = r.kind, t.rule = r.rule,
    t.application_id = r.application_id, t.site_id = r.site_id, t.message = r.message,
    t.created_at = r.created_at, t.due_on = r.due_on, t.status = 'open'

// name: set_task_status
UNWIND $ids AS tid
MATCH (t:Task {id: tid})
SET t.status = $status

// name: get_task
MATCH (t:Task {id: $id})
RETURN t.id AS id, t.carrier AS carrier, t.provider_id AS provider_id, t.kind AS kind,
       t.rule AS rule, t.application_id AS application_id, t.status AS status

// name: dismiss_task
MATCH (t:Task {id: $id})
WHERE t.status = 'open'
SET t.status = 'dismissed'
RETURN t.id AS id

// name: set_carrier_profile
// (reference.set_carrier_profile names its parameter $profile, a reserved word in ladybug)
MATCH (c:Carrier {id: $id})
SET c.profile_json = $profile_json
RETURN c.id AS id

// name: providers_led_with_trainees
// Providers with a decided application led by $carrier and a case manager whose Q3 training
// has a start date: only their findings can change with time alone.
MATCH (a:Application)
WHERE a.lead_carrier = $carrier AND a.status = 'decided'
WITH DISTINCT a.provider_id AS pid
MATCH (c:CaseManager)
WHERE c.provider_id = pid AND c.data CONTAINS $marker
RETURN DISTINCT pid AS provider_id
ORDER BY provider_id
