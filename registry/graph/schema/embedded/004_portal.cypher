// Portal (issue 8): a provider's application draft, kept server-side so that a provider can save
// the form, log out and continue later ("Entwurf speichern"). One draft per provider
// organisation (id "draft:<provider id>"); `form` is the posted form as JSON; deleted on submit.
CREATE NODE TABLE IF NOT EXISTS PortalDraft(id STRING, provider_id STRING, user_id STRING, form STRING, saved_at STRING, PRIMARY KEY(id));
