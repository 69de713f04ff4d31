import type { AuthResult, User } from '@parley/protocol';
import { backoffDelay } from './backoff.js';
import { errorCode } from './describe-error.js';
import { Emitter } from './emitter.js';
import { PersistedValue } from './persisted-value.js';
import type { KeyValueStorage } from './storage.js';

export interface AuthSessionOptions {
  storage: KeyValueStorage;
  key: string;
  /** Calls `auth.refresh` (without an access token). */
  refresh: (refreshToken: string) => Promise<AuthResult>;
  /** Refresh this long before the access token expires. @default 60000 */
  refreshMarginMs?: number;
  now?: () => number;
}

/** The tokens plus when the access token expires by this device's clock (which may differ from the server's). */
type HeldAuth = AuthResult & { localExpiresAt?: number };

/**
 * How long an access token lives, from its own `iat` and `exp` claims (JWT, docs/api.md): both are the server's clock,
 * so the difference is right even when this device's clock is off by hours. Null when it is not a readable JWT.
 */
export function accessTokenLifetimeMs(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const { iat, exp } = JSON.parse(json) as { iat?: unknown; exp?: unknown };
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp <= iat) return null;
    return (exp - iat) * 1000;
  } catch {
    return null;
  }
}

function parseAuth(value: unknown): HeldAuth | null {
  if (typeof value !== 'object' || value === null) return null;
  const auth = value as Partial<AuthResult>;
  if (
    typeof auth.accessToken !== 'string' ||
    typeof auth.refreshToken !== 'string' ||
    typeof auth.accessTokenExpiresAt !== 'number' ||
    typeof auth.refreshTokenExpiresAt !== 'number' ||
    typeof auth.user?.id !== 'string'
  ) {
    return null;
  }
  return auth as HeldAuth;
}

/**
 * The tokens of the signed-in user: kept in storage, refreshed shortly before the access token expires and
 * whenever the server rejects it. Refresh is single-flight: however many requests get a 401 at once, one
 * `auth.refresh` goes out (refresh tokens are single use; reusing one ends the session as theft). When the answer
 * is lost, the retry presents the same refresh token, which the server accepts within 30 seconds.
 */
export class AuthSession {
  private auth: HeldAuth | null = null;
  private refreshing: Promise<AuthResult | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAttempt = 0;
  private readonly persisted: PersistedValue<HeldAuth | null>;
  private readonly changes = new Emitter<[User | null]>();
  private readonly margin: number;
  private readonly now: () => number;
  /** `auth.refresh` calls that got an answer (for tests and figures). */
  refreshCount = 0;

  constructor(private readonly options: AuthSessionOptions) {
    this.persisted = new PersistedValue(options.storage, options.key, () => this.auth);
    this.margin = options.refreshMarginMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  user(): User | null {
    return this.auth?.user ?? null;
  }

  current(): AuthResult | null {
    return this.auth;
  }

  onChange(listener: (user: User | null) => void): () => void {
    return this.changes.add(listener);
  }

  /** Loads stored tokens; returns null when there are none or the refresh token has expired. */
  async load(): Promise<AuthResult | null> {
    const stored = parseAuth(await this.persisted.load());
    if (!stored || stored.refreshTokenExpiresAt <= this.now()) return null;
    this.adopt(stored);
    return stored;
  }

  /** Keeps the result of register, login or refresh, just received from the server. */
  set(auth: AuthResult): void {
    const lifetime = accessTokenLifetimeMs(auth.accessToken);
    this.adopt(lifetime === null ? auth : { ...auth, localExpiresAt: this.now() + lifetime });
  }

  /** An access token that is not about to expire, refreshing first if needed; null when signed out. */
  async accessToken(): Promise<string | null> {
    const auth = this.auth;
    if (!auth) return null;
    if (this.expiresAt(auth) - this.now() > Math.min(this.margin / 2, 30_000))
      return auth.accessToken;
    return (await this.refresh())?.accessToken ?? null;
  }

  /**
   * The server refused `token`. Refreshes, unless the token was already replaced (another request got the 401
   * first), and resolves with the tokens to retry with, or null when the session is over.
   */
  async rejected(token: string): Promise<AuthResult | null> {
    if (this.auth && this.auth.accessToken !== token) return this.auth;
    return this.refresh();
  }

  /**
   * Single-flight refresh. Resolves null when the server ended the session (the tokens are then dropped);
   * rejects on network trouble, keeping the refresh token for the retry.
   */
  refresh(): Promise<AuthResult | null> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Forgets the tokens, also in storage. */
  async clear(): Promise<void> {
    const hadUser = this.auth !== null;
    this.auth = null;
    this.stopTimer();
    await this.persisted.remove();
    if (hadUser) this.changes.emit(null);
  }

  /** Stops the refresh timer (the client is closing). */
  close(): void {
    this.stopTimer();
    this.changes.clear();
  }

  flush(): Promise<void> {
    return this.persisted.flush();
  }

  private async doRefresh(): Promise<AuthResult | null> {
    const auth = this.auth;
    if (!auth) return null;
    try {
      const next = await this.options.refresh(auth.refreshToken);
      this.refreshCount++;
      if (this.auth !== auth) return this.auth; // logged out or in again meanwhile
      this.set(next);
      await this.persisted.flush(); // the new refresh token must survive a crash
      return next;
    } catch (error) {
      const code = errorCode(error);
      if ((code === 'UNAUTHORIZED' || code === 'FORBIDDEN') && this.auth === auth) {
        await this.clear();
        return null;
      }
      throw error;
    }
  }

  /** Expiry of the access token by this device's clock. */
  private expiresAt(auth: HeldAuth): number {
    return auth.localExpiresAt ?? auth.accessTokenExpiresAt;
  }

  private adopt(auth: HeldAuth): void {
    const userChanged = this.auth?.user.id !== auth.user.id;
    this.auth = auth;
    this.persisted.save();
    this.timerAttempt = 0;
    this.scheduleRefresh(this.expiresAt(auth) - this.margin - this.now());
    if (userChanged) this.changes.emit(auth.user);
  }

  private scheduleRefresh(delay: number): void {
    this.stopTimer();
    // setTimeout holds 32-bit delays only; a far expiry is rechecked later.
    const ms = Math.min(Math.max(delay, 1000), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = null;
      const auth = this.auth;
      if (!auth) return;
      if (this.expiresAt(auth) - this.margin - this.now() > 1000) {
        this.scheduleRefresh(this.expiresAt(auth) - this.margin - this.now());
        return;
      }
      this.refresh().catch(() => {
        if (this.auth === auth) this.scheduleRefresh(backoffDelay(this.timerAttempt++));
      });
    }, ms);
    if (typeof this.timer === 'object' && 'unref' in this.timer) this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
