// Whether the container tests can run here: a reachable Docker daemon (DOCKER_HOST, as .ci/run
// starts one) and the locally built images, built on first use by their scripts under
// scripts/containers/ (no registry is reachable). Tests skip with the printed reason otherwise.
import { spawnSync } from 'node:child_process';

export interface ContainerRuntime {
  ok: boolean;
  reason?: string;
}

function docker(args: string[], timeoutMs = 15_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.error !== undefined ? null : r.status, stdout: r.stdout ?? '', stderr: r.error?.message ?? r.stderr ?? '' };
}

/** A reachable daemon, and `images` present (built with their scripts when missing). */
export function containerRuntime(images: Record<string, string>): ContainerRuntime {
  const info = docker(['version', '--format', '{{.Server.Version}}']);
  if (info.status !== 0) return { ok: false, reason: `no container runtime reachable (docker version: ${info.stderr.trim().split('\n')[0] || `exit ${info.status}`})` };
  for (const [image, script] of Object.entries(images)) {
    if (docker(['image', 'inspect', image]).status === 0) continue;
    const built = spawnSync('bash', [script], { encoding: 'utf8', timeout: 180_000 });
    if (built.status !== 0) return { ok: false, reason: `could not build ${image} with ${script}: ${(built.stderr || built.stdout).trim().split('\n').slice(-2).join(' ')}` };
  }
  return { ok: true };
}
