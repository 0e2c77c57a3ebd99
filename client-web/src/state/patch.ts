// Applying the server's section patches (JSON Patch, RFC 6902: the server sends add, remove and replace only;
// docs/protocol.md, Patches). The document is never changed in place: each operation copies the containers on
// its path and shares the rest, so a check-in on a board of ten thousand copies one list, not ten thousand
// objects, and Vue sees a new section object.

export interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

// Thrown when a patch does not fit the document: the client then asks for the whole view again.
export class PatchMismatch extends Error {}

type Container = Record<string, unknown> | unknown[];

// JSON Pointer (RFC 6901): "/a/b~1c" names a → "b/c"; "" is the whole document.
function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchMismatch(`not a JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

function copyOf(c: Container): Container {
  return Array.isArray(c) ? c.slice() : { ...c };
}

// Defined, not assigned: a member named "__proto__" (an id may be spelt so) is then data, as JSON.parse makes it,
// and never the object's prototype.
function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function arrayIndex(list: unknown[], token: string, appending: boolean): number {
  if (appending && token === '-') return list.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchMismatch(`not an index: ${token}`);
  const i = Number(token);
  if (i > list.length || (!appending && i === list.length)) throw new PatchMismatch(`index out of range: ${token}`);
  return i;
}

// Sets, inserts or removes at the last token of `path` inside a copy of `doc`; returns the copy.
function change(doc: unknown, path: string[], op: PatchOp): unknown {
  if (path.length === 0) {
    if (op.op === 'remove') throw new PatchMismatch('cannot remove the whole section');
    return op.value;
  }
  if (!isContainer(doc)) throw new PatchMismatch(`no container at ${op.path}`);
  const [head, ...rest] = path;
  const out = copyOf(doc);
  if (Array.isArray(out)) {
    const last = rest.length === 0;
    const i = arrayIndex(out, head, last && op.op === 'add');
    if (!last) out[i] = change(out[i], rest, op);
    else if (op.op === 'add') out.splice(i, 0, op.value);
    else if (op.op === 'remove') out.splice(i, 1);
    else out[i] = op.value;
    return out;
  }
  const has = Object.prototype.hasOwnProperty.call(out, head);
  if (rest.length > 0) {
    if (!has) throw new PatchMismatch(`no member ${head} at ${op.path}`);
    setMember(out, head, change(out[head], rest, op));
  } else if (op.op === 'remove') {
    if (!has) throw new PatchMismatch(`nothing to remove at ${op.path}`);
    delete out[head];
  } else {
    if (op.op === 'replace' && !has) throw new PatchMismatch(`nothing to replace at ${op.path}`);
    setMember(out, head, op.value);
  }
  return out;
}

export function applyPatch<T>(doc: T, ops: PatchOp[]): T {
  let out: unknown = doc;
  for (const op of ops) {
    if (op.op !== 'add' && op.op !== 'remove' && op.op !== 'replace') throw new PatchMismatch(`unknown op ${op.op}`);
    if (op.op !== 'remove' && !('value' in op)) throw new PatchMismatch(`${op.op} without a value`);
    out = change(out, tokens(op.path), op);
  }
  return out as T;
}
