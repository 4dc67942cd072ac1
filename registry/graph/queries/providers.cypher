// name: create
CREATE (p:Provider {id: $id, name: $name, legal_form: $legal_form, email: $email, phone: $phone,
                    website: $website, active: true, created_at: $now})

// name: get
MATCH (p:Provider {id: $id})
RETURN p.id AS id, p.name AS name, p.legal_form AS legal_form, p.email AS email,
       p.phone AS phone, p.website AS website, p.active AS active, p.created_at AS created_at

// name: get_many
MATCH (p:Provider)
WHERE p.id IN $ids
RETURN p.id AS id, p.name AS name, p.legal_form AS legal_form, p.email AS email,
       p.phone AS phone, p.website AS website, p.active AS active

// name: list
MATCH (p:Provider)
RETURN p.id AS id, p.name AS name, p.legal_form AS legal_form, p.email AS email,
       p.phone AS phone, p.website AS website, p.active AS active
ORDER BY p.name, p.id

// name: create_site
CREATE (s:Site {id: $id, provider_id: $provider_id, name: $name, headquarters: $headquarters,
                street: $street, postal_code: $postal_code, place: $place,
                district_key: $district_key, responsible_carrier: $responsible_carrier,
                lat: $lat, lon: $lon, catchment_radius_km: $catchment_radius_km,
                outreach_radius_km: $outreach_radius_km, public_transport: $public_transport,
                barrier_free: $barrier_free, rooms_individual: $rooms_individual,
                rooms_relatives: $rooms_relatives, languages: $languages, active: true,
                details: $details, confirmed_on: $confirmed_on, created_at: $now})
WITH s
MATCH (p:Provider {id: $provider_id})
CREATE (p)-[:HAS_SITE]->(s)
WITH s
MATCH (d:District {key: $district_key})
CREATE (s)-[:IN_DISTRICT]->(d)

// name: sites
UNWIND $ids AS sid
MATCH (s:Site {id: sid})
RETURN s.id AS id, s.provider_id AS provider_id, s.name AS name, s.headquarters AS headquarters,
       s.street AS street, s.postal_code AS postal_code, s.place AS place,
       s.district_key AS district_key, s.responsible_carrier AS responsible_carrier,
       s.lat AS lat, s.lon AS lon, s.catchment_radius_km AS catchment_radius_km,
       s.outreach_radius_km AS outreach_radius_km, s.public_transport AS public_transport,
       s.barrier_free AS barrier_free, s.rooms_individual AS rooms_individual,
       s.rooms_relatives AS rooms_relatives, s.languages AS languages, s.active AS active,
       s.details AS details, s.confirmed_on AS confirmed_on

// name: sites_of_provider
MATCH (:Provider {id: $provider_id})-[:HAS_SITE]->(s:Site)
RETURN s.id AS id, s.provider_id AS provider_id, s.name AS name, s.headquarters AS headquarters,
       s.street AS street, s.postal_code AS postal_code, s.place AS place,
       s.district_key AS district_key, s.responsible_carrier AS responsible_carrier,
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

// name: confirm_site
MATCH (s:Site {id: $id})
SET s.confirmed_on = $confirmed_on
RETURN s.id AS id

// name: create_case_manager
CREATE (c:CaseManager {id: $id, provider_id: $provider_id, name: $name, data: $data,
                       active: true, changed_at: $now})

// name: case_managers
MATCH (c:CaseManager)
WHERE c.provider_id = $provider_id AND c.active = true
RETURN c.id AS id, c.name AS name, c.data AS data, c.changed_at AS changed_at
ORDER BY c.name, c.id

// name: update_case_manager
MATCH (c:CaseManager {id: $id})
WHERE c.provider_id = $provider_id AND c.active = true
SET c.name = $name, c.data = $data, c.changed_at = $now
RETURN c.id AS id

// name: remove_case_manager
MATCH (c:CaseManager {id: $id})
WHERE c.provider_id = $provider_id AND c.active = true
SET c.active = false, c.changed_at = $now
RETURN c.id AS id

// name: create_contract
CREATE (k:Contract {id: $id, carrier: $carrier, provider_id: $provider_id, signed_on: $signed_on,
                    model_contract_version: $model_contract_version, recorded_at: $now})

// name: contracts
MATCH (k:Contract)
WHERE k.provider_id = $provider_id
RETURN k.id AS id, k.carrier AS carrier, k.signed_on AS signed_on,
       k.model_contract_version AS model_contract_version, k.recorded_at AS recorded_at
ORDER BY k.signed_on

// name: all_site_ids
MATCH (s:Site)
RETURN s.id AS id
ORDER BY s.id

// name: admitted_site_ids
MATCH (m:Admission)
WHERE m.status = 'admitted'
RETURN DISTINCT m.site_id AS id
ORDER BY id

// name: all_sites
MATCH (s:Site)
RETURN s.id AS id, s.provider_id AS provider_id, s.name AS name, s.headquarters AS headquarters,
       s.street AS street, s.postal_code AS postal_code, s.place AS place,
       s.district_key AS district_key, s.responsible_carrier AS responsible_carrier,
       s.lat AS lat, s.lon AS lon, s.catchment_radius_km AS catchment_radius_km,
       s.outreach_radius_km AS outreach_radius_km, s.public_transport AS public_transport,
       s.barrier_free AS barrier_free, s.rooms_individual AS rooms_individual,
       s.rooms_relatives AS rooms_relatives, s.languages AS languages, s.active AS active,
       s.details AS details, s.confirmed_on AS confirmed_on
