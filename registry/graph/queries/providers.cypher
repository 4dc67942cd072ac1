// Providers, their sites, case managers and contracts (issue 12: relationships, not copied ids).
// A site's provider is the one that OPERATES it; its district is where it is LOCATED_IN; its
// responsible carrier is the carrier RESPONSIBLE_FOR that district (derived, never stored).

// name: create
CREATE (p:Provider {id: $id, name: $name, legal_form: $legal_form, email: $email, phone: $phone,
                    website: $website, active: true, created_at: $now})

// name: get
MATCH (p:Provider {id: $id})
RETURN p.id AS id, p.name AS name, p.legal_form AS legal_form, p.email AS email,
       p.phone AS phone, p.website AS website, p.active AS active, p.created_at AS created_at

// name: get_many
UNWIND $ids AS pid
WITH DISTINCT pid
MATCH (p:Provider {id: pid})
RETURN p.id AS id, p.name AS name, p.legal_form AS legal_form, p.email AS email,
       p.phone AS phone, p.website AS website, p.active AS active

// name: list
MATCH (p:Provider)
RETURN p.id AS id, p.name AS name, p.legal_form AS legal_form, p.email AS email,
       p.phone AS phone, p.website AS website, p.active AS active
ORDER BY p.name, p.id

// name: create_site
// The provider and the district exist (the caller resolved the address), so the row survives
// both MATCHes; $provider_id and $district_key become the OPERATES and LOCATED_IN edges.
CREATE (s:Site {id: $id, name: $name, headquarters: $headquarters,
                street: $street, postal_code: $postal_code, place: $place,
                lat: $lat, lon: $lon, catchment_radius_km: $catchment_radius_km,
                outreach_radius_km: $outreach_radius_km, public_transport: $public_transport,
                barrier_free: $barrier_free, rooms_individual: $rooms_individual,
                rooms_relatives: $rooms_relatives, languages: $languages, active: true,
                details: $details, confirmed_on: $confirmed_on, created_at: $now})
WITH s
MATCH (p:Provider {id: $provider_id})
CREATE (p)-[:OPERATES]->(s)
WITH s
MATCH (d:District {key: $district_key})
CREATE (s)-[:LOCATED_IN]->(d)

// name: site
// One site by key (see admission.admissions_of_site for why not a list). A site always has its
// provider, its district and the district its carrier (registry check counts them), so the walk
// uses MATCH: ladybug plans an OPTIONAL MATCH as a join over the whole relationship table
// (~2 ms each at 20,000 sites), a MATCH from a key as a walk.
MATCH (p:Provider)-[:OPERATES]->(s:Site {id: $id})
MATCH (s)-[:LOCATED_IN]->(d:District)<-[:RESPONSIBLE_FOR]-(c:Carrier)
RETURN s.id AS id, p.id AS provider_id, s.name AS name,
       s.headquarters AS headquarters,
       s.street AS street, s.postal_code AS postal_code, s.place AS place,
       d.key AS district_key, c.id AS responsible_carrier,
       s.lat AS lat, s.lon AS lon, s.catchment_radius_km AS catchment_radius_km,
       s.outreach_radius_km AS outreach_radius_km, s.public_transport AS public_transport,
       s.barrier_free AS barrier_free, s.rooms_individual AS rooms_individual,
       s.rooms_relatives AS rooms_relatives, s.languages AS languages, s.active AS active,
       s.details AS details, s.confirmed_on AS confirmed_on

// name: sites_of_provider
MATCH (p:Provider {id: $provider_id})-[:OPERATES]->(s:Site)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(d:District)
OPTIONAL MATCH (d)<-[:RESPONSIBLE_FOR]-(c:Carrier)
RETURN s.id AS id, p.id AS provider_id, s.name AS name, s.headquarters AS headquarters,
       s.street AS street, s.postal_code AS postal_code, s.place AS place,
       coalesce(d.key, '') AS district_key, coalesce(c.id, '') AS responsible_carrier,
       s.lat AS lat, s.lon AS lon, s.catchment_radius_km AS catchment_radius_km,
       s.outreach_radius_km AS outreach_radius_km, s.public_transport AS public_transport,
       s.barrier_free AS barrier_free, s.rooms_individual AS rooms_individual,
       s.rooms_relatives AS rooms_relatives, s.languages AS languages, s.active AS active,
       s.details AS details, s.confirmed_on AS confirmed_on
ORDER BY s.created_at, s.id

// name: update_site_details
MATCH (s:Site {id: $id})
SET s.details = $details
RETURN s.id AS id

// name: update_site_facts
// A15: the directory facts the provider keeps current (the criteria re-run in the use case).
MATCH (s:Site {id: $id})
SET s.languages = $languages, s.barrier_free = $barrier_free,
    s.public_transport = $public_transport, s.catchment_radius_km = $catchment_radius_km,
    s.outreach_radius_km = $outreach_radius_km, s.rooms_individual = $rooms_individual,
    s.rooms_relatives = $rooms_relatives
RETURN s.id AS id

// name: confirm_site
MATCH (s:Site {id: $id})
SET s.confirmed_on = $confirmed_on
RETURN s.id AS id

// name: create_case_manager
CREATE (c:CaseManager {id: $id, name: $name, data: $data, active: true, changed_at: $now})
WITH c
MATCH (p:Provider {id: $provider_id})
CREATE (p)-[:EMPLOYS]->(c)

// name: case_managers
MATCH (:Provider {id: $provider_id})-[:EMPLOYS]->(c:CaseManager)
WHERE c.active = true
RETURN c.id AS id, c.name AS name, c.data AS data, c.changed_at AS changed_at
ORDER BY c.name, c.id

// name: update_case_manager
MATCH (:Provider {id: $provider_id})-[:EMPLOYS]->(c:CaseManager {id: $id})
WHERE c.active = true
SET c.name = $name, c.data = $data, c.changed_at = $now
RETURN c.id AS id

// name: create_contract
// A13: the contract is the relationship between the carrier and the provider it admitted.
MATCH (c:Carrier {id: $carrier})
MATCH (p:Provider {id: $provider_id})
CREATE (c)-[:CONTRACTED {id: $id, signed_on: $signed_on,
                         model_contract_version: $model_contract_version,
                         recorded_at: $now}]->(p)

// name: admitted_site_ids
MATCH (s:Site)-[:HAS_ADMISSION]->(m:Admission)
WHERE m.status = 'admitted'
RETURN DISTINCT s.id AS id
ORDER BY id

// name: all_sites
MATCH (s:Site)
OPTIONAL MATCH (p:Provider)-[:OPERATES]->(s)
OPTIONAL MATCH (s)-[:LOCATED_IN]->(d:District)
OPTIONAL MATCH (d)<-[:RESPONSIBLE_FOR]-(c:Carrier)
RETURN s.id AS id, coalesce(p.id, '') AS provider_id, s.name AS name,
       s.headquarters AS headquarters,
       s.street AS street, s.postal_code AS postal_code, s.place AS place,
       coalesce(d.key, '') AS district_key, coalesce(c.id, '') AS responsible_carrier,
       s.lat AS lat, s.lon AS lon, s.catchment_radius_km AS catchment_radius_km,
       s.outreach_radius_km AS outreach_radius_km, s.public_transport AS public_transport,
       s.barrier_free AS barrier_free, s.rooms_individual AS rooms_individual,
       s.rooms_relatives AS rooms_relatives, s.languages AS languages, s.active AS active,
       s.details AS details, s.confirmed_on AS confirmed_on
