import { useSyncExternalStore } from "react";

/**
 * The signed-in session lives in localStorage, so every tab of this origin shares it: a second tab
 * opens signed in, and signing out (or a 401) in one tab signs out the others through the
 * `storage` event, which the browser fires in every other same-origin document. No other site can
 * read it; the dashboard's CSP (`script-src 'self'`) keeps foreign scripts from running here.
 * Expiry comes from the JWT itself. Trade-off against sessionStorage: issue 14 §6 decision.
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
  const raw = localStorage.getItem(KEY);
  if (raw !== cached.raw) {
    cached = { raw, session: raw ? (JSON.parse(raw) as Session) : null };
  }
  const s = cached.session;
  return s && s.expiresAt > Date.now() ? s : null;
}

function notify() {
  for (const l of listeners) l();
}

// Another tab signed in or out (key null: it cleared the whole storage).
window.addEventListener("storage", (e) => {
  if (e.storageArea === localStorage && (e.key === KEY || e.key === null)) notify();
});

export function signIn(token: string, fallbackTtlSeconds = 3600) {
  const claims = decode(token);
  const session: Session = {
    token,
    email: claims.email ?? null,
    subject: claims.sub ?? null,
    expiresAt: claims.exp ? claims.exp * 1000 : Date.now() + fallbackTtlSeconds * 1000,
  };
  localStorage.setItem(KEY, JSON.stringify(session));
  notify();
}

// Per tab on purpose: the tab whose request met the 401 explains it; the others just sign out.
const NOTICE = "br.sign_in_notice";

/** Ends the session in every tab; `notice` is shown once on this tab's sign-in page (e.g. why it ended). */
export function signOut(notice?: string) {
  localStorage.removeItem(KEY);
  if (notice) sessionStorage.setItem(NOTICE, notice);
  notify();
}

export function takeSignInNotice(): string | null {
  const notice = sessionStorage.getItem(NOTICE);
  sessionStorage.removeItem(NOTICE);
  return notice;
}

/** Runs `listener` whenever the session changes, in this tab or another. */
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(onSessionChange, readSession);
}
