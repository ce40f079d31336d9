type Schema = Record<string, unknown>;

const FORMATS: Record<string, string> = {
  "date-time": "1970-01-01T00:00:00Z",
  date: "1970-01-01",
  time: "00:00:00Z",
  email: "echo@example.com",
  uri: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
};

/**
 * A value that a JSON Schema (the subset tool parameters and structured outputs use: type,
 * properties, items, enum, const, anyOf/oneOf/allOf, local $ref, string and number bounds)
 * accepts, built deterministically: every declared property is present, strings are `text`.
 * For the echo model's tool-call arguments and `json_schema` answers.
 */
export function instanceOf(schema: unknown, text: string): unknown {
  return build(schema, text, isSchema(schema) ? schema : {}, 0);
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function build(schema: unknown, text: string, root: Schema, depth: number): unknown {
  // Deeper than any sensible schema: a recursive $ref ends here.
  if (!isSchema(schema) || depth > 24) return null;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (typeof schema.$ref === "string") return build(resolve(schema.$ref, root), text, root, depth + 1);
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) return build(alternatives[0], text, root, depth + 1);
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.filter(isSchema);
    return build(Object.assign({}, ...parts, { ...schema, allOf: undefined }), text, root, depth + 1);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => t !== "null") ?? (types.includes("null") ? "null" : schema.items ? "array" : "object");
  switch (type) {
    case "null":
      return null;
    case "boolean":
      return false;
    case "integer":
    case "number": {
      const min = typeof schema.minimum === "number" ? schema.minimum : 0;
      const max = typeof schema.maximum === "number" ? schema.maximum : Number.POSITIVE_INFINITY;
      const n = Math.min(Math.max(0, min), max);
      return type === "integer" ? Math.ceil(n) : n;
    }
    case "string": {
      const format = typeof schema.format === "string" ? FORMATS[schema.format] : undefined;
      const min = typeof schema.minLength === "number" ? schema.minLength : 0;
      const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
      return format ?? text.padEnd(min, "x").slice(0, max);
    }
    case "array": {
      const min = typeof schema.minItems === "number" ? schema.minItems : 0;
      const count = schema.maxItems === 0 ? 0 : Math.max(min, 1);
      return Array.from({ length: count }, () => build(schema.items ?? {}, text, root, depth + 1));
    }
    default: {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, build(s, text, root, depth + 1)]));
    }
  }
}

/** `#/$defs/Name` or `#/definitions/Name` inside the same schema; anything else is unknown. */
function resolve(ref: string, root: Schema): unknown {
  if (!ref.startsWith("#")) return {};
  let node: unknown = root;
  for (const part of ref.slice(1).split("/").filter(Boolean)) {
    node = isSchema(node) ? node[part.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined;
  }
  return node ?? {};
}
