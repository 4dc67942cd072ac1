// Rule N7 (issue 15, item 8): an unmet need records the case's other needs that are not
// personal - the language asked for (a language code, '' for none), outreach and barrier-free
// access - so that strategists see "Turkish-speaking addiction counselling is missing in Bonn".
// Values, not ids: properties of the UnmetNeed node. Records made before keep '' and false.
ALTER TABLE UnmetNeed ADD IF NOT EXISTS language STRING DEFAULT '';
ALTER TABLE UnmetNeed ADD IF NOT EXISTS outreach BOOLEAN DEFAULT false;
ALTER TABLE UnmetNeed ADD IF NOT EXISTS barrier_free BOOLEAN DEFAULT false;
