import { randomBytes } from "node:crypto";

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** "My Lab!" → "my-lab"; never empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
  return slug || "tenant";
}

/** A generated slug that was taken gets a short random suffix. */
export function withSuffix(slug: string): string {
  return `${slug}-${randomBytes(3).toString("hex")}`;
}
