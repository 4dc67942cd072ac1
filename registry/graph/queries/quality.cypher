// Quality assurance (rule A16): visits, complaint counts, yearly reports (migration 008).
// Only registry/quality/repository.py names these queries.

// name: provider
MATCH (p:Provider {id: $provider})
RETURN p.id AS id, p.name AS name

// name: admits
// §9/A16: the carrier issued an admission in force for a site of the provider (one traversal
// from the carrier along ISSUED_BY to the provider's sites).
MATCH (:Carrier {id: $carrier})<-[:ISSUED_BY]-(m:Admission)<-[:HAS_ADMISSION]-(:Site)
      <-[:OPERATES]-(:Provider {id: $provider})
WHERE m.status IN ['admitted', 'suspended']
RETURN count(m) AS admissions

// name: admitting_carriers
MATCH (:Provider {id: $provider})-[:OPERATES]->(:Site)-[:HAS_ADMISSION]->(m:Admission)
      -[:ISSUED_BY]->(c:Carrier)
WHERE m.status IN ['admitted', 'suspended']
RETURN DISTINCT c.id AS id
ORDER BY id

// name: admitted_since
// The first decision among the provider's admissions in force ('' when it has none).
MATCH (p:Provider {id: $provider})
OPTIONAL MATCH (p)-[:OPERATES]->(:Site)-[:HAS_ADMISSION]->(m:Admission)
WHERE m.status IN ['admitted', 'suspended']
RETURN coalesce(min(m.decided_at), '') AS since

// name: last_review
// A14: the latest review confirming an admission of the provider, by one carrier ('' = any).
MATCH (:Provider {id: $provider})-[:SUBMITTED]->(:Application)-[:LOGGED]->(e:Event)
WHERE e.action = 'admission.confirmed' AND ($carrier = '' OR e.carrier = $carrier)
RETURN coalesce(max(e.at), '') AS at

// name: create_visit
MATCH (p:Provider {id: $provider})
MATCH (c:Carrier {id: $carrier})
CREATE (v:Visit {id: $id, planned_on: $planned_on, note: $note, done_on: '', finding: '',
                 created_at: $now, done_at: ''})
CREATE (v)-[:CONCERNS]->(p)
CREATE (c)-[:PLANNED]->(v)
RETURN v.id AS id

// name: invite
UNWIND $carriers AS carrier
MATCH (c:Carrier {id: carrier})
MATCH (v:Visit {id: $id})
MERGE (c)-[i:INVITED]->(v)
ON CREATE SET i.since = $now

// name: authored_visit
// The user who planned the visit (a user acting for the carrier).
MATCH (u:User {id: $user})
MATCH (v:Visit {id: $id})
MERGE (u)-[:AUTHORED]->(v)

// name: authored_complaint
MATCH (u:User {id: $user})
MATCH (k:ComplaintCount {id: $id})
MERGE (u)-[:AUTHORED]->(k)

// name: authored_report
MATCH (u:User {id: $user})
MATCH (r:YearlyReport {id: $id})
MERGE (u)-[:AUTHORED]->(r)

// name: join_visit
// The carrier takes part; its invitation, if any, is answered. Returns the visit only when
// it is still open and the carrier did not take part yet.
MATCH (c:Carrier {id: $carrier})
MATCH (v:Visit {id: $id})
WHERE v.done_on = '' AND NOT EXISTS { MATCH (c)-[:JOINED]->(v) }
  AND NOT EXISTS { MATCH (c)-[:PLANNED]->(v) }
CREATE (c)-[:JOINED {since: $now}]->(v)
WITH c, v
OPTIONAL MATCH (c)-[i:INVITED]->(v)
DELETE i
RETURN v.id AS id

// name: record_done
MATCH (v:Visit {id: $id})
WHERE v.done_on = ''
SET v.done_on = $done_on, v.finding = $finding, v.done_at = $now
RETURN v.id AS id

// name: visits
// The provider's visits ($id = '': all of them) with the carriers planning, joined and invited.
MATCH (:Provider {id: $provider})<-[:CONCERNS]-(v:Visit)
WHERE $id = '' OR v.id = $id
MATCH (planner:Carrier)-[:PLANNED]->(v)
OPTIONAL MATCH (j:Carrier)-[:JOINED]->(v)
WITH v, planner, collect(j.id) AS joined
OPTIONAL MATCH (i:Carrier)-[:INVITED]->(v)
WITH v, planner, joined, collect(i.id) AS invited
RETURN v.id AS id, v.planned_on AS planned_on, v.note AS note, v.done_on AS done_on,
       v.finding AS finding, v.created_at AS created_at, v.done_at AS done_at,
       planner.id AS planner, joined, invited
ORDER BY planned_on, id

// name: open_visits_of_carrier
// The open visits a carrier planned, joined or is invited to (its task inbox).
MATCH (c:Carrier {id: $carrier})
MATCH (p:Provider)<-[:CONCERNS]-(v:Visit)<-[:PLANNED]-(planner:Carrier)
WHERE v.done_on = ''
OPTIONAL MATCH (c)-[i:INVITED]->(v)
OPTIONAL MATCH (c)-[j:JOINED]->(v)
WITH c, p, v, planner, i, j
WHERE planner.id = c.id OR i IS NOT NULL OR j IS NOT NULL
RETURN v.id AS id, p.id AS provider_id, p.name AS provider_name, v.planned_on AS planned_on,
       v.created_at AS created_at, planner.id AS planner,
       coalesce(i.since, '') AS invited_since
ORDER BY planned_on, id

// name: save_complaint
MATCH (p:Provider {id: $provider})
MATCH (c:Carrier {id: $carrier})
MERGE (k:ComplaintCount {id: $id})
ON CREATE SET k.month = $month, k.category = $category
SET k.count = $count, k.recorded_at = $now
MERGE (k)-[:CONCERNS]->(p)
MERGE (k)-[:RECORDED_BY]->(c)
RETURN k.id AS id

// name: complaints
MATCH (:Provider {id: $provider})<-[:CONCERNS]-(k:ComplaintCount)-[:RECORDED_BY]->(c:Carrier)
RETURN k.month AS month, k.category AS category, k.count AS count, c.id AS carrier,
       k.recorded_at AS recorded_at
ORDER BY month, category, carrier

// name: save_report
MATCH (p:Provider {id: $provider})
MERGE (r:YearlyReport {id: $id})
ON CREATE SET r.year = $year
SET r.in_person = $in_person, r.outreach = $outreach, r.remote = $remote,
    r.completed = $completed, r.goal_reached = $goal_reached,
    r.return_to_work = $return_to_work, r.reported_at = $now
MERGE (p)-[:REPORTED]->(r)
RETURN r.id AS id

// name: clear_report_cases
MATCH (:YearlyReport {id: $id})-[k:CASES]->(:TargetGroup)
DELETE k

// name: add_report_cases
UNWIND $rows AS row
MATCH (r:YearlyReport {id: $id})
MATCH (t:TargetGroup {code: row.code})
CREATE (r)-[:CASES {count: row.count}]->(t)

// name: reports
MATCH (:Provider {id: $provider})-[:REPORTED]->(r:YearlyReport)
OPTIONAL MATCH (r)-[k:CASES]->(t:TargetGroup)
WITH r, collect({code: t.code, count: k.count}) AS cases
RETURN r.year AS year, r.in_person AS in_person, r.outreach AS outreach, r.remote AS remote,
       r.completed AS completed, r.goal_reached AS goal_reached,
       r.return_to_work AS return_to_work, r.reported_at AS reported_at, cases
ORDER BY year
