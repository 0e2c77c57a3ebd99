// The voter's outbox. A sheet is written to storage, with its receipt secret and idempotency key, before it is
// sent, and stays there until the server acks it; after a Wi-Fi drop or a reload it is sent again with the same
// key, so it counts exactly once. A sheet whose ballot closed before it got through is kept and explained.
// Marks leave the device at the ack: from then on the box has them and the tablet, which the next person may pick
// up, keeps only that the sheet was confirmed and its receipt. Before the submit, the marks being chosen are a
// draft, kept across a reload until the submit or the ballot's close.
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
  marks?: Marks; // only until the server has the sheet (pending, sending, or refused for a reason it can fix)
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

function readJson<T>(storage: KeyValueStore, key: string): Record<string, T> {
  try {
    const raw = storage.getItem(key);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, T>) : {};
  } catch {
    return {};
  }
}

function withoutMarks(s: StoredSheet): StoredSheet {
  const rest = { ...s };
  delete rest.marks;
  return rest;
}

// A tablet that several voters use in turn, or that the desk collects and hands out again, goes back to a
// neutral screen after each sheet. The desk turns this on with `?shared=1` on the join link (`?shared=0` turns it
// off); the device remembers it.
const SHARED_KEY = 'dais.sharedDevice';
export function sharedDevice(search: string, storage: KeyValueStore): boolean {
  const flag = new URLSearchParams(search).get('shared');
  if (flag === '1' || flag === '0') storage.setItem(SHARED_KEY, flag);
  return storage.getItem(SHARED_KEY) === '1';
}

export class SheetOutbox {
  private sheets: Record<string, StoredSheet> = {};
  private drafts: Record<string, Marks> = {};
  private readonly draftKey: string;
  private readonly seenKey: string;
  private seen = 0;

  constructor(
    private readonly storage: KeyValueStore,
    private readonly storageKey: string,
  ) {
    this.draftKey = `${storageKey}.drafts`;
    this.seenKey = `${storageKey}.seen`;
    this.load();
  }

  // The furthest log position this device has seen. A hearing's log only grows, so a snapshot from further back
  // means it was started over — a rehearsal reset to a clean draft — and every sheet here belongs to a run that
  // no longer exists: its ballot ids come again in the new run.
  noteSeq(seq: number): void {
    if (seq <= this.seen) return;
    this.seen = seq;
    this.storage.setItem(this.seenKey, String(seq));
  }

  rolledBackTo(seq: number): boolean {
    return seq < this.seen;
  }

  // Forgets the old run: its sheets (kept aside under `.before-reset`, receipts included, for anyone who asks
  // what this device sent then), its drafts, its log position. Nothing of it may go into the new run's ballots.
  startOver(): void {
    this.storage.setItem(`${this.storageKey}.before-reset`, JSON.stringify(this.sheets));
    this.sheets = {};
    this.drafts = {};
    this.seen = 0;
    this.save();
    this.saveDrafts();
    this.storage.setItem(this.seenKey, '0');
  }

  private load(): void {
    this.sheets = readJson<StoredSheet>(this.storage, this.storageKey);
    this.drafts = readJson<Marks>(this.storage, this.draftKey);
    this.seen = Number(this.storage.getItem(this.seenKey)) || 0;
    let stale = false;
    for (const [ballot, s] of Object.entries(this.sheets)) {
      // A sheet that was in flight when the page went away has to go out again.
      if (s.state === 'sending') s.state = 'pending';
      // Storage written by an earlier version may still hold the marks of an acked sheet.
      if ((s.state === 'confirmed' || s.state === 'closed') && s.marks) {
        this.sheets[ballot] = withoutMarks(s);
        stale = true;
      }
    }
    if (stale) this.save();
  }

  private save(): void {
    this.storage.setItem(this.storageKey, JSON.stringify(this.sheets));
  }

  private saveDrafts(): void {
    this.storage.setItem(this.draftKey, JSON.stringify(this.drafts));
  }

  // The marks chosen so far on a ballot not yet submitted (or being changed).
  draft(ballot: string): Marks | undefined {
    return this.drafts[ballot];
  }

  allDrafts(): Record<string, Marks> {
    return { ...this.drafts };
  }

  setDraft(ballot: string, marks: Marks): void {
    if (Object.keys(marks).length === 0) delete this.drafts[ballot];
    else this.drafts[ballot] = marks;
    this.saveDrafts();
  }

  // Ballots that are no longer open: their drafts will never be a vote, and a refused sheet's marks can no longer
  // be sent. Sheets still waiting to go out are kept: the server's answer explains them. Says whether anything
  // was forgotten.
  forgetClosed(open: ReadonlySet<string>): boolean {
    let draftsChanged = false;
    for (const ballot of Object.keys(this.drafts)) {
      if (open.has(ballot)) continue;
      delete this.drafts[ballot];
      draftsChanged = true;
    }
    if (draftsChanged) this.saveDrafts();
    let sheetsChanged = false;
    for (const [ballot, s] of Object.entries(this.sheets)) {
      if (open.has(ballot) || s.state !== 'failed' || !s.marks) continue;
      this.sheets[ballot] = withoutMarks(s);
      sheetsChanged = true;
    }
    if (sheetsChanged) this.save();
    return draftsChanged || sheetsChanged;
  }

  get(ballot: string): StoredSheet | undefined {
    return this.sheets[ballot];
  }

  all(): StoredSheet[] {
    return Object.values(this.sheets);
  }

  // A new cast for a ballot; its draft becomes the sheet. A change of a confirmed sheet keeps the receipt (the
  // server finds the earlier sheet by it) and the change key (which proves it is this device's), and takes a new
  // idempotency key; re-casting a sheet that never got through keeps all three.
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
    if (ballot in this.drafts) {
      delete this.drafts[ballot];
      this.saveDrafts();
    }
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
    this.replace(withoutMarks({ ...s, state: 'confirmed', confirmedAt: now, error: undefined, errorCode: undefined }));
  }

  // The request did not get an answer (connection lost): it goes out again on reconnect.
  requeue(ballot: string, key: string): void {
    const s = this.sheets[ballot];
    if (s && s.key === key && s.state === 'sending') this.update(ballot, { state: 'pending' });
  }

  reject(ballot: string, key: string, code: string, message: string): void {
    const s = this.sheets[ballot];
    if (!s || s.key !== key) return;
    const patched = { ...s, error: message, errorCode: code };
    // Closed, it will never be sent again: nothing is left to keep the marks for.
    if (code === 'ballot_closed') this.replace(withoutMarks({ ...patched, state: 'closed' }));
    else this.replace({ ...patched, state: 'failed' });
  }

  // The voter read the explanation of a sheet that did not get through.
  dismiss(ballot: string): void {
    if (this.sheets[ballot]?.state !== 'closed') return;
    delete this.sheets[ballot];
    this.save();
  }

  private update(ballot: string, patch: Partial<StoredSheet>): void {
    const s = this.sheets[ballot];
    if (s) this.replace({ ...s, ...patch });
  }

  private replace(s: StoredSheet): void {
    this.sheets[s.ballot] = s;
    this.save();
  }
}
