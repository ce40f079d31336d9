/** Where a CLI run reads its environment and writes its output: the process, or a test's buffers. */
export interface CliIo {
  env: Record<string, string | undefined>;
  /** A terminal on stdout is what lets `login` open a browser (never from a pipe or a test). */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Only a terminal is asked questions (login's email); tests and pipes pass flags. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** A run's IO plus what the run learned on the way, so that an error can name its context. */
export interface CliContext extends CliIo {
  /** Set once a client is built: which URL was tried and which credential went with it. */
  client?: { baseUrl: string; baseUrlSource: string; credential: import("./credentials.js").Credential | null };
}

export function processIo(): CliIo {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}
