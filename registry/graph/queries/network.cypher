// name: partner_site_ids
MATCH (s:PartnerSite)
RETURN s.id AS id
ORDER BY s.id

// name: partner_site_documents
MATCH (s:PartnerSite)
WHERE s.id IN $ids
MATCH (p:Partner {id: s.partner_id})
RETURN s.id AS id, s.partner_id AS partner_id, p.name AS name, p.type AS type,
       s.name AS site_name, p.services AS services, p.target_groups AS target_groups,
       s.lat AS lat, s.lon AS lon, s.service_radius_km AS service_radius_km,
       s.street AS street, s.postal_code AS postal_code, s.place AS place,
       p.contacts AS contacts, p.active AS active
