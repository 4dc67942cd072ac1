// Network partners, agreements, coverage and unmet need (DOMAIN.md §8, rules N1-N7, E7).

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

// --- partners (N1) ----------------------------------------------------------------------------

// name: create_partner
CREATE (p:Partner {id: $id, name: $name, type: $type, services: $services,
                   target_groups: $target_groups, carriers: $carriers, contacts: $contacts,
                   active: $active, version: 1, changed_at: $now})

// name: update_partner
MATCH (p:Partner {id: $id})
WHERE p.version = $version
SET p.name = $name, p.type = $type, p.services = $services, p.target_groups = $target_groups,
    p.carriers = $carriers, p.contacts = $contacts, p.active = $active,
    p.version = p.version + 1, p.changed_at = $now
RETURN p.version AS version

// name: create_partner_sites
UNWIND $rows AS r
CREATE (s:PartnerSite {id: r.id, partner_id: r.partner_id, name: r.name, street: r.street,
                       postal_code: r.postal_code, place: r.place, district_key: r.district_key,
                       lat: r.lat, lon: r.lon, service_radius_km: r.service_radius_km})
WITH s
MATCH (p:Partner {id: s.partner_id})
CREATE (p)-[:PARTNER_SITE]->(s)

// name: update_partner_sites
UNWIND $rows AS r
MATCH (s:PartnerSite {id: r.id})
WHERE s.partner_id = r.partner_id
SET s.name = r.name, s.street = r.street, s.postal_code = r.postal_code, s.place = r.place,
    s.district_key = r.district_key, s.lat = r.lat, s.lon = r.lon,
    s.service_radius_km = r.service_radius_km

// name: delete_partner_sites
MATCH (s:PartnerSite)
WHERE s.id IN $ids AND s.partner_id = $partner_id
DETACH DELETE s

// name: get_partner
MATCH (p:Partner {id: $id})
RETURN p.id AS id, p.name AS name, p.type AS type, p.services AS services,
       p.target_groups AS target_groups, p.carriers AS carriers, p.contacts AS contacts,
       p.active AS active, p.version AS version, p.changed_at AS changed_at

// name: partners_by_ids
MATCH (p:Partner)
WHERE p.id IN $ids
RETURN p.id AS id, p.name AS name, p.type AS type, p.services AS services,
       p.target_groups AS target_groups, p.carriers AS carriers, p.contacts AS contacts,
       p.active AS active, p.version AS version, p.changed_at AS changed_at
ORDER BY p.name, p.id

// name: list_partners
MATCH (p:Partner)
WHERE ($type = '' OR p.type = $type) AND ($carrier = '' OR $carrier IN p.carriers)
RETURN p.id AS id, p.name AS name, p.type AS type, p.services AS services,
       p.target_groups AS target_groups, p.carriers AS carriers, p.contacts AS contacts,
       p.active AS active, p.version AS version, p.changed_at AS changed_at
ORDER BY p.name, p.id

// name: sites_of_partners
MATCH (s:PartnerSite)
WHERE s.partner_id IN $partner_ids
RETURN s.id AS id, s.partner_id AS partner_id, s.name AS name, s.street AS street,
       s.postal_code AS postal_code, s.place AS place, s.district_key AS district_key,
       s.lat AS lat, s.lon AS lon, s.service_radius_km AS service_radius_km
ORDER BY s.partner_id, s.name, s.id

// --- agreements (N2-N5) -----------------------------------------------------------------------

// name: create_agreement
CREATE (a:Agreement {id: $id, kind: $kind, purpose: $purpose, title: $title,
                     carriers: $carriers, partners: $partners, scope_level: $scope_level,
                     scope_districts: $scope_districts, scope_state: $scope_state,
                     valid_from: $valid_from, valid_until: $valid_until, contents: $contents,
                     status: $status, version: $version, override_reason: $override_reason,
                     next_review: $next_review, activated_on: $activated_on, created_at: $now,
                     created_by_carrier: $created_by_carrier, rev: $rev, changed_at: $now,
                     status_reason: $status_reason})

// Saved only when nobody changed the agreement since it was read (its rev is still $old_rev).
// name: save_agreement
MATCH (a:Agreement {id: $id})
WHERE coalesce(a.rev, '') = $old_rev
SET a.kind = $kind, a.purpose = $purpose, a.title = $title, a.carriers = $carriers,
    a.partners = $partners, a.scope_level = $scope_level, a.scope_districts = $scope_districts,
    a.scope_state = $scope_state, a.valid_from = $valid_from, a.valid_until = $valid_until,
    a.contents = $contents, a.status = $status, a.version = $version,
    a.override_reason = $override_reason, a.next_review = $next_review,
    a.activated_on = $activated_on, a.rev = $rev, a.changed_at = $now,
    a.status_reason = $status_reason
RETURN a.id AS id

// name: get_agreement
MATCH (a:Agreement {id: $id})
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       a.carriers AS carriers, a.partners AS partners, a.scope_level AS scope_level,
       a.scope_districts AS scope_districts, a.scope_state AS scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       a.created_by_carrier AS created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason

// name: list_agreements
MATCH (a:Agreement)
WHERE ($status = '' OR a.status = $status)
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       a.carriers AS carriers, a.partners AS partners, a.scope_level AS scope_level,
       a.scope_districts AS scope_districts, a.scope_state AS scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       a.created_by_carrier AS created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason
ORDER BY a.created_at DESC, a.id

// name: agreements_of_carrier
MATCH (a:Agreement)
WHERE $carrier IN a.carriers AND a.status IN $statuses
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       a.carriers AS carriers, a.partners AS partners, a.scope_level AS scope_level,
       a.scope_districts AS scope_districts, a.scope_state AS scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       a.created_by_carrier AS created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason

// name: agreements_in_status
MATCH (a:Agreement)
WHERE a.status IN $statuses
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       a.carriers AS carriers, a.partners AS partners, a.scope_level AS scope_level,
       a.scope_districts AS scope_districts, a.scope_state AS scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       a.created_by_carrier AS created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason

// Active or suspended agreements whose last valid day lies before $today (rule N5: expired).
// name: agreements_past_end
MATCH (a:Agreement)
WHERE a.status IN ['active', 'suspended'] AND a.valid_until <> '' AND a.valid_until < $today
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       a.carriers AS carriers, a.partners AS partners, a.scope_level AS scope_level,
       a.scope_districts AS scope_districts, a.scope_state AS scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       a.created_by_carrier AS created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason

// name: create_agreement_version
CREATE (v:AgreementVersion {id: $id, agreement_id: $agreement_id, version: $version,
                            snapshot: $snapshot, at: $at, actor: $actor})

// name: agreement_versions
MATCH (v:AgreementVersion)
WHERE v.agreement_id = $agreement_id
RETURN v.version AS version, v.snapshot AS snapshot, v.at AS at, v.actor AS actor
ORDER BY v.version

// --- coverage (N6) and unmet need (N7) --------------------------------------------------------

// Admitted sites of active providers for one target group, with the admission's review date.
// name: admitted_sites_for_group
MATCH (m:Admission)
WHERE m.status = 'admitted' AND m.target_group = $target_group
MATCH (s:Site {id: m.site_id})
WHERE s.active = true
MATCH (p:Provider {id: s.provider_id})
WHERE p.active = true
RETURN s.id AS id, s.lat AS lat, s.lon AS lon, s.district_key AS district_key,
       s.catchment_radius_km AS catchment_radius_km, m.review_due AS review_due

// name: create_unmet_need
CREATE (u:UnmetNeed {id: $id, carrier: $carrier, district_key: $district_key,
                     target_groups: $target_groups, on_date: $on_date})

// name: unmet_need_counts
MATCH (u:UnmetNeed)
WHERE $target_group IN u.target_groups
RETURN u.district_key AS district_key, count(u) AS n

// name: unmet_needs
MATCH (u:UnmetNeed)
WHERE $since = '' OR u.on_date >= $since
RETURN u.carrier AS carrier, u.district_key AS district_key, u.target_groups AS target_groups,
       u.on_date AS on_date
