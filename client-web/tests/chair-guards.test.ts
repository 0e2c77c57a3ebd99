import { describe, expect, it } from 'vitest';
import { callBlock, isRunning, mayRoles, sessionBlock, stageBlock, stageFollows, startBlock } from '../src/lib/chair-guards';
import { isLoopback, joinBase } from '../src/state/issued-codes';
import type { SlotView } from '../src/protocol/view';

const timer = { limit_ms: 480_000, used_ms: 0, running_since: null };
function slot(stage: SlotView['stage'], mode: SlotView['mode'] = 'oral'): SlotView {
  return { id: 's1', title: '', mode, presenter: { id: 'p1', name: '甲' }, stage, report: timer, qa: timer };
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
