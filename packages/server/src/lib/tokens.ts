import { createHmac, hash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;

export const API_KEY_PREFIX = "br_live_";
export const CLAIM_TOKEN_PREFIX = "brct_";
export type TokenPrefix = typeof API_KEY_PREFIX | typeof CLAIM_TOKEN_PREFIX;

function base62Random(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

function base62Fixed(n: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

// CRC32 of prefix + body, so a scanner can tell a real key from noise offline (DESIGN.md §5).
function checksum(prefix: string, body: string): string {
  return base62Fixed(crc32(prefix + body), CHECKSUM_LENGTH);
}

/** A new secret: prefix + 32 random base62 characters + 6-character CRC32 checksum. */
export function generateToken(prefix: TokenPrefix): string {
  const body = base62Random(BODY_LENGTH);
  return prefix + body + checksum(prefix, body);
}

/**
 * The token HMAC(secret, seed) stands for, in the same shape as a random one: the same seed gives
 * the same token, so a retried send can repeat a token without it ever being stored in clear.
 */
export function deriveToken(prefix: TokenPrefix, secret: string, seed: string): string {
  const digest = createHmac("sha256", secret).update(seed).digest();
  let body = "";
  for (let i = 0; i < BODY_LENGTH; i++) body += BASE62[digest[i]! % 62];
  return prefix + body + checksum(prefix, body);
}

const SHAPE = /^[0-9A-Za-z]+$/;

/** True when the token has the prefix, the length and a matching checksum; no database needed. */
export function isWellFormed(token: string, prefix: TokenPrefix): boolean {
  if (!token.startsWith(prefix) || token.length !== prefix.length + BODY_LENGTH + CHECKSUM_LENGTH) return false;
  const rest = token.slice(prefix.length);
  if (!SHAPE.test(rest)) return false;
  const body = rest.slice(0, BODY_LENGTH);
  return safeEqual(rest.slice(BODY_LENGTH), checksum(prefix, body));
}

/** The part shown in lists: enough to recognise a key, never enough to use it. */
export function displayPrefix(token: string, prefix: TokenPrefix): string {
  return token.slice(0, prefix.length + 4);
}

/** Hex SHA-256; the one-shot `hash` is ~3× faster than createHash for a key's 46 characters (every request hashes one). */
export function sha256(value: string): string {
  return hash("sha256", value, "hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** RFC 8628 device code: 32 random bytes, base64url. */
export function generateDeviceCode(): string {
  return randomBytes(32).toString("base64url");
}

const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";

/** 8 characters without vowels (no accidental words), shown XXXX-XXXX. */
export function generateUserCode(): string {
  let out = "";
  for (let i = 0; i < 8; i++) out += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return out;
}

/** Case- and dash-insensitive form used for matching; null when it cannot be a user code. */
export function normalizeUserCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== 8) return null;
  for (const ch of code) if (!USER_CODE_ALPHABET.includes(ch)) return null;
  return code;
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
