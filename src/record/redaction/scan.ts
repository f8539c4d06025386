// `seam scan` as a library: walk files, run the redaction detectors, return findings as data.
// An exchange file is scanned with exactly the walk the recorder redacts with (its partner's rules),
// so "scan is clean" and "redaction missed nothing" are the same statement. Other JSON is walked
// with every name rule; other text is scanned line by line.
import { isUtf8 } from 'node:buffer';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { isExchange } from '../../exchange/schema.js';
import type { Exchange } from '../../exchange/types.js';
import { redactionRulesFor, type SeamConfig } from '../../config/config.js';
import { isPlaceholder } from './placeholders.js';
import { Pass, RedactionEngine } from './redactor.js';

export interface Finding {
  file: string;
  /** JSON pointer, for JSON files. */
  pointer?: string;
  /** 1-based line, for other text files. */
  line?: number;
  rule: string;
}

export interface ScanResult {
  findings: Finding[];
  /** Files read and scanned. */
  files: number;
  skipped: { file: string; reason: 'binary' | 'too-large' }[];
}

export interface ScanOptions {
  config?: SeamConfig;
  /** Paths that do not exist are skipped instead of being an error (the default folders). */
  skipMissing?: boolean;
  /** Files above this size are skipped (default 64 MiB). */
  maxBytes?: number;
}

const SKIP_DIRS = new Set(['node_modules']);
const BINARY_EXT = /\.(png|jpe?g|gif|webp|ico|bmp|tiff?|pdf|zip|gz|tgz|bz2|xz|7z|jar|war|class|so|dylib|dll|exe|bin|wasm|woff2?|ttf|otf|eot|mp[34]|mov|avi|webm|ogg|wav|sqlite|db)$/i;
const JSON_EXT = /\.(json|har)$/i;

// `name: value`, `NAME=value`, `"name": "value",` — for YAML, .env-style and similar lines.
const KEY_VALUE = /^\s*(?:export\s+|-\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]{0,80})["']?\s*[:=]\s*(.*?)\s*$/;
// Values that stand for a secret in documentation rather than being one.
const TEMPLATE = /^(<[^>]*>|\{\{.*\}\}|\$\{.*\}|\$[A-Z_]+|your[_-].*|x{3,}|\.\.\.|null|true|false|~)$/i;

function unquote(value: string): string {
  const v = value.replace(/,$/, '');
  const m = /^(["'])(.*)\1$/.exec(v);
  return m ? m[2]! : v;
}

class Scanner {
  private readonly engines = new Map<string, RedactionEngine>();
  readonly generic: RedactionEngine;
  readonly result: ScanResult = { findings: [], files: 0, skipped: [] };

  constructor(
    private readonly config: SeamConfig,
    private readonly maxBytes: number,
  ) {
    this.generic = new RedactionEngine(config.redact ?? {}, { allow: config.scan?.allow ?? [] });
  }

  private engineFor(partner: string): RedactionEngine {
    let engine = this.engines.get(partner);
    if (!engine) {
      engine = new RedactionEngine(redactionRulesFor(this.config, partner), { allow: this.config.scan?.allow ?? [] });
      this.engines.set(partner, engine);
    }
    return engine;
  }

  async path(path: string, top: boolean, skipMissing: boolean): Promise<void> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(path, error);
      if (skipMissing) return;
      throw new InputError('no such file or folder', { file: path });
    }
    if (info.isDirectory()) {
      const entries = (await readdir(path, { withFileTypes: true }).catch((error: unknown) => Promise.reject(unreadable(path, error)))).sort(
        (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
      );
      for (const entry of entries) {
        if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name) || entry.isSymbolicLink()) continue;
        if (entry.isDirectory() || entry.isFile()) await this.path(join(path, entry.name), false, false);
      }
      return;
    }
    if (!info.isFile()) return;
    if (!top && BINARY_EXT.test(path)) return this.skip(path, 'binary');
    if (info.size > this.maxBytes) return this.skip(path, 'too-large');
    await this.file(path);
  }

  private skip(file: string, reason: 'binary' | 'too-large'): void {
    this.result.skipped.push({ file, reason });
  }

  private async file(file: string): Promise<void> {
    const bytes = await readFile(file).catch((error: unknown) => Promise.reject(unreadable(file, error)));
    if (bytes.subarray(0, 8192).includes(0) || !isUtf8(bytes)) return this.skip(file, 'binary');
    this.result.files++;
    const text = bytes.toString('utf8');
    if (JSON_EXT.test(file)) {
      let value: unknown;
      let parsed = true;
      try {
        value = JSON.parse(text);
      } catch {
        parsed = false; // scanned as text below
      }
      if (parsed) return this.json(file, value);
    }
    this.lines(file, text);
  }

  private json(file: string, value: unknown): void {
    const pass = new Pass();
    if (isExchange(value)) this.engineFor((value as Exchange).partner).exchange(value as Exchange, pass);
    else this.generic.json(value, '', pass, true);
    const seen = new Set<string>();
    for (const r of pass.redactions) {
      const key = `${r.at}\u0000${r.rule}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.result.findings.push({ file, pointer: r.at, rule: r.rule });
    }
  }

  private lines(file: string, text: string): void {
    const engine = this.generic;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const pass = new Pass();
      const at = String(i + 1);
      engine.text(line, () => at, pass);
      const kv = KEY_VALUE.exec(line);
      if (kv) {
        const value = unquote(kv[2]!);
        const rule = value === '' || /^[{[|>&*#]/.test(value) || TEMPLATE.test(value) ? undefined : engine.lineKeyRule(kv[1]!, value);
        if (rule !== undefined && !isPlaceholder(value)) engine.whole(value, () => at, rule, pass);
      }
      const seen = new Set<string>();
      for (const r of pass.redactions) {
        if (seen.has(r.rule)) continue;
        seen.add(r.rule);
        this.result.findings.push({ file, line: i + 1, rule: r.rule });
      }
    }
  }
}

/** A file or folder we may not read (permissions, a symlink loop): exit 2 naming it, not a crash. */
function unreadable(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  return new InputError(`cannot read: ${code}`, { file }, { cause: error });
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== undefined && b.line !== undefined && a.line !== b.line) return a.line - b.line;
  const pa = a.pointer ?? '';
  const pb = b.pointer ?? '';
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/** Scan files and folders (recursively; dot-folders, node_modules, symlinks, binaries and huge files skipped). */
export async function scanPaths(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const scanner = new Scanner(options.config ?? {}, options.maxBytes ?? 64 * 1024 * 1024);
  for (const path of paths) await scanner.path(path, true, options.skipMissing ?? false);
  scanner.result.findings.sort(compareFindings);
  return scanner.result;
}

/** `file:pointer rule` or `file:line rule`. */
export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line !== undefined ? f.line : (f.pointer ?? '')} ${f.rule}`;
}
