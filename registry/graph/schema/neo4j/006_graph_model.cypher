// The graph model (issue 12) on Neo4j: the same relationships as the embedded migration of the
// same name; Neo4j has no tables, so the old properties are set to null and their indexes dropped.
// Lists are 0-based here (1-based on ladybug). See docs/architecture.md, "The graph model".
CREATE CONSTRAINT state_code IF NOT EXISTS FOR (n:State) REQUIRE n.code IS UNIQUE;
CREATE INDEX contracted_id IF NOT EXISTS FOR ()-[r:CONTRACTED]-() ON (r.id);
//
// --- new tables --------------------------------------------------------------------------------
//
// --- backfill from the old properties ------------------------------------------------------------
MATCH (d:District) WHERE coalesce(d.state_code, '') <> '' MERGE (s:State {code: d.state_code}) ON CREATE SET s.name = d.state;
MATCH (d:District) WHERE coalesce(d.state_code, '') <> '' MATCH (s:State {code: d.state_code}) MERGE (d)-[:IN_STATE]->(s);
MATCH (p:PostalPlace) MATCH (d:District {key: p.district_key}) MERGE (p)-[:LOCATED_IN]->(d);
MATCH (s:Site)-[old:IN_DISTRICT]->(d:District) MERGE (s)-[:LOCATED_IN]->(d) DELETE old;
MATCH (s:Site) WHERE NOT EXISTS { MATCH (s)-[:LOCATED_IN]->(:District) } MATCH (d:District {key: s.district_key}) MERGE (s)-[:LOCATED_IN]->(d);
MATCH (s:PartnerSite) MATCH (d:District {key: s.district_key}) MERGE (s)-[:LOCATED_IN]->(d);
MATCH (u:User) WHERE coalesce(u.carrier, '') <> '' MATCH (c:Carrier {id: u.carrier}) MERGE (u)-[:MEMBER_OF]->(c);
MATCH (u:User) WHERE coalesce(u.provider, '') <> '' MATCH (p:Provider {id: u.provider}) MERGE (u)-[:ACTS_FOR]->(p);
MATCH (p:Provider)-[old:HAS_SITE]->(s:Site) MERGE (p)-[:OPERATES]->(s) DELETE old;
MATCH (s:Site) WHERE NOT EXISTS { MATCH (:Provider)-[:OPERATES]->(s) } MATCH (p:Provider {id: s.provider_id}) MERGE (p)-[:OPERATES]->(s);
MATCH (c:CaseManager) MATCH (p:Provider {id: c.provider_id}) MERGE (p)-[:EMPLOYS]->(c);
MATCH (a:Application) MATCH (p:Provider {id: a.provider_id}) MERGE (p)-[:SUBMITTED]->(a);
MATCH (a:Application) MATCH (c:Carrier {id: a.receiving_carrier}) MERGE (a)-[:SENT_TO]->(c);
MATCH (a:Application) MATCH (c:Carrier {id: a.lead_carrier}) MERGE (a)-[:LED_BY]->(c);
MATCH (a:Application) UNWIND range(0, size(a.site_ids) - 1) AS i MATCH (s:Site {id: a.site_ids[i]}) MERGE (a)-[r:NAMES]->(s) ON CREATE SET r.position = i;
MATCH (a:Application) UNWIND range(0, size(a.target_groups) - 1) AS i MATCH (t:TargetGroup {code: a.target_groups[i]}) MERGE (a)-[r:REQUESTS]->(t) ON CREATE SET r.position = i;
MATCH (a:Application) WHERE coalesce(a.announcement_id, '') <> '' MATCH (n:Announcement {id: a.announcement_id}) MERGE (a)-[:ANSWERS]->(n);
MATCH (m:Admission) WHERE NOT EXISTS { MATCH (:Site)-[:HAS_ADMISSION]->(m) } MATCH (s:Site {id: m.site_id}) MERGE (s)-[:HAS_ADMISSION]->(m);
MATCH (m:Admission) MATCH (t:TargetGroup {code: m.target_group}) MERGE (m)-[:FOR_GROUP]->(t);
MATCH (m:Admission) WHERE coalesce(m.application_id, '') <> '' MATCH (a:Application {id: m.application_id}) MERGE (m)-[:UNDER]->(a);
MATCH (m:Admission) WHERE coalesce(m.issued_by, '') <> '' MATCH (c:Carrier {id: m.issued_by}) MERGE (m)-[:ISSUED_BY]->(c);
MATCH (f:FollowOnTask) MATCH (a:Application {id: f.application_id}) MERGE (f)-[:CONCERNS]->(a);
MATCH (f:FollowOnTask) MATCH (s:Site {id: f.site_id}) MERGE (f)-[:CONCERNS]->(s);
MATCH (f:FollowOnTask) MATCH (c:Carrier {id: f.carrier}) MERGE (f)-[:ASSIGNED_TO]->(c);
MATCH (t:Task) WHERE coalesce(t.carrier, '') <> '' MATCH (c:Carrier {id: t.carrier}) MERGE (t)-[:ASSIGNED_TO]->(c);
MATCH (t:Task) WHERE coalesce(t.provider_id, '') <> '' MATCH (p:Provider {id: t.provider_id}) MERGE (t)-[:CONCERNS]->(p);
MATCH (t:Task) WHERE coalesce(t.application_id, '') <> '' MATCH (a:Application {id: t.application_id}) MERGE (t)-[:CONCERNS]->(a);
MATCH (t:Task) WHERE coalesce(t.site_id, '') <> '' MATCH (s:Site {id: t.site_id}) MERGE (t)-[:CONCERNS]->(s);
MATCH (n:Notice) MATCH (c:Carrier {id: n.carrier}) MERGE (n)-[:ASSIGNED_TO]->(c);
MATCH (n:Notice) WHERE coalesce(n.acknowledged_by, '') <> '' MATCH (u:User {id: n.acknowledged_by}) MERGE (u)-[:ACKNOWLEDGED]->(n);
MATCH (k:Contract) MATCH (c:Carrier {id: k.carrier}) MATCH (p:Provider {id: k.provider_id}) MERGE (c)-[r:CONTRACTED {id: k.id}]->(p) ON CREATE SET r.signed_on = k.signed_on, r.model_contract_version = k.model_contract_version, r.recorded_at = k.recorded_at;
MATCH (n:Announcement) UNWIND n.carriers AS cid MATCH (c:Carrier {id: cid}) MERGE (c)-[r:JOINS]->(n) ON CREATE SET r.confirmed = true;
MATCH (n:Announcement) UNWIND n.target_groups AS code MATCH (t:TargetGroup {code: code}) MERGE (n)-[:SEEKS]->(t);
MATCH (n:Announcement) UNWIND n.districts AS key MATCH (d:District {key: key}) MERGE (n)-[:COVERS]->(d);
MATCH (n:Announcement) WHERE coalesce(n.state, '') <> '' MATCH (s:State {name: n.state}) MERGE (n)-[:COVERS]->(s);
MATCH (n:Announcement) WHERE coalesce(n.created_by, '') <> '' MATCH (u:User {id: n.created_by}) MERGE (u)-[:AUTHORED]->(n);
MATCH (p:Partner) UNWIND p.target_groups AS code MATCH (t:TargetGroup {code: code}) MERGE (p)-[:SERVES]->(t);
MATCH (p:Partner) UNWIND p.carriers AS cid MATCH (c:Carrier {id: cid}) MERGE (c)-[:WORKS_WITH]->(p);
MATCH (a:Agreement) UNWIND a.carriers AS cid MATCH (c:Carrier {id: cid}) MERGE (c)-[r:PARTY_TO]->(a) ON CREATE SET r.since = a.created_at;
MATCH (a:Agreement) UNWIND a.partners AS pid MATCH (p:Partner {id: pid}) MERGE (a)-[:WITH_PARTNER]->(p);
MATCH (a:Agreement) UNWIND a.scope_districts AS key MATCH (d:District {key: key}) MERGE (a)-[:COVERS]->(d);
MATCH (a:Agreement) WHERE coalesce(a.scope_state, '') <> '' MATCH (s:State {name: a.scope_state}) MERGE (a)-[:COVERS]->(s);
MATCH (a:Agreement) WHERE coalesce(a.created_by_carrier, '') <> '' MATCH (c:Carrier {id: a.created_by_carrier}) MERGE (a)-[:CREATED_BY]->(c);
MATCH (v:AgreementVersion) MATCH (a:Agreement {id: v.agreement_id}) MERGE (a)-[:HAS_VERSION]->(v);
MATCH (v:AgreementVersion) WHERE coalesce(v.actor, '') <> '' MATCH (u:User {id: v.actor}) MERGE (u)-[:AUTHORED]->(v);
MATCH (x:UnmetNeed) MATCH (c:Carrier {id: x.carrier}) MERGE (x)-[:ASSIGNED_TO]->(c);
MATCH (x:UnmetNeed) MATCH (d:District {key: x.district_key}) MERGE (x)-[:LOCATED_IN]->(d);
MATCH (x:UnmetNeed) UNWIND x.target_groups AS code MATCH (t:TargetGroup {code: code}) MERGE (x)-[:SEEKS]->(t);
MATCH (d:PortalDraft) MATCH (p:Provider {id: d.provider_id}) MERGE (d)-[:CONCERNS]->(p);
MATCH (d:PortalDraft) WHERE coalesce(d.user_id, '') <> '' MATCH (u:User {id: d.user_id}) MERGE (u)-[:AUTHORED]->(d);
//
// --- rule A9: a site exists once (registry/graph/schema/steps.py) --------------------------------
//! step: merge_duplicate_sites
//
// --- the old properties and tables go --------------------------------------------------------------
MATCH (p:Partner)-[old:PARTNER_SITE]->(s:PartnerSite) MERGE (p)-[:HAS_SITE]->(s) DELETE old;
MATCH (k:Contract) DETACH DELETE k;
MATCH (n:District) SET n.carrier = null, n.state = null, n.state_code = null;
MATCH (n:PostalPlace) SET n.district_key = null;
MATCH (n:User) SET n.carrier = null, n.provider = null;
MATCH (n:Site) SET n.provider_id = null, n.district_key = null, n.responsible_carrier = null;
MATCH (n:CaseManager) SET n.provider_id = null;
MATCH (n:Application) SET n.provider_id = null, n.receiving_carrier = null, n.lead_carrier = null, n.target_groups = null, n.site_ids = null, n.announcement_id = null;
MATCH (n:Admission) SET n.site_id = null, n.provider_id = null, n.application_id = null, n.target_group = null, n.carrier = null, n.issued_by = null;
MATCH (n:FollowOnTask) SET n.application_id = null, n.site_id = null, n.carrier = null;
MATCH (n:Task) SET n.carrier = null, n.provider_id = null, n.application_id = null, n.site_id = null;
MATCH (n:Notice) SET n.carrier = null, n.acknowledged_by = null;
MATCH (n:Announcement) SET n.carriers = null, n.target_groups = null, n.districts = null, n.state = null, n.created_by = null;
MATCH (n:Partner) SET n.target_groups = null, n.carriers = null;
MATCH (n:PartnerSite) SET n.partner_id = null, n.district_key = null;
MATCH (n:Agreement) SET n.carriers = null, n.partners = null, n.scope_districts = null, n.scope_state = null, n.created_by_carrier = null;
MATCH (n:AgreementVersion) SET n.agreement_id = null, n.actor = null;
MATCH (n:UnmetNeed) SET n.carrier = null, n.district_key = null, n.target_groups = null;
MATCH (n:PortalDraft) SET n.provider_id = null, n.user_id = null;
DROP INDEX site_provider_id IF EXISTS;
DROP INDEX site_district_key IF EXISTS;
DROP INDEX application_provider_id IF EXISTS;
DROP INDEX application_lead_carrier IF EXISTS;
DROP INDEX admission_site_id IF EXISTS;
DROP INDEX admission_provider_id IF EXISTS;
DROP INDEX followontask_carrier IF EXISTS;
DROP INDEX notice_carrier IF EXISTS;
DROP INDEX task_carrier IF EXISTS;
DROP INDEX casemanager_provider_id IF EXISTS;
DROP INDEX partnersite_partner_id IF EXISTS;
DROP INDEX contract_carrier IF EXISTS;
DROP INDEX contract_provider_id IF EXISTS;
DROP INDEX task_provider_id IF EXISTS;
DROP INDEX admission_issued_by IF EXISTS;
DROP INDEX admission_carrier IF EXISTS;
DROP INDEX site_responsible_carrier IF EXISTS;
DROP INDEX agreementversion_agreement_id IF EXISTS;
DROP INDEX unmetneed_district_key IF EXISTS;
DROP INDEX admission_target_group IF EXISTS;
DROP CONSTRAINT contract_id IF EXISTS;
