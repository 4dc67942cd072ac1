// Facts read by `registry check` (registry/check.py): plain columns of every table an invariant
// speaks about. Read only.

// name: carriers
MATCH (c:Carrier)
RETURN c.id AS id, c.kind AS kind

// name: districts
MATCH (d:District)
RETURN d.key AS key, d.carrier AS carrier

// name: providers
MATCH (p:Provider)
RETURN p.id AS id

// name: sites
MATCH (s:Site)
RETURN s.id AS id, s.provider_id AS provider_id, s.district_key AS district_key,
       s.responsible_carrier AS responsible_carrier

// name: site_districts
MATCH (s:Site)-[:IN_DISTRICT]->(d:District)
RETURN s.id AS site_id, d.key AS district_key

// name: provider_sites
MATCH (p:Provider)-[:HAS_SITE]->(s:Site)
RETURN p.id AS provider_id, s.id AS site_id

// name: applications
MATCH (a:Application)
RETURN a.id AS id, a.provider_id AS provider_id, a.lead_carrier AS lead_carrier,
       a.version AS version, a.status AS status

// name: admissions
MATCH (m:Admission)
RETURN m.id AS id, m.site_id AS site_id, m.provider_id AS provider_id,
       m.application_id AS application_id, m.target_group AS target_group,
       m.issued_by AS issued_by, m.status AS status

// name: follow_ons
MATCH (f:FollowOnTask)
RETURN f.id AS id, f.application_id AS application_id, f.site_id AS site_id,
       f.carrier AS carrier, f.status AS status

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
OPTIONAL MATCH (p:Partner {id: s.partner_id})
RETURN s.id AS id, s.partner_id AS partner_id, coalesce(p.active, false) AS partner_active

// name: outbox_count
MATCH (o:Outbox)
RETURN count(o) AS n
