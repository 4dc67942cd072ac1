// Network partners, agreements, coverage and unmet need (docs/rules.md §8, rules N1-N7, E7).
// Associations are relationships (docs/architecture.md, "The graph model"):
//   (:Carrier)-[:WORKS_WITH]->(:Partner)-[:SERVES]->(:TargetGroup)
//   (:Partner)-[:HAS_SITE]->(:PartnerSite)-[:LOCATED_IN]->(:District)
//   (:Carrier)-[:PARTY_TO {since}]->(:Agreement)-[:WITH_PARTNER]->(:Partner)
//   (:Carrier)-[:INVITED_TO {since}]->(:Agreement)   (rule N4: named, not yet accepted)
//   (:Agreement)-[:COVERS]->(:District|:State), (:Agreement)-[:CREATED_BY]->(:Carrier)
//   (:Agreement)-[:HAS_VERSION]->(:AgreementVersion)<-[:AUTHORED]-(:User)
//   (:UnmetNeed)-[:ASSIGNED_TO]->(:Carrier), -[:LOCATED_IN]->(:District), -[:SEEKS]->(:TargetGroup)
// Reads return the lists (carriers, target_groups, partners, scope_districts) collected from
// the relationships, in no particular order: the services sort them. A list-valued association
// is written by an unlink_* query (edges to what is no longer listed) and a link_* query (MERGE
// what is listed), run in the same unit of work as the node's own write.

// name: partner_site_ids
MATCH (s:PartnerSite)
RETURN s.id AS id
ORDER BY s.id

// name: partner_site_documents
UNWIND $ids AS sid
MATCH (p:Partner)-[:HAS_SITE]->(s:PartnerSite {id: sid})
OPTIONAL MATCH (p)-[:SERVES]->(t:TargetGroup)
WITH p, s, collect(t.code) AS target_groups
RETURN s.id AS id, p.id AS partner_id, p.name AS name, p.type AS type,
       s.name AS site_name, p.services AS services, target_groups,
       s.lat AS lat, s.lon AS lon, s.service_radius_km AS service_radius_km,
       s.street AS street, s.postal_code AS postal_code, s.place AS place,
       p.contacts AS contacts, p.active AS active

// --- partners (N1) ----------------------------------------------------------------------------

// name: create_partner
CREATE (p:Partner {id: $id, name: $name, type: $type, services: $services, contacts: $contacts,
                   active: $active, version: 1, changed_at: $now})

// name: update_partner
MATCH (p:Partner {id: $id})
WHERE p.version = $version
SET p.name = $name, p.type = $type, p.services = $services, p.contacts = $contacts,
    p.active = $active, p.version = p.version + 1, p.changed_at = $now
RETURN p.version AS version

// The carriers that work with a partner become exactly $carriers (with link_partner_carriers).
// name: unlink_partner_carriers
MATCH (c:Carrier)-[x:WORKS_WITH]->(p:Partner {id: $id})
WHERE NOT c.id IN $carriers
DELETE x

// name: link_partner_carriers
UNWIND $carriers AS cid
MATCH (p:Partner {id: $id})
MATCH (c:Carrier {id: cid})
MERGE (c)-[:WORKS_WITH]->(p)

// The target groups a partner serves become exactly $target_groups (with link_partner_groups).
// name: unlink_partner_groups
MATCH (p:Partner {id: $id})-[x:SERVES]->(t:TargetGroup)
WHERE NOT t.code IN $target_groups
DELETE x

// name: link_partner_groups
UNWIND $target_groups AS code
MATCH (p:Partner {id: $id})
MATCH (t:TargetGroup {code: code})
MERGE (p)-[:SERVES]->(t)

// name: create_partner_sites
UNWIND $rows AS r
MATCH (p:Partner {id: r.partner_id})
CREATE (p)-[:HAS_SITE]->(s:PartnerSite {id: r.id, name: r.name, street: r.street,
                                         postal_code: r.postal_code, place: r.place,
                                         lat: r.lat, lon: r.lon,
                                         service_radius_km: r.service_radius_km})
WITH s, r
MATCH (d:District {key: r.district_key})
CREATE (s)-[:LOCATED_IN]->(d)

// name: update_partner_sites
UNWIND $rows AS r
MATCH (s:PartnerSite {id: r.id})<-[:HAS_SITE]-(p:Partner {id: r.partner_id})
SET s.name = r.name, s.street = r.street, s.postal_code = r.postal_code, s.place = r.place,
    s.lat = r.lat, s.lon = r.lon, s.service_radius_km = r.service_radius_km

// A kept site whose address moved to another district (with link_partner_site_districts).
// name: unlink_partner_site_districts
UNWIND $rows AS r
MATCH (s:PartnerSite {id: r.id})-[x:LOCATED_IN]->(d:District)
WHERE d.key <> r.district_key
DELETE x

// name: link_partner_site_districts
UNWIND $rows AS r
MATCH (s:PartnerSite {id: r.id})
MATCH (d:District {key: r.district_key})
MERGE (s)-[:LOCATED_IN]->(d)

// name: delete_partner_sites
UNWIND $ids AS sid
MATCH (p:Partner {id: $partner_id})-[:HAS_SITE]->(s:PartnerSite {id: sid})
DETACH DELETE s

// name: get_partner
MATCH (p:Partner {id: $id})
OPTIONAL MATCH (c:Carrier)-[:WORKS_WITH]->(p)
WITH p, collect(c.id) AS carriers
OPTIONAL MATCH (p)-[:SERVES]->(t:TargetGroup)
WITH p, carriers, collect(t.code) AS target_groups
RETURN p.id AS id, p.name AS name, p.type AS type, p.services AS services,
       target_groups, carriers, p.contacts AS contacts,
       p.active AS active, p.version AS version, p.changed_at AS changed_at

// (One aggregation over both OPTIONAL MATCHes: on ladybug 0.22 a WITH after a MATCH fed by
// UNWIND cannot be followed by another OPTIONAL MATCH.)
// name: partners_by_ids
UNWIND $ids AS pid
MATCH (p:Partner {id: pid})
OPTIONAL MATCH (c:Carrier)-[:WORKS_WITH]->(p)
OPTIONAL MATCH (p)-[:SERVES]->(t:TargetGroup)
RETURN p.id AS id, p.name AS name, p.type AS type, p.services AS services,
       collect(DISTINCT t.code) AS target_groups, collect(DISTINCT c.id) AS carriers,
       p.contacts AS contacts, p.active AS active, p.version AS version,
       p.changed_at AS changed_at
ORDER BY name, id

// name: list_partners
MATCH (p:Partner)
WHERE $type = '' OR p.type = $type
OPTIONAL MATCH (c:Carrier)-[:WORKS_WITH]->(p)
WITH p, collect(c.id) AS carriers
WHERE $carrier = '' OR $carrier IN carriers
OPTIONAL MATCH (p)-[:SERVES]->(t:TargetGroup)
WITH p, carriers, collect(t.code) AS target_groups
RETURN p.id AS id, p.name AS name, p.type AS type, p.services AS services,
       target_groups, carriers, p.contacts AS contacts,
       p.active AS active, p.version AS version, p.changed_at AS changed_at
ORDER BY name, id

// name: sites_of_partners
UNWIND $partner_ids AS pid
MATCH (p:Partner {id: pid})-[:HAS_SITE]->(s:PartnerSite)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(d:District)
RETURN s.id AS id, p.id AS partner_id, s.name AS name, s.street AS street,
       s.postal_code AS postal_code, s.place AS place, coalesce(d.key, '') AS district_key,
       s.lat AS lat, s.lon AS lon, s.service_radius_km AS service_radius_km
ORDER BY partner_id, name, id

// --- agreements (N2-N5) -----------------------------------------------------------------------
// Every read of an agreement returns the same columns; the lists come from PARTY_TO (carriers:
// the parties), INVITED_TO (invited: named carriers that have not yet accepted, rule N4),
// WITH_PARTNER and COVERS, the state (its name, '' if none) from COVERS to a State, the
// creating carrier ('' if none) from CREATED_BY.

// name: create_agreement
CREATE (a:Agreement {id: $id, kind: $kind, purpose: $purpose, title: $title,
                     scope_level: $scope_level, valid_from: $valid_from,
                     valid_until: $valid_until, contents: $contents, status: $status,
                     version: $version, override_reason: $override_reason,
                     next_review: $next_review, activated_on: $activated_on, created_at: $now,
                     rev: $rev, changed_at: $now, status_reason: $status_reason})

// name: link_agreement_creator
MATCH (a:Agreement {id: $id})
MATCH (c:Carrier {id: $created_by_carrier})
MERGE (a)-[:CREATED_BY]->(c)

// Saved only when nobody changed the agreement since it was read (its rev is still $old_rev).
// The associations are written by the unlink_/link_agreement_* queries in the same unit of work.
// name: save_agreement
MATCH (a:Agreement {id: $id})
WHERE coalesce(a.rev, '') = $old_rev
SET a.kind = $kind, a.purpose = $purpose, a.title = $title, a.scope_level = $scope_level,
    a.valid_from = $valid_from, a.valid_until = $valid_until,
    a.contents = $contents, a.status = $status, a.version = $version,
    a.override_reason = $override_reason, a.next_review = $next_review,
    a.activated_on = $activated_on, a.rev = $rev, a.changed_at = $now,
    a.status_reason = $status_reason
RETURN a.id AS id

// The parties become exactly $carriers; a carrier that stays keeps its `since`.
// name: unlink_agreement_carriers
MATCH (c:Carrier)-[x:PARTY_TO]->(a:Agreement {id: $id})
WHERE NOT c.id IN $carriers
DELETE x

// name: link_agreement_carriers
UNWIND $carriers AS cid
MATCH (a:Agreement {id: $id})
MATCH (c:Carrier {id: cid})
MERGE (c)-[x:PARTY_TO]->(a)
ON CREATE SET x.since = $now

// The open invitations become exactly $invited (rule N4); one that stays keeps its `since`.
// name: unlink_agreement_invitations
MATCH (c:Carrier)-[x:INVITED_TO]->(a:Agreement {id: $id})
WHERE NOT c.id IN $invited
DELETE x

// name: link_agreement_invitations
UNWIND $invited AS cid
MATCH (a:Agreement {id: $id})
MATCH (c:Carrier {id: cid})
MERGE (c)-[x:INVITED_TO]->(a)
ON CREATE SET x.since = $now

// How one carrier stands to one agreement (rule N4): one traversal from the carrier over its
// PARTY_TO and INVITED_TO ('' where there is none). Parties act; the invited accept or decline.
// name: carrier_standing
MATCH (c:Carrier {id: $carrier})
OPTIONAL MATCH (c)-[p:PARTY_TO]->(a:Agreement {id: $id})
OPTIONAL MATCH (c)-[i:INVITED_TO]->(b:Agreement {id: $id})
RETURN coalesce(a.id, '') AS party_to, coalesce(b.id, '') AS invited_to

// Every carrier named on an agreement with its standing and since when, by carrier.
// name: agreement_parties
MATCH (c:Carrier)-[x:PARTY_TO]->(a:Agreement {id: $id})
RETURN c.id AS carrier, 'party' AS status, coalesce(x.since, '') AS since
UNION ALL
MATCH (c:Carrier)-[x:INVITED_TO]->(a:Agreement {id: $id})
RETURN c.id AS carrier, 'invited' AS status, coalesce(x.since, '') AS since

// name: unlink_agreement_partners
MATCH (a:Agreement {id: $id})-[x:WITH_PARTNER]->(p:Partner)
WHERE NOT p.id IN $partners
DELETE x

// name: link_agreement_partners
UNWIND $partners AS pid
MATCH (a:Agreement {id: $id})
MATCH (p:Partner {id: pid})
MERGE (a)-[:WITH_PARTNER]->(p)

// The scope: districts for level "districts", one state for level "state", nothing for
// "national" (the caller passes empty $scope_districts / $scope_state where they do not apply).
// name: unlink_agreement_districts
MATCH (a:Agreement {id: $id})-[x:COVERS]->(d:District)
WHERE NOT d.key IN $scope_districts
DELETE x

// name: link_agreement_districts
UNWIND $scope_districts AS key
MATCH (a:Agreement {id: $id})
MATCH (d:District {key: key})
MERGE (a)-[:COVERS]->(d)

// name: unlink_agreement_state
MATCH (a:Agreement {id: $id})-[x:COVERS]->(s:State)
WHERE s.name <> $scope_state
DELETE x

// name: link_agreement_state
MATCH (a:Agreement {id: $id})
MATCH (s:State)
WHERE s.name = $scope_state
MERGE (a)-[:COVERS]->(s)

// name: get_agreement
MATCH (a:Agreement {id: $id})
OPTIONAL MATCH (a)-[:COVERS]->(st:State)
OPTIONAL MATCH (a)-[:CREATED_BY]->(cb:Carrier)
WITH a, coalesce(st.name, '') AS scope_state, coalesce(cb.id, '') AS created_by_carrier
OPTIONAL MATCH (c:Carrier)-[:PARTY_TO]->(a)
WITH a, scope_state, created_by_carrier, collect(c.id) AS carriers
OPTIONAL MATCH (i:Carrier)-[:INVITED_TO]->(a)
WITH a, scope_state, created_by_carrier, carriers, collect(i.id) AS invited
OPTIONAL MATCH (a)-[:WITH_PARTNER]->(p:Partner)
WITH a, scope_state, created_by_carrier, carriers, invited, collect(p.id) AS partners
OPTIONAL MATCH (a)-[:COVERS]->(d:District)
WITH a, scope_state, created_by_carrier, carriers, invited, partners,
     collect(d.key) AS scope_districts
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       carriers, invited, partners, a.scope_level AS scope_level,
       scope_districts, scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason

// name: list_agreements
MATCH (a:Agreement)
WHERE $status = '' OR a.status = $status
OPTIONAL MATCH (a)-[:COVERS]->(st:State)
OPTIONAL MATCH (a)-[:CREATED_BY]->(cb:Carrier)
WITH a, coalesce(st.name, '') AS scope_state, coalesce(cb.id, '') AS created_by_carrier
OPTIONAL MATCH (c:Carrier)-[:PARTY_TO]->(a)
WITH a, scope_state, created_by_carrier, collect(c.id) AS carriers
OPTIONAL MATCH (i:Carrier)-[:INVITED_TO]->(a)
WITH a, scope_state, created_by_carrier, carriers, collect(i.id) AS invited
OPTIONAL MATCH (a)-[:WITH_PARTNER]->(p:Partner)
WITH a, scope_state, created_by_carrier, carriers, invited, collect(p.id) AS partners
OPTIONAL MATCH (a)-[:COVERS]->(d:District)
WITH a, scope_state, created_by_carrier, carriers, invited, partners,
     collect(d.key) AS scope_districts
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       carriers, invited, partners, a.scope_level AS scope_level,
       scope_districts, scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason
ORDER BY created_at DESC, id

// The agreements to which the carrier is a party, in the given statuses.
// name: agreements_of_carrier
MATCH (:Carrier {id: $carrier})-[:PARTY_TO]->(a:Agreement)
WHERE a.status IN $statuses
OPTIONAL MATCH (a)-[:COVERS]->(st:State)
OPTIONAL MATCH (a)-[:CREATED_BY]->(cb:Carrier)
WITH a, coalesce(st.name, '') AS scope_state, coalesce(cb.id, '') AS created_by_carrier
OPTIONAL MATCH (c:Carrier)-[:PARTY_TO]->(a)
WITH a, scope_state, created_by_carrier, collect(c.id) AS carriers
OPTIONAL MATCH (i:Carrier)-[:INVITED_TO]->(a)
WITH a, scope_state, created_by_carrier, carriers, collect(i.id) AS invited
OPTIONAL MATCH (a)-[:WITH_PARTNER]->(p:Partner)
WITH a, scope_state, created_by_carrier, carriers, invited, collect(p.id) AS partners
OPTIONAL MATCH (a)-[:COVERS]->(d:District)
WITH a, scope_state, created_by_carrier, carriers, invited, partners,
     collect(d.key) AS scope_districts
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       carriers, invited, partners, a.scope_level AS scope_level,
       scope_districts, scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason

// name: agreements_in_status
MATCH (a:Agreement)
WHERE a.status IN $statuses
OPTIONAL MATCH (a)-[:COVERS]->(st:State)
OPTIONAL MATCH (a)-[:CREATED_BY]->(cb:Carrier)
WITH a, coalesce(st.name, '') AS scope_state, coalesce(cb.id, '') AS created_by_carrier
OPTIONAL MATCH (c:Carrier)-[:PARTY_TO]->(a)
WITH a, scope_state, created_by_carrier, collect(c.id) AS carriers
OPTIONAL MATCH (i:Carrier)-[:INVITED_TO]->(a)
WITH a, scope_state, created_by_carrier, carriers, collect(i.id) AS invited
OPTIONAL MATCH (a)-[:WITH_PARTNER]->(p:Partner)
WITH a, scope_state, created_by_carrier, carriers, invited, collect(p.id) AS partners
OPTIONAL MATCH (a)-[:COVERS]->(d:District)
WITH a, scope_state, created_by_carrier, carriers, invited, partners,
     collect(d.key) AS scope_districts
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       carriers, invited, partners, a.scope_level AS scope_level,
       scope_districts, scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason

// Active or suspended agreements whose last valid day lies before $today (rule N5: expired).
// name: agreements_past_end
MATCH (a:Agreement)
WHERE a.status IN ['active', 'suspended'] AND a.valid_until <> '' AND a.valid_until < $today
OPTIONAL MATCH (a)-[:COVERS]->(st:State)
OPTIONAL MATCH (a)-[:CREATED_BY]->(cb:Carrier)
WITH a, coalesce(st.name, '') AS scope_state, coalesce(cb.id, '') AS created_by_carrier
OPTIONAL MATCH (c:Carrier)-[:PARTY_TO]->(a)
WITH a, scope_state, created_by_carrier, collect(c.id) AS carriers
OPTIONAL MATCH (i:Carrier)-[:INVITED_TO]->(a)
WITH a, scope_state, created_by_carrier, carriers, collect(i.id) AS invited
OPTIONAL MATCH (a)-[:WITH_PARTNER]->(p:Partner)
WITH a, scope_state, created_by_carrier, carriers, invited, collect(p.id) AS partners
OPTIONAL MATCH (a)-[:COVERS]->(d:District)
WITH a, scope_state, created_by_carrier, carriers, invited, partners,
     collect(d.key) AS scope_districts
RETURN a.id AS id, a.kind AS kind, a.purpose AS purpose, a.title AS title,
       carriers, invited, partners, a.scope_level AS scope_level,
       scope_districts, scope_state,
       a.valid_from AS valid_from, a.valid_until AS valid_until, a.contents AS contents,
       a.status AS status, a.version AS version, a.override_reason AS override_reason,
       a.next_review AS next_review, a.activated_on AS activated_on, a.created_at AS created_at,
       created_by_carrier, coalesce(a.rev, '') AS rev,
       coalesce(a.changed_at, '') AS changed_at, coalesce(a.status_reason, '') AS status_reason

// name: create_agreement_version
MATCH (a:Agreement {id: $agreement_id})
CREATE (a)-[:HAS_VERSION]->(v:AgreementVersion {id: $id, version: $version,
                                                snapshot: $snapshot, at: $at})

// The user who made the change that superseded the version (optional: a version without an
// author is still kept).
// name: link_agreement_version_author
MATCH (v:AgreementVersion {id: $id})
MATCH (u:User {id: $actor})
MERGE (u)-[:AUTHORED]->(v)

// name: agreement_versions
MATCH (a:Agreement {id: $agreement_id})-[:HAS_VERSION]->(v:AgreementVersion)
OPTIONAL MATCH (u:User)-[:AUTHORED]->(v)
RETURN v.version AS version, v.snapshot AS snapshot, v.at AS at, coalesce(u.id, '') AS actor
ORDER BY version

// --- coverage (N6) and unmet need (N7) --------------------------------------------------------

// Admitted sites of active providers for one target group, with the admission's review date
// (one row per admission: a site admitted twice for the group appears twice).
// name: admitted_sites_for_group
MATCH (t:TargetGroup {code: $target_group})<-[:FOR_GROUP]-(m:Admission)
WHERE m.status = 'admitted'
MATCH (s:Site)-[:HAS_ADMISSION]->(m)
WHERE s.active = true
MATCH (p:Provider)-[:OPERATES]->(s)
WHERE p.active = true
MATCH (s)-[:LOCATED_IN]->(d:District)
RETURN s.id AS id, s.lat AS lat, s.lon AS lon, d.key AS district_key,
       s.catchment_radius_km AS catchment_radius_km, m.review_due AS review_due

// name: create_unmet_need
MATCH (c:Carrier {id: $carrier})
MATCH (d:District {key: $district_key})
CREATE (u:UnmetNeed {id: $id, on_date: $on_date, language: $language, outreach: $outreach,
                     barrier_free: $barrier_free})
CREATE (u)-[:ASSIGNED_TO]->(c)
CREATE (u)-[:LOCATED_IN]->(d)

// name: link_unmet_need_groups
UNWIND $target_groups AS code
MATCH (u:UnmetNeed {id: $id})
MATCH (t:TargetGroup {code: code})
MERGE (u)-[:SEEKS]->(t)

// name: unmet_need_counts
MATCH (t:TargetGroup {code: $target_group})<-[:SEEKS]-(u:UnmetNeed)-[:LOCATED_IN]->(d:District)
RETURN d.key AS district_key, count(u) AS n

// name: unmet_needs
MATCH (u:UnmetNeed)
WHERE $since = '' OR u.on_date >= $since
OPTIONAL MATCH (u)-[:ASSIGNED_TO]->(c:Carrier)
OPTIONAL MATCH (u)-[:LOCATED_IN]->(d:District)
WITH u, coalesce(c.id, '') AS carrier, coalesce(d.key, '') AS district_key
OPTIONAL MATCH (u)-[:SEEKS]->(t:TargetGroup)
WITH u, carrier, district_key, collect(t.code) AS target_groups
RETURN carrier, district_key, target_groups, u.on_date AS on_date,
       coalesce(u.language, '') AS language, coalesce(u.outreach, false) AS outreach,
       coalesce(u.barrier_free, false) AS barrier_free

// --- who serves a district for a target group (issue 12, GET /network/around) ----------------

// The admitted sites among $site_ids (those whose catchment reaches the district, found with
// admitted_sites_for_group and the reach rule) with their providers and the carriers that
// issued their admissions for the group.
// name: around_sites
UNWIND $site_ids AS sid
MATCH (s:Site {id: sid})-[:HAS_ADMISSION]->(m:Admission)-[:FOR_GROUP]->(t:TargetGroup {code: $target_group})
WHERE m.status = 'admitted'
MATCH (p:Provider)-[:OPERATES]->(s)
OPTIONAL MATCH (m)-[:ISSUED_BY]->(c:Carrier)
RETURN s.id AS site_id, s.name AS site_name, p.id AS provider_id, p.name AS provider_name,
       coalesce(c.id, '') AS carrier

// Active agreements covering the district (it, its state, or national) with the partners
// serving the group, and each agreement's parties. Whether an agreement is in force on the day
// is the caller's (coverage's rule).
// name: around_agreements
MATCH (d:District {key: $district})-[:IN_STATE]->(st:State)
MATCH (t:TargetGroup {code: $target_group})<-[:SERVES]-(p:Partner)<-[:WITH_PARTNER]-(a:Agreement)
WHERE p.active = true AND a.status = 'active'
  AND (a.scope_level = 'national' OR EXISTS { MATCH (a)-[:COVERS]->(d) }
       OR EXISTS { MATCH (a)-[:COVERS]->(st) })
OPTIONAL MATCH (c:Carrier)-[:PARTY_TO]->(a)
WITH a, p, collect(c.id) AS carriers
RETURN a.id AS id, a.title AS title, a.status AS status, a.valid_from AS valid_from,
       a.valid_until AS valid_until, p.id AS partner_id, p.name AS partner_name, carriers
ORDER BY id, partner_id
