// The join codes this console was given for printing. The server keeps only token hashes, so a code can be
// printed again only from here: they live in this tab's memory (never in storage, where they would outlast
// the session on a shared laptop) and a reload forgets them; printing again then needs a reissue.
import { reactive } from 'vue';

export const issuedCodes = reactive(new Map<string, string>()); // participant → token

export function keepCodes(tokens: ReadonlyArray<{ participant: string; token: string }>): void {
  for (const t of tokens) issuedCodes.set(t.participant, t.token);
}

// Where phones and tablets are sent: the server's public_url if it has one, else this browser's address.
export function joinBase(publicUrl: string, origin: string): string {
  return (publicUrl || origin).replace(/\/+$/, '');
}

// A base that only this machine can reach: printed codes would fail on every phone.
export function isLoopback(base: string): boolean {
  let host: string;
  try {
    host = new URL(base).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host.startsWith('127.') || host === '[::1]' || host === '::1';
}
