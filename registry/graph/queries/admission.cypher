// Applications, admissions, follow-on tasks and announcements (issue 12: relationships carry the
// associations). An application: (p:Provider)-[:SUBMITTED]->(a)-[:SENT_TO|LED_BY]->(:Carrier),
// (a)-[:NAMES {position}]->(:Site), (a)-[:REQUESTS {position}]->(:TargetGroup),
// (a)-[:ANSWERS]->(:Announcement). An admission: (:Site)-[:HAS_ADMISSION]->(m)-[:FOR_GROUP]->
// (:TargetGroup), (m)-[:UNDER]->(:Application), (m)-[:ISSUED_BY]->(:Carrier); its provider is the
// one operating the site, its carrier the one responsible for the site's district.
// Lists come with their positions (`*_positions`, the same order as the list) because a
// collect() after ORDER BY keeps no order on ladybug; Python sorts them.

// name: create_application
// Draws SUBMITTED, SENT_TO, LED_BY and the REQUESTS/NAMES edges: $requested_groups
// [{code, position}] and $named_sites [{id, position}] (positions keep the listed order; list
// indexing differs between the engines). The optional ANSWERS edge is
// admission.link_application_announcement, run in the same unit of work.
CREATE (a:Application {id: $id, status: $status, forwarded: $forwarded, version: 1,
                       submitted_at: $now, decided_at: '', data: $data})
WITH a
MATCH (p:Provider {id: $provider_id})
CREATE (p)-[:SUBMITTED]->(a)
WITH a
MATCH (rc:Carrier {id: $receiving_carrier})
CREATE (a)-[:SENT_TO]->(rc)
WITH a
MATCH (lc:Carrier {id: $lead_carrier})
CREATE (a)-[:LED_BY]->(lc)
WITH a
UNWIND $requested_groups AS g
MATCH (t:TargetGroup {code: g.code})
CREATE (a)-[:REQUESTS {position: g.position}]->(t)
WITH a, count(*) AS requested
UNWIND $named_sites AS ns
MATCH (s:Site {id: ns.id})
CREATE (a)-[:NAMES {position: ns.position}]->(s)

// name: link_application_announcement
MATCH (a:Application {id: $id})
MATCH (n:Announcement {id: $announcement_id})
MERGE (a)-[:ANSWERS]->(n)

// name: get_application
MATCH (a:Application {id: $id})
OPTIONAL MATCH (p:Provider)-[:SUBMITTED]->(a)
OPTIONAL MATCH (a)-[:SENT_TO]->(rc:Carrier)
OPTIONAL MATCH (a)-[:LED_BY]->(lc:Carrier)
OPTIONAL MATCH (a)-[:ANSWERS]->(n:Announcement)
WITH a, coalesce(p.id, '') AS provider_id, coalesce(rc.id, '') AS receiving_carrier,
     coalesce(lc.id, '') AS lead_carrier, coalesce(n.id, '') AS announcement_id
OPTIONAL MATCH (a)-[r:REQUESTS]->(t:TargetGroup)
WITH a, provider_id, receiving_carrier, lead_carrier, announcement_id,
     collect(t.code) AS target_groups, collect(r.position) AS target_group_positions
OPTIONAL MATCH (a)-[k:NAMES]->(s:Site)
WITH a, provider_id, receiving_carrier, lead_carrier, announcement_id, target_groups,
     target_group_positions, collect(s.id) AS site_ids, collect(k.position) AS site_positions
RETURN a.id AS id, provider_id, a.status AS status, receiving_carrier, lead_carrier,
       a.forwarded AS forwarded, target_groups, target_group_positions, site_ids,
       site_positions, a.version AS version, a.submitted_at AS submitted_at,
       a.decided_at AS decided_at, announcement_id, a.data AS data

// name: list_applications
// A provider's own ($provider_id), or what involves a carrier ($carrier): it received or leads
// the application, or is responsible for a site it names. Starts from the provider or carrier;
// with neither ('' both) every application.
OPTIONAL MATCH (a0:Application)
WHERE $provider_id = '' AND $carrier = ''
WITH collect(a0.id) AS every
OPTIONAL MATCH (:Provider {id: $provider_id})-[:SUBMITTED]->(a1:Application)
WITH every, collect(a1.id) AS own
OPTIONAL MATCH (:Carrier {id: $carrier})<-[:SENT_TO|LED_BY]-(a2:Application)
WITH every, own, collect(a2.id) AS addressed
OPTIONAL MATCH (:Carrier {id: $carrier})-[:RESPONSIBLE_FOR]->(:District)<-[:LOCATED_IN]-(:Site)
               <-[:NAMES]-(a3:Application)
WITH every, own, addressed, collect(a3.id) AS regional
WITH every + own + addressed + regional AS ids
UNWIND ids AS aid
WITH DISTINCT aid
MATCH (a:Application {id: aid})
WHERE $status = '' OR a.status = $status
MATCH (p:Provider)-[:SUBMITTED]->(a)
WHERE $provider_id = '' OR p.id = $provider_id
OPTIONAL MATCH (a)-[:SENT_TO]->(rc:Carrier)
OPTIONAL MATCH (a)-[:LED_BY]->(lc:Carrier)
OPTIONAL MATCH (a)-[r:REQUESTS]->(t:TargetGroup)
WITH a.id AS id, p.id AS provider_id, a.status AS status, coalesce(rc.id, '') AS receiving_carrier,
     coalesce(lc.id, '') AS lead_carrier, a.forwarded AS forwarded, a.version AS version,
     a.submitted_at AS submitted_at, a.decided_at AS decided_at,
     collect(t.code) AS target_groups, collect(r.position) AS target_group_positions
RETURN id, provider_id, status, receiving_carrier, lead_carrier, forwarded, target_groups,
       target_group_positions, version, submitted_at, decided_at
ORDER BY submitted_at DESC, id

// name: update_application
MATCH (a:Application {id: $id})
WHERE a.version = $version
SET a.status = $status, a.version = a.version + 1, a.decided_at = $decided_at, a.data = $data
RETURN a.version AS version

// name: unlink_admissions
// Before admission.upsert_admissions: an admission asked again under a new application (A9)
// rests on that application and on the carrier issuing it now, not on the earlier ones.
UNWIND $rows AS r
MATCH (m:Admission {id: r.id})-[u:UNDER]->(a:Application)
WHERE a.id <> r.application_id
DELETE u

// name: unlink_admission_issuers
UNWIND $rows AS r
MATCH (m:Admission {id: r.id})-[i:ISSUED_BY]->(c:Carrier)
WHERE c.id <> r.issued_by
DELETE i

// name: upsert_admissions
// Rows carry site_id, application_id, target_group and issued_by ('' = none yet); the optional
// ISSUED_BY edge comes last so a row without an issuer keeps its other edges.
UNWIND $rows AS r
MERGE (m:Admission {id: r.id})
SET m.status = r.status, m.decided_at = r.decided_at, m.changed_at = r.changed_at,
    m.review_due = r.review_due, m.reason = r.reason
WITH m, r
MATCH (s:Site {id: r.site_id})
MERGE (s)-[:HAS_ADMISSION]->(m)
WITH m, r
MATCH (t:TargetGroup {code: r.target_group})
MERGE (m)-[:FOR_GROUP]->(t)
WITH m, r
MATCH (a:Application {id: r.application_id})
MERGE (m)-[:UNDER]->(a)
WITH m, r
MATCH (c:Carrier {id: r.issued_by})
MERGE (m)-[:ISSUED_BY]->(c)

// name: link_admissions
UNWIND $rows AS r
MATCH (s:Site {id: r.site_id})
MATCH (m:Admission {id: r.id})
MERGE (s)-[:HAS_ADMISSION]->(m)

// name: admissions_of_site
// One site at a time: ladybug plans `UNWIND $ids … MATCH (s {id: x})-[…]->` as a join over the
// whole relationship table (25-100 ms at 20,000 sites), one key lookup walks in ~0.1 ms. The
// relationships every admission has are walked with MATCH (an OPTIONAL MATCH is planned as a
// join over the whole table too); its application and issuer come from the two queries below.
MATCH (p:Provider)-[:OPERATES]->(s:Site {id: $site_id})-[:HAS_ADMISSION]->(m:Admission)
MATCH (m)-[:FOR_GROUP]->(t:TargetGroup)
MATCH (s)-[:LOCATED_IN]->(sd:District)<-[:RESPONSIBLE_FOR]-(rc:Carrier)
RETURN m.id AS id, s.id AS site_id, p.id AS provider_id, t.code AS target_group,
       rc.id AS carrier, m.status AS status, m.decided_at AS decided_at,
       m.changed_at AS changed_at, m.review_due AS review_due, m.reason AS reason
ORDER BY target_group

// name: admission_applications_of_site
MATCH (s:Site {id: $site_id})-[:HAS_ADMISSION]->(m:Admission)-[:UNDER]->(a:Application)
RETURN m.id AS id, a.id AS application_id

// name: admission_issuers_of_site
MATCH (s:Site {id: $site_id})-[:HAS_ADMISSION]->(m:Admission)-[:ISSUED_BY]->(c:Carrier)
RETURN m.id AS id, c.id AS issued_by

// name: admissions_of_provider
MATCH (p:Provider {id: $provider_id})-[:OPERATES]->(s:Site)-[:HAS_ADMISSION]->(m:Admission)
MATCH (m)-[:FOR_GROUP]->(t:TargetGroup)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(sd:District)
OPTIONAL MATCH (sd)<-[:RESPONSIBLE_FOR]-(rc:Carrier)
OPTIONAL MATCH (m)-[:UNDER]->(a:Application)
OPTIONAL MATCH (m)-[:ISSUED_BY]->(ic:Carrier)
RETURN m.id AS id, s.id AS site_id, p.id AS provider_id,
       coalesce(a.id, '') AS application_id, t.code AS target_group,
       coalesce(rc.id, '') AS carrier, coalesce(ic.id, '') AS issued_by, m.status AS status,
       m.decided_at AS decided_at,
       m.changed_at AS changed_at, m.review_due AS review_due, m.reason AS reason

// name: admissions_due
// A14: the sites in the carrier's districts with an admission in force due for review.
MATCH (c:Carrier {id: $carrier})-[:RESPONSIBLE_FOR]->(cd:District)
MATCH (s:Site)-[:LOCATED_IN]->(cd)
MATCH (s)-[:HAS_ADMISSION]->(m:Admission)
WHERE m.status IN ['admitted', 'suspended'] AND m.review_due <= $until
MATCH (p:Provider)-[:OPERATES]->(s)
RETURN s.id AS site_id, p.id AS provider_id, c.id AS carrier, min(m.review_due) AS review_due
ORDER BY review_due, site_id

// name: create_follow_on
CREATE (f:FollowOnTask {id: $id, status: 'open', created_at: $now, done_at: ''})
WITH f
MATCH (a:Application {id: $application_id})
CREATE (f)-[:CONCERNS]->(a)
WITH f
MATCH (s:Site {id: $site_id})
CREATE (f)-[:CONCERNS]->(s)
WITH f
MATCH (c:Carrier {id: $carrier})
CREATE (f)-[:ASSIGNED_TO]->(c)

// name: follow_ons
MATCH (f:FollowOnTask)
WHERE ($status = '' OR f.status = $status)
  AND ($carrier = '' OR EXISTS { MATCH (f)-[:ASSIGNED_TO]->(:Carrier {id: $carrier}) })
  AND ($application_id = ''
       OR EXISTS { MATCH (f)-[:CONCERNS]->(:Application {id: $application_id}) })
MATCH (f)-[:CONCERNS]->(a:Application)
MATCH (f)-[:CONCERNS]->(s:Site)
MATCH (f)-[:ASSIGNED_TO]->(c:Carrier)
RETURN f.id AS id, a.id AS application_id, s.id AS site_id,
       c.id AS carrier, f.status AS status, f.created_at AS created_at,
       f.done_at AS done_at
ORDER BY created_at, id

// name: get_follow_on
MATCH (f:FollowOnTask {id: $id})
MATCH (f)-[:CONCERNS]->(a:Application)
MATCH (f)-[:CONCERNS]->(s:Site)
MATCH (f)-[:ASSIGNED_TO]->(c:Carrier)
RETURN f.id AS id, a.id AS application_id, s.id AS site_id,
       c.id AS carrier, f.status AS status, f.created_at AS created_at, f.done_at AS done_at

// name: close_follow_on
MATCH (f:FollowOnTask {id: $id})
WHERE f.status = 'open'
SET f.status = $status, f.done_at = $now
RETURN f.id AS id

// name: create_announcement
// The node and its author; the carriers that join, the groups it seeks and the region it
// covers are admission.link_announcement_*, run in the same unit of work.
CREATE (n:Announcement {id: $id, text: $text, open_until: $open_until, created_at: $now})
WITH n
MATCH (u:User {id: $created_by})
CREATE (u)-[:AUTHORED]->(n)

// Rule A12 with N4: the author's carrier joins confirmed; every other named carrier joins
// unconfirmed until one of its officers or strategists confirms (admission.confirm_announcement).
// name: link_announcement_carriers
MATCH (n:Announcement {id: $id})
UNWIND $carriers AS cid
MATCH (c:Carrier {id: cid})
MERGE (c)-[j:JOINS]->(n)
ON CREATE SET j.confirmed = CASE WHEN cid = $confirmed_carrier THEN true ELSE false END

// name: confirm_announcement
MATCH (c:Carrier {id: $carrier})-[j:JOINS]->(n:Announcement {id: $id})
SET j.confirmed = true
RETURN n.id AS id

// name: link_announcement_target_groups
MATCH (n:Announcement {id: $id})
UNWIND $target_groups AS code
MATCH (t:TargetGroup {code: code})
MERGE (n)-[:SEEKS]->(t)

// name: link_announcement_districts
MATCH (n:Announcement {id: $id})
UNWIND $districts AS key
MATCH (d:District {key: key})
MERGE (n)-[:COVERS]->(d)

// name: link_announcement_state
MATCH (n:Announcement {id: $id})
MATCH (s:State)
WHERE s.name = $state
MERGE (n)-[:COVERS]->(s)

// name: announcements
MATCH (n:Announcement)
WHERE $today = '' OR n.open_until >= $today
OPTIONAL MATCH (c:Carrier)-[:JOINS]->(n)
WITH n, collect(c.id) AS carriers
OPTIONAL MATCH (u:Carrier)-[uj:JOINS]->(n)
WHERE uj.confirmed = false
WITH n, carriers, collect(u.id) AS pending
OPTIONAL MATCH (n)-[:SEEKS]->(t:TargetGroup)
WITH n, carriers, pending, collect(t.code) AS target_groups
OPTIONAL MATCH (n)-[:COVERS]->(d:District)
WITH n, carriers, pending, target_groups, collect(d.key) AS districts
OPTIONAL MATCH (n)-[:COVERS]->(s:State)
WITH n, carriers, pending, target_groups, districts, coalesce(min(s.name), '') AS state
RETURN n.id AS id, carriers, pending, target_groups, districts, state, n.text AS text,
       n.open_until AS open_until, n.created_at AS created_at
ORDER BY open_until, id

// An announcement and the carriers named on it that have yet to confirm (A12: published once
// none is left).
// name: get_announcement
MATCH (n:Announcement {id: $id})
OPTIONAL MATCH (u:Carrier)-[uj:JOINS]->(n)
WHERE uj.confirmed = false
RETURN n.id AS id, n.open_until AS open_until, count(u) AS pending

// name: all_admissions
MATCH (s:Site)-[:HAS_ADMISSION]->(m:Admission)-[:FOR_GROUP]->(t:TargetGroup)
OPTIONAL MATCH (p:Provider)-[:OPERATES]->(s)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(sd:District)
OPTIONAL MATCH (sd)<-[:RESPONSIBLE_FOR]-(rc:Carrier)
OPTIONAL MATCH (m)-[:UNDER]->(a:Application)
OPTIONAL MATCH (m)-[:ISSUED_BY]->(ic:Carrier)
RETURN m.id AS id, s.id AS site_id, coalesce(p.id, '') AS provider_id,
       coalesce(a.id, '') AS application_id, t.code AS target_group,
       coalesce(rc.id, '') AS carrier, coalesce(ic.id, '') AS issued_by, m.status AS status,
       m.decided_at AS decided_at,
       m.changed_at AS changed_at, m.review_due AS review_due, m.reason AS reason
