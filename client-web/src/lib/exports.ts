// Exports are plain HTTP downloads that need the chair's or scrutineer's token. The token goes in an
// Authorization header (never in a URL, where it would end up in logs and history); the file is fetched and
// then handed to the browser as a download.
export interface ExportLink {
  key: 'exportCsv' | 'exportJson' | 'exportMinutes';
  path: string;
  filename: string;
}

export function exportLinks(hearingId: string): ExportLink[] {
  const h = encodeURIComponent(hearingId);
  return [
    { key: 'exportCsv', path: `/export/${h}/results.csv`, filename: `${hearingId}-results.csv` },
    { key: 'exportJson', path: `/export/${h}/results.json`, filename: `${hearingId}-results.json` },
    { key: 'exportMinutes', path: `/export/${h}/minutes.html`, filename: `${hearingId}-minutes.html` },
  ];
}

export async function download(link: ExportLink, token: string): Promise<void> {
  const res = await fetch(link.path, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
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
