/** A list answer (DESIGN.md §6): one page of items and the cursor of the next. */
export interface PageResponse<Item> {
  data: Item[];
  next_cursor: string | null;
}

export type FetchPage<Item> = (cursor: string | undefined) => Promise<PageResponse<Item>>;

/** One page; iterating it with `for await` walks every item of this and all later pages. */
export class CursorPage<Item> implements AsyncIterable<Item> {
  readonly data: Item[];
  readonly nextCursor: string | null;

  constructor(
    private readonly fetchPage: FetchPage<Item>,
    response: PageResponse<Item>,
  ) {
    this.data = response.data;
    this.nextCursor = response.next_cursor;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== null;
  }

  async getNextPage(): Promise<CursorPage<Item>> {
    if (this.nextCursor === null) throw new Error("No next page; check hasNextPage() first.");
    return new CursorPage(this.fetchPage, await this.fetchPage(this.nextCursor));
  }

  async *iterPages(): AsyncGenerator<CursorPage<Item>> {
    let page: CursorPage<Item> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * What list methods return: await it for the first page, or `for await` it for every item.
 * Lazy, so a list that is only iterated never leaves an unobserved rejected promise behind.
 */
export class PagePromise<Item> implements PromiseLike<CursorPage<Item>>, AsyncIterable<Item> {
  private first: Promise<CursorPage<Item>> | undefined;

  constructor(
    private readonly fetchPage: FetchPage<Item>,
    private readonly startCursor?: string,
  ) {}

  private page(): Promise<CursorPage<Item>> {
    this.first ??= this.fetchPage(this.startCursor).then((r) => new CursorPage(this.fetchPage, r));
    return this.first;
  }

  then<A = CursorPage<Item>, B = never>(
    onFulfilled?: ((page: CursorPage<Item>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.page().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<CursorPage<Item> | B> {
    return this.page().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<CursorPage<Item>> {
    return this.page().finally(onFinally);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    yield* await this.page();
  }
}
