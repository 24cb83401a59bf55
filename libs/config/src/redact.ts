/** What a secret is replaced with in messages and log lines. */
export const REDACTED = '***';

/** Config keys whose values are secrets or hold one (a URL's password, a webhook's path). */
export const SECRET_CONFIG_KEYS: ReadonlySet<string> = new Set(['apiKey', 'databaseUrl', 'redisUrl', 'alerts.webhookUrl', 'alerts.email.smtpUrl']);

/** Shorter values are not replaced as text: "abc" would also blank out every "abc" in a message. */
const MIN_SECRET_LENGTH = 6;

const secrets = new Set<string>();

// user:password@ in any URL: postgres://app:pw@db/x, redis://:pw@cache, smtp://user:pw@mail.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):([^\s@/]+)@/gi;
// password=..., apiKey: "...", "token":"..." (connection strings, YAML lines, JSON in messages).
const KEY_VALUE = /\b(password|passwd|pwd|api[_-]?key|secret|token)("?\s*[:=]\s*"?)([^\s",;&]+)/gi;

/** A URL with its password (and a webhook's secret path) replaced; the rest stays as given, for diagnosis. */
export function redactUrl(value: string, options: { path?: boolean } = {}): string {
  let shown = value.replace(URL_CREDENTIALS, `$1:${REDACTED}@`);
  if (options.path) {
    const origin = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)[/?#]./i.exec(shown);
    if (origin) shown = `${origin[1]}/${REDACTED}`;
  }
  return shown;
}

/**
 * Remembers a secret's value, so that redactSecrets blanks it wherever it turns up (an error of a
 * library that echoes its connection string, a stack, a log field). loadConfig registers every
 * secret it reads, before validating, so even the messages about bad values cannot echo them.
 */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  secrets.add(value);
  try {
    const url = new URL(value);
    const password = decodeURIComponent(url.password);
    if (password.length >= MIN_SECRET_LENGTH) {
      secrets.add(password);
      secrets.add(url.password);
    }
  } catch {
    // not a URL: the value itself is the secret
  }
}

/** The secrets of a merged configuration (before or after validation): every SECRET_CONFIG_KEYS value. */
export function registerConfigSecrets(config: object): void {
  for (const key of SECRET_CONFIG_KEYS) {
    registerSecret(key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), config));
  }
}

/** `text` with URL credentials, password-like key=value pairs and every registered secret blanked. */
export function redactSecrets(text: string): string {
  let shown = text.replace(URL_CREDENTIALS, `$1:${REDACTED}@`).replace(KEY_VALUE, `$1$2${REDACTED}`);
  // Longest first: a URL goes whole before its password alone is looked for.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (shown.includes(secret)) shown = shown.split(secret).join(REDACTED);
  }
  return shown;
}

/** A config value as an error message may show it: secrets never, a URL without its password. */
export function shownConfigValue(key: string, value: unknown): string {
  if (!SECRET_CONFIG_KEYS.has(key) || value === undefined || value === null) return JSON.stringify(value);
  if (key === 'apiKey') return typeof value === 'string' ? `a value of ${value.length} characters` : `a ${typeof value}`;
  return typeof value === 'string' ? JSON.stringify(redactUrl(value, { path: key === 'alerts.webhookUrl' })) : `a ${typeof value}`;
}
