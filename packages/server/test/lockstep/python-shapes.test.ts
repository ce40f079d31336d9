import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { SDK_PY } from "./processes.js";
import { differences, schemaShape, union, type Document, type Schema, type Shape } from "./shapes.js";

/**
 * The Python SDK's return types (brainstormrouter/types.py) say what docs/openapi.yaml says: for
 * each operation, the sync and async methods' return annotations have the fields of its response
 * schema — no more, no fewer — with the same requiredness, JSON types and enums.
 */

interface Response {
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  operationId: string;
  label: string;
  responses: Record<string, Response>;
}
type Spec = Document & {
  paths: Record<string, Record<string, { operationId?: string; "x-br-sdk"?: boolean; responses: Record<string, Response> }>>;
};

// Read, not rendered: lockstep.test.ts proves the file is what the routes generate.
const OPENAPI_YAML_PATH = fileURLToPath(new URL("../../../../docs/openapi.yaml", import.meta.url));
const doc = parse(readFileSync(OPENAPI_YAML_PATH, "utf8")) as Spec;
const ERROR_ENVELOPE = "#/components/schemas/Error";

const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, op]) => op.operationId && op["x-br-sdk"] !== false)
    .map(([method, op]) => ({ operationId: op.operationId!, label: `${method.toUpperCase()} ${path}`, responses: op.responses })),
);

/** What the method hands back: every 2xx body, and error bodies that are not the error envelope
 * (the RFC 8628 poll answers its 400s as values, DESIGN.md §6). */
function responseShape(op: Operation): Shape {
  const shapes: Shape[] = [];
  for (const [status, response] of Object.entries(op.responses)) {
    for (const [type, { schema }] of Object.entries(response.content ?? {})) {
      if (type === "text/event-stream") shapes.push({ kind: "stream" });
      else if (schema && (status.startsWith("2") || schema.$ref !== ERROR_ENVELOPE)) shapes.push(schemaShape(schema, doc));
    }
  }
  return union(shapes);
}

// As lockstep.test.ts names them: admin.listTenants → admin.list_tenants.
const pythonName = (operationId: string) =>
  operationId
    .split(".")
    .map((s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
    .join(".");

function pythonShapes(): Record<"sync" | "async", Record<string, Shape | null>> {
  const output = execFileSync("python3", ["-m", "brainstormrouter._shapes"], {
    cwd: SDK_PY,
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  return JSON.parse(output);
}

describe("Python SDK return types", () => {
  it("every operation's sync and async methods return a TypedDict with exactly its response schema's fields", () => {
    const shapes = pythonShapes();
    const problems: string[] = [];
    for (const op of operations) {
      const name = pythonName(op.operationId);
      const expected = responseShape(op);
      for (const flavour of ["sync", "async"] as const) {
        const where = `${flavour === "sync" ? "BrainstormRouter" : "AsyncBrainstormRouter"}.${name} (${op.operationId}, ${op.label})`;
        const actual = shapes[flavour][name];
        if (actual === undefined) problems.push(`${where}: no such method`);
        else if (actual === null) problems.push(`${where}: no return annotation`);
        else problems.push(...differences(expected, actual).map((d) => `${where}: ${d}`));
      }
    }
    expect(problems, `Python return types differ from docs/openapi.yaml:\n${problems.join("\n")}`).toEqual([]);
  });

  it("every public method of both Python clients has a return annotation", () => {
    const shapes = pythonShapes();
    const missing = (["sync", "async"] as const).flatMap((f) =>
      Object.entries(shapes[f])
        .filter(([, s]) => s === null)
        .map(([n]) => `${f} ${n}`),
    );
    expect(missing).toEqual([]);
  });

  it("the comparison catches a missing or extra field, a requiredness change and a type change", () => {
    const str: Shape = { kind: "scalar", type: "string" };
    const object = (fields: Record<string, [boolean, Shape]>): Shape => ({
      kind: "object",
      fields: Object.fromEntries(Object.entries(fields).map(([k, [required, shape]]) => [k, { required, shape }])),
    });
    const schema = schemaShape(
      {
        type: "object",
        properties: {
          id: { type: "string" },
          note: { type: ["string", "null"] },
          tags: { type: "array", items: { type: "string", enum: ["a", "b"] } },
        },
        required: ["id", "note"],
      },
      doc,
    );
    const nullable = union([str, { kind: "scalar", type: "null" }]);
    const tags: Shape = { kind: "array", items: { kind: "scalar", type: "string", enum: ["b", "a"] } };
    expect(differences(schema, object({ id: [true, str], note: [true, nullable], tags: [false, tags] }))).toEqual([]);
    expect(differences(schema, object({ id: [true, str], tags: [false, tags] }))).toEqual([
      "note: in the schema, missing from the TypedDict",
    ]);
    expect(differences(schema, object({ id: [true, str], note: [true, nullable], tags: [false, tags], extra: [true, str] }))).toEqual([
      "extra: in the TypedDict, not in the schema",
    ]);
    expect(differences(schema, object({ id: [false, str], note: [true, str], tags: [false, { kind: "array", items: str }] }))).toEqual([
      "id: required by the schema, not by the TypedDict",
      "note: the schema allows null, the Python type does not",
      'tags[]: the schema allows string ["a","b"], the Python type string',
    ]);
  });

  it("a nullable $ref (zod-to-openapi's allOf [$ref, {type: [object, null]}]) is that object or null", () => {
    // Proposal.decided_by: Optional[ActorRef] in Python.
    const actor = schemaShape({ $ref: "#/components/schemas/ActorRef" }, doc);
    const nullable = schemaShape({ allOf: [{ $ref: "#/components/schemas/ActorRef" }, { type: ["object", "null"] }] }, doc);
    expect(differences(nullable, union([actor, { kind: "scalar", type: "null" }]))).toEqual([]);
    expect(differences(nullable, actor)).toEqual(["the response: the schema allows null, the Python type does not"]);
  });
});
