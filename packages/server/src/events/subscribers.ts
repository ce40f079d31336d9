import type { Logger } from "pino";
import type { SharedCache } from "../cache/interface.js";
import type { Config } from "../config.js";
import type { Database } from "../store/db.js";
import type { Subscriber } from "./bus.js";
import { budgetEmailSubscriber } from "../integrations/email/budget-mail.js";
import { founderEmailSubscriber, tenantEmailSubscriber } from "../integrations/email/subscriber.js";
import type { MailTransport } from "../integrations/email/transport.js";
import { slackConfigured } from "../integrations/slack/api.js";
import { slackSubscriber } from "../integrations/slack/subscriber.js";

/** The subscribers this configuration asks for: Slack when configured, email always (log only without a transport). */
export function builtInSubscribers(config: Config, db: Database, mail: MailTransport, cache: SharedCache, log: Logger): Subscriber[] {
  const subscribers: Subscriber[] = [tenantEmailSubscriber(config, db, mail), budgetEmailSubscriber(config, db, mail)];
  if (config.BR_ADMIN_EMAILS.length > 0) subscribers.push(founderEmailSubscriber(config, mail));
  if (slackConfigured(config)) subscribers.push(slackSubscriber({ config, db, cache, log }));
  return subscribers;
}
