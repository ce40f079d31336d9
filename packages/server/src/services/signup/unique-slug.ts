import { AppError } from "../../errors/index.js";
import { slugify, withSuffix } from "../../lib/slug.js";
import { pgErrorCode, UNIQUE_VIOLATION } from "../../store/db.js";

const ATTEMPTS = 4;

/**
 * Runs `create` with a slug. The unique index is the only judge of "taken" (a tenant-scoped
 * transaction cannot see other tenants' slugs): a chosen slug that is taken is a 409, a generated
 * one is retried with a random suffix.
 */
export async function withUniqueSlug<T>(name: string, chosen: string | undefined, create: (slug: string) => Promise<T>) {
  let slug = chosen ?? slugify(name);
  for (let attempt = 1; ; attempt++) {
    try {
      return await create(slug);
    } catch (err) {
      if (pgErrorCode(err) !== UNIQUE_VIOLATION) throw err;
      if (chosen) throw new AppError("slug_taken", { message: `The slug "${chosen}" is already taken.` });
      if (attempt >= ATTEMPTS) throw err;
      slug = withSuffix(slugify(name));
    }
  }
}
