import { useSyncExternalStore } from "react";

/**
 * The signed-in session lives in sessionStorage: it survives reloads and the OIDC round-trip but
 * not the tab, and no other site can read it. Expiry comes from the JWT itself.
 */
const KEY = "br.session";
const listeners = new Set<() => void>();

export interface Session {
  token: string;
  email: string | null;
  subject: string | null;
  expiresAt: number;
}

function decode(token: string): { exp?: number; email?: string; sub?: string } {
  try {
    const part = token.split(".")[1] ?? "";
    return JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number; email?: string; sub?: string };
  } catch {
    return {};
  }
}

let cached: { raw: string | null; session: Session | null } = { raw: null, session: null };

export function readSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (raw !== cached.raw) {
    cached = { raw, session: raw ? (JSON.parse(raw) as Session) : null };
  }
  const s = cached.session;
  return s && s.expiresAt > Date.now() ? s : null;
}

export function signIn(token: string, fallbackTtlSeconds = 3600) {
  const claims = decode(token);
  const session: Session = {
    token,
    email: claims.email ?? null,
    subject: claims.sub ?? null,
    expiresAt: claims.exp ? claims.exp * 1000 : Date.now() + fallbackTtlSeconds * 1000,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  for (const l of listeners) l();
}

const NOTICE = "br.sign_in_notice";

/** Ends the session; `notice` is shown once on the sign-in page (e.g. why it ended). */
export function signOut(notice?: string) {
  sessionStorage.removeItem(KEY);
  if (notice) sessionStorage.setItem(NOTICE, notice);
  for (const l of listeners) l();
}

export function takeSignInNotice(): string | null {
  const notice = sessionStorage.getItem(NOTICE);
  sessionStorage.removeItem(NOTICE);
  return notice;
}

export function useSession(): Session | null {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, readSession);
}
