// Rule N7 (issue 15, item 8): an unmet need records the case's other needs that are not
// personal - language ('' for none), outreach, barrier-free access - as properties of the
// UnmetNeed node (see the embedded migration of the same name). Records made before get '' and
// false.
MATCH (u:UnmetNeed) WHERE u.language IS NULL SET u.language = '';
MATCH (u:UnmetNeed) WHERE u.outreach IS NULL SET u.outreach = false;
MATCH (u:UnmetNeed) WHERE u.barrier_free IS NULL SET u.barrier_free = false;
