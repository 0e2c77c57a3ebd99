// Exports are plain HTTP downloads that need the chair's or scrutineer's token. The token goes in an
// Authorization header (never in a URL, where it would end up in logs and history); the file is fetched and
// then handed to the browser as a download.
import { RequestError } from '../net/connection';

export interface ExportLink {
  key: 'exportXlsx' | 'exportCsv' | 'exportJson' | 'exportMinutes';
  path: string;
  filename: string;
}

// docs/protocol.md, "HTTP endpoints": the token says which hearing.
export function exportLinks(hearingId: string): ExportLink[] {
  const name = hearingId.replace(/[^A-Za-z0-9_-]/g, '_');
  return [
    // The commission's workbook (民主测评结果统计表): a summary sheet and a sheet per reported ballot.
    { key: 'exportXlsx', path: '/api/results.xlsx', filename: `${name}-results.xlsx` },
    { key: 'exportCsv', path: '/api/results.csv', filename: `${name}-results.csv` },
    { key: 'exportJson', path: '/api/results.json', filename: `${name}-results.json` },
    { key: 'exportMinutes', path: '/api/minutes.html', filename: `${name}-minutes.html` },
  ];
}

export async function download(link: ExportLink, token: string): Promise<void> {
  const res = await fetch(link.path, { headers: { Authorization: `Bearer ${token}` } });
  // The refusals docs/protocol.md names for the exports, as the protocol's error codes (lib/errors.ts says them).
  if (!res.ok) {
    const code = res.status === 401 ? 'unauthorized' : res.status === 403 ? 'not_allowed' : 'unknown';
    throw new RequestError(code, `${res.status} ${res.statusText}`);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = link.filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
