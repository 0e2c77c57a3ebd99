// A review hearing (回头看) in the agenda editor: the editor around the agenda builder takes a unit's commitments
// from the ledger into a slot (the server stores the draft's definition with them) and updates its form.
import type { InjectionKey } from 'vue';
import type { ReviewItem } from './definition';

// Resolves with the slot's new review; rejects with an ApiError ('unsaved' while the form has unsaved edits).
export type TakeReview = (slot: string, unit: string, all: boolean) => Promise<ReviewItem[]>;
export const TAKE_REVIEW: InjectionKey<TakeReview> = Symbol('take-review');
