#!/usr/bin/env node
// Generates src/protocol/generated.ts from the protocol's JSON Schemas (protocol/messages/*.schema.json, the
// view sections protocol/views/*.schema.json, the shared shapes protocol/common.schema.json and
// protocol/hearing-definition.schema.json), the single source of truth for the wire. A `$ref` to another file
// ("../common.schema.json#/$defs/person") names that file's type. Run with --check to fail when the committed
// file is stale instead of writing it.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
export const outputPath = join(here, '..', 'src', 'protocol', 'generated.ts');

function pascal(name) {
  return name
    .replace(/\.schema\.json$/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function literal(v) {
  return JSON.stringify(v);
}

function propKey(k) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k);
}

// One schema node as a TypeScript type expression. `defs.resolve` maps a `$ref` to the generated type name.
function typeOf(node, defs, indent) {
  if (node === true || node === undefined || node === null) return 'unknown';
  if (node === false) return 'never';
  if (node.$ref) return defs.resolve(node.$ref);
  if ('const' in node) return literal(node.const);
  if (node.enum) return node.enum.map(literal).join(' | ');
  const alts = node.oneOf ?? node.anyOf;
  if (alts) {
    const base = { ...node };
    delete base.oneOf;
    delete base.anyOf;
    const parts = alts.map((a) => typeOf(a, defs, indent));
    const hasOwn = base.type || base.properties;
    const union = parts.length > 1 ? `(${parts.join(' | ')})` : parts[0];
    return hasOwn ? `${typeOf(base, defs, indent)} & ${union}` : parts.join(' | ');
  }
  if (node.allOf) return node.allOf.map((a) => typeOf(a, defs, indent)).join(' & ');
  const t = node.type;
  if (Array.isArray(t)) return t.map((x) => typeOf({ ...node, type: x }, defs, indent)).join(' | ');
  switch (t) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = typeOf(node.items, defs, indent);
      return /^[A-Za-z0-9_"]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
    case undefined: {
      if (!node.properties && t === undefined) return 'unknown';
      const props = node.properties ?? {};
      const required = new Set(node.required ?? []);
      const inner = indent + '  ';
      const lines = Object.keys(props).map((k) => {
        const doc = props[k].description ? `${inner}/** ${props[k].description} */\n` : '';
        return `${doc}${inner}${propKey(k)}${required.has(k) ? '' : '?'}: ${typeOf(props[k], defs, inner)};`;
      });
      const ap = node.additionalProperties;
      if (ap && ap !== false && Object.keys(props).length === 0) {
        return `{ [key: string]: ${typeOf(ap, defs, indent)} }`;
      }
      if (ap && ap !== false) lines.push(`${inner}[key: string]: unknown;`);
      if (lines.length === 0) return ap === false ? 'Record<string, never>' : 'Record<string, unknown>';
      return `{\n${lines.join('\n')}\n${indent}}`;
    }
    default:
      return 'unknown';
  }
}

// Each file's root type and definition types: a message's are named after the file (CastSheet,
// CastSheetResult), a view section's root after the section (MeSection) and the shared definitions of views
// and common.schema.json by their own names (Person, InquiryView).
function schemaFiles() {
  const files = [];
  const inDir = (dir, kind) => {
    const path = join(repoRoot, 'protocol', dir);
    if (!existsSync(path)) return;
    for (const f of readdirSync(path).sort()) {
      if (f.endsWith('.schema.json')) files.push({ path: join(path, f), kind });
    }
  };
  inDir('messages', 'message');
  const common = join(repoRoot, 'protocol', 'common.schema.json');
  if (existsSync(common)) files.push({ path: common, kind: 'common' });
  inDir('views', 'view');
  const def = join(repoRoot, 'protocol', 'hearing-definition.schema.json');
  if (existsSync(def)) files.push({ path: def, kind: 'definition' });
  for (const file of files) {
    file.schema = JSON.parse(readFileSync(file.path, 'utf8'));
    file.base = basename(file.path);
    const name = pascal(file.base);
    file.rootName = file.kind === 'common' ? null : file.kind === 'view' ? `${name}Section` : name;
    file.defNames = new Map();
    for (const d of Object.keys(file.schema.$defs ?? {}).sort()) {
      file.defNames.set(d, file.kind === 'common' || file.kind === 'view' ? pascal(d) : `${name}${pascal(d)}`);
    }
  }
  return files;
}

// Resolves a `$ref` of `file` among all files, by file name as the server's validator does.
function resolver(files, file) {
  const byBase = new Map(files.map((f) => [f.base, f]));
  return {
    resolve(ref) {
      const [path, fragment = ''] = ref.split('#');
      const target = path ? byBase.get(basename(path)) : file;
      if (!target) throw new Error(`${file.base}: $ref ${ref} names no protocol schema`);
      if (fragment === '' && target.rootName) return target.rootName;
      const def = /^\/\$defs\/([^/]+)$/.exec(fragment)?.[1];
      const name = def && target.defNames.get(def);
      if (!name) throw new Error(`${file.base}: unresolved $ref ${ref}`);
      return name;
    },
  };
}

export function generate() {
  const out = [
    '// Generated by client-web/scripts/gen-protocol-types.mjs from protocol/**/*.schema.json. Do not edit:',
    '// change the schema and run `npm run gen` (a test fails when this file is stale).',
    '/* eslint-disable */',
    '',
  ];
  const messageTypes = [];
  const sections = [];
  const files = schemaFiles();
  const names = new Set();
  const declare = (name) => {
    if (names.has(name)) throw new Error(`two schemas give the type name ${name}`);
    names.add(name);
    return name;
  };
  const doc = (node) => (node.description ? `/** ${node.description.replace(/\*\//g, '')} */\n` : '');
  for (const file of files) {
    const schema = file.schema;
    const defs = resolver(files, file);
    for (const [d, name] of file.defNames) {
      out.push(`${doc(schema.$defs[d])}export type ${declare(name)} = ${typeOf(schema.$defs[d], defs, '')};`, '');
    }
    if (!file.rootName) continue;
    const rel = file.path.slice(repoRoot.length + 1);
    out.push(`/** ${(schema.description ?? schema.title ?? rel).replace(/\*\//g, '')} (${rel}) */`);
    out.push(`export type ${declare(file.rootName)} = ${typeOf(schema, defs, '')};`, '');
    const typeConst = schema.properties?.type?.const;
    if (file.kind === 'message' && typeConst) messageTypes.push({ name: file.rootName, type: typeConst });
    const section = basename(file.path).replace(/\.schema\.json$/, '');
    if (file.kind === 'view' && section !== 'me') sections.push({ name: file.rootName, section });
  }
  out.push('/** The shared sections of a view (welcome.view, update.sections), by name; `me` is apart. */');
  out.push('export interface ViewSections {');
  for (const s of sections) out.push(`  ${propKey(s.section)}: ${s.name};`);
  out.push('}');
  out.push(`export const sectionNames = ${JSON.stringify(sections.map((s) => s.section))} as const;`);
  out.push('');
  out.push('/** Every message of the protocol, by its `type`. */');
  if (messageTypes.length === 0) {
    out.push('export interface ProtocolMessages {}');
  } else {
    out.push('export interface ProtocolMessages {');
    for (const m of messageTypes) out.push(`  ${propKey(m.type)}: ${m.name};`);
    out.push('}');
  }
  out.push('export type MessageType = keyof ProtocolMessages;');
  out.push(`export const messageTypes: readonly string[] = ${JSON.stringify(messageTypes.map((m) => m.type))};`);
  out.push('');
  return out.join('\n');
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const text = generate();
  if (process.argv.includes('--check')) {
    const current = existsSync(outputPath) ? readFileSync(outputPath, 'utf8') : '';
    if (current !== text) {
      console.error('src/protocol/generated.ts is stale: run `npm run gen` in client-web/');
      process.exit(1);
    }
  } else {
    writeFileSync(outputPath, text);
    console.log(`wrote ${outputPath}`);
  }
}
