import { readFile, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const PERFORMANCE_MD = fileURLToPath(new URL("../../docs/performance.md", import.meta.url));

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Replaces (or appends) the section between `<!-- name:start -->` and `<!-- name:end -->`. */
export async function writeSection(name: string, markdown: string): Promise<void> {
  let doc = "";
  try {
    doc = await readFile(PERFORMANCE_MD, "utf8");
  } catch {
    doc = "# Performance\n\nFigures are ratios measured in one run on one machine; `npm run bench:<name>` reproduces each.\n";
  }
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const at = doc.indexOf(start);
  doc = at >= 0 ? doc.slice(0, at) + block + doc.slice(doc.indexOf(end) + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(PERFORMANCE_MD, doc);
}
