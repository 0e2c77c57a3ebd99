// Code cards (随机测评码): how many each voter group needs, and the printed stack — grouped by voter group and
// shuffled within each group with the browser's cryptographic random source, so that the order of the stack
// says nothing about which card any person is handed.
import type { JoinCard } from './api';
import type { HearingDefinition, Participant, VoterGroup } from './definition';

// A uniform integer in [0, n): 32 random bits, drawn again when they fall in the uneven tail.
export function randomBelow(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`randomBelow(${n})`);
  const limit = Math.floor(2 ** 32 / n) * n;
  const word = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(word);
    if (word[0] < limit) return word[0] % n;
  }
}

// Fisher–Yates: every order equally likely. The input is left as it was.
export function shuffled<T>(items: readonly T[], below: (n: number) => number = randomBelow): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// The group whose card a person is handed: their first group that is a voter group (the server's tally group).
export function tallyGroup(p: Participant, groups: readonly VoterGroup[]): string {
  return (p.groups ?? []).find((g) => groups.some((v) => v.id === g)) ?? '';
}

export interface GroupCards {
  group: VoterGroup;
  persons: number; // persons of the group who vote now, or attend in it with code cards on
  cards: number; // code cards of the group now
}

// Per voter group: its persons (the server's default number of cards) and the cards it has.
export function groupCards(def: HearingDefinition): GroupCards[] {
  const groups = def.voter_groups ?? [];
  const on = def.settings?.code_cards === true;
  return groups.map((group) => {
    const members = def.participants.filter((p) => tallyGroup(p, groups) === group.id);
    return {
      group,
      persons: members.filter((p) => !p.card && (on || p.roles.includes('voter'))).length,
      cards: members.filter((p) => p.card).length,
    };
  });
}

// A roster read from a file while code cards are on: its 测评人 vote by card, so they attend in their groups
// without the voter role, and the cards there are stay (issued anew from the code-card section when the
// numbers changed). The cards come last, after the file's rows.
export function rosterWithCards(read: readonly Participant[], existing: readonly Participant[]): Participant[] {
  const persons = read.map((p) => (p.roles.includes('voter') ? { ...p, roles: p.roles.filter((r) => r !== 'voter') } : p));
  return [...persons, ...existing.filter((p) => p.card)];
}

export interface StackPart {
  group: VoterGroup;
  cards: JoinCard[];
}

// The code cards of an answer as they are printed: voter groups in the definition's order, each group's
// cards shuffled. Person cards are not part of it.
export function codeCardStack(cards: readonly JoinCard[], groups: readonly VoterGroup[], below?: (n: number) => number): StackPart[] {
  const codes = cards.filter((c) => c.card);
  return groups
    .map((group) => ({ group, cards: shuffled(codes.filter((c) => c.groups?.[0] === group.id), below) }))
    .filter((part) => part.cards.length > 0);
}
