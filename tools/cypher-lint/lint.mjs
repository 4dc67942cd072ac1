// Lints Cypher statements with Neo4j's own tooling (@neo4j-cypher/language-support), no server.
//
// stdin:  {"dbSchema": {labels, relationshipTypes, propertyKeys, graphSchema, ...},
//          "queries": {"<name>": "<cypher text>", ...},
//          optional: "dbSchemas": {"<key>": {...}}, "dbSchemaOf": {"<name>": "<key>"}
//          to lint some queries against another dbSchema (a migration against the model of
//          its time)}
// stdout: {"package": "<version>", "cypherVersion": "CYPHER 5",
//          "builtinFunctions": <n>, "builtinProcedures": <n>,
//          "results": {"<name>": {"statements": <n>, "parameters": [...],
//                                 "ignored": {<reason>: <n>},
//                                 "diagnostics": [{severity, kind, message, offsets, line, column}]}}}
//
// What is supplied beyond the caller's dbSchema, and why:
// - functions: Neo4j's built-in functions (isBuiltIn) from the function table the package ships
//   (`testData.mockSchema`, dumped from a Neo4j 5 server). With no function table the linter
//   checks no function at all; with it, an unknown function or a wrong argument count is an
//   error and a deprecated function a warning. Plugin functions (APOC, GDS) are left out: the
//   registry does not use them, so calling one is an error.
// - procedures: likewise Neo4j's own procedures (namespaces db, dbms, tx) from the same table,
//   so that e.g. `CALL db.awaitIndexes()` lints clean and `CALL apoc.…` does not.
// - parameters: queries take their values as `$name` parameters that only exist at run time;
//   the linter reports each as "Parameter $x is not defined." Those diagnostics are dropped with
//   the package's own filter (`isNotParamError`) and the parameter names are listed instead.
// - unknown properties: the package attributes a property read inside a pattern's property map
//   to the pattern's variable, so `MATCH (a:Site {id: r.site_id})` over `UNWIND $rows AS r`
//   reports `site_id` as missing on a node. Each such warning is checked again against the
//   variable actually written before the dot (via the returned symbol table) and kept only when
//   that variable is a node or relationship, the package's own rule.
// - impossible paths: the schema-based path check turns the relationship type of a pattern
//   under NOT (`WHERE NOT EXISTS { (s)-[:HAS_ADMISSION]->(m) }`) into a negated type
//   (`[:!HAS_ADMISSION]`) and reports valid and invalid patterns alike as impossible. Those
//   findings say nothing and are dropped; the others are errors of kind `impossible-path`.
// Dropped diagnostics are counted per query under `ignored` (parameters, mis-attributed
// properties, negated paths), so nothing disappears unseen.
// - defaultLanguage: CYPHER 5, the language of Neo4j 5.26 (docker-compose.yml).
import { readFileSync } from 'node:fs';
import {
  isNotParamError,
  lintCypherQuery,
  parseParameters,
  parseStatementsStrs,
  testData,
} from '@neo4j-cypher/language-support';

const CYPHER_VERSION = 'CYPHER 5';
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const NOT_PRESENT = " is not present in the database.";

function packageVersion() {
  const path = new URL(
    './node_modules/@neo4j-cypher/language-support/package.json',
    import.meta.url,
  );
  return JSON.parse(readFileSync(path, 'utf8')).version;
}

function shippedTable(kind) {
  const table = testData?.mockSchema?.[kind]?.[CYPHER_VERSION];
  if (!table) {
    throw new Error(`the package ships no ${kind} table for ${CYPHER_VERSION}`);
  }
  return table;
}

function builtinFunctions() {
  const all = shippedTable('functions');
  return Object.fromEntries(Object.entries(all).filter(([, fn]) => fn.isBuiltIn));
}

function builtinProcedures() {
  const all = shippedTable('procedures');
  const own = /^(db|dbms|tx)\./;
  return Object.fromEntries(Object.entries(all).filter(([name]) => own.test(name)));
}

// The message shapes of syntaxValidation.js (label, type, property not in the dbSchema;
// schema-based path check) and everything else by severity.
function kindOf(diagnostic) {
  const { message, severity } = diagnostic;
  if (message.startsWith('Label or relationship type ') && message.includes(NOT_PRESENT)) {
    return 'unknown-label-or-type';
  }
  if (message.startsWith('Label ') && message.includes(NOT_PRESENT)) return 'unknown-label';
  if (message.startsWith('Relationship type ') && message.includes(NOT_PRESENT)) {
    return 'unknown-type';
  }
  if (message.startsWith('Function ') && message.includes(NOT_PRESENT)) return 'unknown-function';
  if (message.startsWith('Procedure ') && message.includes(NOT_PRESENT)) {
    return 'unknown-procedure';
  }
  if (/^[^\s]+ is not present in the database\./.test(message)) return 'unknown-property';
  if (/^(\(:[^)]*\) has no |\[:[^\]]*\] has no )/.test(message)) {
    return /[:|&]!/.test(message) ? 'negated-path' : 'impossible-path';
  }
  if ((diagnostic.tags ?? []).includes(2)) return 'deprecated';
  return SEVERITY[severity] ?? 'information';
}

// The variable before `.<property>` at `offset`, as {name, start}, or undefined.
function ownerOf(text, offset) {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  if (text[i] !== '.') return undefined;
  i--;
  while (i >= 0 && /\s/.test(text[i])) i--;
  const end = i + 1;
  if (text[i] === '`') {
    const open = text.lastIndexOf('`', i - 1);
    return open < 0 ? undefined : { name: text.slice(open + 1, i), start: open };
  }
  while (i >= 0 && /[A-Za-z0-9_]/.test(text[i])) i--;
  return end > i + 1 ? { name: text.slice(i + 1, end), start: i + 1 } : undefined;
}

// False when the property's owner is known and is not a node or relationship.
function ownerIsEntity(text, diagnostic, symbolTables) {
  const owner = ownerOf(text, diagnostic.offsets.start);
  if (!owner) return true;
  const symbols = symbolTables.flat();
  const symbol =
    symbols.find((s) => s.references.includes(owner.start)) ??
    symbols.find((s) => s.variable === owner.name);
  if (!symbol || symbol.types.length === 0) return true;
  return symbol.types.every((t) => t === 'Node' || t === 'Relationship');
}

function lintOne(text, dbSchema) {
  const statements = parseStatementsStrs(text).filter((s) => s.trim().length > 0);
  const { diagnostics, symbolTables } = lintCypherQuery(text, dbSchema, {
    consoleCommandsEnabled: false,
  });
  const ignored = { parameter: 0, 'property-of-non-entity': 0, 'negated-path': 0 };
  const kept = diagnostics.filter((d) => {
    const kind = kindOf(d);
    if (!isNotParamError(d)) ignored.parameter++;
    else if (kind === 'unknown-property' && !ownerIsEntity(text, d, symbolTables)) {
      ignored['property-of-non-entity']++;
    } else if (kind === 'negated-path') ignored['negated-path']++;
    else return true;
    return false;
  });
  const out = kept.map((d) => ({
    severity: SEVERITY[d.severity] ?? 'information',
    kind: kindOf(d),
    message: d.message,
    offsets: d.offsets,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
  }));
  if (statements.length > 1) {
    // A named query is sent to the driver as one statement; Neo4j rejects several.
    out.push({
      severity: 'error',
      kind: 'error',
      message: `${statements.length} statements in one query; the driver runs exactly one`,
      offsets: { start: 0, end: text.length },
      line: 1,
      column: 1,
    });
  }
  return {
    statements: statements.length,
    parameters: [...new Set(parseParameters(text, false))].sort(),
    ignored,
    diagnostics: out,
  };
}

function main() {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const functions = builtinFunctions();
  const procedures = builtinProcedures();
  const complete = (schema) => ({
    defaultLanguage: CYPHER_VERSION,
    functions: { [CYPHER_VERSION]: functions },
    procedures: { [CYPHER_VERSION]: procedures },
    ...schema,
  });
  const dbSchema = complete(input.dbSchema);
  const others = Object.fromEntries(
    Object.entries(input.dbSchemas ?? {}).map(([key, schema]) => [key, complete(schema)]),
  );
  const results = {};
  for (const [name, text] of Object.entries(input.queries ?? {})) {
    const key = input.dbSchemaOf?.[name];
    if (key !== undefined && !(key in others)) throw new Error(`no dbSchema ${key} for ${name}`);
    results[name] = lintOne(text, key === undefined ? dbSchema : others[key]);
  }
  process.stdout.write(
    JSON.stringify({
      package: packageVersion(),
      cypherVersion: CYPHER_VERSION,
      builtinFunctions: Object.keys(functions).length,
      builtinProcedures: Object.keys(procedures).length,
      results,
    }),
  );
}

main();
