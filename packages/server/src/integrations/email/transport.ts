import nodemailer from "nodemailer";
import type { Logger } from "pino";
import { Resend } from "resend";
import type { Config } from "../../config.js";
import { RetryLaterError } from "../../events/bus.js";

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export interface MailTransport {
  readonly kind: "resend" | "smtp" | "log";
  /** `deliveryId` makes a retried send recognisable: Resend's Idempotency-Key, SMTP's Message-ID. */
  send(mail: Mail, options: { deliveryId: string; signal: AbortSignal }): Promise<void>;
  close(): void;
}

type MailConfig = Pick<Config, "RESEND_API_KEY" | "RESEND_API_URL" | "BR_SMTP_URL" | "BR_EMAIL_FROM" | "BR_EVENTS_TIMEOUT_MS">;

/** Resend when RESEND_API_KEY is set, else SMTP when BR_SMTP_URL is, else the log (DESIGN.md §3). */
export function createMailTransport(config: MailConfig, log: Logger): MailTransport {
  if (config.RESEND_API_KEY) return resendTransport(config);
  if (config.BR_SMTP_URL) return smtpTransport(config);
  return {
    kind: "log",
    async send(mail) {
      // Subject and recipients only: bodies may carry claim links.
      log.info({ to: mail.to, subject: mail.subject }, "email (no transport configured, logged only)");
    },
    close() {},
  };
}

function resendTransport(config: MailConfig): MailTransport {
  // The SDK takes its base URL as a constructor option, so tests point it at a local fake.
  const resend = new Resend(config.RESEND_API_KEY, { baseUrl: config.RESEND_API_URL.replace(/\/$/, "") });
  return {
    kind: "resend",
    async send(mail, { deliveryId, signal }) {
      const { error, headers } = await resend.emails.send(
        { from: config.BR_EMAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text },
        { idempotencyKey: deliveryId, signal },
      );
      if (!error) return;
      if (error.statusCode === 429) {
        const seconds = Number(headers?.["retry-after"]);
        throw new RetryLaterError(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000, "Resend rate-limited the send");
      }
      throw new Error(`Resend refused the email: ${error.statusCode ?? "network"} ${error.name}: ${error.message}`);
    },
    close() {},
  };
}

function smtpTransport(config: MailConfig): MailTransport {
  const timeout = config.BR_EVENTS_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    url: config.BR_SMTP_URL!,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    kind: "smtp",
    async send(mail, { deliveryId }) {
      await transport.sendMail({
        from: config.BR_EMAIL_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${deliveryId}@brainstormrouter>`,
      });
    },
    close() {
      transport.close();
    },
  };
}
