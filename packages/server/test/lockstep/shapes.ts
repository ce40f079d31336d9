/**
 * The JSON-level meaning of a response, derived from docs/openapi.yaml here and from the Python
 * SDK's TypedDicts by `python3 -m brainstormrouter._shapes` (same format), and the differences
 * between the two as sentences a developer can act on.
 */

export type Shape =
  | { kind: "object"; fields: Record<string, { required: boolean; shape: Shape }> }
  | { kind: "array"; items: Shape }
  | { kind: "map"; values: Shape }
  | { kind: "scalar"; type: string; enum?: unknown[] }
  | { kind: "union"; of: Shape[] }
  | { kind: "any" }
  | { kind: "stream" }
  | { kind: "unknown"; python: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Schema = Record<string, any>;
export interface Document {
  components: { schemas: Record<string, Schema> };
}

const ANY: Shape = { kind: "any" };
const NULL: Shape = { kind: "scalar", type: "null" };

/** Sorted keys and enums, so that equal shapes print equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${k === "enum" ? canonical([...(v as unknown[])].sort()) : canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function union(members: Shape[]): Shape {
  const flat: Shape[] = [];
  for (const s of members.flatMap((m) => (m.kind === "union" ? m.of : [m]))) {
    if (!flat.some((f) => canonical(f) === canonical(s))) flat.push(s);
  }
  return flat.length === 1 ? flat[0]! : { kind: "union", of: flat };
}

/** allOf of objects: their fields together. Nullable if a member is: zod-to-openapi writes
 * `TenantSummary.extend({...}).nullable()` as allOf [$ref, {type: [object, null], ...}], and a bare
 * `ActorRef.nullable()` as allOf [$ref, {type: [object, null]}], whose open object adds no field. */
function merge(members: Shape[]): Shape {
  const fields: Record<string, { required: boolean; shape: Shape }> = {};
  let nullable = false;
  for (const s of members.flatMap((m) => (m.kind === "union" ? m.of : [m]))) {
    if (s.kind === "scalar" && s.type === "null") nullable = true;
    else if (s.kind === "object") {
      for (const [name, f] of Object.entries(s.fields)) fields[name] = { required: f.required || !!fields[name]?.required, shape: f.shape };
    } else if (s.kind === "map" && s.values.kind === "any") continue;
    else throw new Error(`allOf over ${s.kind} is not supported`);
  }
  const object: Shape = { kind: "object", fields };
  return nullable ? union([object, NULL]) : object;
}

function single(type: string, schema: Schema, doc: Document): Shape {
  if (type === "null") return NULL;
  if (type === "array") return { kind: "array", items: schema.items ? schemaShape(schema.items, doc) : ANY };
  if (type === "object") {
    // Declared properties make a TypedDict; extra keys (additionalProperties: {}) it cannot name.
    if (schema.properties) {
      const required = new Set<string>(schema.required ?? []);
      const fields = Object.fromEntries(
        Object.entries(schema.properties as Record<string, Schema>).map(([k, v]) => [
          k,
          { required: required.has(k), shape: schemaShape(v, doc) },
        ]),
      );
      return { kind: "object", fields };
    }
    const values = schema.additionalProperties;
    return { kind: "map", values: values && typeof values === "object" ? schemaShape(values, doc) : ANY };
  }
  const values = (schema.enum as unknown[] | undefined)?.filter(
    (v) => v !== null && (type === "integer" ? typeof v === "number" : typeof v === jsType(type)),
  );
  return values ? { kind: "scalar", type, enum: values } : { kind: "scalar", type };
}

const jsType = (type: string) => (type === "integer" ? "number" : type);

export function schemaShape(schema: Schema, doc: Document): Shape {
  if (schema.$ref) {
    const name = String(schema.$ref).replace("#/components/schemas/", "");
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unknown $ref ${schema.$ref}`);
    return schemaShape(target, doc);
  }
  if (schema.allOf) return merge((schema.allOf as Schema[]).map((s) => schemaShape(s, doc)));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return union((alternatives as Schema[]).map((s) => schemaShape(s, doc)));
  const types: string[] = schema.type === undefined ? (schema.properties ? ["object"] : []) : [schema.type].flat();
  return types.length ? union(types.map((t) => single(t, schema, doc))) : ANY;
}

export function describe(s: Shape): string {
  switch (s.kind) {
    case "object":
      return `an object {${Object.keys(s.fields).slice(0, 4).join(", ")}${Object.keys(s.fields).length > 4 ? ", …" : ""}}`;
    case "array":
      return `a list of ${describe(s.items)}`;
    case "map":
      return `a map of ${describe(s.values)}`;
    case "scalar":
      return s.enum ? `${s.type} ${JSON.stringify(s.enum)}` : s.type;
    case "union":
      return s.of.map(describe).join(" | ");
    case "any":
      return "any value";
    case "stream":
      return "a server-sent event stream";
    case "unknown":
      return `the unmapped Python type ${s.python}`;
  }
}

const sameKind = (a: Shape, b: Shape) => a.kind === b.kind && (a.kind !== "scalar" || a.type === (b as { type: string }).type);
const where = (at: string) => at || "the response";

/** Every way `actual` (the Python type) differs from `expected` (the schema), one sentence each. */
export function differences(expected: Shape, actual: Shape, at = ""): string[] {
  if (expected.kind !== "union" && actual.kind !== "union") return differencesOne(expected, actual, at);
  const wanted = expected.kind === "union" ? expected.of : [expected];
  const offered = actual.kind === "union" ? actual.of : [actual];
  const used = new Set<number>();
  const unmatched = wanted.filter((e) => {
    const i = offered.findIndex((a, j) => !used.has(j) && differences(e, a).length === 0);
    if (i >= 0) used.add(i);
    return i < 0;
  });
  const out: string[] = [];
  for (const e of unmatched) {
    // The closest alternative of the same kind explains the difference best.
    const i = offered.findIndex((a, j) => !used.has(j) && sameKind(e, a));
    if (i >= 0) {
      used.add(i);
      out.push(...differencesOne(e, offered[i]!, at));
    } else out.push(`${where(at)}: the schema allows ${describe(e)}, the Python type does not`);
  }
  offered.forEach((a, j) => {
    if (!used.has(j)) out.push(`${where(at)}: the Python type allows ${describe(a)}, the schema does not`);
  });
  return out;
}

function differencesOne(e: Shape, a: Shape, at: string): string[] {
  if (!sameKind(e, a)) return [`${where(at)}: the schema has ${describe(e)}, the Python type ${describe(a)}`];
  if (e.kind === "array" && a.kind === "array") return differences(e.items, a.items, `${at}[]`);
  if (e.kind === "map" && a.kind === "map") return differences(e.values, a.values, `${at}{}`);
  if (e.kind === "scalar" && a.kind === "scalar") {
    const [ev, av] = [e.enum, a.enum].map((v) => (v ? canonical([...v].sort()) : "any"));
    return ev === av ? [] : [`${where(at)}: the schema allows ${describe(e)}, the Python type ${describe(a)}`];
  }
  if (e.kind === "object" && a.kind === "object") {
    const out: string[] = [];
    for (const [name, field] of Object.entries(e.fields)) {
      const path = at ? `${at}.${name}` : name;
      const mine = a.fields[name];
      if (!mine) {
        out.push(`${path}: in the schema, missing from the TypedDict`);
        continue;
      }
      if (field.required !== mine.required) {
        out.push(
          field.required
            ? `${path}: required by the schema, not by the TypedDict`
            : `${path}: optional in the schema, required by the TypedDict (use total=False)`,
        );
      }
      out.push(...differences(field.shape, mine.shape, path));
    }
    for (const name of Object.keys(a.fields))
      if (!(name in e.fields)) out.push(`${at ? `${at}.${name}` : name}: in the TypedDict, not in the schema`);
    return out;
  }
  return [];
}
