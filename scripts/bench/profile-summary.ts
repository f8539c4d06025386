// Summarises a V8 .cpuprofile (from `node --cpu-prof`, or record-overhead --profile DIR):
// the functions with the most self time, and the most inclusive time (self + callees), as shares
// of the busy (non-idle) time. Usage: node dist/scripts/bench/profile-summary.js FILE [--top N]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  self: number;
  total: number;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  let where = url;
  if (where.startsWith('file://')) where = relative(process.cwd(), fileURLToPath(where));
  return `${functionName || '(anonymous)'}${where ? ` ${where}:${lineNumber + 1}` : ''}`;
}

/** Self and inclusive microseconds per function label (a recursive function counts once per sample). */
export function summariseProfile(profile: Profile): { busyMicros: number; idleMicros: number; rows: Row[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfById = new Map<number, number>();
  profile.samples.forEach((id, i) => selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const rows = new Map<string, Row>();
  let busy = 0;
  let idle = 0;
  for (const [id, micros] of selfById) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const selfLabel = label(node);
    const own = rows.get(selfLabel) ?? { name: selfLabel, self: 0, total: 0 };
    own.self += micros;
    rows.set(selfLabel, own);
    // Walk up the stack, charging each distinct ancestor label once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const ancestor = byId.get(at);
      if (ancestor === undefined) break;
      const l = label(ancestor);
      if (seen.has(l)) continue;
      seen.add(l);
      const row = rows.get(l) ?? { name: l, self: 0, total: 0 };
      row.total += micros;
      rows.set(l, row);
    }
  }
  return { busyMicros: busy, idleMicros: idle, rows: [...rows.values()] };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 30;
  if (file === undefined) {
    process.stderr.write('usage: profile-summary FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const { busyMicros, idleMicros, rows } = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const pct = (n: number): string => `${((100 * n) / busyMicros).toFixed(1).padStart(5)}%`;
  process.stdout.write(`busy ${(busyMicros / 1000).toFixed(0)} ms, idle/program ${(idleMicros / 1000).toFixed(0)} ms\n\nself time\n`);
  for (const r of [...rows].sort((a, b) => b.self - a.self).slice(0, top)) process.stdout.write(`${pct(r.self)}  ${r.name}\n`);
  process.stdout.write('\ninclusive time\n');
  for (const r of [...rows].sort((a, b) => b.total - a.total).slice(0, top)) process.stdout.write(`${pct(r.total)}  ${r.name}\n`);
}
