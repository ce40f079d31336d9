import { randomBytes } from "node:crypto";
import type { Tx } from "./db.js";

/** The deployment's secret called `name`, made on first use; concurrent first uses agree on one. */
export async function serverSecret(tx: Tx, name: string): Promise<string> {
  await tx
    .insertInto("server_secrets")
    .values({ name, secret: randomBytes(32).toString("base64url") })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const row = await tx.selectFrom("server_secrets").select("secret").where("name", "=", name).executeTakeFirstOrThrow();
  return row.secret;
}
