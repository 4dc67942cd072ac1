// Facts read by `registry check` (registry/check.py): what every invariant speaks about, read
// by walking the relationships of the graph model. Read only.

// name: carriers
MATCH (c:Carrier)
RETURN c.id AS id, c.kind AS kind

// name: districts
MATCH (d:District)
OPTIONAL MATCH (c:Carrier)-[:RESPONSIBLE_FOR]->(d)
RETURN d.key AS key, coalesce(c.id, '') AS carrier

// name: providers
MATCH (p:Provider)
RETURN p.id AS id

// name: sites
MATCH (s:Site)
OPTIONAL MATCH (p:Provider)-[:OPERATES]->(s)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(d:District)
OPTIONAL MATCH (c:Carrier)-[:RESPONSIBLE_FOR]->(d)
RETURN s.id AS id, coalesce(p.id, '') AS provider_id, coalesce(d.key, '') AS district_key,
       coalesce(c.id, '') AS responsible_carrier, s.street AS street,
       s.postal_code AS postal_code, s.place AS place

// name: site_districts
MATCH (s:Site)-[:LOCATED_IN]->(d:District)
RETURN s.id AS site_id, d.key AS district_key

// name: provider_sites
MATCH (p:Provider)-[:OPERATES]->(s:Site)
RETURN p.id AS provider_id, s.id AS site_id

// name: applications
MATCH (a:Application)
OPTIONAL MATCH (p:Provider)-[:SUBMITTED]->(a)
OPTIONAL MATCH (a)-[:LED_BY]->(c:Carrier)
RETURN a.id AS id, coalesce(p.id, '') AS provider_id, coalesce(c.id, '') AS lead_carrier,
       a.version AS version, a.status AS status

// name: admissions
MATCH (m:Admission)
OPTIONAL MATCH (s:Site)-[:HAS_ADMISSION]->(m)
OPTIONAL MATCH (p:Provider)-[:OPERATES]->(s)
OPTIONAL MATCH (m)-[:UNDER]->(a:Application)
OPTIONAL MATCH (m)-[:FOR_GROUP]->(t:TargetGroup)
OPTIONAL MATCH (m)-[:ISSUED_BY]->(c:Carrier)
RETURN m.id AS id, coalesce(s.id, '') AS site_id, coalesce(p.id, '') AS provider_id,
       coalesce(a.id, '') AS application_id, coalesce(t.code, '') AS target_group,
       coalesce(c.id, '') AS issued_by, m.status AS status

// name: follow_ons
MATCH (f:FollowOnTask)
OPTIONAL MATCH (f)-[:CONCERNS]->(a:Application)
OPTIONAL MATCH (f)-[:CONCERNS]->(s:Site)
OPTIONAL MATCH (f)-[:ASSIGNED_TO]->(c:Carrier)
RETURN f.id AS id, coalesce(a.id, '') AS application_id, coalesce(s.id, '') AS site_id,
       coalesce(c.id, '') AS carrier, f.status AS status

// name: notices
MATCH (n:Notice)
RETURN n.id AS id, n.subject_type AS subject_type, n.subject_id AS subject_id

// name: agreements
MATCH (g:Agreement)
RETURN g.id AS id

// name: announcements
MATCH (n:Announcement)
RETURN n.id AS id

// name: partners
MATCH (p:Partner)
RETURN p.id AS id

// name: partner_sites
MATCH (s:PartnerSite)
OPTIONAL MATCH (p:Partner)-[:HAS_SITE]->(s)
RETURN s.id AS id, coalesce(p.id, '') AS partner_id, coalesce(p.active, false) AS partner_active

// name: outbox_count
MATCH (o:Outbox)
RETURN count(o) AS n

// --- cardinality: relationships a node must have exactly once (ladybug enforces none of this
// for relationship tables with several pairs, Neo4j none at all) -------------------------------

// name: cardinality
MATCH (s:Site)
WITH 'Site' AS label, 'OPERATES' AS relation, s.id AS id,
     COUNT { MATCH (:Provider)-[:OPERATES]->(s) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (s:Site)
WITH 'Site' AS label, 'LOCATED_IN' AS relation, s.id AS id,
     COUNT { MATCH (s)-[:LOCATED_IN]->(:District) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (m:Admission)
WITH 'Admission' AS label, 'HAS_ADMISSION' AS relation, m.id AS id,
     COUNT { MATCH (:Site)-[:HAS_ADMISSION]->(m) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (m:Admission)
WITH 'Admission' AS label, 'FOR_GROUP' AS relation, m.id AS id,
     COUNT { MATCH (m)-[:FOR_GROUP]->(:TargetGroup) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (m:Admission)
WITH 'Admission' AS label, 'UNDER' AS relation, m.id AS id,
     COUNT { MATCH (m)-[:UNDER]->(:Application) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (a:Application)
WITH 'Application' AS label, 'SUBMITTED' AS relation, a.id AS id,
     COUNT { MATCH (:Provider)-[:SUBMITTED]->(a) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (a:Application)
WITH 'Application' AS label, 'LED_BY' AS relation, a.id AS id,
     COUNT { MATCH (a)-[:LED_BY]->(:Carrier) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (a:Application)
WITH 'Application' AS label, 'SENT_TO' AS relation, a.id AS id,
     COUNT { MATCH (a)-[:SENT_TO]->(:Carrier) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (c:CaseManager)
WITH 'CaseManager' AS label, 'EMPLOYS' AS relation, c.id AS id,
     COUNT { MATCH (:Provider)-[:EMPLOYS]->(c) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (s:PartnerSite)
WITH 'PartnerSite' AS label, 'HAS_SITE' AS relation, s.id AS id,
     COUNT { MATCH (:Partner)-[:HAS_SITE]->(s) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (v:AgreementVersion)
WITH 'AgreementVersion' AS label, 'HAS_VERSION' AS relation, v.id AS id,
     COUNT { MATCH (:Agreement)-[:HAS_VERSION]->(v) } AS n
WHERE n <> 1
RETURN label, relation, id, n
UNION ALL
MATCH (d:District)
WITH 'District' AS label, 'RESPONSIBLE_FOR' AS relation, d.key AS id,
     COUNT { MATCH (:Carrier)-[:RESPONSIBLE_FOR]->(d) } AS n
WHERE n <> 1
RETURN label, relation, id, n
