// Lints Cypher statements with Neo4j's own tooling (@neo4j-cypher/language-support), no server.
//
// stdin:  {"dbSchema": {labels, relationshipTypes, propertyKeys, graphSchema, ...},
//          "queries": {"<name>": "<cypher text>", ...}}
// stdout: {"package": "<version>", "cypherVersion": "CYPHER 5",
//          "builtinFunctions": <n>, "builtinProcedures": <n>,
//          "results": {"<name>": {"statements": <n>, "parameters": [...],
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
  if (/^(\(:[^)]*\) has no |\[:[^\]]*\] has no )/.test(message)) return 'impossible-path';
  if ((diagnostic.tags ?? []).includes(2)) return 'deprecated';
  return SEVERITY[severity] ?? 'information';
}

function lintOne(text, dbSchema) {
  const statements = parseStatementsStrs(text).filter((s) => s.trim().length > 0);
  const { diagnostics } = lintCypherQuery(text, dbSchema, { consoleCommandsEnabled: false });
  const out = diagnostics.filter(isNotParamError).map((d) => ({
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
    diagnostics: out,
  };
}

function main() {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const functions = builtinFunctions();
  const procedures = builtinProcedures();
  const dbSchema = {
    defaultLanguage: CYPHER_VERSION,
    functions: { [CYPHER_VERSION]: functions },
    procedures: { [CYPHER_VERSION]: procedures },
    ...input.dbSchema,
  };
  const results = {};
  for (const [name, text] of Object.entries(input.queries ?? {})) {
    results[name] = lintOne(text, dbSchema);
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
