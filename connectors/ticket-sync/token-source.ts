// OAuth2 client-credentials access tokens: fetched on first use, refreshed shortly before they
// expire and on demand (after a 401). Concurrent callers share one in-flight fetch.

export interface AccessToken {
  value: string;
  /** Lifetime in seconds, as the token endpoint said. */
  expiresIn: number;
}

export interface TokenSource {
  /** A token believed valid now. */
  current(): Promise<string>;
  /** Drops the current token and fetches a new one. */
  refresh(): Promise<string>;
}

export interface TokenSourceOptions {
  fetchToken: () => Promise<AccessToken>;
  now: () => number;
  /** Called with every new token (the logger registers it as a secret). */
  onToken: (token: AccessToken) => void;
}

/** Refresh this long before expiry: a tenth of the lifetime, at most 30 s. */
export function refreshMarginMs(expiresInSeconds: number): number {
  return Math.min(30_000, expiresInSeconds * 100);
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  let token: { value: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const fetchNew = (): Promise<string> => {
    inFlight ??= options
      .fetchToken()
      .then((fresh) => {
        options.onToken(fresh);
        token = { value: fresh.value, refreshAt: options.now() + fresh.expiresIn * 1000 - refreshMarginMs(fresh.expiresIn) };
        return fresh.value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    current: () => (token !== undefined && options.now() < token.refreshAt ? Promise.resolve(token.value) : fetchNew()),
    refresh: () => {
      token = undefined;
      return fetchNew();
    },
  };
}
