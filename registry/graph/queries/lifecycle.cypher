// Queries of the admission lifecycle, rules A13–A15 and the task inbox; named only by
// registry.lifecycle.repository. Dates and times are ISO strings; they compare as strings.
// Associations are relationships (issue 12); see admission.cypher for the application's edges.

// name: applications_of_provider
MATCH (p:Provider {id: $provider_id})-[:SUBMITTED]->(a:Application)
OPTIONAL MATCH (a)-[:SENT_TO]->(rc:Carrier)
OPTIONAL MATCH (a)-[:LED_BY]->(lc:Carrier)
WITH p, a, coalesce(rc.id, '') AS receiving_carrier, coalesce(lc.id, '') AS lead_carrier
OPTIONAL MATCH (a)-[k:NAMES]->(s:Site)
WITH p, a, receiving_carrier, lead_carrier,
     collect(s.id) AS site_ids, collect(k.position) AS site_positions
RETURN a.id AS id, p.id AS provider_id, a.status AS status,
       receiving_carrier, lead_carrier, site_ids, site_positions, a.data AS data,
       a.submitted_at AS submitted_at
ORDER BY submitted_at, id

// name: awaiting_decision
MATCH (:Carrier {id: $carrier})<-[:LED_BY]-(a:Application)
WHERE a.status = 'submitted'
MATCH (p:Provider)-[:SUBMITTED]->(a)
RETURN a.id AS id, p.id AS provider_id, a.forwarded AS forwarded,
       a.submitted_at AS submitted_at
ORDER BY submitted_at, id

// name: carrier_admissions
// The admissions of the sites in the carrier's districts and those it issued, one row each.
OPTIONAL MATCH (:Carrier {id: $carrier})-[:RESPONSIBLE_FOR]->(:District)<-[:LOCATED_IN]-(:Site)
               -[:HAS_ADMISSION]->(m1:Admission)
WITH collect(m1.id) AS regional
OPTIONAL MATCH (:Carrier {id: $carrier})<-[:ISSUED_BY]-(m2:Admission)
WITH regional, collect(m2.id) AS issued
WITH regional + issued AS ids
UNWIND ids AS mid
WITH DISTINCT mid
MATCH (s:Site)-[:HAS_ADMISSION]->(m:Admission {id: mid})
WHERE $status = '' OR m.status = $status
MATCH (m)-[:FOR_GROUP]->(t:TargetGroup)
MATCH (p:Provider)-[:OPERATES]->(s)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(sd:District)
OPTIONAL MATCH (sd)<-[:RESPONSIBLE_FOR]-(rc:Carrier)
OPTIONAL MATCH (m)-[:UNDER]->(a:Application)
OPTIONAL MATCH (m)-[:ISSUED_BY]->(ic:Carrier)
RETURN s.id AS site_id, p.id AS provider_id, coalesce(a.id, '') AS application_id,
       t.code AS target_group, coalesce(rc.id, '') AS carrier, coalesce(ic.id, '') AS issued_by,
       m.status AS status, m.decided_at AS decided_at, m.review_due AS review_due
ORDER BY provider_id, site_id, target_group

// name: carrier_contracts
MATCH (:Carrier {id: $carrier})-[k:CONTRACTED]->(p:Provider)
RETURN p.id AS provider_id, max(k.signed_on) AS signed_on
ORDER BY provider_id

// name: pending_contracts
// A13: providers with an admission in force the carrier issued but no contract with it.
MATCH (c:Carrier {id: $carrier})<-[:ISSUED_BY]-(m:Admission)
WHERE m.status IN ['admitted', 'suspended']
MATCH (p:Provider)-[:OPERATES]->(:Site)-[:HAS_ADMISSION]->(m)
WHERE NOT EXISTS { MATCH (c)-[:CONTRACTED]->(p) }
OPTIONAL MATCH (m)-[:UNDER]->(a:Application)
WITH p.id AS provider_id, min(m.decided_at) AS since, min(a.id) AS application_id,
     count(m) AS admissions
RETURN provider_id, since, coalesce(application_id, '') AS application_id, admissions
ORDER BY since, provider_id

// name: stale_sites
// Sites of one provider ($provider_id) or in one carrier's districts ($carrier); the callers
// give at least one of the two (with neither, unlike before issue 12, no site is listed).
OPTIONAL MATCH (:Provider {id: $provider_id})-[:OPERATES]->(s1:Site)
WITH collect(s1.id) AS own
OPTIONAL MATCH (:Carrier {id: $carrier})-[:RESPONSIBLE_FOR]->(:District)<-[:LOCATED_IN]-(s2:Site)
WITH own, collect(s2.id) AS regional
WITH own + regional AS ids
UNWIND ids AS sid
WITH DISTINCT sid
MATCH (s:Site {id: sid})
WHERE s.active = true
  AND ((coalesce(s.confirmed_on, '') <> '' AND s.confirmed_on < $before)
       OR (coalesce(s.confirmed_on, '') = '' AND s.created_at < $before))
  AND ($in_force = false OR EXISTS {
        MATCH (s)-[:HAS_ADMISSION]->(m:Admission)
        WHERE m.status IN ['admitted', 'suspended', 'awaiting_follow_on'] })
MATCH (p:Provider)-[:OPERATES]->(s)
WHERE $provider_id = '' OR p.id = $provider_id
OPTIONAL MATCH (s)-[:LOCATED_IN]->(sd:District)
OPTIONAL MATCH (sd)<-[:RESPONSIBLE_FOR]-(rc:Carrier)
WITH s, p, coalesce(rc.id, '') AS responsible_carrier
WHERE $carrier = '' OR responsible_carrier = $carrier
RETURN s.id AS id, p.id AS provider_id, s.name AS name,
       responsible_carrier, s.confirmed_on AS confirmed_on,
       s.created_at AS created_at
ORDER BY confirmed_on, id

// name: delete_case_manager
MATCH (:Provider {id: $provider_id})-[:EMPLOYS]->(c:CaseManager {id: $id})
DETACH DELETE c

// name: staff_tasks
MATCH (:Provider {id: $provider_id})<-[:CONCERNS]-(t:Task)
WHERE t.kind IN $kinds
OPTIONAL MATCH (t)-[:CONCERNS]->(a:Application)
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(c:Carrier)
RETURN t.id AS id, t.status AS status, coalesce(a.id, '') AS application_id,
       coalesce(c.id, '') AS carrier
ORDER BY id

// name: open_tasks
// The task nodes; their edges are lifecycle.link_tasks_* in the same unit of work (each row's
// carrier, provider, application and site are optional: '' draws no edge).
UNWIND $rows AS r
MERGE (t:Task {id: r.id})
SET t.kind = r.kind, t.rule = r.rule, t.message = r.message,
    t.created_at = r.created_at, t.due_on = r.due_on, t.status = 'open'

// name: link_tasks_carrier
UNWIND $rows AS r
MATCH (t:Task {id: r.id})
MATCH (c:Carrier {id: r.carrier})
MERGE (t)-[:ASSIGNED_TO]->(c)

// name: link_tasks_provider
UNWIND $rows AS r
MATCH (t:Task {id: r.id})
MATCH (p:Provider {id: r.provider_id})
MERGE (t)-[:CONCERNS]->(p)

// name: link_tasks_application
UNWIND $rows AS r
MATCH (t:Task {id: r.id})
MATCH (a:Application {id: r.application_id})
MERGE (t)-[:CONCERNS]->(a)

// name: link_tasks_site
UNWIND $rows AS r
MATCH (t:Task {id: r.id})
MATCH (s:Site {id: r.site_id})
MERGE (t)-[:CONCERNS]->(s)

// name: set_task_status
UNWIND $ids AS tid
MATCH (t:Task {id: tid})
SET t.status = $status

// name: get_task
MATCH (t:Task {id: $id})
OPTIONAL MATCH (t)-[:ASSIGNED_TO]->(c:Carrier)
OPTIONAL MATCH (t)-[:CONCERNS]->(p:Provider)
OPTIONAL MATCH (t)-[:CONCERNS]->(a:Application)
RETURN t.id AS id, coalesce(c.id, '') AS carrier, coalesce(p.id, '') AS provider_id,
       t.kind AS kind, t.rule AS rule, coalesce(a.id, '') AS application_id,
       t.status AS status

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

// name: providers_with_trainees
// Providers with a decided application led by $carrier or an admission in force it issued (A15:
// every issuing carrier has its own task), and a case manager whose Q3 training has a start
// date: only their findings can change with time alone.
OPTIONAL MATCH (:Carrier {id: $carrier})<-[:LED_BY]-(a:Application)<-[:SUBMITTED]-(p1:Provider)
WHERE a.status = 'decided'
WITH collect(p1.id) AS led
OPTIONAL MATCH (:Carrier {id: $carrier})<-[:ISSUED_BY]-(m:Admission)<-[:HAS_ADMISSION]-(:Site)
               <-[:OPERATES]-(p2:Provider)
WHERE m.status IN ['admitted', 'suspended']
WITH led, collect(p2.id) AS issued
WITH led + issued AS ids
UNWIND ids AS pid
WITH DISTINCT pid
MATCH (p:Provider {id: pid})-[:EMPLOYS]->(c:CaseManager)
WHERE c.data CONTAINS $marker
RETURN DISTINCT p.id AS provider_id
ORDER BY provider_id
