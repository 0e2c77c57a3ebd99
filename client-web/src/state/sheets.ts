// The voter's outbox. A sheet is written to storage, with its receipt secret and idempotency key, before it is
// sent, and stays there until the server acks it; after a Wi-Fi drop or a reload it is sent again with the same
// key, so it counts exactly once. A sheet whose ballot closed before it got through is kept and explained.
// Two secrets per sheet: the receipt, which the voter may show to have the sheet checked, and the change key,
// which is never shown and alone lets this device replace the sheet on a changeable ballot.
import type { Marks } from '../protocol/view';
import { newChangeKey, newIdempotencyKey, newReceipt } from '../lib/random';

export type SheetState =
  | 'pending' // saved, waiting to be sent (offline, or not yet sent)
  | 'sending' // sent, no answer yet
  | 'confirmed' // acked by the server
  | 'closed' // the ballot closed before the sheet got through
  | 'failed'; // the server refused it for another reason

export interface StoredSheet {
  ballot: string;
  marks: Marks;
  receipt: string; // the secret; the server keeps only its SHA-256
  changeKey: string; // never displayed; the server keeps only a hash of it with the voter, until close
  key: string; // idempotency key of the latest cast
  state: SheetState;
  changed: boolean; // this cast replaces an earlier confirmed one
  confirmedAt?: number;
  error?: string;
  errorCode?: string;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export class SheetOutbox {
  private sheets: Record<string, StoredSheet> = {};

  constructor(
    private readonly storage: KeyValueStore,
    private readonly storageKey: string,
  ) {
    this.load();
  }

  private load(): void {
    try {
      const raw = this.storage.getItem(this.storageKey);
      this.sheets = raw ? (JSON.parse(raw) as Record<string, StoredSheet>) : {};
    } catch {
      this.sheets = {};
    }
    // A sheet that was in flight when the page went away has to go out again.
    for (const s of Object.values(this.sheets)) if (s.state === 'sending') s.state = 'pending';
  }

  private save(): void {
    this.storage.setItem(this.storageKey, JSON.stringify(this.sheets));
  }

  get(ballot: string): StoredSheet | undefined {
    return this.sheets[ballot];
  }

  all(): StoredSheet[] {
    return Object.values(this.sheets);
  }

  // A new cast for a ballot. A change of a confirmed sheet keeps the receipt (the server finds the earlier
  // sheet by it) and the change key (which proves it is this device's), and takes a new idempotency key;
  // re-casting a sheet that never got through keeps all three.
  cast(ballot: string, marks: Marks): StoredSheet {
    const prev = this.sheets[ballot];
    const wasConfirmed = prev?.state === 'confirmed' || (prev?.changed ?? false);
    const unsent = prev && (prev.state === 'pending' || prev.state === 'sending');
    const sheet: StoredSheet = {
      ballot,
      marks,
      receipt: prev?.receipt ?? newReceipt(),
      changeKey: prev?.changeKey ?? newChangeKey(),
      key: unsent ? prev.key : newIdempotencyKey(),
      state: 'pending',
      changed: wasConfirmed,
    };
    this.sheets[ballot] = sheet;
    this.save();
    return sheet;
  }

  // Sheets to send now (after connecting, or right after a cast).
  due(): StoredSheet[] {
    return this.all().filter((s) => s.state === 'pending');
  }

  markSending(ballot: string): void {
    this.update(ballot, { state: 'sending' });
  }

  confirm(ballot: string, key: string, now: number): void {
    const s = this.sheets[ballot];
    if (!s || s.key !== key) return; // an ack for an older cast that a newer one replaced
    this.update(ballot, { state: 'confirmed', confirmedAt: now, error: undefined, errorCode: undefined });
  }

  // The request did not get an answer (connection lost): it goes out again on reconnect.
  requeue(ballot: string, key: string): void {
    const s = this.sheets[ballot];
    if (s && s.key === key && s.state === 'sending') this.update(ballot, { state: 'pending' });
  }

  reject(ballot: string, key: string, code: string, message: string): void {
    const s = this.sheets[ballot];
    if (!s || s.key !== key) return;
    const state: SheetState = code === 'ballot_closed' ? 'closed' : 'failed';
    this.update(ballot, { state, error: message, errorCode: code });
  }

  // The voter read the explanation of a sheet that did not get through.
  dismiss(ballot: string): void {
    if (this.sheets[ballot]?.state !== 'closed') return;
    delete this.sheets[ballot];
    this.save();
  }

  private update(ballot: string, patch: Partial<StoredSheet>): void {
    const s = this.sheets[ballot];
    if (!s) return;
    this.sheets[ballot] = { ...s, ...patch };
    this.save();
  }
}
