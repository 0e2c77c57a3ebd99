import { describe, expect, it } from 'vitest';
import {
  ballotBlock,
  ballotOffers,
  callBlock,
  closeBallotBlock,
  createBallotBlock,
  isRunning,
  mayRoles,
  openBallotBlock,
  sessionBlock,
  stageBlock,
  stageFollows,
  startBlock,
} from '../src/lib/chair-guards';
import type { BallotCommand } from '../src/lib/chair-guards';
import { isLoopback, joinBase } from '../src/state/issued-codes';
import type { BallotStatus, BallotView, Phase, SlotView } from '../src/protocol/view';

const timer = { limit_ms: 480_000, used_ms: 0, running_since: null };
function slot(stage: SlotView['stage'], mode: SlotView['mode'] = 'oral'): SlotView {
  return { id: 's1', title: '', mode, kind: 'presenter', presenter: { id: 'p1', name: '甲', post: '' }, stage, report: timer, qa: timer };
}

describe('the role table', () => {
  it('gives the chair the agenda and the secretary only the desk', () => {
    expect(mayRoles(['chair'], 'call_slot')).toBe(true);
    expect(mayRoles(['secretary'], 'call_slot')).toBe(false);
    expect(mayRoles(['secretary'], 'answer_inquiry')).toBe(true);
    expect(mayRoles(['secretary'], 'issue_tokens')).toBe(false);
    expect(mayRoles(['questioner', 'voter'], 'cast_sheet')).toBe(true);
  });
});

describe('blocked actions', () => {
  it('names the phase that blocks agenda commands', () => {
    expect(sessionBlock('draft')).toBe('draft');
    expect(sessionBlock('paused')).toBe('paused');
    expect(sessionBlock('adjourned')).toBe('adjourned');
    expect(sessionBlock('in_session')).toBeNull();
  });
  it('opens the session only in check-in with the quorum present', () => {
    expect(startBlock('check_in', false)).toBe('noQuorum');
    expect(startBlock('check_in', true)).toBeNull();
    expect(startBlock('draft', true)).toBe('draft');
  });
  it('calls on only in session and with someone waiting', () => {
    expect(callBlock('check_in', slot('waiting'))).toBe('checkIn');
    expect(callBlock('in_session', null)).toBe('noNext');
    expect(callBlock('in_session', slot('waiting'))).toBeNull();
  });
  it('mirrors the engine: forward only, a written report skips reporting', () => {
    expect(stageFollows(slot('waiting'), 'evaluating')).toBe(false);
    expect(stageFollows(slot('waiting'), 'questioning')).toBe(true);
    expect(stageFollows(slot('reporting'), 'done')).toBe(false);
    expect(stageFollows(slot('questioning'), 'done')).toBe(true);
    expect(stageBlock('in_session', slot('waiting', 'written'), 'reporting', false)).toBe('written');
    expect(stageBlock('in_session', slot('waiting'), 'evaluating', false)).toBe('stageOrder');
    expect(stageBlock('in_session', slot('questioning'), 'evaluating', true)).toBe('asking');
    expect(stageBlock('adjourned', slot('questioning'), 'done', false)).toBe('adjourned');
  });
  it('counts reporting, questioning and evaluating as a presenter on their feet', () => {
    expect(['waiting', 'reporting', 'questioning', 'evaluating', 'done', 'skipped'].filter((s) => isRunning(s as SlotView['stage']))).toEqual([
      'reporting',
      'questioning',
      'evaluating',
    ]);
  });
});

describe('ballot actions', () => {
  const phases: Phase[] = ['draft', 'check_in', 'in_session', 'paused', 'adjourned'];
  const commands: BallotCommand[] = ['create_ballot', 'open_ballot', 'close_ballot', 'publish_ballot', 'void_ballot', 'remind_voters'];
  function ballot(id: string, status: BallotStatus, slots: string[], template_id = 'per'): BallotView {
    return { id, template_id, title: '', anonymous: true, slots, status, rerun_of: null, void_reason: '' };
  }
  const per = { id: 'per', scope: 'per_presenter' as const };
  const combined = { id: 'all', scope: 'combined' as const };

  it('are the chair\'s alone: the secretary and the scrutineer are offered none', () => {
    for (const c of commands) {
      expect(mayRoles(['chair'], c)).toBe(true);
      expect(mayRoles(['secretary'], c)).toBe(false);
      expect(mayRoles(['scrutineer'], c)).toBe(false);
    }
  });
  it('take the phases the engine takes, and name the phase that blocks them', () => {
    const allowed = (c: BallotCommand) => phases.filter((p) => ballotBlock(p, c) === null);
    expect(allowed('create_ballot')).toEqual(['draft', 'check_in', 'in_session']);
    for (const c of ['open_ballot', 'close_ballot', 'void_ballot', 'remind_voters'] as const) expect(allowed(c)).toEqual(['in_session']);
    expect(allowed('publish_ballot')).toEqual(['in_session', 'adjourned']);
    expect(ballotBlock('draft', 'open_ballot')).toBe('draft');
    expect(ballotBlock('check_in', 'open_ballot')).toBe('checkIn');
    expect(ballotBlock('paused', 'create_ballot')).toBe('paused');
    expect(ballotBlock('paused', 'publish_ballot')).toBe('paused');
    expect(ballotBlock('adjourned', 'void_ballot')).toBe('adjournedBallots');
    expect(ballotBlock('adjourned', 'create_ballot')).toBe('adjournedBallots');
  });
  it('offer each step only from the status the engine takes it from', () => {
    const statuses: BallotStatus[] = ['pending', 'open', 'closed', 'published', 'voided'];
    const from = (c: Exclude<BallotCommand, 'create_ballot'>) => statuses.filter((s) => ballotOffers(s, c));
    expect(from('open_ballot')).toEqual(['pending']);
    expect(from('close_ballot')).toEqual(['open']);
    expect(from('publish_ballot')).toEqual(['closed']);
    expect(from('void_ballot')).toEqual(['open', 'closed']);
    expect(from('remind_voters')).toEqual(['open']);
  });
  it('open one sheet per presenter at a time', () => {
    const b2 = ballot('B2', 'pending', ['s1']);
    expect(openBallotBlock('in_session', b2, [ballot('B1', 'open', ['s1', 's2'], 'all'), b2])).toBe('ballotOpen');
    expect(openBallotBlock('in_session', b2, [ballot('B1', 'closed', ['s1', 's2'], 'all'), b2])).toBeNull();
    expect(openBallotBlock('in_session', b2, [ballot('B1', 'open', ['s2']), b2])).toBeNull();
    expect(openBallotBlock('paused', b2, [b2])).toBe('paused');
  });
  it('close an anonymous ballot with no sheet or at least k, never with 1 to k-1', () => {
    expect(closeBallotBlock('in_session', 0, true, 5)).toBeNull();
    expect(closeBallotBlock('in_session', 1, true, 5)).toBe('tooFewSheets');
    expect(closeBallotBlock('in_session', 4, true, 5)).toBe('tooFewSheets');
    expect(closeBallotBlock('in_session', 5, true, 5)).toBeNull();
    expect(closeBallotBlock('in_session', 3, true, 3)).toBeNull();
    expect(closeBallotBlock('in_session', 1, false, 5)).toBeNull();
    expect(closeBallotBlock('paused', 7, true, 5)).toBe('paused');
  });
  it('create a per-presenter ballot for the presenter called, once unless voided', () => {
    const s1 = { id: 's1', kind: 'presenter' as const };
    expect(createBallotBlock('in_session', per, null, [])).toBe('noSlot');
    expect(createBallotBlock('in_session', per, { id: 'r1', kind: 'remark' }, [])).toBe('noSlot');
    expect(createBallotBlock('in_session', per, { id: 'b1', kind: 'break' }, [])).toBe('noSlot');
    expect(createBallotBlock('in_session', per, s1, [])).toBeNull();
    expect(createBallotBlock('in_session', per, s1, [ballot('B1', 'published', ['s1'])])).toBe('ballotExists');
    expect(createBallotBlock('in_session', per, s1, [ballot('B1', 'voided', ['s1'])])).toBeNull();
    expect(createBallotBlock('in_session', per, { id: 's2', kind: 'presenter' }, [ballot('B1', 'open', ['s1'])])).toBeNull();
    expect(createBallotBlock('draft', combined, null, [])).toBeNull();
    expect(createBallotBlock('paused', combined, null, [])).toBe('paused');
    expect(createBallotBlock('adjourned', per, s1, [])).toBe('adjournedBallots');
  });
});

describe('the QR sheet address', () => {
  it('prefers the public URL and warns about loopback', () => {
    expect(joinBase('http://10.0.0.7:8080/', 'http://127.0.0.1:8080')).toBe('http://10.0.0.7:8080');
    expect(joinBase('', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    for (const b of ['http://127.0.0.1:8080', 'http://localhost:8080', 'https://hall.localhost', 'http://[::1]:8080']) {
      expect(isLoopback(b)).toBe(true);
    }
    expect(isLoopback('http://192.168.1.20:8080')).toBe(false);
  });
});

describe('undoing a stage change', async () => {
  const { backTo } = await import('../src/state/chair-steps');
  const kinds = (rs: Array<{ type: string; stage?: string; timer?: string }>) => rs.map((r) => [r.type, r.stage ?? r.timer ?? ''].join(' ').trim());
  it('returns a finished slot and begins its old stage again, its clock as it was', () => {
    expect(kinds(backTo(slot('done'), 'done', 'questioning', 'qa'))).toEqual(['call_slot', 'begin_stage questioning']);
    expect(kinds(backTo(slot('done'), 'done', 'questioning', null))).toEqual(['call_slot', 'begin_stage questioning', 'pause_timer qa']);
    expect(kinds(backTo(slot('done'), 'done', 'evaluating', null))).toEqual(['call_slot', 'begin_stage questioning', 'begin_stage evaluating']);
  });
  it('goes back from report to waiting through the stages the engine allows', () => {
    expect(kinds(backTo(slot('reporting'), 'reporting', 'waiting', null))).toEqual([
      'begin_stage questioning',
      'begin_stage done',
      'call_slot',
    ]);
    expect(kinds(backTo(slot('questioning'), 'questioning', 'reporting', 'report'))).toEqual([
      'begin_stage done',
      'call_slot',
      'begin_stage reporting',
    ]);
  });
});
