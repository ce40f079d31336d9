/**
 * `allowed_models` patterns: `*` is any run of characters (`/` included, so `openai/*` and
 * `gpt-4o*` both work) and `?` one character; everything else is literal and the match is whole.
 */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${body}$`);
}

/**
 * The models a key may call: every list present (the tenant's, the key's) must match, so a key's
 * list narrows the tenant's and can never widen it. A model is known by its names (`gpt-4o` and
 * `openai/gpt-4o`); a pattern matching either allows it.
 */
export class ModelAccess {
  private readonly lists: RegExp[][];
  private readonly verdicts = new Map<string, boolean>();

  constructor(lists: readonly (readonly string[])[]) {
    this.lists = lists.map((patterns) => patterns.map(globToRegExp));
  }

  /** Whether `id`, served by `provider`, may be called; by either of its names. */
  allows(id: string, provider: string): boolean {
    // "<provider>/<id>" names one served model: the verdict's key, and its second name.
    const qualified = `${provider}/${id}`;
    let verdict = this.verdicts.get(qualified);
    if (verdict === undefined) {
      verdict = this.lists.every((list) => list.some((re) => re.test(id) || re.test(qualified)));
      // Bounded by the models a gateway serves: only names that resolved to a route reach here.
      this.verdicts.set(qualified, verdict);
    }
    return verdict;
  }
}
