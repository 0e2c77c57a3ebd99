// The join token: taken from /j/<token> once, kept in local storage, and removed from the address bar so that
// it does not end up in the history, a screenshot or a shoulder-surfer's view.
const TOKEN_KEY = 'dais.token';

export function takeToken(loc: Location, hist: History, storage: Storage): string | null {
  const m = /^\/j\/([A-Za-z0-9_-]{8,256})\/?$/.exec(loc.pathname);
  if (m) {
    storage.setItem(TOKEN_KEY, m[1]);
    hist.replaceState(null, '', '/' + loc.search + loc.hash);
    return m[1];
  }
  return storage.getItem(TOKEN_KEY);
}

export function forgetToken(storage: Storage): void {
  storage.removeItem(TOKEN_KEY);
}
